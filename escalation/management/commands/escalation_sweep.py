from datetime import UTC, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from escalation.services import sweep as sweeping

# How far past --now a sweep may compute deadlines (policy durations, SLA targets, the
# days before a resolved ticket closes): generous, so any instant that passes is safe.
MAX_LOOKAHEAD = timedelta(days=10 * 366)


class Command(BaseCommand):
    help = (
        "Run one escalation sweep now, synchronously: flag threads that need help, open "
        "tickets for threads past their escalation deadline, mark missed SLA targets, and "
        "close tickets resolved (or left waiting on the asker) long enough. Prints how many "
        "threads it flagged and escalated, and how many tickets it closed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="Sweep as if at this instant (ISO 8601, e.g. 2026-11-24T09:30:00+08:00; "
            "without an offset it is UTC): what is due then is done, and dated then. With an "
            "instant in the future (to see a demo question escalate), the tickets, events "
            "and notifications it writes are dated ahead of the clock, and pages show them "
            "so until then; its emails go out at once, as every sweep's do.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Work out what a sweep would do, say so (the threads it would escalate, "
            "the tickets it would close), and change, send and log nothing.",
        )
        parser.add_argument("--batch-size", type=int, default=sweeping.SWEEP_BATCH)

    def handle(self, *args, now=None, dry_run=False, batch_size=None, **options):
        instant = None
        if now is not None:  # an empty --now (an unset shell variable) is an error, not "now"
            try:
                instant = parse_datetime(now)
            except ValueError as exc:  # well formed but impossible: 2026-02-30, 25:00
                raise CommandError(f"--now: {now!r} is not a valid date and time: {exc}.") from exc
            if instant is None:
                raise CommandError(f"--now: {now!r} is not an ISO 8601 date and time.")
            if instant.tzinfo is None:
                instant = instant.replace(tzinfo=UTC)
            try:
                # The sweep works in UTC and adds policy durations to the instant: an
                # instant at the edge of the calendar (9999-12-31 in UTC-5 is year 10000
                # in UTC) would overflow there, deep in the sweep.
                instant = instant.astimezone(UTC)
                instant + MAX_LOOKAHEAD, instant - MAX_LOOKAHEAD
            except OverflowError as exc:
                raise CommandError(
                    f"--now: {now!r} is too far in the future or the past to sweep at."
                ) from exc
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        result = sweeping.sweep(now=instant, dry_run=dry_run, batch_size=batch_size)
        self.stdout.write(report(result, dry_run=dry_run))
        if instant is not None and not dry_run and instant > timezone.now():
            self.stdout.write(
                f"What it wrote is dated {instant:%Y-%m-%d %H:%M} UTC, ahead of the clock: "
                "pages show it as in the future until then. Its emails go out now."
            )
        if result.reconciled:
            verb = "Would give" if dry_run else "Gave"
            self.stdout.write(f"{verb} {result.reconciled} new thread(s) their missing clocks.")


def report(result: sweeping.SweepResult, *, dry_run: bool) -> str:
    """One line: what the sweep did, or (a dry run) what it would do.

    A dry run names the threads it would escalate, not ticket references: the tickets
    it opened were rolled back, and a real sweep draws their references afresh.
    """

    def listed(items, count: int) -> str:
        """Named when there are few enough to read."""
        return f" ({', '.join(items)})" if items and count <= 20 else ""

    breached = [reference for reference, _target in result.breached_refs]
    if dry_run:
        threads = [f"#{thread_id}" for thread_id in result.escalated_thread_ids]
        return (
            "Dry run, nothing changed: a sweep would "
            f"flag {result.flagged} thread(s) as needing help, "
            f"escalate {result.escalated} thread(s) to tickets{listed(threads, result.escalated)}, "
            f"remind {result.nudged} asker(s) to accept an answer, "
            f"mark {result.breached} missed SLA target(s){listed(breached, result.breached)}, "
            f"close {result.closed} ticket(s){listed(result.closed_refs, result.closed)}."
        )
    return (
        f"flagged {result.flagged} thread(s) as needing help, "
        f"escalated {result.escalated} thread(s) to tickets{listed(result.ticket_refs, result.escalated)}, "
        f"reminded {result.nudged} asker(s) to accept an answer, "
        f"marked {result.breached} missed SLA target(s){listed(breached, result.breached)}, "
        f"closed {result.closed} ticket(s){listed(result.closed_refs, result.closed)}."
    )
