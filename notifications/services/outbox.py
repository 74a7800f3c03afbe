"""The email outbox: an email is a row written in the caller's transaction, sent by a
worker once after commit, retried with backoff, skipped when its notification's subject
is gone. Notification emails are rendered here when written empty; account emails are
queued here too."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from config.celery import enqueue
from notifications import visibility
from notifications.models import Notification, OutboundEmail
from notifications.services.rendering import absolute_url, render_email, subject_line, time_zone

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
    email = OutboundEmail(to=to, subject=subject_line(subject), text=text, html=html)
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
    due = [email.pk for email in emails if email.send_after <= now]
    if len(due) == 1:
        enqueue(tasks.deliver_email, due[0])
    elif due:
        # One task for many (a reply's followers): a broker that accepts and never
        # answers costs the request one publish timeout, not one per email.
        enqueue(tasks.deliver_pending_emails)
    return emails


def deliver_email(*, email_id: int, now=None) -> bool:
    """Send one queued email unless it is sent, failed or claimed. True when sent now.

    Idempotent: a duplicate task, or the periodic flush racing the task, sends once.
    """
    now = now or timezone.now()
    claimed = (
        OutboundEmail.objects.filter(pk=email_id, sent_at=None, failed_at=None, skipped_at=None)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM_FOR)
    )
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    if email.notification_id and not _still_visible(email.notification_id):
        OutboundEmail.objects.filter(pk=email.pk).update(skipped_at=now, claimed_until=None)
        return False
    if email.notification_id and not email.subject:
        _fill_in(email)
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


def _still_visible(notification_id: int) -> bool:
    """Whether the notification's subject is still there for its recipient, now."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    return (
        notification is not None
        and notification.recipient.is_active
        and visibility.is_visible(notification)
    )


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
        OutboundEmail.objects.filter(
            sent_at=None, failed_at=None, skipped_at=None, send_after__lte=now
        )
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .order_by("send_after")
        .values_list("pk", flat=True)[:limit]
    )


def deliver_pending_emails(*, now=None) -> int:
    """Send every due email in the outbox; the beat safety net. Returns how many were sent.

    Goes round until nothing due is left (a sweep may have queued thousands); emails
    that fail are pushed into the future by their backoff, so each round shrinks.
    """
    sent = 0
    while email_ids := pending_email_ids(now=now):
        for email_id in email_ids:
            try:
                sent += deliver_email(email_id=email_id, now=now)
            except Exception:
                continue  # recorded on the row; the next flush tries again after backoff
    return sent


def _fill_in(email: OutboundEmail) -> None:
    """Render a notification's email now, just before it is sent."""
    notification = Notification.objects.select_related("recipient").get(pk=email.notification_id)
    rendered = render_email(
        recipient=notification.recipient,
        kind=notification.kind,
        url=notification.url,
        params=notification.params,
    )
    email.subject = subject_line(rendered["subject"])
    email.text, email.html = rendered["text"], rendered["html"]
    OutboundEmail.objects.filter(pk=email.pk).update(
        subject=email.subject, text=email.text, html=email.html
    )


def queue_account_email(
    *, recipient: AbstractBaseUser, template: str, subject, context: dict
) -> None:
    """An email about the recipient's account (not a notification they can turn off),
    rendered like the notification mails: `notifications/email/<template>.txt` and `.html`,
    in the recipient's language and time zone. `subject` is a lazy string or a callable
    taking the context, so it too is translated in their language. Written to the outbox
    in the caller's transaction."""
    if not recipient.email:
        return
    language = recipient.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(time_zone(recipient.timezone)):
        full_context = {
            "recipient": recipient,
            "url": absolute_url("/"),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "site_name": settings.SITE_NAME,
            "language": language,
            **context,
        }
        if callable(subject):
            subject = subject(full_context)
        full_context.setdefault("headline", str(subject))
        queue_email(
            to=[recipient.email],
            subject=f"[{settings.SITE_NAME}] {subject}",
            text=render_to_string(f"notifications/email/{template}.txt", full_context),
            html=render_to_string(f"notifications/email/{template}.html", full_context),
        )
