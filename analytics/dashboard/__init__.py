"""The staff dashboard's reads (`/staff/analytics/`): every figure the page shows, from the
rollups only, in a fixed number of queries whatever the period's length.

One query reads the rollup rows of the chosen scope (every category, or one category,
queue or chain) and of the site for the period, the previous period of the same length
and the two windows around the comparison date; the agents' rows, the top helpers
(added up by the database), the names and the recent comments' text take one query each.
Everything else is arithmetic on those rows (analytics.selectors.Measures).

Days are the rollups' local days (analytics.facts.zone()); the heatmap alone is in the
viewer's own zone, from the hourly counts (an hour elapsed since the rollup day's
midnight becomes the viewer's local hour and weekday, so a day on which the clocks change
puts its extra or missing hour where it really fell).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from accounts import powers
from analytics import facts, measures, tables
from analytics.dashboard import rows as rollup_rows
from analytics.dashboard import sections
from analytics.dashboard.specs import (
    Spec,
    change_cell,
    count_of,
    outcome_specs,
    speed_specs,
    volume_specs,
)
from analytics.forms import Query
from analytics.selectors import Measures
from analytics.tables import Cell, Table
from forum.errors import NotAllowed


@dataclass
class Dashboard:
    query: Query
    zone_name: str  # the rollups' days
    viewer_zone: str
    current: Measures
    sections: list[Table]  # volume, speed, outcome
    funnel: Table
    funnels: list[Table]  # one per category (or the chosen queue or chain)
    heatmaps: list[Table]
    daily: Table
    weekly: Table
    satisfaction: Table
    comments: list[dict]
    agents: Table
    helpers: Table
    before_after: Table
    windows: tuple[date, date, date, date]

    @property
    def tables(self) -> list[Table]:
        return [
            *self.sections,
            self.funnel,
            *self.funnels,
            *self.heatmaps,
            self.daily,
            self.weekly,
            self.satisfaction,
            self.agents,
            self.helpers,
            self.before_after,
        ]

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


def windows_around(query: Query, today: date) -> tuple[date, date, date, date]:
    """(before first, before last, after first, after last): half as many days as the
    period has from the comparison date (up to today), and as many just before it. The
    default date is the period's middle, so its two halves are compared."""
    after_last = min(query.pivot + timedelta(days=max(query.days // 2, 1) - 1), today)
    length = max((after_last - query.pivot).days + 1, 1)
    return (
        query.pivot - timedelta(days=length),
        query.pivot - timedelta(days=1),
        query.pivot,
        query.pivot + timedelta(days=length - 1),
    )


def load_dashboard(*, viewer, query: Query, names: dict, today: date) -> Dashboard:
    """Every figure of the dashboard for `query`. Raises NotAllowed unless the viewer acts
    as an agent (staff role and a second factor verified in this session).

    `names`: {scope: {key: label}} of the categories, queues and chains (the view loaded
    them for the filter). Agents see their own row of the agents' table; admins see all.
    """
    if not powers.acts_as_agent(viewer):
        raise NotAllowed(_("Only the support team can see the analytics."))
    windows = windows_around(query, today)
    previous = query.previous
    rows = rollup_rows.read_rows(
        query,
        {
            "current": (query.first, query.last),
            "previous": previous,
            "before": windows[:2],
            "after": windows[2:],
        },
    )
    current = rows.totals["current"]
    before = rows.totals["previous"]

    summary = [
        sections.measure_table("volume", _("Volume"), volume_specs(), current, before),
        sections.measure_table("speed", _("Speed"), speed_specs(), current, before),
        sections.measure_table("outcome", _("Outcome"), outcome_specs(), current, before),
    ]
    # Counted for the whole site only (they have no category): after the volume's rows.
    for spec, (now, earlier) in (
        (
            Spec(
                "deflected",
                _("Deflected by self-service"),
                "count",
                count_of(measures.DEFLECTED),
                True,
            ),
            rows.deflected,
        ),
        (
            Spec(
                "secret_refusals",
                _("Posts refused for holding a secret"),
                "count",
                count_of(measures.SECRET_REFUSALS),
                False,
            ),
            rows.refusals,
        ),
    ):
        summary[0].rows.append(
            [
                Cell(spec.label, spec.name),
                tables.count(now),
                tables.count(earlier),
                change_cell(spec, now, earlier),
            ]
        )
    summary[0].note = _(
        "Deflected: questions self-service answered (a suggestion opened while asking and "
        "no question asked, or the help assistant's answer accepted). Deflections and "
        "refused posts are counted for the whole site, whatever the filter."
    )
    summary[1].note = _(
        "Staff times count only open hours where the category's business calendar applies."
    )
    by_key = rows.keys
    scope_names = names.get(query.scope, {})
    funnels = [
        sections.funnel(f"funnel-{key}", scope_names.get(key, _("None")), measured)
        for key, measured in sorted(
            by_key.items(), key=lambda item: str(scope_names.get(item[0], ""))
        )
        if (measured[measures.ASKED] or measured.escalated) and query.key is None
    ]
    agents = sections.agents(viewer, query)
    return Dashboard(
        query=query,
        zone_name=str(facts.zone()),
        viewer_zone=str(query.tz),
        current=current,
        sections=summary,
        funnel=sections.funnel("funnel", query.filter_label or _("Everything"), current),
        funnels=funnels,
        heatmaps=[
            sections.heatmap(
                rows, query, measures.ASKED, "heatmap-questions", _("Questions by hour")
            ),
            sections.heatmap(
                rows,
                query,
                measures.ESCALATIONS,
                "heatmap-escalations",
                _("Escalations by hour"),
            ),
        ],
        daily=sections.daily(rows, query),
        weekly=sections.weekly(rows, query),
        satisfaction=sections.satisfaction(current),
        comments=sections.comments(current),
        agents=agents,
        helpers=sections.helpers(query),
        before_after=sections.before_after(rows, windows),
        windows=windows,
    )
