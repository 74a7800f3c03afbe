"""Notifications and the email outbox.

Everything here writes inside the caller's transaction: a notification, its unread
count and its email commit together with whatever caused them, or not at all. The
only thing that leaves the database is the after-commit enqueue in queue_email.
"""

import logging
import zoneinfo
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import User
from config.bulk import BulkInsert
from config.celery import enqueue
from notifications import messages, subjects, visibility
from notifications.models import (
    DEFAULT_CHANNELS,
    Channels,
    Notification,
    NotificationSettings,
    OutboundEmail,
    channels_for,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
CLAIM_FOR = timedelta(minutes=5)
BATCH_SIZE = 500
_UNREAD = object()  # where the question stands: not looked up yet


# --- The outbox --------------------------------------------------------------


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


# --- Notifications -----------------------------------------------------------


@dataclass(frozen=True)
class _Delivery:
    """How one recipient is to be told: on which channels, and when the email may go."""

    user: User
    in_app: bool
    email: bool
    send_after: datetime | None


def notify(
    *,
    recipient: User,
    kind: str,
    url: str,
    params: dict,
    actor: User | None = None,
    dedupe_key: str = "",
    now: datetime | None = None,
) -> Notification | None:
    """Tell one person about something, on the channels they chose for this kind.

    Nothing happens (None) when the recipient is the actor, is inactive, wants neither
    channel, is not a helper (for helper alerts), or was already told under this
    `dedupe_key`. The dedupe holds under concurrency: a second insert of the same
    (recipient, dedupe_key) fails on the unique constraint inside a savepoint, and on
    PostgreSQL it waits for the first transaction to commit before it does. Call inside
    the caller's transaction.
    """
    now = now or timezone.now()
    params = _checked_params(kind=kind, url=url, params=params)
    deliveries = _deliveries(recipients=[recipient], kind=kind, actor=actor, now=now)
    if not deliveries:
        return None
    delivery = deliveries[0]
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                **_notification_fields(
                    delivery,
                    kind=kind,
                    url=url,
                    params=params,
                    actor=actor,
                    dedupe_key=dedupe_key,
                    now=now,
                )
            )
    except IntegrityError:
        if not dedupe_key:
            raise
        return None
    if delivery.in_app:
        _count_unread({recipient.pk: 1})
    _queue_notification_emails(
        [delivery], kind=kind, url=url, params=params, ids={recipient.pk: notification.pk}
    )
    return notification


def notify_many(
    *,
    recipients,
    kind: str,
    url: str,
    params: dict,
    actor: User | None = None,
    dedupe_key: str = "",
    now: datetime | None = None,
) -> int:
    """notify() for many people at once (followers, helpers). Returns how many were told.

    Per batch of recipients: one query for their settings, one for the dedupe keys they
    already have, one insert, one lock and one UPDATE of the unread counts, one insert of
    emails. `recipients` is any iterable of users, chosen by the caller (a thread's followers,
    the helpers of a category: see selectors.helpers_among).

    The dedupe is checked before the insert and enforced by the constraint: should a
    concurrent call commit the same key in between, the constraint drops the row and
    that one person's unread count may be one too high until they mark all read.
    """
    now = now or timezone.now()
    params = _checked_params(kind=kind, url=url, params=params)
    unique = {user.pk: user for user in recipients}
    told = 0
    users = list(unique.values())
    for start in range(0, len(users), BATCH_SIZE):
        deliveries = _deliveries(
            recipients=users[start : start + BATCH_SIZE], kind=kind, actor=actor, now=now
        )
        if dedupe_key and deliveries:
            already = set(
                Notification.objects.filter(
                    dedupe_key=dedupe_key, recipient_id__in=[d.user.pk for d in deliveries]
                ).values_list("recipient_id", flat=True)
            )
            deliveries = [d for d in deliveries if d.user.pk not in already]
        if not deliveries:
            continue
        created = Notification.objects.bulk_create(
            [
                Notification(
                    **_notification_fields(
                        d,
                        kind=kind,
                        url=url,
                        params=params,
                        actor=actor,
                        dedupe_key=dedupe_key,
                        now=now,
                    )
                )
                for d in deliveries
            ],
            ignore_conflicts=bool(dedupe_key),
        )
        if dedupe_key:
            # ignore_conflicts leaves the rows without their ids. A row the constraint
            # dropped is someone else's, committed with its email already: no second one.
            ids = dict(
                Notification.objects.filter(
                    dedupe_key=dedupe_key,
                    recipient_id__in=[d.user.pk for d in deliveries],
                    email__isnull=True,
                ).values_list("recipient_id", "pk")
            )
        else:
            ids = {row.recipient_id: row.pk for row in created}
        _count_unread({d.user.pk: 1 for d in deliveries if d.in_app})
        _queue_notification_emails(deliveries, kind=kind, url=url, params=params, ids=ids)
        told += len(deliveries)
    return told


def mark_read(*, user: User, notification_ids=None, thread_id: int | None = None) -> int:
    """Mark some of the user's notifications read: those with these ids, or those about
    the thread `thread_id` (opening it reads them). Returns how many were unread.

    Ids of other people's notifications, or of read ones, are ignored. Sets the user's
    unread count on `user` too, so a page rendered after this shows the new count.
    """
    if (notification_ids is None) == (thread_id is None):
        raise TypeError("mark_read() takes notification_ids or thread_id, not both")
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if thread_id is not None:
        # Every kind's params name its thread (the services that notify put it there).
        unread = unread.filter(params__thread_id=thread_id)
    else:
        unread = unread.filter(pk__in=list(notification_ids))
    with transaction.atomic():
        # The user's row first, as mark_all_read does: the same lock order, no deadlock.
        count = (
            User.objects.select_for_update()
            .filter(pk=user.pk)
            .values_list("unread_notification_count", flat=True)
            .first()
        )
        marked = unread.update(read_at=timezone.now())
        if marked:
            User.objects.filter(pk=user.pk).update(
                unread_notification_count=Greatest(
                    F("unread_notification_count") - marked, Value(0)
                )
            )
    # The row is locked until commit: nobody changed it between the read and the update.
    user.unread_notification_count = max(0, (count or 0) - marked)
    return marked


def mark_thread_read(*, user: User, thread_id: int) -> int:
    """What opening a thread does: its notifications for `user` are read. Returns how many.

    Costs nothing when the user has no unread notification at all (their row, already
    loaded with the session, says so); otherwise one lock and one bounded update (the
    unread rows of one person, by the partial index), and a third write only when some
    were about this thread.
    """
    if not user.is_authenticated or not user.unread_notification_count:
        return 0
    return mark_read(user=user, thread_id=thread_id)


def mark_all_read(*, user: User) -> int:
    """Mark all of the user's notifications read; the count becomes 0, whatever drift it had.

    The count is reset first: that locks the user's row, so a notify() in flight either
    committed before (and its row is marked read here) or counts after (and stays unread).
    """
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(unread_notification_count=0)
        marked = Notification.objects.filter(recipient=user, read_at=None).update(
            read_at=timezone.now()
        )
    user.unread_notification_count = 0
    return marked


def update_settings(
    *,
    user: User,
    channels: dict[str, Channels],
    is_helper: bool,
    quiet_hours_start: time | None,
    quiet_hours_end: time | None,
) -> NotificationSettings:
    """Save someone's notification choices. Only choices that differ from the defaults are kept.

    Quiet hours are both set or both empty, and start differs from end (ValueError).
    """
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        raise ValueError("quiet hours need both a start and an end")
    if quiet_hours_start is not None and quiet_hours_start == quiet_hours_end:
        raise ValueError("quiet hours cannot start and end at the same time")
    overrides = {}
    for kind, chosen in channels.items():
        default = DEFAULT_CHANNELS[kind]
        differs = {
            name: value
            for name, value in chosen._asdict().items()
            if value != getattr(default, name)
        }
        if differs:
            overrides[kind] = differs
    row, _created = NotificationSettings.objects.update_or_create(
        user=user,
        defaults={
            "channels": overrides,
            "is_helper": is_helper,
            "quiet_hours_start": quiet_hours_start,
            "quiet_hours_end": quiet_hours_end,
        },
    )
    return row


def quiet_until(
    *, now: datetime, start: time, end: time, zone: zoneinfo.ZoneInfo
) -> datetime | None:
    """When quiet hours (local times in `zone`, possibly across midnight) end, if `now` is in them.

    None when `now` is outside them.
    """
    local = now.astimezone(zone)
    at = local.time().replace(tzinfo=None)
    if start < end:
        if not start <= at < end:
            return None
        end_day = local.date()
    else:  # across midnight: 22:00–07:00
        if end <= at < start:
            return None
        end_day = local.date() + timedelta(days=1) if at >= start else local.date()
    ends_at = datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)
    return max(ends_at, now)


def absolute_url(path: str) -> str:
    """A link for an email, which leaves the request: the public domain and scheme from settings."""
    scheme = "https" if settings.HTTPS else "http"
    return f"{scheme}://{settings.SITE_DOMAIN}{path}"


def _checked_params(*, kind: str, url: str, params: dict) -> dict:
    Notification.Kind(kind)  # ValueError for a kind we do not know
    if not (url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)):
        raise ValueError(f"notification links are paths on this site, not {url!r}")
    missing = messages.REQUIRED_PARAMS[kind] - params.keys()
    if missing:
        raise ValueError(f"a {kind} notification needs {', '.join(sorted(missing))}")
    return messages.stored_params(params)


def _deliveries(*, recipients: list[User], kind: str, actor: User | None, now) -> list[_Delivery]:
    """Who among `recipients` is to be told, and how: one query for their settings."""
    actor_id = actor.pk if actor else None
    users = [user for user in recipients if user.is_active and user.pk != actor_id]
    if not users:
        return []
    rows = {
        row.user_id: row
        for row in NotificationSettings.objects.filter(user_id__in=[user.pk for user in users])
    }
    deliveries = []
    for user in users:
        delivery = _delivery_for(user, kind=kind, row=rows.get(user.pk), now=now)
        if delivery is not None:
            deliveries.append(delivery)
    return deliveries


def _delivery_for(user: User, *, kind: str, row, now) -> _Delivery | None:
    """How one person is to be told of one kind, given their settings row (or None)."""
    if not user.is_active:
        return None
    is_helper_alert = kind == Notification.Kind.HELPER_NEEDS_HELP
    if is_helper_alert and not (row and row.is_helper):
        return None
    wanted = channels_for(row, kind)
    wants_email = wanted.email and bool(user.email)
    if not (wanted.in_app or wants_email):
        return None
    send_after = None
    if wants_email and is_helper_alert and row.has_quiet_hours:
        send_after = quiet_until(
            now=now,
            start=row.quiet_hours_start,
            end=row.quiet_hours_end,
            zone=_zone(user.timezone),
        )
    return _Delivery(user=user, in_app=wanted.in_app, email=wants_email, send_after=send_after)


def _notification_fields(delivery: _Delivery, *, kind, url, params, actor, dedupe_key, now) -> dict:
    return {
        "recipient": delivery.user,
        "kind": kind,
        "actor": actor,
        "url": url,
        "params": params,
        "dedupe_key": dedupe_key,
        "is_in_app": delivery.in_app,
        "created_at": now,
        # Email-only: kept for the dedupe, never listed, never unread.
        "read_at": None if delivery.in_app else now,
    }


# The unread counts a transaction inside unread_counts_at_end() has yet to add.
_pending_unread: ContextVar[dict[int, int] | None] = ContextVar("pending_unread", default=None)


@contextmanager
def unread_counts_at_end():
    """Inside, notifications add to people's unread counts once, in user id order, on the way out.

    Wrap a transaction that tells several sets of people (a sweep's batch tells askers
    their questions are escalated, then agents of the tickets they are given; a reply
    tells the asker, then the followers). Locking each set in id order is not enough:
    one batch holds agent A as an asker and waits for agent B as an assignee, another
    holds B and waits for A, and PostgreSQL kills one of them. One lock of everyone, in
    one order, at the end of every such transaction, cannot wait in a circle. Use it
    inside the transaction.atomic() it protects; nested uses join the outermost. An
    exception drops what was pending, as its transaction rolls back.
    """
    if _pending_unread.get() is not None:
        yield
        return
    pending: dict[int, int] = {}
    token = _pending_unread.set(pending)
    try:
        yield
    finally:
        _pending_unread.reset(token)
    if not transaction.get_connection().needs_rollback:  # a dry run's, say: all undone
        _add_unread(pending)


def _count_unread(unread: dict[int, int]) -> None:
    """Add to people's unread counts: {user id: how many more}; at the end of the
    surrounding unread_counts_at_end(), if any, else now."""
    pending = _pending_unread.get()
    if pending is None:
        _add_unread(unread)
        return
    for user_id, count in unread.items():
        pending[user_id] = pending.get(user_id, 0) + count


def _add_unread(unread: dict[int, int]) -> None:
    """The rows are locked in id order first. Two transactions telling the same people
    would otherwise lock them in the order each UPDATE happens to meet them, and deadlock.

    FOR NO KEY UPDATE, as the UPDATE itself takes: a plain FOR UPDATE would also wait for
    every transaction that merely inserted a row pointing at the person (a notification,
    a ticket: the foreign key check holds FOR KEY SHARE until commit), and they for it.
    """
    unread = {user_id: count for user_id, count in unread.items() if count}
    if len(unread) > 1:
        list(
            User.objects.select_for_update(no_key=True)
            .filter(pk__in=sorted(unread))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    for increment in set(unread.values()):
        User.objects.filter(
            pk__in=[pk for pk, count in unread.items() if count == increment]
        ).update(unread_notification_count=F("unread_notification_count") + increment)


def _queue_notification_emails(
    deliveries: list[_Delivery], *, kind, url, params, ids: dict[int, int]
) -> None:
    """Rendered now, in the recipient's language; linked to its notification (`ids`:
    {recipient id: notification id}), whose subject is checked again when it is sent."""
    emails = []
    question_state = _UNREAD
    for delivery in deliveries:
        if not delivery.email or delivery.user.pk not in ids:
            continue
        if question_state is _UNREAD:
            question_state = subjects.state_for(params)
        email = _outbound(
            to=[delivery.user.email],
            **_render_email(
                recipient=delivery.user,
                kind=kind,
                url=url,
                params=params,
                question_state=question_state,
            ),
            send_after=delivery.send_after,
        )
        email.notification_id = ids[delivery.user.pk]
        emails.append(email)
    if emails:
        _queue_emails(emails)


def _fill_in(email: OutboundEmail) -> None:
    """Render a notification's email now, just before it is sent."""
    notification = Notification.objects.select_related("recipient").get(pk=email.notification_id)
    rendered = _render_email(
        recipient=notification.recipient,
        kind=notification.kind,
        url=notification.url,
        params=notification.params,
    )
    email.subject = rendered["subject"].replace("\n", " ").strip()[:998]
    email.text, email.html = rendered["text"], rendered["html"]
    OutboundEmail.objects.filter(pk=email.pk).update(
        subject=email.subject, text=email.text, html=email.html
    )


@dataclass(frozen=True)
class Note:
    """One notification for notify_each: its own recipient, message values and dedupe key."""

    recipient_id: int
    kind: str
    url: str
    params: dict
    dedupe_key: str = ""


def notify_each(notes, *, now: datetime | None = None) -> int:
    """Many notifications, each with its own recipient and values (a sweep's tickets, alerts).

    The same rules as notify(): the recipient's channels, helpers only for helper alerts,
    quiet hours, one row per (recipient, dedupe_key). Per batch: a query for the people,
    one for their settings, one for keys they have, one insert each for notifications
    and emails, a lock of the people's rows and one UPDATE per distinct unread increment.
    The emails are written empty and rendered by the worker that sends them; one task
    is enqueued for the batch.
    Call inside the caller's transaction. Returns how many notifications were written.
    """
    from notifications import tasks

    now = now or timezone.now()
    notes = [note if isinstance(note, Note) else Note(**note) for note in notes]
    written = 0
    for start in range(0, len(notes), BATCH_SIZE):
        batch = notes[start : start + BATCH_SIZE]
        stored = [
            _checked_params(kind=note.kind, url=note.url, params=note.params) for note in batch
        ]
        # What _delivery_for() and the emails read: a user's other columns cost a sweep
        # more to load than the rest of its notifications.
        users = User.objects.only("is_active", "email", "timezone").in_bulk(
            {note.recipient_id for note in batch}
        )
        keyed = [note for note in batch if note.dedupe_key]
        already = set()
        if keyed:
            already = set(
                Notification.objects.filter(
                    recipient_id__in={note.recipient_id for note in keyed},
                    dedupe_key__in={note.dedupe_key for note in keyed},
                )
                # Says what the unique index's condition says, so the index answers:
                # else SQLite reads every notification the recipients ever had.
                .exclude(dedupe_key="")
                .values_list("recipient_id", "dedupe_key")
            )
        plans = []
        seen = set()
        for note, params in zip(batch, stored, strict=True):
            user = users.get(note.recipient_id)
            key = (note.recipient_id, note.dedupe_key)
            if user is None or (note.dedupe_key and (key in already or key in seen)):
                continue
            seen.add(key)
            plans.append((note, params, user))
        settings_rows = {
            row.user_id: row
            for row in NotificationSettings.objects.filter(
                user_id__in={user.pk for _note, _params, user in plans}
            )
        }
        rows, deliveries = [], []
        for note, params, user in plans:
            delivery = _delivery_for(user, kind=note.kind, row=settings_rows.get(user.pk), now=now)
            if delivery is None:
                continue
            rows.append(
                # _notification_fields(), as a row: email-only ones are born read.
                (
                    user.pk,
                    note.kind,
                    note.url,
                    params,
                    note.dedupe_key,
                    delivery.in_app,
                    now,
                    None if delivery.in_app else now,
                )
            )
            deliveries.append(delivery)
        if not rows:
            continue
        created = _NOTIFICATION_ROWS.insert(rows, return_ids=True)
        unread: dict[int, int] = {}
        for delivery in deliveries:
            if delivery.in_app:
                unread[delivery.user.pk] = unread.get(delivery.user.pk, 0) + 1
        _count_unread(unread)
        # Not held for quiet hours: due at once, as notify()'s are. Not at `now`, which a
        # sweep run with --now in the future sets ahead of the clock: the flush, which
        # reads the real clock, would leave those emails waiting until that instant.
        send_at = min(now, timezone.now())
        emails = [
            ([delivery.user.email], "", "", notification_id, now, delivery.send_after or send_at)
            for notification_id, delivery in zip(created, deliveries, strict=True)
            if delivery.email
        ]
        if emails:
            _EMAIL_ROWS.insert(emails)
            enqueue(tasks.deliver_pending_emails)
        written += len(created)
    return written


# notify_each writes with plain INSERTs: building a model instance for each of tens of
# thousands of rows cost a sweep several times what the database took to store them.
_NOTIFICATION_ROWS = BulkInsert(
    Notification,
    (
        "recipient_id",
        "kind",
        "url",
        "params",
        "dedupe_key",
        "is_in_app",
        "created_at",
        "read_at",
    ),
)
_EMAIL_ROWS = BulkInsert(
    OutboundEmail, ("to", "subject", "text", "notification_id", "created_at", "send_after")
)


def _render_email(
    *, recipient: User, kind: str, url: str, params: dict, question_state=_UNREAD
) -> dict:
    """Subject, text and HTML in the recipient's language, with times in their zone.

    With where the question stands as it is sent (notifications.subjects), read here
    unless the caller, rendering one email for many people, read it once for all.
    """
    if question_state is _UNREAD:
        question_state = subjects.state_for(params)
    language = recipient.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(_zone(recipient.timezone)):
        context = {
            "recipient": recipient,
            "question_state": question_state,
            "headline": messages.headline(kind, params),
            "params": messages.display_params(params),
            "url": absolute_url(url),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "site_name": settings.SITE_NAME,
            "language": language,
        }
        return {
            "subject": f"[{settings.SITE_NAME}] {messages.subject(kind, params)}",
            "text": render_to_string(f"notifications/email/{kind}.txt", context),
            "html": render_to_string(f"notifications/email/{kind}.html", context),
        }


def queue_account_email(*, recipient: User, template: str, subject, context: dict) -> None:
    """An email about the recipient's account (not a notification they can turn off),
    rendered like the notification mails: `notifications/email/<template>.txt` and `.html`,
    in the recipient's language and time zone. `subject` is a lazy string or a callable
    taking the context, so it too is translated in their language. Written to the outbox
    in the caller's transaction."""
    if not recipient.email:
        return
    language = recipient.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(_zone(recipient.timezone)):
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


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
