"""Who has a ticket: agents' duty, assigning and claiming by hand, and automatic assignment.

A new ticket goes to the on-duty agent of its queue with the fewest open tickets.

Ties go to whoever has waited longest since their last ticket (never assigned first),
then to the older account. With nobody on duty a ticket waits unassigned, and the queue
shows it. Assignment reads the agents' loads once per batch and keeps count as it
hands tickets out, so a sweep that opens hundreds of tickets spreads them evenly.

Two requests opening tickets at the same instant may both see the same agent as the
least loaded: the loads then differ by one ticket more than they would have, which the
next assignments even out. No lock is taken for this; the queue never waits on it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import User
from config.bulk import BulkInsert
from escalation.models import AgentStatus, Ticket, TicketEvent, compute_sla_due_at
from escalation.permissions import require_agent
from escalation.services.locks import lock_ticket
from escalation.services.timeline import record_event, tell
from forum.errors import InvalidTransition, NotAllowed
from forum.models import Thread
from notifications.models import Notification
from notifications.services.writer import notify_each

Status = Ticket.Status


@dataclass
class _Agent:
    user_id: int
    queue_ids: frozenset[int]  # empty: every queue
    open_tickets: int
    last_assigned_at: datetime | None

    def serves(self, queue_id: int | None) -> bool:
        return not self.queue_ids or queue_id is None or queue_id in self.queue_ids

    def sort_key(self) -> tuple:
        waited_since = self.last_assigned_at.timestamp() if self.last_assigned_at else float("-inf")
        return (self.open_tickets, waited_since, self.user_id)


def on_duty_agents() -> list[_Agent]:
    """On-duty agents with their queues and their number of open tickets: three queries."""
    statuses = list(
        AgentStatus.objects.filter(roles.agents_q("user"), on_duty=True)
        .distinct()
        .prefetch_related("queues")
    )
    if not statuses:
        return []
    loads = dict(
        Ticket.objects.filter(
            assignee_id__in=[status.user_id for status in statuses], status__in=Ticket.ACTIVE
        )
        .values("assignee_id")
        .annotate(n=Count("pk"))
        .values_list("assignee_id", "n")
    )
    return [
        _Agent(
            user_id=status.user_id,
            queue_ids=frozenset(queue.pk for queue in status.queues.all()),
            open_tickets=loads.get(status.user_id, 0),
            last_assigned_at=status.last_assigned_at,
        )
        for status in statuses
    ]


def choose(tickets: list[Ticket], *, agents: list[_Agent] | None = None) -> dict[int, int]:
    """{ticket id: agent's user id} for the tickets someone on duty can take, oldest first."""
    agents = on_duty_agents() if agents is None else agents
    if not agents:
        return {}
    chosen = {}
    for ticket in sorted(tickets, key=lambda t: (t.created_at, t.pk)):
        candidates = [agent for agent in agents if agent.serves(ticket.queue_id)]
        if not candidates:
            continue
        agent = min(candidates, key=_Agent.sort_key)
        chosen[ticket.pk] = agent.user_id
        agent.open_tickets += 1
        agent.last_assigned_at = ticket.created_at
    return chosen


# --- Duty ----------------------------------------------------------------------------


def set_on_duty(*, actor: User, on_duty: bool, queues=None, now=None) -> AgentStatus:
    """An agent goes on duty or away (and, if given, chooses the queues they work)."""
    require_agent(actor)
    now = now or timezone.now()
    with transaction.atomic():
        status, _created = AgentStatus.objects.select_for_update().get_or_create(user=actor)
        status.on_duty, status.changed_at = on_duty, now
        status.save(update_fields=["on_duty", "changed_at"])
        if queues is not None:
            status.queues.set(queues)
    return status


# --- By hand ---------------------------------------------------------------------------


def assign(*, actor: User, ticket: Ticket, assignee: User | None, now=None) -> Ticket:
    """Give the ticket to an agent (a new ticket becomes open), or take it back (None)."""
    require_agent(actor)
    now = now or timezone.now()
    if assignee is not None and not assignee.is_agent:
        raise NotAllowed(_("Tickets can only be assigned to the support team."))
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if not ticket.is_active:
            raise InvalidTransition(
                _("This ticket is resolved or closed: escalate the thread to reopen it.")
            )
        new_id = assignee.pk if assignee else None
        if ticket.assignee_id == new_id:
            raise InvalidTransition(
                _("The ticket is already assigned to %(name)s.") % {"name": assignee.public_name}
                if assignee
                else _("The ticket is already unassigned.")
            )
        previous = ticket.status
        if assignee is not None and ticket.status == Status.NEW:
            ticket.status = Status.OPEN
        ticket.assignee, ticket.updated_at = assignee, now
        ticket.save(update_fields=["assignee", "status", "updated_at"])
        if assignee is None:
            record_event(
                ticket, TicketEvent.Kind.UNASSIGNED, actor=actor, now=now, previous=previous
            )
            return ticket
        record_event(
            ticket,
            TicketEvent.Kind.ASSIGNED,
            actor=actor,
            now=now,
            previous=previous,
            detail=assignee.username,
        )
        AgentStatus.objects.update_or_create(user=assignee, defaults={"last_assigned_at": now})
        tell(
            assignee.pk,
            Notification.Kind.TICKET_ASSIGNED,
            ticket,
            url=ticket.get_staff_url(),
            actor=actor,
            key=f"assigned:{ticket.pk}:{assignee.pk}:{now.isoformat()}",
            now=now,
        )
    return ticket


def claim(*, actor: User, ticket: Ticket, now=None) -> Ticket:
    return assign(actor=actor, ticket=ticket, assignee=actor, now=now)


# --- Automatic -------------------------------------------------------------------------

_ASSIGNED_EVENT_ROWS = BulkInsert(
    TicketEvent, ("ticket_id", "kind", "from_status", "to_status", "detail", "created_at")
)


def auto_assign(*, tickets: list[Ticket], now) -> dict[int, int]:
    """Assign new, unassigned tickets to on-duty agents (see choose above).

    A few statements for any number of tickets: the sweep calls this per batch. Returns
    {ticket id: agent id}. Caller holds the transaction that created the tickets.
    """
    candidates = [t for t in tickets if t.assignee_id is None and t.status == Status.NEW]
    chosen = choose(candidates)
    if not chosen:
        return {}
    by_id = {t.pk: t for t in candidates}
    by_agent: dict[int, list[int]] = {}
    for ticket_id, user_id in chosen.items():
        by_agent.setdefault(user_id, []).append(ticket_id)
        ticket = by_id[ticket_id]
        ticket.assignee_id, ticket.status = user_id, Status.OPEN
        # The status changes, so sla_due_at is written from its one rule too.
        ticket.sla_due_at = compute_sla_due_at(ticket)
    # In the agents' order: two batches assigning at once lock their rows in one order.
    for user_id, ticket_ids in sorted(by_agent.items()):
        # One UPDATE per deadline: a sweep's batch, opened at one instant, shares a few.
        by_due: dict = {}
        for ticket_id in ticket_ids:
            by_due.setdefault(by_id[ticket_id].sla_due_at, []).append(ticket_id)
        for sla_due_at, same_due in by_due.items():
            Ticket.objects.filter(pk__in=same_due, status=Status.NEW, assignee=None).update(
                assignee_id=user_id, status=Status.OPEN, updated_at=now, sla_due_at=sla_due_at
            )
        AgentStatus.objects.filter(user_id=user_id).update(last_assigned_at=now)
    names = dict(User.objects.filter(pk__in=by_agent).values_list("pk", "username"))
    _ASSIGNED_EVENT_ROWS.insert(
        [
            (tid, TicketEvent.Kind.ASSIGNED, Status.NEW, Status.OPEN, names[uid], now)
            for tid, uid in chosen.items()
        ]
    )
    titles = dict(
        Thread.objects.filter(pk__in=[by_id[tid].thread_id for tid in chosen]).values_list(
            "pk", "title"
        )
    )
    notes = []
    for tid, uid in chosen.items():
        ticket = by_id[tid]
        notes.append(
            {
                "recipient_id": uid,
                "kind": Notification.Kind.TICKET_ASSIGNED,
                "url": ticket.get_staff_url(),
                "params": {
                    "thread_title": titles.get(ticket.thread_id, ""),
                    "reference": ticket.reference,
                    "thread_id": ticket.thread_id,
                },
                "dedupe_key": f"assigned:{tid}:{uid}:{now.isoformat()}",
            }
        )
    notify_each(notes, now=now)
    return chosen
