"""What every change to a ticket leaves behind: its event in the ticket's timeline, and
the people told about it.

A TicketEvent names the actor and the statuses before and after; rows are only added.
Notifications go through the notification module inside the caller's transaction.
"""

from accounts.models import User
from escalation.models import Ticket, TicketEvent
from notifications.services.writer import notify


def record_event(
    ticket: Ticket, kind: str, *, actor, now, previous: str = "", **fields
) -> TicketEvent:
    """Append an event: from `previous` (default: the status now) to the ticket's status."""
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        from_status=previous or ticket.status,
        to_status=ticket.status,
        created_at=now,
        **fields,
    )


def ticket_params(ticket: Ticket, **extra) -> dict:
    """What a notification about the ticket says of it (its thread loaded)."""
    return {
        "thread_title": ticket.thread.title,
        "reference": ticket.reference,
        "thread_id": ticket.thread_id,
        **extra,
    }


def tell(recipient_id, kind: str, ticket: Ticket, *, url: str, actor=None, key: str, now, **extra):
    """Notify one active person about the ticket; None when they are not told."""
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if recipient is None:
        return None
    return notify(
        recipient=recipient,
        kind=kind,
        url=url,
        params=ticket_params(ticket, **extra),
        actor=actor,
        dedupe_key=key,
        now=now,
    )
