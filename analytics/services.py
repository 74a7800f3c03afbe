"""Writing the rollups: the only writes this app makes."""

from collections.abc import Callable
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from analytics import facts, measures
from analytics.models import DailyRollup, MonthlyRollup

# Longest range one call recomputes; the command splits nothing, so this bounds its memory.
MAX_DAYS = 3 * 366


class InvalidRange(ValueError):
    pass


def check_range(first: date, last: date) -> None:
    """Raise InvalidRange for a reversed or enormous range."""
    if last < first:
        raise InvalidRange(f"The range ends ({last}) before it starts ({first}).")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidRange(f"The range spans more than {MAX_DAYS} days; split it.")


def recompute_days(
    *, first: date, last: date, progress: Callable[[date], None] | None = None
) -> int:
    """Rebuild the rollups of the local days first..last (inclusive); return the rows written.

    Idempotent: each day is deleted and inserted again in one transaction, so a reader
    sees a day's old rows or its new ones, never a mix, and two runs give the same rows.
    The months the days fall in are then rebuilt from their days (recompute_month).
    Raises InvalidRange.
    """
    check_range(first, last)
    written = 0
    day = first
    while day <= last:
        written += recompute_day(day=day)
        if progress:
            progress(day)
        day += timedelta(days=1)
    month = first.replace(day=1)
    while month <= last:
        recompute_month(month=month)
        month = next_month(month)
    return written


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def recompute_month(*, month: date) -> int:
    """Rebuild the monthly rollups of `month` (its first day) from its daily rollups, in
    one transaction (idempotent, as the days are); return the rows written."""
    tallies: dict[tuple[str, int], facts.Tally] = {}
    for scope, key, counts, hists, comments in (
        DailyRollup.objects.filter(day__gte=month, day__lt=next_month(month))
        .values_list("scope", "key", "counts", "histograms", "recent_comments")
        .iterator(chunk_size=2000)
    ):
        tally = tallies.setdefault((scope, key), facts.Tally())
        tally.merge(
            {name: n for name, n in counts.items() if not measures.hour_of(name)},
            hists,
            comments,
        )
    now = timezone.now()
    rows = [
        MonthlyRollup(
            month=month,
            scope=scope,
            key=key,
            counts=tally.counts,
            histograms=tally.histograms,
            recent_comments=tally.recent_comments,
            computed_at=now,
        )
        for (scope, key), tally in sorted(tallies.items())
    ]
    with transaction.atomic():
        MonthlyRollup.objects.filter(month=month).delete()
        MonthlyRollup.objects.bulk_create(rows)
    return len(rows)


def recompute_day(*, day: date) -> int:
    """Rebuild one day's rollups, not its month's: callers go through recompute_days."""
    tallies = facts.collect(day, day)
    now = timezone.now()
    rows = [
        DailyRollup(
            day=tally_day,
            scope=scope,
            key=key,
            counts=tally.counts,
            histograms=tally.histograms,
            recent_comments=tally.recent_comments,
            computed_at=now,
        )
        for (tally_day, scope, key), tally in sorted(tallies.items())
        if tally_day == day
    ]
    with transaction.atomic():
        DailyRollup.objects.filter(day=day).delete()
        DailyRollup.objects.bulk_create(rows)
    return len(rows)


def recompute_recent() -> int:
    """Yesterday and today in the rollups' time zone: what the beat task keeps fresh."""
    today = timezone.localdate(timezone.now(), facts.zone())
    return recompute_days(first=today - timedelta(days=1), last=today)
