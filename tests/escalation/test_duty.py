"""/staff/duty/: agents go on duty or off duty, and choose the queues they work."""

import pytest

from escalation.models import AgentStatus, Queue
from escalation.services import assignment
from tests.factories import UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

DUTY = "/staff/duty/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent_client(agent):
    return client_for(agent)


@pytest.fixture
def queues(db):
    return [
        Queue.objects.create(name="Transfers", slug="transfers"),
        Queue.objects.create(name="Security", slug="security"),
    ]


def duty_of(user) -> tuple[bool, set[str]]:
    status = AgentStatus.objects.filter(user=user).first()
    if status is None:
        return False, set()
    return status.on_duty, {queue.slug for queue in status.queues.all()}


def test_going_on_duty_from_the_nav_returns_to_the_page(agent, agent_client):
    response = agent_client.post(DUTY, {"on_duty": "1", "next": "/staff/canned/"})

    assert response.status_code == 302
    assert response["Location"] == "/staff/canned/"
    assert duty_of(agent) == (True, set())


def test_the_nav_shows_the_state_in_plain_duty_words(agent, agent_client):
    text = agent_client.get("/staff/canned/").content.decode()
    assert '<span class="badge">Off duty</span>' in text
    assert "Go on duty" in text

    assignment.set_on_duty(actor=agent, on_duty=True)

    text = agent_client.get("/staff/canned/").content.decode()
    assert '<span class="badge badge-staff">On duty</span>' in text
    assert "Go off duty" in text
    assert "away" not in text.lower()  # "Go away" read as a dismissal


def test_going_away_keeps_the_chosen_queues(agent, agent_client, queues):
    assignment.set_on_duty(actor=agent, on_duty=True, queues=queues[:1])

    agent_client.post(DUTY, {"on_duty": "0", "next": "/staff/tickets/"})

    assert duty_of(agent) == (False, {"transfers"})


def test_a_post_without_a_choice_flips_the_state(agent, agent_client):
    agent_client.post(DUTY)
    assert duty_of(agent)[0] is True

    agent_client.post(DUTY)
    assert duty_of(agent)[0] is False


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", "", "/\\evil.example"],
)
def test_next_must_stay_on_this_site(agent_client, next_url):
    response = agent_client.post(DUTY, {"on_duty": "1", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == DUTY


def test_with_htmx_only_the_toggle_is_swapped(agent, agent_client):
    response = agent_client.post(DUTY, {"on_duty": "1", "next": "/staff/canned/"}, **HTMX)

    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<form id="staff-duty"')
    assert '<span class="badge badge-staff">On duty</span>' in text
    assert 'name="next" value="/staff/canned/"' in text  # the next toggle goes back there too
    assert "You are on duty" in text
    assert duty_of(agent) == (True, set())


def test_choosing_queues_on_the_duty_page(agent, agent_client, queues):
    response = agent_client.post(
        DUTY,
        {"on_duty": "1", "set_queues": "1", "queues": [queues[1].pk], "next": DUTY},
        follow=True,
    )

    assert duty_of(agent) == (True, {"security"})
    assert "You are on duty" in response.content.decode()


def test_no_queue_ticked_means_every_queue(agent, agent_client, queues):
    assignment.set_on_duty(actor=agent, on_duty=True, queues=queues)

    agent_client.post(DUTY, {"on_duty": "1", "set_queues": "1"})

    assert duty_of(agent) == (True, set())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"on_duty": "maybe"}, "Choose on duty or off duty."),
        ({"on_duty": "1", "set_queues": "1", "queues": ["999999"]}, "Choose queues from the list."),
        ({"on_duty": "1", "set_queues": "1", "queues": ["abc"]}, "Choose queues from the list."),
        ({"on_duty": "1", "set_queues": "1", "queues": ["9" * 40]}, "Choose queues from the list."),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(agent, agent_client, queues, data, message):
    assignment.set_on_duty(actor=agent, on_duty=False, queues=queues[:1])

    response = agent_client.post(DUTY, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert duty_of(agent) == (False, {"transfers"})


def test_the_duty_page_shows_the_team_and_its_load(agent, agent_client, queues):
    colleague = UserFactory(username="agent_bo", display_name="Bo Agent", role="Agents")
    assignment.set_on_duty(actor=colleague, on_duty=True, queues=queues[:1])

    text = agent_client.get(DUTY).content.decode()

    assert "Bo Agent" in text
    team = text[text.index("The team") :]
    assert team.index("Bo Agent") < team.index(agent.public_name)  # on duty first
    assert "Transfers" in team
    assert "Every queue" in team  # the agent chose no queue
    assert "0 open tickets" in team


def test_the_duty_page_costs_the_same_for_two_agents_and_ten(
    agent, agent_client, queues, django_assert_max_num_queries
):
    def team_of(size):
        for n in range(size):
            person = UserFactory(role="Agents")
            assignment.set_on_duty(actor=person, on_duty=n % 2 == 0, queues=queues[: n % 3])

    team_of(1)
    agent_client.get(DUTY)
    with django_assert_max_num_queries(12) as few:
        agent_client.get(DUTY)
    team_of(9)
    with django_assert_max_num_queries(len(few)):
        agent_client.get(DUTY)


@pytest.mark.parametrize("persona", ["visitor", "member", "moderator"])
def test_only_agents_have_a_duty(request, persona, agent):
    user = None if persona == "visitor" else request.getfixturevalue(persona)
    client = client_for(user)

    assert client.get(DUTY).status_code == 404
    assert client.post(DUTY, {"on_duty": "1"}).status_code == 404
    assert not AgentStatus.objects.exists()


def test_a_former_agent_cannot_go_on_duty(agent, agent_client):
    agent.groups.clear()

    assert agent_client.post(DUTY, {"on_duty": "1"}).status_code == 404
    assert not AgentStatus.objects.exists()


@pytest.mark.parametrize(
    "next_url", ["nope", "-1", "\udcff\udcfe", "//evil.example/", "https://evil.example/"]
)
def test_a_next_that_is_not_a_path_of_this_site_goes_to_the_duty_page(
    agent, agent_client, next_url
):
    # "nope" and "-1" once reached redirect() as view names: NoReverseMatch, a 500.
    body = "on_duty=1&next=" + "".join(
        f"%{byte:02x}" for byte in next_url.encode("utf-8", "surrogateescape")
    )

    response = agent_client.post(DUTY, body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 302
    assert response["Location"] == DUTY
    assert duty_of(agent) == (True, set())
