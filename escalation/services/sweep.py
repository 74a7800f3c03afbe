"""The sweep: threads that need help are flagged, due threads get tickets, missed SLA
targets are marked, and tickets whose time is up close.

Run by Celery beat (escalation.tasks.sweep) and by `manage.py escalation_sweep`.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import User
from escalation.models import AgentStatus, ThreadClock, Ticket, TicketEvent
from escalation.policies import PolicyBook
from escalation.services import clocks
from escalation.services import tickets as opening
from escalation.services.clocks import Facts
from escalation.services.lifecycle import close_due_tickets
from forum.models import Follow, Thread
from forum.services import support as forum_support
from notifications.models import Notification
from notifications.selectors import helpers_among
from notifications.services.unread import unread_counts_at_end
from notifications.services.writer import notify_each

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500
# A thread created this close to the newest clock is checked for a missing clock on
# every sweep: the after-commit event that makes it may have been lost in a crash.
RECONCILE_WINDOW = 1000


@dataclass
class SweepResult:
    flagged: int = 0
    escalated: int = 0
    nudged: int = 0
    breached: int = 0
    closed: int = 0
    examined: int = 0
    reconciled: int = 0
    # The first few of each, for the command's report and the log: the references of
    # the tickets opened, the threads escalated (a dry run opens no ticket, so it has no
    # reference to give), the tickets past a target and the tickets closed.
    ticket_refs: list[str] = field(default_factory=list)
    escalated_thread_ids: list[int] = field(default_factory=list)
    breached_refs: list[tuple[str, str]] = field(default_factory=list)  # (reference, target)
    closed_refs: list[str] = field(default_factory=list)


def sweep(
    *, now: datetime | None = None, batch_size: int = SWEEP_BATCH, dry_run: bool = False
) -> SweepResult:
    """Flag due threads as needing help, open tickets for due threads, mark missed SLAs.

    Works in batches, each in its own transaction: memory stays flat however much is
    due, and a crash loses at most the batch in flight, which the next sweep redoes.
    Due rows are claimed with SELECT … FOR UPDATE SKIP LOCKED (on PostgreSQL), so sweeps
    running at once share the work; the ticket's unique thread and the notifications'
    dedupe keys make a second attempt at the same thread harmless anyway. Each due
    thread's clock is recomputed from fresh facts before anything happens to it.

    `dry_run` does everything in one transaction and rolls it back: the counts say
    what a real sweep would do now, and nothing is logged as done. Its tickets are
    rolled back with their references, which a real sweep draws afresh: a dry run
    reports the threads it would escalate (`escalated_thread_ids`), not references.
    """
    now = now or timezone.now()
    result = SweepResult()
    book = PolicyBook.load()
    if dry_run:
        with transaction.atomic():
            _sweep(result, book=book, now=now, batch_size=batch_size)
            transaction.set_rollback(True)
        result.ticket_refs = []
        return result
    _sweep(result, book=book, now=now, batch_size=batch_size)
    for reference, target in result.breached_refs:
        logger.warning("Ticket %s missed its %s target", reference, target)
    if result.closed_refs:
        logger.info("Closed %d tickets: %s", result.closed, ", ".join(result.closed_refs[:20]))
    return result


def _sweep(result: SweepResult, *, book: PolicyBook, now, batch_size: int) -> None:
    result.reconciled = _reconcile_missing_clocks(book=book, now=now)
    while _needs_help_batch(result, book=book, now=now, batch_size=batch_size):
        pass
    while _escalation_batch(result, book=book, now=now, batch_size=batch_size):
        pass
    while _nudge_batch(result, book=book, now=now, batch_size=batch_size):
        pass
    result.breached = _mark_breaches(now=now, missed=result.breached_refs)
    result.closed_refs = close_due_tickets(now=now, batch_size=batch_size)
    result.closed = len(result.closed_refs)


def _due(field_name: str, *, now, batch_size: int) -> list[int]:
    return list(
        ThreadClock.objects.select_for_update(skip_locked=True)
        .filter(**{f"{field_name}__lte": now})
        .order_by(field_name)
        .values_list("thread_id", flat=True)[:batch_size]
    )


@dataclass
class _Batch:
    """Due clocks claimed for one pass, their threads' facts and freshly computed clocks."""

    field_name: str
    book: PolicyBook
    due: list[int]
    facts: dict[int, Facts]
    fresh: dict[int, clocks.Clock]
    ready: list[int]

    def recompute(self, thread_id: int) -> None:
        """The clock again, after this pass changed the thread's facts."""
        fact = self.facts[thread_id]
        self.fresh[thread_id] = clocks.compute_clock(fact, self.book.for_category(fact.category_id))

    def store(self, *, now) -> None:
        # Rows whose thread is gone, or whose clock was stopped, must leave the due set too.
        for thread_id in set(self.due) - set(self.fresh):
            self.fresh[thread_id] = clocks.Clock()
        clocks.write_clocks(_not_due_again(self.fresh, self.field_name, now), now=now)


def _claim(field_name: str, *, result: SweepResult, book: PolicyBook, now, batch_size: int):
    """Claim a batch of clocks due on `field_name`, re-check them; None when none is due.

    `ready` holds the threads whose fresh clock is still due: the ones to act on.
    Caller holds a transaction (the claim's row locks last until it commits).
    """
    due = _due(field_name, now=now, batch_size=batch_size)
    if not due:
        return None
    result.examined += len(due)
    facts = clocks.load_facts(due)
    fresh = {
        tid: clocks.compute_clock(fact, book.for_category(fact.category_id))
        for tid, fact in facts.items()
    }
    ready = [
        tid
        for tid, clock in fresh.items()
        if getattr(clock, field_name) is not None and getattr(clock, field_name) <= now
    ]
    return _Batch(field_name, book, due, facts, fresh, ready)


def _needs_help_batch(result: SweepResult, *, book: PolicyBook, now, batch_size: int) -> bool:
    with transaction.atomic(), unread_counts_at_end():
        batch = _claim("needs_help_at", result=result, book=book, now=now, batch_size=batch_size)
        if batch is None:
            return False
        for tid in _flag(batch.ready, result=result, facts=batch.facts, now=now):
            batch.recompute(tid)
        batch.store(now=now)
    return True


def _flag(thread_ids: list[int], *, result: SweepResult, facts: dict[int, Facts], now) -> list[int]:
    """Put threads on the community's "needs an answer" list and tell their people.

    Returns those flagged now (the forum leaves alone any answered or flagged meanwhile).
    """
    flagged = forum_support.mark_needs_help(thread_ids=thread_ids, now=now)
    result.flagged += len(flagged)
    for tid in flagged:
        facts[tid].needs_help_at = now
    _tell_needs_help(flagged, facts=facts, now=now)
    return flagged


def _escalation_batch(result: SweepResult, *, book: PolicyBook, now, batch_size: int) -> bool:
    with transaction.atomic(), unread_counts_at_end():
        batch = _claim("escalate_at", result=result, book=book, now=now, batch_size=batch_size)
        if batch is None:
            return False
        # Past both deadlines and not yet flagged: flagged first, as a lone sweep's
        # needs-help pass would have done. A sweep running alongside may have held the
        # row while that pass ran, or repaired its clock only after it.
        unflagged = [
            tid
            for tid in batch.ready
            if batch.fresh[tid].needs_help_at is not None and batch.fresh[tid].needs_help_at <= now
        ]
        _flag(unflagged, result=result, facts=batch.facts, now=now)
        tickets = opening.open_tickets(
            due=[batch.facts[tid] for tid in batch.ready], book=book, now=now
        )
        result.escalated += len(tickets)
        result.ticket_refs.extend(ticket.reference for ticket in tickets[:20])
        result.escalated_thread_ids.extend(ticket.thread_id for ticket in tickets[:20])
        for ticket in tickets:
            batch.facts[ticket.thread_id].ticket_status = ticket.status
            batch.recompute(ticket.thread_id)
        batch.store(now=now)
    return True


def _nudge_batch(result: SweepResult, *, book: PolicyBook, now, batch_size: int) -> bool:
    """Ask askers whose answered question has no accepted answer: "did this solve it?"."""
    with transaction.atomic(), unread_counts_at_end():
        batch = _claim("nudge_at", result=result, book=book, now=now, batch_size=batch_size)
        if batch is None:
            return False
        facts = batch.facts
        notify_each(
            [
                {
                    "recipient_id": facts[tid].author_id,
                    "kind": Notification.Kind.SOLVE_NUDGE,
                    "url": reverse("forum:thread-redirect", args=[tid]),
                    "params": {"thread_title": facts[tid].title, "thread_id": tid},
                    "dedupe_key": f"solve-nudge:{tid}:{facts[tid].nudges_sent + 1}",
                }
                for tid in batch.ready
            ],
            now=now,
        )
        ThreadClock.objects.filter(thread_id__in=batch.ready).update(
            nudges_sent=F("nudges_sent") + 1
        )
        result.nudged += len(batch.ready)
        for tid in batch.ready:
            facts[tid].nudges_sent += 1
            batch.recompute(tid)
        batch.store(now=now)
    return True


def _not_due_again(fresh: dict, field_name: str, now) -> dict:
    """Clocks to store: a deadline still at or before now is spent (the sweep acted or could not)."""
    stored = {}
    for tid, clock in fresh.items():
        if getattr(clock, field_name) is not None and getattr(clock, field_name) <= now:
            clock = clocks.Clock(**{**clock.__dict__, field_name: None})
        stored[tid] = clock
    return stored


def _tell_needs_help(thread_ids: list[int], *, facts: dict[int, Facts], now) -> None:
    """The asker gets tips; the category's helpers (followers who opted in) get an alert."""
    if not thread_ids:
        return
    notes = []
    urls = opening.reversed_paths("forum:thread-redirect", thread_ids)
    for tid in thread_ids:
        fact = facts[tid]
        url = urls[tid]
        notes.append(
            {
                "recipient_id": fact.author_id,
                "kind": Notification.Kind.NEEDS_HELP,
                "url": url,
                "params": {"thread_title": fact.title, "thread_id": tid},
                "dedupe_key": f"needs-help:{tid}",
            }
        )
    categories = {facts[tid].category_id for tid in thread_ids}
    watchers: dict[int, list[int]] = {}
    for user_id, category_id in Follow.objects.filter(category_id__in=categories).values_list(
        "user_id", "category_id"
    ):
        watchers.setdefault(category_id, []).append(user_id)
    watcher_ids = {user_id for ids in watchers.values() for user_id in ids}
    helpers = set(
        helpers_among(User.objects.filter(pk__in=watcher_ids)).values_list("pk", flat=True)
    )
    names = _category_names(categories)
    for tid in thread_ids:
        fact = facts[tid]
        for user_id in watchers.get(fact.category_id, ()):
            if user_id in helpers and user_id != fact.author_id:
                notes.append(
                    {
                        "recipient_id": user_id,
                        "kind": Notification.Kind.HELPER_NEEDS_HELP,
                        "url": urls[tid],
                        "params": {
                            "thread_title": fact.title,
                            "thread_id": tid,
                            **names[fact.category_id],
                        },
                        "dedupe_key": f"helper-needs-help:{tid}",
                    }
                )
    notify_each(notes, now=now)


def _category_names(category_ids) -> dict[int, dict]:
    from forum.models import Category

    return {
        pk: {"category_name": name, "category_name_zh_hans": name_zh_hans}
        for pk, name, name_zh_hans in Category.objects.filter(pk__in=category_ids).values_list(
            "pk", "name", "name_zh_hans"
        )
    }


def _mark_breaches(*, now, missed: list[tuple[str, str]]) -> int:
    """Tickets past a target: one event each, once (a conditional update claims it).

    Appends (reference, target) of each to `missed`, which the sweep logs once it
    knows its work is kept (not a dry run's).
    """
    breached = 0
    for due_field, breached_field, done_field, kind in (
        (
            "first_response_due_at",
            "first_response_breached_at",
            "first_responded_at",
            TicketEvent.Kind.FIRST_RESPONSE_BREACHED,
        ),
        (
            "resolution_due_at",
            "resolution_breached_at",
            "resolved_at",
            TicketEvent.Kind.RESOLUTION_BREACHED,
        ),
    ):
        while True:
            with transaction.atomic(), unread_counts_at_end():
                ids = list(
                    Ticket.objects.filter(
                        **{f"{due_field}__lte": now, breached_field: None, done_field: None},
                        status__in=Ticket.ACTIVE,
                    ).values_list("pk", flat=True)[:SWEEP_BATCH]
                )
                if not ids:
                    break
                claimed = list(
                    Ticket.objects.select_for_update(skip_locked=True)
                    .filter(pk__in=ids, **{breached_field: None})
                    .values_list("pk", "status")
                )
                Ticket.objects.filter(pk__in=[pk for pk, _s in claimed]).update(
                    **{breached_field: now}
                )
                breached_tickets = _tell_breaches([pk for pk, _s in claimed], kind=kind, now=now)
                target = kind.removesuffix("_breached")
                missed.extend((reference, target) for reference in breached_tickets)
                TicketEvent.objects.bulk_create(
                    [
                        TicketEvent(
                            ticket_id=pk,
                            kind=kind,
                            from_status=status,
                            to_status=status,
                            created_at=now,
                        )
                        for pk, status in claimed
                    ]
                )
                breached += len(claimed)
                if not claimed:
                    break
    return breached


def _reconcile_missing_clocks(*, book: PolicyBook, now) -> int:
    """Clocks for the newest threads that have none (their creation event was lost)."""
    newest = ThreadClock.objects.order_by("-thread_id").values_list("thread_id", flat=True).first()
    if newest is None:
        newest_thread = Thread.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        start = max(0, newest_thread - RECONCILE_WINDOW)
    else:
        start = max(0, newest - RECONCILE_WINDOW)
    missing = list(
        Thread.objects.filter(pk__gt=start, clock__isnull=True)
        .filter(~Q(state=Thread.State.CLOSED))
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if missing:
        with transaction.atomic():
            clocks.recompute_clocks(missing, now=now, book=book)
    return len(missing)


def _tell_breaches(ticket_ids: list[int], *, kind: str, now) -> list[str]:
    """Tell the ticket's agent of a missed target, or its queue's agents if it has none.

    A queue's agents are those who chose it and those who chose no queue (they work every
    queue, as automatic assignment has it); every agent when nobody chose it. Returns the
    tickets' references.
    """
    if not ticket_ids:
        return []
    tickets = list(
        Ticket.objects.filter(pk__in=ticket_ids).values_list(
            "pk",
            "reference",
            "assignee_id",
            "queue_id",
            "escalation_count",
            "thread__title",
            "thread_id",
        )
    )
    agents = list(_all_agents())
    serving: dict[int, list[int]] = {}
    for user_id, queue_id in AgentStatus.objects.filter(
        user_id__in=agents, queues__isnull=False
    ).values_list("user_id", "queues"):
        serving.setdefault(queue_id, []).append(user_id)
    chose = {user_id for user_ids in serving.values() for user_id in user_ids}
    every_queue = [user_id for user_id in agents if user_id not in chose]
    notes = []
    path = opening.reversed_paths(
        "escalation:staff-ticket", [reference for _p, reference, *_rest in tickets]
    )
    for _pk, reference, assignee_id, queue_id, count, title, thread_id in tickets:
        if assignee_id:
            recipients = [assignee_id]
        elif queue_id in serving:
            recipients = serving[queue_id] + every_queue
        else:
            recipients = agents
        for user_id in recipients:
            notes.append(
                {
                    "recipient_id": user_id,
                    "kind": kind,
                    "url": path[reference],
                    "params": {
                        "thread_title": title,
                        "reference": reference,
                        "thread_id": thread_id,
                    },
                    "dedupe_key": f"{kind}:{_pk}:{count}",
                }
            )
    notify_each(notes, now=now)
    return [reference for _pk, reference, *_rest in tickets]


def _all_agents() -> list[int]:
    return list(User.objects.filter(roles.agents_q()).distinct().values_list("pk", flat=True))
