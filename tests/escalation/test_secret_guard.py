"""The secret guard in the staff workspace and on the way to it: a staff reply, an internal
note, and the note that comes with asking for staff or escalating. Agents paste what
users send them; none of it may carry a recovery phrase or a private key."""

import html
import logging
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.models import Ticket, TicketNote
from escalation.services import lifecycle, replies, surveys
from escalation.services import tickets as opening
from forum.models import Post
from safety.errors import SecretRefused
from safety.models import SecretRefusal
from tests.escalation.conftest import committed
from tests.forum.conftest import client_for
from tests.secret_samples import EN_24, TX_HASH, ZH_24, ZPRV, wif
from tests.traces import assert_no_trace, messages_sent, words_in

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
HTMX = {"HTTP_HX_REQUEST": "true"}
PHRASE_MESSAGE = "This looks like a recovery phrase"
CHECKBOX = re.compile(r'<input type="checkbox" name="is_transaction_hash"')


@pytest.fixture
def thread(ask):
    return ask(at=timezone.now() - 3 * HOUR, title="USDT on TRON has been pending for hours")


@pytest.fixture
def ticket(thread, moderator):
    return opening.escalate_thread(actor=moderator, thread=thread, now=timezone.now() - HOUR)


@pytest.fixture
def agent_client(agent):
    return client_for(agent)


def pasted(phrase: str) -> str:
    return f"The user sent me this in chat:\n\n{phrase}\n\nI told them to move their funds."


def counted(where: str, kind: str = "recovery_phrase") -> int:
    row = SecretRefusal.objects.filter(where=where, kind=kind).first()
    return row.count if row else 0


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_staff_reply_with_a_recovery_phrase_is_refused_and_redacted(
    headers, ticket, agent_client, caplog
):
    caplog.set_level(logging.DEBUG)
    posts, sent = Post.objects.count(), messages_sent()

    response = agent_client.post(
        f"/staff/tickets/{ticket.reference}/reply/", {"body": pasted(EN_24)}, **headers
    )

    assert response.status_code == 200
    assert PHRASE_MESSAGE in html.unescape(response.text)
    assert "[removed]" in response.text
    assert "I told them to move their funds." in html.unescape(response.text)
    assert Post.objects.count() == posts
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert counted("staff_reply") == 1
    assert_no_trace(EN_24.split(), caplog, sent_before=sent)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_internal_note_with_a_recovery_phrase_is_refused_and_redacted(
    headers, ticket, agent_client, caplog
):
    caplog.set_level(logging.DEBUG)
    sent = messages_sent()

    response = agent_client.post(
        f"/staff/tickets/{ticket.reference}/note/", {"body": pasted(ZH_24)}, **headers
    )

    assert response.status_code == 200
    assert PHRASE_MESSAGE in html.unescape(response.text)
    assert "[removed]" in response.text
    assert not TicketNote.objects.exists()
    assert counted("note") == 1
    assert_no_trace(ZH_24.split(), caplog, sent_before=sent)


def test_a_note_with_a_hash_asks_the_agent_to_confirm_then_saves(ticket, agent_client):
    body = f"Checked the explorer: {TX_HASH} is confirmed, the exchange has it."

    asked = agent_client.post(f"/staff/tickets/{ticket.reference}/note/", {"body": body})
    confirmed = agent_client.post(
        f"/staff/tickets/{ticket.reference}/note/", {"body": body, "is_transaction_hash": "on"}
    )

    assert CHECKBOX.search(asked.text)
    assert confirmed.status_code == 302
    assert TicketNote.objects.get().body == body


def test_the_reply_and_note_confirmation_boxes_have_ids_of_their_own(ticket, agent_client):
    page = agent_client.get(f"/staff/tickets/{ticket.reference}/").text

    ids = re.findall(r'id="(id_[a-z_]*is_transaction_hash)"', page)

    assert len(ids) == len(set(ids)) == 2


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_escalating_with_a_private_key_in_the_note_is_refused(headers, thread, moderator, caplog):
    caplog.set_level(logging.DEBUG)
    sent = messages_sent()
    note = f"Asker pasted their key by mistake: {wif(2)}"

    response = client_for(moderator).post(
        f"/thread/{thread.pk}/escalate/", {"note": note}, follow=not headers, **headers
    )

    assert response.status_code == 200
    assert "This looks like a private key" in html.unescape(response.text)
    assert wif(2) not in response.text
    assert not Ticket.objects.exists()
    assert counted("ask_staff", "wif") == 1
    assert_no_trace([wif(2)], caplog, sent_before=sent)


def test_the_workflow_refuses_a_secret_whoever_calls_it(ticket, agent):
    with pytest.raises(SecretRefused):
        replies.staff_reply(actor=agent, ticket=ticket, body=pasted(EN_24))
    with pytest.raises(SecretRefused):
        replies.add_note(actor=agent, ticket=ticket, body=ZPRV)

    assert not TicketNote.objects.exists()
    assert counted("staff_reply") == 1
    assert counted("note", "xprv") == 1


def test_asking_for_staff_refuses_a_secret_in_the_note(thread, member):
    with pytest.raises(SecretRefused):
        opening.ask_for_staff(actor=member, thread=thread, note=EN_24)

    assert not Ticket.objects.exists()
    assert words_in(EN_24.split()[:3], str(list(SecretRefusal.objects.values()))) == []


def test_a_resolution_note_with_a_phrase_is_refused_and_the_ticket_stays_open(ticket, agent_client):
    response = agent_client.post(
        f"/staff/tickets/{ticket.reference}/resolve/", {"note": pasted(EN_24)}, **HTMX
    )

    assert response.status_code == 200
    assert PHRASE_MESSAGE in html.unescape(response.text)
    assert words_in(EN_24.split()[:4], response.text) == []
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert counted("resolution") == 1


def test_a_resolution_note_may_hold_a_hash_without_a_question(ticket, agent):
    lifecycle.resolve(actor=agent, ticket=ticket, note=f"Confirmed on chain: {TX_HASH}")

    ticket.refresh_from_db()
    assert ticket.resolution_note.endswith(TX_HASH)


@pytest.fixture
def rating(ticket, agent):
    committed(replies.staff_reply, actor=agent, ticket=ticket, body="It is confirmed now.")
    lifecycle.resolve(actor=agent, ticket=ticket, note="On chain.")
    ticket.refresh_from_db()
    return surveys.rate(ticket=ticket, cycle=ticket.escalation_count, score=2)


def test_a_survey_comment_with_a_phrase_is_refused_and_not_kept(rating, member, caplog):
    caplog.set_level(logging.DEBUG)
    sent = messages_sent()
    token = surveys.make_token(ticket_id=rating.ticket_id, cycle=rating.cycle)

    response = client_for(None).post(f"/survey/{token}/", {"comment": pasted(EN_24)})

    assert response.status_code == 200
    assert PHRASE_MESSAGE in html.unescape(response.text)
    rating.refresh_from_db()
    assert rating.comment == ""
    assert counted("survey") == 1
    assert_no_trace(EN_24.split(), caplog, sent_before=sent)


def test_rating_from_the_request_page_refuses_a_phrase_in_the_comment(rating, member):
    with pytest.raises(SecretRefused):
        surveys.rate_as_asker(actor=member, ticket=rating.ticket, score=None, comment=EN_24)

    rating.refresh_from_db()
    assert rating.comment == ""
