"""A real worker on the real broker (the filesystem broker, or Redis on CI) runs our task."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from notifications.models import OutboundEmail
from notifications.services.outbox import queue_email


@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_a_queued_email(mailoutbox):
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        queue_email(to=["someone@example.com"], subject="Hello", text="Body")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if OutboundEmail.objects.filter(sent_at__isnull=False).exists():
                break
            time.sleep(0.1)
    assert OutboundEmail.objects.get().sent_at is not None
    assert [mail.subject for mail in mailoutbox] == ["Hello"]
