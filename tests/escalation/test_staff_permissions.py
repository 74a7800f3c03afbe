"""The permission matrix: every staff and my-requests URL, for every kind of person.

/staff/… admits agents and admins only, and says nothing to anyone else (404, visitors
included). An agent without two-factor authentication is sent to set it up first.
/my/requests/<ref>/ shows a request to its asker only; everyone else gets 404, whatever
the reference. Nobody's request changes by someone else's attempt.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from escalation.models import CannedReply, Ticket, TicketEvent, TicketNote
from escalation.services import surveys, sweep
from tests.escalation.conftest import T0
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

PEOPLE = (
    "visitor",
    "member",
    "asker",
    "other_member",
    "moderator",
    "agent_without_mfa",
    "agent_password_only",
)
# Who holds the agent role without a verified second factor, and where they are sent.
SECOND_FACTOR_STEP = {
    "agent_without_mfa": "mfa_activate_totp",
    "agent_password_only": "mfa_reauthenticate",
}
STAFF = ("agent", "admin_user")


@pytest.fixture
def ticket(ask, member):
    thread = ask(title="USDT on TRON stuck for a day")
    sweep.sweep(now=T0 + timedelta(hours=24, minutes=1))
    return Ticket.objects.get(thread=thread)


@pytest.fixture
def canned(db):
    return CannedReply.objects.create(title="Network check", body="Hello {asker_name}")


@pytest.fixture
def people(member, other_member, moderator, agent, agent_without_mfa, admin_user):
    # `member` is the asker of `ticket`; `other_member` is anyone else signed in.
    return {
        "visitor": Client(),
        "member": client_for(other_member),
        "asker": client_for(member),
        "other_member": client_for(other_member),
        "moderator": client_for(moderator),
        "agent_without_mfa": client_for(agent_without_mfa),
        # The phished password: two-factor set up, but this session never verified it.
        "agent_password_only": client_for(agent, second_factor=False),
        "agent": client_for(agent),
        "admin_user": client_for(admin_user),
    }


def staff_urls(ticket: Ticket, canned: CannedReply) -> list[tuple[str, str]]:
    ref = ticket.reference
    return [
        ("get", reverse("escalation:staff-home")),
        ("get", reverse("escalation:staff-queue")),
        ("get", reverse("escalation:staff-queue") + "?status=open&sla=breached"),
        ("post", reverse("escalation:staff-bulk")),
        ("post", reverse("escalation:staff-duty")),
        ("get", reverse("escalation:staff-canned")),
        ("get", reverse("escalation:staff-canned-new")),
        ("post", reverse("escalation:staff-canned-new")),
        ("get", reverse("escalation:staff-canned-edit", args=[canned.pk])),
        ("post", reverse("escalation:staff-canned-edit", args=[canned.pk])),
        ("get", reverse("escalation:staff-ticket", args=[ref])),
        ("post", reverse("escalation:staff-claim", args=[ref])),
        ("post", reverse("escalation:staff-assign", args=[ref])),
        ("post", reverse("escalation:staff-status", args=[ref])),
        ("post", reverse("escalation:staff-priority", args=[ref])),
        ("post", reverse("escalation:staff-set-queue", args=[ref])),
        ("post", reverse("escalation:staff-reply", args=[ref])),
        ("post", reverse("escalation:staff-note", args=[ref])),
        ("post", reverse("escalation:staff-resolve", args=[ref])),
        ("get", reverse("escalation:staff-canned-fill", args=[ref, canned.pk])),
        ("post", reverse("escalation:staff-canned-delete", args=[canned.pk])),
    ]


def snapshot(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.assignee_id,
        ticket.priority,
        ticket.queue_id,
        TicketEvent.objects.filter(ticket=ticket).count(),
        TicketNote.objects.filter(ticket=ticket).count(),
        CannedReply.objects.count(),
        ticket.thread.post_count,
    )


# A POST that does something if it got through: the fields each staff action reads.
ACTION_DATA = {
    "note": {"body": "Internal: checked the chain, the transfer is there."},
    "reply": {"body": "Hello from the support team: please check the memo field."},
    "status": {"status": "waiting"},
    "priority": {"priority": "40"},
    "resolve": {"note": "done"},
    "claim": {},
    "assign": {"assignee": ""},
    "duty": {"on_duty": "1"},
    "canned": {"title": "Changed", "body": "Changed body", "is_active": "on"},
    "delete": {},
    "bulk": {"action": "priority", "value": "40"},
}


def _data_for(url: str, ticket: Ticket) -> dict:
    for key, data in ACTION_DATA.items():
        if f"/{key}/" in url or url.endswith(f"{key}/"):
            return {**data, "tickets": [ticket.pk]}
    return {"tickets": [ticket.pk], "title": "x", "body": "y"}


@pytest.mark.parametrize("who", PEOPLE)
def test_nobody_but_agents_and_admins_reaches_the_staff_workspace(who, people, ticket, canned):
    client = people[who]
    before = snapshot(ticket)
    for method, url in staff_urls(ticket, canned):
        data = _data_for(url, ticket)
        response = client.get(url) if method == "get" else client.post(url, data)
        if who in SECOND_FACTOR_STEP:
            assert response.status_code == 302, (method, url)
            assert response.url.startswith(reverse(SECOND_FACTOR_STEP[who])), (method, url)
        else:
            assert response.status_code == 404, (who, method, url, response.status_code)
    assert snapshot(ticket) == before


@pytest.mark.parametrize("who", STAFF)
def test_agents_and_admins_reach_every_staff_url(who, people, ticket, canned):
    client = people[who]
    for method, url in staff_urls(ticket, canned):
        response = client.get(url) if method == "get" else client.post(url, {})
        # A page, a redirect back with a message, or a refusal of the empty form: never 404/500.
        assert response.status_code in (200, 302, 400, 405), (who, method, url)


def test_a_staff_get_of_a_post_only_action_is_refused_not_served(people, ticket):
    response = people["agent"].get(reverse("escalation:staff-resolve", args=[ticket.reference]))
    assert response.status_code == 405
    assert Ticket.objects.get(pk=ticket.pk).status == ticket.status


@pytest.mark.parametrize("reference", ["HO-0000000", "HO-1", "nonsense", "x" * 300, "HO-%E4%B8%AD"])
def test_an_unknown_ticket_reference_is_404_for_agents_too(people, reference, ticket):
    response = people["agent"].get(f"/staff/tickets/{reference}/")
    assert response.status_code == 404


# --- The asker's side ---------------------------------------------------------------


def my_urls(ticket: Ticket) -> list[tuple[str, str]]:
    ref = ticket.reference
    return [
        ("get", reverse("escalation:my-request", args=[ref])),
        ("post", reverse("escalation:my-request-reopen", args=[ref])),
        ("post", reverse("escalation:my-request-rate", args=[ref])),
    ]


@pytest.mark.parametrize(
    "who", ["member", "other_member", "moderator", "agent", "admin_user", "agent_without_mfa"]
)
def test_only_the_asker_sees_or_touches_their_request(who, people, ticket):
    client = people[who]
    before = snapshot(ticket)
    for method, url in my_urls(ticket):
        response = client.get(url) if method == "get" else client.post(url, {"score": "5"})
        if who == "agent_without_mfa":
            # /my/ is not a staff page: the same 404 as any other member.
            assert response.status_code == 404, (method, url)
        else:
            assert response.status_code == 404, (who, method, url, response.status_code)
    assert snapshot(ticket) == before


def test_a_visitor_is_asked_to_sign_in_for_my_requests(people, ticket):
    for method, url in [("get", reverse("escalation:my-requests")), *my_urls(ticket)]:
        client = people["visitor"]
        response = client.get(url) if method == "get" else client.post(url, {"score": "5"})
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("account_login")), (method, url)


def test_the_asker_reaches_their_own_request(people, ticket):
    response = people["asker"].get(reverse("escalation:my-request", args=[ticket.reference]))
    assert response.status_code == 200
    assert ticket.reference in response.text


def test_a_survey_link_is_the_only_credential_it_needs(people, ticket):
    """Anyone holding the link rates that cycle once; a forged link rates nothing."""
    forged = reverse("escalation:survey-rate", args=["forged-token", 5])
    for who in ("visitor", "other_member", "agent"):
        response = people[who].get(forged)
        assert response.status_code == 400, who
    assert not ticket.ratings.exists()
    # A real link for a ticket that is not resolved yet records nothing either.
    path = surveys.survey_path(ticket_id=ticket.pk, cycle=ticket.escalation_count, score=5)
    response = people["visitor"].get(path)
    assert response.status_code in (200, 400)
    assert not ticket.ratings.exists()
