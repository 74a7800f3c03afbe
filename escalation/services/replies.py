"""Talking on a ticket: the support team's public replies, the asker's replies that move
the ticket, internal notes and canned replies.

A staff reply is an ordinary forum post: the forum's post hook (on_post_created,
registered in apps.py) moves the ticket in the post's own transaction.
"""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from escalation.models import CannedReply, Ticket, TicketEvent, TicketNote
from escalation.permissions import require_agent
from escalation.policies import rules_for
from escalation.services.lifecycle import PAUSE_FIELDS, pause_resolution, resume_resolution
from escalation.services.locks import lock_ticket
from escalation.services.timeline import record_event, tell
from forum.errors import InvalidTransition
from forum.markdown import render_markdown
from forum.models import Post, Thread
from forum.services import posting as forum_posting
from notifications.models import Notification
from safety import services as safety_services
from safety.models import SecretRefusal

Status = Ticket.Status
NOTE_MAX_CHARS = 20_000


# --- Replies and notes -----------------------------------------------------------


def staff_reply(*, actor: User, ticket: Ticket, body: str, now=None) -> Post:
    """An agent answers in the public thread, as the support team.

    The post is an ordinary forum post (the forum checks the body and the thread);
    on_post_created below then records the first response and moves the ticket to
    waiting on the asker, in the same transaction.
    """
    require_agent(actor)
    safety_services.refuse_secrets(where=SecretRefusal.Where.STAFF_REPLY, texts=[body], now=now)
    now = now or timezone.now()
    with transaction.atomic():
        ticket = lock_ticket(ticket, with_thread=True)
        if ticket.status == Status.CLOSED:
            raise InvalidTransition(
                _("This ticket is closed: escalate the thread again to reopen it.")
            )
        if ticket.status == Status.RESOLVED:
            raise InvalidTransition(_("This ticket is resolved: reopen it before you reply."))
        return forum_posting.create_post(author=actor, thread=ticket.thread, body=body, now=now)


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
        resume_resolution(ticket, rules_for(ticket), now)
        ticket.status, ticket.updated_at = Status.OPEN, now
        ticket.save(update_fields=["status", "updated_at", *PAUSE_FIELDS])
        record_event(
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
        record_event(
            ticket, TicketEvent.Kind.ASSIGNED, actor=author, now=now, detail=author.username
        )
    pause_resolution(ticket, rules_for(ticket), now)
    ticket.status = Status.WAITING
    ticket.updated_at = now
    ticket.save()
    record_event(
        ticket, TicketEvent.Kind.STAFF_REPLIED, actor=author, now=now, previous=previous, post=post
    )
    note = tell(
        ticket.requester_id,
        Notification.Kind.STAFF_REPLIED,
        ticket,
        url=post.get_absolute_url(),
        actor=author,
        key=f"staff-reply:{post.pk}",
        now=now,
        excerpt=forum_posting.excerpt(post),
        post_id=post.pk,
    )
    return {ticket.requester_id} if note is not None else set()


def add_note(*, actor: User, ticket: Ticket, body: str, now=None) -> TicketNote:
    """An internal note: markdown, for agents and admins only."""
    require_agent(actor)
    body = (body or "").strip()
    if not body:
        raise InvalidTransition(_("Write the note first."))
    if len(body) > NOTE_MAX_CHARS:
        raise InvalidTransition(_("Keep the note under 20,000 characters."))
    safety_services.refuse_secrets(where=SecretRefusal.Where.NOTE, texts=[body], now=now)
    now = now or timezone.now()
    with transaction.atomic():
        ticket = lock_ticket(ticket)
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
