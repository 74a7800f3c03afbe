"""The agents' queue: /staff/tickets/ (filters, counts, search, sort, bulk actions)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from config import caching
from config.redirects import safe_next_url
from escalation.forms.queue import (
    BULK_PRIORITIES,
    BULK_STATUSES,
    BulkActionForm,
    QueueFilterForm,
)
from escalation.models import Ticket
from escalation.permissions import agent_required, staff_nav_context
from escalation.selectors import queue as queue_selectors
from escalation.services import triage

# How many refusals a bulk action lists one by one; the rest are summed up.
MAX_PROBLEMS_SHOWN = 10


@agent_required
@require_GET
@never_cache  # a live list: the back button must not show a stale copy
@vary_on_headers("HX-Request")  # the same URL answers htmx with the results region only
def queue(request):
    """The queue, filtered as the URL says. htmx gets the results and counts region only.

    A history restore (the back button after htmx replaced the page) gets the whole page.
    """
    choices = queue_selectors.load_choices()
    form = QueueFilterForm(request.GET, choices=choices)
    page = queue_selectors.load_queue(
        form.view(), choices=choices, user=request.user, now=timezone.now()
    )
    attach_row_html(page.tickets)
    context = {
        "page": page,
        "notices": [*form.notices(), *page.notices],
        "bulk_statuses": BULK_STATUSES,
        "bulk_priorities": BULK_PRIORITIES,
        **staff_nav_context(request.user),
    }
    template = "escalation/staff/queue.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#queue-results"
    return render(request, template, context)


@agent_required
@require_POST
def bulk_action(request):
    """Assign, re-status or re-prioritise the ticked tickets, each through its service.

    Reports how many changed and why any did not, then goes back to the queue as it was
    filtered (the form's `next`, if it is a URL of this site).
    """
    back = safe_next_url(
        request, request.POST.get("next", ""), default=reverse("escalation:staff-queue")
    )
    form = BulkActionForm(request.POST, user=request.user, agents=queue_selectors.load_agents())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    references = form.cleaned_data["ticket"]
    found = {
        ticket.reference: ticket
        for ticket in Ticket.objects.filter(reference__in=references).select_related("thread")
    }
    tickets = [found[reference] for reference in references if reference in found]
    changed, problems = triage.bulk(
        actor=request.user,
        tickets=tickets,
        action=form.cleaned_data["action"],
        value=form.cleaned_data["value"],
    )
    problems = [
        _("%(reference)s: there is no such ticket.") % {"reference": reference}
        for reference in references
        if reference not in found
    ] + problems
    if changed:
        messages.success(
            request,
            ngettext("%(count)d ticket changed.", "%(count)d tickets changed.", changed)
            % {"count": changed},
        )
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        messages.warning(request, problem)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        hidden = len(problems) - MAX_PROBLEMS_SHOWN
        messages.warning(
            request,
            ngettext(
                "%(count)d more ticket did not change.",
                "%(count)d more tickets did not change.",
                hidden,
            )
            % {"count": hidden},
        )
    return redirect(back)


ROW_TEMPLATE = "escalation/staff/_queue_row.html"


def attach_row_html(tickets) -> None:
    """ticket.row_html for each row, from the shared cache where it is (config/caching.py).

    Fifty rows cost more to render than all the page's queries, and from one request to
    the next most rows look the same. The key is everything a row shows (its countdown
    to the unit shown, so a row changes at most once a minute): a change makes a new
    key, never a stale row.
    """
    caching.attach_html(
        tickets,
        template_name=ROW_TEMPLATE,
        attribute="row_html",
        values=_row_values,
        context_for=lambda ticket: {"ticket": ticket},
        ttl=caching.QUEUE_ROW_TTL,
    )


def _row_values(ticket) -> tuple:
    return (
        ticket.pk,
        ticket.reference,
        ticket.staff_url,
        ticket.thread.title,
        ticket.requester.username,
        ticket.requester.public_name,
        ticket.category_id,
        ticket.category_name,
        ticket.queue_name,
        ticket.reason_label,
        ticket.priority,
        ticket.priority_label,
        ticket.status,
        ticket.status_label,
        ticket.assignee.public_name if ticket.assignee_id else None,
        ticket.sla_state,
        ticket.sla_text,
        ticket.sla_due_at,
        ticket.created_at,
    )
