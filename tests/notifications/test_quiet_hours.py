"""Quiet hours: a helper's alert shows on the site at once; its email waits for the quiet to end."""

import zoneinfo
from datetime import UTC, datetime, time, timedelta

import time_machine
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from notifications import tasks
from notifications.models import OutboundEmail
from notifications.services import outbox, preferences, writer
from tests.notifications.conftest import Kind, notify, unread_count

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")  # UTC+8, no daylight saving
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def _quiet_until(now, start, end, zone=SHANGHAI):
    return preferences.quiet_until(now=now, start=start, end=end, zone=zone)


# --- When quiet hours end ------------------------------------------------------------


def test_outside_quiet_hours_nothing_waits():
    assert _quiet_until(_shanghai(2026, 3, 2, 12, 0), time(22), time(7)) is None
    assert _quiet_until(_shanghai(2026, 3, 2, 7, 0), time(22), time(7)) is None  # end is awake


def test_late_evening_waits_until_the_next_morning():
    ends = _quiet_until(_shanghai(2026, 3, 2, 23, 15), time(22), time(7))

    assert ends == _shanghai(2026, 3, 3, 7, 0)
    assert ends.tzinfo == UTC


def test_after_midnight_waits_until_the_same_morning():
    assert _quiet_until(_shanghai(2026, 3, 3, 2, 0), time(22), time(7)) == _shanghai(
        2026, 3, 3, 7, 0
    )


def test_the_start_of_quiet_hours_is_quiet():
    assert _quiet_until(_shanghai(2026, 3, 2, 22, 0), time(22), time(7)) == _shanghai(
        2026, 3, 3, 7, 0
    )


def test_quiet_hours_within_one_day():
    assert _quiet_until(_shanghai(2026, 3, 2, 13, 30), time(13), time(14)) == _shanghai(
        2026, 3, 2, 14, 0
    )
    assert _quiet_until(_shanghai(2026, 3, 2, 14, 30), time(13), time(14)) is None


def test_quiet_hours_are_read_in_the_helpers_own_zone():
    # 03:00 UTC is 11:00 in Shanghai (awake) but 23:00 the day before in New York (quiet).
    now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)

    assert _quiet_until(now, time(22), time(7), zone=SHANGHAI) is None
    assert _quiet_until(now, time(22), time(7), zone=NEW_YORK) == datetime(
        2026, 3, 2, 7, 0, tzinfo=NEW_YORK
    )


def test_quiet_hours_end_at_local_time_across_a_clock_change():
    # New York springs forward on 2026-03-08: 07:00 that morning is 11:00 UTC, not 12:00.
    now = datetime(2026, 3, 8, 4, 0, tzinfo=UTC)  # 23:00 on the 7th in New York

    assert _quiet_until(now, time(22), time(7), zone=NEW_YORK) == datetime(
        2026, 3, 8, 11, 0, tzinfo=UTC
    )


@given(
    now=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    start=st.times(),
    end=st.times(),
    zone=st.sampled_from([SHANGHAI, NEW_YORK, zoneinfo.ZoneInfo("Asia/Kolkata"), UTC]),
)
def test_quiet_hours_end_within_a_day_at_the_local_end_time(now, start, end, zone):
    start, end = start.replace(microsecond=0), end.replace(microsecond=0)
    if start == end:
        return
    ends = _quiet_until(now, start, end, zone)
    if ends is None:
        return
    assert now <= ends <= now + timedelta(hours=25)
    if ends > now:
        assert ends.astimezone(zone).time() in {
            end,
            (datetime.combine(now, end) + timedelta(hours=1)).time(),
        }


# --- What a helper receives ----------------------------------------------------------------


def test_during_quiet_hours_the_alert_shows_at_once_and_the_email_waits(
    helper, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(_shanghai(2026, 3, 2, 23, 15), tick=False),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        notification = notify(helper, Kind.HELPER_NEEDS_HELP)

    assert notification.is_unread
    assert unread_count(helper) == 1
    email = OutboundEmail.objects.get()
    assert email.send_after == _shanghai(2026, 3, 3, 7, 0)
    assert callbacks == []  # no task now: the periodic flush sends it once it is due


def test_a_held_email_goes_out_with_the_flush_once_quiet_hours_end(helper, mailoutbox):
    notify(helper, Kind.HELPER_NEEDS_HELP, now=timezone.now() - timedelta(hours=1))
    email = OutboundEmail.objects.get()

    assert outbox.deliver_pending_emails(now=email.send_after - timedelta(seconds=1)) == 0
    assert outbox.deliver_pending_emails(now=email.send_after) == 1

    assert len(mailoutbox) == 1


def test_outside_quiet_hours_the_email_goes_at_once(helper, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(_shanghai(2026, 3, 2, 12, 0), tick=False),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        notify(helper, Kind.HELPER_NEEDS_HELP)

    email = OutboundEmail.objects.get()
    assert email.send_after == _shanghai(2026, 3, 2, 12, 0)
    assert [c.args[:2] for c in callbacks] == [(tasks.deliver_email, (email.pk,))]


def test_quiet_hours_hold_only_helper_alerts(helper):
    notify(helper, Kind.REPLY, now=_shanghai(2026, 3, 2, 23, 15))

    assert OutboundEmail.objects.get().send_after <= timezone.now()


def test_quiet_hours_hold_helper_alerts_sent_to_many(helper, member):
    writer.notify_many(
        recipients=[helper, member],
        kind=Kind.HELPER_NEEDS_HELP,
        url="/t/1/",
        params={"thread_title": "Fees", "category_name": "Transfers"},
        now=_shanghai(2026, 3, 3, 1, 0),
    )

    assert OutboundEmail.objects.get().send_after == _shanghai(2026, 3, 3, 7, 0)
