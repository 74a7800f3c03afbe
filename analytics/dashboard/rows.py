"""The reads of rollup rows behind the dashboard's figures (see analytics.dashboard),
each added up in one pass.

The days: the site's rows (which add up every category) for a page about everything, or
the chosen category's, queue's or chain's; each is merged into its day's total, and
periods are then sums of day totals. The keys: inside the chosen period, each
category's rows (everything) or the chosen key's, for the funnel per category. The
secret guard's refusals: two sums the database adds up."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import IntegerField, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from analytics import measures
from analytics.forms import Query
from analytics.models import DailyRollup
from analytics.selectors import Measures

Scope = DailyRollup.Scope


@dataclass
class Rows:
    # A day's rows added up, hourly counts left out.
    days: dict[date, Measures] = field(default_factory=lambda: defaultdict(Measures))
    # Hourly counts of the days of the chosen period: {day: {(measure, elapsed hour): n}}.
    hourly: dict[date, dict[tuple[str, int], int]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    # Each key's rows over the chosen period.
    keys: dict[int, Measures] = field(default_factory=lambda: defaultdict(Measures))
    # Secret-guard refusals (site-wide) in the chosen period and the one before.
    refusals: tuple[int, int] = (0, 0)

    def measures(self, first: date, last: date) -> Measures:
        result = Measures()
        tally = result.tally
        for day, found in self.days.items():
            if first <= day <= last:
                tally.merge(found.counts, found.histograms, found.recent_comments)
        return result


def read_rows(query: Query, ranges) -> Rows:
    """Three queries, whatever the period: the days of `ranges` ([first, last] pairs, the
    chosen period among them), the keys of the chosen period, and the refusals."""
    days = Q()
    for first, last in ranges:
        days |= Q(day__gte=first, day__lte=last)
    everything = query.scope == Scope.CATEGORY and query.key is None
    if everything:
        daily, keyed = Q(scope=Scope.SITE), Q(scope=Scope.CATEGORY)
    else:
        daily = keyed = Q(scope=query.scope, key=query.key)
    rows = Rows()
    for day, counts, hists, comments in _values(
        DailyRollup.objects.filter(days, daily), "day", "counts", "histograms", "recent_comments"
    ):
        in_period = query.first <= day <= query.last
        plain = {}
        hourly = rows.hourly[day] if in_period else None
        for name, amount in counts.items():
            if "@h" in name:
                if hourly is not None:
                    measure, hour = measures.hour_of(name)
                    hourly[(measure, hour)] = hourly.get((measure, hour), 0) + amount
            else:
                plain[name] = amount
        rows.days[day].tally.merge(plain, hists, comments)
    for key, counts, hists in _values(
        DailyRollup.objects.filter(keyed, day__gte=query.first, day__lte=query.last),
        "key",
        "counts",
        "histograms",
    ):
        rows.keys[key].tally.merge(
            {name: amount for name, amount in counts.items() if "@h" not in name}, hists
        )
    refused = Cast(KT(f"counts__{measures.SECRET_REFUSALS}"), IntegerField())
    previous = query.previous
    found = DailyRollup.objects.filter(scope=Scope.SITE).aggregate(
        now=Sum(refused, filter=Q(day__gte=query.first, day__lte=query.last)),
        before=Sum(refused, filter=Q(day__gte=previous[0], day__lte=previous[1])),
    )
    rows.refusals = (found["now"] or 0, found["before"] or 0)
    return rows


def _values(rows, *fields):
    return rows.values_list(*fields).iterator(chunk_size=2000)
