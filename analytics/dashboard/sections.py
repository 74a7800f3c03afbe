"""The dashboard's tables, each from rows already read (analytics.dashboard.rows) or from
one query of its own (the agents, the top helpers, the recent comments' text)."""

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from analytics import facts, measures, tables
from analytics.dashboard import rows as rollup_rows
from analytics.dashboard.rows import Rows
from analytics.dashboard.specs import (
    Spec,
    cell,
    change_cell,
    count_of,
    outcome_specs,
    speed_specs,
)
from analytics.forms import Query
from analytics.models import DailyRollup
from analytics.selectors import Measures
from analytics.tables import Cell, Table
from escalation.models import SatisfactionRating

Scope = DailyRollup.Scope
# Below this many in either window (questions, responses, ratings), a before/after change
# is not worth reading: it says so instead of an arrow.
MIN_SAMPLE = 30
TOP_HELPERS = 10
WEEKDAYS = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]


def measure_table(name, title, specs, current, before) -> Table:
    table = Table(
        name,
        title,
        [_("Measure"), _("This period"), _("Previous period"), _("Change")],
    )
    for spec in specs:
        now, was = spec.read(current), spec.read(before)
        table.rows.append(
            [
                Cell(spec.label, spec.name),
                cell(spec, now),
                cell(spec, was),
                change_cell(spec, now, was),
            ]
        )
    return table


# The funnel: (stage, its count, the histogram of time to reach it, the stage it follows,
# whether falling out between the two is a loss the "largest drop" looks for).
def _stages():
    return [
        ("asked", _("Asked"), count_of(measures.ASKED), None, None, False),
        (
            "community_answered",
            _("Answered by the community"),
            count_of(measures.COMMUNITY_ANSWERED),
            measures.COMMUNITY_ANSWER_TIME,
            "asked",
            True,
        ),
        (
            "solved",
            pgettext("analytics", "Solved"),
            count_of(measures.SOLVED),
            measures.SOLVE_TIME,
            "asked",
            True,
        ),
        (
            "needs_help",
            _("Needs help"),
            count_of(measures.NEEDS_HELP),
            measures.NEEDS_HELP_TIME,
            "asked",
            False,
        ),
        (
            "escalated",
            pgettext("analytics", "Escalated"),
            lambda m: m.escalated,
            measures.ESCALATION_TIME,
            "asked",
            False,
        ),
        (
            "first_response",
            _("First staff response"),
            count_of(measures.FIRST_RESPONSES),
            measures.FIRST_RESPONSE_TIME,
            "escalated",
            True,
        ),
        (
            "resolved",
            pgettext("analytics", "Resolved"),
            count_of(measures.RESOLUTIONS),
            measures.RESOLUTION_TIME,
            "first_response",
            True,
        ),
        ("rated", _("Rated"), count_of(measures.RATINGS), measures.RATING_TIME, "resolved", True),
    ]


def funnel(name: str, title: str, measured: Measures) -> Table:
    stages = _stages()
    labels = {stage[0]: stage[1] for stage in stages}
    counts = {stage[0]: stage[2](measured) for stage in stages}
    drops = {
        key: 1 - counts[key] / counts[parent]
        for key, _label, _read, _hist, parent, is_loss in stages
        if is_loss and counts[parent]
    }
    worst = max(drops, key=drops.get) if drops and max(drops.values()) > 0 else None
    table = Table(
        name,
        title,
        [
            _("Stage"),
            _("Count"),
            _("Share of the stage before"),
            _("Median time"),
            _("Counted from"),
        ],
    )
    for key, label, _read, hist, parent, _is_loss in stages:
        ratio = counts[key] / counts[parent] if parent and counts[parent] else None
        table.rows.append(
            [
                Cell(label, key),
                tables.count(counts[key]),
                Cell(
                    tables.share(ratio).text,
                    tables.share(ratio).value,
                    "is-worst" if key == worst else "",
                ),
                tables.duration(measured.median(hist) if hist else None),
                Cell(labels[parent] if parent else "—", parent or ""),
            ]
        )
    if worst:
        table.note = _("Largest drop: from “%(from)s” to “%(to)s” (%(percent)s%% fall out).") % {
            "from": labels[{s[0]: s[4] for s in stages}[worst]],
            "to": labels[worst],
            "percent": formats.number_format(round(drops[worst] * 100, 0), decimal_pos=0),
        }
    table.chart = {
        "kind": "bar",
        "horizontal": True,
        "labels": [str(label) for _key, label, *_rest in stages],
        "series": [{"name": _("Count"), "data": [counts[s[0]] for s in stages]}],
        "highlight": [s[0] for s in stages].index(worst) if worst else None,
    }
    return table


def heatmap(rows: Rows, query: Query, measure: str, name: str, title: str) -> Table:
    grid = [[0] * 24 for _day in range(7)]
    rollup_zone = facts.zone()
    for day, counted in rows.hourly.items():
        start = facts.day_start(day, rollup_zone).timestamp()
        for (name, hour), amount in counted.items():
            if name != measure:
                continue
            # The middle of the elapsed hour, in the viewer's zone.
            local = datetime.fromtimestamp(start + hour * 3600 + 1800, tz=query.tz)
            grid[local.weekday()][local.hour] += amount
    hours = [f"{hour:02d}" for hour in range(24)]
    table = Table(name, title, [_("Day"), *hours], is_long=True)
    for weekday, counts in enumerate(grid):
        table.rows.append([Cell(str(WEEKDAYS[weekday])), *(tables.count(c) for c in counts)])
    table.note = _(
        "Hours are in your time zone (%(zone)s). On the days the clocks change, the hour "
        "that repeats counts twice and the hour that is skipped counts none."
    ) % {"zone": query.tz}
    table.chart = {
        "kind": "heatmap",
        "labels": hours,
        "rows": [str(day) for day in WEEKDAYS],
        "series": [
            {
                "name": title,
                "data": [[h, d, grid[d][h]] for d in range(7) for h in range(24)],
            }
        ],
    }
    return table


def _day_series(rows: Rows, query: Query) -> dict[date, Measures]:
    series = {}
    day = query.first
    while day <= query.last:
        series[day] = rows.days.get(day) or Measures()
        day += timedelta(days=1)
    return series


SERIES = [
    ("asked", gettext_lazy("Asked"), lambda m: m[measures.ASKED]),
    ("solved", pgettext_lazy("analytics", "Solved"), lambda m: m[measures.SOLVED]),
    ("escalated", pgettext_lazy("analytics", "Escalated"), lambda m: m.escalated),
    ("resolved", pgettext_lazy("analytics", "Resolved"), lambda m: m[measures.RESOLUTIONS]),
]


def _series_table(name, title, periods: list[tuple[str, Measures]], kind: str) -> Table:
    table = Table(
        name,
        title,
        [pgettext("table column", "Date"), *(str(label) for _n, label, _r in SERIES)],
        is_long=len(periods) > 14,
    )
    for label, measured in periods:
        table.rows.append([Cell(label), *(tables.count(read(measured)) for _n, _l, read in SERIES)])
    table.chart = {
        "kind": kind,
        "labels": [label for label, _m in periods],
        "series": [
            {"name": str(label), "data": [read(m) for _l, m in periods]}
            for _n, label, read in SERIES
        ],
    }
    return table


def daily(rows: Rows, query: Query) -> Table:
    series = _day_series(rows, query)
    return _series_table(
        "daily",
        _("Day by day"),
        [(day.isoformat(), measured) for day, measured in series.items()],
        "line",
    )


def weekly(rows: Rows, query: Query) -> Table:
    weeks: dict[date, Measures] = {}
    for day, measured in _day_series(rows, query).items():
        monday = day - timedelta(days=day.weekday())
        weeks.setdefault(monday, Measures()).tally.merge(measured.counts, {}, ())
    table = _series_table(
        "weekly",
        _("Week by week"),
        [(monday.isoformat(), measured) for monday, measured in weeks.items()],
        "bar",
    )
    table.columns[0] = _("Week from")
    return table


def satisfaction(current: Measures) -> Table:
    distribution = current.rating_distribution
    total = sum(distribution.values())
    table = Table(
        "satisfaction", _("Satisfaction ratings"), [_("Rating"), _("Ratings"), _("Share")]
    )
    for score_, found in sorted(distribution.items(), reverse=True):
        table.rows.append(
            [
                Cell(_("%(score)s of 5") % {"score": score_}, score_),
                tables.count(found),
                tables.share(found / total if total else None),
            ]
        )
    table.chart = {
        "kind": "bar",
        "labels": [row[0].text for row in table.rows],
        "series": [{"name": _("Ratings"), "data": [row[1].value for row in table.rows]}],
    }
    return table


def comments(current: Measures) -> list[dict]:
    ids = [rating_id for _at, rating_id in current.recent_comments]
    found = {
        rating.pk: rating
        for rating in SatisfactionRating.objects.filter(pk__in=ids).only(
            "score", "comment", "created_at"
        )
    }
    return [
        {"score": found[pk].score, "comment": found[pk].comment, "at": found[pk].created_at}
        for pk in ids
        if pk in found and found[pk].comment.strip()
    ]


def agents(viewer, query: Query) -> Table:
    """Each agent's work in the period (not narrowed by the filter: an agent row spans
    every queue). An agent sees their own row; an admin sees everyone's."""
    agents = Q(scope=Scope.AGENT)
    if not viewer.is_superuser:
        agents &= Q(key=viewer.pk)
    by_agent = rollup_rows.totals({"current": (query.first, query.last)}, agents, by_key=True)[
        "current"
    ]
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=list(by_agent))
        .only("username", "display_name")
    }
    table = Table(
        "agents",
        _("Agents"),
        [
            _("Agent"),
            _("Tickets resolved"),
            _("First responses"),
            _("Median first response"),
            _("Median resolution"),
            _("Satisfaction"),
            _("Ratings"),
            _("Targets missed"),
        ],
    )
    for key, measured in sorted(
        by_agent.items(), key=lambda item: _user_name(users.get(item[0])).casefold()
    ):
        table.rows.append(
            [
                Cell(_user_name(users.get(key))),
                tables.count(measured[measures.RESOLUTIONS]),
                tables.count(measured[measures.FIRST_RESPONSES]),
                tables.duration(measured.median(measures.FIRST_RESPONSE_TIME)),
                tables.duration(measured.median(measures.RESOLUTION_TIME)),
                tables.score(measured.rating_average),
                tables.count(measured[measures.RATINGS]),
                tables.count(
                    measured[measures.FIRST_RESPONSE_BREACHED]
                    + measured[measures.RESOLUTION_BREACHED]
                ),
            ]
        )
    table.note = (
        _("All agents, over every queue and category.")
        if viewer.is_superuser
        else _("Your own figures, over every queue and category.")
    )
    return table


def _user_name(user) -> str:
    if user is None:
        return _("Former account")
    return user.display_name or user.username


def helpers(query: Query) -> Table:
    top = [
        {"key": key, "total": total}
        for key, total in rollup_rows.top_helpers(query.first, query.last, limit=TOP_HELPERS)
    ]
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=[row["key"] for row in top])
        .only("username", "display_name")
    }
    table = Table("helpers", _("Top helpers"), [_("Member"), _("Accepted answers")])
    for row in top:
        table.rows.append([Cell(_user_name(users.get(row["key"]))), tables.count(row["total"])])
    table.note = _("Members whose answers the askers accepted, over the whole site.")
    return table


def before_after(rows: Rows, windows) -> Table:
    before, after = rows.totals["before"], rows.totals["after"]
    days = (windows[1] - windows[0]).days + 1
    per_day = [
        Spec(
            "asked_per_day",
            _("Questions asked per day"),
            "score",
            lambda m: m[measures.ASKED] / days,
            None,
            count_of(measures.ASKED),
        ),
        Spec(
            "escalated_per_day",
            _("Escalations per day"),
            "score",
            lambda m: m.escalated / days,
            False,
            lambda m: m.escalated,
        ),
    ]
    chosen = {"community_answer_rate", "escalation_rate", "rating_average", "staff_answer_accepted"}
    specs = [
        *per_day,
        *(s for s in outcome_specs() if s.name in chosen),
        *(
            s
            for s in speed_specs()
            if s.name in {"first_response_median", "first_response_sla", "resolution_median"}
        ),
    ]
    table = Table(
        "before-after",
        _("Before and after"),
        [_("Measure"), _("Before"), _("After"), _("Change")],
    )
    for spec in specs:
        was, now = spec.read(before), spec.read(after)
        change = change_cell(spec, now, was)
        if spec.sample and min(spec.sample(before), spec.sample(after)) < MIN_SAMPLE:
            change = Cell(
                _("sample too small to say (%(change)s)") % {"change": change.text}
                if change.raw != ""
                else _("sample too small to say"),
                change.raw,
            )
        table.rows.append([Cell(spec.label, spec.name), cell(spec, was), cell(spec, now), change])
    table.note = _(
        "%(days)s days before the date against %(days)s days from it. A change is read only "
        "when each side has at least %(sample)s questions, responses or ratings behind it."
    ) % {"days": days, "sample": MIN_SAMPLE}
    return table
