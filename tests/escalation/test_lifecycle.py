"""A ticket's life: waiting on the asker ⇄ open, resolved, reopened by the asker within the
policy's window, closed by the sweep after the policy's delays. Every move is logged with
who made it and when; a move that is not allowed is refused with a message, and changes
nothing."""

from datetime import timedelta

import pytest

from accounts import roles
from escalation.models import Priority, Queue, ThreadClock, Ticket, TicketEvent
from escalation.services import assignment, lifecycle, replies, tickets, triage
from escalation.services import sweep as sweeping
from forum.errors import InvalidTransition, NotAllowed
from forum.models import Post, Thread
from forum.services import answers as forum_answers
from forum.services import moderation as forum_moderation
from notifications.models import Notification
from tests.escalation.conftest import T0, committed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
ESCALATED_AT = T0 + HOUR
Status = Ticket.Status
Kind = TicketEvent.Kind


@pytest.fixture
def ticket(ask, moderator, agent):
    """Escalated by a moderator, claimed by the agent: open."""
    ticket = committed(tickets.escalate_thread, actor=moderator, thread=ask(), now=ESCALATED_AT)
    return assignment.claim(actor=agent, ticket=ticket, now=ESCALATED_AT)


@pytest.fixture
def waiting(ticket, agent):
    """The agent answered in the thread two hours after the escalation."""
    committed(
        replies.staff_reply,
        actor=agent,
        ticket=ticket,
        body="Please send the transaction hash.",
        now=ESCALATED_AT + 2 * HOUR,
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING
    return ticket


RESOLVED_AT = ESCALATED_AT + 3 * HOUR


@pytest.fixture
def resolved(ticket, agent):
    lifecycle.resolve(actor=agent, ticket=ticket, note="Confirmed on chain.", now=RESOLVED_AT)
    ticket.refresh_from_db()
    return ticket


def told(user, kind) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def snapshot(ticket) -> dict:
    """Everything a refused move must leave as it was."""
    return {
        "ticket": Ticket.objects.filter(pk=ticket.pk).values().get(),
        "events": list(TicketEvent.objects.values_list("pk", flat=True)),
        "thread": Thread.objects.filter(pk=ticket.thread_id).values().get(),
        "posts": Post.objects.count(),
        "notifications": Notification.objects.count(),
    }


# --- Waiting on the asker ⇄ open ------------------------------------------------------


def test_the_askers_reply_brings_a_waiting_ticket_back_to_open(waiting, member, reply):
    post = reply(waiting.thread, author=member, at=ESCALATED_AT + 5 * HOUR)

    waiting.refresh_from_db()
    assert (waiting.status, waiting.waiting_since, waiting.close_at) == (Status.OPEN, None, None)
    event = waiting.events.last()
    assert (event.kind, event.actor, event.post, event.created_at) == (
        Kind.ASKER_REPLIED,
        member,
        post,
        ESCALATED_AT + 5 * HOUR,
    )
    assert (event.from_status, event.to_status) == (Status.WAITING, Status.OPEN)


@pytest.mark.parametrize("who", ["other_member", "moderator"])
def test_a_reply_by_anyone_else_leaves_the_ticket_waiting(request, waiting, reply, who):
    before = Ticket.objects.filter(pk=waiting.pk).values().get()

    reply(waiting.thread, author=request.getfixturevalue(who), at=ESCALATED_AT + 5 * HOUR)

    assert Ticket.objects.filter(pk=waiting.pk).values().get() == before


def test_the_askers_reply_to_an_open_ticket_leaves_it_open(ticket, member, reply):
    reply(ticket.thread, author=member, at=ESCALATED_AT + HOUR)

    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN
    assert not ticket.events.filter(kind=Kind.ASKER_REPLIED).exists()


# --- Closing by itself -------------------------------------------------------------------


def test_a_resolved_ticket_closes_by_itself_after_the_policys_delay(resolved, member, policy):
    due = RESOLVED_AT + policy.close_resolved_after
    assert sweeping.sweep(now=due - SECOND).closed == 0

    first = sweeping.sweep(now=due)
    second = sweeping.sweep(now=due + DAY)

    assert (first.closed, second.closed) == (1, 0)
    resolved.refresh_from_db()
    assert (resolved.status, resolved.closed_at, resolved.close_at) == (Status.CLOSED, due, None)
    assert resolved.resolution == "answered"  # what it was resolved as stays
    closed = resolved.events.last()
    assert (closed.kind, closed.actor, closed.created_at, closed.detail) == (
        Kind.CLOSED,
        None,
        due,
        "auto",
    )
    assert (closed.from_status, closed.to_status) == (Status.RESOLVED, Status.CLOSED)
    note = Notification.objects.get(recipient=member, kind=Notification.Kind.REQUEST_CLOSED)
    assert (note.url, note.params["reference"]) == (resolved.get_absolute_url(), resolved.reference)


def test_a_ticket_left_waiting_closes_by_itself_and_the_asker_may_ask_again(
    waiting, member, policy
):
    due = ESCALATED_AT + 2 * HOUR + policy.close_waiting_after
    assert waiting.close_at == due
    assert sweeping.sweep(now=due - SECOND).closed == 0

    assert sweeping.sweep(now=due).closed == 1

    waiting.refresh_from_db()
    assert (waiting.status, waiting.closed_at) == (Status.CLOSED, due)
    assert (waiting.waiting_since, waiting.resolution_time_left) == (None, None)
    closed = waiting.events.last()
    assert (closed.kind, closed.actor, closed.detail, closed.from_status) == (
        Kind.CLOSED,
        None,
        "no_reply",
        Status.WAITING,
    )
    assert told(member, Notification.Kind.REQUEST_CLOSED) == 1
    # The support team no longer has the thread: the asker can ask again, right away.
    assert Thread.objects.get(pk=waiting.thread_id).escalated_at is None
    assert ThreadClock.objects.get(thread_id=waiting.thread_id).member_can_request_at <= due
    again = tickets.ask_for_staff(actor=member, thread=waiting.thread, now=due + HOUR)
    assert (again.pk, again.status, again.escalation_count) == (waiting.pk, Status.OPEN, 2)


def test_the_askers_reply_stops_the_close_delay(waiting, member, reply, policy):
    reply(waiting.thread, author=member, at=ESCALATED_AT + 6 * DAY)

    assert sweeping.sweep(now=ESCALATED_AT + 30 * DAY).closed == 0
    assert Ticket.objects.get(pk=waiting.pk).status == Status.OPEN


def test_the_close_delays_come_from_the_policy(ticket, agent, policy):
    policy.close_resolved_after = 2 * DAY
    policy.close_waiting_after = None  # never close a ticket waiting on the asker
    policy.save()
    committed(
        replies.staff_reply, actor=agent, ticket=ticket, body="Hash?", now=ESCALATED_AT + HOUR
    )

    assert Ticket.objects.get(pk=ticket.pk).close_at is None
    assert sweeping.sweep(now=ESCALATED_AT + 365 * DAY).closed == 0

    lifecycle.resolve(actor=agent, ticket=ticket, now=ESCALATED_AT + 366 * DAY)
    assert sweeping.sweep(now=ESCALATED_AT + 368 * DAY).closed == 1


def test_a_close_time_left_on_an_active_ticket_is_dropped_not_acted_on(ticket):
    # Never expected (every path clears close_at when the ticket moves on): a repair.
    Ticket.objects.filter(pk=ticket.pk).update(close_at=ESCALATED_AT)

    assert sweeping.sweep(now=ESCALATED_AT + DAY).closed == 0

    ticket.refresh_from_db()
    assert (ticket.status, ticket.close_at) == (Status.OPEN, None)


# --- Reopening by the asker ---------------------------------------------------------------


def test_the_asker_reopens_within_the_window(resolved, member, agent, policy):
    at = RESOLVED_AT + policy.reopen_within
    assert lifecycle.can_asker_reopen(resolved, now=at)

    lifecycle.asker_reopen(actor=member, ticket=resolved, now=at)

    resolved.refresh_from_db()
    assert (resolved.status, resolved.assignee, resolved.escalation_count) == (
        Status.OPEN,
        agent,
        2,
    )
    assert (resolved.resolved_at, resolved.resolution, resolved.close_at) == (None, "", None)
    assert resolved.resolution_due_at == at + policy.resolution_target
    event = resolved.events.last()
    assert (event.kind, event.actor, event.created_at, event.from_status, event.to_status) == (
        Kind.REOPENED,
        member,
        at,
        Status.RESOLVED,
        Status.OPEN,
    )
    assert Thread.objects.get(pk=resolved.thread_id).escalated_at == at
    assert told(agent, Notification.Kind.TICKET_REOPENED) == 1
    assert told(member, Notification.Kind.REQUEST_REOPENED) == 0  # they did it themselves


def test_reopening_after_the_window_is_refused_with_a_clear_message(resolved, member, policy):
    late = RESOLVED_AT + policy.reopen_within + SECOND
    assert not lifecycle.can_asker_reopen(resolved, now=late)
    before = snapshot(resolved)

    with pytest.raises(InvalidTransition) as refused:
        lifecycle.asker_reopen(actor=member, ticket=resolved, now=late)

    assert str(refused.value) == (
        "It is too late to reopen this request: ask the support team again from the thread."
    )
    assert snapshot(resolved) == before


@pytest.mark.parametrize("who", ["other_member", "moderator", "agent"])
def test_only_the_asker_reopens_their_request(request, resolved, who):
    before = snapshot(resolved)

    with pytest.raises(NotAllowed, match="Only the person who asked"):
        lifecycle.asker_reopen(
            actor=request.getfixturevalue(who), ticket=resolved, now=RESOLVED_AT + HOUR
        )

    assert snapshot(resolved) == before


def test_the_asker_cannot_reopen_a_closed_or_an_active_request(resolved, ticket, member, agent):
    lifecycle.set_status(actor=agent, ticket=resolved, status=Status.CLOSED, now=RESOLVED_AT)
    before = snapshot(resolved)
    with pytest.raises(InvalidTransition, match="This request is closed"):
        lifecycle.asker_reopen(actor=member, ticket=resolved, now=RESOLVED_AT + HOUR)
    assert snapshot(resolved) == before


def test_the_asker_cannot_reopen_a_request_still_being_worked(ticket, member):
    before = snapshot(ticket)

    with pytest.raises(InvalidTransition, match="Only a resolved request can be reopened"):
        lifecycle.asker_reopen(actor=member, ticket=ticket, now=ESCALATED_AT + HOUR)

    assert snapshot(ticket) == before


def test_the_asker_cannot_reopen_a_request_whose_thread_is_closed(resolved, member, moderator):
    committed(
        forum_moderation.set_thread_closed, actor=moderator, thread=resolved.thread, is_closed=True
    )
    before = snapshot(resolved)

    with pytest.raises(InvalidTransition, match="thread is closed"):
        lifecycle.asker_reopen(actor=member, ticket=resolved, now=RESOLVED_AT + HOUR)

    assert snapshot(resolved) == before


# --- Every move, logged --------------------------------------------------------------------


def test_every_transition_is_logged_with_its_actor_and_time(
    ask, moderator, agent, member, reply, policy
):
    security = Queue.objects.create(name="Security", slug="security")
    at = [ESCALATED_AT + n * HOUR for n in range(10)]
    ticket = committed(tickets.escalate_thread, actor=moderator, thread=ask(), now=at[0])
    assignment.claim(actor=agent, ticket=ticket, now=at[1])
    triage.set_priority(actor=agent, ticket=ticket, priority=Priority.HIGH, now=at[2])
    committed(replies.staff_reply, actor=agent, ticket=ticket, body="Hash?", now=at[3])
    reply(ticket.thread, author=member, at=at[4])
    triage.set_queue(actor=agent, ticket=ticket, queue=security, now=at[5])
    lifecycle.resolve(actor=agent, ticket=ticket, now=at[6])
    lifecycle.asker_reopen(actor=member, ticket=ticket, now=at[7])
    lifecycle.set_status(actor=agent, ticket=ticket, status=Status.RESOLVED, now=at[8])
    closes_at = at[8] + policy.close_resolved_after
    sweeping.sweep(now=closes_at)

    log = list(
        ticket.events.values_list(
            "kind", "actor__username", "created_at", "from_status", "to_status"
        )
    )
    amy, mia = agent.username, member.username
    assert log == [
        (Kind.CREATED, moderator.username, at[0], "", Status.NEW),
        (Kind.ASSIGNED, amy, at[1], Status.NEW, Status.OPEN),
        (Kind.PRIORITY_CHANGED, amy, at[2], Status.OPEN, Status.OPEN),
        (Kind.STAFF_REPLIED, amy, at[3], Status.OPEN, Status.WAITING),
        (Kind.ASKER_REPLIED, mia, at[4], Status.WAITING, Status.OPEN),
        (Kind.QUEUE_CHANGED, amy, at[5], Status.OPEN, Status.OPEN),
        (Kind.RESOLVED, amy, at[6], Status.OPEN, Status.RESOLVED),
        (Kind.REOPENED, mia, at[7], Status.RESOLVED, Status.OPEN),
        (Kind.RESOLVED, amy, at[8], Status.OPEN, Status.RESOLVED),
        (Kind.CLOSED, None, closes_at, Status.RESOLVED, Status.CLOSED),
    ]
    details = dict(ticket.events.values_list("kind", "detail"))
    assert details[Kind.PRIORITY_CHANGED] == f"{Priority.NORMAL.value}→{Priority.HIGH.value}"
    assert details[Kind.QUEUE_CHANGED] == "— → Security"


def test_a_moderator_accepting_an_answer_is_named_on_the_resolution(
    ticket, moderator, other_member, reply
):
    answer = reply(ticket.thread, author=other_member, at=ESCALATED_AT + HOUR)

    committed(forum_answers.accept_answer, actor=moderator, post=answer)

    resolved = ticket.events.get(kind=Kind.RESOLVED)
    assert (resolved.actor, resolved.detail) == (moderator, "solved_by_community")


def test_a_moderator_marking_the_thread_solved_is_named_on_the_resolution(ticket, moderator):
    committed(
        forum_moderation.set_thread_solved, actor=moderator, thread=ticket.thread, is_solved=True
    )

    resolved = ticket.events.get(kind=Kind.RESOLVED)
    assert (resolved.actor, resolved.detail) == (moderator, "marked_solved")


# --- Moves that are refused ---------------------------------------------------------------


@pytest.fixture
def closed(resolved, agent):
    lifecycle.set_status(actor=agent, ticket=resolved, status=Status.CLOSED, now=RESOLVED_AT)
    resolved.refresh_from_db()
    return resolved


def _refusals():
    """(the ticket's state, the move, the error, words of its message)."""
    yield (
        "closed",
        lambda t, agent, member: lifecycle.resolve(actor=agent, ticket=t),
        (
            InvalidTransition,
            "This ticket is closed",
        ),
    )
    yield (
        "resolved",
        lambda t, agent, member: lifecycle.resolve(actor=agent, ticket=t),
        (
            InvalidTransition,
            "already resolved",
        ),
    )
    yield (
        "closed",
        lambda t, agent, member: replies.staff_reply(actor=agent, ticket=t, body="Hello"),
        (InvalidTransition, "This ticket is closed"),
    )
    yield (
        "resolved",
        lambda t, agent, member: replies.staff_reply(actor=agent, ticket=t, body="Hello"),
        (InvalidTransition, "reopen it before you reply"),
    )
    yield (
        "open",
        lambda t, agent, member: assignment.assign(actor=agent, ticket=t, assignee=member),
        (
            NotAllowed,
            "only be assigned to the support team",
        ),
    )
    yield (
        "closed",
        lambda t, agent, member: assignment.assign(actor=agent, ticket=t, assignee=agent),
        (InvalidTransition, "resolved or closed"),
    )
    yield (
        "closed",
        lambda t, agent, member: triage.set_priority(
            actor=agent, ticket=t, priority=Priority.URGENT
        ),
        (InvalidTransition, "This ticket is closed"),
    )
    yield (
        "closed",
        lambda t, agent, member: triage.set_queue(actor=agent, ticket=t, queue=None),
        (
            InvalidTransition,
            "This ticket is closed",
        ),
    )
    for status in (Status.NEW, Status.OPEN, Status.WAITING, Status.RESOLVED):
        yield (
            "closed",
            lambda t, agent, member, status=status: lifecycle.set_status(
                actor=agent, ticket=t, status=status
            ),
            (InvalidTransition, "This ticket is closed"),
        )
    yield (
        "open",
        lambda t, agent, member: lifecycle.set_status(actor=agent, ticket=t, status="escalated"),
        (InvalidTransition, "cannot go from Open to escalated"),
    )
    yield (
        "open",
        lambda t, agent, member: triage.set_priority(actor=agent, ticket=t, priority="urgent!"),
        (InvalidTransition, "Choose a priority from the list"),
    )
    yield (
        "open",
        lambda t, agent, member: triage.set_priority(actor=agent, ticket=t, priority=99),
        (InvalidTransition, "Choose a priority from the list"),
    )
    yield (
        "open",
        lambda t, agent, member: lifecycle.resolve(actor=agent, ticket=t, note="x" * 2001),
        (
            InvalidTransition,
            "under 2,000 characters",
        ),
    )
    yield (
        "open",
        lambda t, agent, member: lifecycle.set_status(
            actor=member, ticket=t, status=Status.WAITING
        ),
        (NotAllowed, "Only the support team"),
    )


REFUSALS = list(_refusals())


@pytest.mark.parametrize(
    ("state", "move", "refusal"),
    REFUSALS,
    ids=[f"{index}-{state}" for index, (state, _move, _refusal) in enumerate(REFUSALS)],
)
def test_a_move_that_is_not_allowed_is_refused_and_changes_nothing(
    request, state, move, refusal, agent, member
):
    ticket = request.getfixturevalue({"open": "ticket", "resolved": "resolved"}.get(state, state))
    before = snapshot(ticket)
    error, words = refusal

    with pytest.raises(error, match=words):
        move(ticket, agent, member)

    assert snapshot(ticket) == before


def test_a_ticket_cannot_be_handed_to_someone_who_left_the_team(ticket, agent):
    former = UserFactory(username="former", role=roles.AGENTS)
    former.is_active = False
    former.save(update_fields=["is_active"])
    before = snapshot(ticket)

    with pytest.raises(NotAllowed):
        assignment.assign(actor=agent, ticket=ticket, assignee=former)

    assert snapshot(ticket) == before
