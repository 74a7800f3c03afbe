"""Role names come from the cache, and every way a role changes forgets them at once.

A moderator or an agent who loses the role must lose its pages on the very next request,
whichever side of the membership the change was made from.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from accounts import roles
from accounts.models import User
from tests.factories import UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    """The user as the next request loads them: no cached_property left over."""
    return User.objects.get(pk=user.pk)


def test_the_second_lookup_costs_no_query(django_assert_num_queries):
    people = [UserFactory(role=roles.MODERATORS), UserFactory()]
    ids = [person.pk for person in people]
    with django_assert_num_queries(1):
        first = roles.role_names_by_user(ids)
    with django_assert_num_queries(0):
        again = roles.role_names_by_user(ids)
    assert first == again == {ids[0]: frozenset({roles.MODERATORS}), ids[1]: frozenset()}


def test_granting_from_the_users_side_is_seen_at_once():
    person = UserFactory()
    assert not fresh(person).is_moderator  # cached: no roles
    person.groups.add(Group.objects.get(name=roles.MODERATORS))
    assert fresh(person).is_moderator


def test_revoking_from_the_users_side_is_seen_at_once():
    person = UserFactory(role=roles.MODERATORS)
    assert fresh(person).is_moderator
    person.groups.remove(Group.objects.get(name=roles.MODERATORS))
    assert not fresh(person).is_moderator


def test_clearing_a_users_groups_is_seen_at_once():
    person = UserFactory(role=roles.MODERATORS)
    assert fresh(person).is_moderator
    person.groups.clear()
    assert not fresh(person).is_moderator


def test_changes_from_the_groups_side_are_seen_at_once():
    group = Group.objects.get(name=roles.MODERATORS)
    person, other = UserFactory(), UserFactory(role=roles.MODERATORS)
    assert not fresh(person).is_moderator
    assert fresh(other).is_moderator

    group.user_set.add(person)
    assert fresh(person).is_moderator
    group.user_set.remove(person)
    assert not fresh(person).is_moderator
    group.user_set.clear()
    assert not fresh(other).is_moderator


def test_renaming_or_deleting_a_role_group_is_seen_at_once():
    person = UserFactory(role=roles.MODERATORS)
    assert fresh(person).is_moderator
    group = Group.objects.get(name=roles.MODERATORS)
    group.name = "Former moderators"
    group.save()
    assert not fresh(person).is_moderator

    agent = UserFactory(role=roles.AGENTS)
    assert fresh(agent).is_agent
    Group.objects.get(name=roles.AGENTS).delete()  # memberships go by cascade, no m2m signal
    assert not fresh(agent).is_agent


def test_a_demoted_moderator_loses_the_flag_queue_on_the_next_request(moderator):
    client = client_for(moderator)
    assert client.get("/mod/flags/").status_code == 200
    moderator.groups.remove(Group.objects.get(name=roles.MODERATORS))
    assert client.get("/mod/flags/").status_code in (403, 404)


def test_a_value_cached_before_the_commit_is_forgotten_at_the_commit(
    django_capture_on_commit_callbacks,
):
    """Forgotten again at commit: a read between the change and its commit cannot stick."""
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        person.groups.add(Group.objects.get(name=roles.MODERATORS))
        # A page read before the commit caches what it sees...
        roles.role_names_by_user([person.pk])
    # ...and the commit forgets it again, so the next read asks the database.
    assert cache.get(roles._cache_key(person.pk)) is None
    assert fresh(person).is_moderator
