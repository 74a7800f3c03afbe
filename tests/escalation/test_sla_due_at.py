"""sla_due_at has one rule (models.compute_sla_due_at), and every writer keeps to it.

Whatever path opens or changes a ticket (one ticket or a sweep's batch, by hand or
automatically, through save() or an UPDATE), the stored sla_due_at is what the rule
computes from the stored row.
"""

from datetime import timedelta

import pytest
from django.db import IntegrityError

from accounts import roles
from escalation.models import Priority, Queue, Ticket, compute_sla_due_at
from escalation.services import assignment, lifecycle, replies, triage
from escalation.services import sweep as sweeping
from escalation.services import tickets as opening
from tests.escalation.conftest import T0, committed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
Status = Ticket.Status


def assert_in_step(ticket: Ticket) -> Ticket:
    row = Ticket.objects.get(pk=ticket.pk)
    assert row.sla_due_at == compute_sla_due_at(row)
    return row


@pytest.fixture
def escalated(ask, moderator):
    thread = ask(at=T0)
    return committed(opening.escalate_thread, actor=moderator, thread=thread, now=T0 + HOUR)


@pytest.fixture
def security(db):
    return Queue.objects.create(name="Security", slug="security")


# --- Opening -------------------------------------------------------------------------


def test_a_ticket_the_asker_opens_keeps_to_the_rule(ask, member):
    thread = ask(at=T0)
    ticket = opening.ask_for_staff(actor=member, thread=thread, now=T0 + 3 * HOUR)
    row = assert_in_step(ticket)
    assert row.sla_due_at == T0 + 3 * HOUR + 8 * HOUR  # the first response comes first


def test_a_ticket_a_moderator_opens_keeps_to_the_rule(escalated):
    assert assert_in_step(escalated).sla_due_at == T0 + HOUR + 8 * HOUR


def test_the_sweeps_batch_writes_the_same_row_as_a_single_ticket(ask, moderator):
    swept, by_hand = ask(at=T0), ask(at=T0)
    committed(opening.escalate_thread, actor=moderator, thread=by_hand, now=T0 + 25 * HOUR)

    sweeping.sweep(now=T0 + 25 * HOUR)

    one, many = (assert_in_step(Ticket.objects.get(thread=t)) for t in (by_hand, swept))
    for name in (
        "status",
        "priority",
        "queue_id",
        "policy_id",
        "category_id",
        "created_at",
        "updated_at",
        "first_response_due_at",
        "resolution_due_at",
        "sla_due_at",
    ):
        assert getattr(one, name) == getattr(many, name), name


def test_the_sweeps_one_at_a_time_fallback_keeps_to_the_rule(ask, monkeypatch, escalated):
    threads = [ask(at=T0), ask(at=T0)]
    taken = escalated.reference
    monkeypatch.setattr(opening, "_free_references", lambda count: [taken] * count)

    result = sweeping.sweep(now=T0 + 25 * HOUR)

    assert result.escalated == 2
    for thread in threads:
        assert_in_step(Ticket.objects.get(thread=thread))


def test_a_single_ticket_draws_a_new_reference_when_its_own_is_taken(
    ask, moderator, monkeypatch, escalated
):
    draws = iter([escalated.reference, "HO-7654321"])
    monkeypatch.setattr(opening, "new_reference", lambda: next(draws))
    thread = ask(at=T0)

    ticket = committed(opening.escalate_thread, actor=moderator, thread=thread, now=T0 + HOUR)

    assert ticket.reference == "HO-7654321"
    assert not ticket._state.adding
    assert_in_step(ticket)


def test_a_thread_with_a_ticket_gets_no_second_one_through_the_writer(escalated, policy):
    ticket = opening.build_ticket(
        opening.clocks.load_facts([escalated.thread_id])[escalated.thread_id],
        opening.PolicyBook.load().for_category(escalated.thread.category_id),
        reason=Ticket.Reason.AGENT,
        note="",
        now=T0,
        reference="HO-1111111",
    )
    with pytest.raises(IntegrityError):
        opening._insert_one(ticket)


def test_a_reopened_ticket_keeps_to_the_rule(escalated, agent, moderator):
    lifecycle.resolve(actor=agent, ticket=escalated, now=T0 + 2 * HOUR)
    ticket = committed(
        opening.escalate_thread, actor=moderator, thread=escalated.thread, now=T0 + 3 * HOUR
    )
    assert ticket.escalation_count == 2
    assert assert_in_step(ticket).sla_due_at == T0 + 3 * HOUR + 8 * HOUR


# --- Changes -----------------------------------------------------------------------------


def test_automatic_assignment_keeps_to_the_rule(ask, moderator, agent):
    assignment.set_on_duty(actor=agent, on_duty=True)
    thread = ask(at=T0)

    ticket = committed(opening.escalate_thread, actor=moderator, thread=thread, now=T0 + HOUR)

    row = assert_in_step(ticket)
    assert (row.status, row.assignee_id) == (Status.OPEN, agent.pk)
    assert row.sla_due_at is not None


def test_a_sweeps_automatic_assignment_keeps_to_the_rule(ask, agent):
    assignment.set_on_duty(actor=agent, on_duty=True)
    threads = [ask(at=T0), ask(at=T0 + HOUR)]

    sweeping.sweep(now=T0 + 26 * HOUR)

    for thread in threads:
        row = assert_in_step(Ticket.objects.get(thread=thread))
        assert row.assignee_id == agent.pk


@pytest.mark.parametrize(
    "change",
    [
        "claim",
        "assign",
        "unassign",
        "priority",
        "queue",
        "no queue",
        "bulk priority",
        "bulk status",
        "bulk assign",
        "waiting",
        "waiting then open",
        "resolve",
        "resolve then reopen",
        "resolve then close",
        "asker reopens",
        "staff reply",
        "staff reply then asker reply",
        "note",
    ],
)
def test_every_change_keeps_to_the_rule(change, escalated, agent, member, security, reply):
    colleague = UserFactory(username="agent_bo", role=roles.AGENTS)
    ticket, at = escalated, T0 + 2 * HOUR
    match change:
        case "claim":
            assignment.claim(actor=agent, ticket=ticket, now=at)
        case "assign":
            assignment.assign(actor=agent, ticket=ticket, assignee=colleague, now=at)
        case "unassign":
            assignment.claim(actor=agent, ticket=ticket, now=at)
            assignment.assign(actor=agent, ticket=ticket, assignee=None, now=at + HOUR)
        case "priority":
            triage.set_priority(actor=agent, ticket=ticket, priority=Priority.URGENT, now=at)
        case "queue":
            triage.set_queue(actor=agent, ticket=ticket, queue=security, now=at)
        case "no queue":
            triage.set_queue(actor=agent, ticket=ticket, queue=security, now=at)
            triage.set_queue(actor=agent, ticket=ticket, queue=None, now=at + HOUR)
        case "bulk priority":
            triage.bulk(actor=agent, tickets=[ticket], action="priority", value=Priority.LOW)
        case "bulk status":
            triage.bulk(actor=agent, tickets=[ticket], action="status", value=Status.WAITING)
        case "bulk assign":
            triage.bulk(actor=agent, tickets=[ticket], action="assign", value=colleague)
        case "waiting":
            lifecycle.set_status(actor=agent, ticket=ticket, status=Status.WAITING, now=at)
        case "waiting then open":
            lifecycle.set_status(actor=agent, ticket=ticket, status=Status.WAITING, now=at)
            lifecycle.set_status(actor=agent, ticket=ticket, status=Status.OPEN, now=at + HOUR)
        case "resolve":
            lifecycle.resolve(actor=agent, ticket=ticket, now=at)
        case "resolve then reopen":
            lifecycle.resolve(actor=agent, ticket=ticket, now=at)
            lifecycle.set_status(actor=agent, ticket=ticket, status=Status.OPEN, now=at + HOUR)
        case "resolve then close":
            lifecycle.resolve(actor=agent, ticket=ticket, now=at)
            lifecycle.close_due_tickets(now=at + 30 * 24 * HOUR)
        case "asker reopens":
            lifecycle.resolve(actor=agent, ticket=ticket, now=at)
            lifecycle.asker_reopen(actor=member, ticket=ticket, now=at + HOUR)
        case "staff reply":
            replies.staff_reply(actor=agent, ticket=ticket, body="Try this, then.", now=at)
        case "staff reply then asker reply":
            replies.staff_reply(actor=agent, ticket=ticket, body="Try this, then.", now=at)
            reply(ticket.thread, author=member, at=at + HOUR)
        case "note":
            replies.add_note(actor=agent, ticket=ticket, body="Called them.", now=at)

    row = assert_in_step(ticket)
    if row.status in (Status.NEW, Status.OPEN):
        assert row.sla_due_at is not None
