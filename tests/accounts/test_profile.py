"""Public profiles at /u/<username>/."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import UserFactory

SUPPORT_BADGE = "Support team"


@pytest.fixture
def reputable(db):
    return UserFactory(
        username="rita",
        display_name="Rita Reputable",
        reputation=128,
        bio="Answers questions about fees.",
        date_joined=datetime(2025, 3, 14, 9, 30, tzinfo=UTC),
    )


def _profile(client, user):
    return client.get(reverse("accounts:profile", args=[user.username]))


def test_profile_lives_at_the_username(member):
    assert member.get_absolute_url() == "/u/member/"


def test_profile_shows_display_name_reputation_and_join_date(client, reputable):
    response = _profile(client, reputable)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Rita Reputable · Handoff</title>" in page
    assert "Rita Reputable" in page
    assert "@rita" in page
    assert "Reputation" in page
    assert "<dd>128</dd>" in page
    assert "Joined" in page
    assert "March 14, 2025" in page
    assert "Answers questions about fees." in page


def test_profile_falls_back_to_the_username_without_a_display_name(client, db):
    nameless = UserFactory(username="quiet_quinn", display_name="")

    response = _profile(client, nameless)

    assert "<title>quiet_quinn · Handoff</title>" in response.content.decode()


def test_profile_escapes_what_people_write_about_themselves(client, db):
    prankster = UserFactory(username="prankster", bio="<script>alert(1)</script>")

    page = _profile(client, prankster).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_join_date_is_shown_in_the_viewers_time_zone(client, db):
    late_joiner = UserFactory(
        username="late", date_joined=datetime(2025, 3, 14, 23, 30, tzinfo=UTC)
    )
    client.cookies["handoff_tz"] = "Asia/Shanghai"

    page = _profile(client, late_joiner).content.decode()

    assert "March 15, 2025" in page


def test_unknown_username_gets_404(client, db):
    response = client.get(reverse("accounts:profile", args=["nobody-here"]))

    assert response.status_code == 404


def test_deactivated_member_gets_404(client, member):
    member.is_active = False
    member.save(update_fields=["is_active"])

    response = _profile(client, member)

    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["agent", "agent_without_mfa", "admin_user"])
def test_support_team_badge_shows_for_agents(client, request, persona):
    user = request.getfixturevalue(persona)

    response = _profile(client, user)

    assert SUPPORT_BADGE in response.content.decode()


@pytest.mark.parametrize("persona", ["member", "unverified", "moderator"])
def test_support_team_badge_does_not_show_for_everyone_else(client, request, persona):
    user = request.getfixturevalue(persona)

    response = _profile(client, user)

    assert response.status_code == 200
    assert SUPPORT_BADGE not in response.content.decode()


def test_staff_flag_alone_does_not_earn_the_support_badge(client, db):
    staff_clerk = UserFactory(username="clerk", is_staff=True)

    response = _profile(client, staff_clerk)

    assert SUPPORT_BADGE not in response.content.decode()


def test_moderator_profile_shows_the_moderator_badge(client, moderator):
    response = _profile(client, moderator)

    assert '<span class="badge">Moderator</span>' in response.content.decode()


def test_own_profile_offers_to_edit_it(client, member):
    sign_in(client, member)

    response = _profile(client, member)

    assert "Edit profile" in response.content.decode()


def test_someone_elses_profile_offers_no_edit_link(client, member, other_member):
    sign_in(client, member)

    response = _profile(client, other_member)

    assert "Edit profile" not in response.content.decode()
