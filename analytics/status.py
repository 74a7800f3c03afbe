"""The public support status (`/support/`): when the team works, whether it is open now,
upcoming holidays and make-up working days, and the typical wait per queue. Aggregates
and calendars only: nothing about any one person or request."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.utils import timezone

from analytics import selectors
from config import caching
from escalation import business_time
from escalation.models import BusinessCalendar, Holiday, Queue
from escalation.policies import schedule_of

DAYS_SHOWN = 7
HOLIDAYS_AHEAD = timedelta(days=90)
HOLIDAYS_SHOWN = 10


@dataclass(frozen=True)
class Opening:
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class CalendarStatus:
    name: str
    is_open: bool
    next_opening: datetime | None
    openings: list[Opening]  # the next DAYS_SHOWN local days' hours, aware (UTC)
    holidays: list[Holiday]  # upcoming closed days and make-up working days


@dataclass(frozen=True)
class QueueWait:
    name: str
    median_seconds: float | None
    calendar_name: str | None


@dataclass(frozen=True)
class SupportStatus:
    calendars: list[CalendarStatus]
    queues: list[QueueWait]


def support_status(*, now: datetime | None = None) -> SupportStatus:
    now = now or timezone.now()
    calendars = list(
        BusinessCalendar.objects.filter(policies__isnull=False)
        .distinct()
        .prefetch_related("opening_hours", "holidays")
        .order_by("name")
    )
    statuses = [_calendar_status(calendar, now) for calendar in calendars]
    waits = typical_first_response_waits(now=now)
    queues = [
        QueueWait(
            name=queue.name,
            median_seconds=waits.get(queue.pk),
            calendar_name=next(
                (p.calendar.name for p in queue.policies.all() if p.calendar_id), None
            ),
        )
        for queue in Queue.objects.prefetch_related("policies__calendar").order_by("name")
    ]
    return SupportStatus(calendars=[s for s in statuses if s], queues=queues)


def typical_first_response_waits(*, now: datetime | None = None) -> dict[int, float | None]:
    """The typical wait (seconds of opening hours) for a first answer from the team, per
    queue (0: tickets in no queue): the median of the last seven days from the rollups.
    What this page shows, and what an asker's waiting request shows (the template tag
    analytics.templatetags.support_status). Kept in the shared cache for TYPICAL_WAITS_TTL
    (config/caching.py), so the asker's pages pay no query for it."""
    now = now or timezone.now()
    today = timezone.localdate(now, selectors.facts.zone())
    key = caching.typical_waits_key(today)
    waits = cache.get(key)
    if waits is None:
        waits = selectors.typical_first_response_by_queue(today=today)
        cache.set(key, waits, caching.TYPICAL_WAITS_TTL)
    return waits


def _calendar_status(calendar: BusinessCalendar, now: datetime) -> CalendarStatus | None:
    schedule = schedule_of(calendar)
    if schedule is None:
        return None
    today = now.astimezone(schedule.zone).date()
    openings = []
    for offset in range(DAYS_SHOWN):
        day = today + timedelta(days=offset)
        for start, end in _ranges(schedule, day):
            opening = Opening(_wall(schedule, day, start), _wall(schedule, day, end))
            if opening.closes_at > now:
                openings.append(opening)
    is_open = business_time.is_open(schedule, now)
    try:
        upcoming = None if is_open else business_time.next_opening(schedule, now)
    except ValueError:
        upcoming = None
    holidays = [
        holiday
        for holiday in calendar.holidays.all()
        if today <= holiday.date <= today + HOLIDAYS_AHEAD
    ][:HOLIDAYS_SHOWN]
    return CalendarStatus(calendar.name, is_open, upcoming, openings, holidays)


def _ranges(schedule: business_time.Schedule, day: date):
    if day in schedule.holidays:
        return ()
    if day in schedule.extra_working_days:
        return schedule.weekly_hours[0]
    return schedule.weekly_hours[day.weekday()]


def _wall(schedule: business_time.Schedule, day: date, minute: int) -> datetime:
    if minute == business_time.MINUTES_PER_DAY:
        day, minute = day + timedelta(days=1), 0
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=schedule.zone)
