"""Asking the support team (the asker) and escalating (moderators, agents), as each persona meets it."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from escalation.models import Ticket, TicketEvent
from forum.models import Thread
from forum.services import answers as forum_answers
from forum.services import moderation as forum_moderation
from notifications.models import Notification
from tests.escalation.conftest import T0, committed
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
HTMX = {"HTTP_HX_REQUEST": "true"}
TOO_EARLY = T0 + HOUR  # the policy lets the asker ask after 2 hours
WAITED = T0 + 3 * HOUR  # past the asker's wait, before the sweep would flag it at 4 hours
NOTE = "The explorer says confirmed but the exchange says nothing arrived."

TOO_EARLY_MESSAGE = "Give the community a little longer: you can ask the support team later."
ALREADY_MESSAGE = "The support team already has this question."
SOLVED_OR_CLOSED_MESSAGE = "This question is solved or closed."
TOO_LONG_MESSAGE = "Ensure this value has at most 2000 characters (it has 2001)."


@pytest.fixture
def thread(ask):
    """A question by `member`, asked at T0."""
    return ask()


def ask_staff_url(thread) -> str:
    return f"/thread/{thread.pk}/ask-staff/"


def escalate_url(thread) -> str:
    return f"/thread/{thread.pk}/escalate/"


def send(client: Client, url: str, *, htmx: bool, at=WAITED, note: str = NOTE):
    """POST the form at instant `at`: htmx gets the thread's update, a plain post follows
    the redirect."""
    with time_machine.travel(at, tick=False):
        if htmx:
            return client.post(url, {"note": note}, **HTMX)
        return client.post(url, {"note": note}, follow=True)


def assert_back_on_the_thread(response, thread, *, htmx: bool) -> None:
    assert response.status_code == 200
    if htmx:  # the thread's body, and its header and sidebar out of band
        assert response["HX-Retarget"] == "#thread-body"
        assert '<div id="thread-body">' in response.text
        assert '<span id="thread-state" class="thread-state" hx-swap-oob="true">' in response.text
        assert '<aside id="thread-sidebar" class="thread-sidebar" hx-swap-oob="true">' in (
            response.text
        )
        assert "<html" not in response.text
    else:
        assert response.redirect_chain == [(thread.get_absolute_url(), 302)]


def escalated_notes(user):
    return Notification.objects.filter(recipient=user, kind=Notification.Kind.ESCALATED)


both_ways = pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
both_urls = pytest.mark.parametrize("url", [ask_staff_url, escalate_url], ids=["ask", "escalate"])


# --- Who may --------------------------------------------------------------------


@both_urls
@both_ways
def test_a_visitor_is_sent_to_sign_in_and_nothing_changes(thread, url, htmx):
    with time_machine.travel(WAITED, tick=False):
        response = Client().post(url(thread), {"note": NOTE}, **(HTMX if htmx else {}))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Ticket.objects.exists()


@both_urls
@both_ways
def test_an_unverified_user_gets_404(thread, unverified, url, htmx):
    response = send(client_for(unverified), url(thread), htmx=htmx)

    assert response.status_code == 404
    assert not Ticket.objects.exists()


@both_urls
@both_ways
def test_a_member_who_is_not_the_asker_gets_404(thread, other_member, url, htmx):
    response = send(client_for(other_member), url(thread), htmx=htmx)

    assert response.status_code == 404
    assert not Ticket.objects.exists()


@both_ways
def test_the_asker_cannot_use_the_escalate_url(thread, member, htmx):
    response = send(client_for(member), escalate_url(thread), htmx=htmx)

    assert response.status_code == 404
    assert not Ticket.objects.exists()


@both_urls
@pytest.mark.parametrize("who", ["visitor", "member", "other_member", "moderator", "agent"])
def test_get_is_not_allowed_for_anyone(request, thread, url, who):
    user = None if who == "visitor" else request.getfixturevalue(who)

    response = client_for(user).get(url(thread))

    assert response.status_code == 405
    assert not Ticket.objects.exists()


# --- The asker ------------------------------------------------------------------


@both_ways
def test_the_asker_asking_too_early_is_told_to_wait_and_gets_no_ticket(thread, member, htmx):
    response = send(client_for(member), ask_staff_url(thread), htmx=htmx, at=TOO_EARLY)

    assert_back_on_the_thread(response, thread, htmx=htmx)
    assert TOO_EARLY_MESSAGE in response.text
    assert not Ticket.objects.exists()
    assert not escalated_notes(member).exists()


@both_ways
def test_the_asker_after_the_wait_gets_a_ticket_with_their_note(thread, member, htmx):
    response = send(client_for(member), ask_staff_url(thread), htmx=htmx)

    ticket = Ticket.objects.get()
    assert_back_on_the_thread(response, thread, htmx=htmx)
    assert f"The support team has your question. Your reference is {ticket.reference}." in (
        response.text
    )
    assert ticket.thread_id == thread.pk
    assert ticket.requester == member
    assert ticket.reason == Ticket.Reason.ASKER
    assert ticket.note == NOTE
    assert ticket.status == Ticket.Status.NEW
    assert ticket.created_at == WAITED
    assert list(ticket.events.values_list("kind", "actor")) == [
        (TicketEvent.Kind.CREATED, member.pk)
    ]
    assert Thread.objects.get(pk=thread.pk).escalated_at == WAITED
    note = escalated_notes(member).get()
    assert note.params["reference"] == ticket.reference
    assert note.url == f"/my/requests/{ticket.reference}/"


def test_the_htmx_answer_shows_the_new_state_and_the_reference_at_once(thread, member):
    response = send(client_for(member), ask_staff_url(thread), htmx=True)

    reference = Ticket.objects.get().reference
    header = response.text.split('id="thread-state"', 1)[1].split("</span>\n", 1)[0]
    assert "With the support team" in header
    panel = response.text.split('id="escalation-panel"', 1)[1]
    assert f"Reference <strong>{reference}</strong>" in panel
    assert f'href="/my/requests/{reference}/"' in panel
    assert "Still stuck?" not in panel


@both_ways
def test_asking_twice_says_the_team_already_has_it_and_keeps_one_ticket(thread, member, htmx):
    client = client_for(member)
    send(client, ask_staff_url(thread), htmx=htmx)

    response = send(client, ask_staff_url(thread), htmx=htmx, at=WAITED + HOUR)

    assert_back_on_the_thread(response, thread, htmx=htmx)
    assert ALREADY_MESSAGE in response.text
    assert Ticket.objects.count() == 1
    assert Ticket.objects.get().escalation_count == 1
    assert escalated_notes(member).count() == 1


@both_ways
def test_the_asker_cannot_ask_on_a_solved_thread(thread, reply, member, other_member, htmx):
    answer = reply(thread, author=other_member, at=T0 + HOUR)
    committed(forum_answers.accept_answer, actor=member, post=answer, now=T0 + 2 * HOUR)

    response = send(client_for(member), ask_staff_url(thread), htmx=htmx)

    assert_back_on_the_thread(response, thread, htmx=htmx)
    assert SOLVED_OR_CLOSED_MESSAGE in response.text
    assert not Ticket.objects.exists()


@both_ways
def test_the_asker_cannot_ask_on_a_closed_thread(thread, member, moderator, htmx):
    committed(forum_moderation.set_thread_closed, actor=moderator, thread=thread, is_closed=True)

    response = send(client_for(member), ask_staff_url(thread), htmx=htmx)

    assert_back_on_the_thread(response, thread, htmx=htmx)
    assert SOLVED_OR_CLOSED_MESSAGE in response.text
    assert not Ticket.objects.exists()


@both_ways
def test_a_hidden_thread_is_not_found_by_its_asker(thread, member, htmx):
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)  # no service hides a thread yet

    response = send(client_for(member), ask_staff_url(thread), htmx=htmx)

    assert response.status_code == 404
    assert not Ticket.objects.exists()


# --- Moderators and agents ------------------------------------------------------


@both_ways
@pytest.mark.parametrize(
    ("who", "reason"), [("moderator", Ticket.Reason.MODERATOR), ("agent", Ticket.Reason.AGENT)]
)
def test_staff_escalate_any_thread_at_once(request, thread, member, who, reason, htmx):
    actor = request.getfixturevalue(who)

    response = send(
        client_for(actor), escalate_url(thread), htmx=htmx, at=T0 + timedelta(minutes=1)
    )

    ticket = Ticket.objects.get()
    assert_back_on_the_thread(response, thread, htmx=htmx)
    assert f"Escalated to the support team as {ticket.reference}." in response.text
    assert ticket.reason == reason
    assert ticket.requester == member  # the ticket is the asker's request, whoever escalated
    assert ticket.note == NOTE
    assert list(ticket.events.values_list("kind", "actor")) == [
        (TicketEvent.Kind.CREATED, actor.pk)
    ]
    assert escalated_notes(member).count() == 1
    assert not escalated_notes(actor).exists()


@both_ways
def test_escalating_a_thread_the_team_already_has_keeps_one_ticket(thread, moderator, htmx):
    client = client_for(moderator)
    send(client, escalate_url(thread), htmx=htmx)

    response = send(client, escalate_url(thread), htmx=htmx)

    assert ALREADY_MESSAGE in response.text
    assert Ticket.objects.count() == 1


@both_ways
def test_a_moderator_cannot_escalate_a_hidden_thread(thread, moderator, htmx):
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)

    response = send(client_for(moderator), escalate_url(thread), htmx=htmx)

    assert_back_on_the_thread(response, thread, htmx=htmx)
    assert "A hidden thread cannot be escalated." in response.text
    assert not Ticket.objects.exists()


# --- Bad input ------------------------------------------------------------------


@both_ways
@pytest.mark.parametrize(("who", "url"), [("member", ask_staff_url), ("moderator", escalate_url)])
def test_a_note_over_2000_characters_is_refused_and_nothing_changes(
    request, thread, member, who, url, htmx
):
    actor = request.getfixturevalue(who)

    response = send(client_for(actor), url(thread), htmx=htmx, note="x" * 2001)

    if htmx:  # the panel again, with the note as typed and why it was refused
        assert response.status_code == 200
        assert response.text.startswith('<div id="escalation-panel"')
        assert "x" * 2001 in response.text
    else:
        assert_back_on_the_thread(response, thread, htmx=htmx)
    assert TOO_LONG_MESSAGE in response.text
    assert not Ticket.objects.exists()
    assert Thread.objects.get(pk=thread.pk).escalated_at is None
    assert not escalated_notes(member).exists()


def test_a_note_of_exactly_2000_characters_is_kept(thread, member):
    send(client_for(member), ask_staff_url(thread), htmx=False, note="x" * 2000)

    assert len(Ticket.objects.get().note) == 2000


# --- Asking again ---------------------------------------------------------------


@both_ways
def test_asking_again_after_the_ticket_was_resolved_reopens_the_same_ticket(
    thread, reply, member, other_member, htmx
):
    client = client_for(member)
    send(client, ask_staff_url(thread), htmx=htmx)
    first = Ticket.objects.get()
    answer = reply(thread, author=other_member, at=T0 + 4 * HOUR)
    with time_machine.travel(T0 + 5 * HOUR, tick=False):
        committed(forum_answers.accept_answer, actor=member, post=answer)
        committed(forum_answers.unaccept_answer, actor=member, thread=thread)
    assert Ticket.objects.get().status == Ticket.Status.RESOLVED

    response = send(client, ask_staff_url(thread), htmx=htmx, at=T0 + 6 * HOUR)

    ticket = Ticket.objects.get()
    assert f"Your reference is {first.reference}." in response.text
    assert ticket.pk == first.pk
    assert ticket.reference == first.reference
    assert ticket.status == Ticket.Status.NEW
    assert ticket.resolution == ""
    assert ticket.resolved_at is None
    assert ticket.escalation_count == 2
    assert ticket.first_response_due_at == T0 + 6 * HOUR + 8 * HOUR
    assert list(ticket.events.values_list("kind", flat=True)) == [
        TicketEvent.Kind.CREATED,
        TicketEvent.Kind.RESOLVED,
        TicketEvent.Kind.REOPENED,
    ]
    reopened = ticket.events.get(kind=TicketEvent.Kind.REOPENED)
    assert (reopened.from_status, reopened.to_status) == (
        Ticket.Status.RESOLVED,
        Ticket.Status.NEW,
    )
    assert sorted(escalated_notes(member).values_list("dedupe_key", flat=True)) == [
        f"escalated:{ticket.pk}:1",
        f"escalated:{ticket.pk}:2",
    ]
    assert Thread.objects.get(pk=thread.pk).escalated_at == T0 + 6 * HOUR
