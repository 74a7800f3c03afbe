"""Automatic assignment: a new ticket goes to the on-duty agent of its queue with the fewest
open tickets; ties go to whoever waited longest. With nobody on duty it waits, unassigned."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from escalation.models import AgentStatus, EscalationPolicy, Queue, Ticket, TicketEvent
from escalation.services import assignment as assigning
from escalation.services import lifecycle
from escalation.services import sweep as sweeping
from escalation.services import tickets as opening
from forum.errors import InvalidTransition, NotAllowed
from notifications.models import Notification
from tests.escalation.conftest import T0, committed
from tests.factories import CategoryFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
Status = Ticket.Status


def make_agent(username: str, *, on_duty=True, queues=None, at=T0):
    user = UserFactory(username=username, role=roles.AGENTS)
    assigning.set_on_duty(actor=user, on_duty=on_duty, queues=queues, now=at)
    return user


@pytest.fixture
def escalate(ask, moderator):
    """A moderator hands a fresh question to the support team; returns its ticket."""

    def escalate(*, at=T0 + HOUR, category=None):
        thread = ask(at=at - HOUR) if category is None else ask_in(category, at=at - HOUR)
        return committed(opening.escalate_thread, actor=moderator, thread=thread, now=at)

    return escalate


def ask_in(category, *, at):
    author = UserFactory()
    return committed(ThreadFactory, author=author, category=category, now=at)


@pytest.fixture
def transfers_queue(db):
    return Queue.objects.create(name="Transfers", slug="transfers")


@pytest.fixture
def security_queue(db):
    return Queue.objects.create(name="Security", slug="security")


@pytest.fixture
def security(policy, security_queue):
    """A category whose tickets go to the Security queue."""
    category = CategoryFactory(slug="security", name="Security")
    EscalationPolicy.objects.create(category=category, ticket_queue=security_queue)
    return category


def assignees(tickets) -> list[str]:
    return [
        Ticket.objects.get(pk=ticket.pk).assignee.username if ticket else None for ticket in tickets
    ]


# --- Who gets a new ticket --------------------------------------------------------


def test_a_new_ticket_goes_to_the_on_duty_agent_with_the_fewest_open_tickets(escalate):
    amy = make_agent("amy")
    first = [escalate(at=T0 + n * HOUR) for n in (1, 2)]  # Amy alone on duty: both hers
    bo = make_agent("bo", at=T0 + 3 * HOUR)

    later = [escalate(at=T0 + n * HOUR) for n in (4, 5, 6)]

    # Bo has none, then one, against Amy's two; at two each Amy has waited longer.
    assert assignees(first + later) == ["amy", "amy", "bo", "bo", "amy"]
    assert AgentStatus.objects.get(user=amy).last_assigned_at == T0 + 6 * HOUR
    assert AgentStatus.objects.get(user=bo).last_assigned_at == T0 + 5 * HOUR


def test_an_automatic_assignment_opens_the_ticket_logs_it_and_tells_the_agent(escalate, member):
    amy = make_agent("amy")

    ticket = escalate(at=T0 + HOUR)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.OPEN, amy)
    assigned = ticket.events.get(kind=TicketEvent.Kind.ASSIGNED)
    assert (assigned.actor, assigned.from_status, assigned.to_status, assigned.detail) == (
        None,
        Status.NEW,
        Status.OPEN,
        "amy",
    )
    [note] = Notification.objects.filter(recipient=amy)
    assert (note.kind, note.url, note.params["reference"]) == (
        Notification.Kind.TICKET_ASSIGNED,
        ticket.get_staff_url(),
        ticket.reference,
    )
    assert not Notification.objects.filter(
        recipient=member, kind=Notification.Kind.TICKET_ASSIGNED
    ).exists()


def test_ties_go_to_whoever_waited_longest_and_first_to_who_never_had_one(escalate, moderator):
    amy, bo = make_agent("amy"), make_agent("bo")
    # Amy and Bo each had a ticket (Amy first) and resolved it: no open tickets, like Cy.
    for agent, at in ((amy, T0 + HOUR), (bo, T0 + 2 * HOUR)):
        ticket = escalate(at=at)
        assert ticket.assignee == agent
        lifecycle.resolve(actor=agent, ticket=ticket, now=at)
    make_agent("cy", at=T0 + 3 * HOUR)

    tickets = [escalate(at=T0 + n * HOUR) for n in (4, 5, 6)]

    assert assignees(tickets) == ["cy", "amy", "bo"]


def test_an_agent_who_chose_queues_gets_only_their_tickets(
    escalate, security, transfers_queue, security_queue
):
    make_agent("amy", queues=[security_queue])
    make_agent("bo", queues=[transfers_queue])

    in_security = [escalate(at=T0 + n * HOUR, category=security) for n in (1, 2, 3)]
    in_no_queue = escalate(at=T0 + 4 * HOUR)  # the site default has no queue: anyone's

    assert assignees(in_security) == ["amy"] * 3
    assert assignees([in_no_queue]) == ["bo"]


def test_an_agent_who_chose_no_queue_serves_every_queue(escalate, security, security_queue):
    make_agent("amy", queues=[security_queue])
    make_agent("bo")  # every queue

    tickets = [escalate(at=T0 + n * HOUR, category=security) for n in (1, 2, 3, 4)]

    assert sorted(assignees(tickets)) == ["amy", "amy", "bo", "bo"]


def test_nobody_serving_the_queue_leaves_the_ticket_new_and_unassigned(
    escalate, security, transfers_queue
):
    make_agent("amy", queues=[transfers_queue])

    ticket = escalate(category=security)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.NEW, None)
    assert not ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED).exists()


def away(agent):
    assigning.set_on_duty(actor=agent, on_duty=False)


def inactive(agent):
    agent.is_active = False
    agent.save(update_fields=["is_active"])


def no_longer_staff(agent):
    agent.is_staff = False
    agent.save(update_fields=["is_staff"])


def out_of_the_agents_group(agent):
    agent.groups.clear()


@pytest.mark.parametrize("change", [away, inactive, no_longer_staff, out_of_the_agents_group])
def test_only_active_agents_on_duty_get_tickets(escalate, change):
    change(make_agent("amy"))

    ticket = escalate()

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.NEW, None)
    assert not Notification.objects.filter(kind=Notification.Kind.TICKET_ASSIGNED).exists()


def test_a_member_or_moderator_with_a_duty_row_never_gets_a_ticket(escalate, member, moderator):
    # Rows an admin could make by hand: the role decides, not the row.
    for person in (member, moderator):
        AgentStatus.objects.create(user=person, on_duty=True)

    ticket = escalate()

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.NEW, None)


def test_only_agents_go_on_duty(member, moderator):
    for person in (member, moderator):
        with pytest.raises(NotAllowed):
            assigning.set_on_duty(actor=person, on_duty=True)

    assert not AgentStatus.objects.exists()


def test_going_on_duty_and_away_keeps_the_chosen_queues(agent, security_queue):
    assigning.set_on_duty(actor=agent, on_duty=True, queues=[security_queue], now=T0)
    status = assigning.set_on_duty(actor=agent, on_duty=False, now=T0 + HOUR)

    assert (status.on_duty, status.changed_at) == (False, T0 + HOUR)
    assert list(status.queues.all()) == [security_queue]


def test_with_nobody_on_duty_a_ticket_waits_unassigned_and_is_due_first_response(escalate, agent):
    ticket = escalate(at=T0 + HOUR)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.NEW, None)
    assert ticket.sla_due_at == T0 + HOUR + 8 * HOUR
    # Going on duty later does not reach back: someone claims it from the queue.
    assigning.set_on_duty(actor=agent, on_duty=True)
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


# --- The sweep's batches ----------------------------------------------------------


def test_the_sweep_spreads_a_batch_of_tickets_evenly(ask, escalate):
    amy, bo, cy = make_agent("amy"), make_agent("bo"), make_agent("cy")
    escalate()  # Amy already has one open ticket
    threads = [ask(at=T0 + n * timedelta(minutes=1)) for n in range(10)]

    assert sweeping.sweep(now=T0 + 25 * HOUR).escalated == 10

    load = Counter(
        Ticket.objects.filter(thread__in=threads).values_list("assignee__username", flat=True)
    )
    assert load == {"amy": 3, "bo": 4, "cy": 3} or load == {"amy": 3, "bo": 3, "cy": 4}
    open_tickets = Counter(Ticket.objects.values_list("assignee__username", flat=True))
    assert sorted(open_tickets.values()) == [3, 4, 4]
    assert Ticket.objects.filter(thread__in=threads, status=Status.OPEN).count() == 10
    assert (
        TicketEvent.objects.filter(
            kind=TicketEvent.Kind.ASSIGNED, ticket__thread__in=threads
        ).count()
        == 10
    )
    for agent in (amy, bo, cy):
        assert (
            Notification.objects.filter(
                recipient=agent, kind=Notification.Kind.TICKET_ASSIGNED
            ).count()
            == open_tickets[agent.username]
        )


def test_assigning_a_batch_costs_the_same_queries_whatever_its_size(ask):
    agents = [make_agent(name, on_duty=False) for name in ("amy", "bo", "cy")]
    small, large = _new_tickets(ask, 3), _new_tickets(ask, 12)
    for agent in agents:
        assigning.set_on_duty(actor=agent, on_duty=True)

    counts = []
    for tickets in (small, large):
        with CaptureQueriesContext(connection) as queries:
            chosen = assigning.auto_assign(tickets=tickets, now=T0 + 30 * HOUR)
        assert len(chosen) == len(tickets)
        counts.append(len(queries))

    assert counts[0] == counts[1]


def _new_tickets(ask, count: int) -> list[Ticket]:
    threads = [ask(at=T0) for _ in range(count)]
    sweeping.sweep(now=T0 + 25 * HOUR)
    return list(Ticket.objects.filter(thread__in=threads, status=Status.NEW, assignee=None))


# --- Assigning by hand ------------------------------------------------------------


def test_reassigning_tells_the_new_assignee_not_the_agent_who_did_it(escalate, agent):
    bo = UserFactory(username="agent_bo", role=roles.AGENTS)
    ticket = escalate()
    assigning.claim(actor=agent, ticket=ticket, now=T0 + 2 * HOUR)

    assigning.assign(actor=agent, ticket=ticket, assignee=bo, now=T0 + 3 * HOUR)

    assert not Notification.objects.filter(recipient=agent).exists()  # not for claiming either
    [note] = Notification.objects.filter(recipient=bo)
    assert (note.kind, note.actor, note.url) == (
        Notification.Kind.TICKET_ASSIGNED,
        agent,
        ticket.get_staff_url(),
    )
    events = list(
        ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED).values_list(
            "actor__username", "detail", "created_at"
        )
    )
    assert events == [
        ("agent_amy", "agent_amy", T0 + 2 * HOUR),
        ("agent_amy", "agent_bo", T0 + 3 * HOUR),
    ]
    assert AgentStatus.objects.get(user=bo).last_assigned_at == T0 + 3 * HOUR


def test_unassigning_logs_it_and_a_second_time_is_refused(escalate, agent):
    ticket = escalate()
    assigning.claim(actor=agent, ticket=ticket, now=T0 + 2 * HOUR)

    assigning.assign(actor=agent, ticket=ticket, assignee=None, now=T0 + 3 * HOUR)

    ticket.refresh_from_db()
    assert ticket.assignee is None
    event = ticket.events.last()
    assert (event.kind, event.actor, event.created_at) == (
        TicketEvent.Kind.UNASSIGNED,
        agent,
        T0 + 3 * HOUR,
    )
    with pytest.raises(InvalidTransition, match="already unassigned"):
        assigning.assign(actor=agent, ticket=ticket, assignee=None)
    assigning.claim(actor=agent, ticket=ticket, now=T0 + 4 * HOUR)
    with pytest.raises(InvalidTransition, match="already assigned to"):
        assigning.claim(actor=agent, ticket=ticket, now=T0 + 5 * HOUR)


def test_a_reopened_ticket_whose_agent_left_goes_to_someone_on_duty(escalate, agent, member):
    ticket = escalate(at=T0 + HOUR)
    assigning.claim(actor=agent, ticket=ticket, now=T0 + HOUR)
    lifecycle.resolve(actor=agent, ticket=ticket, now=T0 + 2 * HOUR)
    inactive(agent)
    bo = make_agent("bo")

    lifecycle.asker_reopen(actor=member, ticket=ticket, now=T0 + 3 * HOUR)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.OPEN, bo)
