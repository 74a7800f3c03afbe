"""One ticket in the staff workspace, its actions, agents' duty and canned replies.

Every action is a POST that works both ways: htmx gets the region it changed back (with
the ticket's header and timeline swapped out of band), a plain form post is sent back to
the ticket with a message. A refusal (a form error, NotAllowed, InvalidTransition)
changes nothing and says why. The workflow checks the actor again on every call.
"""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import HandoffError
from config.redirects import safe_next_url
from escalation import workflow
from escalation.models import AgentStatus, CannedReply, Priority, Ticket
from escalation.permissions import agent_required, staff_nav_context
from escalation.staff_forms import (
    AssignForm,
    CannedReplyForm,
    DutyForm,
    NoteForm,
    PriorityForm,
    QueueForm,
    ResolveForm,
    StaffReplyForm,
    StatusForm,
    agents,
)
from escalation.ticket_page import TicketPage, get_ticket
from notifications.services import absolute_url

PAGE = "escalation/staff/ticket.html"
_ID_MAX = 2**63 - 1  # beyond a bigint, the database refuses the lookup outright


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
    if raw.isascii() and raw.isdigit() and int(raw) <= _ID_MAX:
        reply = CannedReply.objects.filter(pk=int(raw), is_active=True).first()
    if reply is None:
        messages.warning(request, _("That canned reply is no longer available."))
        return None
    return _fill(reply, ticket)


def _fill(reply: CannedReply, ticket: Ticket) -> str:
    return workflow.fill_canned_reply(
        reply, ticket, thread_url=absolute_url(ticket.thread.get_absolute_url())
    )


@agent_required
@require_GET
def canned_fill(request, reference, pk):
    """The reply box filled from a canned reply: htmx swaps the textarea with it."""
    ticket = get_ticket(reference)
    reply = CannedReply.objects.filter(pk=pk, is_active=True).first() if pk <= _ID_MAX else None
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
        workflow.claim(actor=request.user, ticket=ticket)
        return _("You have %(reference)s now.") % {"reference": ticket.reference}

    return _change(request, reference, action=action)


@agent_required
@require_POST
def assign(request, reference):
    def action(ticket, data):
        assignee = data["assignee"]
        workflow.assign(actor=request.user, ticket=ticket, assignee=assignee)
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
        moved = workflow.set_status(actor=request.user, ticket=ticket, status=data["status"])
        return _("The status is now “%(status)s”.") % {"status": moved.get_status_display()}

    return _change(request, reference, form=StatusForm(request.POST), action=action)


@agent_required
@require_POST
def priority(request, reference):
    def action(ticket, data):
        workflow.set_priority(actor=request.user, ticket=ticket, priority=data["priority"])
        return _("The priority is now %(priority)s.") % {
            "priority": Priority(data["priority"]).label
        }

    return _change(request, reference, form=PriorityForm(request.POST), action=action)


@agent_required
@require_POST
def queue(request, reference):
    def action(ticket, data):
        chosen = data["queue"]
        workflow.set_queue(actor=request.user, ticket=ticket, queue=chosen)
        if chosen is None:
            return _("The ticket is in no queue now.")
        return _("The ticket is in the %(queue)s queue now.") % {"queue": chosen.name}

    return _change(request, reference, form=QueueForm(request.POST), action=action)


@agent_required
@require_POST
def resolve(request, reference):
    def action(ticket, data):
        workflow.resolve(actor=request.user, ticket=ticket, note=data["note"])
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
            post = workflow.staff_reply(
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
            workflow.add_note(actor=request.user, ticket=ticket, body=form.cleaned_data["body"])
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


# --- Duty ----------------------------------------------------------------------


@agent_required
@require_http_methods(["GET", "POST"])
def duty(request):
    """GET: the agent's duty and queues, and who is on duty. POST: change them.

    The nav's toggle posts on_duty (and `next`, the page to go back to); the duty
    page's form also posts the queues. With no on_duty the state flips.
    """
    status = AgentStatus.objects.filter(user=request.user).first()
    if request.method == "GET":
        return _duty_page(request, status, DutyForm(initial=_duty_initial(status)))
    form = DutyForm(request.POST)
    if not form.is_valid():
        if request.htmx:  # the nav's toggle: say why in it
            for error in _form_errors(form):
                messages.error(request, error)
            return _duty_toggle(request, status, next_url=_duty_next(request, ""))
        return _duty_page(request, status, form)
    data = form.cleaned_data
    on_duty = data["on_duty"]
    if on_duty is None:
        on_duty = not (status and status.on_duty)
    queues = data["queues"] if data["set_queues"] else None
    status = workflow.set_on_duty(actor=request.user, on_duty=on_duty, queues=queues)
    if on_duty:
        messages.success(request, _("You are on duty: new tickets in your queues come to you."))
    else:
        messages.success(request, _("You are off duty: no new tickets are assigned to you."))
    next_url = _duty_next(request, data["next"])
    if request.htmx:
        return _duty_toggle(request, status, next_url=next_url)
    return redirect(next_url or reverse("escalation:staff-duty"))


def _duty_next(request, candidate: str) -> str:
    """The page the nav's toggle goes back to, or "" (the toggle then stays put)."""
    return safe_next_url(request, candidate, default="")


def _duty_initial(status: AgentStatus | None) -> dict:
    if status is None:
        return {"queues": []}
    return {"queues": list(status.queues.values_list("pk", flat=True))}


def _duty_page(request, status, form):
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
    context = {
        "form": form,
        "status": status,
        "team": team,
        **staff_nav_context(request.user),
    }
    return render(request, "escalation/staff/duty.html", context)


def _duty_toggle(request, status, *, next_url: str):
    context = {"agent_on_duty": bool(status and status.on_duty), "duty_next": next_url}
    return render(request, "escalation/staff/_nav.html#duty-toggle", context)


# --- Canned replies ------------------------------------------------------------------


@agent_required
@require_GET
def canned_list(request):
    replies = list(CannedReply.objects.select_related("created_by").order_by("-is_active", "title"))
    context = {"replies": replies, **staff_nav_context(request.user)}
    return render(request, "escalation/staff/canned_list.html", context)


def _canned_or_404(pk) -> CannedReply:
    reply = CannedReply.objects.filter(pk=pk).first() if pk <= _ID_MAX else None
    if reply is None:
        raise Http404
    return reply


@agent_required
@require_http_methods(["GET", "POST"])
def canned_edit(request, pk=None):
    reply = _canned_or_404(pk) if pk is not None else None
    form = CannedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if reply is None:
            saved.created_by = request.user
        saved.save()
        message = _("Saved “%(title)s”.") if reply else _("Added “%(title)s”.")
        messages.success(request, message % {"title": saved.title})
        return redirect("escalation:staff-canned")
    context = {"form": form, "reply": reply, **staff_nav_context(request.user)}
    return render(request, "escalation/staff/canned_edit.html", context)


@agent_required
@require_http_methods(["GET", "POST"])
def canned_delete(request, pk):
    reply = _canned_or_404(pk)
    if request.method == "POST":
        reply.delete()
        messages.success(request, _("Deleted “%(title)s”.") % {"title": reply.title})
        return redirect("escalation:staff-canned")
    context = {"reply": reply, **staff_nav_context(request.user)}
    return render(request, "escalation/staff/canned_delete.html", context)
