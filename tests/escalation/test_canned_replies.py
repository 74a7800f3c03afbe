"""Canned replies: the agents' staff page, the admin, and the placeholders they fill."""

import pytest
from django.utils import timezone

from escalation.models import CannedReply, SatisfactionRating, Ticket
from escalation.services import assignment, lifecycle, tickets
from escalation.services import replies as replying
from notifications.services.rendering import absolute_url
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

LIST = "/staff/canned/"
NEW = "/staff/canned/new/"


@pytest.fixture
def agent_client(agent):
    return client_for(agent)


@pytest.fixture
def canned(agent):
    return CannedReply.objects.create(
        title="Pending TRON transfer",
        body="Hi {asker_name}, your request {reference} is answered here: {thread_link}",
        created_by=agent,
    )


@pytest.fixture
def ticket(ask, moderator):
    thread = ask(at=timezone.now(), title="USDT on TRON has been pending for hours")
    return tickets.escalate_thread(actor=moderator, thread=thread)


# --- The staff page ---------------------------------------------------------------


def test_agents_see_every_canned_reply_active_first(agent_client, canned):
    CannedReply.objects.create(title="Old wording", body="Retired text", is_active=False)

    text = agent_client.get(LIST).content.decode()

    assert text.index("Pending TRON transfer") < text.index("Old wording")
    assert "Not offered" in text
    assert "Hi {asker_name}" in text


def test_adding_a_canned_reply_records_who_wrote_it(agent, agent_client):
    response = agent_client.post(
        NEW,
        {
            "title": "  Seed phrase  warning ",
            "body": "{asker_name}, we never ask for it.",
            "is_active": "on",
        },
        follow=True,
    )

    reply = CannedReply.objects.get()
    assert (reply.title, reply.created_by, reply.is_active) == ("Seed phrase warning", agent, True)
    assert "Added “Seed phrase warning”." in response.content.decode()


def test_editing_keeps_the_author_and_changes_the_text(agent, agent_client, canned, colleague):
    client_for(colleague).post(
        f"/staff/canned/{canned.pk}/",
        {"title": canned.title, "body": "新的回复 {asker_name}"},
    )

    canned.refresh_from_db()
    assert (canned.body, canned.created_by, canned.is_active) == (
        "新的回复 {asker_name}",
        agent,
        False,
    )


@pytest.fixture
def colleague(db):
    from tests.factories import UserFactory

    return UserFactory(username="agent_bo", role="Agents")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "Some text"}, "This field is required."),
        ({"title": "\u200b ", "body": "Some text"}, "Give the reply a title."),
        ({"title": "A title", "body": ""}, "This field is required."),
        (
            {"title": "A title", "body": "Hi {name}, see {thread_url}"},
            "Unknown placeholder {name}, {thread_url}",
        ),
        (
            {"title": "A title", "body": "x" * 20_001},
            "Ensure this value has at most 20000 characters",
        ),
        ({"title": "t" * 121, "body": "Some text"}, "Ensure this value has at most 120 characters"),
        (
            {"title": "Pending TRON transfer", "body": "Again"},
            "Another canned reply already has this title.",
        ),
    ],
)
def test_bad_canned_replies_are_refused(agent_client, canned, data, message):
    response = agent_client.post(NEW, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert CannedReply.objects.count() == 1


def test_deleting_asks_first(agent_client, canned):
    page = agent_client.get(f"/staff/canned/{canned.pk}/delete/")
    assert "Delete “Pending TRON transfer”?" in page.content.decode()
    assert CannedReply.objects.exists()

    response = agent_client.post(f"/staff/canned/{canned.pk}/delete/", follow=True)

    assert not CannedReply.objects.exists()
    assert "Deleted “Pending TRON transfer”." in response.content.decode()


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999"])
def test_an_unknown_canned_reply_is_404(agent_client, pk):
    assert agent_client.get(f"/staff/canned/{pk}/").status_code == 404
    assert agent_client.post(f"/staff/canned/{pk}/delete/").status_code == 404


@pytest.mark.parametrize("persona", ["visitor", "member", "moderator"])
def test_only_agents_manage_canned_replies(request, canned, persona):
    user = None if persona == "visitor" else request.getfixturevalue(persona)
    client = client_for(user)

    for path in (LIST, NEW, f"/staff/canned/{canned.pk}/", f"/staff/canned/{canned.pk}/delete/"):
        assert client.get(path).status_code == 404, path
    assert client.post(NEW, {"title": "Scam", "body": "Send your phrase"}).status_code == 404
    assert client.post(f"/staff/canned/{canned.pk}/delete/").status_code == 404
    assert list(CannedReply.objects.values_list("title", flat=True)) == ["Pending TRON transfer"]


def test_the_list_costs_the_same_for_one_reply_and_twenty(
    agent_client, canned, agent, django_assert_max_num_queries
):
    agent_client.get(LIST)
    with django_assert_max_num_queries(8) as few:
        agent_client.get(LIST)
    for n in range(20):
        CannedReply.objects.create(title=f"Reply {n}", body="Text", created_by=agent)
    with django_assert_max_num_queries(len(few)):
        agent_client.get(LIST)


# --- Placeholders -------------------------------------------------------------------


def test_placeholders_are_filled_for_the_ticket(canned, ticket, member):
    text = replying.fill_canned_reply(
        canned, ticket, thread_url=absolute_url(ticket.thread.get_absolute_url())
    )

    assert text == (
        f"Hi {member.public_name}, your request {ticket.reference} is answered here: "
        f"{absolute_url(ticket.thread.get_absolute_url())}"
    )


def test_the_reply_box_offers_only_active_canned_replies(agent_client, canned, ticket):
    CannedReply.objects.create(title="Old wording", body="Retired text", is_active=False)

    text = agent_client.get(ticket.get_staff_url()).content.decode()

    assert "Pending TRON transfer" in text
    assert f'href="?canned={canned.pk}#reply"' in text
    assert "Old wording" not in text


# --- The admin ------------------------------------------------------------------------


@pytest.fixture
def admin_client(admin_user):
    return client_for(admin_user)


def test_the_admin_adds_canned_replies_with_the_same_checks(admin_client, admin_user):
    response = admin_client.post(
        "/admin/escalation/cannedreply/add/",
        {"title": "Bad", "body": "Hi {nme}", "is_active": "on"},
    )
    assert "Unknown placeholder {nme}" in response.content.decode()

    admin_client.post(
        "/admin/escalation/cannedreply/add/",
        {"title": "Good", "body": "Hi {asker_name}", "is_active": "on"},
    )

    assert CannedReply.objects.get().created_by == admin_user


def test_the_ticket_admin_is_read_only(admin_client, ticket, agent):
    page = admin_client.get(f"/admin/escalation/ticket/{ticket.pk}/change/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="status"' not in text
    assert 'name="assignee"' not in text
    assert ticket.get_staff_url() in text

    admin_client.post(
        f"/admin/escalation/ticket/{ticket.pk}/change/",
        {"status": "closed", "assignee": agent.pk, "priority": 40},
    )

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee, ticket.priority) == (Ticket.Status.NEW, None, 20)
    assert admin_client.get("/admin/escalation/ticket/add/").status_code == 403
    assert admin_client.post(f"/admin/escalation/ticket/{ticket.pk}/delete/").status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_the_admin_lists_duty_notes_and_ratings(admin_client, ticket, agent):
    assignment.set_on_duty(actor=agent, on_duty=True)
    replying.add_note(actor=agent, ticket=ticket, body="A note for the team")
    lifecycle.resolve(actor=agent, ticket=ticket)
    SatisfactionRating.objects.create(ticket=ticket, cycle=1, score=5, comment="Great")

    for path in (
        "/admin/escalation/agentstatus/",
        "/admin/escalation/ticketnote/",
        "/admin/escalation/satisfactionrating/",
        "/admin/escalation/cannedreply/",
        "/admin/escalation/ticket/",
        f"/admin/escalation/ticket/{ticket.pk}/change/",
    ):
        assert admin_client.get(path).status_code == 200, path
    assert admin_client.get("/admin/escalation/satisfactionrating/add/").status_code == 403
    assert admin_client.get("/admin/escalation/ticketnote/add/").status_code == 403
