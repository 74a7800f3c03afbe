"""One ticket in the staff workspace, its actions, agents' duty and canned replies."""

from django.http import HttpResponse

from escalation.permissions import agent_required


@agent_required
def duty(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def canned_list(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def canned_edit(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def canned_delete(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def ticket(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def claim(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def assign(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def status(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def priority(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def queue(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def reply(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def note(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def resolve(request, **kwargs):
    return HttpResponse("TODO")


@agent_required
def canned_fill(request, **kwargs):
    return HttpResponse("TODO")
