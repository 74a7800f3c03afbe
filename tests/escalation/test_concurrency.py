"""Sweeps running at the same instant, and an asker racing a sweep: everything happens once.

Each sweep runs in its own thread with its own connection (or in its own process), over
one database: PostgreSQL shares the due rows out with SKIP LOCKED; SQLite (a file, as in
production) lets one writer in at a time. Either way every due thread is flagged once,
escalated once, and its people are told once.
"""

import re
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings

from accounts.models import User
from escalation import services
from escalation.models import ThreadClock, Ticket, TicketEvent
from forum import services as forum_services
from forum.models import Thread
from notifications.models import Channels, Notification, OutboundEmail
from tests.escalation.conftest import T0, at_once, shared_database
from tests.factories import UserFactory
from tests.notifications.conftest import choose

pytestmark = pytest.mark.django_db(transaction=True)

HOUR = timedelta(hours=1)
NOW = T0 + 30 * HOUR
# Small batches, so that sweeps meet each other many times over a few dozen threads.
BATCH = 5


@pytest.fixture
def helper(db, category):
    """A helper who follows the category and wants its alerts by email too."""
    user = UserFactory(username="helen", display_name="Helen Helper")
    choose(user, is_helper=True, helper_needs_help=Channels(in_app=True, email=True))
    forum_services.follow_category(actor=user, category=category)
    return user


@pytest.fixture
def due(ask, member, other_member, helper):
    """36 threads due at NOW: 20 past both deadlines, 16 past needs-help only.

    Two askers, so that each person is told many things by every sweep at once.
    """
    both = [
        ask(at=T0 + n * timedelta(minutes=1), author=(member, other_member)[n % 2])
        for n in range(20)
    ]
    needs_help_only = [
        ask(at=T0 + 20 * HOUR + n * timedelta(minutes=1), author=(member, other_member)[n % 2])
        for n in range(16)
    ]
    return {"escalate": {t.pk for t in both}, "needs_help": {t.pk for t in both + needs_help_only}}


def assert_everything_happened_once(due, helper):
    assert _flagged() == due["needs_help"]
    assert (
        set(Thread.objects.filter(escalated_at=NOW).values_list("pk", flat=True)) == due["escalate"]
    )
    assert_told_once(flagged=due["needs_help"], escalated=due["escalate"], helper=helper)


def _flagged() -> set[int]:
    return set(Thread.objects.filter(needs_help_at=NOW).values_list("pk", flat=True))


def assert_told_once(*, flagged, escalated, helper):

    tickets = Counter(Ticket.objects.values_list("thread_id", flat=True))
    assert tickets == Counter(escalated)
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.CREATED).count() == len(escalated)

    def told(kind):
        return Counter(Notification.objects.filter(kind=kind).values_list("dedupe_key", flat=True))

    assert told("needs_help") == Counter(f"needs-help:{pk}" for pk in flagged)
    assert told("helper_needs_help") == Counter(f"helper-needs-help:{pk}" for pk in flagged)
    assert told("escalated") == Counter(
        f"escalated:{pk}:1" for pk in Ticket.objects.values_list("pk", flat=True)
    )
    assert set(
        Notification.objects.filter(kind="helper_needs_help").values_list("recipient", flat=True)
    ) == {helper.pk}
    # One email per notification, never two (everyone here wants each kind by email).
    emails = Counter(
        address for to in OutboundEmail.objects.values_list("to", flat=True) for address in to
    )
    assert emails == Counter(Notification.objects.values_list("recipient__email", flat=True))
    # Every increment of the unread counts landed once.
    for user in User.objects.filter(notifications__isnull=False).distinct():
        assert user.unread_notification_count == user.notifications.filter(read_at=None).count()
    # Nothing is left due.
    assert not ThreadClock.objects.filter(needs_help_at__lte=NOW).exists()
    assert not ThreadClock.objects.filter(escalate_at__lte=NOW).exists()


def sweep():
    return services.sweep(now=NOW, batch_size=BATCH)


@pytest.mark.parametrize("sweeps", [2, 4])
def test_sweeps_at_the_same_instant_do_each_thing_once(due, helper, sweeps, tmp_path):
    with shared_database(tmp_path):
        results = at_once(*[sweep] * sweeps)

        assert sum(result.flagged for result in results) == len(due["needs_help"])
        assert sum(result.escalated for result in results) == len(due["escalate"])
        assert_everything_happened_once(due, helper)
        again = sweep()
        assert (again.flagged, again.escalated) == (0, 0)


def test_sweeps_repair_lost_clocks_at_the_same_instant_once(due, helper, tmp_path):
    """The threads' creation events were lost: every sweep finds the clocks missing."""
    ThreadClock.objects.all().delete()

    with shared_database(tmp_path):
        results = at_once(*[sweep] * 4)

        assert sum(result.flagged for result in results) == len(due["needs_help"])
        assert sum(result.escalated for result in results) == len(due["escalate"])
        assert_everything_happened_once(due, helper)


def test_sweeps_in_separate_processes_do_each_thing_once(due, helper, tmp_path):
    with shared_database(tmp_path) as database_url:
        env = {
            **_environment_without_broker(),
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": "sweeps-in-processes",
            # The processes' after-commit tasks go to a broker folder of their own.
            "HANDOFF_VAR_DIR": str(tmp_path / "var"),
            "CELERY_BROKER_URL": "filesystem://",
        }
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(settings.BASE_DIR / "manage.py"),
                    "escalation_sweep",
                    "--now",
                    NOW.isoformat(),
                    "--batch-size",
                    str(BATCH),
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        outputs = [process.communicate(timeout=90) for process in processes]
        assert [process.returncode for process in processes] == [0, 0, 0], outputs

        counts = [
            re.search(r"flagged (\d+) thread\(s\).*escalated (\d+) thread\(s\)", stdout)
            for stdout, _stderr in outputs
        ]
        assert sum(int(match[1]) for match in counts) == len(due["needs_help"])
        assert sum(int(match[2]) for match in counts) == len(due["escalate"])
        assert_everything_happened_once(due, helper)


def _environment_without_broker() -> dict:
    import os

    return {key: value for key, value in os.environ.items() if key != "CELERY_BROKER_URL"}
