"""`manage.py seed_demo` run again, and run at any time of the week or year.

Each test seeds an empty database itself, so this module shares no seeded demo with
another (a module's shared seed would still be there when these start).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from demo import services
from escalation.models import (
    AgentStatus,
    CannedReply,
    SatisfactionRating,
    Ticket,
    TicketEvent,
    TicketNote,
)
from forum.models import Post
from notifications.models import Notification
from tests.demo.conftest import seed
from tests.demo.test_seed_demo_escalations import EXPECTED, story_states

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db(transaction=True)

# --- Whenever it runs ------------------------------------------------------------------

SEED_TIMES = {
    "a Tuesday morning in Shanghai": datetime(2026, 11, 24, 10, 35, tzinfo=SHANGHAI),
    "a Sunday": datetime(2026, 11, 29, 15, 0, tzinfo=SHANGHAI),
    "Golden Week": datetime(2026, 10, 4, 12, 0, tzinfo=SHANGHAI),
    "a make-up Saturday": datetime(2026, 10, 10, 9, 30, tzinfo=SHANGHAI),
    "just after opening on a Monday": datetime(2026, 11, 30, 9, 5, tzinfo=SHANGHAI),
}


@pytest.mark.parametrize("now", SEED_TIMES.values(), ids=SEED_TIMES.keys())
def test_the_stories_end_the_same_whenever_the_seed_runs(now):
    services.seed_demo(now=now)

    assert story_states() == EXPECTED
    assert not Ticket.objects.filter(created_at__gt=now).exists()
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()


WORKSPACE_MODELS = (
    Ticket,
    TicketEvent,
    TicketNote,
    SatisfactionRating,
    CannedReply,
    AgentStatus,
    Notification,
    Post,
)


def test_a_second_run_adds_no_tickets_events_notes_ratings_or_notifications():
    seed()
    counts = {model.__name__: model.objects.count() for model in WORKSPACE_MODELS}

    seed()

    assert {model.__name__: model.objects.count() for model in WORKSPACE_MODELS} == counts


def test_a_second_run_keeps_an_edited_canned_reply():
    seed()
    CannedReply.objects.filter(title="Ask for the transaction hash").update(body="Edited.")

    seed()

    assert CannedReply.objects.get(title="Ask for the transaction hash").body == "Edited."


def test_seed_demo_refuses_to_run_inside_a_transaction():
    with pytest.raises(RuntimeError, match="outside a transaction"), transaction.atomic():
        services.seed_demo()
