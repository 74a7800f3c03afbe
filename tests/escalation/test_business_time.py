"""Business-time deadlines: exact across weekends, holidays, lunch breaks and DST changes."""

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from escalation.business_time import (
    MINUTES_PER_DAY,
    Schedule,
    add_business_time,
    business_time_between,
    is_open,
    next_opening,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
MICROSECOND = timedelta(microseconds=1)


def hours(*ranges: str) -> list[tuple[int, int]]:
    """hours("09:00-12:00", "13:00-18:00") -> [(540, 720), (780, 1080)]"""
    return [tuple(_minute(end) for end in opening_range.split("-")) for opening_range in ranges]


def _minute(clock: str) -> int:
    hour, minute = clock.split(":")
    return int(hour) * 60 + int(minute)


def weekdays(*ranges: str) -> dict[int, list[tuple[int, int]]]:
    return {weekday: hours(*ranges) for weekday in range(5)}


def local(zone: ZoneInfo, text: str, *, fold: int = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone, fold=fold)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


NATIONAL_DAY_2026 = frozenset(date(2026, 10, day) for day in range(1, 8))
MAKE_UP_SUNDAY = date(2026, 9, 27)

shanghai_office = Schedule("Asia/Shanghai", weekdays("09:00-18:00"))


# --- An office calendar without DST -------------------------------------------------


def test_friday_afternoon_deadline_lands_on_monday_morning():
    friday_4pm = local(SHANGHAI, "2026-01-09 16:00")

    deadline = add_business_time(shanghai_office, friday_4pm, 4 * HOUR)

    assert deadline == local(SHANGHAI, "2026-01-12 11:00")
    assert deadline.tzinfo is UTC


def test_deadline_using_up_the_day_exactly_is_closing_time():
    friday_4pm = local(SHANGHAI, "2026-01-09 16:00")

    assert add_business_time(shanghai_office, friday_4pm, 2 * HOUR) == local(
        SHANGHAI, "2026-01-09 18:00"
    )


def test_time_asked_on_saturday_starts_counting_on_monday_at_nine():
    saturday = local(SHANGHAI, "2026-01-10 10:30")
    monday_9am = local(SHANGHAI, "2026-01-12 09:00")

    assert add_business_time(shanghai_office, saturday, 2 * HOUR) == monday_9am + 2 * HOUR
    assert next_opening(shanghai_office, saturday) == monday_9am
    assert business_time_between(shanghai_office, saturday, monday_9am) == timedelta(0)


def test_national_day_holidays_are_skipped():
    schedule = Schedule("Asia/Shanghai", weekdays("09:00-18:00"), holidays=NATIONAL_DAY_2026)
    wednesday_5pm = local(SHANGHAI, "2026-09-30 17:00")

    deadline = add_business_time(schedule, wednesday_5pm, 2 * HOUR)

    assert deadline == local(SHANGHAI, "2026-10-08 10:00")
    assert not is_open(schedule, local(SHANGHAI, "2026-10-05 10:00"))  # a Monday


def test_make_up_sunday_counts_as_a_working_day_with_monday_hours():
    schedule = Schedule(
        "Asia/Shanghai",
        {0: hours("09:00-18:00"), 4: hours("09:00-17:00")},
        extra_working_days=frozenset({MAKE_UP_SUNDAY}),
    )
    friday_4pm = local(SHANGHAI, "2026-09-25 16:00")

    assert add_business_time(schedule, friday_4pm, 2 * HOUR) == local(SHANGHAI, "2026-09-27 10:00")
    assert is_open(schedule, local(SHANGHAI, "2026-09-27 17:30"))  # Monday's hours
    assert not is_open(schedule, local(SHANGHAI, "2026-09-20 10:00"))  # an ordinary Sunday


def test_lunch_break_does_not_count():
    schedule = Schedule("Asia/Shanghai", weekdays("09:00-12:00", "13:00-18:00"))
    monday_11am = local(SHANGHAI, "2026-01-12 11:00")

    assert add_business_time(schedule, monday_11am, 2 * HOUR) == local(SHANGHAI, "2026-01-12 14:00")
    assert not is_open(schedule, local(SHANGHAI, "2026-01-12 12:30"))
    assert business_time_between(schedule, monday_11am, local(SHANGHAI, "2026-01-12 14:00")) == (
        2 * HOUR
    )


def test_ranges_include_their_opening_minute_and_not_their_closing_minute():
    assert is_open(shanghai_office, local(SHANGHAI, "2026-01-12 09:00"))
    assert not is_open(shanghai_office, local(SHANGHAI, "2026-01-12 08:59:59.999999"))
    assert not is_open(shanghai_office, local(SHANGHAI, "2026-01-12 18:00"))


def test_zero_duration_keeps_the_start_even_when_closed():
    saturday = local(SHANGHAI, "2026-01-10 10:30")

    assert add_business_time(shanghai_office, saturday, timedelta(0)) == saturday


def test_open_instant_is_its_own_next_opening():
    monday_10am = local(SHANGHAI, "2026-01-12 10:00")

    assert next_opening(shanghai_office, monday_10am) == monday_10am


def test_between_is_zero_when_end_is_not_after_start():
    monday_10am = local(SHANGHAI, "2026-01-12 10:00")

    assert business_time_between(shanghai_office, monday_10am, monday_10am) == timedelta(0)
    assert business_time_between(shanghai_office, monday_10am, monday_10am - HOUR) == timedelta(0)


# --- Daylight saving ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "length"),
    [
        (NEW_YORK, "2026-03-08", 23 * HOUR),
        (NEW_YORK, "2026-11-01", 25 * HOUR),
        (BERLIN, "2026-03-29", 23 * HOUR),
        (BERLIN, "2026-10-25", 25 * HOUR),
        (LORD_HOWE, "2026-10-04", 23.5 * HOUR),
        (LORD_HOWE, "2026-04-05", 24.5 * HOUR),
        (SHANGHAI, "2026-03-08", 24 * HOUR),
    ],
)
def test_always_open_calendar_counts_the_real_length_of_a_dst_day(zone, day, length):
    schedule = Schedule.always_open(zone.key)
    midnight = local(zone, f"{day} 00:00")
    next_midnight = local(zone, (date.fromisoformat(day) + timedelta(days=1)).isoformat())

    assert business_time_between(schedule, midnight, next_midnight) == length
    assert add_business_time(schedule, midnight, length) == next_midnight


@pytest.mark.parametrize(
    "start", [utc("2026-03-07 12:00"), utc("2026-10-31 23:30"), utc("2026-03-28 20:00")]
)
def test_always_open_calendar_agrees_with_the_wall_clock_across_dst(start):
    for zone in (NEW_YORK, BERLIN, LORD_HOWE):
        schedule = Schedule.always_open(zone.key)
        for duration in (HOUR, 24 * HOUR, 50 * HOUR + 7 * MINUTE):
            assert add_business_time(schedule, start, duration) == start + duration


@pytest.mark.parametrize(
    ("zone", "day", "opening_range", "opens_at", "closes_at"),
    [
        # Clocks skip 02:00-03:00: the range keeps its real two hours.
        (NEW_YORK, "2026-03-08", "01:00-04:00", "2026-03-08 06:00", "2026-03-08 08:00"),
        (NEW_YORK, "2026-03-08", "01:00-03:00", "2026-03-08 06:00", "2026-03-08 07:00"),
        # Opening or closing inside the skipped hour means the instant the clocks jump.
        (NEW_YORK, "2026-03-08", "02:30-04:00", "2026-03-08 07:00", "2026-03-08 08:00"),
        (NEW_YORK, "2026-03-08", "01:00-02:30", "2026-03-08 06:00", "2026-03-08 07:00"),
        (BERLIN, "2026-03-29", "01:00-04:00", "2026-03-29 00:00", "2026-03-29 02:00"),
        (BERLIN, "2026-03-29", "02:15-03:30", "2026-03-29 01:00", "2026-03-29 01:30"),
        # Lord Howe skips 02:00-02:30.
        (LORD_HOWE, "2026-10-04", "01:00-04:00", "2026-10-03 14:30", "2026-10-03 17:00"),
        # Clocks show 01:00-02:00 twice (New York), 02:00-03:00 (Berlin), 01:30-02:00 (Lord Howe).
        (NEW_YORK, "2026-11-01", "01:00-04:00", "2026-11-01 05:00", "2026-11-01 09:00"),
        (BERLIN, "2026-10-25", "01:00-04:00", "2026-10-24 23:00", "2026-10-25 03:00"),
        (LORD_HOWE, "2026-04-05", "01:00-04:00", "2026-04-04 14:00", "2026-04-04 17:30"),
        # A wall time shown twice means its first occurrence.
        (NEW_YORK, "2026-11-01", "01:30-03:00", "2026-11-01 05:30", "2026-11-01 08:00"),
        (NEW_YORK, "2026-11-01", "00:30-01:30", "2026-11-01 04:30", "2026-11-01 05:30"),
        (BERLIN, "2026-10-25", "02:30-03:30", "2026-10-25 00:30", "2026-10-25 02:30"),
    ],
)
def test_range_on_a_dst_change_day_opens_and_closes_at_exact_instants(
    zone, day, opening_range, opens_at, closes_at
):
    schedule = Schedule(zone.key, {6: hours(opening_range)})  # each change day is a Sunday
    saturday = local(zone, (date.fromisoformat(day) - timedelta(days=1)).isoformat())
    opens_at, closes_at = utc(opens_at), utc(closes_at)

    assert next_opening(schedule, saturday) == opens_at
    assert business_time_between(schedule, saturday, saturday + timedelta(days=3)) == (
        closes_at - opens_at
    )
    assert add_business_time(schedule, saturday, closes_at - opens_at) == closes_at
    assert is_open(schedule, closes_at - MICROSECOND)
    assert not is_open(schedule, closes_at)


def test_range_entirely_inside_the_skipped_hour_is_never_open():
    schedule = Schedule("America/New_York", {6: hours("02:10-02:50"), 0: hours("09:00-10:00")})
    saturday = local(NEW_YORK, "2026-03-07 12:00")

    assert next_opening(schedule, saturday) == local(NEW_YORK, "2026-03-09 09:00")


def test_second_pass_through_the_repeated_hour_is_still_open_inside_a_wider_range():
    schedule = Schedule("America/New_York", {6: hours("00:00-03:00")})

    assert is_open(schedule, local(NEW_YORK, "2026-11-01 01:30", fold=0))
    assert is_open(schedule, local(NEW_YORK, "2026-11-01 01:30", fold=1))


# --- Wall-clock time ------------------------------------------------------------------


def test_without_a_calendar_time_runs_on_the_wall_clock():
    saturday_night = local(NEW_YORK, "2026-03-07 23:00")

    deadline = add_business_time(None, saturday_night, 4 * HOUR)

    assert deadline == utc("2026-03-08 08:00")  # 04:00 EDT: only four real hours
    assert deadline.tzinfo is UTC
    assert business_time_between(None, saturday_night, deadline) == 4 * HOUR
    assert business_time_between(None, deadline, saturday_night) == timedelta(0)
    assert is_open(None, saturday_night)
    assert next_opening(None, saturday_night) == saturday_night
    assert add_business_time(None, saturday_night, timedelta(0)) == saturday_night


# --- The schedule itself --------------------------------------------------------------


def test_equal_schedules_hash_alike_whatever_form_their_hours_came_in():
    from_dict = Schedule("Asia/Shanghai", {0: [(540, 1080)], 6: []})
    from_lists = Schedule("Asia/Shanghai", {0: [[540, 1080]]})

    assert from_dict == from_lists
    assert len({from_dict, from_lists}) == 1
    assert from_dict.weekly_hours[0] == ((540, 1080),)


def test_replace_builds_a_valid_schedule():
    with_holidays = dataclasses.replace(shanghai_office, holidays=NATIONAL_DAY_2026)

    assert with_holidays.weekly_hours == shanghai_office.weekly_hours
    assert not is_open(with_holidays, local(SHANGHAI, "2026-10-07 10:00"))


def test_touching_ranges_are_allowed():
    schedule = Schedule("UTC", {0: [(540, 720), (720, 1080)]})

    assert is_open(schedule, utc("2026-01-12 12:00"))


@pytest.mark.parametrize(
    ("time_zone", "weekly_hours", "message"),
    [
        ("UTC", {}, "at least one weekday"),
        ("UTC", {0: []}, "at least one weekday"),
        ("UTC", {0: [(540, 720), (700, 1080)]}, "must not overlap"),
        ("UTC", {0: [(780, 1080), (540, 720)]}, "sorted"),
        ("UTC", {0: [(540, 540)]}, "start < end"),
        ("UTC", {0: [(600, 540)]}, "start < end"),
        ("UTC", {0: [(-1, 540)]}, "start < end"),
        ("UTC", {0: [(540, 1441)]}, "start < end"),
        ("UTC", {0: [(9.5, 18)]}, "integers"),
        ("UTC", {0: [(540,)]}, "pair"),
        ("UTC", {7: [(540, 1080)]}, "Weekdays run"),
        ("UTC", [[(540, 1080)]], "weekly_hours must map"),
        ("Mars/Olympus_Mons", {0: [(540, 1080)]}, "Unknown time zone"),
        ("../etc/passwd", {0: [(540, 1080)]}, "Unknown time zone"),
    ],
)
def test_malformed_schedule_is_refused(time_zone, weekly_hours, message):
    with pytest.raises(ValueError, match=message):
        Schedule(time_zone, weekly_hours)


def test_a_date_cannot_be_both_a_holiday_and_a_working_day():
    with pytest.raises(ValueError, match="both"):
        Schedule(
            "Asia/Shanghai",
            weekdays("09:00-18:00"),
            holidays=frozenset({MAKE_UP_SUNDAY}),
            extra_working_days=frozenset({MAKE_UP_SUNDAY}),
        )


def test_extra_working_days_need_monday_hours():
    with pytest.raises(ValueError, match="Monday"):
        Schedule("UTC", {5: hours("09:00-12:00")}, extra_working_days=frozenset({MAKE_UP_SUNDAY}))


def test_holidays_given_as_datetimes_are_refused():
    with pytest.raises(ValueError, match="dates"):
        Schedule("UTC", weekdays("09:00-18:00"), holidays=frozenset({datetime(2026, 10, 1)}))


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_business_time(shanghai_office, datetime(2026, 1, 12, 9), HOUR),
        lambda: add_business_time(None, datetime(2026, 1, 12, 9), HOUR),
        lambda: business_time_between(shanghai_office, datetime(2026, 1, 12), utc("2026-01-13")),
        lambda: business_time_between(None, utc("2026-01-12"), datetime(2026, 1, 13)),
        lambda: is_open(shanghai_office, datetime(2026, 1, 12, 9)),
        lambda: next_opening(None, datetime(2026, 1, 12, 9)),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="aware"):
        call()


@pytest.mark.parametrize("schedule", [shanghai_office, None])
def test_negative_duration_is_refused(schedule):
    with pytest.raises(ValueError, match="negative"):
        add_business_time(schedule, utc("2026-01-12 09:00"), -MICROSECOND)


def test_calendar_closed_for_years_gives_up_instead_of_searching_forever():
    closed_for_years = frozenset(date(2026, 1, 1) + timedelta(days=n) for n in range(4 * 366))
    schedule = Schedule("UTC", weekdays("09:00-18:00"), holidays=closed_for_years)
    start = utc("2026-01-01 00:00")

    with pytest.raises(ValueError, match="no opening hours"):
        add_business_time(schedule, start, HOUR)
    with pytest.raises(ValueError, match="no opening hours"):
        next_opening(schedule, start)
    # Bounded questions still have answers.
    assert not is_open(schedule, start)
    assert business_time_between(schedule, start, start + timedelta(days=30)) == timedelta(0)


# --- Properties -----------------------------------------------------------------------

PROPERTIES = settings(max_examples=75, deadline=None)
TIME_ZONES = ["Asia/Shanghai", "America/New_York", "Europe/Berlin", "UTC", "Australia/Lord_Howe"]
# Whole and half hours put range edges on DST transitions (02:00, Lord Howe's 01:30/02:30).
minutes = st.one_of(
    st.integers(0, MINUTES_PER_DAY),
    st.sampled_from(range(0, MINUTES_PER_DAY + 1, 30)),
)
day_ranges = st.lists(minutes, unique=True, max_size=6).map(
    lambda edges: list(zip(*[iter(sorted(edges))] * 2, strict=False))
)
some_dates = st.dates(date(2024, 12, 1), date(2029, 1, 31))


@st.composite
def schedules(draw):
    time_zone = draw(st.sampled_from(TIME_ZONES))
    if draw(st.booleans()) and draw(st.booleans()):
        return Schedule.always_open(time_zone)
    weekly_hours = draw(
        st.dictionaries(st.integers(0, 6), day_ranges, min_size=1).filter(
            lambda hours: any(hours.values())
        )
    )
    holidays = set(draw(st.frozensets(some_dates, max_size=12)))
    if draw(st.booleans()):  # a long break: Spring Festival, or a summer shutdown
        first = draw(some_dates)
        holidays.update(first + timedelta(days=n) for n in range(draw(st.integers(1, 60))))
    extra_working_days = frozenset()
    if weekly_hours.get(0):
        extra_working_days = draw(st.frozensets(some_dates, max_size=4)) - holidays
    return Schedule(
        time_zone,
        weekly_hours,
        holidays=frozenset(holidays),
        extra_working_days=extra_working_days,
    )


def weekly_open_time(schedule: Schedule) -> timedelta:
    return MINUTE * sum(end - start for day in schedule.weekly_hours for start, end in day)


instants = st.datetimes(datetime(2025, 1, 1), datetime(2028, 12, 31), timezones=st.just(UTC))


def durations(schedule: Schedule) -> st.SearchStrategy[timedelta]:
    """Up to 30 days, and at most about ten weeks' worth of the calendar's open time, so a
    calendar open one minute a week does not send the search centuries ahead."""
    return st.timedeltas(timedelta(0), min(timedelta(days=30), 10 * weekly_open_time(schedule)))


schedules_with_duration = schedules().flatmap(
    lambda schedule: st.tuples(st.just(schedule), durations(schedule))
)
new_york_office = Schedule("America/New_York", {6: hours("01:00-04:00"), 0: hours("09:00-17:00")})
berlin_nights = Schedule(
    "Europe/Berlin", {d: hours("00:00-02:30", "22:00-24:00") for d in range(7)}
)


@PROPERTIES
@given(case=schedules_with_duration, start=instants)
@example(case=(Schedule.always_open("America/New_York"), 3 * HOUR), start=utc("2026-03-08 06:30"))
@example(case=(new_york_office, 2 * HOUR), start=utc("2026-03-08 05:59:59.999999"))
@example(case=(new_york_office, 2 * HOUR), start=utc("2026-11-01 05:30"))
@example(case=(berlin_nights, 2 * HOUR), start=utc("2026-10-25 00:15"))
@example(case=(berlin_nights, 2 * HOUR), start=utc("2026-03-29 00:45"))
@example(case=(new_york_office, timedelta(0)), start=utc("2026-03-08 04:00"))
def test_open_time_until_the_deadline_is_exactly_the_duration(case, start):
    schedule, duration = case

    deadline = add_business_time(schedule, start, duration)

    assert deadline >= start
    assert business_time_between(schedule, start, deadline) == duration
    if duration:
        # The last moment before the deadline was open time, so the deadline is open or
        # the end of an open interval.
        assert is_open(schedule, deadline - MICROSECOND)
    else:
        assert deadline == start


@PROPERTIES
@given(
    case=schedules().flatmap(
        lambda schedule: st.tuples(st.just(schedule), durations(schedule), durations(schedule))
    ),
    start=instants,
)
@example(case=(new_york_office, HOUR, 2 * HOUR), start=utc("2026-03-08 05:30"))
def test_a_longer_duration_never_gives_an_earlier_deadline(case, start):
    schedule, *pair = case
    shorter, longer = sorted(pair)

    assert add_business_time(schedule, start, shorter) <= add_business_time(schedule, start, longer)


spans = st.lists(st.timedeltas(timedelta(0), timedelta(days=60)), min_size=2, max_size=2)


@PROPERTIES
@given(schedule=schedules(), a=instants, spans=spans)
@example(schedule=berlin_nights, a=utc("2026-10-24"), spans=[timedelta(hours=25.5), 23 * HOUR])
def test_open_time_adds_up_over_consecutive_spans(schedule, a, spans):
    b = a + spans[0]
    c = b + spans[1]

    assert business_time_between(schedule, a, b) + business_time_between(
        schedule, b, c
    ) == business_time_between(schedule, a, c)


@PROPERTIES
@given(schedule=schedules(), instant=instants)
@example(schedule=new_york_office, instant=utc("2026-03-08 07:00"))
@example(schedule=new_york_office, instant=utc("2026-03-08 08:00"))
def test_is_open_and_next_opening_agree_with_the_open_time(schedule, instant):
    opening = next_opening(schedule, instant)

    assert is_open(schedule, instant) == (opening == instant)
    assert is_open(schedule, instant) == (
        business_time_between(schedule, instant, instant + MICROSECOND) == MICROSECOND
    )
    assert is_open(schedule, opening)
    assert business_time_between(schedule, instant, opening) == timedelta(0)


@PROPERTIES
@given(time_zone=st.sampled_from(TIME_ZONES), points=st.lists(instants, min_size=2, max_size=2))
@example(time_zone="Australia/Lord_Howe", points=[utc("2026-04-04"), utc("2026-04-06")])
@example(time_zone="Europe/Berlin", points=[utc("2026-03-28"), utc("2026-03-30")])
def test_always_open_calendar_counts_every_real_moment(time_zone, points):
    start, end = sorted(points)

    assert business_time_between(Schedule.always_open(time_zone), start, end) == end - start


fixed_offset_zones = st.sampled_from(["Asia/Shanghai", "UTC", "Asia/Kolkata"])


@settings(max_examples=40, deadline=None)
@given(schedule=schedules(), time_zone=fixed_offset_zones, start=instants)
def test_open_time_matches_a_minute_by_minute_count_where_clocks_never_change(
    schedule, time_zone, start
):
    """An independent count: look at the local clock every minute for three days."""
    schedule = dataclasses.replace(schedule, time_zone=time_zone)
    zone = ZoneInfo(time_zone)
    start = start.replace(second=0, microsecond=0)
    end = start + timedelta(days=3)

    open_minutes = 0
    moment = start
    while moment < end:
        wall = moment.astimezone(zone)
        if wall.date() in schedule.extra_working_days:
            ranges = schedule.weekly_hours[0]
        elif wall.date() in schedule.holidays:
            ranges = ()
        else:
            ranges = schedule.weekly_hours[wall.weekday()]
        minute = wall.hour * 60 + wall.minute
        open_minutes += any(first <= minute < last for first, last in ranges)
        moment += MINUTE

    assert business_time_between(schedule, start, end) == open_minutes * MINUTE
