"""`manage.py seed_demo`: the support team's side. Queues, a Shanghai calendar with China's
holidays and make-up working days, a policy per category, and questions the sweep, askers
and moderators have escalated, played through the services so clocks, tickets, their
events and notifications are the real ones."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from demo import calendar, content
from escalation.models import (
    AgentStatus,
    BusinessCalendar,
    CannedReply,
    EscalationPolicy,
    Holiday,
    Priority,
    Queue,
    SatisfactionRating,
    ThreadClock,
    Ticket,
    TicketEvent,
    TicketNote,
)
from escalation.policies import PolicyBook
from forum.models import Category, Post, Thread
from notifications.models import Notification
from safety.names import validate_name

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
    "收到一笔陌生转账后，对方让我授权“退款”，要不要点？": (False, Status.NEW, Reason.UNANSWERED),
    "从交易所提币到钱包，交易所显示已完成，钱包里却没有": (False, Status.OPEN, Reason.UNANSWERED),
    "Sent ETH to my own address on the wrong network": (False, Status.WAITING, Reason.ASKER),
    "点了“钱包升级”短信里的链接后，资产被转走了": (False, Status.RESOLVED, Reason.MODERATOR),
    "Is wallet-app-download.example the official download site?": (
        False,
        Status.CLOSED,
        Reason.ASKER,
    ),
    "Withdrawal to my wallet is confirmed but the balance did not change": (
        False,
        Status.NEW,
        Reason.UNSOLVED,
    ),
}


def story_states() -> dict[str, tuple]:
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
        day.date: (day.name, day.name_zh_hans, day.is_working_day)
        for day in Holiday.objects.filter(calendar__name=content.CALENDAR_NAME)
    }

    assert days[date(2026, 10, 1)] == ("National Day", "国庆节", False)
    assert days[date(2026, 2, 17)] == ("Chinese New Year (Spring Festival)", "春节", False)
    # The State Council's 2026 notice: Sunday 20 September and Saturday 10 October are worked.
    assert days[date(2026, 9, 20)] == ("National Day: make-up working day", "国庆节调休上班", True)
    assert days[date(2026, 10, 10)][2] is True
    assert {day for day, (_name, _zh, working) in days.items() if working} == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    assert date(2027, 2, 6) in days  # 2027's Spring Festival, from the statutory rules
    assert all(len(name) <= 80 and len(zh) <= 80 for name, zh, _working in days.values())


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
    assert story_states() == EXPECTED


def test_tickets_take_their_policy_priority_and_queue(seeded):
    for ticket in Ticket.objects.select_related("thread__category__escalation_policy"):
        policy = ticket.thread.category.escalation_policy
        assert (ticket.policy, ticket.priority, ticket.queue_id) == (
            policy,
            policy.ticket_priority,
            policy.ticket_queue_id,
        )


def test_the_asker_and_the_moderator_left_a_note(seeded):
    asked = Ticket.objects.get(thread__title="Sent ETH to my own address on the wrong network")
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
        TicketEvent.Kind.STAFF_REPLIED,
        TicketEvent.Kind.ASKER_REPLIED,
        TicketEvent.Kind.RESOLVED,
        TicketEvent.Kind.RATED,
    ]


def test_the_sweep_opened_its_tickets_at_the_deadline(seeded):
    book = PolicyBook.load()
    for ticket in Ticket.objects.filter(reason=Reason.UNANSWERED).select_related("thread"):
        thread = ticket.thread
        rules = book.for_category(thread.category_id)
        assert ticket.created_at == rules.after(thread.created_at, rules.policy.escalate_after)
        assert ticket.events.first().actor is None


def test_an_agent_reply_is_the_ticket_first_response(seeded):
    for ticket in Ticket.objects.exclude(status=Status.NEW):
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


# --- The staff workspace ---------------------------------------------------------------

BREACHED = {
    "Sent USDT to an exchange on BNB Smart Chain instead of TRON",
    "收到一笔陌生转账后，对方让我授权“退款”，要不要点？",
}


def test_there_are_tickets_in_every_status(seeded):
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)


def test_new_tickets_wait_unassigned_and_the_rest_have_an_agent(seeded):
    for ticket in Ticket.objects.all():
        assert (ticket.assignee_id is None) == (ticket.status == Status.NEW)


def test_tickets_past_their_first_response_target_in_both_languages(seeded):
    breached = Ticket.objects.filter(first_response_breached_at__isnull=False)

    assert set(breached.values_list("thread__title", flat=True)) == BREACHED
    for ticket in breached:
        assert ticket.is_sla_breached
        assert ticket.first_response_breached_at == ticket.first_response_due_at
        assert ticket.events.filter(kind=TicketEvent.Kind.FIRST_RESPONSE_BREACHED).count() == 1
        assert Notification.objects.filter(
            kind=Notification.Kind.FIRST_RESPONSE_BREACHED,
            recipient__username="mei_support",
            params__reference=ticket.reference,
        ).exists()


def test_both_agents_are_on_duty_one_for_security_one_for_every_queue(seeded):
    duty = {
        status.user.username: (status.on_duty, sorted(q.slug for q in status.queues.all()))
        for status in AgentStatus.objects.select_related("user")
    }

    assert duty == {"mei_support": (True, ["security"]), "tom_support": (True, [])}


def test_canned_replies_in_english_and_chinese_use_the_placeholders(seeded):
    replies = list(CannedReply.objects.filter(is_active=True))

    assert len(replies) == len(content.CANNED_REPLIES) >= 4
    assert any(reply.title.isascii() for reply in replies)
    assert any(not reply.title.isascii() for reply in replies)
    for reply in replies:
        assert "{asker_name}" in reply.body
        assert "{reference}" in reply.body
    assert any("{thread_link}" in reply.body for reply in replies)


def test_staff_replies_from_canned_replies_are_filled_in(seeded):
    ticket = Ticket.objects.get(status=Status.RESOLVED)
    answer = Post.objects.get(thread=ticket.thread, author=ticket.assignee)

    assert answer.body.startswith("陈伟 您好")
    assert ticket.reference in answer.body
    assert f"{ticket.thread.get_absolute_url()}" in answer.body
    assert "{" not in answer.body


def test_internal_notes_stay_off_the_thread(seeded):
    notes = list(TicketNote.objects.select_related("ticket", "author"))
    told = [str(params) for params in Notification.objects.values_list("params", flat=True)]

    assert len(notes) >= 2
    assert {note.ticket.status for note in notes} >= {Status.OPEN, Status.WAITING}
    for note in notes:
        assert note.author.is_agent
        assert "<strong>" in note.body_html or "<p>" in note.body_html
        assert not Post.objects.filter(body__contains=note.body[:30]).exists()
        assert not any(note.body[:30] in params for params in told)


def test_resolved_and_closed_tickets_carry_the_askers_rating_and_comment(seeded):
    ratings = {
        rating.ticket.status: (rating.score, rating.comment, rating.ticket.requester_id)
        for rating in SatisfactionRating.objects.select_related("ticket")
    }

    assert set(ratings) == {Status.RESOLVED, Status.CLOSED}
    for status, (score, comment, _requester) in ratings.items():
        ticket = Ticket.objects.get(status=status)
        assert 1 <= score <= 5
        assert comment
        assert ticket.resolution_note
        assert ticket.events.filter(kind=TicketEvent.Kind.RATED, actor=ticket.requester).exists()


def test_the_closed_ticket_closed_itself_a_week_after_it_was_resolved(seeded):
    ticket = Ticket.objects.get(status=Status.CLOSED)
    closed = ticket.events.get(kind=TicketEvent.Kind.CLOSED)

    assert ticket.closed_at == ticket.resolved_at + ticket.policy.close_resolved_after
    assert (closed.actor, closed.detail, closed.from_status) == (None, "auto", Status.RESOLVED)
    assert Notification.objects.filter(
        recipient=ticket.requester, kind=Notification.Kind.REQUEST_CLOSED
    ).exists()
    assert ticket.thread.state == Thread.State.SOLVED
    assert ticket.thread.accepted_post.author == ticket.assignee


def test_askers_heard_that_the_support_team_answered(seeded):
    for ticket in Ticket.objects.filter(first_responded_at__isnull=False):
        assert Notification.objects.filter(
            recipient=ticket.requester,
            kind=Notification.Kind.STAFF_REPLIED,
            params__reference=ticket.reference,
        ).exists()


SCAMMER = "wallet_recovery_desk"


def test_demo_members_names_are_ones_the_site_would_accept(seeded):
    for username, _email, display_name, role, _language, _tz in content.PEOPLE:
        if role in ("member", "moderator") and username != SCAMMER:
            validate_name(username, user=None)
            validate_name(display_name, user=None)


def test_the_demo_scammers_names_would_be_refused_at_sign_up(seeded):
    """The seed writes him directly: the name rules would stop him on the site."""
    (username, display_name) = next(
        (person[0], person[2]) for person in content.PEOPLE if person[0] == SCAMMER
    )

    for name in (username, display_name):
        with pytest.raises(ValidationError):
            validate_name(name, user=None)


def test_make_up_days_are_named_after_their_festival():
    names = {day.date: calendar.both(day) for day in calendar.china_days([2026])}

    assert names[date(2026, 2, 28)].startswith("春节调休上班")
    assert names[date(2026, 1, 4)].startswith("元旦调休上班")
    assert (
        names[date(2026, 1, 2)]
        == "休息日（由 2026-01-04 调休） Day off (substituted from 2026-01-04)"
    )
