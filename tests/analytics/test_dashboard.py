"""The staff dashboard (/staff/analytics/): who sees it, what it shows on the hand-built
history (tests/analytics/conftest.py), bad input, CSV downloads and its query count."""

from datetime import date

import pytest
from django.urls import reverse

from analytics import services
from tests.conftest import sign_in

URL = "/staff/analytics/"
NOV = {"period": "custom", "start": "2026-11-01", "end": "2026-11-30", "tz": "America/New_York"}


@pytest.fixture
def rolled_up(history):
    services.recompute_days(first=date(2026, 9, 1), last=date(2026, 11, 30))
    return history


@pytest.fixture
def now_in_december(time_machine):
    time_machine.move_to("2026-12-07 12:00:00+00:00")


def test_the_url_is_named():
    assert reverse("analytics:staff-dashboard") == URL


def test_it_renders(client, agent, rolled_up, now_in_december):
    sign_in(client, agent)
    response = client.get(URL, NOV)
    assert response.status_code == 200, response.content[:2000]
    print(response.content.decode()[:500])
