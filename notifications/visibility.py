"""Whether what a notification tells of is still there for its recipient.

Asked when its email is about to be sent (the outbox may send minutes after the
notification was written) and when the list shows it: a reply hidden by a moderator
in between must not reach anyone's inbox or list with its text and link.

Notifications sit below the forum and know nothing of threads and posts: a notification
names its subject in its params (`thread_id`, `post_id`), and the app that owns the
subject registers the rule for it (the forum does, in its AppConfig.ready()). Staff-only
kinds are checked here: they go to someone who holds the agent role still.
"""

from collections.abc import Callable, Iterable

from notifications.models import Notification

# check(recipient, notifications) -> the ids among them the recipient may no longer see.
Check = Callable[..., set[int]]
_checks: list[Check] = []


def register(check: Check) -> None:
    if check not in _checks:
        _checks.append(check)


def gone_for(recipient, notifications: Iterable[Notification]) -> set[int]:
    """The ids of the notifications whose subject `recipient` may no longer see."""
    notifications = list(notifications)
    if not notifications:
        return set()
    gone = {
        notification.pk
        for notification in notifications
        if notification.kind in Notification.STAFF_KINDS and not recipient.is_agent
    }
    for check in _checks:
        gone |= check(recipient=recipient, notifications=notifications)
    return gone


def is_visible(notification: Notification, *, viewer=None) -> bool:
    """For `viewer` (the signed-in recipient, with their session's powers), or else for
    the recipient as loaded (an email's: no session, so no staff powers)."""
    return notification.pk not in gone_for(viewer or notification.recipient, [notification])
