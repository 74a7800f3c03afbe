"""A ticket's life: status moves by hand, resolving, reopening and closing.

Statuses (DESIGN.md): new → open (assigned) → waiting on the asker ⇄ open → resolved →
closed. Waiting on the asker pauses the resolution clock; a reply by the asker in the
thread brings the ticket back to open (services.replies); resolved and waiting tickets
close by themselves after the policy's delays (close_due_tickets, run by the sweep).

Every function takes the acting user, checks they may act, locks the rows it changes
(services.locks, in their one order), moves the ticket, appends a TicketEvent naming the
actor, and tells the people concerned. Refusals raise NotAllowed or InvalidTransition
with a message for the user, and change nothing.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import powers
from accounts.models import User
from escalation import business_time
from escalation.models import Ticket, TicketEvent
from escalation.permissions import require_agent
from escalation.policies import Rules, rules_for
from escalation.services import clocks
from escalation.services.assignment import auto_assign
from escalation.services.locks import lock_thread, lock_ticket
from escalation.services.timeline import record_event, tell
from forum.errors import InvalidTransition, NotAllowed
from forum.models import Post, Thread
from forum.services import support as forum_support
from notifications.models import Notification
from notifications.services.unread import unread_counts_at_end
from safety import services as safety_services
from safety.models import SecretRefusal

Status = Ticket.Status
RESOLUTION_NOTE_MAX_CHARS = 2000


# --- The resolution clock ----------------------------------------------------------


def pause_resolution(ticket: Ticket, rules: Rules, now) -> None:
    """Waiting on the asker: keep the counted time left, stop the resolution clock.

    The delay after which a ticket left waiting closes starts again at each call: an
    agent asking the waiting asker something new gives them the whole delay to answer.
    """
    if ticket.waiting_since is None:
        ticket.waiting_since = now
        if ticket.resolution_due_at is not None:
            left = timedelta(0)
            if ticket.resolution_due_at > now:
                left = business_time.business_time_between(
                    rules.schedule, now, ticket.resolution_due_at
                )
            ticket.resolution_time_left, ticket.resolution_due_at = left, None
    delay = rules.policy.close_waiting_after
    ticket.close_at = now + delay if delay is not None else None


def resume_resolution(ticket: Ticket, rules: Rules, now) -> None:
    """Back from waiting: the resolution clock runs on from where it stopped."""
    if ticket.waiting_since is None:
        return
    ticket.waiting_since = None
    if ticket.resolution_time_left is not None:
        ticket.resolution_due_at = rules.after(now, ticket.resolution_time_left)
        ticket.resolution_time_left = None
    ticket.close_at = None


PAUSE_FIELDS = ["waiting_since", "resolution_time_left", "resolution_due_at", "close_at"]


# --- Status moves by hand ------------------------------------------------------------

# Where an agent may move a ticket by hand. Resolving goes through resolve() (it takes a
# note and sends the survey); a closed ticket comes back only by escalating its thread.
AGENT_MOVES = {
    Status.NEW: {Status.OPEN, Status.WAITING, Status.RESOLVED},
    Status.OPEN: {Status.WAITING, Status.RESOLVED},
    Status.WAITING: {Status.OPEN, Status.RESOLVED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}


def refuse_move(ticket: Ticket, status: str) -> None:
    if ticket.status == Status.CLOSED:
        raise InvalidTransition(_("This ticket is closed: escalate the thread again to reopen it."))
    raise InvalidTransition(
        _("A ticket cannot go from %(from)s to %(to)s.")
        % {
            "from": ticket.get_status_display(),
            "to": dict(Status.choices).get(status, status),
        }
    )


def set_status(*, actor: User, ticket: Ticket, status: str, note: str = "", now=None) -> Ticket:
    """Move a ticket by hand (see AGENT_MOVES). Raises NotAllowed or InvalidTransition."""
    require_agent(actor)
    if status == Status.RESOLVED:
        return resolve(actor=actor, ticket=ticket, note=note, now=now)
    now = now or timezone.now()
    with transaction.atomic():
        ticket = lock_ticket(ticket, with_thread=True)
        if status not in AGENT_MOVES.get(ticket.status, ()):
            refuse_move(ticket, status)
        if ticket.status == Status.RESOLVED and status == Status.OPEN:
            return _reopen(ticket, actor=actor, now=now)
        previous = ticket.status
        rules = rules_for(ticket)
        if status == Status.WAITING:
            pause_resolution(ticket, rules, now)
        elif previous == Status.WAITING:
            resume_resolution(ticket, rules, now)
        ticket.status, ticket.updated_at = status, now
        fields = ["status", "updated_at", *PAUSE_FIELDS]
        if status == Status.CLOSED:
            ticket.closed_at, ticket.close_at = now, None
            fields.append("closed_at")
        ticket.save(update_fields=fields)
        kind = (
            TicketEvent.Kind.CLOSED if status == Status.CLOSED else TicketEvent.Kind.STATUS_CHANGED
        )
        record_event(ticket, kind, actor=actor, now=now, previous=previous)
    return ticket


# --- Resolving, reopening, closing -----------------------------------------------


def resolve(*, actor: User, ticket: Ticket, note: str = "", resolution: str = "answered", now=None):
    """An agent resolves an active ticket; the asker is told, with the survey."""
    require_agent(actor)
    note = (note or "").strip()
    if len(note) > RESOLUTION_NOTE_MAX_CHARS:
        raise InvalidTransition(_("Keep the resolution note under 2,000 characters."))
    safety_services.refuse_secrets(where=SecretRefusal.Where.RESOLUTION, texts=[note], now=now)
    now = now or timezone.now()
    with transaction.atomic():
        ticket = lock_ticket(ticket, with_thread=True)
        if not ticket.is_active:
            if ticket.status == Status.CLOSED:
                refuse_move(ticket, Status.RESOLVED)
            raise InvalidTransition(_("This ticket is already resolved."))
        _resolve(ticket, actor=actor, resolution=resolution, note=note, now=now)
    return ticket


def _resolve(
    ticket: Ticket, *, actor, resolution: str, note: str, now, survey: bool = True
) -> None:
    """Resolve a locked, active ticket. Caller holds the thread's lock."""
    rules = rules_for(ticket)
    previous = ticket.status
    ticket.status, ticket.updated_at = Status.RESOLVED, now
    ticket.resolution, ticket.resolution_note, ticket.resolved_at = resolution, note, now
    ticket.waiting_since = ticket.resolution_time_left = None
    ticket.close_at = now + rules.policy.close_resolved_after
    ticket.save()
    record_event(
        ticket,
        TicketEvent.Kind.RESOLVED,
        actor=actor,
        now=now,
        previous=previous,
        detail=resolution,
    )
    forum_support.set_support_resolved(thread_ids=[ticket.thread_id], resolved_at=now)
    clocks.recompute_clocks([ticket.thread_id], now=now)
    if survey:
        # The asker who clicked "This solved my problem" is the actor, and notify() tells
        # nobody of their own doing: the survey is for them all the same.
        by_asker = actor is not None and actor.pk == ticket.requester_id
        tell(
            ticket.requester_id,
            Notification.Kind.REQUEST_RESOLVED,
            ticket,
            url=ticket.get_absolute_url(),
            actor=None if by_asker else actor,
            key=f"resolved:{ticket.pk}:{ticket.escalation_count}",
            now=now,
            ticket_id=ticket.pk,
            cycle=ticket.escalation_count,
        )


def resolve_solved_thread(*, thread_id: int, actor_id: int | None = None, now=None) -> bool:
    """The thread is solved (an accepted answer, or a moderator): its active ticket resolves.

    "This solved my problem" on a staff answer is the asker accepting it. The asker gets
    the survey when the support team answered this cycle; a question the community
    solved before any agent replied resolves quietly. `actor_id` is whoever solved it
    (the asker, or a moderator accepting or marking it for them); the ticket's log
    names them.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock_thread(thread_id)
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("thread")
            .filter(
                thread_id=thread_id, status__in=Ticket.ACTIVE, thread__state=Thread.State.SOLVED
            )
            .first()
        )
        if ticket is None:
            return False
        accepted = ticket.thread.accepted_post_id
        posted_as = None
        if accepted:
            posted_as = Post.objects.filter(pk=accepted).values_list("posted_as", flat=True).first()
        if posted_as == powers.AGENT:
            resolution = "accepted_staff_answer"
        elif posted_as is not None:
            resolution = "solved_by_community"
        else:
            resolution = "marked_solved"
        if actor_id is None and accepted:
            actor_id = ticket.requester_id  # a caller that does not say: the asker accepted
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        _resolve(
            ticket,
            actor=actor,
            resolution=resolution,
            note="",
            now=now,
            survey=ticket.first_responded_at is not None,
        )
    return True


def _reopen(ticket: Ticket, *, actor, now) -> Ticket:
    """Resolved → open (or new, unassigned): a new cycle with a fresh resolution target."""
    rules = rules_for(ticket)
    previous = ticket.status
    # As when the thread is escalated again: the agent who had it keeps it, if still on
    # the team; otherwise it is new again, for someone on duty.
    if ticket.assignee_id is not None and not ticket.assignee.is_agent:
        ticket.assignee = None
    ticket.status = Status.OPEN if ticket.assignee_id else Status.NEW
    ticket.escalation_count += 1
    ticket.resolution = ticket.resolution_note = ""
    ticket.resolved_at = ticket.close_at = ticket.waiting_since = None
    ticket.resolution_time_left = ticket.resolution_breached_at = None
    ticket.resolution_due_at = rules.after(now, rules.policy.resolution_target)
    ticket.updated_at = now
    ticket.save()
    record_event(ticket, TicketEvent.Kind.REOPENED, actor=actor, now=now, previous=previous)
    forum_support.set_escalated(thread_ids=[ticket.thread_id], escalated_at=now)
    clocks.recompute_clocks([ticket.thread_id], now=now)
    if actor is None or actor.pk != ticket.requester_id:
        tell(
            ticket.requester_id,
            Notification.Kind.REQUEST_REOPENED,
            ticket,
            url=ticket.get_absolute_url(),
            actor=actor,
            key=f"reopened:{ticket.pk}:{ticket.escalation_count}",
            now=now,
        )
    tell_assignee_reopened(actor=actor, ticket=ticket, now=now)
    if ticket.assignee_id is None:
        auto_assign(tickets=[ticket], now=now)
    return ticket


def tell_assignee_reopened(*, actor, ticket: Ticket, now) -> None:
    """The agent who has a ticket hears that it came back (unless they brought it back)."""
    if ticket.assignee_id and (actor is None or actor.pk != ticket.assignee_id):
        tell(
            ticket.assignee_id,
            Notification.Kind.TICKET_REOPENED,
            ticket,
            url=ticket.get_staff_url(),
            actor=actor,
            key=f"ticket-reopened:{ticket.pk}:{ticket.escalation_count}",
            now=now,
        )


def can_asker_reopen(ticket: Ticket, *, now=None) -> bool:
    now = now or timezone.now()
    if ticket.status != Status.RESOLVED or ticket.resolved_at is None:
        return False
    window = ticket.policy.reopen_within if ticket.policy_id else timedelta(days=7)
    return now <= ticket.resolved_at + window


def asker_reopen(*, actor: User, ticket: Ticket, now=None) -> Ticket:
    """The asker reopens their resolved request within the policy's window."""
    now = now or timezone.now()
    if actor.pk != ticket.requester_id:
        raise NotAllowed(_("Only the person who asked can reopen this request."))
    with transaction.atomic():
        ticket = lock_ticket(ticket, with_thread=True)
        if ticket.status != Status.RESOLVED:
            raise InvalidTransition(
                _("Only a resolved request can be reopened.")
                if ticket.status != Status.CLOSED
                else _("This request is closed: ask the support team again from the thread.")
            )
        if not can_asker_reopen(ticket, now=now):
            raise InvalidTransition(
                _(
                    "It is too late to reopen this request: ask the support team again from the thread."
                )
            )
        if ticket.thread.is_closed or ticket.thread.is_hidden:
            raise InvalidTransition(_("The thread is closed, so the request cannot be reopened."))
        return _reopen(ticket, actor=actor, now=now)


CLOSING = (Status.RESOLVED, Status.WAITING)


def close_due_tickets(*, now, batch_size: int = 500) -> list[str]:
    """Close resolved tickets, and tickets the asker left waiting, whose time is up.

    Returns the references of the tickets closed (the sweep reports and logs them).

    Each ticket closes in a transaction of its own, under the locks every path takes, in
    their order: the thread's clock and row, then the ticket. Closing a waiting ticket
    hands its thread back, and an asker replying in that thread at that instant holds
    the thread while it waits for the ticket: locking the ticket first deadlocked them.
    A sweep running alongside waits for the thread, then finds the ticket closed.
    """
    closed: list[str] = []
    while True:
        due = list(
            Ticket.objects.filter(close_at__lte=now)
            .order_by("close_at", "pk")
            .values_list("pk", "thread_id", "status")[:batch_size]
        )
        if not due:
            return closed
        if strays := [pk for pk, _thread_id, status in due if status not in CLOSING]:
            # A close_at that outlived its status (never expected) leaves the index.
            Ticket.objects.filter(pk__in=strays).exclude(status__in=CLOSING).update(close_at=None)
        references = [
            reference
            for ticket_id, thread_id, status in due
            if status in CLOSING
            and (reference := _close_if_due(ticket_id, thread_id=thread_id, now=now))
        ]
        closed.extend(references)


def _close_if_due(ticket_id: int, *, thread_id: int, now) -> str | None:
    """Close the ticket if it is still due to close; its reference, or None."""
    with transaction.atomic(), unread_counts_at_end():
        lock_thread(thread_id)
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("thread")
            .filter(pk=ticket_id, close_at__lte=now, status__in=CLOSING)
            .first()
        )
        if ticket is None:  # reopened, answered or closed meanwhile
            return None
        previous = ticket.status
        ticket.status, ticket.closed_at, ticket.close_at = Status.CLOSED, now, None
        ticket.waiting_since = ticket.resolution_time_left = None
        ticket.updated_at = now
        ticket.save()
        record_event(
            ticket,
            TicketEvent.Kind.CLOSED,
            actor=None,
            now=now,
            previous=previous,
            detail="no_reply" if previous == Status.WAITING else "auto",
        )
        if previous == Status.WAITING:  # the support team had the thread until now
            forum_support.set_support_resolved(thread_ids=[thread_id], resolved_at=now)
            clocks.recompute_clocks([thread_id], now=now)
        # After the thread says so: the email shows where the question stands now.
        tell(
            ticket.requester_id,
            Notification.Kind.REQUEST_CLOSED,
            ticket,
            url=ticket.get_absolute_url(),
            key=f"closed:{ticket.pk}:{ticket.escalation_count}",
            now=now,
        )
    return ticket.reference
