"""A real worker on the real broker (the filesystem broker, or Redis on CI) runs the sweep task
and promotes a due question end to end: ticket, notification, and the email it sends."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from config.celery import app as celery_app
from escalation import tasks
from escalation.models import Ticket
from notifications.models import Notification, OutboundEmail
from tests.escalation.conftest import committed, shared_database
from tests.factories import ThreadFactory


@pytest.mark.django_db(transaction=True)
def test_a_worker_sweeps_a_due_question_to_a_ticket_and_emails_the_asker(
    policy, category, member, mailoutbox
):
    # The task sweeps at timezone.now(): the question was asked two days ago.
    thread = committed(
        ThreadFactory,
        author=member,
        category=category,
        title="USDT sent on TRON shows pending",
        now=timezone.now() - timedelta(days=2),
    )
    # The worker runs in a thread of its own, with its own connection (see shared_database).
    with (
        shared_database(),
        start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        tasks.sweep.delay()
        # Its batches enqueue the delivery of their emails: the tips, then the ticket's.
        sent = OutboundEmail.objects.exclude(sent_at=None)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sent.count() < 2:
            time.sleep(0.1)

        ticket = Ticket.objects.get(thread=thread)
        assert ticket.reason == Ticket.Reason.UNANSWERED
        assert ticket.requester == member
        told = sorted(Notification.objects.filter(recipient=member).values_list("kind", flat=True))
        assert told == ["escalated", "needs_help"]
        assert sorted(sent.values_list("notification__kind", flat=True)) == told

    assert [mail.to for mail in mailoutbox] == [[member.email]] * 2
    [escalation_mail] = [mail for mail in mailoutbox if ticket.reference in mail.subject]
    assert escalation_mail.subject == f"[Handoff] Your support request {ticket.reference}"
    assert "USDT sent on TRON shows pending" in escalation_mail.body
