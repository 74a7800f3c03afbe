"""Opening tickets: for one thread (the asker asking for staff, a moderator or an agent
escalating) or for many (a batch of the sweep), through one path.

A new ticket's row comes from one builder (build_ticket), and every opening, one ticket
or many, new or reopened, is followed by one list of side effects (_after_opening): the
events, the thread marked escalated, its clocks stopped, the asker told, the ticket
assigned. A thread has one ticket ever (a unique constraint); escalating it again
reopens that ticket, under the thread's locks (services.locks). The sweep's batches
write their new rows with one INSERT (config.bulk) under the locks of the clocks they
claimed; should that fail, they open their tickets one thread at a time.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import powers
from accounts.models import User
from config.bulk import BulkInsert
from escalation.models import ThreadClock, Ticket, TicketEvent, compute_sla_due_at, new_reference
from escalation.policies import PolicyBook, Rules
from escalation.services import clocks
from escalation.services.assignment import auto_assign
from escalation.services.clocks import Facts
from escalation.services.lifecycle import tell_assignee_reopened
from escalation.services.locks import lock_thread
from forum import access
from forum.errors import InvalidTransition, NotAllowed
from forum.models import Thread
from forum.services import common as forum_common
from forum.services import support as forum_support
from notifications.models import Notification
from notifications.services.unread import unread_counts_at_end
from notifications.services.writer import notify_each
from safety import services as safety_services
from safety.models import SecretRefusal

# How many fresh references a single ticket tries before giving up (a random reference
# may, rarely, be taken already).
REFERENCE_ATTEMPTS = 5


# --- Who opens a ticket ------------------------------------------------------------


def ask_for_staff(*, actor: User, thread: Thread, note: str = "", now=None) -> Ticket:
    """The asker asks the support team. Raises NotAllowed or InvalidTransition with the reason."""
    now = now or timezone.now()
    if actor.pk != thread.author_id:
        raise NotAllowed(_("Only the person who asked can ask the support team."))
    if not access.has_verified_email(actor):
        raise NotAllowed(_("Verify your email address first."))
    forum_common.require_good_standing(actor, now=now)
    safety_services.refuse_secrets(where=SecretRefusal.Where.ASK_STAFF, texts=[note], now=now)
    with transaction.atomic(), unread_counts_at_end():
        lock_thread(thread.pk)
        facts = clocks.load_facts([thread.pk])[thread.pk]
        if facts.state != Thread.State.OPEN and not facts.is_hidden:
            raise InvalidTransition(_("This question is solved or closed."))
        require_escalatable(facts)
        rules = PolicyBook.load().for_category(facts.category_id)
        clock = clocks.compute_clock(facts, rules)
        if clock.member_can_request_at is None or clock.member_can_request_at > now:
            raise InvalidTransition(
                _("Give the community a little longer: you can ask the support team later.")
            )
        return open_ticket(
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
    with transaction.atomic(), unread_counts_at_end():
        lock_thread(thread.pk)
        facts = clocks.load_facts([thread.pk])[thread.pk]
        require_escalatable(facts)
        rules = PolicyBook.load().for_category(facts.category_id)
        return open_ticket(facts=facts, rules=rules, reason=reason, actor=actor, note=note, now=now)


def require_escalatable(facts: Facts) -> None:
    if facts.is_hidden:
        raise InvalidTransition(_("A hidden thread cannot be escalated."))
    if facts.state == Thread.State.CLOSED:
        # Nobody, the support team included, can answer in a closed thread.
        raise InvalidTransition(_("Reopen the thread before you escalate it."))
    if facts.has_active_ticket:
        raise InvalidTransition(_("The support team already has this question."))


# --- One path: the row, the writes, the side effects -----------------------------------


def build_ticket(
    facts: Facts, rules: Rules, *, reason: str, note: str, now, reference: str
) -> Ticket:
    """A new ticket's row, unsaved: the one builder of both the single and the bulk path."""
    policy = rules.policy
    ticket = Ticket(
        thread_id=facts.id,
        reference=reference,
        requester_id=facts.author_id,
        priority=policy.ticket_priority,
        queue_id=policy.ticket_queue_id,
        policy_id=policy.pk,
        created_at=now,
    )
    _start_cycle(ticket, facts=facts, rules=rules, reason=reason, note=note, now=now)
    return ticket


def _start_cycle(ticket: Ticket, *, facts: Facts, rules: Rules, reason: str, note: str, now):
    """What each escalation cycle starts with, a new ticket's first and a reopened one's:
    the reason, the thread's category, fresh targets and the SLA deadline they make."""
    policy = rules.policy
    ticket.reason, ticket.note = reason, note
    ticket.category_id = facts.category_id
    ticket.first_response_due_at = rules.after(now, policy.first_response_target)
    ticket.resolution_due_at = rules.after(now, policy.resolution_target)
    ticket.updated_at = now
    ticket.sla_due_at = compute_sla_due_at(ticket)


def _restart(ticket: Ticket, *, facts: Facts, rules: Rules, reason: str, note: str, now) -> None:
    """A resolved or closed ticket escalated again: a new cycle. The agent who had it
    keeps it, if still on the team; otherwise it is new again."""
    keeps = ticket.assignee_id is not None and ticket.assignee.is_agent
    ticket.assignee = ticket.assignee if keeps else None
    ticket.status = Ticket.Status.OPEN if keeps else Ticket.Status.NEW
    ticket.resolution, ticket.resolution_note = "", ""
    ticket.resolved_at = ticket.closed_at = ticket.close_at = None
    ticket.waiting_since = ticket.resolution_time_left = None
    ticket.escalation_count += 1
    ticket.first_responded_at = None
    ticket.first_response_breached_at = ticket.resolution_breached_at = None
    _start_cycle(ticket, facts=facts, rules=rules, reason=reason, note=note, now=now)


def open_ticket(*, actor, facts: Facts, rules: Rules, reason: str, note: str, now) -> Ticket:
    """Open the thread's ticket, or reopen it. Caller holds lock_thread(facts.id)."""
    ticket = Ticket.objects.filter(thread_id=facts.id).first()
    if ticket is None:
        ticket = build_ticket(
            facts, rules, reason=reason, note=note, now=now, reference=new_reference()
        )
        _insert_one(ticket)
        _after_opening([_Opened(ticket, facts)], actor=actor, now=now)
    else:
        previous = ticket.status
        _restart(ticket, facts=facts, rules=rules, reason=reason, note=note, now=now)
        ticket.save()
        _after_opening([_Opened(ticket, facts, previous)], actor=actor, now=now)
    return ticket


def open_tickets(*, due: list[Facts], book: PolicyBook, now) -> list[Ticket]:
    """New tickets for many unanswered (or unsolved) threads, none of which has a ticket:
    a few statements per batch. The sweep's path; caller holds the claimed clocks' locks.

    Should a reference collide, or a person escalate one of these threads meanwhile,
    the batch falls back to one thread at a time, each under its row lock.
    """
    if not due:
        return []
    opened = []
    for facts, reference in zip(due, _free_references(len(due)), strict=True):
        rules = book.for_category(facts.category_id)
        reason = (
            Ticket.Reason.UNSOLVED
            if clocks.is_answered(facts, rules.policy)
            else Ticket.Reason.UNANSWERED
        )
        ticket = build_ticket(facts, rules, reason=reason, note="", now=now, reference=reference)
        opened.append(_Opened(ticket, facts))
    try:
        with transaction.atomic():
            _TICKET_ROWS.insert_instances([each.ticket for each in opened])
    except IntegrityError:
        return _open_one_by_one(opened, book=book, now=now)
    _after_opening(opened, actor=None, now=now)
    return [each.ticket for each in opened]


def _open_one_by_one(opened: list["_Opened"], *, book: PolicyBook, now) -> list[Ticket]:
    """The batch again, each thread under its own locks through open_ticket, less those
    that got a ticket meanwhile."""
    tickets = []
    for each in opened:
        thread_id = each.facts.id
        with transaction.atomic():
            lock_thread(thread_id)
            current = clocks.load_facts([thread_id]).get(thread_id)
            if current is None or current.ticket_status is not None:
                continue
            tickets.append(
                open_ticket(
                    actor=None,
                    facts=current,
                    rules=book.for_category(each.facts.category_id),
                    reason=each.ticket.reason,
                    note="",
                    now=now,
                )
            )
    return tickets


def _insert_one(ticket: Ticket) -> None:
    """Write one new ticket through the bulk path's writer, drawing a new reference
    should its own be taken."""
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                _TICKET_ROWS.insert_instances([ticket])
            return
        except IntegrityError:
            if Ticket.objects.filter(thread_id=ticket.thread_id).exists():
                raise
            ticket.reference = new_reference()
    raise RuntimeError(f"no free ticket reference for thread {ticket.thread_id}")


@dataclass
class _Opened:
    """A ticket just opened, its thread's facts, and its status before (None: new)."""

    ticket: Ticket
    facts: Facts
    previous: str | None = None


def _after_opening(opened: list[_Opened], *, actor, now) -> None:
    """Everything that follows opening tickets, one or many, new or reopened: the one
    list of side effects. Caller holds the threads' locks (or their claimed clocks)."""
    tickets = [each.ticket for each in opened]
    thread_ids = [ticket.thread_id for ticket in tickets]
    # Events in order: created or reopened, then (below) assigned.
    _TICKET_EVENT_ROWS.insert(
        [
            (
                each.ticket.pk,
                TicketEvent.Kind.CREATED if each.previous is None else TicketEvent.Kind.REOPENED,
                actor.pk if actor else None,
                each.previous or "",
                each.ticket.status,
                each.ticket.reason,
                now,
            )
            for each in opened
        ]
    )
    forum_support.set_escalated(thread_ids=thread_ids, escalated_at=now)
    ThreadClock.objects.filter(thread_id__in=thread_ids).update(
        needs_help_at=None, escalate_at=None, member_can_request_at=None, computed_at=now
    )
    urls = reversed_paths("escalation:my-request", [ticket.reference for ticket in tickets])
    notify_each(
        [
            _escalated_note(each.ticket, facts=each.facts, url=urls[each.ticket.reference])
            for each in opened
        ],
        now=now,
    )
    # Who had a reopened ticket keeps it and hears so; the others go to someone on duty.
    kept = [t for t in tickets if t.assignee_id is not None and t.escalation_count > 1]
    auto_assign(tickets=tickets, now=now)
    for ticket in kept:
        tell_assignee_reopened(actor=actor, ticket=ticket, now=now)


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


# Tickets and their events go in with plain INSERTs (see config.bulk).
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
    TicketEvent,
    ("ticket_id", "kind", "actor_id", "from_status", "to_status", "detail", "created_at"),
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


def reversed_paths(name: str, args) -> dict:
    """reverse(name, args=[arg]) for each arg, the pattern reversed once: a sweep's
    twenty thousand reverse() calls cost a tenth of it. Each arg is an id or a ticket
    reference, which reverse() would put in the path as it is."""
    marker = "3141592653"  # digits, which an <int:> and a <str:> converter both accept
    head, _marker, tail = reverse(name, args=[marker]).rpartition(marker)
    return {arg: f"{head}{arg}{tail}" for arg in args}
