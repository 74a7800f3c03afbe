"""One ticket in the staff workspace and its actions.

Every action is a POST that works both ways: htmx gets the region it changed back (with
the ticket's header and timeline swapped out of band), a plain form post is sent back to
the ticket with a message. A refusal (a form error, NotAllowed, InvalidTransition)
changes nothing and says why. The services check the actor again on every call.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.errors import HandoffError
from escalation.forms.ticket import (
    AssignForm,
    NoteForm,
    PriorityForm,
    QueueForm,
    ResolveForm,
    StaffReplyForm,
    StatusForm,
)
from escalation.models import CannedReply, Priority, Ticket
from escalation.permissions import agent_required, staff_nav_context
from escalation.selectors.ticket_page import TicketPage, get_ticket
from escalation.services import assignment, lifecycle, replies, triage
from notifications.services.rendering import absolute_url

PAGE = "escalation/staff/ticket.html"
# Beyond a bigint, the database refuses the lookup outright.
ID_MAX = 2**63 - 1


def _context(request, page: TicketPage, **forms) -> dict:
    return {
        "page": page,
        "ticket": page.ticket,
        "reply_form": forms.get("reply_form") or StaffReplyForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "resolve_form": forms.get("resolve_form") or ResolveForm(),
        **staff_nav_context(request.user),
    }


def _fresh_page(request, ticket: Ticket) -> TicketPage:
    """The page as it is after an action: the ticket read again, with what changed."""
    return TicketPage(get_ticket(ticket.reference), user=request.user)


def _form_errors(form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


# --- The page --------------------------------------------------------------------


@agent_required
@require_GET
def ticket(request, reference):
    page = TicketPage(get_ticket(reference), user=request.user)
    initial = {}
    canned = _canned_from_query(request, page.ticket)
    if canned is not None:
        initial["body"] = canned
    context = _context(request, page, reply_form=StaffReplyForm(initial=initial))
    return render(request, PAGE, context)


def _canned_from_query(request, ticket: Ticket) -> str | None:
    """?canned=<id>: the reply box starts from that canned reply (the no-JavaScript picker)."""
    raw = request.GET.get("canned", "")
    if not raw:
        return None
    reply = None
    if raw.isascii() and raw.isdigit() and int(raw) <= ID_MAX:
        reply = CannedReply.objects.filter(pk=int(raw), is_active=True).first()
    if reply is None:
        messages.warning(request, _("That canned reply is no longer available."))
        return None
    return _fill(reply, ticket)


def _fill(reply: CannedReply, ticket: Ticket) -> str:
    return replies.fill_canned_reply(
        reply, ticket, thread_url=absolute_url(ticket.thread.get_absolute_url())
    )


@agent_required
@require_GET
def canned_fill(request, reference, pk):
    """The reply box filled from a canned reply: htmx swaps the textarea with it."""
    ticket = get_ticket(reference)
    reply = CannedReply.objects.filter(pk=pk, is_active=True).first() if pk <= ID_MAX else None
    if reply is None:
        raise Http404
    if not request.htmx:
        return redirect(f"{ticket.get_staff_url()}?canned={reply.pk}#reply")
    form = StaffReplyForm(initial={"body": _fill(reply, ticket)})
    return render(request, f"{PAGE}#reply-field", {"reply_form": form})


# --- Claim, assign, status, priority, queue, resolve ------------------------------


def _change(request, reference, *, action, form=None, keep_as: str = ""):
    """The shared body of the property actions: validate `form`, call
    `action(ticket, cleaned_data)` (which returns the success message), and show the
    ticket's properties again. A refused form is kept in the page as `keep_as`, so that
    what was typed can be fixed rather than typed again."""
    ticket = get_ticket(reference)
    refused_form = {}
    if form is not None and not form.is_valid():
        for error in _form_errors(form):
            messages.error(request, error)
        refused_form = {keep_as: form} if keep_as else {}
    else:
        try:
            message = action(ticket, form.cleaned_data if form else {})
        except HandoffError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, message)
    if not request.htmx:
        return redirect(ticket.get_staff_url())
    page = _fresh_page(request, ticket)
    context = _context(request, page, **refused_form)
    # The reply box comes and goes with the ticket's being active; otherwise it is left
    # alone, with whatever the agent is typing in it.
    context["refresh_reply"] = page.ticket.is_active != ticket.is_active
    return render(request, f"{PAGE}#properties-changed", context)


@agent_required
@require_POST
def claim(request, reference):
    def action(ticket, data):
        assignment.claim(actor=request.user, ticket=ticket)
        return _("You have %(reference)s now.") % {"reference": ticket.reference}

    return _change(request, reference, action=action)


@agent_required
@require_POST
def assign(request, reference):
    def action(ticket, data):
        assignee = data["assignee"]
        assignment.assign(actor=request.user, ticket=ticket, assignee=assignee)
        if assignee is None:
            return _("%(reference)s is unassigned.") % {"reference": ticket.reference}
        return _("%(reference)s is assigned to %(name)s.") % {
            "reference": ticket.reference,
            "name": assignee.public_name,
        }

    return _change(request, reference, form=AssignForm(request.POST), action=action)


@agent_required
@require_POST
def status(request, reference):
    def action(ticket, data):
        if data["status"] == ticket.status:  # "Move" with the select left on the current status
            return _("The status stays “%(status)s”.") % {"status": ticket.get_status_display()}
        moved = lifecycle.set_status(actor=request.user, ticket=ticket, status=data["status"])
        return _("The status is now “%(status)s”.") % {"status": moved.get_status_display()}

    return _change(request, reference, form=StatusForm(request.POST), action=action)


@agent_required
@require_POST
def priority(request, reference):
    def action(ticket, data):
        triage.set_priority(actor=request.user, ticket=ticket, priority=data["priority"])
        return _("The priority is now %(priority)s.") % {
            "priority": Priority(data["priority"]).label
        }

    return _change(request, reference, form=PriorityForm(request.POST), action=action)


@agent_required
@require_POST
def queue(request, reference):
    def action(ticket, data):
        chosen = data["queue"]
        triage.set_queue(actor=request.user, ticket=ticket, queue=chosen)
        if chosen is None:
            return _("The ticket is in no queue now.")
        return _("The ticket is in the %(queue)s queue now.") % {"queue": chosen.name}

    return _change(request, reference, form=QueueForm(request.POST), action=action)


@agent_required
@require_POST
def resolve(request, reference):
    def action(ticket, data):
        lifecycle.resolve(actor=request.user, ticket=ticket, note=data["note"])
        return _("Resolved. The asker is told, and asked to rate the help.")

    form = ResolveForm(request.POST)
    return _change(request, reference, form=form, action=action, keep_as="resolve_form")


# --- Public reply and internal note -------------------------------------------------


@agent_required
@require_POST
def reply(request, reference):
    ticket = get_ticket(reference)
    form = StaffReplyForm(request.POST)
    if form.is_valid():
        try:
            post = replies.staff_reply(
                actor=request.user, ticket=ticket, body=form.cleaned_data["body"]
            )
        except HandoffError as error:  # the ticket or the thread says no, not the text
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your reply is posted in the thread."))
            if not request.htmx:
                return redirect(f"{ticket.get_staff_url()}#post-{post.pk}")
            page = _fresh_page(request, ticket)
            return render(request, f"{PAGE}#reply-posted", _context(request, page))
    page = TicketPage(ticket, user=request.user)
    if request.htmx:  # 200 with errors: htmx does not swap 4xx responses by default
        return render(request, f"{PAGE}#ticket-reply", _context(request, page, reply_form=form))
    return render(request, PAGE, _context(request, page, reply_form=form))


@agent_required
@require_POST
def note(request, reference):
    ticket = get_ticket(reference)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            replies.add_note(actor=request.user, ticket=ticket, body=form.cleaned_data["body"])
        except HandoffError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Internal note added. Only the support team sees it."))
            if not request.htmx:
                return redirect(f"{ticket.get_staff_url()}#ticket-timeline")
            page = TicketPage(ticket, user=request.user)
            return render(request, f"{PAGE}#note-added", _context(request, page))
    page = TicketPage(ticket, user=request.user)
    if request.htmx:
        return render(request, f"{PAGE}#ticket-note", _context(request, page, note_form=form))
    return render(request, PAGE, _context(request, page, note_form=form))
