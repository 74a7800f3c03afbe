"""Escalation state: a default policy in wall-clock time and a way to ask at a given instant."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import TestCase

from escalation.models import EscalationPolicy
from tests.factories import CategoryFactory, PostFactory, ThreadFactory

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def policy(db):
    """The site default: needs help after 4 hours, escalates after 24, asker may ask after 2."""
    return EscalationPolicy.objects.create(
        needs_help_after=timedelta(hours=4),
        escalate_after=timedelta(hours=24),
        member_can_request_after=timedelta(hours=2),
        first_response_target=timedelta(hours=8),
        resolution_target=timedelta(hours=72),
    )


@pytest.fixture
def category(db):
    return CategoryFactory(slug="transfers", name="Transfers")


def committed(function, *args, **kwargs):
    """Call a service and run its after-commit callbacks (the forum's events), as production does."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return function(*args, **kwargs)


@pytest.fixture
def ask(policy, category, member):
    def ask(*, at=T0, author=None, **kwargs):
        return committed(
            ThreadFactory, author=author or member, category=category, now=at, **kwargs
        )

    return ask


@pytest.fixture
def reply():
    def reply(thread, *, author, at):
        return committed(PostFactory, thread=thread, author=author, now=at)

    return reply
