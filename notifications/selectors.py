"""The reads notification pages need, and the hook other apps use to pick helpers."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet

from notifications import messages
from notifications.models import Notification

PER_PAGE = 30
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class NotificationPage:
    notifications: list[Notification] = field(default_factory=list)
    older_cursor: str = ""
    is_first_page: bool = True


def notification_page(*, user, before: str = "") -> NotificationPage:
    """One page of the user's notifications, newest first, by keyset: one query.

    Each notification comes with `message`, in the active language and time zone.
    """
    rows = Notification.objects.filter(recipient=user, is_in_app=True)
    cursor = _decode_cursor(before)
    if cursor is not None:
        created_at, pk = cursor
        rows = rows.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    rows = list(
        rows.only("kind", "url", "params", "created_at", "read_at").order_by("-created_at", "-pk")[
            : PER_PAGE + 1
        ]
    )
    page = NotificationPage(notifications=rows[:PER_PAGE], is_first_page=cursor is None)
    if len(rows) > PER_PAGE:
        last = page.notifications[-1]
        page.older_cursor = _encode_cursor(last.created_at, last.pk)
    for notification in page.notifications:
        notification.message = messages.headline(notification.kind, notification.params)
    return page


def helpers_among(users: QuerySet) -> QuerySet:
    """The people in `users` who opted in as helpers.

    The hook for whoever tells helpers about a question: the caller picks the people
    (say, followers of the question's category) and passes the result to notify_many.
    """
    return users.filter(notification_settings__is_helper=True)


def _encode_cursor(created_at: datetime, pk: int) -> str:
    return f"{(created_at - _EPOCH) // timedelta(microseconds=1)}.{pk}"


def _decode_cursor(value: str) -> tuple[datetime, int] | None:
    micros, _dot, pk = value.partition(".")
    if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()):
        return None
    if len(micros) > 18 or len(pk) > 18:
        return None
    try:
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:
        return None
