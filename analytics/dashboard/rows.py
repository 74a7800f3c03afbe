"""The one read of rollup rows behind the dashboard's figures (see analytics.dashboard)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from analytics.forms import Query
from analytics.models import DailyRollup
from analytics.selectors import Measures

Scope = DailyRollup.Scope


@dataclass
@dataclass
class Rows:
    """The rollup rows one query read, by day."""

    main: dict[date, list[tuple[int, dict, dict, list]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    site: dict[date, dict] = field(default_factory=dict)

    def measures(self, first: date, last: date) -> Measures:
        result = Measures()
        for day, found in self.main.items():
            if first <= day <= last:
                for _key, counts, hists, comments in found:
                    result.tally.merge(counts, hists, comments)
        return result

    def by_key(self, first: date, last: date) -> dict[int, Measures]:
        result: dict[int, Measures] = defaultdict(Measures)
        for day, found in self.main.items():
            if first <= day <= last:
                for key, counts, hists, comments in found:
                    result[key].tally.merge(counts, hists, comments)
        return result

    def site_count(self, measure: str, first: date, last: date) -> int:
        return sum(c.get(measure, 0) for day, c in self.site.items() if first <= day <= last)


def read_rows(query: Query, ranges) -> Rows:
    days = Q()
    for first, last in ranges:
        days |= Q(day__gte=first, day__lte=last)
    main = Q(scope=query.scope)
    if query.key is not None:
        main &= Q(key=query.key)
    rows = Rows()
    for day, scope, key, counts, hists, comments in (
        DailyRollup.objects.filter(days, main | Q(scope=Scope.SITE))
        .values_list("day", "scope", "key", "counts", "histograms", "recent_comments")
        .iterator(chunk_size=2000)
    ):
        if scope == Scope.SITE:
            rows.site[day] = counts
        else:
            rows.main[day].append((key, counts, hists, comments))
    return rows
