"""Deadlines of a category whose policy counts a business calendar, through the real policy:
calendar rows in the database, a question asked through the forum, clocks and tickets
written by the escalation app."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalation import business_time
from escalation.models import (
    BusinessCalendar,
    EscalationPolicy,
    Holiday,
    OpeningHours,
    ThreadClock,
    Ticket,
)
from escalation.services import sweep
from escalation.services import tickets as opening
from tests.escalation.conftest import committed
from tests.factories import CategoryFactory, ThreadFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)

WEEKDAYS = range(5)
EVERY_DAY = range(7)
NATIONAL_DAY_2026 = [date(2026, 10, day) for day in range(1, 8)]  # Thursday to Wednesday
MAKE_UP_SUNDAY = date(2026, 9, 27)


def local(zone: ZoneInfo, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def make_calendar(
    zone: str, days, opens: str, closes: str, *, holidays=(), working_days=()
) -> BusinessCalendar:
    """A calendar as an admin enters it: hours per weekday, holidays, make-up working days."""
    calendar = BusinessCalendar.objects.create(name=f"{zone} {opens}-{closes}", time_zone=zone)
    OpeningHours.objects.bulk_create(
        OpeningHours(
            calendar=calendar,
            weekday=day,
            opens_at=time.fromisoformat(opens),
            closes_at=time.fromisoformat(closes),
        )
        for day in days
    )
    Holiday.objects.bulk_create(
        [Holiday(calendar=calendar, date=day, name="国庆节") for day in holidays]
        + [
            Holiday(calendar=calendar, date=day, name="调休", is_working_day=True)
            for day in working_days
        ]
    )
    return calendar


def make_policy(category, calendar, **durations) -> EscalationPolicy:
    return EscalationPolicy.objects.create(
        category=category,
        calendar=calendar,
        needs_help_after=durations.get("needs_help_after", 4 * HOUR),
        escalate_after=durations.get("escalate_after", 16 * HOUR),
        member_can_request_after=2 * HOUR,
        first_response_target=8 * HOUR,
        resolution_target=24 * HOUR,
    )


def clock_of(thread) -> ThreadClock:
    return ThreadClock.objects.get(thread=thread)


# --- Shanghai: office hours, National Day, a make-up Sunday ---------------------------


@pytest.fixture
def shanghai_office(category):
    calendar = make_calendar(
        "Asia/Shanghai",
        WEEKDAYS,
        "09:00",
        "18:00",
        holidays=NATIONAL_DAY_2026,
        working_days=[MAKE_UP_SUNDAY],
    )
    return make_policy(category, calendar)


def test_a_friday_afternoon_question_counts_the_make_up_sunday(shanghai_office, ask):
    thread = ask(at=local(SHANGHAI, "2026-09-25 16:00"))  # Friday

    clock = clock_of(thread)

    # Friday 16:00-18:00 is 2 hours; the make-up Sunday opens with Monday's hours.
    assert clock.needs_help_at == local(SHANGHAI, "2026-09-27 11:00")
    # 2 on Friday, 9 on the make-up Sunday, 5 on Monday.
    assert clock.escalate_at == local(SHANGHAI, "2026-09-28 14:00")
    # Waiting to ask for staff is about the asker's patience: wall-clock time.
    assert clock.member_can_request_at == local(SHANGHAI, "2026-09-25 18:00")


def test_the_sweeps_ticket_counts_its_targets_across_the_holiday(shanghai_office, ask):
    thread = ask(at=local(SHANGHAI, "2026-09-25 16:00"))
    escalate_at = clock_of(thread).escalate_at

    assert sweep.sweep(now=escalate_at).escalated == 1

    ticket = Ticket.objects.get(thread=thread)
    # 8 hours from Monday 14:00: 4 on Monday, 4 on Tuesday.
    assert ticket.first_response_due_at == local(SHANGHAI, "2026-09-29 13:00")
    # 24 hours: 4 Monday, 9 Tuesday, 9 Wednesday, National Day closed, 2 on Thursday 8th.
    assert ticket.resolution_due_at == local(SHANGHAI, "2026-10-08 11:00")


def test_a_question_asked_before_the_holiday_waits_it_out(shanghai_office, ask):
    thread = ask(at=local(SHANGHAI, "2026-09-30 17:00"))  # the Wednesday before

    clock = clock_of(thread)

    assert clock.needs_help_at == local(SHANGHAI, "2026-10-08 12:00")
    assert clock.escalate_at == local(SHANGHAI, "2026-10-09 15:00")


def test_asking_for_staff_after_hours_starts_the_targets_at_the_next_opening(
    shanghai_office, ask, member
):
    thread = ask(at=local(SHANGHAI, "2026-09-25 10:00"))

    ticket = opening.ask_for_staff(
        actor=member, thread=thread, now=local(SHANGHAI, "2026-09-25 18:30")
    )

    assert ticket.first_response_due_at == local(SHANGHAI, "2026-09-27 17:00")
    # 9 on the make-up Sunday, 9 on Monday, 6 on Tuesday.
    assert ticket.resolution_due_at == local(SHANGHAI, "2026-09-29 15:00")


# --- Daylight saving time, 2026 ----------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "needs_help", "escalates"),
    [
        # Clocks go forward on Sunday 8 March: Friday is EST (UTC-5), Monday EDT (UTC-4).
        ("2026-03-06 15:00", "2026-03-09 11:00", "2026-03-10 15:00"),
        # Back on Sunday 1 November: Friday is EDT, Monday EST.
        ("2026-10-30 15:00", "2026-11-02 11:00", "2026-11-03 15:00"),
    ],
)
def test_new_york_office_hours_across_a_dst_weekend(category, ask, asked, needs_help, escalates):
    make_policy(category, make_calendar("America/New_York", WEEKDAYS, "09:00", "17:00"))

    clock = clock_of(ask(at=local(NEW_YORK, asked)))

    # 2 hours on Friday, then Monday from nine o'clock local time, whatever the offset.
    assert clock.needs_help_at == local(NEW_YORK, needs_help)
    assert clock.escalate_at == local(NEW_YORK, escalates)


def test_new_york_local_nine_oclock_moves_in_utc_across_the_change(category, ask):
    make_policy(category, make_calendar("America/New_York", WEEKDAYS, "09:00", "17:00"))

    spring = clock_of(ask(at=local(NEW_YORK, "2026-03-06 15:00")))
    autumn = clock_of(ask(at=local(NEW_YORK, "2026-10-30 15:00")))

    assert spring.needs_help_at == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    assert autumn.needs_help_at == datetime(2026, 11, 2, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("asked", "needs_help", "needs_help_utc"),
    [
        # Forward on Sunday 29 March (CET to CEST): 1 hour on Saturday, 3 on Sunday.
        ("2026-03-28 19:00", "2026-03-29 11:00", datetime(2026, 3, 29, 9, 0, tzinfo=UTC)),
        # Back on Sunday 25 October (CEST to CET).
        ("2026-10-24 19:00", "2026-10-25 11:00", datetime(2026, 10, 25, 10, 0, tzinfo=UTC)),
    ],
)
def test_berlin_weekend_support_across_the_dst_sunday(
    category, ask, asked, needs_help, needs_help_utc
):
    make_policy(category, make_calendar("Europe/Berlin", EVERY_DAY, "08:00", "20:00"))

    clock = clock_of(ask(at=local(BERLIN, asked)))

    assert clock.needs_help_at == local(BERLIN, needs_help) == needs_help_utc


@pytest.mark.parametrize(
    ("zone", "asked"),
    [
        ("America/New_York", "2026-03-07 12:00"),  # a day before the clocks go forward
        ("America/New_York", "2026-10-31 12:00"),  # a day before they go back
        ("Europe/Berlin", "2026-03-28 12:00"),
        ("Europe/Berlin", "2026-10-24 12:00"),
        ("Asia/Shanghai", "2026-09-30 12:00"),  # holidays do not close a 24/7 calendar
    ],
)
def test_a_24_7_calendar_counts_wall_clock_time(member, zone, asked):
    """The same question in two categories, one 24/7 calendar and one with none."""
    with_calendar, without = CategoryFactory(slug="day-and-night"), CategoryFactory(slug="plain")
    make_policy(with_calendar, make_calendar(zone, EVERY_DAY, "00:00", "00:00"))
    make_policy(without, None)
    # In UTC: adding to a local time would add wall-clock hours, one off across the change.
    at = local(ZoneInfo(zone), asked).astimezone(UTC)

    clocks = [
        clock_of(committed(ThreadFactory, author=member, category=category, now=at))
        for category in (with_calendar, without)
    ]

    assert clocks[0].needs_help_at == clocks[1].needs_help_at == at + 4 * HOUR
    assert clocks[0].escalate_at == clocks[1].escalate_at == at + 16 * HOUR


# --- Any calendar -------------------------------------------------------------------

ZONES = ["Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "UTC"]
HALF_HOURS = 48


@st.composite
def weekly_hours(draw) -> dict[int, list[tuple[int, int]]]:
    """0 to 2 opening ranges a day, on half hours, with at least one range in the week."""
    week = {}
    for day in EVERY_DAY:
        ranges = draw(st.integers(0, 2))
        points = sorted(
            draw(
                st.lists(
                    # Midnight often: a range to 24:00 is stored as closing at 00:00.
                    st.integers(0, HALF_HOURS) | st.sampled_from([0, HALF_HOURS]),
                    min_size=2 * ranges,
                    max_size=2 * ranges,
                    unique=True,
                )
            )
        )
        week[day] = [(points[i] * 30, points[i + 1] * 30) for i in range(0, len(points), 2)]
    if not any(week.values()):
        week[draw(st.sampled_from(EVERY_DAY))] = [(9 * 60, 17 * 60)]
    return week


@st.composite
def calendars_and_instants(draw) -> tuple[business_time.Schedule, datetime]:
    """A calendar and an instant in 2026, with its holidays and make-up days close enough
    to that instant to matter."""
    created_at = draw(
        st.datetimes(
            min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
        )
    )
    week = draw(weekly_hours())
    days = st.dates(
        min_value=created_at.date() - timedelta(days=1),
        max_value=created_at.date() + timedelta(days=14),
    )
    holidays = draw(st.frozensets(days, max_size=6))
    working = frozenset()
    if week[0]:  # make-up days open with Monday's hours
        working = draw(st.frozensets(days, max_size=3)) - holidays
    schedule = business_time.Schedule(
        draw(st.sampled_from(ZONES)), week, holidays=holidays, extra_working_days=working
    )
    return schedule, created_at


def _stored(schedule: business_time.Schedule) -> BusinessCalendar:
    """The schedule as calendar rows: 24:00 is stored as 00:00, make-up days as holidays."""
    calendar = BusinessCalendar.objects.create(name="drawn", time_zone=schedule.time_zone)

    def at(minute):
        return time(minute // 60 % 24, minute % 60)

    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens_at=at(start), closes_at=at(end))
        for day, ranges in enumerate(schedule.weekly_hours)
        for start, end in ranges
    )
    Holiday.objects.bulk_create(
        [Holiday(calendar=calendar, date=day, name="closed") for day in schedule.holidays]
        + [
            Holiday(calendar=calendar, date=day, name="open", is_working_day=True)
            for day in schedule.extra_working_days
        ]
    )
    return calendar


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    calendar_and_instant=calendars_and_instants(),
    escalate_minutes=st.integers(1, 60 * 60),
    needs_help_share=st.floats(0, 1),
)
def test_the_stored_deadlines_are_the_calendars_arithmetic(
    category, member, calendar_and_instant, escalate_minutes, needs_help_share
):
    schedule, created_at = calendar_and_instant
    escalate_after = timedelta(minutes=escalate_minutes)
    needs_help_after = timedelta(minutes=int(escalate_minutes * needs_help_share))
    with transaction.atomic():  # each example starts from the same database
        make_policy(
            category,
            _stored(schedule),
            needs_help_after=needs_help_after,
            escalate_after=escalate_after,
        )
        thread = committed(ThreadFactory, author=member, category=category, now=created_at)

        clock = clock_of(thread)

        assert clock.escalate_at == business_time.add_business_time(
            schedule, created_at, escalate_after
        )
        assert (
            business_time.business_time_between(schedule, created_at, clock.escalate_at)
            == escalate_after
        )
        assert clock.needs_help_at == business_time.add_business_time(
            schedule, created_at, needs_help_after
        )
        transaction.set_rollback(True)


def test_opening_hours_in_the_admin_with_a_bad_time_show_the_error_not_a_crash(admin_user):
    # The model's overlap check ran with the unparsed time as None: AttributeError, a 500.
    response = client_for(admin_user).post(
        "/admin/escalation/businesscalendar/add/",
        {
            "name": "Shanghai office",
            "time_zone": "Asia/Shanghai",
            "opening_hours-TOTAL_FORMS": "1",
            "opening_hours-INITIAL_FORMS": "0",
            "opening_hours-0-weekday": "0",
            "opening_hours-0-opens_at": "99999999999999999999",
            "opening_hours-0-closes_at": "18:00",
            "holidays-TOTAL_FORMS": "0",
            "holidays-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "Enter a valid time." in response.text
    assert not BusinessCalendar.objects.exists()
