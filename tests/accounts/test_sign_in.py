"""/accounts/login/: what a sign-in refuses before it looks anyone up."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("login", ["a" * 60_000, "a" * 60_000 + "@example.com", "%" * 30_000])
def test_a_login_longer_than_any_account_is_refused_with_a_message(client, member, login):
    # Over 50,000 bytes SQLite refused the case-insensitive lookup: a 500.
    response = client.post("/accounts/login/", {"login": login, "password": "whatever"})

    assert response.status_code == 200
    assert "No username or email address is longer than 254 characters." in response.text
    assert "_auth_user_id" not in client.session


def test_the_longest_possible_email_still_signs_in(client, password):
    email = f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 53}.example"
    assert len(email) == 254  # RFC 5321's longest address
    user = UserFactory(username="longmail", email=email)

    response = client.post("/accounts/login/", {"login": email, "password": password})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
