"""The broker down (refusing, or accepting and never answering): replies, asking for staff and
the sweep still work at once, their emails wait in the outbox, and go out once it is back."""

import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from escalation.models import Ticket
from escalation.services import sweep as sweeping
from forum.services import following as forum_following
from notifications.models import OutboundEmail
from notifications.services.outbox import deliver_pending_emails
from tests.conftest import broker_at, sign_in
from tests.escalation.conftest import committed
from tests.factories import ThreadFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("port_fixture", ["closed_port", "silent_port"]),
]

# Far under the request budget; a request stuck on Celery's defaults hangs for minutes.
REQUEST_BUDGET = 2.0
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def down(request, port_fixture):
    """A broker URL that refuses connections, or accepts them and never answers."""
    return f"redis://127.0.0.1:{request.getfixturevalue(port_fixture)}/0"


@pytest.fixture
def asker(db):
    return UserFactory(
        username="li", display_name="李雷", language="zh-hans", timezone="Asia/Shanghai"
    )


def asked(*, author, category, title, ago):
    return committed(
        ThreadFactory, author=author, category=category, title=title, now=timezone.now() - ago
    )


@pytest.fixture
def question(policy, category, asker):
    """Asked three hours ago: past the wait before the asker may ask for staff."""
    return asked(
        author=asker, category=category, title="USDT 转账一直显示待处理", ago=timedelta(hours=3)
    )


def _timed(request):
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def test_a_reply_is_posted_at_once_and_its_emails_wait(
    client, down, question, asker, other_member, mailoutbox
):
    followers = UserFactory.create_batch(5)
    for follower in followers:
        forum_following.follow_thread(actor=follower, thread=question)
    sign_in(client, other_member)

    with broker_at(down):
        response, elapsed = _timed(
            lambda: client.post(
                f"/thread/{question.pk}/reply/",
                {"body": "Look the hash up on tronscan: is it confirmed there?"},
            )
        )

    assert response.status_code == 302
    assert elapsed < REQUEST_BUDGET
    assert question.posts.count() == 2
    waiting = OutboundEmail.objects.filter(sent_at=None)
    assert sorted(address for email in waiting for [address] in [email.to]) == sorted(
        user.email for user in [asker, *followers]
    )

    assert deliver_pending_emails() == 6
    assert deliver_pending_emails() == 0
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        user.email for user in [asker, *followers]
    )
    [to_asker] = [mail for mail in mailoutbox if mail.to == [asker.email]]
    # Rendered when the reply was posted, in the asker's language.
    assert to_asker.subject == "[Handoff] “USDT 转账一直显示待处理”有新回复"
    assert "Handoff · 通知" in to_asker.body


def test_asking_for_staff_works_at_once_and_its_email_waits(
    client, down, question, asker, mailoutbox
):
    sign_in(client, asker)

    with broker_at(down):
        response, elapsed = _timed(
            lambda: client.post(f"/thread/{question.pk}/ask-staff/", {"note": "请帮忙"})
        )

    assert response.status_code == 302
    assert elapsed < REQUEST_BUDGET
    ticket = Ticket.objects.get(thread=question)
    assert ticket.reason == Ticket.Reason.ASKER
    [email] = OutboundEmail.objects.all()
    assert (email.to, email.sent_at) == ([asker.email], None)

    assert deliver_pending_emails() == 1
    assert deliver_pending_emails() == 0
    [mail] = mailoutbox
    assert mail.subject == f"[Handoff] 您的支持请求 {ticket.reference}"  # in the asker's language
    assert "Handoff · 通知" in mail.body


def test_a_sweep_works_and_its_emails_wait_to_be_written_in_each_readers_language(
    down, policy, category, asker, other_member, mailoutbox
):
    """Past both deadlines: the asker's tips and escalation emails, written by the worker."""
    english = asked(
        author=other_member, category=category, title="Where is my BNB?", ago=timedelta(days=2)
    )
    chinese = asked(
        author=asker, category=category, title="USDT 转账一直显示待处理", ago=timedelta(days=2)
    )

    with broker_at(down):
        started = time.monotonic()
        result = sweeping.sweep()
        elapsed = time.monotonic() - started

    assert (result.flagged, result.escalated) == (2, 2)
    assert elapsed < REQUEST_BUDGET  # not held up: one publish per batch, not one per email
    # Written empty: the worker that sends them renders them.
    assert list(OutboundEmail.objects.values_list("subject", "sent_at").distinct()) == [("", None)]
    assert OutboundEmail.objects.count() == 4

    assert deliver_pending_emails() == 4
    assert deliver_pending_emails() == 0
    by_reader = {}
    for mail in mailoutbox:
        by_reader.setdefault(mail.to[0], []).append(mail)
    tickets = {ticket.thread_id: ticket.reference for ticket in Ticket.objects.all()}

    subjects = sorted(mail.subject for mail in by_reader[other_member.email])
    assert subjects == [
        "[Handoff] Help others answer your question",
        f"[Handoff] Your support request {tickets[english.pk]}",
    ]
    for mail in by_reader[other_member.email]:
        assert "Handoff · Notifications" in mail.body
        assert "Where is my BNB?" in mail.body
    tips, escalated = sorted(
        by_reader[asker.email], key=lambda mail: tickets[chinese.pk] in mail.subject
    )
    assert tips.subject == "[Handoff] 帮助大家回答您的问题"
    assert "“USDT 转账一直显示待处理”还没有人回答。" in tips.body
    assert escalated.subject == f"[Handoff] 您的支持请求 {tickets[chinese.pk]}"
    # The first answer is due in Shanghai time, written the Chinese way.
    due_at = Ticket.objects.get(thread=chinese).first_response_due_at.astimezone(SHANGHAI)
    due = f"{due_at:%Y}年{due_at.month}月{due_at.day}日 {due_at:%H:%M} UTC+8"  # with its zone
    assert f"已转为支持请求 {tickets[chinese.pk]}：客服团队预计在 {due} 前" in escalated.body
    for mail in (tips, escalated):
        assert "Handoff · 通知" in mail.body
        assert '<html lang="zh-Hans">' in mail.alternatives[0][0]
