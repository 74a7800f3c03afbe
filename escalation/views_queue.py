"""The agents' queue: /staff/tickets/ (filters, counts, search, sort, bulk actions)."""

from django.http import HttpResponse

from escalation.permissions import agent_required


@agent_required
def queue(request):
    return HttpResponse("TODO")  # built by the queue work


@agent_required
def bulk_action(request):
    return HttpResponse("TODO")
