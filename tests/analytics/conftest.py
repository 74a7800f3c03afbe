"""A small hand-built history with known answers, in America/New_York days.

- 2026-11-01 is the fall-back day there (25 hours: 04:00 UTC Nov 1 to 05:00 UTC Nov 2).
- "Wallets" has a business calendar, Monday-Friday 09:00-17:00 New York, closed on
  Thanksgiving (Thursday 2026-11-26); "Transfers" has none (wall-clock time).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.test import override_settings

from escalation.models import (
    BusinessCalendar,
    EscalationPolicy,
    Holiday,
    OpeningHours,
    Queue,
    SatisfactionRating,
    SurveyInvitation,
    Ticket,
    TicketEvent,
)
from forum.models import Chain, Post, Thread
from safety.models import SecretRefusal
from tests.factories import CategoryFactory, UserFactory

ZONE = "America/New_York"
FALL_BACK = date(2026, 11, 1)
THANKSGIVING = date(2026, 11, 26)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def new_york_days():
    with override_settings(ANALYTICS_TIME_ZONE=ZONE):
        yield


@dataclass
class History:
    wallets: object
    transfers: object
    general: Queue
    security: Queue
    agent: object
    other_agent: object
    helper: object
    tron: Chain


def thread(category, author, at, **fields) -> Thread:
    number = Thread.objects.count() + 1
    return Thread.objects.create(
        category=category,
        author=author,
        title=f"Question {number}",
        slug=f"q{number}",
        created_at=at,
        last_activity_at=at,
        **fields,
    )


def post(thread, author, at, *, posted_as="", number=None) -> Post:
    number = number or thread.posts.count() + 2
    return Post.objects.create(
        thread=thread,
        number=number,
        author=author,
        body="…",
        body_html="<p>…</p>",
        created_at=at,
        posted_as=posted_as,
    )


def ticket(thread, *, reason, queue, at, **fields) -> Ticket:
    made = Ticket.objects.create(
        thread=thread,
        requester=thread.author,
        reason=reason,
        queue=queue,
        category=thread.category,
        created_at=at,
        updated_at=at,
        **fields,
    )
    TicketEvent.objects.create(ticket=made, kind=TicketEvent.Kind.CREATED, created_at=at)
    return made


@pytest.fixture
def history(db):
    wallets = CategoryFactory(slug="wallets", name="Wallets")
    transfers = CategoryFactory(slug="transfers", name="Transfers")
    calendar = BusinessCalendar.objects.create(name="New York office", time_zone=ZONE)
    for weekday in range(5):
        OpeningHours.objects.create(
            calendar=calendar, weekday=weekday, opens_at=time(9), closes_at=time(17)
        )
    Holiday.objects.create(calendar=calendar, date=THANKSGIVING, name="Thanksgiving")
    EscalationPolicy.objects.create()  # site default: wall clock
    EscalationPolicy.objects.create(category=wallets, calendar=calendar)
    general = Queue.objects.create(name="General", slug="general")
    security = Queue.objects.create(name="Security", slug="security")
    asker, helper = UserFactory(), UserFactory()
    agent, other_agent = UserFactory(is_staff=True), UserFactory(is_staff=True)

    # Fall-back day: 23:30 on Nov 1 in New York is 04:30 UTC on Nov 2.
    thread(transfers, asker, utc(2026, 11, 2, 4, 30))
    # 23:30 on Oct 31 (still daylight time) is 03:30 UTC on Nov 1.
    thread(transfers, asker, utc(2026, 11, 1, 3, 30))

    # Nov 3: one question about TRON, answered by the asker, the team, then the community
    # after 1 h; the asker accepts the helper's answer on Nov 4 (22 h after asking).
    tron = Chain.objects.create(name="TRON", tx_format="hex64")
    answered = thread(
        transfers, asker, utc(2026, 11, 3, 14), needs_help_at=utc(2026, 11, 3, 18), chain=tron
    )
    post(answered, asker, utc(2026, 11, 3, 14, 10))
    post(answered, agent, utc(2026, 11, 3, 14, 20), posted_as="agent")
    accepted = post(answered, helper, utc(2026, 11, 3, 15))
    post(answered, helper, utc(2026, 11, 3, 16))  # not the first: not counted again
    Thread.objects.filter(pk=answered.pk).update(
        solved_at=utc(2026, 11, 4, 12), accepted_post=accepted
    )

    # Nov 3: four tickets in Transfers, one per reason group.
    for reason in ("unanswered", "unsolved", "asker", "moderator"):
        ticket(
            thread(transfers, asker, utc(2026, 11, 3, 10)),
            reason=reason,
            queue=general,
            at=utc(2026, 11, 3, 20),
        )

    # Wallets, across Thanksgiving: opened Wed Nov 25 16:00 New York (21:00 UTC), first
    # answered Fri Nov 27 10:00 (15:00 UTC): 1 h on Wednesday + 1 h on Friday = 2 h of
    # open time; resolved Fri 12:00 (17:00 UTC): 4 h; rated 5.
    holiday = ticket(
        thread(wallets, asker, utc(2026, 11, 25, 12)),
        reason="asker",
        queue=security,
        at=utc(2026, 11, 25, 21),
        first_responded_at=utc(2026, 11, 27, 15),
        assignee=agent,
    )
    TicketEvent.objects.create(
        ticket=holiday,
        kind=TicketEvent.Kind.STAFF_REPLIED,
        actor=agent,
        created_at=utc(2026, 11, 27, 15),
    )
    TicketEvent.objects.create(
        ticket=holiday,
        kind=TicketEvent.Kind.RESOLVED,
        actor=agent,
        created_at=utc(2026, 11, 27, 17),
    )
    SurveyInvitation.objects.create(ticket=holiday, cycle=1, created_at=utc(2026, 11, 27, 17))
    SatisfactionRating.objects.create(
        ticket=holiday, cycle=1, score=5, created_at=utc(2026, 11, 27, 18)
    )
    # The asker accepts the team's answer: an escalated question solved by the staff.
    staff_answer = post(holiday.thread, agent, utc(2026, 11, 27, 15), posted_as="agent")
    Thread.objects.filter(pk=holiday.thread_id).update(
        solved_at=utc(2026, 11, 27, 18, 30), accepted_post=staff_answer
    )

    # Transfers (wall clock), Nov 27: first response after 10 h, missing its target;
    # resolved, reopened, resolved again 3 h after the reopening; rated 4 then 2.
    late = ticket(
        thread(transfers, asker, utc(2026, 11, 27, 0)),
        reason="unanswered",
        queue=general,
        at=utc(2026, 11, 27, 1),
        first_responded_at=utc(2026, 11, 27, 11),
        assignee=other_agent,
        first_response_breached_at=utc(2026, 11, 27, 9),
    )
    TicketEvent.objects.create(
        ticket=late,
        kind=TicketEvent.Kind.STAFF_REPLIED,
        actor=other_agent,
        created_at=utc(2026, 11, 27, 11),
    )
    for kind, hour in (("resolved", 12), ("reopened", 13), ("resolved", 16)):
        TicketEvent.objects.create(
            ticket=late, kind=kind, actor=other_agent, created_at=utc(2026, 11, 27, hour)
        )
    SurveyInvitation.objects.create(ticket=late, cycle=1, created_at=utc(2026, 11, 27, 12))
    SurveyInvitation.objects.create(ticket=late, cycle=2, created_at=utc(2026, 11, 27, 16))
    SatisfactionRating.objects.create(
        ticket=late, cycle=1, score=4, created_at=utc(2026, 11, 27, 12, 30)
    )
    SatisfactionRating.objects.create(
        ticket=late,
        cycle=2,
        score=2,
        comment="Slow at first, then fine.",
        created_at=utc(2026, 11, 27, 16, 30),
    )

    SecretRefusal.objects.create(day=date(2026, 11, 3), kind="wif", where="ask", count=3)
    SecretRefusal.objects.create(day=date(2026, 11, 3), kind="xprv", where="reply", count=1)
    return History(wallets, transfers, general, security, agent, other_agent, helper, tron)


HOUR = timedelta(hours=1).total_seconds()
