"""The hook other apps use to pick helpers."""

from django.db.models import QuerySet


def helpers_among(users: QuerySet) -> QuerySet:
    """The people in `users` who opted in as helpers.

    The hook for whoever tells helpers about a question: the caller picks the people
    (say, followers of the question's category) and passes the result to notify_many.
    """
    return users.filter(notification_settings__is_helper=True)
