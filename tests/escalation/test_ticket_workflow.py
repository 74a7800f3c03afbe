"""Working a ticket: new → open (assigned) → waiting on the asker ⇄ open → resolved."""

from datetime import timedelta

import pytest

from escalation.models import CannedReply, ThreadClock, Ticket, TicketEvent
from escalation.services import assignment, lifecycle, triage
from escalation.services import replies as replying
from escalation.services import tickets as opening
from forum.errors import InvalidTransition, NotAllowed
from forum.models import Thread
from notifications.models import Notification
from tests.escalation.conftest import T0, committed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
Status = Ticket.Status


@pytest.fixture
def ticket(ask, moderator):
    thread = ask()
    return opening.escalate_thread(actor=moderator, thread=thread, now=T0 + HOUR)


def test_assigning_a_new_ticket_opens_it(ticket, agent):
    assignment.assign(actor=agent, ticket=ticket, assignee=agent, now=T0 + 2 * HOUR)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.OPEN, agent)
    event = ticket.events.last()
    assert (event.kind, event.from_status, event.to_status, event.detail) == (
        TicketEvent.Kind.ASSIGNED,
        Status.NEW,
        Status.OPEN,
        agent.username,
    )


def test_handing_an_open_ticket_to_another_agent_keeps_it_open(ticket, agent):
    colleague = UserFactory(username="agent_bo", role="Agents")
    assignment.assign(actor=agent, ticket=ticket, assignee=agent)

    assignment.assign(actor=agent, ticket=ticket, assignee=colleague)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.OPEN, colleague)


def test_only_agents_work_tickets(ticket, moderator, member, agent):
    with pytest.raises(NotAllowed):
        assignment.assign(actor=moderator, ticket=ticket, assignee=agent)
    with pytest.raises(NotAllowed):
        assignment.assign(actor=agent, ticket=ticket, assignee=member)
    assignment.assign(actor=agent, ticket=ticket, assignee=agent)
    with pytest.raises(NotAllowed):
        lifecycle.set_status(actor=moderator, ticket=ticket, status=Status.RESOLVED)


@pytest.mark.parametrize("assigned", [False, True])
def test_an_active_ticket_is_resolved_before_it_is_closed(ticket, agent, assigned):
    if assigned:
        assignment.assign(actor=agent, ticket=ticket, assignee=agent)
    before = Ticket.objects.get(pk=ticket.pk)
    events = ticket.events.count()

    with pytest.raises(InvalidTransition, match="cannot go from"):
        lifecycle.set_status(actor=agent, ticket=ticket, status=Status.CLOSED)

    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.status, after.closed_at, after.updated_at) == (
        before.status,
        None,
        before.updated_at,
    )
    assert ticket.events.count() == events


def test_a_ticket_waits_on_the_asker_and_comes_back(ticket, agent):
    assignment.assign(actor=agent, ticket=ticket, assignee=agent)

    lifecycle.set_status(actor=agent, ticket=ticket, status=Status.WAITING)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING
    lifecycle.set_status(actor=agent, ticket=ticket, status=Status.OPEN)

    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN
    assert list(ticket.events.values_list("kind", "from_status", "to_status")) == [
        (TicketEvent.Kind.CREATED, "", Status.NEW),
        (TicketEvent.Kind.ASSIGNED, Status.NEW, Status.OPEN),
        (TicketEvent.Kind.STATUS_CHANGED, Status.OPEN, Status.WAITING),
        (TicketEvent.Kind.STATUS_CHANGED, Status.WAITING, Status.OPEN),
    ]


def test_resolving_hands_the_thread_back_and_lets_the_asker_ask_again(ticket, agent, member):
    assignment.assign(actor=agent, ticket=ticket, assignee=agent, now=T0 + 2 * HOUR)

    lifecycle.set_status(actor=agent, ticket=ticket, status=Status.RESOLVED, now=T0 + 3 * HOUR)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution, ticket.resolved_at) == (
        Status.RESOLVED,
        "answered",
        T0 + 3 * HOUR,
    )
    assert Thread.objects.get(pk=ticket.thread_id).escalated_at is None
    assert ThreadClock.objects.get(thread_id=ticket.thread_id).member_can_request_at == (
        T0 + 2 * HOUR
    )
    reopened = opening.ask_for_staff(
        actor=member, thread=ticket.thread, note="Still broken", now=T0 + 4 * HOUR
    )
    # The agent who had it keeps it: the same ticket, open again, in its second cycle.
    assert (reopened.pk, reopened.status, reopened.escalation_count) == (ticket.pk, Status.OPEN, 2)
    assert reopened.assignee == agent


def test_reescalating_a_ticket_whose_agent_left_the_team_makes_it_new_again(ticket, agent, member):
    assignment.assign(actor=agent, ticket=ticket, assignee=agent, now=T0 + 2 * HOUR)
    lifecycle.resolve(actor=agent, ticket=ticket, now=T0 + 3 * HOUR)
    agent.is_staff = False
    agent.save(update_fields=["is_staff"])

    reopened = opening.ask_for_staff(actor=member, thread=ticket.thread, now=T0 + 4 * HOUR)

    assert (reopened.status, reopened.assignee, reopened.escalation_count) == (Status.NEW, None, 2)


def test_a_resolved_ticket_is_reopened_before_it_is_worked_again(ticket, agent, member):
    assignment.assign(actor=agent, ticket=ticket, assignee=agent, now=T0 + 2 * HOUR)
    lifecycle.set_status(actor=agent, ticket=ticket, status=Status.RESOLVED, now=T0 + 3 * HOUR)

    with pytest.raises(InvalidTransition, match="resolved or closed"):
        assignment.assign(actor=agent, ticket=ticket, assignee=None)
    lifecycle.set_status(actor=agent, ticket=ticket, status=Status.OPEN, now=T0 + 4 * HOUR)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee, ticket.escalation_count) == (Status.OPEN, agent, 2)
    assert (ticket.resolved_at, ticket.resolution, ticket.close_at) == (None, "", None)
    assert ticket.resolution_due_at == T0 + 4 * HOUR + 72 * HOUR
    reopened = ticket.events.last()
    assert (reopened.kind, reopened.actor, reopened.from_status, reopened.to_status) == (
        TicketEvent.Kind.REOPENED,
        agent,
        Status.RESOLVED,
        Status.OPEN,
    )
    assert Thread.objects.get(pk=ticket.thread_id).escalated_at == T0 + 4 * HOUR
    assert member.notifications.filter(kind=Notification.Kind.REQUEST_REOPENED).count() == 1


def test_a_closed_ticket_never_moves_again(ticket, agent):
    assignment.assign(actor=agent, ticket=ticket, assignee=agent)
    lifecycle.resolve(actor=agent, ticket=ticket)
    lifecycle.set_status(actor=agent, ticket=ticket, status=Status.CLOSED)
    before = Ticket.objects.get(pk=ticket.pk)
    events = ticket.events.count()

    for status in Status.values:
        with pytest.raises(InvalidTransition, match="closed"):
            lifecycle.set_status(actor=agent, ticket=ticket, status=status)

    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.status, after.updated_at, after.escalation_count) == (
        Status.CLOSED,
        before.updated_at,
        before.escalation_count,
    )
    assert ticket.events.count() == events


def test_an_agent_reply_is_the_first_response_at_the_time_it_was_posted(ticket, agent, reply):
    reply(ticket.thread, author=agent, at=T0 + 5 * HOUR)

    ticket.refresh_from_db()
    assert ticket.first_responded_at == T0 + 5 * HOUR


def test_the_asker_asks_for_staff_with_a_note(ask, member):
    thread = ask()

    ticket = committed(
        opening.ask_for_staff,
        actor=member,
        thread=thread,
        note="I need this before Friday",
        now=T0 + 3 * HOUR,
    )

    assert (ticket.reason, ticket.note, ticket.status) == (
        Ticket.Reason.ASKER,
        "I need this before Friday",
        Status.NEW,
    )


# --- Internal notes ----------------------------------------------------------------


def test_an_internal_note_is_kept_as_markdown_and_tells_nobody(ticket, agent, member):
    note = replying.add_note(
        actor=agent,
        ticket=ticket,
        body="  Asked **chain ops**: tx stuck <script>alert(1)</script>  ",
        now=T0 + 2 * HOUR,
    )

    assert (note.ticket, note.author, note.created_at) == (ticket, agent, T0 + 2 * HOUR)
    assert note.body == "Asked **chain ops**: tx stuck <script>alert(1)</script>"
    assert "<strong>chain ops</strong>" in note.body_html
    assert "<script>" not in note.body_html
    assert Ticket.objects.get(pk=ticket.pk).updated_at == T0 + 2 * HOUR
    assert not Notification.objects.filter(actor=agent).exists()
    assert not ticket.events.exclude(kind=TicketEvent.Kind.CREATED).exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write the note first."), ("  \n", "Write the note first."), ("x" * 20_001, "20,000")],
)
def test_an_empty_or_overlong_note_is_refused(ticket, agent, body, message):
    with pytest.raises(InvalidTransition, match=message):
        replying.add_note(actor=agent, ticket=ticket, body=body)

    assert not ticket.notes.exists()


def test_only_the_support_team_writes_internal_notes(ticket, moderator, member):
    for person in (moderator, member):
        with pytest.raises(NotAllowed):
            replying.add_note(actor=person, ticket=ticket, body="I think it is a scam")

    assert not ticket.notes.exists()


# --- Canned replies --------------------------------------------------------------------


def test_a_canned_reply_fills_in_its_placeholders(ticket, member):
    reply = CannedReply.objects.create(
        title="Pending transfer",
        body="Hi {asker_name}, about {reference} ({thread_link}): {unknown} stays {as is}.",
    )

    text = replying.fill_canned_reply(reply, ticket, thread_url="https://handoff.example/t/1/usdt/")

    assert text == (
        f"Hi Mia Member, about {ticket.reference} (https://handoff.example/t/1/usdt/): "
        "{unknown} stays {as is}."
    )


def test_a_placeholder_filled_with_braces_is_not_filled_again(ticket, member):
    member.display_name = "{reference}"
    member.save(update_fields=["display_name"])
    reply = CannedReply.objects.create(title="Hello", body="Hi {asker_name}")

    assert replying.fill_canned_reply(reply, ticket, thread_url="/t/1/") == "Hi {reference}"


# --- Bulk actions ------------------------------------------------------------------------


def test_a_bulk_action_moves_what_it_can_and_says_what_it_could_not(ask, moderator, agent):
    tickets = [
        opening.escalate_thread(actor=moderator, thread=ask(), now=T0 + HOUR) for _ in range(3)
    ]
    assignment.assign(actor=agent, ticket=tickets[1], assignee=agent)
    lifecycle.resolve(actor=agent, ticket=tickets[1])

    changed, problems = triage.bulk(
        actor=agent, tickets=tickets, action="priority", value=40, now=T0 + 2 * HOUR
    )

    assert (changed, problems) == (3, [])
    changed, problems = triage.bulk(
        actor=agent, tickets=tickets, action="assign", value=agent, now=T0 + 3 * HOUR
    )
    assert changed == 2
    assert problems == [
        f"{tickets[1].reference}: This ticket is resolved or closed: "
        "escalate the thread to reopen it."
    ]
    assert [Ticket.objects.get(pk=t.pk).assignee for t in tickets] == [agent, agent, agent]
    assert [Ticket.objects.get(pk=t.pk).status for t in tickets] == [
        Status.OPEN,
        Status.RESOLVED,
        Status.OPEN,
    ]


def test_a_bulk_action_nobody_knows_changes_nothing(ticket, agent):
    changed, problems = triage.bulk(actor=agent, tickets=[ticket], action="delete", value=None)

    assert (changed, problems) == (0, [f"{ticket.reference}: Choose an action."])
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_only_the_support_team_acts_in_bulk(ticket, moderator):
    with pytest.raises(NotAllowed):
        triage.bulk(actor=moderator, tickets=[ticket], action="priority", value=40)

    assert Ticket.objects.get(pk=ticket.pk).priority == ticket.priority
