"""The asker's side: what their pages read (their requests, one request's public
timeline). Rating the help is escalation.services.surveys.

Only what the asker may see leaves this module: events of TicketEvent.ASKER_KINDS, told
in plain words. Internal notes, assignments, priorities, queues and missed targets are
the support team's business and never appear here.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.keyset import beyond, decode_cursor, encode_cursor
from escalation.models import SatisfactionRating, Ticket, TicketEvent
from escalation.services import surveys
from escalation.services.lifecycle import can_asker_reopen
from forum import access
from forum.states import QUESTION_STATE_FIELDS

PER_PAGE = 25
REFERENCE_MAX_LENGTH = Ticket._meta.get_field("reference").max_length

Status = Ticket.Status
Kind = TicketEvent.Kind


def get_request_for_asker(user, reference: str) -> Ticket:
    """The signed-in user's own ticket with this reference, or 404.

    Someone else's reference and one that does not exist get the same answer, so the page
    says nothing about which references exist. A reference no ticket can have (too long,
    a NUL byte, which PostgreSQL refuses in a query) is turned away before any query.
    """
    if not reference or len(reference) > REFERENCE_MAX_LENGTH or "\x00" in reference:
        raise Http404
    ticket = (
        Ticket.objects.filter(reference=reference, requester_id=user.pk)
        .select_related("thread", "policy")
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def shown_title(ticket: Ticket, viewer) -> str:
    """The question's title as the asker's pages show it.

    A question a moderator hid keeps its request (the reference, its status, the
    team's answers: the asker still needs them, and a request that vanished would send
    them asking again), but not its title: it was hidden for what it says (a scam link, a
    secret), and My requests is a page people show to others, screens shared with a
    "support agent" included. Moderators and agents, who see hidden threads, see it.
    """
    if is_question_hidden_from(ticket, viewer):
        return _("This question was hidden by a moderator.")
    return ticket.thread.title


def is_question_hidden_from(ticket: Ticket, viewer) -> bool:
    return ticket.thread.is_hidden and not (viewer is not None and access.can_see_hidden(viewer))


def expected_answer_at(ticket: Ticket) -> datetime | None:
    """When the asker may expect the team's first answer, while they are waiting for it."""
    if ticket.status in (Status.NEW, Status.OPEN) and ticket.first_responded_at is None:
        return ticket.first_response_due_at
    return None


# What each score means, for the rating buttons and the thank-you page.
SCORE_LABELS = {
    1: gettext_lazy("Very poor"),
    2: gettext_lazy("Poor"),
    3: gettext_lazy("OK"),
    4: gettext_lazy("Good"),
    5: gettext_lazy("Excellent"),
}


def score_label(score: int) -> str:
    return str(SCORE_LABELS.get(score, ""))


# --- The list --------------------------------------------------------------------


@dataclass
class RequestPage:
    tickets: list[Ticket] = field(default_factory=list)
    older_cursor: str = ""
    is_first_page: bool = True


def request_page(*, user, before: str = "", now=None) -> RequestPage:
    """One page of the user's requests, newest first, by keyset: one query.

    Each ticket comes with `expected_answer_at`, `is_late` (the expected answer is
    overdue) and `title` (see shown_title).
    """
    now = now or timezone.now()
    rows = Ticket.objects.filter(requester_id=user.pk)
    cursor = decode_cursor(before)
    if cursor is not None:
        created_at, pk = cursor
        rows = rows.filter(beyond("created_at", created_at, pk))
    rows = list(
        rows.select_related("thread")
        .only(
            "reference",
            "status",
            "created_at",
            "updated_at",
            "first_response_due_at",
            "first_responded_at",
            "queue",  # the typical wait for its queue, beside the expected answer
            "thread__id",
            "thread__title",
            "thread__slug",
            "thread__is_hidden",
            # Where the question stands (forum/states.py), for its badge.
            *(f"thread__{name}" for name in QUESTION_STATE_FIELDS),
        )
        .order_by("-created_at", "-pk")[: PER_PAGE + 1]
    )
    page = RequestPage(tickets=rows[:PER_PAGE], is_first_page=cursor is None)
    if len(rows) > PER_PAGE:
        last = page.tickets[-1]
        page.older_cursor = encode_cursor(last.created_at, last.pk)
    for ticket in page.tickets:
        ticket.title = shown_title(ticket, user)
        ticket.expected_answer_at = expected_answer_at(ticket)
        ticket.is_late = ticket.expected_answer_at is not None and ticket.expected_answer_at < now
    return page


# --- One request -----------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    text: str
    url: str = ""
    link_text: str = ""


def timeline(ticket: Ticket) -> list[TimelineEntry]:
    """What happened to the request, oldest first, in the asker's words: one query."""
    events = ticket.events.filter(kind__in=TicketEvent.ASKER_KINDS).order_by("created_at", "pk")
    entries = []
    for event in events.only(
        "ticket_id", "kind", "actor_id", "to_status", "detail", "post_id", "created_at"
    ):
        text, link_text = _describe(event, ticket), ""
        url = ""
        if event.post_id and event.kind in (Kind.STAFF_REPLIED, Kind.ASKER_REPLIED):
            url = reverse("forum:post-permalink", args=[event.post_id])
            link_text = _("Read the answer") if event.kind == Kind.STAFF_REPLIED else _("See it")
        entries.append(TimelineEntry(event.created_at, event.kind, text, url, link_text))
    return entries


# How a request was resolved (the RESOLVED event's detail), for the asker.
_RESOLUTIONS = {
    "accepted_staff_answer": gettext_lazy(
        "Resolved: you marked the support team’s answer as the solution"
    ),
    "solved_by_community": gettext_lazy("Resolved: you accepted an answer from the community"),
    "marked_solved": gettext_lazy("Resolved: the question was marked solved"),
}


def _describe(event: TicketEvent, ticket: Ticket) -> str:
    by_asker = event.actor_id is not None and event.actor_id == ticket.requester_id
    if event.kind == Kind.CREATED:
        if ticket.reason == Ticket.Reason.ASKER:
            return _("You asked the support team for help")
        return _("Your question was passed to the support team")
    if event.kind == Kind.REOPENED:
        return _("You reopened the request") if by_asker else _("The request was reopened")
    if event.kind == Kind.STATUS_CHANGED:
        return _("Now: %(status)s") % {"status": event.asker_to_status_label}
    if event.kind == Kind.RESOLVED:
        return str(_RESOLUTIONS.get(event.detail, _("Resolved by the support team")))
    if event.kind == Kind.CLOSED:
        if event.detail == "no_reply":
            return _("Closed: we did not hear back from you")
        return _("Closed")
    if event.kind == Kind.STAFF_REPLIED:
        return _("The support team answered")
    if event.kind == Kind.ASKER_REPLIED:
        return _("You replied")
    if event.kind == Kind.RATED:
        return _("You rated the help %(score)s out of 5") % {"score": event.detail}
    if event.kind == Kind.RATING_CHANGED:  # detail: "2→4"
        score = event.detail.rpartition("→")[2]
        return _("You changed your rating to %(score)s out of 5") % {"score": score}
    return str(event.get_kind_display())


def reopen_until(ticket: Ticket) -> datetime | None:
    """Until when the asker may reopen a resolved request (None: not resolved)."""
    if ticket.status != Status.RESOLVED or ticket.resolved_at is None:
        return None
    window = ticket.policy.reopen_within if ticket.policy_id else timedelta(days=7)
    return ticket.resolved_at + window


def request_detail(ticket: Ticket, *, viewer=None, now=None) -> dict:
    """Everything /my/requests/<ref>/ shows about one request: the template only formats.

    `viewer` is the asker looking at it (None: someone who cannot see hidden threads)."""
    now = now or timezone.now()
    rating = (
        SatisfactionRating.objects.filter(ticket=ticket, cycle=ticket.escalation_count).first()
        if ticket.resolved_at is not None
        else None
    )
    expected = expected_answer_at(ticket)
    return {
        "ticket": ticket,
        "title": shown_title(ticket, viewer),
        "is_question_visible": not is_question_hidden_from(ticket, viewer),
        "timeline": timeline(ticket),
        "expected_answer_at": expected,
        "is_late": expected is not None and expected < now,
        "can_reopen": can_asker_reopen(ticket, now=now),
        "reopen_until": reopen_until(ticket),
        "rating": rating,
        "rating_label": score_label(rating.score) if rating else "",
        "can_rate": rating is None and surveys.can_rate(ticket),
        "can_change_rating": rating is not None and surveys.can_change(rating, now=now),
        "rating_change_until": surveys.change_until(rating) if rating else None,
        "can_comment": rating is not None and rating.commented_at is None,
        "scores": [(score, SCORE_LABELS[score]) for score in surveys.SCORES],
    }
