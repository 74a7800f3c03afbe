"""Issue 14, point 8: the staff controls say what is true, in one vocabulary.

The status select shows the ticket's status; a missed target has one label in the queue
and on the ticket; canned replies carry their language, the asker's first; agents acting
with their powers find Tickets in the top navigation, and nobody else ever does.
"""

import re
from datetime import timedelta

import pytest
import time_machine

from escalation.models import CannedReply, Ticket
from escalation.services import assignment, lifecycle, sweep
from escalation.services import tickets as opening
from tests.escalation.conftest import T0
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
Status = Ticket.Status
TICKETS_LINK = re.compile(r'<a href="/staff/tickets/"[^>]*>Tickets</a>')


def url(ticket) -> str:
    return f"/staff/tickets/{ticket.reference}/"


def selected_status(page: str) -> list[str]:
    select = re.search(r'<select id="ticket-status".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="(\w+)" selected>', select)


@pytest.fixture
def ticket(ask, moderator):
    """`member`'s question, escalated at T0: new, unassigned, first response due at T0 + 8 h."""
    return opening.escalate_thread(actor=moderator, thread=ask(at=T0 - HOUR), now=T0)


# --- The status select ---------------------------------------------------------------


def test_after_resolving_the_status_select_shows_resolved(ticket, agent):
    client = client_for(agent)
    assignment.claim(actor=agent, ticket=ticket)
    assert selected_status(client.get(url(ticket)).text) == ["open"]

    client.post(url(ticket) + "resolve/", {"note": ""})

    page = client.get(url(ticket)).text
    assert selected_status(page) == ["resolved"]
    assert "Now: Resolved" not in page


def test_moving_to_the_status_it_has_changes_nothing(ticket, agent):
    assignment.claim(actor=agent, ticket=ticket)
    ticket.refresh_from_db()
    events = ticket.events.count()

    response = client_for(agent).post(url(ticket) + "status/", {"status": "open"}, follow=True)

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.events.count() == events
    assert "The status stays “Open”." in response.text


# --- One label for a missed target ---------------------------------------------------


def test_a_missed_target_has_one_label_in_the_queue_and_on_the_ticket(ticket, agent):
    """The first response was due at T0 + 8 h; at T0 + 56 h it is two days overdue,
    whether the ticket is still open or now waits on the asker (no next deadline)."""
    assignment.claim(actor=agent, ticket=ticket, now=T0 + HOUR)
    sweep.sweep(now=T0 + 9 * HOUR)  # marks the first response missed
    client = client_for(agent)

    for status in (Status.OPEN, Status.WAITING):
        if status == Status.WAITING:
            ticket.refresh_from_db()
            lifecycle.set_status(actor=agent, ticket=ticket, status=status, now=T0 + 10 * HOUR)
        with time_machine.travel(T0 + 56 * HOUR, tick=False):
            queue = client.get("/staff/tickets/?status=all").text
            page = client.get(url(ticket)).text
        assert "Overdue by 2\xa0days" in queue, status
        assert "Target missed" not in queue
        assert "Overdue by 2\xa0days" in page, status
        assert " overdue" not in page  # the old "2 days overdue" wording


# --- Canned replies and their language -----------------------------------------------


@pytest.fixture
def canned(db):
    return [
        CannedReply.objects.create(title="Ask for the hash", language="en", body="Hi"),
        CannedReply.objects.create(title="索取交易哈希", language="zh-hans", body="您好"),
        CannedReply.objects.create(title="Use the official app", language="en", body="Hi"),
    ]


def picker_titles(page: str) -> list[tuple[str, str]]:
    """(language tag, title) of each item of the ticket page's canned reply picker."""
    picker = re.search(r'<details class="menu canned-picker">.*?</details>', page, re.S).group(0)
    return re.findall(
        r'<span class="badge canned-language">([^<]+)</span> ([^<]+)</a>', picker, re.S
    )


@pytest.mark.parametrize(
    ("language", "title", "expected"),
    [
        (
            "zh-hans",
            "USDT stuck",
            [("中文", "索取交易哈希"), ("EN", "Ask for the hash"), ("EN", "Use the official app")],
        ),
        (
            "en",
            "转账没有到账",
            [("EN", "Ask for the hash"), ("EN", "Use the official app"), ("中文", "索取交易哈希")],
        ),
        # No language chosen: the question's own language decides.
        (
            "",
            "转账没有到账",
            [("中文", "索取交易哈希"), ("EN", "Ask for the hash"), ("EN", "Use the official app")],
        ),
    ],
)
def test_canned_replies_are_tagged_and_the_askers_language_comes_first(
    ask, moderator, member, agent, canned, language, title, expected
):
    member.language = language
    member.save(update_fields=["language"])
    ticket = opening.escalate_thread(actor=moderator, thread=ask(title=title), now=T0)

    page = client_for(agent).get(url(ticket)).text

    assert picker_titles(page) == expected


def test_the_canned_reply_list_tags_each_reply_with_its_language(agent, canned):
    page = client_for(agent).get("/staff/canned/").text

    tags = re.findall(r'<span class="badge canned-language"[^>]*>([^<]+)</span>', page)
    assert sorted(tags) == ["EN", "EN", "中文"]


def test_a_canned_reply_is_saved_with_its_language(agent):
    client_for(agent).post(
        "/staff/canned/new/", {"title": "网络选择", "language": "zh-hans", "body": "您好"}
    )

    assert CannedReply.objects.get(title="网络选择").language == "zh-hans"


# --- Tickets in the top navigation ---------------------------------------------------


def test_an_agent_acting_with_their_powers_finds_tickets_in_the_top_navigation(agent):
    page = client_for(agent).get("/").text

    nav = re.search(r'<nav class="main-nav".*?</nav>', page, re.S).group(0)
    assert TICKETS_LINK.search(nav)


def test_the_cached_header_never_gives_the_link_to_anyone_without_agent_powers(
    agent, member, moderator, client
):
    # Rendered first for the agent with powers, so that a copy with the link is cached.
    assert TICKETS_LINK.search(client_for(agent).get("/").text)

    # The same account signed in with the password alone: the role, not the powers.
    assert not TICKETS_LINK.search(client_for(agent, second_factor=False).get("/").text)
    assert not TICKETS_LINK.search(client_for(member).get("/").text)
    assert not TICKETS_LINK.search(client_for(moderator).get("/").text)
    assert not TICKETS_LINK.search(client.get("/").text)
