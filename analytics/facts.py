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
from escalation.models import SatisfactionRating, Ticket, TicketEvent
from escalation.policies import PolicyBook
from forum.models import Post, Thread
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


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=dict)
    histograms: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, measure: str, amount: int = 1) -> None:
        self.counts[measure] = self.counts.get(measure, 0) + amount

    def sample(self, measure: str, seconds: float) -> None:
        histograms.add(self.histograms.setdefault(measure, {}), seconds)

    def merge(self, counts, hists) -> None:
        for measure, amount in counts.items():
            self.count(measure, amount)
        for measure, histogram in hists.items():
            histograms.merge(self.histograms.setdefault(measure, {}), histogram)


Tallies = dict[tuple[date, str, int], Tally]


def collect(first: date, last: date) -> Tallies:
    """The tallies of the local days first..last (inclusive), by (day, scope, key)."""
    tz = zone()
    start, end = day_bounds(first, last, tz)
    tallies: Tallies = defaultdict(Tally)
    book = PolicyBook.load()

    def at(instant: datetime, scope: str, key: int | None) -> Tally:
        return tallies[(instant.astimezone(tz).date(), scope, key or 0)]

    _questions(at, start, end)
    _tickets(at, book, start, end)
    _ratings(at, start, end)
    for refusal in SecretRefusal.objects.filter(day__gte=first, day__lte=last):
        tallies[(refusal.day, Scope.SITE, 0)].count(measures.SECRET_REFUSALS, refusal.count)
    return dict(tallies)


def _questions(at, start, end) -> None:
    threads = Thread.objects.filter(is_hidden=False)
    for thread in threads.filter(created_at__gte=start, created_at__lt=end).only(
        "category_id", "created_at"
    ):
        at(thread.created_at, Scope.CATEGORY, thread.category_id).count(measures.ASKED)
    for thread in threads.filter(solved_at__gte=start, solved_at__lt=end).only(
        "category_id", "solved_at"
    ):
        at(thread.solved_at, Scope.CATEGORY, thread.category_id).count(measures.SOLVED)
    for thread in threads.filter(needs_help_at__gte=start, needs_help_at__lt=end).only(
        "category_id", "needs_help_at"
    ):
        at(thread.needs_help_at, Scope.CATEGORY, thread.category_id).count(measures.NEEDS_HELP)
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
        .values_list("thread_id", "created_at", "thread__created_at", "thread__category_id")
    )
    seen = set()
    for thread_id, answered_at, asked_at, category_id in answers:
        if thread_id in seen:
            continue
        seen.add(thread_id)
        if answered_at < start:
            continue
        tally = at(answered_at, Scope.CATEGORY, category_id)
        tally.count(measures.COMMUNITY_ANSWERED)
        tally.sample(measures.COMMUNITY_ANSWER_TIME, (answered_at - asked_at).total_seconds())


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
    touched = Ticket.objects.filter(
        window
        | Q(first_responded_at__gte=start, first_responded_at__lt=end)
        | Q(first_response_breached_at__gte=start, first_response_breached_at__lt=end)
        | Q(resolution_breached_at__gte=start, resolution_breached_at__lt=end)
        | Q(pk__in={ticket_id for ticket_id, *_ in events})
    ).only(
        "reason",
        "queue_id",
        "category_id",
        "assignee_id",
        "created_at",
        "first_responded_at",
        "first_response_breached_at",
        "resolution_breached_at",
    )
    tickets = {ticket.pk: ticket for ticket in touched}
    responders = _first_responders(tickets, start, end)
    cycle_starts = _cycle_starts([ticket_id for ticket_id, *_ in events])

    def scopes(ticket, instant, agent_id=None):
        found = [
            at(instant, Scope.CATEGORY, ticket.category_id),
            at(instant, Scope.QUEUE, ticket.queue_id),
        ]
        if agent_id:
            found.append(at(instant, Scope.AGENT, agent_id))
        return found

    for ticket in tickets.values():
        schedule = book.for_category(ticket.category_id).schedule
        if start <= ticket.created_at < end:
            group = measures.REASON_GROUP.get(ticket.reason, "agent")
            for tally in scopes(ticket, ticket.created_at):
                tally.count(measures.ESCALATED[group])
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
    for rating in (
        SatisfactionRating.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("ticket")
        .only(
            "score",
            "created_at",
            "ticket__category_id",
            "ticket__queue_id",
            "ticket__assignee_id",
        )
    ):
        ticket = rating.ticket
        keyed = [
            (Scope.CATEGORY, ticket.category_id),
            (Scope.QUEUE, ticket.queue_id),
        ]
        if ticket.assignee_id:
            keyed.append((Scope.AGENT, ticket.assignee_id))
        for scope, key in keyed:
            tally = at(rating.created_at, scope, key)
            tally.count(measures.RATINGS)
            tally.count(measures.RATING_SUM, rating.score)
            tally.count(measures.RATING_SCORES[rating.score])
