"""Every notification is written by write_notifications(), whoever tells whom: notify()
is its one-note case, notify_many() one message to many people, notify_each() many
messages whose emails the worker renders. Here too: who is told on which channel and
when (the delivery), and their emails queued to the outbox."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import router
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from config.bulk import BulkInsert
from config.celery import enqueue
from notifications import messages, subjects
from notifications.models import Notification, NotificationSettings, OutboundEmail, channels_for
from notifications.services.preferences import quiet_until
from notifications.services.rendering import render_email, subject_line, time_zone
from notifications.services.unread import count_unread

BATCH_SIZE = 500


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
    count_unread(unread)
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
            zone=time_zone(user.timezone),
        )
    return _Delivery(user=user, in_app=wanted.in_app, email=wants_email, send_after=send_after)


# The unread counts a transaction inside unread_counts_at_end() has yet to add.
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
            rendered = render_email(
                recipient=item.delivery.user,
                kind=item.note.kind,
                url=item.note.url,
                params=item.params,
                question_state=states.get(subjects.thread_id(item.params)),
            )
            subject, text, html = (
                subject_line(rendered["subject"]),
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
