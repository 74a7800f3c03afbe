"""Who gets a new ticket: the on-duty agent of its queue with the fewest open tickets.

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

from django.db.models import Count

from accounts import roles
from escalation.models import AgentStatus, Ticket


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
