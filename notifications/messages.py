"""What each kind of notification says, rendered when it is shown.

A notification stores its kind and the values its message needs (`params`); the words
come from here, in whatever language is active, and instants (params ending in `_at`,
stored as ISO 8601 UTC) are shown in whatever time zone is active. The list page runs
in the viewer's language and zone; an email is rendered inside the recipient's.
"""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from config import times
from notifications.models import Notification

Kind = Notification.Kind

# The params each kind's message and email need. notify() refuses a call without them.
REQUIRED_PARAMS: dict[str, frozenset[str]] = {
    Kind.REPLY: frozenset({"thread_title", "author_name", "excerpt"}),
    Kind.ANSWER_ACCEPTED: frozenset({"thread_title"}),
    Kind.NEEDS_HELP: frozenset({"thread_title"}),
    Kind.ESCALATED: frozenset({"thread_title", "reference", "first_response_due_at"}),
    Kind.HELPER_NEEDS_HELP: frozenset({"thread_title", "category_name"}),
    Kind.SOLVE_NUDGE: frozenset({"thread_title"}),
    Kind.STAFF_REPLIED: frozenset({"thread_title", "reference", "excerpt"}),
    Kind.REQUEST_RESOLVED: frozenset({"thread_title", "reference", "ticket_id", "cycle"}),
    Kind.REQUEST_REOPENED: frozenset({"thread_title", "reference"}),
    Kind.REQUEST_CLOSED: frozenset({"thread_title", "reference"}),
    Kind.TICKET_ASSIGNED: frozenset({"thread_title", "reference"}),
    Kind.TICKET_REOPENED: frozenset({"thread_title", "reference"}),
    Kind.FIRST_RESPONSE_BREACHED: frozenset({"thread_title", "reference"}),
    Kind.RESOLUTION_BREACHED: frozenset({"thread_title", "reference"}),
}

HEADLINES = {
    Kind.REPLY: _("%(author_name)s replied to “%(thread_title)s”"),
    Kind.ANSWER_ACCEPTED: _(
        "Your answer to “%(thread_title)s” was accepted. Thank you for helping!"
    ),
    Kind.NEEDS_HELP: _(
        "Nobody has answered “%(thread_title)s” yet. Add the details that help others answer."
    ),
    Kind.ESCALATED: _(
        "Your question “%(thread_title)s” is now support request %(reference)s: expect a "
        "first answer from the support team by %(first_response_due_at)s, in the thread."
    ),
    Kind.HELPER_NEEDS_HELP: _("A question in %(category_name)s needs help: “%(thread_title)s”"),
    Kind.SOLVE_NUDGE: _(
        "Your question “%(thread_title)s” has answers. Did one solve it? Accept it so others find it."
    ),
    Kind.STAFF_REPLIED: _("The support team answered your question “%(thread_title)s”"),
    Kind.REQUEST_RESOLVED: _(
        "Your support request %(reference)s is resolved. How did we do? One click tells us."
    ),
    Kind.REQUEST_REOPENED: _(
        "Your support request %(reference)s is open again: the support team is on it."
    ),
    Kind.REQUEST_CLOSED: _(
        "Your support request %(reference)s is closed. Still stuck? Ask in the thread again."
    ),
    Kind.TICKET_ASSIGNED: _("Ticket %(reference)s is assigned to you: “%(thread_title)s”"),
    Kind.TICKET_REOPENED: _("The asker reopened ticket %(reference)s: “%(thread_title)s”"),
    Kind.FIRST_RESPONSE_BREACHED: _(
        "Ticket %(reference)s missed its first response target: “%(thread_title)s”"
    ),
    Kind.RESOLUTION_BREACHED: _(
        "Ticket %(reference)s missed its resolution target: “%(thread_title)s”"
    ),
}

SUBJECTS = {
    Kind.REPLY: _("New reply to “%(thread_title)s”"),
    Kind.ANSWER_ACCEPTED: _("Your answer was accepted"),
    Kind.NEEDS_HELP: _("Help others answer your question"),
    Kind.ESCALATED: _("Your support request %(reference)s"),
    Kind.HELPER_NEEDS_HELP: _("A question in %(category_name)s needs help"),
    Kind.SOLVE_NUDGE: _("Did an answer solve your question?"),
    Kind.STAFF_REPLIED: _("The support team answered you (%(reference)s)"),
    Kind.REQUEST_RESOLVED: _("Your support request %(reference)s is resolved"),
    Kind.REQUEST_REOPENED: _("Your support request %(reference)s is open again"),
    Kind.REQUEST_CLOSED: _("Your support request %(reference)s is closed"),
    Kind.TICKET_ASSIGNED: _("Assigned to you: %(reference)s"),
    Kind.TICKET_REOPENED: _("Reopened by the asker: %(reference)s"),
    Kind.FIRST_RESPONSE_BREACHED: _("First response target missed: %(reference)s"),
    Kind.RESOLUTION_BREACHED: _("Resolution target missed: %(reference)s"),
}


class _Blank(dict):
    """Params for %-formatting: a value a message needs but a row lacks shows as nothing."""

    def __missing__(self, key: str) -> str:
        return ""


def display_params(params: dict) -> dict:
    """Params ready to show: instants in the active zone and language, names in the active language.

    A param may come with a Chinese variant (`category_name_zh_hans`), shown to readers
    of Chinese.
    """
    is_chinese = (get_language() or "").startswith("zh")
    shown = _Blank()
    for key, value in params.items():
        if key.endswith("_zh_hans"):
            continue
        if is_chinese and params.get(f"{key}_zh_hans"):
            value = params[f"{key}_zh_hans"]
        if key.endswith("_at") and isinstance(value, str):
            value = _format_instant(value)
        shown[key] = value
    return shown


def _format_instant(value: str) -> str:
    at = parse_datetime(value)
    if at is None:
        return value
    if timezone.is_naive(at):
        at = at.replace(tzinfo=UTC)
    return times.absolute_text(at)  # with its zone: a promise someone may act on


def headline(kind: str, params: dict) -> str:
    return str(HEADLINES[kind]) % display_params(params)


def subject(kind: str, params: dict) -> str:
    return str(SUBJECTS[kind]) % display_params(params)


def stored_params(params: dict) -> dict:
    """Params as they are kept: datetimes become ISO 8601 in UTC, the rest stays as given."""
    return {
        key: value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value
        for key, value in params.items()
    }
