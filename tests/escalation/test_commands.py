"""escalation_sweep and escalation_recompute, as an operator runs them."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from escalation.models import ThreadClock, Ticket
from escalation.services import assignment, lifecycle
from escalation.services import tickets as opening
from forum.models import Thread
from notifications.models import OutboundEmail
from notifications.services.outbox import deliver_pending_emails
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
    ticket = opening.escalate_thread(actor=moderator, thread=ask(), now=T0 + HOUR)
    assignment.assign(actor=agent, ticket=ticket, assignee=agent, now=T0 + 2 * HOUR)
    lifecycle.resolve(actor=agent, ticket=ticket, now=T0 + 3 * HOUR)

    dry = run("escalation_sweep", "--now", "2026-11-10T12:00:00+00:00", "--dry-run")
    assert dry.rstrip().endswith(
        f"would flag 0 thread(s) as needing help, escalate 0 thread(s) to tickets, remind 0 asker(s) to accept an answer, mark 0 missed SLA target(s), close 1 ticket(s) ({ticket.reference})."
    )
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.RESOLVED

    output = run("escalation_sweep", "--now", "2026-11-10T12:00:00+00:00")
    assert output.rstrip().endswith(f"closed 1 ticket(s) ({ticket.reference}).")
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CLOSED


def test_now_is_read_with_its_offset_and_as_utc_without_one(ask):
    ask()

    assert "escalated 0" in run("escalation_sweep", "--now", "2026-11-03T16:59:59+08:00")
    assert "escalated 1" in run("escalation_sweep", "--now", "2026-11-03T09:00:00")


def test_a_dry_run_says_so_and_changes_nothing(ask):
    thread = ask()

    output = run("escalation_sweep", "--now", "2026-11-03T09:00:00+00:00", "--dry-run")

    assert output.startswith(
        "Dry run, nothing changed: a sweep would flag 1 thread(s) as needing help"
    )
    assert f"escalate 1 thread(s) to tickets (#{thread.pk})," in output
    assert not Ticket.objects.exists()
    thread.refresh_from_db()
    assert (thread.needs_help_at, thread.escalated_at) == (None, None)
    assert ThreadClock.objects.get(thread=thread).escalate_at == T0 + 24 * HOUR


def test_a_dry_run_names_the_threads_it_would_escalate_not_references(ask):
    """Its tickets are rolled back with their references: a real sweep draws others."""
    first, second = ask(), ask()

    dry = run("escalation_sweep", "--now", "2026-11-03T09:00:00+00:00", "--dry-run")
    real = run("escalation_sweep", "--now", "2026-11-03T09:00:00+00:00")

    assert f"escalate 2 thread(s) to tickets (#{first.pk}, #{second.pk})," in dry
    assert "HO-" not in dry
    for ticket in Ticket.objects.all():
        assert ticket.reference in real


def test_a_dry_run_logs_nothing_as_done(ask, moderator, agent, caplog):
    ticket = opening.escalate_thread(actor=moderator, thread=ask(), now=T0 + HOUR)
    resolved = opening.escalate_thread(actor=moderator, thread=ask(), now=T0 + HOUR)
    assignment.assign(actor=agent, ticket=resolved, assignee=agent, now=T0 + 2 * HOUR)
    lifecycle.resolve(actor=agent, ticket=resolved, now=T0 + 3 * HOUR)

    with caplog.at_level("INFO"):
        dry = run("escalation_sweep", "--now", "2026-11-10T12:00:00+00:00", "--dry-run")

    assert f"mark 2 missed SLA target(s) ({ticket.reference}, {ticket.reference})" in dry
    assert f"close 1 ticket(s) ({resolved.reference})." in dry
    assert "missed" not in caplog.text
    assert "Closed" not in caplog.text

    with caplog.at_level("INFO"):
        run("escalation_sweep", "--now", "2026-11-10T12:00:00+00:00")

    assert f"Ticket {ticket.reference} missed its first_response target" in caplog.text
    assert f"Closed 1 tickets: {resolved.reference}" in caplog.text


def test_a_sweep_ahead_of_the_clock_sends_its_emails_at_once(ask, mailoutbox):
    """--now in the future dates what it writes then, and says so; its emails are not held."""
    thread = ask(at=timezone.now() - HOUR)
    ahead = timezone.now() + timedelta(days=2)

    with TestCase.captureOnCommitCallbacks(execute=False):
        output = run("escalation_sweep", "--now", ahead.isoformat())

    ticket = Ticket.objects.get(thread=thread)
    assert ticket.created_at == ahead
    assert "ahead of the clock: pages show it as in the future until then" in output
    assert OutboundEmail.objects.filter(sent_at=None).exists()
    deliver_pending_emails()  # what the worker runs, on the real clock
    assert not OutboundEmail.objects.filter(sent_at=None).exists()
    assert any(ticket.reference in email.subject for email in mailoutbox)


def test_a_sweep_in_the_past_says_nothing_about_the_clock(ask):
    ask()

    output = run("escalation_sweep", "--now", "2026-11-03T09:00:00+00:00")

    assert "ahead of the clock" not in output


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
