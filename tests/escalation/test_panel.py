"""The escalation box on a thread page: shown to the asker and staff only when it has something to say."""

import pytest

from escalation.services import tickets
from forum.services import answers as forum_answers
from tests.conftest import sign_in
from tests.escalation.conftest import T0, committed

pytestmark = pytest.mark.django_db


def test_the_asker_of_a_solved_question_sees_no_empty_box(ask, reply, member, other_member, client):
    thread = ask()
    answer = reply(thread, author=other_member, at=T0)
    committed(forum_answers.accept_answer, actor=member, post=answer)
    sign_in(client, member)

    page = client.get(thread.get_absolute_url()).content.decode()

    assert 'id="escalation-panel"' not in page


def test_the_asker_sees_where_the_ticket_stands(ask, member, moderator, client):
    thread = ask()
    ticket = committed(tickets.escalate_thread, actor=moderator, thread=thread, now=T0)
    sign_in(client, member)

    page = client.get(thread.get_absolute_url()).content.decode()

    assert 'id="escalation-panel"' in page
    assert ticket.reference in page
