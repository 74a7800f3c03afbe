"""Reading a period's rollup rows: its whole local weeks from WeeklyRollup, its edge days
from DailyRollup. The sum is the same as the daily rows' (a week row is the sum of its
days, rebuilt with them), for far fewer rows: a year is 52 week rows and at most 12 day
rows a key, not 365."""

from collections.abc import Iterator
from datetime import date, timedelta

from analytics.models import DailyRollup, WeeklyRollup


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def whole_weeks(first: date, last: date) -> tuple[date, date] | None:
    """The Mondays of the first and last weeks lying wholly inside first..last, or None."""
    first_week = monday(first + timedelta(days=6))  # first itself if it is a Monday
    last_week = monday(last + timedelta(days=1)) - timedelta(days=7)  # ends by last
    return (first_week, last_week) if first_week <= last_week else None


def rows(
    *, first: date, last: date, scope: str, key: int | None = None
) -> Iterator[tuple[int, dict, dict]]:
    """(key, counts, histograms) of every rollup row that together cover days first..last."""
    weeks = whole_weeks(first, last)
    days = DailyRollup.objects.filter(scope=scope)
    if key is not None:
        days = days.filter(key=key)
    if weeks is None:
        days = days.filter(day__gte=first, day__lte=last)
    else:
        first_week, last_week = weeks
        covered_to = last_week + timedelta(days=6)
        days = days.filter(day__gte=first, day__lte=last).exclude(
            day__gte=first_week, day__lte=covered_to
        )
        found = WeeklyRollup.objects.filter(scope=scope, week__gte=first_week, week__lte=last_week)
        if key is not None:
            found = found.filter(key=key)
        yield from found.values_list("key", "counts", "histograms").order_by()
    yield from days.values_list("key", "counts", "histograms").order_by()
