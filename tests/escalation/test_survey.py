"""The satisfaction survey from the resolution email: a link opens the page, the button records.

Mail scanners open every link of a message, in order and without cookies, before the
asker reads it: opening a link must record nothing. The links carry an opaque signed
token that names no ticket."""

import base64
import contextlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from escalation.models import SatisfactionRating, SurveyInvitation, Ticket, TicketEvent
from escalation.services import lifecycle, replies, surveys, tickets
from notifications.models import OutboundEmail
from tests.escalation.conftest import T0, committed
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
RESOLVED_AT = T0 + 3 * HOUR
HTMX = {"HTTP_HX_REQUEST": "true"}
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def ticket(ask, moderator, agent):
    """Escalated, answered by the support team, resolved at RESOLVED_AT: the survey is out."""
    ticket = committed(
        tickets.escalate_thread, actor=moderator, thread=ask(title="Lost my USDT"), now=T0 + HOUR
    )
    committed(
        replies.staff_reply,
        actor=agent,
        ticket=ticket,
        body="It arrived: check the TRC-20 tab.",
        now=T0 + 2 * HOUR,
    )
    committed(lifecycle.resolve, actor=agent, ticket=ticket, now=RESOLVED_AT)
    ticket.refresh_from_db()
    return ticket


def survey_links(email: OutboundEmail) -> dict[int, str]:
    """score → path, from the plain-text resolution email."""
    found = re.findall(r"(\d) · \w[\w ]*: https?://[^/\s]+(/survey/\S+/)", email.text)
    return {int(score): path for score, path in found}


def the_email() -> OutboundEmail:
    return OutboundEmail.objects.get(subject__contains="is resolved")


def link(ticket: Ticket, score: int, *, cycle: int | None = None) -> str:
    cycle = ticket.escalation_count if cycle is None else cycle
    return surveys.survey_path(ticket_id=ticket.pk, cycle=cycle, score=score)


def answer_path(ticket: Ticket, *, cycle: int = 1) -> str:
    return f"/survey/{surveys.make_token(ticket_id=ticket.pk, cycle=cycle)}/"


def token_of(path: str) -> str:
    return path.split("/")[2]


def key_of(path: str) -> str:
    """The invitation's key in a survey link (before the signature's time and hash)."""
    return token_of(path).split(":")[0]


def send(ticket, client=None, *, cycle: int = 1, **data):
    return (client or Client()).post(answer_path(ticket, cycle=cycle), data)


def nothing_recorded(ticket) -> bool:
    return (
        not SatisfactionRating.objects.exists()
        and not ticket.events.filter(kind=TicketEvent.Kind.RATED).exists()
    )


def assert_private(response):
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


# --- The email and opening its links ------------------------------------------------


def test_the_resolution_email_carries_five_links_to_the_survey(ticket, member):
    email = the_email()

    links = survey_links(email)

    assert email.to == [member.email]
    assert sorted(links) == [1, 2, 3, 4, 5]
    html_links = {
        int(score): path
        for path, score in re.findall(r'href="https?://[^/"]+(/survey/[^/"]+/(\d)/)"', email.html)
    }
    assert sorted(html_links) == [1, 2, 3, 4, 5]
    for score, path in links.items():
        assert path.endswith(f"/{score}/")
        # The same invitation in the text and the HTML (each part signs its links in the
        # second it is rendered: the signatures may differ by a second, the key may not).
        assert key_of(html_links[score]) == key_of(path)
        assert html_links[score].startswith("/survey/")
    assert "then send it from the page that opens" in email.text
    assert "Not solved after all? Open your request and choose “Reopen”" in email.text
    assert f"/my/requests/{ticket.reference}/" in email.text


def test_a_mail_scanner_opening_all_five_links_records_nothing(ticket):
    links = survey_links(the_email())

    with CaptureQueriesContext(connection) as queries:
        for score in sorted(links):  # in order, no cookies, as a link scanner does
            response = Client().get(links[score])
            assert response.status_code == 200

    assert nothing_recorded(ticket)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []


def test_a_link_opens_the_survey_with_its_score_chosen_and_a_comment_box(ticket):
    response = Client().get(survey_links(the_email())[4])

    assert response.status_code == 200
    assert "How did the support team do?" in response.text
    assert "Nothing is recorded until you press “Send my rating”." in response.text
    assert re.findall(r'<input type="radio" name="score" value="(\d)" checked>', response.text) == [
        "4"
    ]
    assert 'name="comment"' in response.text
    assert "Send my rating" in response.text
    assert CSRF.search(response.text)
    assert '<meta name="robots" content="noindex">' in response.text
    assert_private(response)
    assert nothing_recorded(ticket)


def test_the_survey_page_speaks_chinese(ticket):
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(link(ticket, 5))

    assert "客服团队的服务如何？" in response.text
    assert "发送我的评分" in response.text


def test_the_link_opens_whoever_is_signed_in(ticket, other_member):
    response = client_for(other_member).get(link(ticket, 5))

    assert response.status_code == 200
    assert f"/my/requests/{ticket.reference}/" not in response.text  # that page is the asker's
    assert nothing_recorded(ticket)


def test_the_asker_is_pointed_to_their_request(ticket, member):
    response = client_for(member).get(link(ticket, 5))

    assert f'href="/my/requests/{ticket.reference}/"' in response.text
    assert f'href="{ticket.thread.get_absolute_url()}"' in response.text


def test_a_head_request_records_nothing(ticket):
    response = Client().head(link(ticket, 1))

    assert response.status_code == 405
    assert nothing_recorded(ticket)


# --- Sending the survey --------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_sending_the_page_records_the_score_and_comment_once(ticket, headers):
    client = Client(enforce_csrf_checks=True)  # not signed in: the token is the credential
    page = client.get(survey_links(the_email())[4])
    csrf = CSRF.search(page.text).group(1)
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)

    response = client.post(
        action,
        {"score": "4", "comment": "Fast, kind, right.", "csrfmiddlewaretoken": csrf},
        **headers,
    )

    assert response.status_code == 200
    assert "Thank you!" in response.text
    assert f"You rated the help with request {ticket.reference} <strong>4 out of 5</strong>" in (
        response.text
    )
    assert "Thank you for your comment." in response.text
    assert ("<html" in response.text) is not bool(headers)
    assert_private(response)
    rating = SatisfactionRating.objects.get()
    assert (rating.ticket_id, rating.cycle, rating.score) == (ticket.pk, 1, 4)
    assert rating.comment == "Fast, kind, right."
    event = ticket.events.get(kind=TicketEvent.Kind.RATED)
    assert (event.actor_id, event.detail) == (ticket.requester_id, "4")


def test_the_score_sent_wins_over_the_link_chosen(ticket):
    send(ticket, score="2")

    assert SatisfactionRating.objects.get().score == 2


def test_sending_without_the_pages_csrf_token_is_refused(ticket):
    response = Client(enforce_csrf_checks=True).post(answer_path(ticket), {"score": "5"})

    assert response.status_code == 403
    assert nothing_recorded(ticket)


def test_another_score_within_a_week_changes_the_rating(ticket):
    send(ticket, score="2")

    again = send(ticket, score="5")

    assert again.status_code == 200
    assert "Rating changed" in again.text
    assert "to <strong>5 out of 5</strong> (Excellent)" in again.text
    assert list(SatisfactionRating.objects.values_list("score", flat=True)) == [5]
    assert ticket.events.get(kind=TicketEvent.Kind.RATING_CHANGED).detail == "2→5"


def test_opening_a_link_with_another_score_after_rating_changes_nothing(ticket):
    """A mail scanner opening every link again, once the asker has rated: still nothing."""
    send(ticket, score="2")

    opened = [Client().get(link(ticket, score)) for score in surveys.SCORES]

    assert list(SatisfactionRating.objects.values_list("score", flat=True)) == [2]
    assert not ticket.events.filter(kind=TicketEvent.Kind.RATING_CHANGED).exists()
    page = opened[4].text  # the link for 5
    assert "Already rated" in page
    assert "You rated the help with request" in page
    assert "<strong>2 out of 5</strong>" in page
    # The link's score is chosen, one press away, and the page says until when.
    assert re.search(r'value="5"\s+checked', page)
    assert "Change my rating" in page
    assert "You can change your rating until" in page


def test_after_a_week_the_page_says_the_rating_can_no_longer_change(ticket):
    send(ticket, score="2")
    rated_at = SatisfactionRating.objects.get().created_at

    with time_machine.travel(rated_at + timedelta(days=7, minutes=1), tick=False):
        opened = Client().get(link(ticket, 5))
        again = send(ticket, score="5")

    closed = "A rating can be changed for 7 days after it is given, and this one no longer can."
    assert closed in opened.text
    assert "Change my rating" not in opened.text
    assert closed in again.text
    assert list(SatisfactionRating.objects.values_list("score", flat=True)) == [2]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Choose a rating from 1 to 5."),
        ({"score": "0"}, "Choose a rating from 1 to 5."),
        ({"score": "6"}, "Choose a rating from 1 to 5."),
        ({"score": "5", "comment": "x" * 2001}, "Keep the comment under 2,000 characters."),
    ],
    ids=["none", "zero", "six", "long-comment"],
)
def test_a_bad_answer_is_refused_and_records_nothing(ticket, data, error):
    response = send(ticket, **data)

    assert response.status_code == 200
    assert error in response.text
    assert 'name="score"' in response.text  # the form again, to send it right
    assert nothing_recorded(ticket)


def test_a_comment_follows_the_rating_once(ticket):
    send(ticket, score="4")

    page = Client().get(link(ticket, 4))
    first = send(ticket, comment="First")
    second = send(ticket, comment="Second")
    later = Client().get(link(ticket, 4))

    assert 'name="comment"' in page.text
    assert re.search(r'value="4"\s+checked', page.text)  # the change form, as it stands
    assert "Thank you for your comment." in first.text
    assert "You have already left a comment. Thank you!" in second.text
    assert SatisfactionRating.objects.get().comment == "First"
    assert 'name="comment"' not in later.text
    assert "First" in later.text


def test_the_first_cycles_link_still_reads_its_rating_after_a_second_cycle(ticket, member, agent):
    send(ticket, score="3")
    lifecycle.asker_reopen(actor=member, ticket=ticket, now=RESOLVED_AT + HOUR)
    committed(lifecycle.resolve, actor=agent, ticket=ticket, now=RESOLVED_AT + 2 * HOUR)
    ticket.refresh_from_db()

    old = Client().get(link(ticket, 5, cycle=1))
    new = Client().get(link(ticket, 5, cycle=2))
    send(ticket, cycle=2, score="5")

    assert "Already rated" in old.text
    assert "How did the support team do?" in new.text
    assert sorted(SatisfactionRating.objects.values_list("cycle", "score")) == [(1, 3), (2, 5)]


def test_a_survey_for_a_request_reopened_since_is_refused(ticket, member):
    path = link(ticket, 5)
    lifecycle.asker_reopen(actor=member, ticket=ticket, now=RESOLVED_AT + HOUR)

    opened = Client().get(path)
    sent = send(ticket, score="5")

    assert opened.status_code == 400
    assert "This request was reopened after this survey was sent" in opened.text
    assert "This request was reopened after this survey was sent" in sent.text
    assert nothing_recorded(ticket)


@pytest.mark.parametrize("score", [0, 6, 10, 99999999999])
def test_a_link_with_a_score_outside_one_to_five_is_refused(ticket, score):
    response = Client().get(f"/survey/{token_of(link(ticket, 1))}/{score}/")

    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in response.text
    assert nothing_recorded(ticket)


# --- Bad, foreign and expired links ----------------------------------------------------


def _tampered(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def _other_key(token: str) -> str:
    key, rest = token.split(":", 1)
    return ("b" if key[0] == "a" else "a") + key[1:] + ":" + rest


BAD_TOKENS = {
    "tampered": _tampered,
    "other-key": _other_key,
    "garbage": lambda token: "not-a-token",
    "long": lambda token: "x" * 300,
    "unsigned": lambda token: "W1s5OTk5OSwgMV0",
    "unsigned-key": lambda token: token.split(":")[0],
}


@pytest.mark.parametrize("bad", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_bad_link_is_refused_with_a_clear_page_and_records_nothing(ticket, bad):
    token = bad(token_of(link(ticket, 5)))

    opened = Client().get(f"/survey/{token}/5/")
    sent = Client().post(f"/survey/{token}/", {"score": "5"})

    for response in (opened, sent):
        assert response.status_code == 400
        assert "This survey link is not valid." in response.text
        assert "Nothing was recorded." in response.text
        assert_private(response)
    assert nothing_recorded(ticket)


def test_an_expired_link_is_refused_and_says_where_to_rate_instead(ticket, settings):
    settings.HANDOFF_SURVEY_DAYS = 30
    with time_machine.travel(RESOLVED_AT, tick=False):
        path = link(ticket, 5)
        page = Client().get(path)
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)

    with time_machine.travel(RESOLVED_AT + timedelta(days=31), tick=False):
        opened = Client().get(path)
        sent = Client().post(action, {"score": "5"})

    for response in (opened, sent):
        assert response.status_code == 400
        assert "This survey link has expired." in response.text
    assert nothing_recorded(ticket)


# --- The token names no ticket ---------------------------------------------------------


def _decodings(text: str) -> list[str]:
    """Every way a reader could decode a part of the token: as it is, base64, signing.loads."""
    found = [text]
    for part in text.split(":"):
        for candidate in (part, part + "=", part + "=="):
            with contextlib.suppress(ValueError):
                found.append(base64.urlsafe_b64decode(candidate).decode("latin-1"))
    with contextlib.suppress(signing.BadSignature, ValueError):  # signed, but no JSON inside
        found.append(repr(signing.loads(text, salt=surveys.SALT)))
    return found


def test_a_link_names_neither_the_ticket_id_nor_its_reference(ticket):
    path = survey_links(the_email())[5]
    token = token_of(path)
    invitation = SurveyInvitation.objects.get(ticket=ticket, cycle=1)

    key, timestamp, signature = token.split(":")

    # The readable part is the invitation's random key: letters only, so no number at all.
    assert key == invitation.key
    assert re.fullmatch(r"[A-Za-z]{24}", key)
    # The rest is the signing time and an HMAC of key and time, nothing else.
    assert signing.b62_decode(timestamp) == pytest.approx(the_email().created_at.timestamp(), abs=5)
    assert signing.TimestampSigner(salt=surveys.SALT).unsign(token) == key
    assert signature == token.rsplit(":", 1)[1]
    digits = ticket.reference.removeprefix("HO-")
    assert digits not in path
    assert ticket.reference not in path
    for decoded in _decodings(token):
        assert digits not in decoded
        assert f"[{ticket.pk}," not in decoded
        assert f"[{ticket.pk}, " not in decoded


def test_each_cycle_has_its_own_key(ticket, member, agent):
    first = token_of(link(ticket, 5, cycle=1)).split(":")[0]
    lifecycle.asker_reopen(actor=member, ticket=ticket, now=RESOLVED_AT + HOUR)
    committed(lifecycle.resolve, actor=agent, ticket=ticket, now=RESOLVED_AT + 2 * HOUR)

    second = token_of(link(ticket, 5, cycle=2)).split(":")[0]

    assert first != second
    assert SurveyInvitation.objects.filter(ticket=ticket).count() == 2


# --- Links in emails sent before the opaque tokens ------------------------------------------


def legacy_link(ticket, score, *, cycle=1) -> str:
    token = signing.dumps([ticket.pk, cycle], salt=surveys.LEGACY_SALT)
    return f"/survey/{token}/{score}/"


def test_an_old_link_opens_the_page_with_a_new_token_and_records_nothing(ticket):
    response = Client().get(legacy_link(ticket, 3))

    assert response.status_code == 200
    assert re.findall(r'name="score" value="(\d)" checked', response.text) == ["3"]
    action = re.search(r'<form method="post" action="/survey/([^"/]+)/"', response.text).group(1)
    assert surveys.read_token(action).ticket == ticket
    assert nothing_recorded(ticket)

    sent = Client().post(f"/survey/{action}/", {"score": "3"})

    assert "Thank you!" in sent.text
    assert SatisfactionRating.objects.get().score == 3


def test_an_old_token_cannot_record(ticket):
    token = signing.dumps([ticket.pk, 1], salt=surveys.LEGACY_SALT)

    response = Client().post(f"/survey/{token}/", {"score": "5"})

    assert response.status_code == 400
    assert nothing_recorded(ticket)


def test_an_old_link_expires_like_any_other(ticket):
    with time_machine.travel(RESOLVED_AT, tick=False):
        path = legacy_link(ticket, 5)

    with time_machine.travel(RESOLVED_AT + timedelta(days=31), tick=False):
        response = Client().get(path)

    assert response.status_code == 400
    assert "This survey link has expired." in response.text


# --- Limits ---------------------------------------------------------------------------------


def test_answers_are_limited_per_client_address_counting_refused_ones(ticket, settings):
    settings.SURVEY_RATE = "3/h"
    flooder = Client(REMOTE_ADDR="203.0.113.9")

    refused = [flooder.post(answer_path(ticket), {"score": "9"}) for _ in range(3)]
    limited = flooder.post(answer_path(ticket), {"score": "5"})
    elsewhere = Client(REMOTE_ADDR="198.51.100.4").post(answer_path(ticket), {"score": "5"})

    assert [response.status_code for response in refused] == [200, 200, 200]
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert elsewhere.status_code == 200
    assert SatisfactionRating.objects.get().score == 5


def test_a_nul_in_a_survey_link_or_answer_is_a_400_and_records_nothing(ticket):
    # NUL bytes are refused at the door for the whole site (config/nulbytes.py).
    opened = Client().get("/survey/%00/5/")
    answered = send(ticket, score="\x00")

    assert (opened.status_code, answered.status_code) == (400, 400)
    assert nothing_recorded(ticket)
