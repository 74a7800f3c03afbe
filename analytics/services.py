"""Writing the rollups: the only writes this app makes."""

from collections.abc import Callable
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from analytics import facts, periods
from analytics.models import DailyRollup, MonthlyRollup, WeeklyRollup

# Longest range one call recomputes.
MAX_DAYS = 3 * 366
# Days collected and written together: each chunk reads every table once (a full scan of
# the posts where they have no index on time), and memory holds one chunk's tallies.
CHUNK_DAYS = 92


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

    Idempotent: the days are rebuilt CHUNK_DAYS at a time, each chunk deleted and inserted
    again in one transaction with the weeks and months they fall in (sums of their days,
    for long periods: analytics.periods), so a reader sees a day's old rows or its new
    ones, never a mix, and two runs give the same rows. A chunk costs a fixed number of
    set-based queries (analytics.facts), and memory holds one chunk's tallies. Raises
    InvalidRange.
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
    return written


def recompute_day(*, day: date) -> int:
    return _recompute(first=day, last=day)


def _recompute(*, first: date, last: date) -> int:
    tallies = facts.collect(first, last)
    now = timezone.now()
    rows = [
        DailyRollup(
            day=tally_day,
            scope=scope,
            key=key,
            counts=tally.counts,
            histograms=tally.histograms,
            computed_at=now,
        )
        for (tally_day, scope, key), tally in sorted(tallies.items())
        if first <= tally_day <= last
    ]
    with transaction.atomic():
        DailyRollup.objects.filter(day__gte=first, day__lte=last).delete()
        DailyRollup.objects.bulk_create(rows, batch_size=1_000)
        _rebuild_spans(first=first, last=last, now=now)
    return len(rows)


def _rebuild_spans(*, first: date, last: date, now) -> None:
    """Sum the daily rows of every week and month that days first..last fall in into their
    weekly and monthly rows. The caller holds the transaction that rebuilt those days."""
    for model, field, start_of, end_of in (
        (WeeklyRollup, "week", periods.monday, lambda week: week + timedelta(days=6)),
        (
            MonthlyRollup,
            "month",
            periods.month_start,
            lambda month: periods.next_month(month) - timedelta(days=1),
        ),
    ):
        first_span, last_span = start_of(first), start_of(last)
        tallies: dict[tuple[date, str, int], facts.Tally] = {}
        for day, scope, key, counts, hists in DailyRollup.objects.filter(
            day__gte=first_span, day__lte=end_of(last_span)
        ).values_list("day", "scope", "key", "counts", "histograms"):
            tally = tallies.setdefault((start_of(day), scope, key), facts.Tally())
            tally.merge(counts, hists)
        model.objects.filter(**{f"{field}__gte": first_span, f"{field}__lte": last_span}).delete()
        model.objects.bulk_create(
            (
                model(
                    **{field: span},
                    scope=scope,
                    key=key,
                    counts=tally.counts,
                    histograms=tally.histograms,
                    computed_at=now,
                )
                for (span, scope, key), tally in sorted(tallies.items())
            ),
            batch_size=1_000,
        )


def recompute_recent() -> int:
    """Yesterday and today in the rollups' time zone: what the beat task keeps fresh."""
    today = timezone.localdate(timezone.now(), facts.zone())
    return recompute_days(first=today - timedelta(days=1), last=today)
