"""The unread count on each person's row: what notifying adds, in one lock order, and
what reading takes away."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from notifications.models import Notification

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


def count_unread(unread: dict[int, int]) -> None:
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


def _users():
    """The user model's manager: notifications sit below accounts and name it only so."""
    return get_user_model()._default_manager
