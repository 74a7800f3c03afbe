"""Writing the rollups: the only writes this app makes."""

from collections.abc import Callable
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from analytics import facts
from analytics.models import DailyRollup

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
    return written


def recompute_day(*, day: date) -> int:
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
