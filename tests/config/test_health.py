import json

import pytest

from tests.conftest import broker_at


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readyz_is_ok_when_database_and_broker_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["checks"] == {"database": True, "broker": True}


@pytest.mark.django_db
def test_readyz_names_the_broker_when_it_is_a_closed_port(client, closed_port):
    with broker_at(f"redis://127.0.0.1:{closed_port}/0"):
        response = client.get("/readyz")
        home = client.get("/")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["down"] == ["broker"]
    assert body["checks"]["database"] is True
    assert home.status_code == 200


@pytest.mark.django_db
def test_readyz_names_the_broker_when_it_never_answers(client, silent_port):
    with broker_at(f"redis://127.0.0.1:{silent_port}/0"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["down"] == ["broker"]
