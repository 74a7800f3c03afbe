"""The escalation box on the thread page, and the public "With the support team" badge."""

from datetime import timedelta

import pytest
import time_machine

from escalation.services import tickets
from forum.services import answers as forum_answers
from tests.escalation.conftest import T0, committed
from tests.factories import ThreadFactory
from tests.forum.conftest import client_for
from tests.forum.test_query_counts import QUERIES

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
PANEL = 'id="escalation-panel"'
BADGE = (
    '<span class="badge question-state state-with_support badge-staff">With the support team</span>'
)
PERSONAS = ("visitor", "member", "other_member", "moderator", "agent")


@pytest.fixture
def thread(ask):
    """A question by `member`, asked at T0; the asker may ask for staff from T0 + 2 hours."""
    return ask()


@pytest.fixture
def escalated(thread, moderator):
    return tickets.escalate_thread(actor=moderator, thread=thread, now=T0 + HOUR)


def page(user, thread, *, at=T0 + 3 * HOUR) -> str:
    with time_machine.travel(at, tick=False):
        response = client_for(user).get(thread.get_absolute_url())
    assert response.status_code == 200
    return response.text


def header(text: str) -> str:
    return text.split('<div class="thread-meta">', 1)[1].split("</div>", 1)[0]


def persona(request, name):
    return None if name == "visitor" else request.getfixturevalue(name)


def test_the_asker_sees_when_they_may_ask_before_the_wait_is_over(thread, member):
    text = page(member, thread, at=T0 + HOUR)

    assert PANEL in text
    assert "Waiting for an answer" in text
    assert (
        "you can ask the support team from "
        '<time datetime="2026-11-02T11:00:00+00:00" title="UTC">Nov. 2, 2026, 11 a.m. UTC</time>'
        " (in 1\xa0hour)."
    ) in text
    assert "Ask the support team" not in text
    assert f"/thread/{thread.pk}/ask-staff/" not in text


def test_the_asker_sees_the_button_once_the_wait_is_over(thread, member):
    text = page(member, thread, at=T0 + 2 * HOUR)

    assert "Ask the support team" in text
    assert f'action="/thread/{thread.pk}/ask-staff/"' in text
    assert "Waiting for an answer" not in text


def test_the_wait_is_shown_in_the_askers_time_zone(thread, member):
    member.timezone = "Asia/Shanghai"
    member.save(update_fields=["timezone"])

    text = page(member, thread, at=T0 + HOUR)

    assert "Nov. 2, 2026, 7 p.m. UTC+8</time> (in 1\xa0hour)." in text


@pytest.mark.parametrize("who", ["visitor", "other_member"])
def test_nobody_else_but_staff_sees_a_panel(request, thread, who):
    text = page(persona(request, who), thread)

    assert PANEL not in text
    assert "Ask the support team" not in text
    assert "Escalate to the support team" not in text


@pytest.mark.parametrize("who", ["moderator", "agent"])
def test_moderators_and_agents_may_escalate_at_once(request, thread, who):
    text = page(persona(request, who), thread, at=T0 + timedelta(minutes=5))

    assert "Escalate to the support team" in text
    assert f'action="/thread/{thread.pk}/escalate/"' in text
    assert "Ask the support team" not in text


def test_once_escalated_the_asker_sees_the_reference_and_a_link_to_the_request(
    escalated, thread, member
):
    text = page(member, thread)

    assert f"Reference <strong>{escalated.reference}</strong>" in text
    assert f'href="/my/requests/{escalated.reference}/"' in text
    assert "Expect a first answer within" in text
    assert "Ask the support team" not in text


def test_once_escalated_staff_see_the_reference_and_no_form(escalated, thread, moderator):
    text = page(moderator, thread)

    assert f"Reference <strong>{escalated.reference}</strong>" in text
    assert "Escalate to the support team" not in text
    assert f"/my/requests/{escalated.reference}/" not in text  # that page is the asker's


@pytest.mark.parametrize("who", PERSONAS)
def test_everyone_sees_the_with_the_support_team_badge(request, escalated, thread, who):
    assert BADGE in page(persona(request, who), thread)


@pytest.mark.parametrize("who", PERSONAS)
def test_nobody_sees_the_badge_before_escalation(request, thread, who):
    assert BADGE not in page(persona(request, who), thread)


def test_a_ticket_the_community_solved_shows_as_resolved_without_the_badge(
    escalated, thread, reply, member, other_member
):
    answer = reply(thread, author=other_member, at=T0 + 2 * HOUR)
    committed(forum_answers.accept_answer, actor=member, post=answer, now=T0 + 2 * HOUR)

    text = page(member, thread)

    panel = text.split(PANEL, 1)[1]
    assert f"Reference <strong>{escalated.reference}</strong>" in panel
    assert '<span class="badge request-status badge-success">Resolved</span>' in panel
    assert BADGE not in text
    assert "✓ Solved</span>" in header(text)
    assert "Ask the support team" not in text


# --- What the panel costs -------------------------------------------------------


def test_the_askers_page_costs_two_queries_more_than_a_members(
    thread, member, django_assert_num_queries
):
    client = client_for(member)
    with time_machine.travel(T0 + 3 * HOUR, tick=False):
        client.get(thread.get_absolute_url())  # warm the post fragments
        with django_assert_num_queries(QUERIES["member"]["thread"] + 2):  # the ticket, the clock
            assert "Ask the support team" in client.get(thread.get_absolute_url()).text


def test_the_askers_page_costs_no_more_once_escalated(
    escalated, thread, member, django_assert_max_num_queries
):
    client = client_for(member)
    with time_machine.travel(T0 + 3 * HOUR, tick=False):
        client.get(thread.get_absolute_url())
        with django_assert_max_num_queries(QUERIES["member"]["thread"] + 2):
            assert escalated.reference in client.get(thread.get_absolute_url()).text


def test_a_member_who_is_not_the_asker_pays_nothing_for_the_panel(
    escalated, thread, category, member, other_member, django_assert_num_queries
):
    # A thread without any escalation data: no clock (its event never ran), no ticket.
    plain = ThreadFactory(author=member, category=category)
    client = client_for(other_member)
    for shown in (plain, thread):
        client.get(shown.get_absolute_url())
        with django_assert_num_queries(QUERIES["member"]["thread"]):
            assert client.get(shown.get_absolute_url()).status_code == 200
