"""The reads notification pages need, and the hook other apps use to pick helpers."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from config.keyset import beyond, decode_cursor, encode_cursor
from notifications import messages, subjects, visibility
from notifications.models import Notification

PER_PAGE = 30


@dataclass
class NotificationPage:
    notifications: list[Notification] = field(default_factory=list)
    older_cursor: str = ""
    is_first_page: bool = True


def notification_page(*, user, before: str = "", include_staff: bool = False) -> NotificationPage:
    """One page of the user's notifications, newest first, by keyset: one query, and one
    for where the questions they tell of stand now.

    Each notification comes with `message`, in the active language and time zone,
    `question_state` (notifications.subjects; None when it names no question) and
    `is_gone`: what it told of was hidden or removed since, or is no longer the viewer's
    to see (notifications.visibility); its message then says so, without the title or
    the excerpt it had. The support team's own kinds (Notification.STAFF_KINDS) only
    with `include_staff`: for an agent acting with a verified second factor
    (accounts.powers), never for the role alone.
    """
    rows = Notification.objects.filter(recipient=user, is_in_app=True)
    if not include_staff:
        rows = rows.exclude(kind__in=Notification.STAFF_KINDS)
    cursor = decode_cursor(before)
    if cursor is not None:
        created_at, pk = cursor
        rows = rows.filter(beyond("created_at", created_at, pk))
    rows = list(
        rows.only("kind", "url", "params", "created_at", "read_at").order_by("-created_at", "-pk")[
            : PER_PAGE + 1
        ]
    )
    page = NotificationPage(notifications=rows[:PER_PAGE], is_first_page=cursor is None)
    if len(rows) > PER_PAGE:
        last = page.notifications[-1]
        page.older_cursor = encode_cursor(last.created_at, last.pk)
    gone = visibility.gone_for(user, page.notifications)
    states = subjects.states_for(n.params for n in page.notifications if n.pk not in gone)
    for notification in page.notifications:
        notification.is_gone = notification.pk in gone
        tid = subjects.thread_id(notification.params)
        notification.question_state = None if notification.is_gone else states.get(tid)
        if notification.is_gone:  # neither the title nor the excerpt of what was hidden
            notification.message = _(
                "This notification is no longer available: what it told you about was "
                "hidden or removed."
            )
        else:
            notification.message = messages.headline(notification.kind, notification.params)
    return page


def helpers_among(users: QuerySet) -> QuerySet:
    """The people in `users` who opted in as helpers.

    The hook for whoever tells helpers about a question: the caller picks the people
    (say, followers of the question's category) and passes the result to notify_many.
    """
    return users.filter(notification_settings__is_helper=True)
