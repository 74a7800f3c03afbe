"""Working a ticket: what agents and askers do to it, each step checked and logged.

Every function here takes the acting user, checks they may act, locks the ticket's row
(after the thread's clock and row where the thread changes too, the order every path
takes), moves the ticket, appends a TicketEvent naming the actor, and tells the people
concerned through the notification module. Refusals raise NotAllowed or
InvalidTransition with a message for the user, and change nothing.

Statuses (DESIGN.md): new → open (assigned) → waiting on the asker ⇄ open → resolved →
closed. Waiting on the asker pauses the resolution clock; a reply by the asker in the
thread brings the ticket back to open; resolved and waiting tickets close by themselves
after the policy's delays (see close_due_tickets, run by the sweep).
"""

import re
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import powers
from accounts.models import User
from config.bulk import BulkInsert
from escalation import assignment, business_time, clocks
from escalation.models import (
    AgentStatus,
    CannedReply,
    Priority,
    Queue,
    Ticket,
    TicketEvent,
    TicketNote,
)
from escalation.policies import PolicyBook, Rules
from forum import services as forum_services
from forum.errors import InvalidTransition, NotAllowed
from forum.markdown import render_markdown
from forum.models import Post, Thread
from notifications import services as notifications
from notifications.models import Notification
from safety import services as safety_services
from safety.models import SecretRefusal

Status = Ticket.Status
NOTE_MAX_CHARS = 20_000
RESOLUTION_NOTE_MAX_CHARS = 2000


# --- Helpers ---------------------------------------------------------------------


def _require_agent(actor: User) -> None:
    if not powers.acts_as_agent(actor):
        raise NotAllowed(_("Only the support team can work on tickets."))


def _lock_ticket(ticket: Ticket, *, with_thread: bool = False) -> Ticket:
    """The ticket's row, locked; `with_thread` first locks the thread's clock and row.

    Only the ticket's row (FOR UPDATE OF): the joined thread is read, not locked, so no
    statement here ever takes a thread's lock after a ticket's, the reverse of the order
    every path that needs both takes them in.
    """
    if with_thread:
        from escalation.services import lock_thread

        lock_thread(ticket.thread_id)
    return Ticket.objects.select_for_update(of=("self",)).select_related("thread").get(pk=ticket.pk)


def _event(ticket: Ticket, kind: str, *, actor, now, previous: str = "", **fields) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        from_status=previous or ticket.status,
        to_status=ticket.status,
        created_at=now,
        **fields,
    )


def rules_for(ticket: Ticket) -> Rules:
    return PolicyBook.load().for_category(ticket.thread.category_id)


def _params(ticket: Ticket, **extra) -> dict:
    return {
        "thread_title": ticket.thread.title,
        "reference": ticket.reference,
        "thread_id": ticket.thread_id,
        **extra,
    }


def _tell(recipient_id, kind: str, ticket: Ticket, *, url: str, actor=None, key: str, now, **extra):
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if recipient is None:
        return None
    return notifications.notify(
        recipient=recipient,
        kind=kind,
        url=url,
        params=_params(ticket, **extra),
        actor=actor,
        dedupe_key=key,
        now=now,
    )


def _pause_resolution(ticket: Ticket, rules: Rules, now) -> None:
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


def _resume_resolution(ticket: Ticket, rules: Rules, now) -> None:
    """Back from waiting: the resolution clock runs on from where it stopped."""
    if ticket.waiting_since is None:
        return
    ticket.waiting_since = None
    if ticket.resolution_time_left is not None:
        ticket.resolution_due_at = rules.after(now, ticket.resolution_time_left)
        ticket.resolution_time_left = None
    ticket.close_at = None


PAUSE_FIELDS = ["waiting_since", "resolution_time_left", "resolution_due_at", "close_at"]


# --- Assignment ------------------------------------------------------------------


def set_on_duty(*, actor: User, on_duty: bool, queues=None, now=None) -> AgentStatus:
    """An agent goes on duty or away (and, if given, chooses the queues they work)."""
    _require_agent(actor)
    now = now or timezone.now()
    with transaction.atomic():
        status, _created = AgentStatus.objects.select_for_update().get_or_create(user=actor)
        status.on_duty, status.changed_at = on_duty, now
        status.save(update_fields=["on_duty", "changed_at"])
        if queues is not None:
            status.queues.set(queues)
    return status


def assign(*, actor: User, ticket: Ticket, assignee: User | None, now=None) -> Ticket:
    """Give the ticket to an agent (a new ticket becomes open), or take it back (None)."""
    _require_agent(actor)
    now = now or timezone.now()
    if assignee is not None and not assignee.is_agent:
        raise NotAllowed(_("Tickets can only be assigned to the support team."))
    with transaction.atomic():
        ticket = _lock_ticket(ticket)
        if not ticket.is_active:
            raise InvalidTransition(
                _("This ticket is resolved or closed: escalate the thread to reopen it.")
            )
        new_id = assignee.pk if assignee else None
        if ticket.assignee_id == new_id:
            raise InvalidTransition(
                _("The ticket is already assigned to %(name)s.") % {"name": assignee.public_name}
                if assignee
                else _("The ticket is already unassigned.")
            )
        previous = ticket.status
        if assignee is not None and ticket.status == Status.NEW:
            ticket.status = Status.OPEN
        ticket.assignee, ticket.updated_at = assignee, now
        ticket.save(update_fields=["assignee", "status", "updated_at"])
        if assignee is None:
            _event(ticket, TicketEvent.Kind.UNASSIGNED, actor=actor, now=now, previous=previous)
            return ticket
        _event(
            ticket,
            TicketEvent.Kind.ASSIGNED,
            actor=actor,
            now=now,
            previous=previous,
            detail=assignee.username,
        )
        AgentStatus.objects.update_or_create(user=assignee, defaults={"last_assigned_at": now})
        _tell(
            assignee.pk,
            Notification.Kind.TICKET_ASSIGNED,
            ticket,
            url=ticket.get_staff_url(),
            actor=actor,
            key=f"assigned:{ticket.pk}:{assignee.pk}:{now.isoformat()}",
            now=now,
        )
    return ticket


def claim(*, actor: User, ticket: Ticket, now=None) -> Ticket:
    return assign(actor=actor, ticket=ticket, assignee=actor, now=now)


_ASSIGNED_EVENT_ROWS = BulkInsert(
    TicketEvent, ("ticket_id", "kind", "from_status", "to_status", "detail", "created_at")
)


def auto_assign(tickets: list[Ticket], *, now) -> dict[int, int]:
    """Assign new, unassigned tickets to on-duty agents (see escalation.assignment).

    A few statements for any number of tickets: the sweep calls this per batch. Returns
    {ticket id: agent id}. Caller holds the transaction that created the tickets.
    """
    candidates = [t for t in tickets if t.assignee_id is None and t.status == Status.NEW]
    chosen = assignment.choose(candidates)
    if not chosen:
        return {}
    by_agent: dict[int, list[int]] = {}
    for ticket_id, user_id in chosen.items():
        by_agent.setdefault(user_id, []).append(ticket_id)
    # In the agents' order: two batches assigning at once lock their rows in one order.
    for user_id, ticket_ids in sorted(by_agent.items()):
        Ticket.objects.filter(pk__in=ticket_ids, status=Status.NEW, assignee=None).update(
            assignee_id=user_id, status=Status.OPEN, updated_at=now
        )
        AgentStatus.objects.filter(user_id=user_id).update(last_assigned_at=now)
    names = dict(User.objects.filter(pk__in=by_agent).values_list("pk", "username"))
    by_id = {t.pk: t for t in candidates}
    _ASSIGNED_EVENT_ROWS.insert(
        [
            (tid, TicketEvent.Kind.ASSIGNED, Status.NEW, Status.OPEN, names[uid], now)
            for tid, uid in chosen.items()
        ]
    )
    titles = dict(
        Thread.objects.filter(pk__in=[by_id[tid].thread_id for tid in chosen]).values_list(
            "pk", "title"
        )
    )
    notes = []
    for tid, uid in chosen.items():
        ticket = by_id[tid]
        ticket.assignee_id, ticket.status = uid, Status.OPEN
        notes.append(
            {
                "recipient_id": uid,
                "kind": Notification.Kind.TICKET_ASSIGNED,
                "url": ticket.get_staff_url(),
                "params": {
                    "thread_title": titles.get(ticket.thread_id, ""),
                    "reference": ticket.reference,
                    "thread_id": ticket.thread_id,
                },
                "dedupe_key": f"assigned:{tid}:{uid}:{now.isoformat()}",
            }
        )
    notifications.notify_each(notes, now=now)
    return chosen


# --- Status, priority, queue -----------------------------------------------------

# Where an agent may move a ticket by hand. Resolving goes through resolve() (it takes a
# note and sends the survey); a closed ticket comes back only by escalating its thread.
AGENT_MOVES = {
    Status.NEW: {Status.OPEN, Status.WAITING, Status.RESOLVED},
    Status.OPEN: {Status.WAITING, Status.RESOLVED},
    Status.WAITING: {Status.OPEN, Status.RESOLVED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}


def _refuse_move(ticket: Ticket, status: str) -> None:
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
    _require_agent(actor)
    if status == Status.RESOLVED:
        return resolve(actor=actor, ticket=ticket, note=note, now=now)
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _lock_ticket(ticket, with_thread=True)
        if status not in AGENT_MOVES.get(ticket.status, ()):
            _refuse_move(ticket, status)
        if ticket.status == Status.RESOLVED and status == Status.OPEN:
            return _reopen(ticket, actor=actor, now=now)
        previous = ticket.status
        rules = rules_for(ticket)
        if status == Status.WAITING:
            _pause_resolution(ticket, rules, now)
        elif previous == Status.WAITING:
            _resume_resolution(ticket, rules, now)
        ticket.status, ticket.updated_at = status, now
        fields = ["status", "updated_at", *PAUSE_FIELDS]
        if status == Status.CLOSED:
            ticket.closed_at, ticket.close_at = now, None
            fields.append("closed_at")
        ticket.save(update_fields=fields)
        kind = (
            TicketEvent.Kind.CLOSED if status == Status.CLOSED else TicketEvent.Kind.STATUS_CHANGED
        )
        _event(ticket, kind, actor=actor, now=now, previous=previous)
    return ticket


def set_priority(*, actor: User, ticket: Ticket, priority, now=None) -> Ticket:
    _require_agent(actor)
    now = now or timezone.now()
    try:
        priority = Priority(int(priority))
    except (TypeError, ValueError):
        raise InvalidTransition(_("Choose a priority from the list.")) from None
    with transaction.atomic():
        ticket = _lock_ticket(ticket)
        if ticket.status == Status.CLOSED:
            _refuse_move(ticket, ticket.status)
        if ticket.priority == priority:
            raise InvalidTransition(_("The ticket already has this priority."))
        before = ticket.priority
        ticket.priority, ticket.updated_at = priority, now
        ticket.save(update_fields=["priority", "updated_at"])
        # Codes, not labels: the timeline shows them in each reader's language.
        _event(
            ticket,
            TicketEvent.Kind.PRIORITY_CHANGED,
            actor=actor,
            now=now,
            detail=f"{before}→{priority.value}",
        )
    return ticket


def set_queue(*, actor: User, ticket: Ticket, queue: Queue | None, now=None) -> Ticket:
    _require_agent(actor)
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _lock_ticket(ticket)
        if ticket.status == Status.CLOSED:
            _refuse_move(ticket, ticket.status)
        new_id = queue.pk if queue else None
        if ticket.queue_id == new_id:
            raise InvalidTransition(_("The ticket is already in this queue."))
        before = str(ticket.queue) if ticket.queue_id else "—"
        ticket.queue, ticket.updated_at = queue, now
        ticket.save(update_fields=["queue", "updated_at"])
        _event(
            ticket,
            TicketEvent.Kind.QUEUE_CHANGED,
            actor=actor,
            now=now,
            detail=f"{before} → {queue or '—'}"[:200],
        )
    return ticket


# --- Resolving, reopening, closing -----------------------------------------------


def resolve(*, actor: User, ticket: Ticket, note: str = "", resolution: str = "answered", now=None):
    """An agent resolves an active ticket; the asker is told, with the survey."""
    _require_agent(actor)
    note = (note or "").strip()
    if len(note) > RESOLUTION_NOTE_MAX_CHARS:
        raise InvalidTransition(_("Keep the resolution note under 2,000 characters."))
    safety_services.refuse_secrets(where=SecretRefusal.Where.RESOLUTION, texts=[note], now=now)
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _lock_ticket(ticket, with_thread=True)
        if not ticket.is_active:
            if ticket.status == Status.CLOSED:
                _refuse_move(ticket, Status.RESOLVED)
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
    _event(
        ticket,
        TicketEvent.Kind.RESOLVED,
        actor=actor,
        now=now,
        previous=previous,
        detail=resolution,
    )
    forum_services.set_support_resolved(thread_ids=[ticket.thread_id], resolved_at=now)
    clocks.recompute_clocks([ticket.thread_id], now=now)
    if survey:
        # The asker who clicked "This solved my problem" is the actor, and notify() tells
        # nobody of their own doing: the survey is for them all the same.
        by_asker = actor is not None and actor.pk == ticket.requester_id
        _tell(
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
        from escalation.services import lock_thread

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
    _event(ticket, TicketEvent.Kind.REOPENED, actor=actor, now=now, previous=previous)
    forum_services.set_escalated(thread_ids=[ticket.thread_id], escalated_at=now)
    clocks.recompute_clocks([ticket.thread_id], now=now)
    if actor is None or actor.pk != ticket.requester_id:
        _tell(
            ticket.requester_id,
            Notification.Kind.REQUEST_REOPENED,
            ticket,
            url=ticket.get_absolute_url(),
            actor=actor,
            key=f"reopened:{ticket.pk}:{ticket.escalation_count}",
            now=now,
        )
    tell_assignee_reopened(ticket, actor=actor, now=now)
    if ticket.assignee_id is None:
        auto_assign([ticket], now=now)
    return ticket


def tell_assignee_reopened(ticket: Ticket, *, actor, now) -> None:
    """The agent who has a ticket hears that it came back (unless they brought it back)."""
    if ticket.assignee_id and (actor is None or actor.pk != ticket.assignee_id):
        _tell(
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
        ticket = _lock_ticket(ticket, with_thread=True)
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
    from escalation.services import lock_thread

    with transaction.atomic(), notifications.unread_counts_at_end():
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
        _event(
            ticket,
            TicketEvent.Kind.CLOSED,
            actor=None,
            now=now,
            previous=previous,
            detail="no_reply" if previous == Status.WAITING else "auto",
        )
        if previous == Status.WAITING:  # the support team had the thread until now
            forum_services.set_support_resolved(thread_ids=[thread_id], resolved_at=now)
            clocks.recompute_clocks([thread_id], now=now)
        # After the thread says so: the email shows where the question stands now.
        _tell(
            ticket.requester_id,
            Notification.Kind.REQUEST_CLOSED,
            ticket,
            url=ticket.get_absolute_url(),
            key=f"closed:{ticket.pk}:{ticket.escalation_count}",
            now=now,
        )
    return ticket.reference


# --- Replies and notes -----------------------------------------------------------


def staff_reply(*, actor: User, ticket: Ticket, body: str, now=None) -> Post:
    """An agent answers in the public thread, as the support team.

    The post is an ordinary forum post (the forum checks the body and the thread);
    on_post_created below then records the first response and moves the ticket to
    waiting on the asker, in the same transaction.
    """
    _require_agent(actor)
    safety_services.refuse_secrets(where=SecretRefusal.Where.STAFF_REPLY, texts=[body], now=now)
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _lock_ticket(ticket, with_thread=True)
        if ticket.status == Status.CLOSED:
            raise InvalidTransition(
                _("This ticket is closed: escalate the thread again to reopen it.")
            )
        if ticket.status == Status.RESOLVED:
            raise InvalidTransition(_("This ticket is resolved: reopen it before you reply."))
        return forum_services.create_post(author=actor, thread=ticket.thread, body=body, now=now)


def on_post_created(*, thread: Thread, post: Post, author: User, now) -> set[int]:
    """forum's post hook: a reply in an escalated thread moves its ticket.

    An agent's reply is the first response (for the SLA), takes an unassigned ticket,
    and leaves the ticket waiting on the asker, who is told the support team answered.
    The asker's reply to a ticket waiting on them puts it back in the team's hands.
    Runs inside create_post's transaction, the thread's row locked.
    """
    if thread.escalated_at is None:
        return set()  # no active ticket: nothing to do, and no query
    is_asker = author.pk == thread.author_id
    # The support team's answer is one written as staff (a verified second factor), never
    # merely by someone who holds the role: a phished password moves no ticket.
    is_staff_answer = post.is_staff_answer
    if not (is_asker or is_staff_answer):
        return set()
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("thread")
        .filter(thread_id=thread.pk, status__in=Ticket.ACTIVE)
        .first()
    )
    if ticket is None:
        return set()
    if is_asker and not is_staff_answer:
        if ticket.status != Status.WAITING:
            return set()
        _resume_resolution(ticket, rules_for(ticket), now)
        ticket.status, ticket.updated_at = Status.OPEN, now
        ticket.save(update_fields=["status", "updated_at", *PAUSE_FIELDS])
        _event(
            ticket,
            TicketEvent.Kind.ASKER_REPLIED,
            actor=author,
            now=now,
            previous=Status.WAITING,
            post=post,
        )
        return set()
    previous = ticket.status
    if ticket.first_responded_at is None:
        ticket.first_responded_at = post.created_at
    if ticket.assignee_id is None:
        ticket.assignee = author
        _event(ticket, TicketEvent.Kind.ASSIGNED, actor=author, now=now, detail=author.username)
    _pause_resolution(ticket, rules_for(ticket), now)
    ticket.status = Status.WAITING
    ticket.updated_at = now
    ticket.save()
    _event(
        ticket, TicketEvent.Kind.STAFF_REPLIED, actor=author, now=now, previous=previous, post=post
    )
    note = _tell(
        ticket.requester_id,
        Notification.Kind.STAFF_REPLIED,
        ticket,
        url=post.get_absolute_url(),
        actor=author,
        key=f"staff-reply:{post.pk}",
        now=now,
        excerpt=forum_services.excerpt(post),
        post_id=post.pk,
    )
    return {ticket.requester_id} if note is not None else set()


def add_note(*, actor: User, ticket: Ticket, body: str, now=None) -> TicketNote:
    """An internal note: markdown, for agents and admins only."""
    _require_agent(actor)
    body = (body or "").strip()
    if not body:
        raise InvalidTransition(_("Write the note first."))
    if len(body) > NOTE_MAX_CHARS:
        raise InvalidTransition(_("Keep the note under 20,000 characters."))
    safety_services.refuse_secrets(where=SecretRefusal.Where.NOTE, texts=[body], now=now)
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _lock_ticket(ticket)
        note = TicketNote.objects.create(
            ticket=ticket, author=actor, body=body, body_html=render_markdown(body), created_at=now
        )
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
    return note


_PLACEHOLDER = re.compile(r"\{(" + "|".join(CannedReply.PLACEHOLDERS) + r")\}")


def fill_canned_reply(reply: CannedReply, ticket: Ticket, *, thread_url: str) -> str:
    """The reply's text with {asker_name}, {reference} and {thread_link} filled in.

    Anything else in braces is left as written. `thread_url` is the thread's absolute URL.
    """
    values = {
        "asker_name": ticket.requester.public_name,
        "reference": ticket.reference,
        "thread_link": thread_url,
    }
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], reply.body)


# --- Bulk actions from the queue ---------------------------------------------------


def bulk(*, actor: User, tickets, action: str, value, now=None) -> tuple[int, list[str]]:
    """Apply one action to many tickets: ("assign", user|None), ("status", s), ("priority", p).

    Each ticket goes through the same function as a single change, in its own
    transaction: one that cannot move is reported and the others still do.
    Returns (how many changed, messages for those that did not).
    """
    _require_agent(actor)
    changed, problems = 0, []
    for ticket in tickets:
        try:
            if action == "assign":
                assign(actor=actor, ticket=ticket, assignee=value, now=now)
            elif action == "status":
                set_status(actor=actor, ticket=ticket, status=value, now=now)
            elif action == "priority":
                set_priority(actor=actor, ticket=ticket, priority=value, now=now)
            else:
                raise InvalidTransition(_("Choose an action."))
        except (NotAllowed, InvalidTransition) as error:
            problems.append(f"{ticket.reference}: {error}")
        else:
            changed += 1
    return changed, problems
