"""Thread clocks: when a thread needs help and when it escalates, from its facts.

A clock is derived, never edited: `compute_clock` is a pure function of a thread's
facts and its category's rules, and `recompute_clocks` writes what it says. Forum
events recompute the clocks they might change; the sweep recomputes a due thread's
clock from fresh facts before acting on it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from accounts import roles
from accounts.models import User
from config.bulk import BulkInsert
from escalation.models import EscalationPolicy, ThreadClock, Ticket
from escalation.policies import PolicyBook, Rules
from forum.models import Post, Thread


@dataclass
class Facts:
    """What the escalation rules need to know about one thread."""

    id: int
    author_id: int
    category_id: int
    title: str
    created_at: datetime
    state: str
    is_hidden: bool
    first_reply_at: datetime | None
    needs_help_at: datetime | None
    has_staff_reply: bool = False
    has_helpful_answer: bool = False
    ticket_status: str | None = None
    nudges_sent: int = 0

    @property
    def has_active_ticket(self) -> bool:
        return self.ticket_status in Ticket.ACTIVE


@dataclass(frozen=True)
class Clock:
    needs_help_at: datetime | None = None
    escalate_at: datetime | None = None
    member_can_request_at: datetime | None = None
    nudge_at: datetime | None = None


MAX_NUDGES = 2

FACT_FIELDS = (
    "id",
    "author_id",
    "category_id",
    "title",
    "created_at",
    "state",
    "is_hidden",
    "first_reply_at",
    "needs_help_at",
)


def load_facts(thread_ids) -> dict[int, Facts]:
    """Facts for many threads in five queries, each led by the threads' own rows.

    The replies are read by thread (the post-number index) and their authors' roles by
    user id: a join to the Agents group let SQLite start from every post any agent ever
    wrote, a cost that grows with the forum rather than with the threads asked about.
    """
    thread_ids = list(thread_ids)
    facts = {
        row["id"]: Facts(**row)
        for row in Thread.objects.filter(pk__in=thread_ids).values(*FACT_FIELDS)
    }
    if not facts:
        return facts
    for thread_id, status in Ticket.objects.filter(thread_id__in=facts).values_list(
        "thread_id", "status"
    ):
        facts[thread_id].ticket_status = status
    for thread_id, sent in ThreadClock.objects.filter(
        thread_id__in=facts, nudges_sent__gt=0
    ).values_list("thread_id", "nudges_sent"):
        facts[thread_id].nudges_sent = sent
    answers = [
        (thread_id, author_id, vote_count)
        for thread_id, author_id, vote_count in Post.objects.filter(
            thread_id__in=facts, number__gt=1, is_hidden=False, deleted_at=None
        ).values_list("thread_id", "author_id", "vote_count")
        if author_id != facts[thread_id].author_id
    ]
    staff = _agents_among({author_id for _thread_id, author_id, _votes in answers})
    for thread_id, author_id, vote_count in answers:
        if author_id in staff:
            facts[thread_id].has_staff_reply = True
        if vote_count > 0:
            facts[thread_id].has_helpful_answer = True
    return facts


def _agents_among(user_ids: set[int]) -> set[int]:
    """The support team among these people: staff accounts in the Agents group."""
    if not user_ids:
        return set()
    return set(
        User.objects.filter(pk__in=user_ids, is_staff=True, groups__name=roles.AGENTS)
        .values_list("pk", flat=True)
        .distinct()
    )


def is_answered(facts: Facts, policy: EscalationPolicy) -> bool:
    """Whether the thread counts as answered under this policy (DESIGN: not by the asker)."""
    match policy.answered_when:
        case EscalationPolicy.Answered.STAFF_REPLY:
            return facts.has_staff_reply
        case EscalationPolicy.Answered.ACCEPTED:
            return facts.state == Thread.State.SOLVED
        case EscalationPolicy.Answered.HELPFUL:
            return facts.has_helpful_answer
        case _:
            return facts.first_reply_at is not None


def compute_clock(facts: Facts, rules: Rules) -> Clock:
    """The thread's next deadlines. A solved, closed or hidden thread has none.

    - Needs help: counted from the question while nobody but the asker has replied,
      until the community has been asked once.
    - Escalate: counted from the question; `escalate_after` while unanswered, else
      `escalate_unsolved_after` (if the policy has one) while no answer is accepted.
    - A thread that has had a ticket is escalated again only by a person.
    - The asker may ask for staff `member_can_request_after` after asking (wall-clock
      time: it is about the asker's patience, not the team's hours), unless a ticket is
      already being worked.
    - An asker with answers but none accepted is asked "did this solve it?"
      `solve_nudge_after` after the first answer, and again after twice that; no more.
    """
    if facts.state != Thread.State.OPEN or facts.is_hidden:
        return Clock()
    policy = rules.policy
    member_can_request_at = (
        None if facts.has_active_ticket else facts.created_at + policy.member_can_request_after
    )
    nudge_at = None
    if (
        facts.first_reply_at is not None
        and policy.solve_nudge_after is not None
        and facts.nudges_sent < MAX_NUDGES
    ):
        nudge_at = facts.first_reply_at + policy.solve_nudge_after * (facts.nudges_sent + 1)
    if facts.ticket_status is not None:
        return Clock(member_can_request_at=member_can_request_at, nudge_at=nudge_at)
    needs_help_at = None
    if facts.first_reply_at is None and facts.needs_help_at is None:
        needs_help_at = rules.after(facts.created_at, policy.needs_help_after)
    if not is_answered(facts, policy):
        escalate_at = rules.after(facts.created_at, policy.escalate_after)
    elif policy.escalate_unsolved_after is not None:
        escalate_at = rules.after(facts.created_at, policy.escalate_unsolved_after)
    else:
        escalate_at = None
    return Clock(needs_help_at, escalate_at, member_can_request_at, nudge_at)


def write_clocks(clocks: dict[int, Clock], *, now) -> None:
    """Insert or replace the clock rows of these threads."""
    _CLOCK_ROWS.insert(
        [
            (
                thread_id,
                clock.needs_help_at,
                clock.escalate_at,
                clock.member_can_request_at,
                clock.nudge_at,
                now,
            )
            for thread_id, clock in clocks.items()
        ]
    )


# A sweep writes a clock for every thread it looks at: plain INSERTs (see config.bulk).
_CLOCK_ROWS = BulkInsert(
    ThreadClock,
    (
        "thread_id",
        "needs_help_at",
        "escalate_at",
        "member_can_request_at",
        "nudge_at",
        "computed_at",
    ),
    upsert_on="thread_id",
)


def recompute_clocks(thread_ids, *, now, book: PolicyBook | None = None) -> dict[int, Clock]:
    """Recompute and store the clocks of these threads from their current facts."""
    book = book or PolicyBook.load()
    facts = load_facts(thread_ids)
    clocks = {
        thread_id: compute_clock(fact, book.for_category(fact.category_id))
        for thread_id, fact in facts.items()
    }
    write_clocks(clocks, now=now)
    return clocks


def recompute_open_clocks(*, category_id: int | None = None, now, batch_size: int = 2000) -> int:
    """Every open thread's clock (of one category, or all), in batches: after a policy,
    a calendar or bulk-imported threads change what the clocks should say."""
    book = PolicyBook.load()
    threads = Thread.objects.filter(state=Thread.State.OPEN).order_by("pk")
    if category_id is not None:
        threads = threads.filter(category_id=category_id)
    done, last = 0, 0
    while ids := list(threads.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size]):
        with transaction.atomic():
            recompute_clocks(ids, now=now, book=book)
        done, last = done + len(ids), ids[-1]
    return done
