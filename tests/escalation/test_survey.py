"""The satisfaction survey: one click from the resolution email, once, then an optional comment."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from escalation import services, surveys, workflow
from escalation.models import SatisfactionRating, Ticket, TicketEvent
from notifications.models import OutboundEmail
from notifications.services import absolute_url
from tests.escalation.conftest import T0, committed
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
RESOLVED_AT = T0 + 3 * HOUR
HTMX = {"HTTP_HX_REQUEST": "true"}
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture
def ticket(ask, moderator, agent):
    """Escalated, answered by the support team, resolved at RESOLVED_AT: the survey is out."""
    ticket = committed(
        services.escalate_thread, actor=moderator, thread=ask(title="Lost my USDT"), now=T0 + HOUR
    )
    committed(
        workflow.staff_reply,
        actor=agent,
        ticket=ticket,
        body="It arrived: check the TRC-20 tab.",
        now=T0 + 2 * HOUR,
    )
    committed(workflow.resolve, actor=agent, ticket=ticket, now=RESOLVED_AT)
    ticket.refresh_from_db()
    return ticket


def survey_links(email: OutboundEmail) -> dict[int, str]:
    """score → path, from the plain-text resolution email."""
    found = re.findall(r"(\d) · \w[\w ]*: https?://[^/\s]+(/survey/\S+/)", email.text)
    return {int(score): path for score, path in found}


def link(ticket: Ticket, score: int, *, cycle: int | None = None) -> str:
    cycle = ticket.escalation_count if cycle is None else cycle
    return surveys.survey_path(ticket_id=ticket.pk, cycle=cycle, score=score)


def comment_path(ticket: Ticket, *, cycle: int = 1) -> str:
    token = surveys.make_token(ticket_id=ticket.pk, cycle=cycle)
    return f"/survey/{token}/comment/"


def open_link(path: str, *, user=None, **extra):
    return client_for(user).get(path, **extra)


# --- From the email ----------------------------------------------------------------


def test_the_resolution_email_carries_five_one_click_links(ticket, member):
    email = OutboundEmail.objects.get(subject__contains="is resolved")

    links = survey_links(email)

    assert email.to == [member.email]
    assert sorted(links) == [1, 2, 3, 4, 5]
    for score, path in links.items():
        assert path.endswith(f"/{score}/")
        assert f'href="{absolute_url(path)}"' in email.html
    assert "Not solved after all? Open your request and choose “Reopen”" in email.text
    assert f"/my/requests/{ticket.reference}/" in email.text


def test_one_click_records_the_score_without_signing_in(ticket):
    path = survey_links(OutboundEmail.objects.get(subject__contains="is resolved"))[4]

    response = open_link(path)

    assert response.status_code == 200
    assert "Thank you!" in response.text
    assert f"You rated the help with request {ticket.reference} <strong>4 out of 5</strong>" in (
        response.text
    )
    rating = SatisfactionRating.objects.get()
    assert (rating.ticket_id, rating.cycle, rating.score) == (ticket.pk, 1, 4)
    event = ticket.events.get(kind=TicketEvent.Kind.RATED)
    assert (event.actor_id, event.detail) == (ticket.requester_id, "4")
    assert 'name="comment"' in response.text
    assert "no-cache" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in response.text


def test_the_link_works_whoever_is_signed_in(ticket, other_member):
    response = open_link(link(ticket, 5), user=other_member)

    assert response.status_code == 200
    assert SatisfactionRating.objects.get().score == 5
    assert f"/my/requests/{ticket.reference}/" not in response.text  # that page is the asker's


def test_the_asker_is_pointed_to_their_request(ticket, member):
    response = open_link(link(ticket, 5), user=member)

    assert f'href="/my/requests/{ticket.reference}/"' in response.text
    assert f'href="{ticket.thread.get_absolute_url()}"' in response.text


def test_a_second_click_is_told_it_is_already_rated_and_changes_nothing(ticket):
    open_link(link(ticket, 2))

    with CaptureQueriesContext(connection) as queries:
        same = open_link(link(ticket, 2))
        other = open_link(link(ticket, 5))

    for response in (same, other):
        assert response.status_code == 200
        assert "Already rated" in response.text
        assert "is already rated <strong>2 out of 5</strong>" in response.text
    assert list(SatisfactionRating.objects.values_list("score", flat=True)) == [2]
    assert ticket.events.filter(kind=TicketEvent.Kind.RATED).count() == 1
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []


def test_a_head_request_records_nothing(ticket):
    response = Client().head(link(ticket, 1))

    assert response.status_code == 405
    assert not SatisfactionRating.objects.exists()


def _tampered(path: str) -> str:
    token = path.split("/")[2]
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    return path.replace(token, changed)


@pytest.mark.parametrize(
    "make_path",
    [
        _tampered,
        lambda path: path.replace(path.split("/")[2], "not-a-token"),
        lambda path: path.replace(path.split("/")[2], "x" * 300),
        lambda path: path.replace(path.split("/")[2], "%00"),
        lambda path: path.replace(path.split("/")[2], "W1s5OTk5OSwgMV0"),  # unsigned JSON
    ],
    ids=["tampered", "garbage", "long", "nul", "unsigned"],
)
def test_a_bad_link_is_refused_with_400_and_records_nothing(ticket, make_path):
    response = open_link(make_path(link(ticket, 5)))

    assert response.status_code == 400
    assert "This survey link is not valid." in response.text
    assert "Nothing was recorded." in response.text
    assert not SatisfactionRating.objects.exists()


def test_a_link_to_a_ticket_that_does_not_exist_is_refused(ticket):
    path = surveys.survey_path(ticket_id=ticket.pk + 1000, cycle=1, score=5)

    response = open_link(path)

    assert response.status_code == 400
    assert not SatisfactionRating.objects.exists()


def test_an_expired_link_is_refused_and_says_where_to_rate_instead(ticket, settings):
    settings.HANDOFF_SURVEY_DAYS = 30
    with time_machine.travel(RESOLVED_AT, tick=False):
        path = link(ticket, 5)

    with time_machine.travel(RESOLVED_AT + timedelta(days=31), tick=False):
        response = open_link(path)

    assert response.status_code == 400
    assert "This survey link has expired." in response.text
    assert not SatisfactionRating.objects.exists()


@pytest.mark.parametrize("score", [0, 6, 10, 99999999999])
def test_a_score_outside_one_to_five_is_refused(ticket, score):
    token = surveys.make_token(ticket_id=ticket.pk, cycle=1)

    response = open_link(f"/survey/{token}/{score}/")

    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in response.text
    assert not SatisfactionRating.objects.exists()


def test_a_survey_for_a_request_reopened_since_is_refused(ticket, member):
    path = link(ticket, 5)
    workflow.asker_reopen(actor=member, ticket=ticket, now=RESOLVED_AT + HOUR)

    response = open_link(path)

    assert response.status_code == 400
    assert "This request was reopened after this survey was sent" in response.text
    assert not SatisfactionRating.objects.exists()


def test_the_first_cycles_link_still_reads_its_rating_after_a_second_cycle(ticket, member, agent):
    open_link(link(ticket, 3))
    workflow.asker_reopen(actor=member, ticket=ticket, now=RESOLVED_AT + HOUR)
    committed(workflow.resolve, actor=agent, ticket=ticket, now=RESOLVED_AT + 2 * HOUR)

    old = open_link(link(ticket, 5, cycle=1))
    new = open_link(link(ticket, 5, cycle=2))

    assert "Already rated" in old.text
    assert "Thank you!" in new.text
    assert sorted(SatisfactionRating.objects.values_list("cycle", "score")) == [(1, 3), (2, 5)]


# --- The comment after the click ------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_comment_follows_the_click(ticket, headers):
    open_link(link(ticket, 4))

    response = Client().post(comment_path(ticket), {"comment": "Fast, kind, right."}, **headers)

    assert response.status_code == 200
    assert "Thank you for your comment." in response.text
    assert ("<html" in response.text) is not bool(headers)
    rating = SatisfactionRating.objects.get()
    assert rating.comment == "Fast, kind, right."
    assert rating.commented_at is not None


def test_a_comment_is_taken_once(ticket):
    open_link(link(ticket, 4))
    client = Client()
    client.post(comment_path(ticket), {"comment": "First"})

    response = client.post(comment_path(ticket), {"comment": "Second"})
    again = open_link(link(ticket, 4))

    assert "You have already left a comment. Thank you!" in response.text
    assert SatisfactionRating.objects.get().comment == "First"
    assert 'name="comment"' not in again.text
    assert "First" in again.text


@pytest.mark.parametrize(
    ("comment", "error"),
    [
        ("", "Write a comment, or just close this page."),
        ("   \n ", "Write a comment, or just close this page."),
        ("x" * 2001, "Keep the comment under 2,000 characters."),
    ],
)
def test_a_bad_comment_is_refused_and_changes_nothing(ticket, comment, error):
    open_link(link(ticket, 4))

    response = Client().post(comment_path(ticket), {"comment": comment})

    assert response.status_code == 200
    assert error in response.text
    rating = SatisfactionRating.objects.get()
    assert (rating.comment, rating.commented_at) == ("", None)


def test_a_comment_before_any_rating_is_refused(ticket):
    response = Client().post(comment_path(ticket), {"comment": "Hello"})

    assert response.status_code == 400
    assert not SatisfactionRating.objects.exists()


def test_a_comment_with_a_bad_token_is_refused(ticket):
    open_link(link(ticket, 4))

    response = Client().post("/survey/garbage/comment/", {"comment": "Hello"})

    assert response.status_code == 400
    assert SatisfactionRating.objects.get().comment == ""


def test_the_comment_form_is_only_posted(ticket):
    open_link(link(ticket, 4))

    assert Client().get(comment_path(ticket)).status_code == 405


def test_the_comment_needs_the_pages_csrf_token(ticket):
    open_link(link(ticket, 4))
    client = Client(enforce_csrf_checks=True)

    refused = client.post(comment_path(ticket), {"comment": "Hi"})
    page = client.get(link(ticket, 4))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    accepted = client.post(comment_path(ticket), {"comment": "Hi", "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert SatisfactionRating.objects.get().comment == "Hi"
