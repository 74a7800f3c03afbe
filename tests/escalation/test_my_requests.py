"""/my/requests/: the asker's escalated questions, one request's public history, reopening, rating."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import formats, timezone

from escalation.models import Priority, Queue, SatisfactionRating, Ticket, TicketEvent
from escalation.selectors import asker
from escalation.services import assignment, lifecycle, replies, triage
from escalation.services import sweep as sweeping
from escalation.services import tickets as opening
from forum.services import answers as forum_answers
from forum.services import moderation as forum_moderation
from tests.escalation.conftest import T0, committed
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
ESCALATED_AT = T0 + 24 * HOUR
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ticket(ask, member):
    """`member`'s question, escalated by the sweep at ESCALATED_AT (first answer due 8 hours on)."""
    thread = ask(title="USDT on TRON stuck for a day")
    sweeping.sweep(now=ESCALATED_AT)
    return Ticket.objects.get(thread=thread)


@pytest.fixture
def others_ticket(ask, other_member, moderator):
    thread = ask(author=other_member, title="Which network fee applies to BNB?")
    return opening.escalate_thread(actor=moderator, thread=thread, now=T0 + HOUR)


@pytest.fixture
def answered(ticket, agent):
    """The support team answered in the thread an hour after the escalation."""
    post = committed(
        replies.staff_reply,
        actor=agent,
        ticket=ticket,
        body="The transfer is confirmed on chain: the exchange has to credit it.",
        now=ESCALATED_AT + HOUR,
    )
    ticket.refresh_from_db()
    return post


@pytest.fixture
def resolved(answered, ticket, agent):
    committed(lifecycle.resolve, actor=agent, ticket=ticket, now=ESCALATED_AT + 2 * HOUR)
    ticket.refresh_from_db()
    return ticket


def get(user, path, *, at=ESCALATED_AT + 3 * HOUR, **extra):
    with time_machine.travel(at, tick=False):
        return client_for(user).get(path, **extra)


def post(user, path, data=None, *, at=ESCALATED_AT + 3 * HOUR, **extra):
    with time_machine.travel(at, tick=False):
        return client_for(user).post(path, data or {}, **extra)


def history(text: str) -> str:
    return text.split("<h2>History</h2>", 1)[1]


# --- The list -------------------------------------------------------------------


def test_the_list_shows_only_the_signed_in_users_requests(ticket, others_ticket, member):
    response = client_for(member).get("/my/requests/")

    assert response.status_code == 200
    assert ticket.reference in response.text
    assert "USDT on TRON stuck for a day" in response.text
    assert f'href="/my/requests/{ticket.reference}/"' in response.text
    assert others_ticket.reference not in response.text
    assert "Which network fee applies to BNB?" not in response.text


def test_a_member_without_requests_is_told_so(others_ticket, member):
    response = client_for(member).get("/my/requests/")

    assert "None of your questions has needed the support team yet." in response.text
    assert others_ticket.reference not in response.text


def test_the_list_says_where_each_request_stands_in_plain_words(ticket, member):
    text = get(member, "/my/requests/").text

    row = text.split('class="request-row"', 1)[1].split("</li>", 1)[0]
    assert "Waiting for the support team" in row
    # One whole sentence: how long, and by when with the zone (issue 14: not "by in 5 hours").
    assert (
        'Expect a first answer within 5\xa0hours (by <time datetime="2026-11-03T17:00:00+00:00" '
        'title="UTC">Nov. 3, 2026, 5 p.m. UTC</time>).'
    ) in row
    assert "Updated 3\xa0hours ago" in row
    assert "data-relative" not in row  # no time in a sentence turns into "in 5 hours"


def test_the_expected_answer_in_the_list_is_in_the_askers_zone(ticket, member):
    member.timezone = "Asia/Shanghai"
    member.save(update_fields=["timezone"])

    text = get(member, "/my/requests/").text

    assert '<time datetime="2026-11-04T01:00:00+08:00"' in text


def test_once_the_team_answered_the_list_asks_the_asker_to_check(answered, ticket, member):
    row = get(member, "/my/requests/").text.split('class="request-row"', 1)[1]

    assert "We answered — please check" in row.split("</li>", 1)[0]
    assert "Expect a first answer" not in row


def test_a_late_answer_is_owned_up_to_in_the_list(ticket, member):
    text = get(member, "/my/requests/", at=ESCALATED_AT + 9 * HOUR).text

    assert (
        'A first answer was expected by <time datetime="2026-11-03T17:00:00+00:00" title="UTC">'
        "Nov. 3, 2026, 5 p.m. UTC</time>. We are running late, sorry"
    ) in text


def test_the_newest_request_comes_first(ask, member, moderator):
    for n, at in enumerate([T0, T0 + 2 * HOUR, T0 + HOUR]):
        thread = ask(title=f"Question {n}", at=at)
        committed(opening.escalate_thread, actor=moderator, thread=thread, now=at)

    text = client_for(member).get("/my/requests/").text

    assert text.index("Question 1") < text.index("Question 2") < text.index("Question 0")


def test_the_list_costs_the_same_for_one_request_as_for_five(
    ticket, ask, member, moderator, django_assert_num_queries
):
    client = client_for(member)
    client.get("/my/requests/")
    with django_assert_num_queries(2) as one:  # the session's user, the tickets (roles: cached)
        client.get("/my/requests/")
    for n in range(4):
        opening.escalate_thread(actor=moderator, thread=ask(title=f"Question {n}"))

    with django_assert_num_queries(len(one)):
        response = client.get("/my/requests/")

    assert response.text.count('class="request-row"') == 5


def test_a_long_list_pages_by_keyset(ask, member, moderator, monkeypatch):

    monkeypatch.setattr(asker, "PER_PAGE", 2)
    for n in range(3):
        at = T0 + n * HOUR
        committed(
            opening.escalate_thread,
            actor=moderator,
            thread=ask(title=f"Question {n}", at=at),
            now=at,
        )
    client = client_for(member)

    first = client.get("/my/requests/").text
    cursor = first.split('href="?before=', 1)[1].split('"', 1)[0]
    second = client.get(f"/my/requests/?before={cursor}").text

    assert [title in first for title in ("Question 2", "Question 1", "Question 0")] == [
        True,
        True,
        False,
    ]
    assert [title in second for title in ("Question 2", "Question 1", "Question 0")] == [
        False,
        False,
        True,
    ]
    assert "Older requests" not in second
    assert 'href="/my/requests/">← Newest' in second


@pytest.mark.parametrize("cursor", ["", "x", "1.2.3", "-5.1", "9" * 40 + ".1", "１２.３"])
def test_a_broken_cursor_shows_the_first_page(ticket, member, cursor):
    response = client_for(member).get("/my/requests/", {"before": cursor})

    assert response.status_code == 200
    assert ticket.reference in response.text


# --- Who may see a request -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/my/requests/", "/my/requests/HO-1234567/"])
def test_a_visitor_is_sent_to_sign_in(ticket, path):
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_member_gets_404_for_someone_elses_request(ticket, other_member):
    response = client_for(other_member).get(f"/my/requests/{ticket.reference}/")

    assert response.status_code == 404


def test_staff_get_404_here_too_the_page_is_the_askers(ticket, moderator, agent, admin_user):
    for user in (moderator, agent, admin_user):
        assert client_for(user).get(f"/my/requests/{ticket.reference}/").status_code == 404


@pytest.mark.parametrize(
    "reference",
    [
        "HO-0000000",  # the right shape, but nobody's
        "HO-" + "9" * 5000,
        "H" * 300,
        "ho-1234567",
        "HO-１２３４５６７",  # full-width digits
        "工单-1234567",
        "HO-1234567%20",
        "HO-%2F..%2F",
        "%F0%9F%A6%84",
    ],
)
def test_a_made_up_or_garbage_reference_is_404(ticket, member, reference):
    response = client_for(member).get(f"/my/requests/{reference}/")

    assert response.status_code == 404


@pytest.mark.parametrize("action", ["reopen", "rate"])
@pytest.mark.parametrize("who", ["other_member", "moderator", "agent"])
def test_nobody_else_can_act_on_a_request_whatever_the_reference(request, resolved, action, who):
    user = request.getfixturevalue(who)
    for reference in (resolved.reference, "HO-0000000", "H" * 300):
        response = post(user, f"/my/requests/{reference}/{action}/", {"score": "5"})
        assert response.status_code == 404

    resolved.refresh_from_db()
    assert resolved.status == Ticket.Status.RESOLVED
    assert not SatisfactionRating.objects.exists()


@pytest.mark.parametrize("action", ["reopen", "rate"])
def test_the_actions_need_a_post(resolved, member, action):
    response = get(member, f"/my/requests/{resolved.reference}/{action}/")

    assert response.status_code == 405


# --- One request -----------------------------------------------------------------


def test_the_asker_sees_their_request(ticket, member):
    response = get(member, f"/my/requests/{ticket.reference}/")

    assert response.status_code == 200
    assert f"{ticket.reference} · USDT on TRON stuck for a day" in response.text
    assert "Waiting for the support team</span>" in response.text
    assert "Expect a first answer by" in response.text
    assert f'href="{ticket.thread.get_absolute_url()}"' in response.text
    assert "How did we do?" not in response.text
    assert "Reopen" not in response.text


def test_the_expected_first_answer_is_in_the_viewers_time_zone(ticket, member):
    member.timezone = "Asia/Shanghai"
    member.save(update_fields=["timezone"])
    due = ticket.first_response_due_at
    assert due == ESCALATED_AT + 8 * HOUR  # 17:00 UTC: 01:00 the next day in Shanghai
    with timezone.override("Asia/Shanghai"):
        shown = formats.date_format(timezone.localtime(due), "DATETIME_FORMAT")

    response = get(member, f"/my/requests/{ticket.reference}/")

    assert '<time datetime="2026-11-04T01:00:00+08:00"' in response.text
    assert f">{shown} UTC+8</time>" in response.text
    assert "Nov. 4, 2026" in shown


def test_the_history_tells_the_story_in_plain_words(resolved, answered, member):
    text = history(get(member, f"/my/requests/{resolved.reference}/").text)

    assert text.index("Your question was passed to the support team") < text.index(
        "The support team answered"
    )
    assert f'<a href="/p/{answered.pk}/">Read the answer</a>' in text
    assert "Resolved by the support team" in text


def test_the_asker_replying_to_the_team_shows_in_the_history(answered, ticket, member, reply):
    their_reply = reply(ticket.thread, author=member, at=ESCALATED_AT + 2 * HOUR)

    response = get(member, f"/my/requests/{ticket.reference}/")

    assert "Waiting for the support team</span>" in response.text
    assert f'You replied · <a href="/p/{their_reply.pk}/">See it</a>' in history(response.text)


def test_accepting_the_staff_answer_is_told_as_the_askers_solution(answered, ticket, member):
    committed(forum_answers.accept_answer, actor=member, post=answered)

    text = get(member, f"/my/requests/{ticket.reference}/").text

    assert "Resolved: you marked the support team’s answer as the solution" in history(text)


def test_a_community_solution_is_told_as_such(ticket, member, other_member, reply):
    answer = reply(ticket.thread, author=other_member, at=ESCALATED_AT + HOUR)
    committed(forum_answers.accept_answer, actor=member, post=answer)

    text = get(member, f"/my/requests/{ticket.reference}/").text

    assert "Resolved: you accepted an answer from the community" in history(text)
    assert '<span class="badge question-state state-solved badge-success">✓ Solved</span>' in text
    assert "<dt>Resolved</dt>" in text
    assert "Expect a first answer by" not in text


def test_a_status_change_is_told_in_the_askers_words(ask, member, moderator, agent):
    ticket = committed(opening.escalate_thread, actor=moderator, thread=ask(), now=T0)
    assignment.assign(actor=agent, ticket=ticket, assignee=agent)
    lifecycle.set_status(actor=agent, ticket=ticket, status=Ticket.Status.WAITING)

    text = history(client_for(member).get(ticket.get_absolute_url()).text)

    assert "Now: We answered — please check" in text
    assert "Waiting on the asker" not in text  # the team's word for it


def test_the_history_never_shows_the_teams_business(ticket, member, agent, other_member):
    queue = Queue.objects.create(name="Transfers desk", slug="transfers-desk")
    replies.add_note(actor=agent, ticket=ticket, body="Asker seems to be a reseller, careful")
    assignment.assign(actor=agent, ticket=ticket, assignee=agent)
    triage.set_priority(actor=agent, ticket=ticket, priority=Priority.URGENT)
    triage.set_queue(actor=agent, ticket=ticket, queue=queue)
    sweeping.sweep(now=ESCALATED_AT + 100 * HOUR)  # both targets missed
    assert ticket.events.filter(kind=TicketEvent.Kind.FIRST_RESPONSE_BREACHED).exists()

    text = get(member, f"/my/requests/{ticket.reference}/", at=ESCALATED_AT + 101 * HOUR).text

    for secret in (
        "reseller",
        "agent_amy",
        agent.public_name,
        "Urgent",
        "Transfers desk",
        "Assigned",
        "Priority",
        "target missed",
        "missed",
    ):
        assert secret not in text, secret


def test_the_page_costs_the_same_whatever_its_history(
    resolved, member, reply, django_assert_num_queries
):
    client = client_for(member)
    path = f"/my/requests/{resolved.reference}/"
    client.get(path)
    with django_assert_num_queries(4) as few:  # user, ticket, events, rating (roles: cached)
        client.get(path)
    lifecycle.asker_reopen(actor=member, ticket=resolved, now=ESCALATED_AT + 3 * HOUR)
    for n in range(3):
        reply(resolved.thread, author=member, at=ESCALATED_AT + (4 + n) * HOUR)

    with django_assert_num_queries(len(few) - 1):  # active again: no rating to look up
        client.get(path)


# --- Reopening -----------------------------------------------------------------------


def test_a_resolved_request_offers_reopen_until_the_window_closes(resolved, member):
    text = get(member, f"/my/requests/{resolved.reference}/").text

    assert f'action="/my/requests/{resolved.reference}/reopen/"' in text
    # 7 days after resolution, as one sentence whose grammar holds
    assert (
        "Not solved after all? You can reopen this request within 6\xa0days, 23\xa0hours (until "
        '<time datetime="2026-11-10T11:00:00+00:00" title="UTC">Nov. 10, 2026, 11 a.m. UTC</time>).'
    ) in text


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_asker_reopens_their_request(resolved, member, agent, headers):
    response = post(member, f"/my/requests/{resolved.reference}/reopen/", **headers)

    resolved.refresh_from_db()
    assert resolved.status == Ticket.Status.OPEN  # the agent who had it has it again
    assert resolved.escalation_count == 2
    assert resolved.events.filter(kind=TicketEvent.Kind.REOPENED, actor=member).count() == 1
    if headers:
        assert response.status_code == 200
        assert 'id="request"' in response.text
        assert "<html" not in response.text
        assert "Your request is open again." in response.text
        assert "You reopened the request" in response.text
    else:
        assert response.status_code == 302
        assert response["Location"] == f"/my/requests/{resolved.reference}/"


def test_reopening_after_the_window_is_refused_and_changes_nothing(resolved, member):
    late = ESCALATED_AT + 2 * HOUR + timedelta(days=7, minutes=1)

    page = get(member, f"/my/requests/{resolved.reference}/", at=late).text
    with time_machine.travel(late, tick=False):
        response = client_for(member).post(
            f"/my/requests/{resolved.reference}/reopen/", follow=True
        )

    assert "/reopen/" not in page
    assert "Still stuck? Reply in your question’s thread" in page
    assert "It is too late to reopen this request" in response.text
    resolved.refresh_from_db()
    assert (resolved.status, resolved.escalation_count) == (Ticket.Status.RESOLVED, 1)


def test_an_active_request_cannot_be_reopened(ticket, member):
    response = client_for(member).post(f"/my/requests/{ticket.reference}/reopen/", follow=True)

    assert "Only a resolved request can be reopened." in response.text
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert not ticket.events.filter(kind=TicketEvent.Kind.REOPENED).exists()


# --- Rating from the page --------------------------------------------------------------


def test_a_resolved_request_offers_the_five_scores(resolved, member):
    text = get(member, f"/my/requests/{resolved.reference}/").text

    assert "How did we do?" in text
    assert f'action="/my/requests/{resolved.reference}/rate/"' in text
    for score in range(1, 6):
        assert f'name="score" value="{score}"' in text


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_asker_rates_with_a_comment(resolved, member, headers):
    response = post(
        member,
        f"/my/requests/{resolved.reference}/rate/",
        {"score": "4", "comment": "Quick and clear, thanks!"},
        follow=not headers,
        **headers,
    )

    rating = SatisfactionRating.objects.get()
    assert (rating.ticket_id, rating.cycle, rating.score) == (resolved.pk, 1, 4)
    assert rating.comment == "Quick and clear, thanks!"
    assert "Thank you for telling us how we did." in response.text
    assert "You rated the help <strong>4 out of 5</strong> (Good)." in response.text
    assert "Quick and clear, thanks!" in response.text
    assert "You can change your rating until" in response.text
    assert "You rated the help 4 out of 5" in history(response.text)


def test_the_asker_may_change_the_rating_for_a_week(resolved, member):
    post(member, f"/my/requests/{resolved.reference}/rate/", {"score": "2"})

    response = post(member, f"/my/requests/{resolved.reference}/rate/", {"score": "5"}, follow=True)

    assert "Your rating is changed. Thank you for telling us." in response.text
    assert "You rated the help <strong>5 out of 5</strong> (Excellent)." in response.text
    assert "You changed your rating to 5 out of 5" in history(response.text)
    assert list(SatisfactionRating.objects.values_list("score", flat=True)) == [5]


def test_after_a_week_the_rating_stays_and_the_page_says_why(resolved, member):
    post(member, f"/my/requests/{resolved.reference}/rate/", {"score": "2"})
    later = ESCALATED_AT + 3 * HOUR + timedelta(days=7, minutes=1)

    page = get(member, f"/my/requests/{resolved.reference}/", at=later)
    response = post(
        member, f"/my/requests/{resolved.reference}/rate/", {"score": "5"}, follow=True, at=later
    )

    assert "You can change your rating until" not in page.text
    assert "this one no longer can" in response.text
    assert list(SatisfactionRating.objects.values_list("score", flat=True)) == [2]


def test_a_comment_can_follow_a_rating_once(resolved, member):
    post(member, f"/my/requests/{resolved.reference}/rate/", {"score": "5"})
    page = get(member, f"/my/requests/{resolved.reference}/").text
    assert "Send the comment" in page

    post(member, f"/my/requests/{resolved.reference}/rate/", {"comment": "Great help"})
    again = post(
        member, f"/my/requests/{resolved.reference}/rate/", {"comment": "More"}, follow=True
    )

    assert SatisfactionRating.objects.get().comment == "Great help"
    assert "You have already left a comment. Thank you!" in again.text
    assert "Send the comment" not in again.text


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"score": "0"}, "Choose a rating from 1 to 5."),
        ({"score": "6"}, "Choose a rating from 1 to 5."),
        ({"score": "five"}, "Choose a rating from 1 to 5."),
        ({}, "Choose a rating from 1 to 5."),
        ({"score": "3", "comment": "x" * 2001}, "Keep the comment under 2,000 characters."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_bad_rating_is_refused_and_records_nothing(resolved, member, data, error, headers):
    response = post(
        member,
        f"/my/requests/{resolved.reference}/rate/",
        data,
        follow=not headers,
        **headers,
    )

    assert response.status_code == 200
    assert error in response.text
    assert not SatisfactionRating.objects.exists()
    assert not resolved.events.filter(kind=TicketEvent.Kind.RATED).exists()


def test_an_active_request_cannot_be_rated(ticket, member):
    response = post(member, f"/my/requests/{ticket.reference}/rate/", {"score": "5"}, follow=True)

    assert "You can rate the help once your request is resolved." in response.text
    assert not SatisfactionRating.objects.exists()


def test_a_reopened_request_is_rated_again_for_its_new_cycle(resolved, member, agent):
    post(member, f"/my/requests/{resolved.reference}/rate/", {"score": "2"})
    lifecycle.asker_reopen(actor=member, ticket=resolved, now=ESCALATED_AT + 3 * HOUR)
    resolved.refresh_from_db()
    committed(lifecycle.resolve, actor=agent, ticket=resolved, now=ESCALATED_AT + 4 * HOUR)

    page = get(member, f"/my/requests/{resolved.reference}/", at=ESCALATED_AT + 5 * HOUR)
    post(
        member,
        f"/my/requests/{resolved.reference}/rate/",
        {"score": "5"},
        at=ESCALATED_AT + 5 * HOUR,
    )

    assert 'name="score" value="5"' in page.text
    assert sorted(SatisfactionRating.objects.values_list("cycle", "score")) == [(1, 2), (2, 5)]


# --- A question a moderator hid ----------------------------------------------------------


@pytest.fixture
def hidden_ticket(ticket, moderator):
    forum_moderation.set_thread_hidden(actor=moderator, thread=ticket.thread, is_hidden=True)
    return ticket


def test_my_requests_keeps_a_hidden_questions_request_without_its_title(hidden_ticket, member):
    text = client_for(member).get("/my/requests/").text

    assert hidden_ticket.reference in text
    assert "USDT on TRON stuck for a day" not in text
    assert "This question was hidden by a moderator." in text


def test_a_hidden_questions_request_page_shows_neither_its_title_nor_a_link_to_it(
    hidden_ticket, member
):
    text = client_for(member).get(hidden_ticket.get_absolute_url()).text

    assert hidden_ticket.reference in text
    assert "USDT on TRON stuck for a day" not in text
    assert hidden_ticket.thread.get_absolute_url() not in text
    assert "This question was hidden by a moderator." in text


def test_a_nul_in_a_cursor_a_reference_or_a_rating_is_a_400_and_records_nothing(resolved, member):
    # NUL bytes are refused at the door for the whole site (config/nulbytes.py).
    assert get(member, "/my/requests/?before=%00").status_code == 400
    assert get(member, "/my/requests/HO-%00/").status_code == 400
    rated = post(member, f"/my/requests/{resolved.reference}/rate/", {"score": "4\x00"})

    assert rated.status_code == 400
    assert not SatisfactionRating.objects.exists()
