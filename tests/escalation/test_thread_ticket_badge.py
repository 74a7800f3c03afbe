"""The thread shows its ticket: the public badge, the asker's panel, "This solved my problem"."""

from datetime import timedelta

import pytest
import time_machine

from escalation.models import Ticket, TicketEvent
from escalation.services import lifecycle, replies
from escalation.services import tickets as opening
from forum.models import Thread
from notifications.models import Notification, OutboundEmail
from tests.escalation.conftest import T0, committed
from tests.forum.conftest import client_for
from tests.forum.test_query_counts import QUERIES

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
BADGE = (
    '<span class="badge question-state state-with_support badge-staff">With the support team</span>'
)
HTMX = {"HTTP_HX_REQUEST": "true"}
SOLVED_IT = "This solved my problem"
PERSONAS = ("visitor", "member", "other_member", "moderator", "agent")


@pytest.fixture
def thread(ask):
    return ask(title="USDT on TRON stuck for a day")


@pytest.fixture
def ticket(thread, moderator):
    """Escalated at T0 + 1 hour: the first answer is due 8 hours later, at 18:00 UTC."""
    return committed(opening.escalate_thread, actor=moderator, thread=thread, now=T0 + HOUR)


@pytest.fixture
def staff_answer(ticket, agent):
    return committed(
        replies.staff_reply,
        actor=agent,
        ticket=ticket,
        body="The transfer is confirmed on chain: the exchange has to credit it.",
        now=T0 + 2 * HOUR,
    )


def page(user, thread, *, at=T0 + 3 * HOUR) -> str:
    with time_machine.travel(at, tick=False):
        response = client_for(user).get(thread.get_absolute_url())
    assert response.status_code == 200
    return response.text


def persona(request, name):
    return None if name == "visitor" else request.getfixturevalue(name)


def header(text: str) -> str:
    return text.split('<div class="thread-meta">', 1)[1].split("</div>", 1)[0]


# --- The badge ---------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_everyone_sees_the_escalated_badge_in_the_header(request, ticket, thread, who):
    assert BADGE in header(page(persona(request, who), thread))


@pytest.mark.parametrize("who", PERSONAS)
def test_nobody_sees_the_badge_before_escalation(request, thread, who):
    assert "Escalated to the support team" not in page(persona(request, who), thread)


def test_the_badge_goes_once_the_ticket_is_resolved(ticket, thread, agent, other_member):
    assert BADGE in page(other_member, thread)  # the header is cached: the next page must change

    committed(lifecycle.resolve, actor=agent, ticket=ticket, now=T0 + 2 * HOUR)

    assert BADGE not in page(other_member, thread)


def test_the_thread_lists_show_the_same_words(ticket, thread, category, other_member):
    response = client_for(other_member).get(category.get_absolute_url())

    row = response.text.split(f'href="{thread.get_absolute_url()}"', 1)[1].split("</li>", 1)[0]
    assert "With the support team</span>" in row


# --- The asker's panel -------------------------------------------------------------


def test_the_asker_sees_the_reference_status_and_expected_answer_in_their_zone(
    ticket, thread, member
):
    member.timezone = "Asia/Shanghai"
    member.save(update_fields=["timezone"])

    text = page(member, thread)

    panel = text.split('id="escalation-panel"', 1)[1]
    assert f"Reference <strong>{ticket.reference}</strong>" in panel
    assert "Waiting for the support team" in panel
    assert "Expect a first answer within" in panel
    assert '<time datetime="2026-11-03T02:00:00+08:00"' in panel  # 18:00 UTC
    assert "Nov. 3, 2026, 2 a.m. UTC+8</time>)." in panel
    assert f'href="/my/requests/{ticket.reference}/"' in panel
    assert "See your request" in panel


def test_once_the_team_answered_the_asker_is_told_so_and_how_to_close_the_loop(
    staff_answer, thread, member
):
    panel = page(member, thread).split('id="escalation-panel"', 1)[1]

    assert "We answered — please check" in panel
    assert "The support team answered" in panel
    assert "ago." in panel.split("The support team answered", 1)[1].split("</p>", 1)[0]
    assert "Expect a first answer" not in panel
    assert f"choose “{SOLVED_IT}” under the answer" in panel


def test_a_late_first_answer_is_owned_up_to(ticket, thread, member):
    panel = page(member, thread, at=T0 + 10 * HOUR).split('id="escalation-panel"', 1)[1]

    assert "We are running late, sorry" in panel


def test_an_agent_sees_the_team_status_and_a_link_to_the_ticket(ticket, thread, agent):
    panel = page(agent, thread).split('id="escalation-panel"', 1)[1]

    assert f"Reference <strong>{ticket.reference}</strong> · New" in panel
    assert f'href="/staff/tickets/{ticket.reference}/"' in panel
    assert "/my/requests/" not in panel


def test_a_moderator_gets_no_link_to_the_staff_workspace(ticket, thread, moderator):
    text = page(moderator, thread)

    assert f"Reference <strong>{ticket.reference}</strong>" in text
    assert "/staff/tickets/" not in text.split('id="escalation-panel"', 1)[1]


def test_after_resolution_the_asker_can_find_the_request_to_rate_it(
    staff_answer, ticket, thread, agent, member
):
    committed(lifecycle.resolve, actor=agent, ticket=ticket, now=T0 + 3 * HOUR)

    panel = page(member, thread, at=T0 + 4 * HOUR).split('id="escalation-panel"', 1)[1]

    assert f"Reference <strong>{ticket.reference}</strong>" in panel
    assert '<span class="badge request-status badge-success">Resolved</span>' in panel
    assert f'href="/my/requests/{ticket.reference}/"' in panel


def test_a_request_resolved_before_the_asker_could_ask_shows_as_resolved_not_waiting(
    staff_answer, ticket, thread, agent, member
):
    """The asker may ask for staff from T0 + 2 hours; the team resolved it before that."""
    committed(lifecycle.resolve, actor=agent, ticket=ticket, now=T0 + HOUR + HOUR / 2)

    text = page(member, thread, at=T0 + HOUR + 3 * HOUR / 4)

    resolved = "Resolved by the support team</span>"
    assert resolved in header(text)
    assert resolved in text.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    panel = text.split('id="escalation-panel"', 1)[1].split("</aside>", 1)[0]
    assert f"Reference <strong>{ticket.reference}</strong>" in panel
    assert '<span class="badge request-status badge-success">Resolved</span>' in panel
    assert f'href="/my/requests/{ticket.reference}/"' in panel
    assert "Waiting for an answer" not in text
    assert "you can ask the support team from" not in text
    assert BADGE not in text


# --- "This solved my problem" -------------------------------------------------------


def test_the_asker_accepts_a_staff_answer_with_this_solved_my_problem(
    staff_answer, thread, member, reply, other_member
):
    community = reply(thread, author=other_member, at=T0 + 2 * HOUR)

    text = page(member, thread)

    staff_post = text.split(f'id="post-{staff_answer.pk}"', 1)[1].split("</article>", 1)[0]
    community_post = text.split(f'id="post-{community.pk}"', 1)[1].split("</article>", 1)[0]
    assert SOLVED_IT in staff_post
    assert f'formaction="/p/{staff_answer.pk}/accept/"' in staff_post
    assert "Accept this answer" in community_post
    assert SOLVED_IT not in community_post


@pytest.mark.parametrize("who", ["visitor", "other_member", "agent"])
def test_nobody_but_the_asker_gets_the_button(request, staff_answer, thread, who):
    assert SOLVED_IT not in page(persona(request, who), thread)


def test_a_moderator_accepts_a_staff_answer_in_their_own_words(staff_answer, thread, moderator):
    text = page(moderator, thread)

    staff_post = text.split(f'id="post-{staff_answer.pk}"', 1)[1].split("</article>", 1)[0]
    assert "Accept this answer" in staff_post
    assert SOLVED_IT not in text


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_this_solved_my_problem_resolves_the_ticket_and_sends_the_survey(
    staff_answer, ticket, thread, member, headers, django_capture_on_commit_callbacks
):
    client = client_for(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/p/{staff_answer.pk}/accept/", {"page": "1"}, follow=not headers, **headers
        )

    assert response.status_code == 200
    thread.refresh_from_db()
    ticket.refresh_from_db()
    assert thread.state == Thread.State.SOLVED
    assert thread.accepted_post_id == staff_answer.pk
    assert (ticket.status, ticket.resolution) == (
        Ticket.Status.RESOLVED,
        "accepted_staff_answer",
    )
    assert ticket.events.filter(kind=TicketEvent.Kind.RESOLVED, actor=member).count() == 1
    note = Notification.objects.get(recipient=member, kind=Notification.Kind.REQUEST_RESOLVED)
    assert note.url == f"/my/requests/{ticket.reference}/"
    assert note.params["ticket_id"] == ticket.pk
    email = OutboundEmail.objects.get(subject__contains=f"{ticket.reference} is resolved")
    assert email.to == [member.email]
    assert email.text.count("/survey/") == 5
    assert "Accepted answer" in response.text


def test_the_thread_page_costs_the_same_with_a_staff_answer(
    staff_answer, thread, other_member, django_assert_num_queries
):
    client = client_for(other_member)
    client.get(thread.get_absolute_url())  # warm the post fragments

    with django_assert_num_queries(QUERIES["member"]["thread"]):
        assert client.get(thread.get_absolute_url()).status_code == 200
