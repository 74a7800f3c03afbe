"""The reads of rollup rows behind the dashboard's figures (see analytics.dashboard).

A period's totals come from the monthly rollups of the calendar months it covers whole
and the daily rollups of the days at its edges, so a year costs about twelve rows a key
and never more than ~60 daily ones. The chosen period's days are read one by one only
for their counts (the daily and weekly series, the hourly heatmap). "Everything" reads the
site's rows (which add up every category); the funnel per category reads each
category's. Each read is one or two queries, whatever the period's length."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import IntegerField, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from analytics import measures
from analytics.forms import Query
from analytics.models import DailyRollup, MonthlyRollup
from analytics.selectors import Measures
from analytics.services import next_month

Scope = DailyRollup.Scope


@dataclass
class Rows:
    # The chosen period's days: their counts (hourly ones left out), every key added up.
    days: dict[date, Measures] = field(default_factory=lambda: defaultdict(Measures))
    # Their hourly counts: {day: {(measure, elapsed hour): n}}.
    hourly: dict[date, dict[tuple[str, int], int]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    # Totals by range label ("current", "previous", "before", "after").
    totals: dict[str, Measures] = field(default_factory=dict)
    # Each key's totals over the chosen period.
    keys: dict[int, Measures] = field(default_factory=dict)
    # Secret-guard refusals and self-service deflections (site-wide counts) in the chosen
    # period and the one before.
    refusals: tuple[int, int] = (0, 0)
    deflected: tuple[int, int] = (0, 0)


def split(first: date, last: date) -> tuple[list[date], list[tuple[date, date]]]:
    """The calendar months lying wholly inside first..last (their first days), and the
    day ranges around them."""
    months, edges = [], []
    month = first if first.day == 1 else next_month(first)
    if next_month(month) - timedelta(days=1) > last:
        return [], [(first, last)]
    if month > first:
        edges.append((first, month - timedelta(days=1)))
    while next_month(month) - timedelta(days=1) <= last:
        months.append(month)
        month = next_month(month)
    if month <= last:
        edges.append((month, last))
    return months, edges


def totals(
    ranges: dict[str, tuple[date, date]], where: Q, *, by_key: bool = False
) -> dict[str, Measures] | dict[str, dict[int, Measures]]:
    """The totals of the rollups `where` selects over each labelled range, from months
    and edge days (two queries); by key when `by_key`."""
    plans = {label: split(*bounds) for label, bounds in ranges.items()}
    found: dict = {label: defaultdict(Measures) if by_key else Measures() for label in ranges}

    def add(label, key, counts, hists, comments):
        target = found[label][key] if by_key else found[label]
        target.tally.merge(counts, hists, comments)

    # Both queries run even when one has nothing to read (date.min matches no row): the
    # page's query count stays the same whatever the period.
    months = sorted({month for plan in plans.values() for month in plan[0]}) or [date.min]
    for month, key, counts, hists, comments in MonthlyRollup.objects.filter(
        where, month__in=months
    ).values_list("month", "key", "counts", "histograms", "recent_comments"):
        for label, (label_months, _edges) in plans.items():
            if month in label_months:
                add(label, key, counts, hists, comments)
    days = Q(day=date.min)
    for first, last in (edge for plan in plans.values() for edge in plan[1]):
        days |= Q(day__gte=first, day__lte=last)
    for day, key, counts, hists, comments in (
        DailyRollup.objects.filter(where, days)
        .values_list("day", "key", "counts", "histograms", "recent_comments")
        .iterator(chunk_size=2000)
    ):
        plain = {name: n for name, n in counts.items() if "@h" not in name}
        for label, (_months, label_edges) in plans.items():
            if any(first <= day <= last for first, last in label_edges):
                add(label, key, plain, hists, comments)
    return found


def read_rows(query: Query, ranges: dict[str, tuple[date, date]]) -> Rows:
    """Everything the period's figures need (`ranges`: the labelled totals wanted)."""
    everything = query.scope == Scope.CATEGORY and query.key is None
    if everything:
        daily, keyed = Q(scope=Scope.SITE), Q(scope=Scope.CATEGORY)
    else:
        daily = keyed = Q(scope=query.scope, key=query.key)
    rows = Rows(totals=totals(ranges, daily))
    rows.keys = dict(totals({"current": (query.first, query.last)}, keyed, by_key=True)["current"])
    for day, counts in DailyRollup.objects.filter(
        daily, day__gte=query.first, day__lte=query.last
    ).values_list("day", "counts"):
        plain = rows.days[day].counts
        hourly = rows.hourly[day]
        for name, amount in counts.items():
            if "@h" in name:
                measure, hour = measures.hour_of(name)
                hourly[(measure, hour)] = hourly.get((measure, hour), 0) + amount
            else:
                plain[name] = plain.get(name, 0) + amount
    previous = query.previous
    site_wide = {}
    for measure in (measures.SECRET_REFUSALS, measures.DEFLECTED):
        counted = Cast(KT(f"counts__{measure}"), IntegerField())
        site_wide[f"{measure}_now"] = Sum(
            counted, filter=Q(day__gte=query.first, day__lte=query.last)
        )
        site_wide[f"{measure}_before"] = Sum(
            counted, filter=Q(day__gte=previous[0], day__lte=previous[1])
        )
    found = DailyRollup.objects.filter(scope=Scope.SITE).aggregate(**site_wide)
    rows.refusals, rows.deflected = (
        (found[f"{measure}_now"] or 0, found[f"{measure}_before"] or 0)
        for measure in (measures.SECRET_REFUSALS, measures.DEFLECTED)
    )
    return rows
