"""The header is rendered once per look and reused: per-request parts are filled in each time."""

import re
from html import unescape

import pytest
from django.test import Client

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, user)
    return client


def test_each_member_sees_their_own_name_in_a_reused_header(member, other_member):
    first = _signed_in(member).get("/search/").content.decode()
    second = _signed_in(other_member).get("/search/").content.decode()

    assert "Mia Member" in first
    assert "Otto Other" not in first
    assert "Otto Other" in second
    assert "Mia Member" not in second


def test_the_token_in_a_reused_header_is_the_requests_own_and_works(member):
    client = _signed_in(member)
    client.get("/search/")  # the first rendering fills the copy
    page = client.get("/search/").content.decode()
    tokens = _csrf_tokens(page)

    assert tokens
    assert not any("handoff" in token for token in tokens)
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_language_switch_returns_to_the_address_of_this_request(member):
    client = _signed_in(member)
    client.get("/search/?q=first")
    page = client.get("/search/?q=usdt&x=<b>").content.decode()

    # The header's switch and the phone menu's (one of the two is hidden at any width).
    nexts = re.findall(r'name="next" value="([^"]*)"', page)
    assert [unescape(value) for value in nexts] == ["/search/?q=usdt&x=%3Cb%3E"] * 2
    assert "<b>" not in page.split("<main")[0]


def test_a_visitors_sign_in_link_comes_back_to_this_page():
    client = Client()
    client.get("/search/?q=one")
    page = client.get("/search/?q=two%20words").content.decode()

    assert "/accounts/login/?next=/search/%3Fq%3Dtwo%2520words" in page


def test_the_moderator_link_follows_the_role(member, moderator):
    assert "/mod/flags/" not in _signed_in(member).get("/search/").content.decode()
    assert "/mod/flags/" in _signed_in(moderator).get("/search/").content.decode()


def test_the_bell_shows_the_unread_count_as_it_changes(member):
    from notifications.services.unread import mark_all_read
    from notifications.services.writer import notify

    client = _signed_in(member)
    assert "unread" not in client.get("/search/").content.decode()

    for number in range(2):
        notify(
            recipient=member,
            kind="answer_accepted",
            url="/",
            params={"thread_title": f"Question {number}"},
        )
    member.refresh_from_db()
    assert "Notifications, 2 unread" in client.get("/search/").content.decode()

    mark_all_read(user=member)
    assert "unread" not in client.get("/search/").content.decode()


def test_the_account_menu_links_to_requests_and_notification_settings(member):
    page = _signed_in(member).get("/search/").content.decode()

    assert 'href="/my/requests/"' in page
    assert 'href="/settings/notifications/"' in page
