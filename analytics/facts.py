"""Reading the raw rows of other apps into per-day tallies: the one place the measures are
defined. The rollup service stores these tallies; the direct selector merges them at once.

Every fact is counted on the local day (`zone()`) of the instant it happened:
a question on the day it was asked, a first answer on the day it was posted, a
resolution on the day it was resolved, and so on. A day is the local calendar day, so a
day of a DST change lasts 23 or 25 hours.

Durations of staff work (first response, resolution) count only open hours when the
category's escalation policy has a business calendar (escalation.policies.PolicyBook),
wall-clock time otherwise; the time to a first community answer is wall-clock time.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, Q

from analytics import histograms, measures
from analytics.models import DailyRollup
from escalation import business_time
from escalation.models import SatisfactionRating, SurveyInvitation, Ticket, TicketEvent
from escalation.policies import PolicyBook
from forum.models import Post, Thread
from help.models import DeflectionDay
from safety.models import SecretRefusal

Scope = DailyRollup.Scope


def zone() -> ZoneInfo:
    """The time zone whose calendar days the rollups count."""
    return ZoneInfo(getattr(settings, "ANALYTICS_TIME_ZONE", "") or settings.TIME_ZONE)


def day_bounds(first: date, last: date, tz: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """[start, end) of the local days first..last, as aware datetimes."""
    tz = tz or zone()
    start = datetime.combine(first, time(), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz)
    return start, end


def day_start(day: date, tz: ZoneInfo | None = None) -> datetime:
    """The first instant of local `day` (aware). Hourly counts are hours elapsed since it."""
    return datetime.combine(day, time(), tzinfo=tz or zone())


def elapsed_hour(instant: datetime, day: date, tz: ZoneInfo) -> int:
    """Whole hours from the start of local `day` to `instant`, in real (UTC) time."""
    return int((instant.timestamp() - day_start(day, tz).timestamp()) // 3600)


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=dict)
    histograms: dict[str, dict[str, int]] = field(default_factory=dict)
    # [timestamp, rating id] of the newest commented ratings, newest first.
    recent_comments: list[list[int]] = field(default_factory=list)

    def count(self, measure: str, amount: int = 1) -> None:
        self.counts[measure] = self.counts.get(measure, 0) + amount

    def sample(self, measure: str, seconds: float) -> None:
        histograms.add(self.histograms.setdefault(measure, {}), seconds)

    def comment(self, at: datetime, rating_id: int) -> None:
        self.merge({}, {}, [[int(at.timestamp()), rating_id]])

    def merge(self, counts, hists, recent_comments=()) -> None:
        # Inlined (no call per measure): the dashboard merges thousands of rows a page.
        mine = self.counts
        for measure, amount in counts.items():
            mine[measure] = mine.get(measure, 0) + amount
        for measure, histogram in hists.items():
            histograms.merge(self.histograms.setdefault(measure, {}), histogram)
        if recent_comments:
            newest = sorted(
                {tuple(pair) for pair in [*self.recent_comments, *recent_comments]}, reverse=True
            )
            self.recent_comments[:] = [list(pair) for pair in newest[: measures.RECENT_COMMENTS]]


Tallies = dict[tuple[date, str, int], Tally]


def collect(first: date, last: date) -> Tallies:
    """The tallies of the local days first..last (inclusive), by (day, scope, key)."""
    tz = zone()
    start, end = day_bounds(first, last, tz)
    tallies: Tallies = defaultdict(Tally)
    book = PolicyBook.load()

    def at(instant: datetime, scope: str, key: int | None, *, hourly: str = "") -> Tally:
        day = instant.astimezone(tz).date()
        tally = tallies[(day, scope, key or 0)]
        if hourly:
            tally.count(measures.by_hour(hourly, elapsed_hour(instant, day, tz)))
        return tally

    _questions(at, start, end)
    _tickets(at, book, start, end)
    _ratings(at, start, end)
    _surveys(at, start, end)
    for refusal in SecretRefusal.objects.filter(day__gte=first, day__lte=last):
        tallies[(refusal.day, Scope.SITE, 0)].count(measures.SECRET_REFUSALS, refusal.count)
    for day, deflected in DeflectionDay.objects.filter(
        day__gte=first, day__lte=last, deflected__gt=0
    ).values_list("day", "deflected"):
        tallies[(day, Scope.SITE, 0)].count(measures.DEFLECTED, deflected)
    # The site's row also holds every category's added up (every question and ticket has
    # one category, or key 0): a page about everything reads one row a day, not one a
    # category.
    for (day, scope, _key), tally in list(tallies.items()):
        if scope == Scope.CATEGORY:
            tallies[(day, Scope.SITE, 0)].merge(
                tally.counts, tally.histograms, tally.recent_comments
            )
    return dict(tallies)


def _question_scopes(category_id, chain_id) -> tuple[tuple[str, int | None], ...]:
    return ((Scope.CATEGORY, category_id), (Scope.CHAIN, chain_id))


def _questions(at, start, end) -> None:
    threads = Thread.objects.filter(is_hidden=False)
    for category_id, chain_id, created_at in threads.filter(
        created_at__gte=start, created_at__lt=end
    ).values_list("category_id", "chain_id", "created_at"):
        for scope, key in _question_scopes(category_id, chain_id):
            at(created_at, scope, key, hourly=measures.ASKED).count(measures.ASKED)
    for category_id, chain_id, created_at, needs_help_at in threads.filter(
        needs_help_at__gte=start, needs_help_at__lt=end
    ).values_list("category_id", "chain_id", "created_at", "needs_help_at"):
        for scope, key in _question_scopes(category_id, chain_id):
            tally = at(needs_help_at, scope, key)
            tally.count(measures.NEEDS_HELP)
            tally.sample(measures.NEEDS_HELP_TIME, (needs_help_at - created_at).total_seconds())
    _solved(at, threads.filter(solved_at__gte=start, solved_at__lt=end))
    # The first community answer of each thread: a visible reply by neither its asker nor
    # the team. Threads whose first such answer falls in the window are the ones counted.
    answers = (
        Post.objects.filter(
            thread__is_hidden=False,
            number__gt=1,
            is_hidden=False,
            deleted_at__isnull=True,
            posted_as="",
            created_at__lt=end,
        )
        .exclude(author_id=F("thread__author_id"))
        .filter(thread__in=_threads_answered_in(start, end))
        .order_by("thread_id", "created_at", "number")
        .values_list(
            "thread_id",
            "created_at",
            "thread__created_at",
            "thread__category_id",
            "thread__chain_id",
        )
    )
    seen = set()
    for thread_id, answered_at, asked_at, category_id, chain_id in answers:
        if thread_id in seen:
            continue
        seen.add(thread_id)
        if answered_at < start:
            continue
        for scope, key in _question_scopes(category_id, chain_id):
            tally = at(answered_at, scope, key)
            tally.count(measures.COMMUNITY_ANSWERED)
            tally.sample(measures.COMMUNITY_ANSWER_TIME, (answered_at - asked_at).total_seconds())


def _solved(at, threads) -> None:
    """Solved questions and how long they took; the accepted answer's helper (a member
    other than the asker) or, for an escalated question, the support team's answer."""
    for (
        category_id,
        chain_id,
        asked_at,
        solved_at,
        asker_id,
        helper_id,
        posted_as,
        queue_id,
        ticket_id,
    ) in threads.values_list(
        "category_id",
        "chain_id",
        "created_at",
        "solved_at",
        "author_id",
        "accepted_post__author_id",
        "accepted_post__posted_as",
        "ticket__queue_id",
        "ticket__id",
    ):
        staff_answer = ticket_id is not None and posted_as == "agent"
        for scope, key in _question_scopes(category_id, chain_id):
            tally = at(solved_at, scope, key)
            tally.count(measures.SOLVED)
            tally.sample(measures.SOLVE_TIME, (solved_at - asked_at).total_seconds())
            if staff_answer:
                tally.count(measures.STAFF_ANSWER_ACCEPTED)
        if staff_answer:
            at(solved_at, Scope.QUEUE, queue_id).count(measures.STAFF_ANSWER_ACCEPTED)
        if helper_id and helper_id != asker_id and not posted_as:
            at(solved_at, Scope.HELPER, helper_id).count(measures.ACCEPTED_ANSWERS)


def _threads_answered_in(start, end):
    """Threads with a community answer inside the window (their first may be earlier)."""
    return (
        Post.objects.filter(
            number__gt=1,
            is_hidden=False,
            deleted_at__isnull=True,
            posted_as="",
            created_at__gte=start,
            created_at__lt=end,
        )
        .exclude(author_id=F("thread__author_id"))
        .values("thread_id")
    )


def _tickets(at, book: PolicyBook, start, end) -> None:
    window = Q(created_at__gte=start, created_at__lt=end)
    events = list(
        TicketEvent.objects.filter(
            window,
            kind__in=(
                TicketEvent.Kind.RESOLVED,
                TicketEvent.Kind.REOPENED,
            ),
        ).values_list("ticket_id", "kind", "actor_id", "created_at")
    )
    touched = (
        Ticket.objects.filter(
            window
            | Q(first_responded_at__gte=start, first_responded_at__lt=end)
            | Q(first_response_breached_at__gte=start, first_response_breached_at__lt=end)
            | Q(resolution_breached_at__gte=start, resolution_breached_at__lt=end)
            | Q(pk__in={ticket_id for ticket_id, *_ in events})
        )
        .select_related("thread")
        .only(
            "reason",
            "queue_id",
            "category_id",
            "assignee_id",
            "created_at",
            "first_responded_at",
            "first_response_breached_at",
            "resolution_breached_at",
            "thread__created_at",
            "thread__chain_id",
        )
    )
    tickets = {ticket.pk: ticket for ticket in touched}
    responders = _first_responders(tickets, start, end)
    cycle_starts = _cycle_starts([ticket_id for ticket_id, *_ in events])

    def scopes(ticket, instant, agent_id=None, *, hourly=""):
        found = [
            at(instant, Scope.CATEGORY, ticket.category_id, hourly=hourly),
            at(instant, Scope.QUEUE, ticket.queue_id, hourly=hourly),
            at(instant, Scope.CHAIN, ticket.thread.chain_id, hourly=hourly),
        ]
        if agent_id:
            found.append(at(instant, Scope.AGENT, agent_id, hourly=hourly))
        return found

    for ticket in tickets.values():
        schedule = book.for_category(ticket.category_id).schedule
        if start <= ticket.created_at < end:
            group = measures.REASON_GROUP.get(ticket.reason, "agent")
            waited = (ticket.created_at - ticket.thread.created_at).total_seconds()
            for tally in scopes(ticket, ticket.created_at, hourly=measures.ESCALATIONS):
                tally.count(measures.ESCALATED[group])
                tally.sample(measures.ESCALATION_TIME, waited)
        responded = ticket.first_responded_at
        if responded and start <= responded < end:
            seconds = business_time.business_time_between(
                schedule, ticket.created_at, responded
            ).total_seconds()
            breached = ticket.first_response_breached_at is not None
            for tally in scopes(ticket, responded, responders.get(ticket.pk)):
                tally.count(measures.FIRST_RESPONSES)
                tally.sample(measures.FIRST_RESPONSE_TIME, seconds)
                if not breached:
                    tally.count(measures.FIRST_RESPONSE_MET)
        for measure, instant in (
            (measures.FIRST_RESPONSE_BREACHED, ticket.first_response_breached_at),
            (measures.RESOLUTION_BREACHED, ticket.resolution_breached_at),
        ):
            if instant and start <= instant < end:
                for tally in scopes(ticket, instant, ticket.assignee_id):
                    tally.count(measure)
    for ticket_id, kind, actor_id, created_at in events:
        ticket = tickets[ticket_id]
        if kind == TicketEvent.Kind.REOPENED:
            for tally in scopes(ticket, created_at):
                tally.count(measures.REOPENS)
            continue
        schedule = book.for_category(ticket.category_id).schedule
        began = max(
            (s for s in cycle_starts.get(ticket_id, ()) if s <= created_at),
            default=ticket.created_at,
        )
        seconds = business_time.business_time_between(schedule, began, created_at)
        breached = ticket.resolution_breached_at is not None and (
            ticket.resolution_breached_at <= created_at
        )
        for tally in scopes(ticket, created_at, actor_id or ticket.assignee_id):
            tally.count(measures.RESOLUTIONS)
            tally.sample(measures.RESOLUTION_TIME, seconds.total_seconds())
            if not breached:
                tally.count(measures.RESOLUTION_MET)


def _first_responders(tickets, start, end) -> dict[int, int | None]:
    """Who gave each ticket its first staff response: the first "staff replied" event's
    actor, else the ticket's assignee."""
    answered = [
        pk
        for pk, t in tickets.items()
        if t.first_responded_at and start <= t.first_responded_at < end
    ]
    found: dict[int, int | None] = {}
    for ticket_id, actor_id in (
        TicketEvent.objects.filter(ticket_id__in=answered, kind=TicketEvent.Kind.STAFF_REPLIED)
        .order_by("ticket_id", "created_at", "pk")
        .values_list("ticket_id", "actor_id")
    ):
        found.setdefault(ticket_id, actor_id)
    return {pk: found.get(pk) or tickets[pk].assignee_id for pk in answered}


def _cycle_starts(ticket_ids) -> dict[int, list[datetime]]:
    starts: dict[int, list[datetime]] = defaultdict(list)
    for ticket_id, created_at in TicketEvent.objects.filter(
        ticket_id__in=set(ticket_ids),
        kind__in=(TicketEvent.Kind.CREATED, TicketEvent.Kind.REOPENED),
    ).values_list("ticket_id", "created_at"):
        starts[ticket_id].append(created_at)
    return starts


def _ratings(at, start, end) -> None:
    ratings = list(
        SatisfactionRating.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("ticket", "ticket__thread")
        .only(
            "score",
            "comment",
            "created_at",
            "ticket__category_id",
            "ticket__queue_id",
            "ticket__assignee_id",
            "ticket__thread__chain_id",
        )
    )
    resolved: dict[int, list[datetime]] = defaultdict(list)
    for ticket_id, resolved_at in TicketEvent.objects.filter(
        ticket_id__in={rating.ticket_id for rating in ratings}, kind=TicketEvent.Kind.RESOLVED
    ).values_list("ticket_id", "created_at"):
        resolved[ticket_id].append(resolved_at)
    for rating in ratings:
        ticket = rating.ticket
        # The resolution this rating answers: the latest one before it.
        answered = max((t for t in resolved[ticket.pk] if t <= rating.created_at), default=None)
        for scope, key in _ticket_keys(ticket):
            tally = at(rating.created_at, scope, key)
            tally.count(measures.RATINGS)
            tally.count(measures.RATING_SUM, rating.score)
            tally.count(measures.RATING_SCORES[rating.score])
            if answered is not None:
                tally.sample(measures.RATING_TIME, (rating.created_at - answered).total_seconds())
            if rating.comment.strip():
                tally.comment(rating.created_at, rating.pk)


def _ticket_keys(ticket) -> list[tuple[str, int | None]]:
    keyed = [
        (Scope.CATEGORY, ticket.category_id),
        (Scope.QUEUE, ticket.queue_id),
        (Scope.CHAIN, ticket.thread.chain_id),
    ]
    if ticket.assignee_id:
        keyed.append((Scope.AGENT, ticket.assignee_id))
    return keyed


def _surveys(at, start, end) -> None:
    """Satisfaction surveys sent: the whole of the response rate."""
    for survey in (
        SurveyInvitation.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("ticket", "ticket__thread")
        .only(
            "created_at",
            "ticket__category_id",
            "ticket__queue_id",
            "ticket__assignee_id",
            "ticket__thread__chain_id",
        )
    ):
        for scope, key in _ticket_keys(survey.ticket):
            at(survey.created_at, scope, key).count(measures.SURVEYS_SENT)
