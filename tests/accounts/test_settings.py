"""Profile settings, the language switch, and the time zone pages are shown in."""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from accounts import services
from accounts.middleware import TIMEZONE_COOKIE
from tests.conftest import sign_in

SETTINGS_URL = "/settings/"
SET_LANGUAGE_URL = "/i18n/setlang/"


def _settings_form(**overrides):
    return {
        "display_name": "Mia M.",
        "bio": "I mostly ask about fees.",
        "timezone": "Europe/Berlin",
        "language": "zh-hans",
        **overrides,
    }


def _current_zone(response) -> str:
    """The zone pages rendered in (the tz context processor reads the active zone)."""
    return response.context["TIME_ZONE"]


def test_settings_lives_at_settings():
    assert reverse("accounts:settings") == SETTINGS_URL
    assert reverse("accounts:set-language") == SET_LANGUAGE_URL


def test_visitor_is_sent_to_sign_in(client, db):
    response = client.get(SETTINGS_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={SETTINGS_URL}"


def test_visitor_cannot_post_settings(client, member):
    response = client.post(SETTINGS_URL, _settings_form())

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Mia Member"


def test_member_sees_their_current_settings(member_client):
    response = member_client.get(SETTINGS_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Profile settings" in page
    assert 'value="Mia Member"' in page
    assert '<option value="UTC" selected>UTC</option>' in page


def test_member_saves_display_name_bio_time_zone_and_language(member_client, member):
    response = member_client.post(SETTINGS_URL, _settings_form())

    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL
    member.refresh_from_db()
    assert member.display_name == "Mia M."
    assert member.bio == "I mostly ask about fees."
    assert member.timezone == "Europe/Berlin"
    assert member.language == "zh-hans"


def test_saving_settings_confirms_it(member_client):
    response = member_client.post(SETTINGS_URL, _settings_form(language="en"), follow=True)

    assert "Your settings are saved." in response.content.decode()


def test_display_name_whitespace_is_tidied(member_client, member):
    member_client.post(SETTINGS_URL, _settings_form(display_name="  Mia \t  the   Member "))

    member.refresh_from_db()
    assert member.display_name == "Mia the Member"


def test_blank_language_means_same_as_my_browser(member_client, member):
    services.set_language(actor=member, language="zh-hans")

    member_client.post(SETTINGS_URL, _settings_form(language=""))

    member.refresh_from_db()
    assert member.language == ""


def test_bad_time_zone_answers_200_with_an_error_and_changes_nothing(member_client, member):
    response = member_client.post(SETTINGS_URL, _settings_form(timezone="Mars/Olympus"))

    assert response.status_code == 200
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in (
        response.content.decode()
    )
    member.refresh_from_db()
    assert member.display_name == "Mia Member"
    assert member.bio == ""
    assert member.timezone == "UTC"
    assert member.language == ""


def test_refused_settings_are_not_shown_as_if_saved(member_client):
    """The header shows the name on the account, not the one in the refused form."""
    response = member_client.post(
        SETTINGS_URL, _settings_form(display_name="Not Saved", timezone="Mars/Olympus")
    )

    assert '<span class="menu-name">Mia Member</span>' in response.content.decode()


def test_unknown_language_is_refused(member_client, member):
    response = member_client.post(SETTINGS_URL, _settings_form(language="klingon"))

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    member.refresh_from_db()
    assert member.language == ""


def test_too_long_display_name_is_refused(member_client, member):
    response = member_client.post(SETTINGS_URL, _settings_form(display_name="x" * 51))

    assert response.status_code == 200
    assert "Ensure this value has at most 50 characters (it has 51)." in (response.content.decode())
    member.refresh_from_db()
    assert member.display_name == "Mia Member"


# --- The language switch -------------------------------------------------------


def test_language_switch_sets_the_cookie(client, db):
    response = client.post(SET_LANGUAGE_URL, {"language": "zh-hans", "next": "/u/member/"})

    assert response.status_code == 302
    assert response["Location"] == "/u/member/"
    assert response.cookies["handoff_language"].value == "zh-hans"


def test_language_switch_is_remembered_on_the_account(member_client, member):
    response = member_client.post(SET_LANGUAGE_URL, {"language": "zh-hans", "next": "/"})

    assert response.cookies["handoff_language"].value == "zh-hans"
    member.refresh_from_db()
    assert member.language == "zh-hans"


def test_switching_back_to_english_is_remembered_too(member_client, member):
    services.set_language(actor=member, language="zh-hans")

    member_client.post(SET_LANGUAGE_URL, {"language": "en", "next": "/"})

    member.refresh_from_db()
    assert member.language == "en"


def test_language_switch_ignores_a_language_we_do_not_offer(member_client, member):
    response = member_client.post(SET_LANGUAGE_URL, {"language": "xx", "next": "/"})

    assert "handoff_language" not in response.cookies
    member.refresh_from_db()
    assert member.language == ""


def test_language_switch_does_not_redirect_off_site(client, db):
    response = client.post(
        SET_LANGUAGE_URL, {"language": "zh-hans", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_language_switch_without_a_csrf_token_is_refused_and_changes_nothing(member):
    forger = sign_in(Client(enforce_csrf_checks=True), member)

    response = forger.post(SET_LANGUAGE_URL, {"language": "zh-hans", "next": "/"})

    assert response.status_code == 403
    assert "handoff_language" not in response.cookies
    member.refresh_from_db()
    assert member.language == ""


def test_language_switch_with_a_wrong_csrf_token_is_refused(member):
    forger = sign_in(Client(enforce_csrf_checks=True), member)
    forger.get("/")  # has a CSRF cookie, and sends someone else's token with it

    response = forger.post(
        SET_LANGUAGE_URL,
        {"language": "zh-hans", "next": "/", "csrfmiddlewaretoken": "x" * 64},
    )

    assert response.status_code == 403
    member.refresh_from_db()
    assert member.language == ""


def test_a_member_switches_language_with_the_token_from_their_page(member):
    browser = sign_in(Client(enforce_csrf_checks=True), member)
    token = browser.get("/").context["csrf_token"]

    response = browser.post(
        SET_LANGUAGE_URL, {"language": "zh-hans", "next": "/", "csrfmiddlewaretoken": str(token)}
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "zh-hans"


def test_no_view_is_exempt_from_csrf():
    exempt = sorted(
        pattern.lookup_str
        for pattern in _every_url_pattern(get_resolver().url_patterns)
        if getattr(pattern.callback, "csrf_exempt", False)
    )

    assert exempt == []


def _every_url_pattern(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _every_url_pattern(pattern.url_patterns)
        else:
            yield pattern


def test_language_switch_only_accepts_post(client, db):
    assert client.get(SET_LANGUAGE_URL, {"language": "zh-hans"}).status_code == 405


def test_language_switch_after_sign_in_shows_pages_in_that_language(member_client):
    member_client.post(SET_LANGUAGE_URL, {"language": "zh-hans", "next": "/"})

    response = member_client.get(SETTINGS_URL)

    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-Hans">' in response.content.decode()


def test_saved_language_wins_over_the_browser(member_client, member):
    services.set_language(actor=member, language="zh-hans")

    response = member_client.get(SETTINGS_URL, headers={"accept-language": "en"})

    assert response["Content-Language"] == "zh-hans"


def test_visitor_gets_the_language_their_browser_asks_for(client, member):
    response = client.get("/u/member/", headers={"accept-language": "zh-CN,zh;q=0.9"})

    assert response["Content-Language"] == "zh-hans"


# --- Time zones ----------------------------------------------------------------


def test_signed_in_users_time_zone_is_active(member_client, member):
    services.update_settings(
        actor=member, display_name="Mia", bio="", timezone="Asia/Shanghai", language=""
    )

    response = member_client.get(SETTINGS_URL)

    assert _current_zone(response) == "Asia/Shanghai"


def test_signed_in_users_time_zone_wins_over_the_cookie(member_client, member):
    services.update_settings(
        actor=member, display_name="Mia", bio="", timezone="America/New_York", language=""
    )
    member_client.cookies[TIMEZONE_COOKIE] = "Asia/Shanghai"

    response = member_client.get("/u/member/")

    assert _current_zone(response) == "America/New_York"


def test_member_who_never_chose_a_zone_sees_utc(member_client):
    response = member_client.get("/u/member/")

    assert _current_zone(response) == "UTC"


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Shanghai", "America/Los_Angeles"])
def test_visitors_time_zone_cookie_is_honoured(client, member, zone):
    client.cookies[TIMEZONE_COOKIE] = zone

    response = client.get("/u/member/")

    assert _current_zone(response) == zone


@pytest.mark.parametrize("bad", ["Mars/Olympus", "", "../../etc/passwd", "utc+8"])
def test_visitors_invalid_time_zone_cookie_is_ignored(client, member, bad):
    client.cookies[TIMEZONE_COOKIE] = bad

    response = client.get("/u/member/")

    assert _current_zone(response) == "UTC"


def test_one_visitors_zone_does_not_leak_into_the_next_request(client, member):
    client.cookies[TIMEZONE_COOKIE] = "Asia/Shanghai"
    client.get("/u/member/")
    del client.cookies[TIMEZONE_COOKIE]

    response = client.get("/u/member/")

    assert _current_zone(response) == "UTC"
