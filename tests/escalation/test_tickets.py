"""Tickets: resolved when the thread is solved, SLA targets, append-only events, references, one per thread."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction

from escalation.models import Ticket, TicketEvent, new_reference
from escalation.services import assignment, tickets
from escalation.services import sweep as sweeping
from forum.services import answers as forum_answers
from forum.services import moderation as forum_moderation
from notifications.models import Notification
from tests.conftest import sign_in
from tests.escalation.conftest import T0, committed

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
ESCALATED_AT = T0 + 24 * HOUR  # the policy escalates an unanswered question after 24 hours
FIRST_RESPONSE_DUE = ESCALATED_AT + 8 * HOUR
RESOLUTION_DUE = ESCALATED_AT + 72 * HOUR


@pytest.fixture
def thread(ask):
    return ask()


@pytest.fixture
def ticket(thread):
    """The ticket the sweep opened for the unanswered question."""
    assert sweeping.sweep(now=ESCALATED_AT).escalated == 1
    return Ticket.objects.get(thread=thread)


def kinds(ticket) -> list[str]:
    return list(ticket.events.values_list("kind", flat=True))


def solve(thread, *, answerer, asker, reply, at):
    answer = reply(thread, author=answerer, at=at)
    with time_machine.travel(at, tick=False):
        committed(forum_answers.accept_answer, actor=asker, post=answer)


# --- Solved by the community ----------------------------------------------------


def test_a_new_ticket_is_resolved_when_the_community_solves_the_thread(
    ticket, thread, reply, member, other_member
):
    solve(thread, answerer=other_member, asker=member, reply=reply, at=ESCALATED_AT + HOUR)

    ticket.refresh_from_db()
    thread.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.resolution == "solved_by_community"
    assert ticket.resolved_at == ESCALATED_AT + HOUR
    assert kinds(ticket) == [TicketEvent.Kind.CREATED, TicketEvent.Kind.RESOLVED]
    resolved = ticket.events.get(kind=TicketEvent.Kind.RESOLVED)
    assert (resolved.from_status, resolved.to_status) == (
        Ticket.Status.NEW,
        Ticket.Status.RESOLVED,
    )
    assert thread.escalated_at is None


def test_a_moderator_marking_the_thread_solved_resolves_a_new_ticket_too(ticket, thread, moderator):
    with time_machine.travel(ESCALATED_AT + HOUR, tick=False):
        committed(
            forum_moderation.set_thread_solved, actor=moderator, thread=thread, is_solved=True
        )

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.resolution == "marked_solved"  # no accepted answer to credit


def test_an_open_ticket_is_resolved_too_when_the_community_solves_the_thread(
    ticket, thread, reply, member, other_member, agent
):
    assignment.assign(actor=agent, ticket=ticket, assignee=agent, now=ESCALATED_AT + HOUR)

    solve(thread, answerer=other_member, asker=member, reply=reply, at=ESCALATED_AT + 2 * HOUR)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution, ticket.resolved_at) == (
        Ticket.Status.RESOLVED,
        "solved_by_community",
        ESCALATED_AT + 2 * HOUR,
    )
    assert kinds(ticket) == [
        TicketEvent.Kind.CREATED,
        TicketEvent.Kind.ASSIGNED,
        TicketEvent.Kind.RESOLVED,
    ]
    resolved = ticket.events.get(kind=TicketEvent.Kind.RESOLVED)
    assert (resolved.from_status, resolved.actor) == (Ticket.Status.OPEN, member)
    # Nobody from the support team answered: there is no help to rate.
    assert not Notification.objects.filter(kind=Notification.Kind.REQUEST_RESOLVED).exists()


# --- SLA targets ----------------------------------------------------------------


def test_a_missed_first_response_is_recorded_once_over_two_sweeps(ticket):
    assert sweeping.sweep(now=FIRST_RESPONSE_DUE - timedelta(seconds=1)).breached == 0

    first = sweeping.sweep(now=FIRST_RESPONSE_DUE + HOUR)
    second = sweeping.sweep(now=FIRST_RESPONSE_DUE + 2 * HOUR)

    ticket.refresh_from_db()
    assert (first.breached, second.breached) == (1, 0)
    assert ticket.first_response_breached_at == FIRST_RESPONSE_DUE + HOUR
    assert kinds(ticket) == [TicketEvent.Kind.CREATED, TicketEvent.Kind.FIRST_RESPONSE_BREACHED]
    breach = ticket.events.get(kind=TicketEvent.Kind.FIRST_RESPONSE_BREACHED)
    assert breach.created_at == FIRST_RESPONSE_DUE + HOUR
    assert ticket.status == Ticket.Status.NEW  # a breach is a fact, not a status change


def test_an_agents_reply_in_the_thread_is_the_first_response(ticket, thread, reply, agent):
    with time_machine.travel(ESCALATED_AT + 2 * HOUR, tick=False):
        reply(thread, author=agent, at=ESCALATED_AT + 2 * HOUR)

    sweeping.sweep(now=FIRST_RESPONSE_DUE + HOUR)

    ticket.refresh_from_db()
    assert ticket.first_responded_at == ESCALATED_AT + 2 * HOUR
    assert ticket.first_response_breached_at is None
    assert TicketEvent.Kind.FIRST_RESPONSE_BREACHED not in kinds(ticket)


@pytest.mark.parametrize("who", ["other_member", "moderator", "agent_without_mfa_not_staff"])
def test_a_reply_by_anyone_but_an_agent_is_not_a_first_response(
    request, ticket, thread, reply, who
):
    if who == "agent_without_mfa_not_staff":
        author = request.getfixturevalue("agent_without_mfa")
        author.is_staff = False  # in the Agents group, but not staff: not the support team
        author.save(update_fields=["is_staff"])
    else:
        author = request.getfixturevalue(who)
    reply(thread, author=author, at=ESCALATED_AT + 2 * HOUR)

    assert sweeping.sweep(now=FIRST_RESPONSE_DUE + HOUR).breached == 1
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None


def test_the_askers_own_follow_up_is_not_a_first_response(ticket, thread, reply, member):
    reply(thread, author=member, at=ESCALATED_AT + 2 * HOUR)

    assert sweeping.sweep(now=FIRST_RESPONSE_DUE + HOUR).breached == 1


def test_a_missed_resolution_is_recorded_once(ticket, thread, reply, agent, member):
    # The agent answers after an hour; the asker comes back an hour later. The clock
    # stood still while the ticket waited on the asker: due an hour after the target.
    reply(thread, author=agent, at=ESCALATED_AT + HOUR)
    reply(thread, author=member, at=ESCALATED_AT + 2 * HOUR)

    early = sweeping.sweep(now=RESOLUTION_DUE)
    first = sweeping.sweep(now=RESOLUTION_DUE + HOUR)
    second = sweeping.sweep(now=RESOLUTION_DUE + 2 * HOUR)

    assert (early.breached, first.breached, second.breached) == (0, 1, 0)
    assert kinds(ticket).count(TicketEvent.Kind.RESOLUTION_BREACHED) == 1
    ticket.refresh_from_db()
    assert ticket.resolution_breached_at == RESOLUTION_DUE + HOUR


def test_a_resolved_ticket_misses_no_target(ticket, thread, reply, member, other_member):
    solve(thread, answerer=other_member, asker=member, reply=reply, at=ESCALATED_AT + HOUR)

    assert sweeping.sweep(now=RESOLUTION_DUE + HOUR).breached == 0


# --- Events are append-only -----------------------------------------------------


def test_a_ticket_event_cannot_be_changed_once_written(ticket):
    event = ticket.events.get()
    event.detail = "rewritten history"

    with pytest.raises(ValueError, match="append-only"):
        event.save()

    assert ticket.events.get().detail == Ticket.Reason.UNANSWERED


def test_a_ticket_event_cannot_be_overwritten_through_a_new_instance_with_its_id(ticket):
    event = ticket.events.get()
    forged = TicketEvent(
        pk=event.pk, ticket=ticket, kind=TicketEvent.Kind.RESOLVED, detail="rewritten history"
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()

    event.refresh_from_db()
    assert (event.kind, event.detail) == (TicketEvent.Kind.CREATED, Ticket.Reason.UNANSWERED)


def test_a_new_ticket_event_can_still_be_added(ticket, agent):
    TicketEvent(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED, actor=agent).save()

    assert kinds(ticket) == [TicketEvent.Kind.CREATED, TicketEvent.Kind.ASSIGNED]


# --- References -----------------------------------------------------------------


def test_references_look_like_ho_and_seven_digits():
    assert all(re.fullmatch(r"HO-[1-9][0-9]{6}", new_reference()) for _ in range(2000))


def test_a_ticket_gets_a_reference_of_that_shape(ticket):
    assert re.fullmatch(r"HO-[1-9][0-9]{6}", ticket.reference)


def test_two_tickets_cannot_share_a_reference(ticket, ask, other_member):
    other = ask(author=other_member)

    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(
            thread=other, requester=other_member, reason="asker", reference=ticket.reference
        )


def test_a_taken_reference_is_drawn_again_for_a_person_escalating(
    ticket, ask, other_member, moderator, monkeypatch
):
    draws = iter([ticket.reference, "HO-7654321"])
    monkeypatch.setattr(tickets, "new_reference", lambda: next(draws))
    other = ask(author=other_member)

    escalated = tickets.escalate_thread(actor=moderator, thread=other, now=T0 + HOUR)

    assert escalated.reference == "HO-7654321"
    assert Ticket.objects.count() == 2


def test_a_taken_reference_is_drawn_again_in_the_sweep(ticket, ask, other_member, monkeypatch):
    draws = iter([ticket.reference, "HO-7654321"])
    monkeypatch.setattr(tickets, "new_reference", lambda: next(draws))
    other = ask(author=other_member, at=T0 + HOUR)

    assert sweeping.sweep(now=ESCALATED_AT + HOUR).escalated == 1

    assert Ticket.objects.get(thread=other).reference == "HO-7654321"
    assert Ticket.objects.count() == 2


# --- One ticket per thread ------------------------------------------------------


def test_a_thread_has_at_most_one_ticket_in_the_database(ticket, thread, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(thread=thread, requester=member, reason=Ticket.Reason.ASKER)

    assert Ticket.objects.filter(thread=thread).count() == 1


# --- Reopening ------------------------------------------------------------------


@pytest.fixture
def resolved_and_unsolved(ticket, thread, reply, member, other_member):
    """The community solved it (resolving the ticket), then the asker took the answer back."""
    solve(thread, answerer=other_member, asker=member, reply=reply, at=ESCALATED_AT + HOUR)
    with time_machine.travel(ESCALATED_AT + 2 * HOUR, tick=False):
        committed(forum_answers.unaccept_answer, actor=member, thread=thread)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    return ticket


def test_the_sweep_never_reopens_a_ticket_only_people_do(resolved_and_unsolved):
    ticket = resolved_and_unsolved
    soon = sweeping.sweep(now=ESCALATED_AT + 100 * HOUR)
    ticket.refresh_from_db()
    assert (soon.escalated, ticket.status, ticket.escalation_count) == (
        0,
        Ticket.Status.RESOLVED,
        1,
    )

    # A week after resolution the sweep closes it, still without reopening it.
    later = sweeping.sweep(now=ESCALATED_AT + 1000 * HOUR)
    ticket.refresh_from_db()
    assert (later.escalated, later.closed) == (0, 1)
    assert (ticket.status, ticket.escalation_count) == (Ticket.Status.CLOSED, 1)


def test_a_moderator_escalating_again_reopens_the_same_ticket(
    resolved_and_unsolved, thread, moderator
):
    reopened = tickets.escalate_thread(
        actor=moderator, thread=thread, note="Still failing", now=ESCALATED_AT + 3 * HOUR
    )

    assert reopened.pk == resolved_and_unsolved.pk
    assert (reopened.status, reopened.reason, reopened.note) == (
        Ticket.Status.NEW,
        Ticket.Reason.MODERATOR,
        "Still failing",
    )
    assert reopened.escalation_count == 2
    assert kinds(reopened)[-1] == TicketEvent.Kind.REOPENED
    assert Ticket.objects.count() == 1


def test_an_asker_whose_email_is_no_longer_verified_cannot_ask_for_staff(ask, member):
    from allauth.account.models import EmailAddress

    from forum.errors import NotAllowed

    thread = ask()
    EmailAddress.objects.filter(user=member).update(verified=False)

    with pytest.raises(NotAllowed):
        tickets.ask_for_staff(actor=member, thread=thread, now=T0 + timedelta(hours=3))
    assert not Ticket.objects.exists()


def test_nobody_escalates_a_closed_thread(ask, moderator):
    from forum.errors import InvalidTransition
    from forum.services import moderation as forum_moderation

    thread = ask()
    committed(forum_moderation.set_thread_closed, actor=moderator, thread=thread, is_closed=True)

    with pytest.raises(InvalidTransition):
        tickets.escalate_thread(actor=moderator, thread=thread, now=T0 + timedelta(hours=1))
    assert not Ticket.objects.exists()


def test_the_asker_does_not_see_missed_targets_in_their_history(ask, member):
    from django.test import Client

    thread = ask()
    sweeping.sweep(now=T0 + timedelta(days=1))
    sweeping.sweep(now=T0 + timedelta(days=5))
    ticket = Ticket.objects.get(thread=thread)
    assert ticket.events.filter(kind=TicketEvent.Kind.FIRST_RESPONSE_BREACHED).exists()

    client = Client()
    sign_in(client, member)
    page = client.get(f"/my/requests/{ticket.reference}/").content.decode()

    assert "target missed" not in page
    assert "Your question was passed to the support team" in page  # the created event
