"""What the staff page of one ticket shows: reads only, a fixed number of queries.

TicketPage loads each part the first time a template asks for it, so an htmx response
that re-renders only the ticket's properties never loads its thread or its asker. Every
part is one or two queries, whatever the number of posts, events or notes.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from config import times
from escalation.models import (
    LANGUAGE_TAGS,
    CannedReply,
    Priority,
    Queue,
    SatisfactionRating,
    Ticket,
    TicketEvent,
    TicketNote,
)
from escalation.selectors.agents import agents
from escalation.selectors.queue import overdue_text
from escalation.services.lifecycle import AGENT_MOVES
from forum.models import Post, Thread
from forum.states import QUESTION_STATE_FIELDS

Status = Ticket.Status
REFERENCE_MAX_CHARS = Ticket._meta.get_field("reference").max_length
# A target this close is "due soon" (amber): the same hour the queue's filter uses.
DUE_SOON = timedelta(hours=1)
# Beyond this many posts the page shows the question, the accepted answer and the
# latest replies, and links to the thread for the rest.
MAX_POSTS = 100
OTHER_THREADS = 10
OTHER_TICKETS = 10

RESOLUTIONS = {
    "answered": _("Resolved by the support team"),
    "accepted_staff_answer": _("The asker accepted the support team’s answer"),
    "solved_by_community": _("Solved by the community"),
    "marked_solved": _("The thread was marked solved"),
}
CLOSINGS = {
    "auto": _("Closed automatically after resolution"),
    "no_reply": _("Closed automatically: the asker did not reply"),
}


def get_ticket(reference: str) -> Ticket:
    """The ticket with this reference, or 404 (also for what can be no reference)."""
    if len(reference) > REFERENCE_MAX_CHARS or "\x00" in reference:
        raise Http404  # PostgreSQL refuses a NUL byte in a query: a 500, not a miss
    ticket = (
        Ticket.objects.select_related(
            "thread",
            "thread__category",
            "thread__chain",
            "requester",
            "assignee",
            "queue",
        )
        .filter(reference=reference)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


# --- SLA clocks ------------------------------------------------------------------


@dataclass(frozen=True)
class SlaClock:
    """One SLA target as the team sees it now.

    state: "met", "missed" (done, but late), "breached" (late and still running),
    "due-soon", "on-track", "paused" (waiting on the asker) or "off" (no target).
    """

    label: str
    state: str
    due_at: datetime | None = None
    done_at: datetime | None = None
    time_left: timedelta | None = None  # while paused: the counted time still left
    overdue: str = ""  # while breached: the queue's label, "Overdue by 2 days"

    @property
    def state_label(self) -> str:
        return str(CLOCK_STATES[self.state])

    @property
    def time_left_text(self) -> str:
        """The paused clock's counted time left, in words ("2 days, 3 hours")."""
        if self.time_left is None:
            return ""
        start = timezone.now()
        return times.duration(start, start + self.time_left)


CLOCK_STATES = {
    "met": _("Met"),
    "missed": _("Missed"),
    "breached": _("Breached"),
    "due-soon": _("Due soon"),
    "on-track": _("On track"),
    "paused": _("Paused: waiting on the asker"),
    "off": _("No target"),
}


def _running(label, *, due_at, breached_at, now) -> SlaClock:
    if due_at is None:
        return SlaClock(label, "off")
    if breached_at is not None or due_at <= now:
        late_since = due_at if due_at <= now else breached_at
        return SlaClock(label, "breached", due_at=due_at, overdue=overdue_text(late_since, now=now))
    if due_at - now <= DUE_SOON:
        return SlaClock(label, "due-soon", due_at=due_at)
    return SlaClock(label, "on-track", due_at=due_at)


def first_response_clock(ticket: Ticket, *, now) -> SlaClock:
    label = _("First response")
    due_at = ticket.first_response_due_at
    if ticket.first_responded_at is not None:
        late = ticket.first_response_breached_at is not None or (
            due_at is not None and ticket.first_responded_at > due_at
        )
        return SlaClock(
            label, "missed" if late else "met", due_at=due_at, done_at=ticket.first_responded_at
        )
    if not ticket.is_active:
        return SlaClock(label, "off", due_at=due_at)
    return _running(label, due_at=due_at, breached_at=ticket.first_response_breached_at, now=now)


def resolution_clock(ticket: Ticket, *, now) -> SlaClock:
    label = _("Resolution")
    if not ticket.is_active:
        if ticket.resolved_at is None:
            return SlaClock(label, "off")
        state = "missed" if ticket.resolution_breached_at else "met"
        return SlaClock(label, state, due_at=ticket.resolution_due_at, done_at=ticket.resolved_at)
    if ticket.waiting_since is not None:
        if ticket.resolution_breached_at is not None:
            overdue = overdue_text(ticket.resolution_breached_at, now=now)
            return SlaClock(label, "breached", time_left=timedelta(0), overdue=overdue)
        return SlaClock(label, "paused", time_left=ticket.resolution_time_left)
    return _running(
        label,
        due_at=ticket.resolution_due_at,
        breached_at=ticket.resolution_breached_at,
        now=now,
    )


# --- The timeline ----------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    """One line of the ticket's history: an event, an internal note or a rating."""

    at: datetime
    kind: str  # "event", "note" or "rating"
    obj: object


def event_detail(event: TicketEvent, *, names: dict[str, str]) -> str:
    """What an event's `detail` means, in the reader's language ("" if nothing to add).

    `names`: agents' public names by username (an assignment records the username).
    """
    Kind = TicketEvent.Kind
    if event.kind == Kind.ASSIGNED:
        return _("to %(name)s") % {"name": names.get(event.detail, event.detail)}
    if event.kind == Kind.STATUS_CHANGED:
        labels = dict(Status.choices)
        before = labels.get(event.from_status, event.from_status)
        return f"{before} → {labels.get(event.to_status, event.to_status)}"
    if event.kind in (Kind.CREATED, Kind.REOPENED):
        return str(dict(Ticket.Reason.choices).get(event.detail, event.detail))
    if event.kind == Kind.RESOLVED:
        return str(RESOLUTIONS.get(event.detail, event.detail))
    if event.kind == Kind.CLOSED:
        return str(CLOSINGS.get(event.detail, event.detail))
    return event.detail_label


# --- The asker -------------------------------------------------------------------


@dataclass
class AskerCard:
    user: object
    local_now: datetime | None  # now, in the asker's own time zone
    threads: list[Thread]
    tickets: list[Ticket]


# --- The page --------------------------------------------------------------------


class TicketPage:
    """Everything the ticket page shows, each part loaded on first use."""

    def __init__(self, ticket: Ticket, *, user, now=None):
        self.ticket = ticket
        self.thread = ticket.thread
        self.user = user
        self.now = now or timezone.now()

    # Flags the templates act on.

    @property
    def is_mine(self) -> bool:
        return self.ticket.assignee_id == self.user.pk

    @property
    def can_claim(self) -> bool:
        return self.ticket.is_active and not self.is_mine

    @property
    def can_change(self) -> bool:
        """Priority and queue can change until the ticket is closed."""
        return self.ticket.status != Status.CLOSED

    @property
    def can_reply(self) -> bool:
        return self.ticket.is_active and not (self.thread.is_closed or self.thread.is_hidden)

    @property
    def reply_refusal(self) -> str:
        """Why the reply box is not offered ("" when it is)."""
        if self.ticket.status == Status.CLOSED:
            return str(_("This ticket is closed: escalate the thread again to reopen it."))
        if self.ticket.status == Status.RESOLVED:
            return str(_("This ticket is resolved: reopen it before you reply."))
        if self.thread.is_hidden:
            return str(_("The thread is hidden, so nobody could read a reply."))
        if self.thread.is_closed:
            return str(_("The thread is closed to new replies: reopen it first."))
        return ""

    @property
    def status_moves(self) -> list[tuple[str, str]]:
        """The statuses an agent may move the ticket to by hand, in the lifecycle's order."""
        allowed = AGENT_MOVES.get(self.ticket.status, set())
        return [(value, label) for value, label in Status.choices if value in allowed]

    @property
    def status_options(self) -> list[tuple[str, str, bool]]:
        """The status select: the current status first, selected, then the moves.

        A select that showed the first move ("Open") beside a resolved ticket would
        read as the ticket's status.
        """
        current = (self.ticket.status, self.ticket.get_status_display(), True)
        return [current, *((value, label, False) for value, label in self.status_moves)]

    @property
    def priorities(self):
        return Priority.choices

    # Parts loaded on first use.

    @cached_property
    def clocks(self) -> list[SlaClock]:
        return [
            first_response_clock(self.ticket, now=self.now),
            resolution_clock(self.ticket, now=self.now),
        ]

    @cached_property
    def posts(self) -> list[Post]:
        """The thread's posts in order, hidden ones included, authors with their roles."""
        thread = self.thread
        posts = Post.objects.select_related("author")
        if thread.post_count <= MAX_POSTS:
            posts = posts.filter(thread_id=thread.pk)
        else:
            # The question, the accepted answer and the latest replies, each found by an
            # index of its own: one condition joining them with OR may be planned as a read
            # of every post of the thread (tests/forum/test_page_read_is_bounded.py).
            # Then the rows by id alone: with the thread's condition beside the ids, SQLite
            # reads the thread's posts and looks each up among them.
            first_shown = thread.post_count - MAX_POSTS + 2
            ids = Post.objects.filter(thread_id=thread.pk).values("pk")
            posts = posts.filter(
                pk__in=ids.filter(number__gte=first_shown).union(
                    ids.filter(number=1), ids.filter(pk=thread.accepted_post_id or 0)
                )
            )
        posts = list(posts.defer("body").order_by("number"))
        requester = self.ticket.requester
        # The asker's card shows their badges too: one lookup for everyone on the page.
        names = roles.role_names_by_user([requester.pk, *(post.author_id for post in posts)])
        requester.__dict__["group_names"] = names[requester.pk]
        for post in posts:
            post.author.__dict__["group_names"] = names[post.author_id]  # for the badges
            post.is_accepted = post.pk == thread.accepted_post_id
        return posts

    @cached_property
    def posts_not_shown(self) -> int:
        return max(0, self.thread.post_count - len(self.posts))

    @cached_property
    def accepted_post(self) -> Post | None:
        return next((post for post in self.posts if post.is_accepted), None)

    @cached_property
    def timeline(self) -> list[TimelineItem]:
        """Events, internal notes and ratings, oldest first."""
        events = self.ticket.events.select_related("actor").exclude(kind=TicketEvent.Kind.RATED)
        notes = TicketNote.objects.filter(ticket=self.ticket).select_related("author")
        items = [TimelineItem(event.created_at, "event", event) for event in events]
        items += [TimelineItem(note.created_at, "note", note) for note in notes]
        # A rating's own row carries the comment; its "rated" event would only repeat it.
        items += [TimelineItem(rating.created_at, "rating", rating) for rating in self.ratings]
        names = {person.username: person.public_name for person in self.agents}
        for item in items:
            if item.kind == "event":
                item.obj.detail_text = event_detail(item.obj, names=names)
        order = {"event": 0, "rating": 1, "note": 2}
        return sorted(items, key=lambda item: (item.at, order[item.kind], item.obj.pk))

    @cached_property
    def ratings(self) -> list[SatisfactionRating]:
        return list(SatisfactionRating.objects.filter(ticket=self.ticket).order_by("cycle"))

    @cached_property
    def current_rating(self) -> SatisfactionRating | None:
        cycle = self.ticket.escalation_count
        return next((rating for rating in self.ratings if rating.cycle == cycle), None)

    @cached_property
    def asker(self) -> AskerCard:
        user = self.ticket.requester
        threads = list(
            Thread.objects.filter(author=user)
            .exclude(pk=self.thread.pk)
            .order_by("-last_activity_at", "-id")
            .only("pk", "title", "slug", "is_hidden", "last_activity_at", *QUESTION_STATE_FIELDS)[
                :OTHER_THREADS
            ]
        )
        tickets = list(
            Ticket.objects.filter(requester=user)
            .exclude(pk=self.ticket.pk)
            .select_related("thread")
            .order_by("-created_at", "-pk")[:OTHER_TICKETS]
        )
        try:
            local_now = timezone.localtime(self.now, zoneinfo.ZoneInfo(user.timezone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            local_now = None
        return AskerCard(user=user, local_now=local_now, threads=threads, tickets=tickets)

    @cached_property
    def agents(self) -> list:
        """Who the ticket can go to, with whether each is on duty."""
        people = list(agents().select_related("agent_status").order_by("display_name", "username"))
        for person in people:
            status = getattr(person, "agent_status", None)
            person.is_on_duty = bool(status and status.on_duty)
        return people

    @cached_property
    def queues(self) -> list[Queue]:
        return list(Queue.objects.all())

    @cached_property
    def asker_language(self) -> str:
        """The language to answer in: the asker's chosen one, else the question's own."""
        chosen = self.ticket.requester.language
        if chosen in LANGUAGE_TAGS:
            return chosen
        return "zh-hans" if _has_chinese(self.thread.title) else settings.LANGUAGE_CODE

    @property
    def asker_language_name(self) -> str:
        return str(dict(settings.LANGUAGES).get(self.asker_language, self.asker_language))

    @cached_property
    def canned_replies(self) -> list[CannedReply]:
        """The active canned replies, those in the asker's language first, each by title."""
        replies = CannedReply.objects.filter(is_active=True).only("pk", "title", "language")
        return sorted(replies, key=lambda reply: reply.language != self.asker_language)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)
