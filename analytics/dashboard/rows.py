"""The reads of rollup rows behind the dashboard's figures (see analytics.dashboard).

A period's totals come from the monthly rollups of the calendar months it covers (less
the days it leaves out of a month it mostly covers) and the daily rollups of the days at
its edges, so a year costs about twelve monthly rows a key and at most ~30 daily ones. The chosen period's days are read one by one only
for their counts (the daily and weekly series, the hourly heatmap). "Everything" reads the
site's rows (which add up every category); the funnel per category reads each
category's. Each read is one or two queries, whatever the period's length."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from analytics import facts, measures
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


@dataclass(frozen=True)
class Plan:
    """How one range is read: whole months added, days added, and the days subtracted
    from a month the range covers mostly (a month less its few other days is fewer rows
    than the days it covers)."""

    first: date
    last: date
    months: list[date]
    days: list[tuple[date, date]]
    minus: list[tuple[date, date]]


def split(first: date, last: date) -> Plan:
    months, days, minus = [], [], []
    month = first.replace(day=1)
    while month <= last:
        end = next_month(month) - timedelta(days=1)
        low, high = max(first, month), min(last, end)
        covered = (high - low).days + 1
        uncovered = (end - month).days + 1 - covered
        if 1 + uncovered < covered:  # the month's row and its uncovered days
            months.append(month)
            if low > month:
                minus.append((month, low - timedelta(days=1)))
            if high < end:
                minus.append((high + timedelta(days=1), end))
        else:
            days.append((low, high))
        month = next_month(month)
    return Plan(first, last, months, days, minus)


def _days(where: Q, ranges) -> Q:
    """`where` on the days of `ranges`, written so each alternative can use the (scope,
    day) index (SQLite scans every row of the scope for `scope AND (range OR range)`).
    No ranges: date.min, which no row has, so the query still runs (a constant count)."""
    found = where & Q(day=date.min)
    for first, last in ranges:
        found |= where & Q(day__gte=first, day__lte=last)
    return found


def _within(day: date, ranges) -> bool:
    return any(first <= day <= last for first, last in ranges)


def _subtract(target: Measures, counts: dict, hists: dict) -> None:
    """Take a day's rows out of a month's total (exact: counts and histogram buckets are
    integers); what reaches zero is removed, as if it had never been counted."""
    for name, amount in counts.items():
        left = target.counts.get(name, 0) - amount
        if left:
            target.counts[name] = left
        else:
            target.counts.pop(name, None)
    for name, histogram in hists.items():
        mine = target.histograms.get(name, {})
        for bucket, amount in histogram.items():
            left = mine.get(bucket, 0) - amount
            if left:
                mine[bucket] = left
            else:
                mine.pop(bucket, None)
        if not mine:
            target.histograms.pop(name, None)


def totals(
    ranges: dict[str, tuple[date, date]], where: Q, *, by_key: bool = False
) -> dict[str, Measures] | dict[str, dict[int, Measures]]:
    """The totals of the rollups `where` selects over each labelled range, from months
    and days (two queries, see Plan); by key when `by_key`.

    A month read for part of it keeps those of its newest commented ratings that fall in
    the range: of the month's five newest, so a range ending inside a month may list
    fewer recent comments than the days would."""
    plans = {label: split(*bounds) for label, bounds in ranges.items()}
    instants = {
        label: tuple(int(t.timestamp()) for t in facts.day_bounds(plan.first, plan.last))
        for label, plan in plans.items()
    }
    found: dict = {label: defaultdict(Measures) if by_key else Measures() for label in ranges}

    def target(label, key) -> Measures:
        return found[label][key] if by_key else found[label]

    # Both queries run even when one has nothing to read (date.min matches no row): the
    # page's query count stays the same whatever the period.
    months = sorted({month for plan in plans.values() for month in plan.months}) or [date.min]
    for month, key, counts, hists, comments in MonthlyRollup.objects.filter(
        where, month__in=months
    ).values_list("month", "key", "counts", "histograms", "recent_comments"):
        for label, plan in plans.items():
            if month in plan.months:
                start, end = instants[label]
                inside = [pair for pair in comments if start <= pair[0] < end]
                target(label, key).tally.merge(counts, hists, inside)
    days = _days(where, [r for plan in plans.values() for r in (*plan.days, *plan.minus)])
    for day, key, counts, hists, comments in (
        DailyRollup.objects.filter(days)
        .values_list("day", "key", "counts", "histograms", "recent_comments")
        .iterator(chunk_size=2000)
    ):
        plain = {name: n for name, n in counts.items() if "@h" not in name}
        for label, plan in plans.items():
            if _within(day, plan.days):
                target(label, key).tally.merge(plain, hists, comments)
            elif _within(day, plan.minus):
                _subtract(target(label, key), plain, hists)
    return found


def top_helpers(first: date, last: date, *, limit: int) -> list[tuple[int, int]]:
    """(helper id, accepted answers) of the `limit` members with the most accepted answers
    in first..last, most first, added up and ranked by the database in one query.

    The ORM writes both parts (the months' rows, and the days' rows with the days a
    month is read without counted negative); only their UNION ALL, which Django cannot
    aggregate over, is put together here, so a period's thousands of helpers never
    reach Python."""
    plan = split(first, last)
    accepted = Cast(KT(f"counts__{measures.ACCEPTED_ANSWERS}"), IntegerField())
    helpers = Q(scope=Scope.HELPER)
    months = (
        MonthlyRollup.objects.filter(helpers, month__in=plan.months or [date.min])
        .order_by()
        .annotate(helper=F("key"), answers=accepted)
        .values_list("helper", "answers")
    )
    taken = _days(helpers, plan.minus)
    days = (
        DailyRollup.objects.filter(_days(helpers, [*plan.days, *plan.minus]))
        .order_by()
        .annotate(
            helper=F("key"),
            answers=Case(When(taken, then=accepted * Value(-1)), default=accepted),
        )
        .values_list("helper", "answers")
    )
    months_sql, months_params = months.query.sql_with_params()
    days_sql, days_params = days.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT parts.helper, SUM(parts.answers) AS total FROM ("
            f"SELECT * FROM ({months_sql}) AS m UNION ALL SELECT * FROM ({days_sql}) AS d"
            ") AS parts GROUP BY parts.helper HAVING SUM(parts.answers) > 0"
            " ORDER BY total DESC, parts.helper LIMIT %s",
            [*months_params, *days_params, limit],
        )
        return [(int(key), int(total)) for key, total in cursor.fetchall()]


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
