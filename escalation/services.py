"""Escalation: tickets for threads the community could not answer, and the sweep that opens them.

Every way into a ticket (the sweep, the asker asking for staff, a moderator or an agent
escalating) goes through `_open_ticket` under locks on the thread's clock and row, or
(the sweep's batches) under locks on the clocks of the threads it escalates. A thread has
one ticket ever (a unique constraint); escalating it again reopens that ticket.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import powers, roles
from accounts.models import User
from config.bulk import BulkInsert
from escalation import clocks, workflow
from escalation.clocks import Facts
from escalation.models import AgentStatus, ThreadClock, Ticket, TicketEvent, new_reference
from escalation.policies import PolicyBook, Rules
from forum import access
from forum import services as forum_services
from forum.errors import InvalidTransition, NotAllowed
from forum.models import Follow, Thread
from notifications import services as notifications
from notifications.models import Notification
from notifications.selectors import helpers_among
from safety import services as safety_services
from safety.models import SecretRefusal

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500
# A thread created this close to the newest clock is checked for a missing clock on
# every sweep: the after-commit event that makes it may have been lost in a crash.
RECONCILE_WINDOW = 1000


# --- Tickets -------------------------------------------------------------------


def ask_for_staff(*, actor: User, thread: Thread, note: str = "", now=None) -> Ticket:
    """The asker asks the support team. Raises NotAllowed or InvalidTransition with the reason."""
    now = now or timezone.now()
    if actor.pk != thread.author_id:
        raise NotAllowed(_("Only the person who asked can ask the support team."))
    if not access.has_verified_email(actor):
        raise NotAllowed(_("Verify your email address first."))
    forum_services.require_good_standing(actor, now=now)
    safety_services.refuse_secrets(where=SecretRefusal.Where.ASK_STAFF, texts=[note], now=now)
    with transaction.atomic(), notifications.unread_counts_at_end():
        lock_thread(thread.pk)
        facts = clocks.load_facts([thread.pk])[thread.pk]
        if facts.state != Thread.State.OPEN and not facts.is_hidden:
            raise InvalidTransition(_("This question is solved or closed."))
        _require_escalatable(facts)
        rules = PolicyBook.load().for_category(facts.category_id)
        clock = clocks.compute_clock(facts, rules)
        if clock.member_can_request_at is None or clock.member_can_request_at > now:
            raise InvalidTransition(
                _("Give the community a little longer: you can ask the support team later.")
            )
        return _open_ticket(
            facts=facts, rules=rules, reason=Ticket.Reason.ASKER, actor=actor, note=note, now=now
        )


def escalate_thread(*, actor: User, thread: Thread, note: str = "", now=None) -> Ticket:
    """A moderator or an agent hands any visible thread to the support team at once."""
    now = now or timezone.now()
    role = powers.acting_role(actor)
    if role == powers.AGENT:
        reason = Ticket.Reason.AGENT
    elif role == powers.MODERATOR:
        reason = Ticket.Reason.MODERATOR
    else:
        raise NotAllowed(_("Only moderators and the support team can escalate a thread."))
    safety_services.refuse_secrets(where=SecretRefusal.Where.ASK_STAFF, texts=[note], now=now)
    with transaction.atomic(), notifications.unread_counts_at_end():
        lock_thread(thread.pk)
        facts = clocks.load_facts([thread.pk])[thread.pk]
        _require_escalatable(facts)
        rules = PolicyBook.load().for_category(facts.category_id)
        return _open_ticket(
            facts=facts, rules=rules, reason=reason, actor=actor, note=note, now=now
        )


def lock_thread(thread_id: int) -> None:
    """Lock the thread's clock row, then the thread's row: the order the sweep takes them.

    The sweep claims clock rows, then flags and escalates their threads. Someone asking
    for staff on a thread the sweep holds waits for that batch, then finds its ticket;
    a sweep passes by (SKIP LOCKED) a thread someone is escalating. Locking the thread
    first deadlocked the two: the sweep waited for the thread, the asker for the clock.
    """
    ThreadClock.objects.select_for_update().filter(thread_id=thread_id).values_list("pk").first()
    Thread.objects.select_for_update().filter(pk=thread_id).values_list("pk").first()


def _require_escalatable(facts: Facts) -> None:
    if facts.is_hidden:
        raise InvalidTransition(_("A hidden thread cannot be escalated."))
    if facts.state == Thread.State.CLOSED:
        # Nobody, the support team included, can answer in a closed thread.
        raise InvalidTransition(_("Reopen the thread before you escalate it."))
    if facts.has_active_ticket:
        raise InvalidTransition(_("The support team already has this question."))


def _open_ticket(*, facts: Facts, rules: Rules, reason: str, actor, note: str, now) -> Ticket:
    """Open the thread's ticket, or reopen it. Caller holds the thread's row lock."""
    policy = rules.policy
    ticket = Ticket.objects.filter(thread_id=facts.id).first()
    if ticket is None:
        ticket = _create_ticket(facts=facts, rules=rules, reason=reason, note=note, now=now)
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEvent.Kind.CREATED,
            actor=actor,
            to_status=ticket.status,
            detail=reason,
            created_at=now,
        )
    else:
        previous = ticket.status
        # The agent who had it keeps it, if still on the team; otherwise it is new again.
        keeps = ticket.assignee_id is not None and ticket.assignee.is_agent
        ticket.assignee = ticket.assignee if keeps else None
        ticket.status = Ticket.Status.OPEN if keeps else Ticket.Status.NEW
        ticket.reason, ticket.note = reason, note
        ticket.category_id = facts.category_id
        ticket.resolution, ticket.resolution_note = "", ""
        ticket.resolved_at = ticket.closed_at = ticket.close_at = None
        ticket.waiting_since = ticket.resolution_time_left = None
        ticket.escalation_count += 1
        ticket.first_responded_at = None
        ticket.first_response_breached_at = ticket.resolution_breached_at = None
        ticket.first_response_due_at = rules.after(now, policy.first_response_target)
        ticket.resolution_due_at = rules.after(now, policy.resolution_target)
        ticket.updated_at = now
        ticket.save()
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEvent.Kind.REOPENED,
            actor=actor,
            from_status=previous,
            to_status=ticket.status,
            detail=reason,
            created_at=now,
        )
    forum_services.set_escalated(thread_ids=[facts.id], escalated_at=now)
    ThreadClock.objects.filter(thread_id=facts.id).update(
        needs_help_at=None, escalate_at=None, member_can_request_at=None, computed_at=now
    )
    _tell_asker_escalated(ticket, facts=facts, rules=rules, now=now)
    if ticket.assignee_id is None:
        workflow.auto_assign([ticket], now=now)
    elif ticket.escalation_count > 1:
        workflow.tell_assignee_reopened(ticket, actor=actor, now=now)
    return ticket


def _create_ticket(*, facts: Facts, rules: Rules, reason: str, note: str, now) -> Ticket:
    policy = rules.policy
    for _attempt in range(5):  # a random reference may, rarely, be taken already
        try:
            with transaction.atomic():
                return Ticket.objects.create(
                    **_ticket_fields(facts, rules, reason, note, now, new_reference())
                )
        except IntegrityError:
            if Ticket.objects.filter(thread_id=facts.id).exists():
                raise
    raise RuntimeError(f"no free ticket reference for thread {facts.id} ({policy})")


def _ticket_fields(facts: Facts, rules: Rules, reason: str, note: str, now, reference: str) -> dict:
    policy = rules.policy
    first_response_due_at = rules.after(now, policy.first_response_target)
    resolution_due_at = rules.after(now, policy.resolution_target)
    return {
        "thread_id": facts.id,
        "reference": reference,
        "requester_id": facts.author_id,
        "reason": reason,
        "note": note,
        "priority": policy.ticket_priority,
        "queue_id": policy.ticket_queue_id,
        "policy_id": policy.pk,
        "category_id": facts.category_id,
        "created_at": now,
        "updated_at": now,
        "first_response_due_at": first_response_due_at,
        "resolution_due_at": resolution_due_at,
        "sla_due_at": min(first_response_due_at, resolution_due_at),
    }


def _escalated_note(ticket: Ticket, *, facts: Facts, url: str) -> dict:
    """`url` is the ticket's page for the asker (ticket.get_absolute_url())."""
    return {
        "recipient_id": facts.author_id,
        "kind": Notification.Kind.ESCALATED,
        "url": url,
        "params": {
            "thread_title": facts.title,
            "reference": ticket.reference,
            "first_response_due_at": ticket.first_response_due_at.isoformat(),
            "thread_id": ticket.thread_id,
        },
        "dedupe_key": f"escalated:{ticket.pk}:{ticket.escalation_count}",
    }


def _tell_asker_escalated(ticket: Ticket, *, facts: Facts, rules: Rules, now) -> None:
    note = _escalated_note(ticket, facts=facts, url=ticket.get_absolute_url())
    recipient = User.objects.get(pk=note.pop("recipient_id"))
    notifications.notify(recipient=recipient, now=now, **note)


# --- The sweep -----------------------------------------------------------------


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
    result.closed_refs = workflow.close_due_tickets(now=now, batch_size=batch_size)
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
    with transaction.atomic(), notifications.unread_counts_at_end():
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
    flagged = forum_services.mark_needs_help(thread_ids=thread_ids, now=now)
    result.flagged += len(flagged)
    for tid in flagged:
        facts[tid].needs_help_at = now
    _tell_needs_help(flagged, facts=facts, now=now)
    return flagged


def _escalation_batch(result: SweepResult, *, book: PolicyBook, now, batch_size: int) -> bool:
    with transaction.atomic(), notifications.unread_counts_at_end():
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
        tickets = _open_tickets_in_bulk(
            [batch.facts[tid] for tid in batch.ready], book=book, now=now
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
    with transaction.atomic(), notifications.unread_counts_at_end():
        batch = _claim("nudge_at", result=result, book=book, now=now, batch_size=batch_size)
        if batch is None:
            return False
        facts = batch.facts
        notifications.notify_each(
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


def _open_tickets_in_bulk(due: list[Facts], *, book: PolicyBook, now) -> list[Ticket]:
    """Tickets for many unanswered (or unsolved) threads: a few statements per batch.

    Should a reference collide, or a person escalate one of these threads meanwhile,
    the batch falls back to one thread at a time, each under its row lock.
    """
    if not due:
        return []
    reasons = {}
    rows = []
    for facts, reference in zip(due, _free_references(len(due)), strict=True):
        rules = book.for_category(facts.category_id)
        reason = (
            Ticket.Reason.UNSOLVED
            if clocks.is_answered(facts, rules.policy)
            else Ticket.Reason.UNANSWERED
        )
        reasons[facts.id] = (reason, rules)
        rows.append(_ticket_fields(facts, rules, reason, "", now, reference))
    try:
        with transaction.atomic():
            ids = _TICKET_ROWS.insert(
                [tuple(row[name] for name in _TICKET_ROWS.columns) for row in rows],
                return_ids=True,
            )
    except IntegrityError:
        tickets = []
        for facts in due:
            reason, rules = reasons[facts.id]
            with transaction.atomic():
                lock_thread(facts.id)
                current = clocks.load_facts([facts.id]).get(facts.id)
                if current is None or current.ticket_status is not None:
                    continue
                tickets.append(
                    _open_ticket(
                        facts=current, rules=rules, reason=reason, actor=None, note="", now=now
                    )
                )
        return tickets
    tickets = [Ticket(pk=pk, **row) for pk, row in zip(ids, rows, strict=True)]
    for ticket in tickets:  # as bulk_create leaves them: saved rows
        ticket._state.adding, ticket._state.db = False, Ticket.objects.db
    # Events in order: created, then (below) assigned.
    _TICKET_EVENT_ROWS.insert(
        [
            (ticket.pk, TicketEvent.Kind.CREATED, ticket.status, ticket.reason, now)
            for ticket in tickets
        ]
    )
    forum_services.set_escalated(
        thread_ids=[ticket.thread_id for ticket in tickets], escalated_at=now
    )
    by_thread = {facts.id: facts for facts in due}
    urls = _paths("escalation:my-request", [ticket.reference for ticket in tickets])
    notifications.notify_each(
        [
            _escalated_note(ticket, facts=by_thread[ticket.thread_id], url=urls[ticket.reference])
            for ticket in tickets
        ],
        now=now,
    )
    workflow.auto_assign(tickets, now=now)
    return tickets


# The sweep's tickets and their events go in with plain INSERTs (see config.bulk).
_TICKET_ROWS = BulkInsert(
    Ticket,
    (
        "thread_id",
        "reference",
        "requester_id",
        "reason",
        "note",
        "priority",
        "queue_id",
        "policy_id",
        "category_id",
        "created_at",
        "updated_at",
        "first_response_due_at",
        "resolution_due_at",
        "sla_due_at",
    ),
)
_TICKET_EVENT_ROWS = BulkInsert(
    TicketEvent, ("ticket_id", "kind", "to_status", "detail", "created_at")
)


def _free_references(count: int) -> list[str]:
    """`count` distinct ticket references that no ticket has yet: one query a round.

    Random references collide like birthdays: a batch of 500 meets a taken one about
    half the time once ten thousand tickets exist, and a single collision sends the
    whole batch down the one-thread-at-a-time path. One taken between this check and
    the insert still does, rarely.
    """
    free: set[str] = set()
    while len(free) < count:
        candidates = {new_reference() for _ in range(count - len(free))} - free
        free |= candidates - set(
            Ticket.objects.filter(reference__in=candidates).values_list("reference", flat=True)
        )
    return list(free)


def _tell_needs_help(thread_ids: list[int], *, facts: dict[int, Facts], now) -> None:
    """The asker gets tips; the category's helpers (followers who opted in) get an alert."""
    if not thread_ids:
        return
    notes = []
    urls = _paths("forum:thread-redirect", thread_ids)
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
    notifications.notify_each(notes, now=now)


def _paths(name: str, args) -> dict:
    """reverse(name, args=[arg]) for each arg, the pattern reversed once: a sweep's
    twenty thousand reverse() calls cost a tenth of it. Each arg is an id or a ticket
    reference, which reverse() would put in the path as it is."""
    marker = "3141592653"  # digits, which an <int:> and a <str:> converter both accept
    head, _marker, tail = reverse(name, args=[marker]).rpartition(marker)
    return {arg: f"{head}{arg}{tail}" for arg in args}


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
            with transaction.atomic(), notifications.unread_counts_at_end():
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
    path = _paths("escalation:staff-ticket", [reference for _p, reference, *_rest in tickets])
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
    notifications.notify_each(notes, now=now)
    return [reference for _pk, reference, *_rest in tickets]


def _all_agents() -> list[int]:
    return list(User.objects.filter(roles.agents_q()).distinct().values_list("pk", flat=True))
