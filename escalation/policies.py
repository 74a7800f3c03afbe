"""Which policy governs a thread, with its calendar ready for deadline arithmetic."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from escalation import business_time
from escalation.models import BusinessCalendar, EscalationPolicy


@dataclass(frozen=True)
class Rules:
    """A policy and its calendar's schedule (None: wall-clock time)."""

    policy: EscalationPolicy
    schedule: business_time.Schedule | None

    def after(self, start: datetime, duration: timedelta) -> datetime:
        """The instant `duration` of counted time after `start`."""
        return business_time.add_business_time(self.schedule, start, duration)


class PolicyBook:
    """Every policy, loaded at once (three queries): a sweep or an event reads from it."""

    def __init__(self, policies, schedules):
        self._by_category = {p.category_id: p for p in policies if p.category_id is not None}
        self._default = next((p for p in policies if p.category_id is None), None)
        self._schedules = schedules

    @classmethod
    def load(cls) -> "PolicyBook":
        policies = list(EscalationPolicy.objects.select_related("ticket_queue"))
        calendar_ids = {p.calendar_id for p in policies if p.calendar_id}
        calendars = BusinessCalendar.objects.filter(pk__in=calendar_ids).prefetch_related(
            "opening_hours", "holidays"
        )
        schedules = {calendar.pk: _schedule(calendar) for calendar in calendars}
        return cls(policies, schedules)

    def for_category(self, category_id: int) -> Rules:
        policy = self._by_category.get(category_id) or self._default or EscalationPolicy()
        return Rules(policy=policy, schedule=self._schedules.get(policy.calendar_id))


def schedule_of(calendar: BusinessCalendar) -> business_time.Schedule | None:
    """The calendar's schedule (prefetch its opening_hours and holidays); None if no hours."""
    return _schedule(calendar)


def _schedule(calendar: BusinessCalendar) -> business_time.Schedule | None:
    """The calendar's schedule from prefetched rows; None (wall clock) if it has no hours."""
    weekly: dict[int, list[tuple[int, int]]] = {day: [] for day in range(7)}
    for hours in sorted(calendar.opening_hours.all(), key=lambda h: (h.weekday, h.opens_at)):
        weekly[hours.weekday].append(hours.minutes)
    if not any(weekly.values()):
        return None
    holidays = {day.date for day in calendar.holidays.all() if not day.is_working_day}
    working = {day.date for day in calendar.holidays.all() if day.is_working_day}
    if not weekly[0]:
        working = set()  # make-up days borrow Monday's hours; without them they stay closed
    return business_time.Schedule(
        calendar.time_zone,
        weekly,
        holidays=frozenset(holidays),
        extra_working_days=frozenset(working),
    )


def rules_for(ticket) -> Rules:
    """The rules a ticket works to now: its thread's category's (a fresh PolicyBook)."""
    return PolicyBook.load().for_category(ticket.thread.category_id)
