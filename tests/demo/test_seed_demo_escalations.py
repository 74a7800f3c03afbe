"""`manage.py seed_demo`: the support team's side. Queues, a Shanghai calendar with China's
holidays and make-up working days, a policy per category, and questions the sweep, askers
and moderators have escalated, played through the services so clocks, tickets, their
events and notifications are the real ones."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from demo import calendar, content, services
from escalation.models import (
    BusinessCalendar,
    EscalationPolicy,
    Holiday,
    Priority,
    Queue,
    ThreadClock,
    Ticket,
    TicketEvent,
)
from escalation.policies import PolicyBook
from forum.models import Category, Post, Thread
from notifications.models import Notification
from tests.demo.conftest import seed

SHANGHAI = ZoneInfo("Asia/Shanghai")
Status, Reason = Ticket.Status, Ticket.Reason

# What each escalation demo must look like whenever the seed runs:
# (needs an answer, ticket status, ticket reason).
EXPECTED = {
    "Bridged USDC to Arbitrum and nothing has arrived": (True, None, None),
    "用助记词导入钱包后，地址和原来的不一样": (True, None, None),
    "Sent USDT to an exchange on BNB Smart Chain instead of TRON": (
        True,
        Status.NEW,
        Reason.UNANSWERED,
    ),
    "从交易所提币到钱包，交易所显示已完成，钱包里却没有": (False, Status.OPEN, Reason.UNANSWERED),
    "Sent ETH to my own address on the wrong network": (False, Status.WAITING, Reason.ASKER),
    "点了“钱包升级”短信里的链接后，资产被转走了": (False, Status.RESOLVED, Reason.MODERATOR),
    "Withdrawal to my wallet is confirmed but the balance did not change": (
        False,
        Status.NEW,
        Reason.UNSOLVED,
    ),
}


def _states() -> dict[str, tuple]:
    states = {}
    for thread in Thread.objects.filter(title__in=EXPECTED):
        ticket = Ticket.objects.filter(thread=thread).first()
        states[thread.title] = (
            thread.needs_help_at is not None and thread.first_reply_at is None,
            ticket.status if ticket else None,
            ticket.reason if ticket else None,
        )
    return states


def test_expected_covers_every_escalation_demo():
    assert set(EXPECTED) == {spec.title for spec in content.ESCALATIONS}


# --- Queues, calendar, policies ----------------------------------------------------


def test_the_support_queues_exist(seeded):
    assert dict(Queue.objects.values_list("slug", "name")) == {
        "general": "General",
        "transfers-balances": "Transfers & balances",
        "security": "Security",
    }


def test_the_shanghai_team_works_nine_to_six_on_weekdays(seeded):
    team = BusinessCalendar.objects.get(name="Support team, Shanghai")

    assert team.time_zone == "Asia/Shanghai"
    assert [str(hours) for hours in team.opening_hours.all()] == [
        f"{day} 09:00–18:00" for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    ]


def test_the_calendar_has_national_day_and_its_make_up_working_days(seeded):
    days = {
        day.date: (day.name, day.is_working_day)
        for day in Holiday.objects.filter(calendar__name=content.CALENDAR_NAME)
    }

    assert days[date(2026, 10, 1)] == ("国庆节 National Day", False)
    assert days[date(2026, 2, 17)] == ("春节 Chinese New Year (Spring Festival)", False)
    # The State Council's 2026 notice: Sunday 20 September and Saturday 10 October are worked.
    assert days[date(2026, 9, 20)] == ("国庆节调休上班 National Day: make-up working day", True)
    assert days[date(2026, 10, 10)][1] is True
    assert {day for day, (_name, working) in days.items() if working} == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    assert date(2027, 2, 6) in days  # 2027's Spring Festival, from the statutory rules
    assert all(len(name) <= 80 for name, _working in days.values())


def test_deadlines_skip_golden_week_and_count_the_make_up_saturday(seeded):
    security = Category.objects.get(slug="security")
    rules = PolicyBook.load().for_category(security.pk)

    before_golden_week = datetime(2026, 9, 30, 17, 0, tzinfo=SHANGHAI)
    friday_evening = datetime(2026, 10, 9, 17, 0, tzinfo=SHANGHAI)

    assert rules.after(before_golden_week, timedelta(hours=2)) == datetime(
        2026, 10, 8, 10, 0, tzinfo=SHANGHAI
    )
    assert rules.after(friday_evening, timedelta(hours=2)) == datetime(
        2026, 10, 10, 10, 0, tzinfo=SHANGHAI
    )


def test_every_category_and_the_site_have_a_policy_on_the_shanghai_calendar(seeded):
    policies = EscalationPolicy.objects.select_related("category", "calendar", "ticket_queue")

    assert {policy.category.slug if policy.category else None for policy in policies} == {
        None,
        *Category.objects.values_list("slug", flat=True),
    }
    assert {policy.calendar.name for policy in policies} == {content.CALENDAR_NAME}
    assert len({policy.answered_when for policy in policies}) == 4


def test_security_escalates_fast_and_high(seeded):
    policy = EscalationPolicy.objects.get(category__slug="security")

    assert (policy.needs_help_after, policy.escalate_after) == (
        timedelta(hours=1),
        timedelta(hours=4),
    )
    assert policy.ticket_priority == Priority.HIGH
    assert policy.ticket_queue.slug == "security"
    assert policy.answered_when == EscalationPolicy.Answered.STAFF_REPLY


def test_transfers_escalate_unsolved_threads_too(seeded):
    policy = EscalationPolicy.objects.get(category__slug="transfers")

    assert (policy.needs_help_after, policy.escalate_after) == (
        timedelta(hours=2),
        timedelta(hours=8),
    )
    assert policy.escalate_unsolved_after == timedelta(hours=27)  # three working days
    assert policy.ticket_queue.slug == "transfers-balances"


# --- Escalated questions ---------------------------------------------------------------


def test_each_escalation_demo_is_where_its_story_says(seeded):
    assert _states() == EXPECTED


def test_tickets_take_their_policy_priority_and_queue(seeded):
    for ticket in Ticket.objects.select_related("thread__category__escalation_policy"):
        policy = ticket.thread.category.escalation_policy
        assert (ticket.policy, ticket.priority, ticket.queue_id) == (
            policy,
            policy.ticket_priority,
            policy.ticket_queue_id,
        )


def test_the_asker_and_the_moderator_left_a_note(seeded):
    asked = Ticket.objects.get(reason=Reason.ASKER)
    escalated = Ticket.objects.get(reason=Reason.MODERATOR)

    assert "transaction hash" in asked.note
    assert escalated.note.startswith("疑似钓鱼")
    assert escalated.events.first().actor.username == "wendy"


def test_every_ticket_has_its_history_in_order(seeded):
    for ticket in Ticket.objects.all():
        events = list(ticket.events.all())
        assert events[0].kind == TicketEvent.Kind.CREATED
        assert events[0].created_at == ticket.created_at
        assert [event.created_at for event in events] == sorted(
            event.created_at for event in events
        )
        assert events[-1].to_status == ticket.status
    resolved = Ticket.objects.get(status=Status.RESOLVED)
    assert list(resolved.events.values_list("kind", flat=True)) == [
        TicketEvent.Kind.CREATED,
        TicketEvent.Kind.ASSIGNED,
        TicketEvent.Kind.RESOLVED,
    ]


def test_the_sweep_opened_its_tickets_at_the_deadline(seeded):
    book = PolicyBook.load()
    for ticket in Ticket.objects.filter(reason=Reason.UNANSWERED).select_related("thread"):
        thread = ticket.thread
        rules = book.for_category(thread.category_id)
        assert ticket.created_at == rules.after(thread.created_at, rules.policy.escalate_after)
        assert ticket.events.first().actor is None


def test_an_agent_reply_is_the_ticket_first_response(seeded):
    for ticket in Ticket.objects.filter(status__in=[Status.OPEN, Status.WAITING, Status.RESOLVED]):
        first_staff_reply = (
            Post.objects.filter(thread=ticket.thread, author=ticket.assignee)
            .order_by("created_at")
            .first()
        )
        assert ticket.first_responded_at == first_staff_reply.created_at


def test_the_askers_were_told_with_the_reference(seeded):
    for ticket in Ticket.objects.all():
        told = Notification.objects.get(
            recipient=ticket.requester,
            kind=Notification.Kind.ESCALATED,
            url__contains=ticket.reference,
        )
        assert told.params["reference"] == ticket.reference


def test_questions_that_need_help_reached_the_asker_and_the_helpers(seeded):
    flagged = Thread.objects.get(title="用助记词导入钱包后，地址和原来的不一样")

    assert Notification.objects.filter(
        recipient=flagged.author, kind=Notification.Kind.NEEDS_HELP
    ).exists()
    assert Notification.objects.filter(
        recipient__username="chen_wei",
        kind=Notification.Kind.HELPER_NEEDS_HELP,
        params__thread_title=flagged.title,
    ).exists()


def test_questions_that_need_help_still_run_toward_escalation(seeded):
    now = datetime.now(UTC)
    for title, (needs_help, status, _reason) in EXPECTED.items():
        if needs_help and status is None:
            clock = ThreadClock.objects.get(thread__title=title)
            assert clock.needs_help_at is None  # spent: the sweep flagged it
            assert clock.escalate_at > now


def test_a_resolved_question_can_go_back_to_the_team(seeded):
    resolved = Ticket.objects.get(status=Status.RESOLVED)

    assert resolved.thread.escalated_at is None
    assert ThreadClock.objects.get(thread=resolved.thread).member_can_request_at is not None


# --- Whenever it runs ------------------------------------------------------------------

SEED_TIMES = {
    "a Tuesday morning in Shanghai": datetime(2026, 11, 24, 10, 35, tzinfo=SHANGHAI),
    "a Sunday": datetime(2026, 11, 29, 15, 0, tzinfo=SHANGHAI),
    "Golden Week": datetime(2026, 10, 4, 12, 0, tzinfo=SHANGHAI),
    "a make-up Saturday": datetime(2026, 10, 10, 9, 30, tzinfo=SHANGHAI),
    "just after opening on a Monday": datetime(2026, 11, 30, 9, 5, tzinfo=SHANGHAI),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("now", SEED_TIMES.values(), ids=SEED_TIMES.keys())
def test_the_stories_end_the_same_whenever_the_seed_runs(now):
    services.seed_demo(now=now)

    assert _states() == EXPECTED
    assert not Ticket.objects.filter(created_at__gt=now).exists()
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()


@pytest.mark.django_db(transaction=True)
def test_a_second_run_adds_no_tickets_events_or_notifications():
    seed()
    counts = [Ticket.objects.count(), TicketEvent.objects.count(), Notification.objects.count()]

    seed()

    assert [
        Ticket.objects.count(),
        TicketEvent.objects.count(),
        Notification.objects.count(),
    ] == counts


@pytest.mark.django_db(transaction=True)
def test_seed_demo_refuses_to_run_inside_a_transaction():
    with pytest.raises(RuntimeError, match="outside a transaction"), transaction.atomic():
        services.seed_demo()


def test_make_up_days_are_named_after_their_festival():
    names = {day.date: day.name for day in calendar.china_days([2026])}

    assert names[date(2026, 2, 28)].startswith("春节调休上班")
    assert names[date(2026, 1, 4)].startswith("元旦调休上班")
    assert (
        names[date(2026, 1, 2)]
        == "休息日（由 2026-01-04 调休） Day off (substituted from 2026-01-04)"
    )
