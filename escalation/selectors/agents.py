"""The support team: who may hold a ticket, and who is on duty with how much work."""

from django.db.models import Count

from accounts import roles
from accounts.models import User
from escalation.models import Ticket


def agents():
    """Everyone who may hold a ticket: active staff in the Agents group, and superusers."""
    return User.objects.filter(roles.agents_q()).distinct()


def duty_roster() -> list:
    """The team for the duty page: each with `duty` (their AgentStatus or None) and
    `open_tickets`, those on duty first, then by name."""
    team = list(
        agents()
        .select_related("agent_status")
        .prefetch_related("agent_status__queues")
        .order_by("display_name", "username")
    )
    loads = dict(
        Ticket.objects.filter(assignee__in=[person.pk for person in team], status__in=Ticket.ACTIVE)
        .values("assignee")
        .annotate(count=Count("pk"))
        .values_list("assignee", "count")
    )
    for person in team:
        person.duty = getattr(person, "agent_status", None)
        person.open_tickets = loads.get(person.pk, 0)
    team.sort(key=lambda person: not (person.duty and person.duty.on_duty))
    return team
