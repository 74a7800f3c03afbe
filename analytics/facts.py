"""Reading the raw rows of other apps into per-day tallies: the one place the measures are
defined. The rollup service stores these tallies; the direct selector merges them at once.

Every fact is counted on the local day (`zone()`) of the instant it happened:
a question on the day it was asked, a first answer on the day it was posted, a
resolution on the day it was resolved, and so on. A day is the local calendar day, so a
day of a DST change lasts 23 or 25 hours.

Durations of staff work (first response, resolution) count only open hours when the
category's escalation policy has a business calendar (escalation.policies.PolicyBook),
wall-clock time otherwise; the time to a first community answer is wall-clock time.

Set-based: a range of days costs a fixed number of queries whatever its length. Counts
are grouped by local day in the database (TruncDate in the zone); what needs Python (a
duration in business time, a histogram bucket) reads one row per fact, streamed, so
memory holds the tallies (days × keys), never the rows. A range's facts are the union of
its days' facts: collecting a quarter at once gives each day the tally collecting that
day alone would (tests/analytics: the rollups equal the direct computation).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncDate

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
        # Inlined (no count() or histograms.merge() calls): a year's dashboard merges
        # thousands of rows of a hundred numbers each.
        mine = self.counts
        for measure, amount in counts.items():
            mine[measure] = mine.get(measure, 0) + amount
        for measure, histogram in hists.items():
            into = self.histograms.get(measure)
            if into is None:
                self.histograms[measure] = dict(histogram)
                continue
            for bucket, count in histogram.items():
                into[bucket] = into.get(bucket, 0) + count


Tallies = dict[tuple[date, str, int], Tally]
# Rows fetched at a time from the database when streaming (PostgreSQL: a server-side cursor).
STREAM_CHUNK = 5_000


def collect(first: date, last: date) -> Tallies:
    """The tallies of the local days first..last (inclusive), by (day, scope, key)."""
    tz = zone()
    start, end = day_bounds(first, last, tz)
    tallies: Tallies = defaultdict(Tally)
    book = PolicyBook.load()

    def at(instant: datetime, scope: str, key: int | None) -> Tally:
        return tallies[(instant.astimezone(tz).date(), scope, key or 0)]

    def on(day: date, scope: str, key: int | None) -> Tally:
        return tallies[(day, scope, key or 0)]

    _questions(on, tz, start, end)
    _community_answers(at, start, end)
    _tickets(at, book, start, end)
    _ratings(on, tz, start, end)
    for day, count in (
        SecretRefusal.objects.filter(day__gte=first, day__lte=last)
        .order_by()
        .values("day")
        .annotate(total=Sum("count"))
        .values_list("day", "total")
    ):
        on(day, Scope.SITE, 0).count(measures.SECRET_REFUSALS, count)
    return dict(tallies)


def _per_day(rows, column: str, tz, *keys: str):
    """`rows` counted per local day of `column` and per `keys`, in the database."""
    return (
        rows.order_by()
        .annotate(local_day=TruncDate(column, tzinfo=tz))
        .values("local_day", *keys)
        .annotate(found=Count("pk"))
        .values_list("local_day", *keys, "found")
    )


def _questions(on, tz, start, end) -> None:
    threads = Thread.objects.filter(is_hidden=False)
    for measure, column in (
        (measures.ASKED, "created_at"),
        (measures.SOLVED, "solved_at"),
        (measures.NEEDS_HELP, "needs_help_at"),
    ):
        window = threads.filter(**{f"{column}__gte": start, f"{column}__lt": end})
        for day, category_id, found in _per_day(window, column, tz, "category_id"):
            on(day, Scope.CATEGORY, category_id).count(measure, found)


def _community_posts():
    """Posts that answer as the community: visible replies by neither the asker nor the team."""
    return Post.objects.filter(
        number__gt=1, is_hidden=False, deleted_at__isnull=True, posted_as=""
    ).exclude(author_id=F("thread__author_id"))


def _community_answers(at, start, end) -> None:
    """The first community answer of each thread, counted on its day: the threads with such
    an answer inside the window and none before it."""
    earlier = _community_posts().filter(thread_id=OuterRef("thread_id"), created_at__lt=start)
    firsts = (
        _community_posts()
        .filter(thread__is_hidden=False, created_at__gte=start, created_at__lt=end)
        .filter(~Exists(earlier))
        .order_by()
        .values("thread_id", "thread__created_at", "thread__category_id")
        .annotate(first=Min("created_at"))
        .values_list("first", "thread__created_at", "thread__category_id")
    )
    for answered_at, asked_at, category_id in firsts.iterator(chunk_size=STREAM_CHUNK):
        tally = at(answered_at, Scope.CATEGORY, category_id)
        tally.count(measures.COMMUNITY_ANSWERED)
        tally.sample(measures.COMMUNITY_ANSWER_TIME, (answered_at - asked_at).total_seconds())


def _tickets(at, book: PolicyBook, start, end) -> None:
    window = Q(created_at__gte=start, created_at__lt=end)
    work = TicketEvent.objects.filter(
        window, kind__in=(TicketEvent.Kind.RESOLVED, TicketEvent.Kind.REOPENED)
    )
    touched = Ticket.objects.filter(
        window
        | Q(first_responded_at__gte=start, first_responded_at__lt=end)
        | Q(first_response_breached_at__gte=start, first_response_breached_at__lt=end)
        | Q(resolution_breached_at__gte=start, resolution_breached_at__lt=end)
        | Q(pk__in=work.values("ticket_id"))
    ).values_list(
        "pk",
        "reason",
        "queue_id",
        "category_id",
        "assignee_id",
        "created_at",
        "first_responded_at",
        "first_response_breached_at",
        "resolution_breached_at",
    )
    # What a resolution or reopening needs of its ticket, kept for the events below:
    # (category_id, queue_id, assignee_id, resolution_breached_at, created_at).
    tickets: dict[int, tuple] = {}
    responders = _first_responders(start, end)

    def scopes(category_id, queue_id, instant, agent_id=None):
        found = [at(instant, Scope.CATEGORY, category_id), at(instant, Scope.QUEUE, queue_id)]
        if agent_id:
            found.append(at(instant, Scope.AGENT, agent_id))
        return found

    for (
        pk,
        reason,
        queue_id,
        category_id,
        assignee_id,
        created_at,
        responded,
        response_breached,
        resolution_breached,
    ) in touched.iterator(chunk_size=STREAM_CHUNK):
        tickets[pk] = (category_id, queue_id, assignee_id, resolution_breached, created_at)
        if start <= created_at < end:
            group = measures.REASON_GROUP.get(reason, "agent")
            for tally in scopes(category_id, queue_id, created_at):
                tally.count(measures.ESCALATED[group])
        if responded and start <= responded < end:
            schedule = book.for_category(category_id).schedule
            seconds = business_time.business_time_between(
                schedule, created_at, responded
            ).total_seconds()
            agent_id = responders.get(pk) or assignee_id
            for tally in scopes(category_id, queue_id, responded, agent_id):
                tally.count(measures.FIRST_RESPONSES)
                tally.sample(measures.FIRST_RESPONSE_TIME, seconds)
                if response_breached is None:
                    tally.count(measures.FIRST_RESPONSE_MET)
        for measure, instant in (
            (measures.FIRST_RESPONSE_BREACHED, response_breached),
            (measures.RESOLUTION_BREACHED, resolution_breached),
        ):
            if instant and start <= instant < end:
                for tally in scopes(category_id, queue_id, instant, assignee_id):
                    tally.count(measure)
    cycle_starts = _cycle_starts(work)
    for ticket_id, kind, actor_id, created_at in work.values_list(
        "ticket_id", "kind", "actor_id", "created_at"
    ).iterator(chunk_size=STREAM_CHUNK):
        category_id, queue_id, assignee_id, resolution_breached, opened = tickets[ticket_id]
        if kind == TicketEvent.Kind.REOPENED:
            for tally in scopes(category_id, queue_id, created_at):
                tally.count(measures.REOPENS)
            continue
        schedule = book.for_category(category_id).schedule
        began = max((s for s in cycle_starts.get(ticket_id, ()) if s <= created_at), default=opened)
        seconds = business_time.business_time_between(schedule, began, created_at)
        breached = resolution_breached is not None and resolution_breached <= created_at
        for tally in scopes(category_id, queue_id, created_at, actor_id or assignee_id):
            tally.count(measures.RESOLUTIONS)
            tally.sample(measures.RESOLUTION_TIME, seconds.total_seconds())
            if not breached:
                tally.count(measures.RESOLUTION_MET)


def _first_responders(start, end) -> dict[int, int | None]:
    """Who gave each ticket first answered in the window its first staff response: the
    first "staff replied" event's actor (the caller falls back on the ticket's assignee)."""
    found: dict[int, int | None] = {}
    for ticket_id, actor_id in (
        TicketEvent.objects.filter(
            kind=TicketEvent.Kind.STAFF_REPLIED,
            ticket__first_responded_at__gte=start,
            ticket__first_responded_at__lt=end,
        )
        .order_by("ticket_id", "created_at", "pk")
        .values_list("ticket_id", "actor_id")
        .iterator(chunk_size=STREAM_CHUNK)
    ):
        found.setdefault(ticket_id, actor_id)
    return found


def _cycle_starts(work) -> dict[int, list[datetime]]:
    """When each cycle of the tickets with `work` (resolutions, reopenings) began."""
    starts: dict[int, list[datetime]] = defaultdict(list)
    for ticket_id, created_at in (
        TicketEvent.objects.filter(
            ticket_id__in=work.values("ticket_id"),
            kind__in=(TicketEvent.Kind.CREATED, TicketEvent.Kind.REOPENED),
        )
        .values_list("ticket_id", "created_at")
        .iterator(chunk_size=STREAM_CHUNK)
    ):
        starts[ticket_id].append(created_at)
    return starts


def _ratings(on, tz, start, end) -> None:
    ratings = SatisfactionRating.objects.filter(created_at__gte=start, created_at__lt=end)
    for day, category_id, queue_id, assignee_id, score, found in _per_day(
        ratings,
        "created_at",
        tz,
        "ticket__category_id",
        "ticket__queue_id",
        "ticket__assignee_id",
        "score",
    ):
        keyed = [(Scope.CATEGORY, category_id), (Scope.QUEUE, queue_id)]
        if assignee_id:
            keyed.append((Scope.AGENT, assignee_id))
        for scope, key in keyed:
            tally = on(day, scope, key)
            tally.count(measures.RATINGS, found)
            tally.count(measures.RATING_SUM, score * found)
            tally.count(measures.RATING_SCORES[score], found)
