"""Sorting a ticket out: its priority and queue, and the queue's bulk actions.

Each change takes the acting user, checks they may act, locks the ticket's row, changes
it and appends a TicketEvent naming the actor. A bulk action runs each ticket through
the same function as a single change. Refusals raise NotAllowed or InvalidTransition.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from escalation.models import Priority, Queue, Ticket, TicketEvent
from escalation.permissions import require_agent
from escalation.services.assignment import assign
from escalation.services.lifecycle import refuse_move, set_status
from escalation.services.locks import lock_ticket
from escalation.services.timeline import record_event
from forum.errors import InvalidTransition, NotAllowed

Status = Ticket.Status


def set_priority(*, actor: User, ticket: Ticket, priority, now=None) -> Ticket:
    require_agent(actor)
    now = now or timezone.now()
    try:
        priority = Priority(int(priority))
    except (TypeError, ValueError):
        raise InvalidTransition(_("Choose a priority from the list.")) from None
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.status == Status.CLOSED:
            refuse_move(ticket, ticket.status)
        if ticket.priority == priority:
            raise InvalidTransition(_("The ticket already has this priority."))
        before = ticket.priority
        ticket.priority, ticket.updated_at = priority, now
        ticket.save(update_fields=["priority", "updated_at"])
        # Codes, not labels: the timeline shows them in each reader's language.
        record_event(
            ticket,
            TicketEvent.Kind.PRIORITY_CHANGED,
            actor=actor,
            now=now,
            detail=f"{before}→{priority.value}",
        )
    return ticket


def set_queue(*, actor: User, ticket: Ticket, queue: Queue | None, now=None) -> Ticket:
    require_agent(actor)
    now = now or timezone.now()
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.status == Status.CLOSED:
            refuse_move(ticket, ticket.status)
        new_id = queue.pk if queue else None
        if ticket.queue_id == new_id:
            raise InvalidTransition(_("The ticket is already in this queue."))
        before = str(ticket.queue) if ticket.queue_id else "—"
        ticket.queue, ticket.updated_at = queue, now
        ticket.save(update_fields=["queue", "updated_at"])
        record_event(
            ticket,
            TicketEvent.Kind.QUEUE_CHANGED,
            actor=actor,
            now=now,
            detail=f"{before} → {queue or '—'}"[:200],
        )
    return ticket


# --- Bulk actions from the queue ---------------------------------------------------


def bulk(*, actor: User, tickets, action: str, value, now=None) -> tuple[int, list[str]]:
    """Apply one action to many tickets: ("assign", user|None), ("status", s), ("priority", p).

    Each ticket goes through the same function as a single change, in its own
    transaction: one that cannot move is reported and the others still do.
    Returns (how many changed, messages for those that did not).
    """
    require_agent(actor)
    changed, problems = 0, []
    for ticket in tickets:
        try:
            if action == "assign":
                assign(actor=actor, ticket=ticket, assignee=value, now=now)
            elif action == "status":
                set_status(actor=actor, ticket=ticket, status=value, now=now)
            elif action == "priority":
                set_priority(actor=actor, ticket=ticket, priority=value, now=now)
            else:
                raise InvalidTransition(_("Choose an action."))
        except (NotAllowed, InvalidTransition) as error:
            problems.append(f"{ticket.reference}: {error}")
        else:
            changed += 1
    return changed, problems
