"""accounts/backends.py: the session's user read by one raw query, the same user the ORM reads."""

import importlib

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from accounts import roles
from accounts.backends import AuthenticationBackend, ModelBackend
from accounts.models import User
from config import caching
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [ModelBackend(), AuthenticationBackend()])
def test_the_user_is_the_one_the_orm_reads_field_for_field(backend):
    person = UserFactory(display_name="小明", reputation=42)

    ours, orms = backend.get_user(person.pk), DjangoModelBackend().get_user(person.pk)

    assert type(ours) is User
    for field in User._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(orms, field.attname), field.name
    assert ours._state.adding is False
    assert ours._state.db == "default"


@pytest.mark.parametrize("user_id", [10**9, "abc", None, "", 2**70, "1; DROP TABLE"])
def test_no_user_for_an_id_that_names_nobody(user_id):
    assert ModelBackend().get_user(user_id) is None


def test_an_inactive_user_is_not_signed_in():
    person = UserFactory(is_active=False)

    assert ModelBackend().get_user(person.pk) is None


@pytest.mark.parametrize(
    "legacy",
    [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ],
)
def test_a_session_signed_in_before_the_change_stays_signed_in(legacy):
    person = UserFactory()
    session = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = legacy
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

    page = client.get("/settings/")

    assert page.status_code == 200
    assert page.wsgi_request.user == person
    stored = importlib.import_module(settings.SESSION_ENGINE).SessionStore(session.session_key)
    assert stored[BACKEND_SESSION_KEY].startswith("accounts.backends.")


@pytest.mark.parametrize("groups", [(), (roles.MODERATORS,), (roles.MODERATORS, roles.AGENTS)])
def test_the_users_roles_come_with_the_same_read(groups, django_assert_num_queries):
    person = UserFactory()
    for name in groups:
        person.groups.add(Group.objects.get_or_create(name=name)[0])
    person.groups.add(Group.objects.get_or_create(name="Not a role")[0])

    with django_assert_num_queries(1):
        user = ModelBackend().get_user(person.pk)
        names = user.group_names

    assert names == frozenset(groups) == roles.query_role_names([person.pk])[person.pk]


def test_a_signed_in_request_reads_its_users_roles_from_the_database_not_the_cache(client):
    """A role revoked shows on the next request of every process, whatever a cache holds."""
    person = UserFactory()
    cache.set(caching.roles_key(person.pk), (roles.MODERATORS,), 300)  # stale: never true
    client.force_login(person)
    seen = {}

    def spy(request):
        seen["user"] = request.user
        return HttpResponse("")

    with override_settings(ROOT_URLCONF=__name__):
        urlpatterns[:] = [path("spy/", spy)]
        client.get("/spy/")

    assert type(seen["user"]) is User  # the user itself, not a lazy stand-in
    assert seen["user"].group_names == frozenset()


urlpatterns = []
