"""Business-time arithmetic for escalation deadlines: how much open time lies between two
instants, and when a given amount of open time will have elapsed.

A calendar (`Schedule`) names its opening hours in local wall-clock time. Each local
day's hours become UTC intervals, and all arithmetic happens on those, so a deadline is
exact across daylight-saving changes: a 24/7 calendar counts 23 hours on the
spring-forward day and 25 on the fall-back day.

Daylight saving, one rule: a wall time `w` on a local date stands for **the first
instant at which the local clock reads `w` or later**.
- A wall time the clocks skip (02:30 on the spring-forward day in New York) stands for
  the instant the clocks jump, so 01:00-03:00 that day is open for one hour and
  02:10-02:50 not at all.
- A wall time the clocks show twice (01:30 on the fall-back day in New York) stands for
  its first occurrence, so 01:00-02:00 that day is open for two hours.
This mapping never runs backwards, so each day's intervals stay ordered and disjoint in
UTC, and a range ending at 24:00 meets the next day's range starting at 00:00.

Every function takes aware datetimes (naive ones raise ValueError) and answers in UTC.
`schedule=None` means wall-clock time: always open.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60
# How long a calendar may stay closed before a deadline search gives up.
MAX_CLOSED_DAYS = 3 * 366

ONE_DAY = timedelta(days=1)
ONE_SECOND = timedelta(seconds=1)
ZERO = timedelta(0)

Ranges = tuple[tuple[int, int], ...]
WeeklyHours = Mapping[int, Sequence[tuple[int, int]]] | Sequence[Sequence[tuple[int, int]]]


@dataclass(frozen=True)
class Schedule:
    """A support calendar: opening hours per weekday in a time zone, minus holidays.

    `weekly_hours` maps a weekday (0=Monday .. 6=Sunday) to its opening ranges, each
    `(start_minute, end_minute)` counted from local midnight with
    `0 <= start < end <= 1440`; 1440 means the end of the day. A weekday left out is
    closed. Ranges must be sorted and must not overlap (they may touch). The schedule
    keeps them as a 7-tuple indexed by weekday, so `schedule.weekly_hours[0]` still
    gives Monday's ranges and the schedule is hashable.

    `holidays` are local dates closed all day. `extra_working_days` are local dates
    open with **Monday's** hours whatever their weekday, such as the weekend make-up
    working days (调休) of Chinese public holidays. A date cannot be both.

    Raises ValueError for an unknown time zone, malformed ranges, a calendar with no
    opening hours, or extra working days when Monday has no hours.
    """

    time_zone: str
    weekly_hours: WeeklyHours
    holidays: frozenset[date] = field(default=frozenset(), kw_only=True)
    extra_working_days: frozenset[date] = field(default=frozenset(), kw_only=True)
    zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        try:
            zone = ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"Unknown time zone {self.time_zone!r}.") from exc
        weekly_hours = _normalized_weekly_hours(self.weekly_hours)
        if not any(weekly_hours):
            raise ValueError("A schedule needs opening hours on at least one weekday.")
        holidays = _dates(self.holidays, "holidays")
        extra_working_days = _dates(self.extra_working_days, "extra_working_days")
        if both := holidays & extra_working_days:
            raise ValueError(
                f"Dates cannot be both holidays and extra working days: {sorted(both)}."
            )
        if extra_working_days and not weekly_hours[0]:
            raise ValueError("Extra working days open with Monday's hours, and Monday has none.")
        object.__setattr__(self, "zone", zone)
        object.__setattr__(self, "weekly_hours", weekly_hours)
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "extra_working_days", extra_working_days)
        # Hashed once: every day's intervals are cached under (schedule, date).
        object.__setattr__(
            self, "_hash", hash((self.time_zone, weekly_hours, holidays, extra_working_days))
        )

    def __hash__(self):
        return self._hash

    @classmethod
    def always_open(cls, time_zone: str = "UTC") -> "Schedule":
        """Open 24 hours a day, 7 days a week."""
        return cls(time_zone, {weekday: [(0, MINUTES_PER_DAY)] for weekday in range(7)})


def add_business_time(schedule: Schedule | None, start: datetime, duration: timedelta) -> datetime:
    """The instant at which `duration` of open time has elapsed since `start`.

    Time starts counting at `start`, or at the next opening if the calendar is closed
    then. A zero duration returns `start` itself, even when closed: nothing has to
    elapse, so the deadline is not pushed to the next opening. A deadline that uses up
    an opening range exactly is that range's closing instant.

    Raises ValueError for a naive `start`, a negative duration, or a calendar that stays
    closed for MAX_CLOSED_DAYS.
    """
    start_at = _as_utc(start, "start")
    if duration < ZERO:
        raise ValueError(f"The duration cannot be negative, got {duration}.")
    if schedule is None:
        return start_at + duration
    if duration == ZERO:
        return start_at
    remaining = duration
    for opens_at, closes_at in _open_intervals(schedule, after=start_at):
        available = closes_at - opens_at
        if remaining <= available:
            return opens_at + remaining
        remaining -= available
    raise AssertionError("unreachable: without `before`, the intervals never run out")


def business_time_between(schedule: Schedule | None, start: datetime, end: datetime) -> timedelta:
    """The open time in [start, end); zero if `end` is not after `start`."""
    start_at = _as_utc(start, "start")
    end_at = _as_utc(end, "end")
    if end_at <= start_at:
        return ZERO
    if schedule is None:
        return end_at - start_at
    total = ZERO
    for opens_at, closes_at in _open_intervals(schedule, after=start_at, before=end_at):
        total += closes_at - opens_at
    return total


def is_open(schedule: Schedule | None, instant: datetime) -> bool:
    """Whether the calendar is open at `instant` (each range includes its start, not its end)."""
    instant_at = _as_utc(instant, "instant")
    if schedule is None:
        return True
    # `before` only bounds the search, so a calendar closed for years answers False.
    intervals = _open_intervals(schedule, after=instant_at, before=instant_at + ONE_SECOND)
    first = next(intervals, None)
    return first is not None and first[0] == instant_at


def next_opening(schedule: Schedule | None, instant: datetime) -> datetime:
    """`instant` if the calendar is open then, otherwise the instant it next opens.

    Raises ValueError if the calendar stays closed for MAX_CLOSED_DAYS.
    """
    instant_at = _as_utc(instant, "instant")
    if schedule is None:
        return instant_at
    opens_at, _ = next(_open_intervals(schedule, after=instant_at))
    return opens_at


def _open_intervals(
    schedule: Schedule, *, after: datetime, before: datetime | None = None
) -> Iterator[tuple[datetime, datetime]]:
    """The calendar's open UTC intervals from `after` on, clipped to [after, before).

    Without `before` the intervals never run out; a calendar closed for MAX_CLOSED_DAYS
    in a row raises ValueError instead of searching forever.
    """
    # Earlier local days close by this day's midnight, which is never after `after`.
    day = after.astimezone(schedule.zone).date()
    closed_days = 0
    while True:
        day_starts_at, intervals = _day_intervals(schedule, day)
        if before is not None and day_starts_at >= before:
            return
        for opens_at, closes_at in intervals:
            if before is not None and opens_at >= before:
                return
            if closes_at <= after:
                continue
            yield max(opens_at, after), closes_at if before is None else min(closes_at, before)
        if intervals:
            closed_days = 0
        else:
            closed_days += 1
            if closed_days > MAX_CLOSED_DAYS:
                raise ValueError(
                    f"The calendar has no opening hours between {after:%Y-%m-%d} and {day}."
                )
        day += ONE_DAY


@lru_cache(maxsize=8192)
def _day_intervals(
    schedule: Schedule, day: date
) -> tuple[datetime, tuple[tuple[datetime, datetime], ...]]:
    """When the local `day` starts, and its open intervals, in UTC and in order."""
    if day in schedule.holidays:
        ranges = ()
    elif day in schedule.extra_working_days:
        ranges = schedule.weekly_hours[0]
    else:
        ranges = schedule.weekly_hours[day.weekday()]
    intervals = []
    for start_minute, end_minute in ranges:
        opens_at = _wall_time_to_utc(schedule.zone, day, start_minute)
        closes_at = _wall_time_to_utc(schedule.zone, day, end_minute)
        if opens_at < closes_at:  # a range inside a skipped hour is never open
            intervals.append((opens_at, closes_at))
    return _wall_time_to_utc(schedule.zone, day, 0), tuple(intervals)


def _wall_time_to_utc(zone: ZoneInfo, day: date, minute: int) -> datetime:
    """The first instant at which the clock in `zone` reads `minute` past midnight of `day`
    or later (see the module docstring)."""
    if minute == MINUTES_PER_DAY:
        day, minute = day + ONE_DAY, 0
    wall = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    # fold=0 reads a wall time with the offset in force before a transition, fold=1
    # with the one after. They differ only for wall times the clocks skip or repeat.
    offset_before = wall.utcoffset()
    offset_after = wall.replace(fold=1).utcoffset()
    if offset_before >= offset_after:
        # Normal, or shown twice: fold=0 is the first occurrence.
        return wall.astimezone(UTC)
    # Skipped: the clocks jump somewhere between these two readings of the wall time.
    still_before = (wall.replace(tzinfo=None) - offset_after).replace(tzinfo=UTC)
    already_after = (wall.replace(tzinfo=None) - offset_before).replace(tzinfo=UTC)
    while already_after - still_before > ONE_SECOND:  # tz transitions fall on whole seconds
        middle = still_before + (already_after - still_before) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(zone).utcoffset() == offset_after:
            already_after = middle
        else:
            still_before = middle
    return already_after


def _normalized_weekly_hours(weekly_hours: WeeklyHours) -> tuple[Ranges, ...]:
    """Weekly hours as a 7-tuple of range tuples, validated."""
    if isinstance(weekly_hours, Mapping):
        items = weekly_hours.items()
    elif isinstance(weekly_hours, Sequence) and len(weekly_hours) == 7:
        items = enumerate(weekly_hours)  # the stored form, as dataclasses.replace() passes it
    else:
        raise ValueError(
            "weekly_hours must map weekdays (0=Monday .. 6=Sunday) to lists of "
            f"(start_minute, end_minute) ranges, got {weekly_hours!r}."
        )
    days: list[Ranges] = [()] * 7
    for weekday, ranges in items:
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError(f"Weekdays run from 0 (Monday) to 6 (Sunday), got {weekday!r}.")
        days[weekday] = _validated_ranges(weekday, ranges)
    return tuple(days)


def _validated_ranges(weekday: int, ranges: Sequence[tuple[int, int]]) -> Ranges:
    validated = []
    previous_end = 0
    for opening_range in ranges:
        try:
            start_minute, end_minute = opening_range
        except (TypeError, ValueError):
            raise ValueError(
                f"Weekday {weekday}: a range is a (start_minute, end_minute) pair, "
                f"got {opening_range!r}."
            ) from None
        if not (isinstance(start_minute, int) and isinstance(end_minute, int)):
            raise ValueError(f"Weekday {weekday}: minutes must be integers, got {opening_range!r}.")
        if not 0 <= start_minute < end_minute <= MINUTES_PER_DAY:
            raise ValueError(
                f"Weekday {weekday}: a range needs 0 <= start < end <= {MINUTES_PER_DAY} "
                f"minutes, got {opening_range!r}."
            )
        if start_minute < previous_end:
            raise ValueError(
                f"Weekday {weekday}: ranges must be sorted and must not overlap, "
                f"got {list(ranges)!r}."
            )
        validated.append((start_minute, end_minute))
        previous_end = end_minute
    return tuple(validated)


def _dates(values: Iterable[date], name: str) -> frozenset[date]:
    dates = frozenset(values)
    # A datetime is a date, but never equal to one, so it would silently match nothing.
    if wrong := [
        value for value in dates if isinstance(value, datetime) or not isinstance(value, date)
    ]:
        raise ValueError(f"{name} must hold dates, got {wrong!r}.")
    return dates


def _as_utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value!r}.")
    return value.astimezone(UTC)
