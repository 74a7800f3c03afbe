"""Helpers the notification tests share: a notify() with sensible params, settings through the service."""

from datetime import time

import pytest

from notifications.models import DEFAULT_CHANNELS, Channels, Notification
from notifications.services import preferences, writer
from tests.factories import UserFactory

Kind = Notification.Kind

PARAMS = {
    Kind.REPLY: {
        "thread_title": "USDT stuck as pending",
        "author_name": "Otto Other",
        "excerpt": "Look the hash up on tronscan first.",
    },
    Kind.ANSWER_ACCEPTED: {"thread_title": "USDT stuck as pending"},
    Kind.NEEDS_HELP: {"thread_title": "USDT stuck as pending"},
    Kind.ESCALATED: {
        "thread_title": "USDT stuck as pending",
        "reference": "HO-1042",
        "first_response_due_at": "2026-03-02T09:30:00+00:00",
    },
    Kind.HELPER_NEEDS_HELP: {
        "thread_title": "USDT stuck as pending",
        "category_name": "Transfers",
        "category_name_zh_hans": "转账",
    },
    Kind.SOLVE_NUDGE: {"thread_title": "USDT stuck as pending"},
    Kind.STAFF_REPLIED: {
        "thread_title": "USDT stuck as pending",
        "reference": "HO-1042",
        "excerpt": "The transfer is confirmed on chain; the exchange must credit it.",
    },
    Kind.REQUEST_RESOLVED: {
        "thread_title": "USDT stuck as pending",
        "reference": "HO-1042",
        "ticket_id": 7,
        "cycle": 1,
    },
    Kind.REQUEST_REOPENED: {"thread_title": "USDT stuck as pending", "reference": "HO-1042"},
    Kind.REQUEST_CLOSED: {"thread_title": "USDT stuck as pending", "reference": "HO-1042"},
    Kind.TICKET_ASSIGNED: {"thread_title": "USDT stuck as pending", "reference": "HO-1042"},
    Kind.TICKET_REOPENED: {"thread_title": "USDT stuck as pending", "reference": "HO-1042"},
    Kind.FIRST_RESPONSE_BREACHED: {
        "thread_title": "USDT stuck as pending",
        "reference": "HO-1042",
    },
    Kind.RESOLUTION_BREACHED: {"thread_title": "USDT stuck as pending", "reference": "HO-1042"},
}


def notify(recipient, kind=Kind.REPLY, **kwargs):
    kwargs.setdefault("url", "/p/1/")
    kwargs.setdefault("params", PARAMS[kind])
    return writer.notify(recipient=recipient, kind=kind, **kwargs)


def choose(
    user, *, is_helper=False, quiet_hours=(None, None), **channels_by_kind: Channels
) -> None:
    """Save someone's settings as the preferences form would: every kind, helper, quiet hours."""
    channels = {kind: channels_by_kind.get(kind, DEFAULT_CHANNELS[kind]) for kind in Kind}
    preferences.update_settings(
        user=user,
        channels=channels,
        is_helper=is_helper,
        quiet_hours_start=quiet_hours[0],
        quiet_hours_end=quiet_hours[1],
    )


def unread_count(user) -> int:
    user.refresh_from_db(fields=["unread_notification_count"])
    return user.unread_notification_count


@pytest.fixture
def helper(db):
    """A helper in Shanghai who keeps quiet from 22:00 to 07:00 and wants helper alerts by email."""
    user = UserFactory(username="helen", display_name="Helen Helper", timezone="Asia/Shanghai")
    choose(
        user,
        is_helper=True,
        quiet_hours=(time(22, 0), time(7, 0)),
        helper_needs_help=Channels(in_app=True, email=True),
    )
    return user
