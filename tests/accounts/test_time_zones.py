"""New members get their browser's time zone, and a member whose device says another
zone is offered to switch (accounts/timezones.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import timezones
from accounts.models import User
from tests.factories import PASSWORD

OFFER_URL = reverse("accounts:time-zone")


def _sign_up(client, **extra):
    data = {
        "email": "newcomer@example.com",
        "username": "newcomer",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }
    return client.post(reverse("account_signup"), data)


# --- Sign-up ------------------------------------------------------------------------------


def test_the_sign_up_form_has_a_hidden_field_for_the_browsers_zone(client, db):
    page = client.get(reverse("account_signup")).content.decode()

    assert 'type="hidden" name="timezone"' in page
    assert "data-browser-timezone" in page


def test_a_new_member_gets_the_zone_their_browser_reported(client, db):
    response = _sign_up(client, timezone="Asia/Shanghai")

    assert response.status_code == 302
    assert User.objects.get(username="newcomer").timezone == "Asia/Shanghai"


@pytest.mark.parametrize(
    "bad", ["", "Mars/Olympus", "utc+8", "../../etc/passwd", "Asia/Shanghai" * 20, "Etc/Unknown"]
)
def test_a_zone_we_do_not_know_is_ignored_and_the_sign_up_goes_through(client, db, bad):
    response = _sign_up(client, timezone=bad)

    assert response.status_code == 302
    assert User.objects.get(username="newcomer").timezone == "UTC"


def test_site_js_fills_the_sign_up_field_without_inline_script(client, db):
    page = client.get(reverse("account_signup")).content.decode()
    script = timezones.__file__.rsplit("/accounts/", 1)[0] + "/static/js/site.js"

    assert "<script>" not in page  # the CSP allows no inline script
    with open(script) as source:
        assert "input[data-browser-timezone]" in source.read()


# --- The offer to switch ------------------------------------------------------------------


@pytest.fixture
def travelling(member):
    """`member`, saved in UTC, signed in on a device set to Shanghai time."""
    client = Client()
    client.force_login(member)
    client.cookies[timezones.COOKIE] = "Asia/Shanghai"
    return client


def test_a_member_whose_device_says_another_zone_is_offered_to_switch(travelling):
    page = travelling.get("/").content.decode()

    assert 'id="timezone-offer"' in page
    assert (
        "Your device is set to Asia/Shanghai (UTC+8), but times here are shown in UTC (UTC)."
        in page
    )
    assert 'name="csrfmiddlewaretoken"' in page.split('id="timezone-offer"')[1]


def test_no_offer_when_the_zones_agree_or_the_device_says_nothing(member, travelling):
    member.timezone = "Asia/Shanghai"
    member.save()
    assert 'id="timezone-offer"' not in travelling.get("/").content.decode()

    visitor = Client()
    visitor.cookies[timezones.COOKIE] = "Europe/Berlin"
    assert 'id="timezone-offer"' not in visitor.get("/").content.decode()

    travelling.cookies[timezones.COOKIE] = "Mars/Olympus"
    member.timezone = "UTC"
    member.save()
    assert 'id="timezone-offer"' not in travelling.get("/").content.decode()


def test_switching_saves_the_zone_and_goes_back(member, travelling):
    response = travelling.post(
        OFFER_URL, {"timezone": "Asia/Shanghai", "answer": "switch", "next": "/search/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/search/"
    member.refresh_from_db()
    assert member.timezone == "Asia/Shanghai"
    page = travelling.get("/search/").content.decode()
    assert "Times are now shown in Asia/Shanghai (UTC+8)." in page
    assert 'id="timezone-offer"' not in page


def test_keeping_the_saved_zone_stops_the_offer_for_that_zone(member, travelling):
    travelling.post(OFFER_URL, {"timezone": "Asia/Shanghai", "answer": "keep", "next": "/"})

    member.refresh_from_db()
    assert member.timezone == "UTC"
    assert 'id="timezone-offer"' not in travelling.get("/").content.decode()
    travelling.cookies[timezones.COOKIE] = "Europe/Berlin"  # travelling on
    assert 'id="timezone-offer"' in travelling.get("/").content.decode()


@pytest.mark.parametrize("bad", ["Mars/Olympus", "", "x" * 5000])
def test_a_bad_zone_changes_nothing_and_says_so(member, travelling, bad):
    response = travelling.post(OFFER_URL, {"timezone": bad, "answer": "switch"}, follow=True)

    assert response.status_code == 200
    assert "That is not a time zone we know. Nothing was changed." in response.content.decode()
    member.refresh_from_db()
    assert member.timezone == "UTC"


def test_the_offer_answers_only_a_csrf_checked_post_from_a_member(member, db):
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(member)

    assert (
        checked.post(OFFER_URL, {"timezone": "Asia/Shanghai", "answer": "switch"}).status_code
        == 403
    )
    assert Client().post(OFFER_URL, {"timezone": "Asia/Shanghai"}).status_code == 302  # sign in
    assert checked.get(OFFER_URL).status_code == 405
    member.refresh_from_db()
    assert member.timezone == "UTC"


def test_an_offsite_next_goes_home(travelling):
    response = travelling.post(
        OFFER_URL, {"timezone": "Asia/Shanghai", "answer": "keep", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"
