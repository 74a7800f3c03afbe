"""Writing the rollups: the only writes this app makes."""

from collections.abc import Callable
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from analytics import facts, measures
from analytics.models import DailyRollup, MonthlyRollup

# Longest range one call recomputes.
MAX_DAYS = 3 * 366
# Days collected and written together. Collecting reads each raw table once for its range
# (the posts have no index on time: a scan), so a two-year rebuild makes 24 passes, not
# 731; memory holds one chunk's facts (a month of tickets and first answers).
CHUNK_DAYS = 31


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

    Idempotent: the days are collected CHUNK_DAYS at a time and each chunk's days are
    deleted and inserted again in one transaction, so a reader sees a day's old rows or
    its new ones, never a mix, and two runs give the same rows. The months the days fall
    in are then rebuilt from their days (recompute_month). Raises InvalidRange.
    """
    check_range(first, last)
    written = 0
    chunk_first = first
    while chunk_first <= last:
        chunk_last = min(last, chunk_first + timedelta(days=CHUNK_DAYS - 1))
        written += _recompute(first=chunk_first, last=chunk_last)
        if progress:
            day = chunk_first
            while day <= chunk_last:
                progress(day)
                day += timedelta(days=1)
        chunk_first = chunk_last + timedelta(days=1)
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
    return _recompute(first=day, last=day)


def _recompute(*, first: date, last: date) -> int:
    """Collect days first..last at once (facts.collect reads each table once for the
    range) and write them in one transaction."""
    tallies = facts.collect(first, last)
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
        if first <= tally_day <= last
    ]
    with transaction.atomic():
        DailyRollup.objects.filter(day__gte=first, day__lte=last).delete()
        DailyRollup.objects.bulk_create(rows, batch_size=1_000)
    return len(rows)


def recompute_recent() -> int:
    """Yesterday and today in the rollups' time zone: what the beat task keeps fresh."""
    today = timezone.localdate(timezone.now(), facts.zone())
    return recompute_days(first=today - timedelta(days=1), last=today)
