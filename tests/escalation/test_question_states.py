"""One question walked through every state: each surface says the same thing at each step.

The surfaces: the home page and the category (each a row), the thread's header and its
sidebar, My requests (once there is a request), the asker's notification list and the
email they were sent at that step. They all show `includes/question_state.html` with
the state of forum/states.py, so they agree; this walks a real thread through the
services to prove they do, in English and in Chinese.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation

from escalation.models import Ticket
from escalation.services import lifecycle, replies, tickets
from escalation.services import sweep as sweeping
from forum.services import answers as forum_answers
from forum.services import moderation as forum_moderation
from forum.states import QuestionState
from notifications.models import OutboundEmail
from notifications.services.outbox import deliver_pending_emails
from tests.escalation.conftest import T0, committed
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
TITLE = "USDT to my exchange on TRON is still missing"


def badge(state: QuestionState) -> str:
    return f'<span class="badge question-state state-{state.value}'


def row(html: str, url: str) -> str:
    link = f'href="{url}"'
    assert link in html, f"{url} is not listed"
    return html.split(link, 1)[1].split("</li>", 1)[0]


def states_in(html: str) -> set[str]:
    return {state.value for state in QuestionState if badge(state) in html}


class Walk:
    """The asker's thread and the people around it, checked at each step."""

    def __init__(self, *, thread, asker, helper, agent, at):
        self.thread, self.asker, self.helper, self.agent = thread, asker, helper, agent
        self.at = at
        self.emails_seen = 0

    def check(
        self, expected: QuestionState, *, has_request: bool, has_news: bool, email: bool = False
    ) -> None:
        self.expects_email = email
        with time_machine.travel(self.at, tick=False):
            self._check(expected, has_request=has_request, has_news=has_news)

    def _check(self, expected, *, has_request, has_news):
        thread = self.thread
        helper, asker = client_for(self.helper), client_for(self.asker)
        surfaces = {
            "home": row(helper.get("/").text, thread.get_absolute_url()),
            "category": row(
                helper.get(thread.category.get_absolute_url()).text, thread.get_absolute_url()
            ),
        }
        page = asker.get(thread.get_absolute_url()).text
        surfaces["thread header"] = page.split('<span id="thread-state"', 1)[1].split(
            'id="reply-count"', 1
        )[0]
        surfaces["sidebar"] = page.split('<aside id="thread-sidebar"', 1)[1].split("</aside>")[0]
        surfaces["helper's thread header"] = (
            helper.get(thread.get_absolute_url())
            .text.split('<span id="thread-state"', 1)[1]
            .split('id="reply-count"', 1)[0]
        )
        if has_request:
            request_url = Ticket.objects.get(thread=thread).get_absolute_url()
            surfaces["My requests"] = row(asker.get("/my/requests/").text, request_url)
        if has_news:
            notes = asker.get("/notifications/").text
            mine = [item for item in notes.split('<li class="notification') if TITLE in item]
            assert mine, "the asker has no notification about the thread"
            surfaces["notification list"] = mine[0]
        for name, html in surfaces.items():
            assert states_in(html) == {expected.value}, f"{name} says {states_in(html)}"
        self._check_email(expected)

    def _check_email(self, expected):
        deliver_pending_emails(now=self.at)  # renders what the sweep queued
        sent = list(OutboundEmail.objects.filter(to=[self.asker.email]).order_by("pk"))
        for email in sent[self.emails_seen :]:
            with translation.override(self.asker.language or "en"):
                words = str(expected.label)
                line = f"{translation.gettext('The question now:')} {words}\n"
            assert f">{words}</span>" in email.html, email.subject
            assert line in email.text, email.subject
        assert len(sent) > self.emails_seen or not self.expects_email, "no email at this step"
        self.emails_seen = len(sent)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_surface_shows_the_same_state_at_every_step(
    ask, reply, member, other_member, agent, moderator, language
):
    member.language = language
    member.save(update_fields=["language"])
    thread = ask(title=TITLE)
    walk = Walk(thread=thread, asker=member, helper=other_member, agent=agent, at=T0 + HOUR)
    walk.check(QuestionState.NEW, has_request=False, has_news=False)

    walk.at = T0 + 4 * HOUR + HOUR / 6
    assert sweeping.sweep(now=walk.at).flagged == 1
    walk.check(QuestionState.NEEDS_HELP, has_request=False, has_news=True, email=True)

    walk.at = T0 + 5 * HOUR
    reply(thread, author=other_member, at=walk.at)
    walk.check(QuestionState.ANSWERED, has_request=False, has_news=True, email=True)

    walk.at = T0 + 6 * HOUR
    ticket = committed(tickets.ask_for_staff, actor=member, thread=thread, now=walk.at)
    walk.check(QuestionState.WITH_SUPPORT, has_request=True, has_news=True, email=True)

    walk.at = T0 + 7 * HOUR
    answer = committed(
        replies.staff_reply,
        actor=agent,
        ticket=ticket,
        body="The exchange needs the transaction hash: send it to them with your deposit address.",
        now=walk.at,
    )
    walk.check(QuestionState.WITH_SUPPORT, has_request=True, has_news=True, email=True)

    walk.at = T0 + 8 * HOUR
    committed(lifecycle.resolve, actor=agent, ticket=ticket, now=walk.at)
    walk.check(QuestionState.RESOLVED_BY_SUPPORT, has_request=True, has_news=True, email=True)

    walk.at = T0 + 9 * HOUR
    ticket.refresh_from_db()
    committed(lifecycle.asker_reopen, actor=member, ticket=ticket, now=walk.at)
    walk.check(QuestionState.WITH_SUPPORT, has_request=True, has_news=True)

    walk.at = T0 + 10 * HOUR
    committed(forum_answers.accept_answer, actor=member, post=answer, now=walk.at)
    walk.check(QuestionState.SOLVED, has_request=True, has_news=True)

    walk.at = T0 + 11 * HOUR
    committed(forum_moderation.set_thread_closed, actor=moderator, thread=thread, is_closed=True)
    walk.check(QuestionState.CLOSED, has_request=True, has_news=True)
