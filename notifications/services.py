"""Email outbox: queue inside the caller's transaction, deliver from a worker."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.utils import timezone

from config.celery import enqueue
from notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
CLAIM_FOR = timedelta(minutes=5)


def queue_email(
    *, to: list[str], subject: str, text: str, html: str = "", send_after: datetime | None = None
) -> OutboundEmail:
    """Write an email to the outbox and ask a worker to send it after commit.

    With `send_after` in the future nothing is enqueued: the periodic flush
    (deliver_pending_emails) sends it once it is due, so a held email waits in the
    database, where it cannot be lost, rather than in the broker.
    """
    return _queue_emails(
        [_outbound(to=to, subject=subject, text=text, html=html, send_after=send_after)]
    )[0]


def _outbound(*, to, subject, text, html, send_after) -> OutboundEmail:
    email = OutboundEmail(
        to=to, subject=subject.replace("\n", " ").strip()[:998], text=text, html=html
    )
    if send_after is not None:
        email.send_after = send_after
    return email


def _queue_emails(emails: list[OutboundEmail]) -> list[OutboundEmail]:
    from notifications import tasks

    now = timezone.now()
    if len(emails) == 1:
        emails[0].save()
    else:
        emails = OutboundEmail.objects.bulk_create(emails)
    for email in emails:
        if email.send_after <= now:
            enqueue(tasks.deliver_email, email.pk)
    return emails


def deliver_email(*, email_id: int, now=None) -> bool:
    """Send one queued email unless it is sent, failed or claimed. True when sent now.

    Idempotent: a duplicate task, or the periodic flush racing the task, sends once.
    """
    now = now or timezone.now()
    claimed = (
        OutboundEmail.objects.filter(pk=email_id, sent_at=None, failed_at=None)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM_FOR)
    )
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.text, from_email=settings.DEFAULT_FROM_EMAIL, to=email.to
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except Exception as exc:
        _record_failure(email, exc, now=now)
        raise
    OutboundEmail.objects.filter(pk=email.pk).update(sent_at=timezone.now(), claimed_until=None)
    return True


def _record_failure(email: OutboundEmail, exc: Exception, *, now) -> None:
    attempts = email.attempts + 1
    gives_up = attempts >= MAX_ATTEMPTS
    OutboundEmail.objects.filter(pk=email.pk).update(
        attempts=attempts,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        claimed_until=None,
        send_after=now + timedelta(minutes=2**attempts),
        failed_at=now if gives_up else None,
    )
    logger.warning(
        "email %s failed (attempt %s of %s)", email.pk, attempts, MAX_ATTEMPTS, exc_info=True
    )


def pending_email_ids(*, now=None, limit: int = 500) -> list[int]:
    """Emails due for (another) delivery attempt: what a lost task or a failure left behind."""
    now = now or timezone.now()
    return list(
        OutboundEmail.objects.filter(sent_at=None, failed_at=None, send_after__lte=now)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .order_by("send_after")
        .values_list("pk", flat=True)[:limit]
    )


def deliver_pending_emails(*, now=None) -> int:
    """Send every due email in the outbox; the beat safety net. Returns how many were sent."""
    sent = 0
    for email_id in pending_email_ids(now=now):
        try:
            sent += deliver_email(email_id=email_id, now=now)
        except Exception:
            continue  # recorded on the row; the next flush tries again after backoff
    return sent
