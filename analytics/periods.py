"""Reading a period's rollup rows: its whole calendar months from MonthlyRollup, the whole
local weeks around them from WeeklyRollup, and the few edge days from DailyRollup. The
sum is the same as the daily rows' (a week or month row is the sum of its days, rebuilt
with them), for far fewer rows: a year is about 11 month rows, 4 week rows and 8 day rows
a key, not 365; at most three queries whatever the length."""

from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Q

from analytics.models import DailyRollup, MonthlyRollup, WeeklyRollup

ONE_DAY = timedelta(days=1)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def whole_weeks(first: date, last: date) -> tuple[date, date] | None:
    """The Mondays of the first and last weeks lying wholly inside first..last, or None."""
    first_week = monday(first + timedelta(days=6))  # first itself if it is a Monday
    last_week = monday(last + ONE_DAY) - timedelta(days=7)  # the week ending by last
    return (first_week, last_week) if first_week <= last_week else None


def whole_months(first: date, last: date) -> tuple[date, date] | None:
    """The first days of the first and last months lying wholly inside first..last, or None."""
    first_month = first if first.day == 1 else next_month(first)
    last_month = month_start(month_start(last + ONE_DAY) - ONE_DAY)  # the month ending by last
    return (first_month, last_month) if first_month <= last_month else None


def cover(first: date, last: date):
    """(months, weeks, days): the ranges (first, last) of months, weeks and days, by their
    first days, that together cover first..last once: months in the middle, whole weeks
    on either side of them, days at the edges."""
    months = whole_months(first, last)
    sides = (
        [(first, months[0] - ONE_DAY), (next_month(months[1]), last)] if months else [(first, last)]
    )
    weeks, days = [], []
    for side_first, side_last in sides:
        if side_first > side_last:
            continue
        found = whole_weeks(side_first, side_last)
        if found is None:
            days.append((side_first, side_last))
            continue
        weeks.append(found)
        days.append((side_first, found[0] - ONE_DAY))
        days.append((found[1] + timedelta(days=7), side_last))
    return (
        [months] if months else [],
        weeks,
        [(start, end) for start, end in days if start <= end],
    )


def rows(
    *, first: date, last: date, scope: str, key: int | None = None
) -> Iterator[tuple[int, dict, dict]]:
    """(key, counts, histograms) of every rollup row that together cover days first..last."""
    months, weeks, days = cover(first, last)
    for model, field, ranges in (
        (MonthlyRollup, "month", months),
        (WeeklyRollup, "week", weeks),
        (DailyRollup, "day", days),
    ):
        if not ranges:
            continue
        within = Q()
        for start, end in ranges:
            within |= Q(**{f"{field}__gte": start, f"{field}__lte": end})
        found = model.objects.filter(within, scope=scope)
        if key is not None:
            found = found.filter(key=key)
        yield from found.order_by().values_list("key", "counts", "histograms")
