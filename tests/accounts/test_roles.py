"""Roles are Django groups; is_moderator and is_agent read them."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from tests.factories import UserFactory


def test_migrations_create_the_role_groups(db):
    names = set(Group.objects.values_list("name", flat=True))

    assert {"Moderators", "Agents"} <= names
    assert set(roles.ALL_GROUPS) == {"Moderators", "Agents"}


@pytest.mark.parametrize(
    ("persona", "is_moderator", "is_agent"),
    [
        ("member", False, False),
        ("other_member", False, False),
        ("unverified", False, False),
        ("moderator", True, False),
        ("agent", False, True),
        ("agent_without_mfa", False, True),
        ("admin_user", True, True),
    ],
)
def test_each_persona_has_the_roles_it_should(request, persona, is_moderator, is_agent):
    user = request.getfixturevalue(persona)

    assert user.is_moderator is is_moderator
    assert user.is_agent is is_agent


def test_agents_group_without_staff_status_is_not_an_agent(db):
    user = UserFactory(username="half_agent")
    user.groups.add(Group.objects.get(name=roles.AGENTS))

    assert not user.is_agent


def test_staff_status_without_the_agents_group_is_not_an_agent(db):
    user = UserFactory(username="clerk", is_staff=True)

    assert not user.is_agent
    assert not user.is_moderator


def test_deactivated_staff_lose_their_roles(agent, moderator, admin_user):
    for user in (agent, moderator, admin_user):
        user.is_active = False

        assert not user.is_agent
        assert not user.is_moderator


def test_roles_read_prefetched_groups_without_a_query(
    moderator, django_assert_num_queries, django_user_model
):
    user = django_user_model.objects.prefetch_related("groups").get(pk=moderator.pk)

    with django_assert_num_queries(0):
        assert user.is_moderator
        assert not user.is_agent


def test_unsaved_user_has_no_roles(db):
    assert not UserFactory.build(is_staff=True).is_agent
