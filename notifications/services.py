"""Notifications and the email outbox.

Everything here writes inside the caller's transaction: a notification, its unread
count and its email commit together with whatever caused them, or not at all. The
only thing that leaves the database is the after-commit enqueue of an outbox email.

Every notification is written by write_notifications(), whoever tells whom: notify()
is its one-note case, notify_many() one message to many people, notify_each() many
messages whose emails the worker renders.
"""

import logging
import zoneinfo
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.db import router, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme

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
    email = OutboundEmail(to=to, subject=_subject_line(subject), text=text, html=html)
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
class Note:
    """One notification to write: its recipient, message values and dedupe key."""

    recipient_id: int
    kind: str
    url: str
    params: dict
    dedupe_key: str = ""


@dataclass(frozen=True)
class _Delivery:
    """How one recipient is to be told: on which channels, and when the email may go."""

    user: AbstractBaseUser
    in_app: bool
    email: bool
    send_after: datetime | None


@dataclass(frozen=True)
class _Written:
    """A notification the writer stored: what it said, how it was delivered, its id."""

    note: Note
    params: dict
    delivery: _Delivery
    pk: int


def write_notifications(
    notes,
    *,
    actor: AbstractBaseUser | None = None,
    users: dict | None = None,
    render_emails: bool = True,
    now: datetime | None = None,
) -> list[_Written]:
    """Write notifications: the one writer, whoever tells whom. Returns what was written.

    The rules, for every note: the recipient is told unless they are the actor, inactive,
    want neither channel of this kind, are not a helper (for helper alerts), or were
    already told under the note's `dedupe_key`; on the channels they chose; an in-app one
    adds to their unread count; an email goes to the outbox, held for quiet hours (helper
    alerts). The dedupe is the unique constraint's: rows are inserted with ON CONFLICT DO
    NOTHING, so a key someone else committed first (on PostgreSQL, even one still being
    committed: the insert waits for it) writes nothing, counts nothing and mails nothing.

    `users` ({id: user}) are the recipients the caller has loaded already; the others are
    read by id. With `render_emails` the emails are rendered now, in each recipient's
    language (one message told to a few people); without, they are written empty and
    rendered by the worker that sends them (a sweep's thousands).

    Per batch of notes: a query for the people not given, one for their settings, one
    insert of notifications, the unread counts (one lock and one UPDATE per distinct
    increment), where the questions stand (rendered emails only) and one insert of
    emails, with one task enqueued after commit. Call inside the caller's transaction.
    """
    now = now or timezone.now()
    notes = [note if isinstance(note, Note) else Note(**note) for note in notes]
    users = dict(users or {})
    actor_id = actor.pk if actor else None
    written: list[_Written] = []
    for start in range(0, len(notes), BATCH_SIZE):
        written.extend(
            _write_batch(
                notes[start : start + BATCH_SIZE],
                actor_id=actor_id,
                users=users,
                render_emails=render_emails,
                now=now,
            )
        )
    return written


def _write_batch(notes, *, actor_id, users, render_emails, now) -> list[_Written]:
    checked: dict[int, dict] = {}  # notes often share one params dict (one message, many people)
    planned = []
    seen = set()
    for note in notes:
        if id(note.params) not in checked:
            checked[id(note.params)] = _checked_params(
                kind=note.kind, url=note.url, params=note.params
            )
        key = (note.recipient_id, note.dedupe_key)
        if note.recipient_id == actor_id or (note.dedupe_key and key in seen):
            continue
        seen.add(key)
        planned.append(note)
    missing = {note.recipient_id for note in planned} - users.keys()
    if missing:
        # What _delivery_for() and unrendered emails read: a user's other columns cost
        # a sweep more to load than the rest of its notifications.
        users.update(
            get_user_model()
            ._default_manager.only("is_active", "email", "timezone")
            .in_bulk(missing)
        )
    recipients = {
        note.recipient_id: user
        for note in planned
        if (user := users.get(note.recipient_id)) is not None and user.is_active
    }
    if not recipients:
        return []
    settings_rows = {
        row.user_id: row for row in NotificationSettings.objects.filter(user_id__in=recipients)
    }
    plans = []
    for note in planned:
        user = recipients.get(note.recipient_id)
        if user is None:
            continue
        delivery = _delivery_for(user, kind=note.kind, row=settings_rows.get(user.pk), now=now)
        if delivery is not None:
            plans.append((note, checked[id(note.params)], delivery))
    if not plans:
        return []
    stored = _NOTIFICATION_ROWS.insert_new(
        [
            (
                delivery.user.pk,
                note.kind,
                actor_id,
                note.url,
                params,
                note.dedupe_key,
                delivery.in_app,
                now,
                # Email-only: kept for the dedupe, never listed, never unread.
                None if delivery.in_app else now,
            )
            for note, params, delivery in plans
        ],
        returning=("recipient_id", "dedupe_key"),
    )
    # The rows come back in the order given, less those the constraint skipped.
    written, rows = [], iter(stored)
    row = next(rows, None)
    for note, params, delivery in plans:
        if row is not None and (row[1], row[2]) == (delivery.user.pk, note.dedupe_key):
            written.append(_Written(note=note, params=params, delivery=delivery, pk=row[0]))
            row = next(rows, None)
    unread: dict[int, int] = {}
    for item in written:
        if item.delivery.in_app:
            unread[item.delivery.user.pk] = unread.get(item.delivery.user.pk, 0) + 1
    _count_unread(unread)
    _queue_notification_emails(written, render=render_emails, now=now)
    return written


def notify(
    *,
    recipient: AbstractBaseUser,
    kind: str,
    url: str,
    params: dict,
    actor: AbstractBaseUser | None = None,
    dedupe_key: str = "",
    now: datetime | None = None,
) -> Notification | None:
    """Tell one person about something: write_notifications() for one note.

    Returns the notification, or None when the rules say nobody is told (the recipient
    is the actor, inactive, wants neither channel, is not a helper for a helper alert,
    or was already told under this `dedupe_key`, even by a transaction committing at the
    same moment). Call inside the caller's transaction.
    """
    note = Note(recipient_id=recipient.pk, kind=kind, url=url, params=params, dedupe_key=dedupe_key)
    now = now or timezone.now()
    written = write_notifications([note], actor=actor, users={recipient.pk: recipient}, now=now)
    if not written:
        return None
    item = written[0]
    notification = Notification(
        pk=item.pk,
        recipient=recipient,
        kind=kind,
        actor=actor,
        url=url,
        params=item.params,
        dedupe_key=dedupe_key,
        is_in_app=item.delivery.in_app,
        created_at=now,
        read_at=None if item.delivery.in_app else now,
    )
    notification._state.adding = False
    notification._state.db = router.db_for_write(Notification)
    return notification


def notify_many(
    *,
    recipients,
    kind: str,
    url: str,
    params: dict,
    actor: AbstractBaseUser | None = None,
    dedupe_key: str = "",
    now: datetime | None = None,
) -> int:
    """Tell many people (followers, helpers) one thing: write_notifications() with one
    note each. Returns how many were told.

    `recipients` is any iterable of users, chosen by the caller (a thread's followers,
    the helpers of a category: see selectors.helpers_among); someone listed twice is
    told once. The cost per batch does not grow with the number of people.
    """
    users = {user.pk: user for user in recipients}
    notes = [
        Note(recipient_id=pk, kind=kind, url=url, params=params, dedupe_key=dedupe_key)
        for pk in users
    ]
    return len(write_notifications(notes, actor=actor, users=users, now=now))


def notify_each(notes, *, now: datetime | None = None) -> int:
    """Many notifications, each with its own recipient and values (a sweep's tickets,
    alerts): write_notifications() with the recipients read by id and the emails rendered
    by the worker that sends them. `notes` are Notes or dicts of their fields. Returns how
    many notifications were written. Call inside the caller's transaction.
    """
    return len(write_notifications(notes, render_emails=False, now=now))


def mark_read(
    *, user: AbstractBaseUser, notification_ids=None, thread_id: int | None = None
) -> int:
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
            _users()
            .select_for_update()
            .filter(pk=user.pk)
            .values_list("unread_notification_count", flat=True)
            .first()
        )
        marked = unread.update(read_at=timezone.now())
        if marked:
            _users().filter(pk=user.pk).update(
                unread_notification_count=Greatest(
                    F("unread_notification_count") - marked, Value(0)
                )
            )
    # The row is locked until commit: nobody changed it between the read and the update.
    user.unread_notification_count = max(0, (count or 0) - marked)
    return marked


def mark_thread_read(*, user: AbstractBaseUser, thread_id: int) -> int:
    """What opening a thread does: its notifications for `user` are read. Returns how many.

    Costs nothing when the user has no unread notification at all (their row, already
    loaded with the session, says so); otherwise one lock and one bounded update (the
    unread rows of one person, by the partial index), and a third write only when some
    were about this thread.
    """
    if not user.is_authenticated or not user.unread_notification_count:
        return 0
    return mark_read(user=user, thread_id=thread_id)


def mark_all_read(*, user: AbstractBaseUser) -> int:
    """Mark all of the user's notifications read; the count becomes 0, whatever drift it had.

    The count is reset first: that locks the user's row, so a notify() in flight either
    committed before (and its row is marked read here) or counts after (and stays unread).
    """
    with transaction.atomic():
        _users().filter(pk=user.pk).update(unread_notification_count=0)
        marked = Notification.objects.filter(recipient=user, read_at=None).update(
            read_at=timezone.now()
        )
    user.unread_notification_count = 0
    return marked


def update_settings(
    *,
    user: AbstractBaseUser,
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


def _delivery_for(user: AbstractBaseUser, *, kind: str, row, now) -> _Delivery | None:
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
            _users()
            .select_for_update(no_key=True)
            .filter(pk__in=sorted(unread))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    for increment in set(unread.values()):
        _users().filter(pk__in=[pk for pk, count in unread.items() if count == increment]).update(
            unread_notification_count=F("unread_notification_count") + increment
        )


def _queue_notification_emails(written: list[_Written], *, render: bool, now) -> None:
    """The emails of what was written, to the outbox, each linked to its notification
    (whose subject is checked again when it is sent): rendered now in the recipient's
    language, with where each question stands read once for all, or written empty for
    the worker to render. Due ones are enqueued after commit: one task for one email, one
    flush for many; those held for quiet hours wait for the periodic flush."""
    from notifications import tasks

    mailed = [item for item in written if item.delivery.email]
    if not mailed:
        return
    states = subjects.states_for([item.params for item in mailed]) if render else {}
    # Due at once unless held. Not at `now`, which a sweep run with --now in the future
    # sets ahead of the clock: the flush, which reads the real clock, would leave those
    # emails waiting until that instant.
    clock = timezone.now()
    send_at = min(now, clock)
    rows = []
    for item in mailed:
        subject = text = html = ""
        if render:
            rendered = _render_email(
                recipient=item.delivery.user,
                kind=item.note.kind,
                url=item.note.url,
                params=item.params,
                question_state=states.get(subjects.thread_id(item.params)),
            )
            subject, text, html = (
                _subject_line(rendered["subject"]),
                rendered["text"],
                rendered["html"],
            )
        send_after = item.delivery.send_after or send_at
        rows.append(([item.delivery.user.email], subject, text, html, item.pk, clock, send_after))
    due = [position for position, row in enumerate(rows) if row[-1] <= clock]
    ids = _EMAIL_ROWS.insert(rows, return_ids=len(due) == 1)
    if len(due) == 1:
        enqueue(tasks.deliver_email, ids[due[0]])
    elif due:
        # One task for many (a reply's followers): a broker that accepts and never
        # answers costs the request one publish timeout, not one per email.
        enqueue(tasks.deliver_pending_emails)


# Notifications and their emails are written with plain INSERTs: building a model
# instance for each of tens of thousands of rows cost a sweep several times what the
# database took to store them.
_NOTIFICATION_ROWS = BulkInsert(
    Notification,
    (
        "recipient_id",
        "kind",
        "actor_id",
        "url",
        "params",
        "dedupe_key",
        "is_in_app",
        "created_at",
        "read_at",
    ),
)
_EMAIL_ROWS = BulkInsert(
    OutboundEmail,
    ("to", "subject", "text", "html", "notification_id", "created_at", "send_after"),
)


def _subject_line(subject: str) -> str:
    return subject.replace("\n", " ").strip()[:998]


def _fill_in(email: OutboundEmail) -> None:
    """Render a notification's email now, just before it is sent."""
    notification = Notification.objects.select_related("recipient").get(pk=email.notification_id)
    rendered = _render_email(
        recipient=notification.recipient,
        kind=notification.kind,
        url=notification.url,
        params=notification.params,
    )
    email.subject = _subject_line(rendered["subject"])
    email.text, email.html = rendered["text"], rendered["html"]
    OutboundEmail.objects.filter(pk=email.pk).update(
        subject=email.subject, text=email.text, html=email.html
    )


def _render_email(
    *, recipient: AbstractBaseUser, kind: str, url: str, params: dict, question_state=_UNREAD
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


def _users():
    """The user model's manager: notifications sit below accounts and name it only so."""
    return get_user_model()._default_manager


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
