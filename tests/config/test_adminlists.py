"""config/adminlists.py: an impossible date in an admin change list is a bad filter."""

import pytest

from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/rolechange/?changed_at__year=99999999999999999999",
        "/admin/safety/secretrefusal/?day__year=2026&day__month=99999999999999999999",
        "/admin/escalation/satisfactionrating/?created_at__year=-99999999999999999999",
    ],
)
def test_an_admin_date_beyond_the_calendar_is_a_bad_filter_not_a_crash(admin_user, url):
    # datetime(year, ...) raised OverflowError, which the admin does not catch: a 500.
    response = client_for(admin_user).get(url)

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
