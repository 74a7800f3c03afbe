"""The asker's waiting request shows the typical first reply of its queue, from the same
figures as /support/ (analytics.status.typical_first_response_waits)."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from analytics import services, status
from analytics.templatetags.support_status import typical_first_reply_sentence
from escalation.models import Ticket, TicketEvent
from tests.analytics.conftest import thread, utc
from tests.factories import UserFactory
from tests.forum.conftest import client_for

NOW = utc(2026, 11, 28, 15)  # Saturday: the week before holds Nov 27's first responses


@pytest.fixture
def waiting(history, time_machine):
    """A new request in the Security queue, not answered yet, on the day after the week
    whose rollups give Security a typical first reply of about two hours."""
    services.recompute_days(first=date(2026, 11, 20), last=date(2026, 11, 28))
    time_machine.move_to(NOW)
    asker = UserFactory()
    ticket = Ticket.objects.create(
        thread=thread(history.wallets, asker, NOW - timedelta(hours=30)),
        requester=asker,
        reason="asker",
        queue=history.security,
        category=history.wallets,
        created_at=NOW - timedelta(hours=1),
        first_response_due_at=NOW + timedelta(hours=7),
    )
    TicketEvent.objects.create(ticket=ticket, kind="created", created_at=ticket.created_at)
    return ticket


def expected(ticket) -> str:
    return typical_first_reply_sentence(status.typical_first_response_waits()[ticket.queue_id])


def test_my_requests_shows_the_typical_first_reply_of_the_queue(waiting):
    page = client_for(waiting.requester).get("/my/requests/").text

    assert expected(waiting) == "Typical first reply: about 2 hours"
    assert expected(waiting) in page


def test_the_request_page_and_the_thread_panel_show_it_too(waiting):
    client = client_for(waiting.requester)

    assert expected(waiting) in client.get(waiting.get_absolute_url()).text
    assert expected(waiting) in client.get(waiting.thread.get_absolute_url()).text


def test_it_says_nothing_once_the_team_answered_or_for_a_queue_without_figures(waiting):
    client = client_for(waiting.requester)
    Ticket.objects.filter(pk=waiting.pk).update(queue=None)
    assert "Typical first reply" not in client.get("/my/requests/").text

    Ticket.objects.filter(pk=waiting.pk).update(
        queue=waiting.queue, first_responded_at=NOW, status="waiting"
    )
    assert "Typical first reply" not in client.get("/my/requests/").text


def test_the_figures_are_read_once_per_page_and_then_from_the_cache(
    waiting, django_assert_num_queries
):
    client = client_for(waiting.requester)
    client.get("/my/requests/")

    with django_assert_num_queries(2):  # the session's user and the tickets, as before
        assert expected(waiting) in client.get("/my/requests/").text


@pytest.mark.parametrize(
    ("seconds", "english", "chinese"),
    [
        (30, "about 1 minute", "约 1 分钟"),
        (25 * 60, "about 25 minutes", "约 25 分钟"),
        (3600, "about 1 hour", "约 1 小时"),
        (5.4 * 3600, "about 5 hours", "约 5 小时"),
        (47 * 3600, "about 47 hours", "约 47 小时"),
        (2 * 86400, "about 2 days", "约 2 天"),
        (1.2 * 86400 * 10, "about 12 days", "约 12 天"),
    ],
)
def test_the_sentence_holds_its_grammar_for_every_number(seconds, english, chinese):
    with translation.override("en"):
        assert typical_first_reply_sentence(seconds) == f"Typical first reply: {english}"
    with translation.override("zh-hans"):
        assert typical_first_reply_sentence(seconds) == f"通常首次回复：{chinese}"
