from datetime import UTC, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from escalation import services

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
            help="Evaluate as if at this instant (ISO 8601, e.g. 2026-11-24T09:30:00+08:00; "
            "without an offset it is UTC).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Work out what would happen, print the counts, and change nothing.",
        )
        parser.add_argument("--batch-size", type=int, default=services.SWEEP_BATCH)

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
        result = services.sweep(now=instant, dry_run=dry_run, batch_size=batch_size)
        prefix = "Dry run (nothing changed): would have " if dry_run else ""
        self.stdout.write(
            f"{prefix}flagged {result.flagged} thread(s) as needing help, "
            f"escalated {result.escalated} thread(s) to tickets"
            + (
                f" ({', '.join(result.ticket_refs)})"
                if result.ticket_refs and result.escalated <= 20
                else ""
            )
            + f", reminded {result.nudged} asker(s) to accept an answer"
            + f", marked {result.breached} missed SLA target(s)"
            + f", closed {result.closed} ticket(s)."
        )
        if result.reconciled:
            self.stdout.write(f"Gave {result.reconciled} new thread(s) their missing clocks.")
