"""The email outbox: queue in the caller's transaction, deliver once, back off on failure."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from config.celery import _publish
from notifications import tasks
from notifications.models import OutboundEmail
from notifications.services.outbox import (
    CLAIM_FOR,
    MAX_ATTEMPTS,
    deliver_email,
    deliver_pending_emails,
    pending_email_ids,
    queue_email,
)
from tests.forum.conftest import client_for

DOWN = "Connection unexpectedly closed"


class DownBackend(BaseEmailBackend):
    """An SMTP server that hangs up on every message."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected(DOWN)


class PickyBackend(LocmemBackend):
    """Delivers like locmem, except to one domain whose server is down."""

    def send_messages(self, email_messages):
        if any(to.endswith("@down.example") for m in email_messages for to in m.to):
            raise SMTPServerDisconnected(DOWN)
        return super().send_messages(email_messages)


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"


@pytest.fixture
def smtp_down_for_one_domain(settings):
    settings.EMAIL_BACKEND = f"{__name__}.PickyBackend"


def _queue(subject="Welcome", to="member@example.com", **kwargs):
    return queue_email(to=[to], subject=subject, text=f"Body of {subject}", **kwargs)


def _reload(email):
    return OutboundEmail.objects.get(pk=email.pk)


def _fail_once(email, *, now):
    with pytest.raises(SMTPServerDisconnected):
        deliver_email(email_id=email.pk, now=now)


# --- Queueing ------------------------------------------------------------------


def test_queue_email_writes_a_pending_row(db):
    email = _queue(subject="Please confirm")

    row = _reload(email)
    assert row.to == ["member@example.com"]
    assert row.subject == "Please confirm"
    assert row.text == "Body of Please confirm"
    assert row.sent_at is None
    assert row.failed_at is None
    assert row.attempts == 0


def test_queue_email_keeps_the_subject_on_one_line(db):
    email = queue_email(to=["a@example.com"], subject=" Hello\nthere\n", text="x")

    assert _reload(email).subject == "Hello there"


def test_queue_email_enqueues_delivery_only_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = _queue()

    assert len(callbacks) == 1
    assert callbacks[0].func is _publish
    assert callbacks[0].args == (tasks.deliver_email, (email.pk,), {})


def test_queue_email_can_hold_an_email_until_later(db, django_capture_on_commit_callbacks):
    later = timezone.now() + timedelta(hours=8)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = _queue(send_after=later)

    assert _reload(email).send_after == later
    assert callbacks == []  # the periodic flush sends it when it is due


def test_a_held_email_is_sent_by_the_first_flush_after_its_time(db):
    later = timezone.now() + timedelta(hours=8)
    _queue(send_after=later)

    assert deliver_pending_emails(now=later - timedelta(minutes=1)) == 0
    assert deliver_pending_emails(now=later) == 1

    assert len(mail.outbox) == 1


def test_queue_email_sends_nothing_by_itself(db):
    _queue()

    assert mail.outbox == []


# --- Delivering one email ------------------------------------------------------


def test_deliver_email_sends_it_and_marks_it_sent(db):
    email = _queue(subject="Welcome")

    assert deliver_email(email_id=email.pk) is True

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == "Welcome"
    assert sent.to == ["member@example.com"]
    assert sent.body == "Body of Welcome"
    row = _reload(email)
    assert row.sent_at is not None
    assert row.claimed_until is None


def test_deliver_email_attaches_the_html_version(db):
    email = _queue(html="<p>Welcome</p>")

    deliver_email(email_id=email.pk)

    assert mail.outbox[0].alternatives == [("<p>Welcome</p>", "text/html")]


def test_deliver_email_is_idempotent(db):
    email = _queue()
    deliver_email(email_id=email.pk)

    assert deliver_email(email_id=email.pk) is False

    assert len(mail.outbox) == 1


def test_duplicate_task_sends_once(db):
    email = _queue()

    tasks.deliver_email(email.pk)
    tasks.deliver_email(email.pk)

    assert len(mail.outbox) == 1


def test_deliver_email_leaves_an_email_another_worker_has_claimed(db):
    email = _queue()
    now = timezone.now()
    OutboundEmail.objects.filter(pk=email.pk).update(claimed_until=now + CLAIM_FOR)

    assert deliver_email(email_id=email.pk, now=now) is False

    assert mail.outbox == []


def test_deliver_email_takes_over_an_expired_claim(db):
    """A worker that died mid-send leaves a claim; once it expires, the email goes out."""
    email = _queue()
    now = timezone.now()
    OutboundEmail.objects.filter(pk=email.pk).update(claimed_until=now - timedelta(seconds=1))

    assert deliver_email(email_id=email.pk, now=now) is True

    assert len(mail.outbox) == 1


def test_deliver_email_for_a_missing_row_does_nothing(db):
    assert deliver_email(email_id=987654) is False


# --- Failures and backoff ------------------------------------------------------


def test_failed_attempt_records_the_error_and_backs_off(db, smtp_down):
    email = _queue()
    now = timezone.now()

    _fail_once(email, now=now)

    row = _reload(email)
    assert row.attempts == 1
    assert row.last_error == f"SMTPServerDisconnected: {DOWN}"
    assert row.send_after == now + timedelta(minutes=2)
    assert row.claimed_until is None
    assert row.sent_at is None
    assert row.failed_at is None


def test_each_failure_doubles_the_wait(db, smtp_down):
    email = _queue()
    now = timezone.now()

    waits = []
    for attempt in range(1, 4):
        _fail_once(email, now=now)
        waits.append(_reload(email).send_after - now)
        assert _reload(email).attempts == attempt

    assert waits == [timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]


def test_after_max_attempts_the_email_is_marked_failed(db, smtp_down):
    email = _queue()
    now = timezone.now()

    for _ in range(MAX_ATTEMPTS - 1):
        _fail_once(email, now=now)
        assert _reload(email).failed_at is None
    _fail_once(email, now=now)

    row = _reload(email)
    assert row.attempts == MAX_ATTEMPTS
    assert row.failed_at == now
    assert row.sent_at is None


def test_a_failed_email_is_never_tried_again(db, settings, smtp_down):
    email = _queue()
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        _fail_once(email, now=now)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    much_later = now + timedelta(days=30)

    assert deliver_email(email_id=email.pk, now=much_later) is False
    assert deliver_pending_emails(now=much_later) == 0

    assert mail.outbox == []
    assert _reload(email).attempts == MAX_ATTEMPTS


def test_an_email_that_failed_once_goes_out_after_its_backoff(db, settings, smtp_down):
    email = _queue()
    now = timezone.now()
    _fail_once(email, now=now)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert deliver_pending_emails(now=now + timedelta(minutes=1)) == 0
    assert deliver_pending_emails(now=now + timedelta(minutes=2)) == 1

    assert len(mail.outbox) == 1
    assert _reload(email).sent_at is not None


# --- The periodic flush --------------------------------------------------------


def test_deliver_pending_emails_picks_only_due_unclaimed_unsent_rows(db, settings, smtp_down):
    due = _queue(subject="due")
    stale_claim = _queue(subject="stale claim")
    claimed = _queue(subject="claimed")
    backing_off = _queue(subject="backing off")
    failed = _queue(subject="failed")
    sent = _queue(subject="sent")
    now = timezone.now()
    OutboundEmail.objects.filter(pk=stale_claim.pk).update(claimed_until=now - timedelta(seconds=1))
    OutboundEmail.objects.filter(pk=claimed.pk).update(claimed_until=now + CLAIM_FOR)
    _fail_once(backing_off, now=now)
    for _ in range(MAX_ATTEMPTS):
        _fail_once(failed, now=now - timedelta(days=1))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    deliver_email(email_id=sent.pk)
    mail.outbox.clear()

    assert set(pending_email_ids(now=now)) == {due.pk, stale_claim.pk}
    assert deliver_pending_emails(now=now) == 2

    assert sorted(m.subject for m in mail.outbox) == ["due", "stale claim"]
    assert _reload(claimed).sent_at is None
    assert _reload(backing_off).sent_at is None
    assert _reload(failed).sent_at is None


def test_deliver_pending_emails_sends_oldest_first(db):
    newer = _queue(subject="newer")
    older = _queue(subject="older")
    now = timezone.now()
    OutboundEmail.objects.filter(pk=older.pk).update(send_after=now - timedelta(hours=1))

    assert pending_email_ids(now=now) == [older.pk, newer.pk]
    deliver_pending_emails(now=now)

    assert [m.subject for m in mail.outbox] == ["older", "newer"]


def test_deliver_pending_emails_keeps_going_past_a_failure(db, smtp_down_for_one_domain):
    bounced = _queue(subject="bounced", to="someone@down.example")
    fine = _queue(subject="fine", to="someone@up.example")

    assert deliver_pending_emails() == 1

    assert [m.subject for m in mail.outbox] == ["fine"]
    assert _reload(bounced).attempts == 1
    assert _reload(fine).sent_at is not None


def test_deliver_pending_emails_twice_sends_once(db):
    _queue()

    assert deliver_pending_emails() == 1
    assert deliver_pending_emails() == 0

    assert len(mail.outbox) == 1


def test_the_periodic_task_flushes_the_outbox(db):
    _queue()

    assert tasks.deliver_pending_emails() == 1

    assert len(mail.outbox) == 1


def test_the_admin_cannot_add_a_mail_to_the_outbox_by_hand(admin_user):
    admin_client = client_for(admin_user)
    # Every field is read only: an added row had no recipient, and saving it was a 500.
    assert admin_client.get("/admin/notifications/outboundemail/add/").status_code == 403
    assert admin_client.post("/admin/notifications/outboundemail/add/", {}).status_code == 403
    assert not OutboundEmail.objects.exists()
