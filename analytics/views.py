from datetime import timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from analytics import dashboard, status
from analytics.forms import PERIODS, DashboardForm, filter_choices
from analytics.models import DailyRollup
from config import times
from escalation.models import Queue
from escalation.permissions import agent_required, staff_nav_context
from forum.models import Category, Chain

Scope = DailyRollup.Scope


@require_GET
def support_status(request):
    """Public: the team's hours, holidays, open now, typical wait per queue (no personal data)."""
    now = timezone.now()
    found = status.support_status(now=now)
    queues = [
        {
            "name": queue.name,
            "calendar_name": queue.calendar_name,
            "wait": times.duration(now, now + timedelta(seconds=queue.median_seconds), depth=1)
            if queue.median_seconds is not None
            else None,
        }
        for queue in found.queues
    ]
    return render(
        request,
        "analytics/support_status.html",
        {
            "calendars": found.calendars,
            "queues": queues,
            "zone": times.zone_label(timezone.localtime(now)),
        },
    )


def _private(response):
    """Figures about named staff: never stored by a browser or a shared cache."""
    patch_cache_control(response, private=True, no_store=True)
    return response


@agent_required
@require_GET
def staff_dashboard(request):
    """/staff/analytics/: the period's measures, funnel, heatmaps, trends and agents.

    `?format=csv&table=NAME` downloads one table as CSV (UTF-8 with a BOM). Bad input
    (dates, zone, filter, table) is reported on the page, which then shows the last 30
    days of everything.
    """
    categories = list(Category.objects.order_by("position", "name"))
    queues = list(Queue.objects.order_by("name"))
    chains = list(Chain.objects.order_by("position", "name"))
    choices = filter_choices(categories=categories, queues=queues, chains=chains)
    form = DashboardForm(
        request.GET,
        choices=choices,
        today_in=lambda zone: timezone.localdate(timezone.now(), zone),
        default_zone=timezone.get_current_timezone_name(),
    )
    problems = []
    if form.is_valid():
        query = form.query()
    else:
        problems = [error for errors in form.errors.values() for error in errors]
        query = form.default_query()
    names = {
        Scope.CATEGORY: {c.pk: c.localized_name for c in categories},
        Scope.QUEUE: {0: _("No queue"), **{q.pk: q.name for q in queues}},
        Scope.CHAIN: {0: _("No chain"), **{c.pk: c.name for c in chains}},
    }
    found = dashboard.load_dashboard(
        viewer=request.user,
        query=query,
        names=names,
        today=timezone.localdate(timezone.now(), query.tz),
    )
    if request.GET.get("format") == "csv":
        table = found.table(request.GET.get("table", ""))
        if table is None:
            problems.append(_("There is no table by that name to download."))
        else:
            response = HttpResponse(table.csv(), content_type="text/csv; charset=utf-8")
            filename = f"handoff-{table.name}-{query.first}-{query.last}.csv"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return _private(response)
    elif request.GET.get("format"):
        raise Http404
    selected = request.GET.get("filter", "") if not problems else ""
    context = {
        "dashboard": found,
        "query": query,
        "problems": problems,
        "periods": PERIODS,
        "choices": choices,
        "selected_filter": selected,
        "export_query": _export_query(request, problems),
        **staff_nav_context(request.user),
    }
    return _private(render(request, "analytics/dashboard.html", context))


def _export_query(request, problems) -> str:
    """The current query string without format/table, for the CSV links."""
    if problems:
        return ""
    params = request.GET.copy()
    for name in ("format", "table"):
        params.pop(name, None)
    return params.urlencode()
