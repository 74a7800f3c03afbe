"""/my/requests/: the asker's escalated questions, and one request with its history."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import formats, timezone

from escalation import services, workflow
from escalation.models import Ticket
from forum import services as forum_services
from tests.escalation.conftest import T0, committed
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
ESCALATED_AT = T0 + 24 * HOUR


@pytest.fixture
def ticket(ask, member):
    """`member`'s question, escalated by the sweep at ESCALATED_AT (first answer due 8 hours on)."""
    thread = ask(title="USDT on TRON stuck for a day")
    services.sweep(now=ESCALATED_AT)
    return Ticket.objects.get(thread=thread)


@pytest.fixture
def others_ticket(ask, other_member, moderator):
    thread = ask(author=other_member, title="Which network fee applies to BNB?")
    return services.escalate_thread(actor=moderator, thread=thread, now=T0 + HOUR)


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


def test_the_list_costs_the_same_for_one_request_as_for_five(
    ticket, ask, member, moderator, django_assert_num_queries
):
    client = client_for(member)
    client.get("/my/requests/")
    with django_assert_num_queries(3) as one:  # the session's user, the groups, the tickets
        client.get("/my/requests/")
    for n in range(4):
        services.escalate_thread(actor=moderator, thread=ask(title=f"Question {n}"))

    with django_assert_num_queries(len(one)):
        response = client.get("/my/requests/")

    assert response.text.count('class="request-row"') == 5


# --- One request ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/my/requests/", "/my/requests/HO-1234567/"])
def test_a_visitor_is_sent_to_sign_in(ticket, path):
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_asker_sees_their_request(ticket, member):
    response = client_for(member).get(f"/my/requests/{ticket.reference}/")

    assert response.status_code == 200
    assert f"{ticket.reference} · USDT on TRON stuck for a day" in response.text
    assert '<span class="badge">New</span>' in response.text
    assert "Expect a first answer by" in response.text
    assert f'href="{ticket.thread.get_absolute_url()}"' in response.text


def test_another_member_gets_404_for_someone_elses_request(ticket, other_member):
    response = client_for(other_member).get(f"/my/requests/{ticket.reference}/")

    assert response.status_code == 404


def test_staff_get_404_here_too_the_page_is_the_askers(ticket, moderator, agent):
    for user in (moderator, agent):
        assert client_for(user).get(f"/my/requests/{ticket.reference}/").status_code == 404


@pytest.mark.parametrize(
    "reference",
    [
        "HO-0000000",  # the right shape, but nobody's
        "HO-" + "9" * 5000,
        "ho-1234567",
        "HO-１２３４５６７",  # full-width digits
        "工单-1234567",
        "HO-1234567%20",
        "HO-%2F..%2F",
        "%F0%9F%A6%84",
        "HO-%00",
    ],
)
def test_a_made_up_or_garbage_reference_is_404(ticket, member, reference):
    response = client_for(member).get(f"/my/requests/{reference}/")

    assert response.status_code == 404


def test_the_expected_first_answer_is_in_the_viewers_time_zone(ticket, member):
    member.timezone = "Asia/Shanghai"
    member.save(update_fields=["timezone"])
    due = ticket.first_response_due_at
    assert due == ESCALATED_AT + 8 * HOUR  # 17:00 UTC: 01:00 the next day in Shanghai
    with timezone.override("Asia/Shanghai"):
        shown = formats.date_format(timezone.localtime(due), "DATETIME_FORMAT")

    response = client_for(member).get(f"/my/requests/{ticket.reference}/")

    assert '<time datetime="2026-11-04T01:00:00+08:00"' in response.text
    assert f">{shown}</time>" in response.text
    assert "Nov. 4, 2026" in shown


def test_the_history_lists_the_tickets_events(ticket, reply, member, other_member):
    answer = reply(ticket.thread, author=other_member, at=ESCALATED_AT + HOUR)
    committed(forum_services.accept_answer, actor=member, post=answer, now=ESCALATED_AT + HOUR)

    response = client_for(member).get(f"/my/requests/{ticket.reference}/")

    history = response.text.split("<h2>History</h2>", 1)[1]
    assert history.index("Created") < history.index("Resolved")
    assert '<span class="badge">Resolved</span>' in response.text
    assert "Expect a first answer by" not in response.text


def test_the_history_names_each_status_in_words(ask, member, moderator, agent, client):
    ticket = committed(services.escalate_thread, actor=moderator, thread=ask(), now=T0)
    workflow.assign(actor=agent, ticket=ticket, assignee=agent)
    workflow.set_status(actor=agent, ticket=ticket, status=Ticket.Status.WAITING)
    client.force_login(member)

    page = client.get(ticket.get_absolute_url()).content.decode()

    assert "Status changed: Waiting on the asker" in page
