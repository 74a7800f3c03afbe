"""SLA targets: first response and resolution, marked once when missed, logged and told to
the agents concerned; waiting on the asker stops the resolution clock, in business time."""

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts import roles
from escalation.models import (
    BusinessCalendar,
    EscalationPolicy,
    OpeningHours,
    Queue,
    Ticket,
    TicketEvent,
)
from escalation.services import assignment, lifecycle, sweep
from escalation.services import tickets as opening
from notifications.models import Notification
from tests.escalation.conftest import T0, committed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)
ESCALATED_AT = T0 + HOUR
FIRST_RESPONSE_DUE = ESCALATED_AT + 8 * HOUR
RESOLUTION_DUE = ESCALATED_AT + 72 * HOUR
Status = Ticket.Status
Kind = TicketEvent.Kind
Breached = Notification.Kind


@pytest.fixture
def escalate(ask, moderator):
    def escalate(*, at=ESCALATED_AT, **ask_kwargs):
        thread = ask(at=at - HOUR, **ask_kwargs)
        return committed(opening.escalate_thread, actor=moderator, thread=thread, now=at)

    return escalate


@pytest.fixture
def ticket(escalate, agent):
    """Escalated while the agent was on duty: theirs, and open."""
    assignment.set_on_duty(actor=agent, on_duty=True)
    ticket = escalate()
    assert (ticket.status, ticket.assignee) == (Status.OPEN, agent)
    return ticket


def make_agent(username: str, *, queues=()):
    """An agent who is away (so gets no tickets) and has chosen these queues."""
    user = UserFactory(username=username, role=roles.AGENTS)
    assignment.set_on_duty(actor=user, on_duty=False, queues=list(queues))
    return user


def breach_notes(kind) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


# --- Missed targets -----------------------------------------------------------------


def test_a_missed_first_response_is_marked_once_logged_and_told_to_the_assignee(
    ticket, agent, caplog
):
    bystander = make_agent("agent_bo")
    assert sweep.sweep(now=FIRST_RESPONSE_DUE - SECOND).breached == 0

    with caplog.at_level(logging.WARNING, logger="escalation.services"):
        first = sweep.sweep(now=FIRST_RESPONSE_DUE)
        second = sweep.sweep(now=FIRST_RESPONSE_DUE + HOUR)

    assert (first.breached, second.breached) == (1, 0)
    ticket.refresh_from_db()
    assert ticket.first_response_breached_at == FIRST_RESPONSE_DUE
    assert ticket.status == Status.OPEN  # a missed target is a fact, not a status
    breach = ticket.events.get(kind=Kind.FIRST_RESPONSE_BREACHED)
    assert (breach.actor, breach.created_at, breach.from_status, breach.to_status) == (
        None,
        FIRST_RESPONSE_DUE,
        Status.OPEN,
        Status.OPEN,
    )
    assert [record.getMessage() for record in caplog.records] == [
        f"Ticket {ticket.reference} missed its first_response target"
    ]
    assert breach_notes(Breached.FIRST_RESPONSE_BREACHED) == [agent.username]
    note = Notification.objects.get(recipient=agent, kind=Breached.FIRST_RESPONSE_BREACHED)
    assert (note.url, note.params["reference"]) == (ticket.get_staff_url(), ticket.reference)
    assert not Notification.objects.filter(recipient=bystander).exists()


def test_a_missed_resolution_is_marked_once_and_told_to_the_assignee(
    ticket, agent, member, reply, caplog
):
    reply(ticket.thread, author=agent, at=ESCALATED_AT + HOUR)  # on time; waits on the asker
    reply(ticket.thread, author=member, at=ESCALATED_AT + HOUR)  # back at once: clock runs

    with caplog.at_level(logging.WARNING, logger="escalation.services"):
        first = sweep.sweep(now=RESOLUTION_DUE)
        second = sweep.sweep(now=RESOLUTION_DUE + 5 * HOUR)

    assert (first.breached, second.breached) == (1, 0)
    ticket.refresh_from_db()
    assert (ticket.resolution_breached_at, ticket.first_response_breached_at) == (
        RESOLUTION_DUE,
        None,
    )
    assert ticket.events.filter(kind=Kind.RESOLUTION_BREACHED).count() == 1
    assert [record.getMessage() for record in caplog.records] == [
        f"Ticket {ticket.reference} missed its resolution target"
    ]
    assert breach_notes(Breached.RESOLUTION_BREACHED) == [agent.username]
    assert ticket.is_sla_breached


def test_a_reopened_ticket_can_miss_its_new_resolution_target_once_more(ticket, agent, member):
    sweep.sweep(now=RESOLUTION_DUE)
    lifecycle.resolve(actor=agent, ticket=ticket, now=RESOLUTION_DUE + HOUR)
    lifecycle.asker_reopen(actor=member, ticket=ticket, now=RESOLUTION_DUE + 2 * HOUR)
    ticket.refresh_from_db()
    assert (ticket.resolution_breached_at, ticket.escalation_count) == (None, 2)

    sweep.sweep(now=RESOLUTION_DUE + 2 * HOUR + 72 * HOUR)
    sweep.sweep(now=RESOLUTION_DUE + 2 * HOUR + 73 * HOUR)

    assert ticket.events.filter(kind=Kind.RESOLUTION_BREACHED).count() == 2
    assert Notification.objects.filter(kind=Breached.RESOLUTION_BREACHED).count() == 2


def test_resolved_and_closed_tickets_miss_no_target(ticket, agent):
    lifecycle.resolve(actor=agent, ticket=ticket, now=ESCALATED_AT + HOUR)

    assert sweep.sweep(now=RESOLUTION_DUE + HOUR).breached == 0
    assert sweep.sweep(now=RESOLUTION_DUE + 1000 * HOUR).breached == 0  # closed by now
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
    assert not Notification.objects.filter(
        kind__in=[Breached.FIRST_RESPONSE_BREACHED, Breached.RESOLUTION_BREACHED]
    ).exists()


# --- Who hears of a breach on an unassigned ticket ------------------------------------


@pytest.fixture
def transfers_queue(policy):
    queue = Queue.objects.create(name="Transfers", slug="transfers")
    policy.ticket_queue = queue
    policy.save()
    return queue


def test_an_unassigned_breach_is_told_to_the_agents_of_its_queue(escalate, transfers_queue):
    make_agent("amy", queues=[transfers_queue])
    make_agent("bo", queues=[Queue.objects.create(name="Security", slug="security")])
    make_agent("cy")  # chose no queue: works every queue, this one included
    gone = make_agent("dan", queues=[transfers_queue])
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    ticket = escalate()
    assert ticket.assignee is None

    sweep.sweep(now=FIRST_RESPONSE_DUE)
    sweep.sweep(now=FIRST_RESPONSE_DUE + HOUR)

    assert breach_notes(Breached.FIRST_RESPONSE_BREACHED) == ["amy", "cy"]


def test_an_unassigned_breach_in_a_queue_nobody_chose_is_told_to_every_agent(
    escalate, transfers_queue, moderator
):
    make_agent("amy", queues=[Queue.objects.create(name="Security", slug="security")])
    make_agent("bo", queues=[Queue.objects.create(name="Install", slug="install")])
    escalate()

    sweep.sweep(now=FIRST_RESPONSE_DUE)

    assert breach_notes(Breached.FIRST_RESPONSE_BREACHED) == ["amy", "bo"]


def test_an_unassigned_breach_outside_any_queue_is_told_to_every_agent(escalate, agent):
    make_agent("amy", queues=[Queue.objects.create(name="Security", slug="security")])
    escalate()

    sweep.sweep(now=FIRST_RESPONSE_DUE)

    assert breach_notes(Breached.FIRST_RESPONSE_BREACHED) == ["agent_amy", "amy"]


# --- Waiting on the asker pauses the resolution clock -----------------------------------


def test_a_waiting_ticket_never_misses_its_resolution_target(ticket, agent, reply):
    reply(ticket.thread, author=agent, at=ESCALATED_AT + HOUR)

    result = sweep.sweep(now=RESOLUTION_DUE + 24 * HOUR)

    ticket.refresh_from_db()
    assert (result.breached, ticket.status) == (0, Status.WAITING)
    assert (ticket.resolution_due_at, ticket.resolution_time_left) == (None, 71 * HOUR)
    assert ticket.resolution_breached_at is None


def test_waiting_set_by_hand_pauses_the_clock_and_open_resumes_it(ticket, agent):
    lifecycle.set_status(
        actor=agent, ticket=ticket, status=Status.WAITING, now=ESCALATED_AT + 10 * HOUR
    )
    ticket.refresh_from_db()
    assert (ticket.waiting_since, ticket.resolution_time_left) == (
        ESCALATED_AT + 10 * HOUR,
        62 * HOUR,
    )

    lifecycle.set_status(
        actor=agent, ticket=ticket, status=Status.OPEN, now=ESCALATED_AT + 40 * HOUR
    )

    ticket.refresh_from_db()
    assert ticket.resolution_due_at == ESCALATED_AT + 40 * HOUR + 62 * HOUR
    assert (ticket.waiting_since, ticket.resolution_time_left, ticket.close_at) == (
        None,
        None,
        None,
    )
    assert sweep.sweep(now=ESCALATED_AT + 102 * HOUR - SECOND).breached == 1  # first response
    assert sweep.sweep(now=ESCALATED_AT + 102 * HOUR).breached == 1  # resolution


def test_a_ticket_already_late_when_it_waits_is_late_as_soon_as_it_resumes(ticket, agent, member):
    lifecycle.set_status(
        actor=agent, ticket=ticket, status=Status.WAITING, now=RESOLUTION_DUE + HOUR
    )
    lifecycle.set_status(
        actor=agent, ticket=ticket, status=Status.OPEN, now=RESOLUTION_DUE + 9 * HOUR
    )

    ticket.refresh_from_db()
    assert ticket.resolution_due_at == RESOLUTION_DUE + 9 * HOUR
    sweep.sweep(now=RESOLUTION_DUE + 9 * HOUR)
    assert Ticket.objects.get(pk=ticket.pk).resolution_breached_at == RESOLUTION_DUE + 9 * HOUR


SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def office_hours(policy, category):
    """Transfers counts the Shanghai office's hours, Monday to Friday 09:00–18:00."""
    calendar = BusinessCalendar.objects.create(name="Shanghai office", time_zone="Asia/Shanghai")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens_at=time(9), closes_at=time(18))
        for day in range(5)
    )
    return EscalationPolicy.objects.create(
        category=category,
        calendar=calendar,
        needs_help_after=4 * HOUR,
        escalate_after=16 * HOUR,
        first_response_target=8 * HOUR,
        resolution_target=24 * HOUR,
    )


def test_waiting_pauses_the_resolution_clock_in_business_time(
    office_hours, escalate, agent, member, reply
):
    assignment.set_on_duty(actor=agent, on_duty=True)
    ticket = escalate(at=shanghai("2026-11-02 10:00"))  # a Monday
    # 24 office hours: Monday 10–18, Tuesday 9–18, Wednesday 9–16.
    assert ticket.resolution_due_at == shanghai("2026-11-04 16:00")

    reply(ticket.thread, author=agent, at=shanghai("2026-11-02 15:00"))
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING
    assert (ticket.resolution_due_at, ticket.resolution_time_left) == (None, 19 * HOUR)
    assert ticket.sla_due_at is None
    # Wednesday 16:00 passes while the asker takes their time: no breach.
    assert sweep.sweep(now=shanghai("2026-11-05 10:00")).breached == 0

    reply(ticket.thread, author=member, at=shanghai("2026-11-05 16:00"))  # Thursday

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    # The 19 hours left: Thursday 16–18, Friday 9–18, then Monday 9–17.
    assert ticket.resolution_due_at == ticket.sla_due_at == shanghai("2026-11-09 17:00")
    assert (ticket.waiting_since, ticket.resolution_time_left) == (None, None)
    assert sweep.sweep(now=shanghai("2026-11-09 17:00") - SECOND).breached == 0
    assert sweep.sweep(now=shanghai("2026-11-09 17:00")).breached == 1
    assert ticket.events.get(kind=Kind.RESOLUTION_BREACHED).created_at == shanghai(
        "2026-11-09 17:00"
    )


# --- The queue's order: the next deadline the team faces ---------------------------------


def test_the_next_deadline_follows_the_ticket_through_its_life(ticket, agent, member, reply):
    assert ticket.sla_due_at == FIRST_RESPONSE_DUE  # unanswered: the first response

    reply(ticket.thread, author=agent, at=ESCALATED_AT + HOUR)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at is None  # waiting on the asker

    reply(ticket.thread, author=member, at=ESCALATED_AT + 3 * HOUR)
    # Answered: the resolution, with the two waiting hours added.
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == RESOLUTION_DUE + 2 * HOUR

    lifecycle.resolve(actor=agent, ticket=ticket, now=ESCALATED_AT + 4 * HOUR)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at is None

    lifecycle.asker_reopen(actor=member, ticket=ticket, now=ESCALATED_AT + 5 * HOUR)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == ESCALATED_AT + 5 * HOUR + 72 * HOUR

    lifecycle.resolve(actor=agent, ticket=ticket, now=ESCALATED_AT + 6 * HOUR)
    lifecycle.set_status(actor=agent, ticket=ticket, status=Status.CLOSED)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at is None
