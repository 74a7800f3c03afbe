"""escalation_sweep and escalation_recompute, as an operator runs them."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from escalation import services, workflow
from escalation.models import ThreadClock, Ticket
from forum.models import Thread
from tests.escalation.conftest import T0
from tests.factories import CategoryFactory, ThreadFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- escalation_sweep -----------------------------------------------------------


def test_the_sweep_prints_its_counts_and_escalates(ask):
    thread = ask()

    output = run("escalation_sweep", "--now", "2026-11-03T09:00:00+00:00")

    ticket = Ticket.objects.get(thread=thread)
    assert output == (
        "flagged 1 thread(s) as needing help, escalated 1 thread(s) to tickets "
        f"({ticket.reference}), reminded 0 asker(s) to accept an answer, "
        "marked 0 missed SLA target(s), closed 0 ticket(s).\n"
    )
    assert ticket.created_at == T0 + 24 * HOUR


def test_the_sweep_prints_how_many_tickets_it_closed(ask, moderator, agent):
    ticket = services.escalate_thread(actor=moderator, thread=ask(), now=T0 + HOUR)
    workflow.assign(actor=agent, ticket=ticket, assignee=agent, now=T0 + 2 * HOUR)
    workflow.resolve(actor=agent, ticket=ticket, now=T0 + 3 * HOUR)

    dry = run("escalation_sweep", "--now", "2026-11-10T12:00:00+00:00", "--dry-run")
    assert dry.rstrip().endswith("closed 1 ticket(s).")
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.RESOLVED

    output = run("escalation_sweep", "--now", "2026-11-10T12:00:00+00:00")
    assert output.rstrip().endswith("closed 1 ticket(s).")
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CLOSED


def test_now_is_read_with_its_offset_and_as_utc_without_one(ask):
    ask()

    assert "escalated 0" in run("escalation_sweep", "--now", "2026-11-03T16:59:59+08:00")
    assert "escalated 1" in run("escalation_sweep", "--now", "2026-11-03T09:00:00")


def test_a_dry_run_says_so_and_changes_nothing(ask):
    thread = ask()

    output = run("escalation_sweep", "--now", "2026-11-03T09:00:00+00:00", "--dry-run")

    assert output.startswith("Dry run (nothing changed): would have flagged 1 thread(s)")
    assert "escalated 1 thread(s)" in output
    assert not Ticket.objects.exists()
    thread.refresh_from_db()
    assert (thread.needs_help_at, thread.escalated_at) == (None, None)
    assert ThreadClock.objects.get(thread=thread).escalate_at == T0 + 24 * HOUR


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2026-02-30T09:00:00",  # well formed, but no such day
        "2026-11-03T25:00:00+00:00",
        "",  # an unset shell variable must not mean "now"
    ],
)
def test_a_bad_now_fails_with_a_clear_message(ask, value):
    ask()

    with pytest.raises(
        CommandError, match=r"^--now: .* is not (an ISO 8601|a valid) date and time"
    ):
        run("escalation_sweep", "--now", value)

    assert not Ticket.objects.exists()


def test_a_batch_size_below_one_is_refused(policy):
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        run("escalation_sweep", "--batch-size", "0")


# --- escalation_recompute -------------------------------------------------------


@pytest.fixture
def threads_without_clocks(policy, category, member):
    """Threads created by the services, but whose after-commit events never ran (a bulk import)."""
    threads = [ThreadFactory(author=member, category=category, now=T0) for _ in range(2)]
    assert not ThreadClock.objects.exists()
    return threads


def test_recompute_gives_clocks_to_threads_that_have_none(threads_without_clocks):
    output = run("escalation_recompute")

    assert output == "Recomputed the clocks of 2 open thread(s).\n"
    for thread in threads_without_clocks:
        clock = ThreadClock.objects.get(thread=thread)
        assert clock.needs_help_at == T0 + 4 * HOUR
        assert clock.escalate_at == T0 + 24 * HOUR
        assert clock.member_can_request_at == T0 + 2 * HOUR


def test_recompute_leaves_closed_threads_without_a_clock(threads_without_clocks):
    closed = threads_without_clocks[0]
    Thread.objects.filter(pk=closed.pk).update(state=Thread.State.CLOSED)

    assert run("escalation_recompute") == "Recomputed the clocks of 1 open thread(s).\n"
    assert not ThreadClock.objects.filter(thread=closed).exists()


def test_recompute_of_one_category_touches_only_its_threads(threads_without_clocks, member):
    elsewhere = ThreadFactory(author=member, category=CategoryFactory(slug="install"), now=T0)

    output = run("escalation_recompute", "--category", "transfers")

    assert output == "Recomputed the clocks of 2 open thread(s).\n"
    assert ThreadClock.objects.count() == 2
    assert not ThreadClock.objects.filter(thread=elsewhere).exists()


def test_recompute_with_an_unknown_category_fails_clearly(threads_without_clocks):
    with pytest.raises(CommandError, match="No category with the slug 'no-such-thing'"):
        run("escalation_recompute", "--category", "no-such-thing")

    assert not ThreadClock.objects.exists()


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59-05:00",  # year 10000 in UTC: OverflowError, uncaught
        "9999-12-31T23:59:59+00:00",  # a deadline after it would be past year 9999
        "0001-01-01T00:00:00+05:00",
    ],
)
def test_a_now_at_the_edge_of_the_calendar_fails_with_a_clear_message(ask, value):
    ask()

    with pytest.raises(CommandError, match=r"^--now: .* is too far in the future or the past"):
        run("escalation_sweep", "--now", value)

    assert not Ticket.objects.exists()
