"""The measures of a period, from the rollups (any range) or straight from the raw rows
(`direct=True`: a day or less, and the tests' yardstick). Both paths merge the same
tallies (analytics.facts), so on the same data they give the same answer."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from analytics import facts, histograms, measures
from analytics.models import DailyRollup

Scope = DailyRollup.Scope
# The raw rows are read directly for ranges up to this long; longer ones need rollups.
DIRECT_MAX_DAYS = 1


@dataclass
class Measures:
    """Totals of one scope (one key, or all keys together) over a period."""

    counts: dict[str, int] = field(default_factory=dict)
    histograms: dict[str, dict[str, int]] = field(default_factory=dict)
    # [timestamp, rating id] of the newest commented ratings, newest first.
    recent_comments: list[list[int]] = field(default_factory=list)

    @property
    def tally(self) -> facts.Tally:
        """A tally that adds into these measures (it shares their dicts)."""
        return facts.Tally(self.counts, self.histograms, self.recent_comments)

    def __getitem__(self, measure: str) -> int:
        return self.counts.get(measure, 0)

    def median(self, measure: str) -> float | None:
        return histograms.percentile(self.histograms.get(measure, {}), 0.5)

    def p90(self, measure: str) -> float | None:
        return histograms.percentile(self.histograms.get(measure, {}), 0.9)

    @property
    def escalated(self) -> int:
        return sum(self[name] for name in measures.ESCALATED.values())

    @property
    def rating_average(self) -> float | None:
        return (
            self[measures.RATING_SUM] / self[measures.RATINGS] if self[measures.RATINGS] else None
        )

    @property
    def rating_distribution(self) -> dict[int, int]:
        return {score: self[name] for score, name in measures.RATING_SCORES.items()}

    def rate(self, part: str, whole: str) -> float | None:
        return self[part] / self[whole] if self[whole] else None


def period_measures(
    *, first: date, last: date, scope: str, key: int | None = None, direct: bool = False
) -> Measures:
    """The measures of local days first..last for `scope` (one `key`, or all of them)."""
    result = Measures()
    tally = result.tally
    if direct:
        if (last - first).days + 1 > DIRECT_MAX_DAYS:
            raise ValueError(f"Direct computation is for {DIRECT_MAX_DAYS} day(s) at most.")
        for (_, tally_scope, tally_key), found in facts.collect(first, last).items():
            if tally_scope == scope and key in (None, tally_key):
                tally.merge(found.counts, found.histograms, found.recent_comments)
        return result
    rows = DailyRollup.objects.filter(scope=scope, day__gte=first, day__lte=last)
    if key is not None:
        rows = rows.filter(key=key)
    for counts, hists, comments in rows.values_list("counts", "histograms", "recent_comments"):
        tally.merge(counts, hists, comments)
    return result


def measures_by_key(*, first: date, last: date, scope: str) -> dict[int, Measures]:
    """The measures of each key of `scope` over local days first..last, from the rollups."""
    found: dict[int, Measures] = {}
    for key, counts, hists, comments in DailyRollup.objects.filter(
        scope=scope, day__gte=first, day__lte=last
    ).values_list("key", "counts", "histograms", "recent_comments"):
        found.setdefault(key, Measures()).tally.merge(counts, hists, comments)
    return found


def typical_first_response_by_queue(*, today: date, days: int = 7) -> dict[int, float | None]:
    """The median first staff response (seconds) of each queue over the last `days` days
    up to yesterday, from the rollups (0: tickets in no queue)."""
    first, last = today - timedelta(days=days), today - timedelta(days=1)
    return {
        key: result.median(measures.FIRST_RESPONSE_TIME)
        for key, result in measures_by_key(first=first, last=last, scope=Scope.QUEUE).items()
    }
