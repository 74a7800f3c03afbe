"""Asking the support team, escalating, and the asker's view of their requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from escalation import panels, services
from escalation.forms import AskStaffForm
from escalation.models import Ticket, TicketEvent
from forum import access
from forum.errors import ForumError


def _panel(request, thread, *, form=None):
    context = panels.panel_context(user=request.user, thread=thread, form=form)
    return render(request, "escalation/_thread_panel.html", context)


def _refused(request, thread, form):
    """The form's errors: in the panel for htmx, as messages on the thread page otherwise."""
    if request.htmx:
        return _panel(request, thread, form=form)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(thread)


def _hand_over(request, thread, *, service, success: str):
    """Validate the note, call `service` (ask_for_staff or escalate_thread), say how it went."""
    form = AskStaffForm(request.POST)
    if not form.is_valid():
        return _refused(request, thread, form)
    try:
        ticket = service(actor=request.user, thread=thread, note=form.cleaned_data["note"])
    except ForumError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success % {"reference": ticket.reference})
    return _panel(request, thread) if request.htmx else redirect(thread)


@require_POST
@login_required
def ask_staff(request, thread_id):
    thread = access.get_thread_for_user(request.user, thread_id)
    if request.user.pk != thread.author_id:
        raise Http404  # another member's question: nothing to see here
    return _hand_over(
        request,
        thread,
        service=services.ask_for_staff,
        success=_("The support team has your question. Your reference is %(reference)s."),
    )


@require_POST
@login_required
def escalate(request, thread_id):
    thread = access.get_thread_for_user(request.user, thread_id)
    if not (request.user.is_moderator or request.user.is_agent):
        raise Http404
    return _hand_over(
        request,
        thread,
        service=services.escalate_thread,
        success=_("Escalated to the support team as %(reference)s."),
    )


ASKER_EVENTS = (
    TicketEvent.Kind.CREATED,
    TicketEvent.Kind.REOPENED,
    TicketEvent.Kind.STATUS_CHANGED,
    TicketEvent.Kind.RESOLVED,
)


@login_required
def my_requests(request):
    tickets = (
        Ticket.objects.filter(requester=request.user)
        .select_related("thread")
        .order_by("-updated_at", "-pk")[:100]
    )
    return render(request, "escalation/my_requests.html", {"tickets": tickets})


@login_required
def my_request(request, reference):
    if "\x00" in reference:
        raise Http404  # no reference has one, and PostgreSQL refuses it in a query (a 500)
    ticket = (
        Ticket.objects.filter(reference=reference, requester=request.user)
        .select_related("thread", "thread__category")
        .first()
    )
    if ticket is None:
        raise Http404  # not theirs, or no such reference: the same answer
    # Missed SLA targets are the team's business; the asker sees what happened to the request.
    events = ticket.events.filter(kind__in=ASKER_EVENTS).order_by("created_at", "pk")
    return render(request, "escalation/my_request.html", {"ticket": ticket, "events": events})


def reopen_request(request, **kwargs):
    raise Http404  # TODO: the asker's side


def rate_request(request, **kwargs):
    raise Http404  # TODO: the asker's side


def survey_rate(request, **kwargs):
    raise Http404  # TODO: the asker's side


def survey_comment(request, **kwargs):
    raise Http404  # TODO: the asker's side
