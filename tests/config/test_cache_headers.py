"""No shared cache keeps a private page: every response to a signed-in user is
`private, no-store`, and public pages seen by visitors keep the headers they had.

The rule is one middleware (config/cache_headers.py), so the table below walks pages of
every kind: a new private page is covered without a decorator of its own.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from escalation.models import CannedReply, EscalationPolicy
from escalation.services import lifecycle, replies, surveys, tickets
from tests.escalation.conftest import T0, committed
from tests.factories import PASSWORD, CategoryFactory, ThreadFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def category(db):
    return CategoryFactory(slug="transfers", name="Transfers")


@pytest.fixture
def thread(member, category):
    return committed(ThreadFactory, author=member, category=category, title="Lost my USDT", now=T0)


@pytest.fixture
def ticket(thread, moderator, agent):
    """The asker's question, escalated, answered and resolved: a survey is out."""
    EscalationPolicy.objects.create(
        needs_help_after=timedelta(hours=4),
        escalate_after=timedelta(hours=24),
        member_can_request_after=timedelta(hours=2),
        first_response_target=timedelta(hours=8),
        resolution_target=timedelta(hours=72),
    )
    ticket = committed(tickets.escalate_thread, actor=moderator, thread=thread, now=T0 + HOUR)
    committed(replies.staff_reply, actor=agent, ticket=ticket, body="Check the TRC-20 tab.", now=T0)
    committed(lifecycle.resolve, actor=agent, ticket=ticket, now=T0 + 2 * HOUR)
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def canned(agent):
    return CannedReply.objects.create(title="Pending transfer", body="Check the hash.")


def private_pages(ticket, canned) -> list[tuple[str, str]]:
    """(who, path) for every kind of page that shows someone's own or staff-only data."""
    return [
        ("member", reverse("forum:ask")),
        ("member", reverse("escalation:my-requests")),
        ("member", reverse("escalation:my-request", args=[ticket.reference])),
        ("member", reverse("notifications:list")),
        ("member", reverse("notifications:preferences")),
        ("member", reverse("accounts:settings")),
        ("member", reverse("account_email")),
        ("member", reverse("account_change_password")),
        ("member", reverse("mfa_index")),
        ("member", "/"),  # a public page, but with the member's own menu and counts
        ("member", ticket.thread.get_absolute_url()),
        ("agent", reverse("escalation:staff-queue")),
        ("agent", reverse("escalation:staff-ticket", args=[ticket.reference])),
        ("agent", reverse("escalation:staff-canned")),
        ("agent", reverse("escalation:staff-canned-edit", args=[canned.pk])),
        ("agent", reverse("escalation:staff-duty")),
        ("agent", reverse("mfa_index")),
        ("admin_user", "/admin/"),
        ("visitor", surveys.survey_path(ticket_id=ticket.pk, cycle=1, score=4)),
    ]


def assert_private(response, *, where: object = "") -> None:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, (where, response.get("Cache-Control"))
    assert "public" not in directives


def test_every_private_page_is_private_and_not_stored(request, ticket, canned):
    for who, path in private_pages(ticket, canned):
        user = None if who == "visitor" else request.getfixturevalue(who)
        client = client_for(user)

        response = client.get(path)

        assert response.status_code == 200, (who, path, response.status_code)
        assert_private(response, where=(who, path))


def test_an_htmx_fragment_for_a_member_is_private_too(member_client):
    response = member_client.get(reverse("notifications:list"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert_private(response)


def test_the_answer_to_a_members_post_is_private(member_client, member):
    response = member_client.post(reverse("notifications:read-all"))

    assert response.status_code in (200, 302)
    assert_private(response)


def test_a_visitor_halfway_through_a_two_factor_sign_in_gets_a_private_page(client, agent):
    client.post(reverse("account_login"), {"login": agent.username, "password": PASSWORD})

    response = client.get(reverse("mfa_authenticate"))

    assert response.status_code == 200
    assert_private(response)


@pytest.mark.parametrize("path", ["/", "/c/transfers/", "/search/?q=usdt", "/u/member/"])
def test_public_pages_for_a_visitor_may_still_be_kept_by_the_browser(thread, path):
    response = Client().get(path)

    assert response.status_code == 200
    # The page refreshes the visitor's CSRF cookie, which no shared cache may hand on;
    # nothing else changed: no no-store, so the back button and the browser cache work.
    assert "csrftoken" in response.cookies
    assert response["Cache-Control"] == "private"


def test_a_cached_visitor_page_has_the_caching_headers_of_a_fresh_one(settings, thread):
    settings.VISITOR_PAGE_CACHE_SECONDS = 30
    fresh = Client().get(thread.get_absolute_url())

    cached = Client().get(thread.get_absolute_url())

    assert cached.status_code == 200
    # It carries this visitor's CSRF token and sets the cookie it goes with: private,
    # and nothing more, like the page rendered for the first visitor.
    assert "csrftoken" in cached.cookies
    assert cached["Cache-Control"] == fresh["Cache-Control"] == "private"


def test_a_view_that_opts_into_shared_caching_keeps_it_for_members(member_client, category):
    response = member_client.get(reverse("forum:category-colours"))

    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
