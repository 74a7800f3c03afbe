"""`manage.py seed_demo`: the demo site, created or refreshed, never on production by accident."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from demo import content
from forum.models import Category
from help.services import bot
from tests.demo.conftest import seed

# The demo's people, and the help assistant's system account: the first-line bot signs
# its replies to the demo's questions with it (help.services.bot).
DEMO_USERNAMES = [*(person[0] for person in content.PEOPLE), bot.BOT_USERNAME]


# Seeding and changing what was seeded needs a database that really commits (conftest).
seeding = pytest.mark.django_db(transaction=True)


def _usernames_with_role(role):
    return [username for username, _e, _n, r, _l, _tz in content.PEOPLE if r == role]


def _snapshot():
    return {
        "users": User.objects.count(),
        "categories": Category.objects.count(),
        "emails": EmailAddress.objects.count(),
        "memberships": User.groups.through.objects.count(),
        "groups": Group.objects.count(),
        "sites": Site.objects.count(),
    }


@seeding
def test_seed_demo_creates_the_people_and_categories(db):
    output = seed()

    assert set(User.objects.values_list("username", flat=True)) == set(DEMO_USERNAMES)
    assert Category.objects.count() == len(content.CATEGORIES)
    assert f"{len(content.PEOPLE)} people, {len(content.CATEGORIES)} categories" in output


@seeding
def test_seed_demo_twice_changes_nothing_more(db):
    seed()
    first = _snapshot()

    seed()

    assert _snapshot() == first


@seeding
def test_seed_demo_keeps_what_people_already_have(db, member):
    seed()

    assert User.objects.filter(pk=member.pk).exists()
    assert User.objects.count() == len(DEMO_USERNAMES) + 1


@pytest.mark.parametrize("username", _usernames_with_role("agent"))
def test_demo_agents_are_agents(seeded, username):
    agent = User.objects.get(username=username)
    assert agent.is_agent
    assert not agent.is_moderator


@pytest.mark.parametrize("username", _usernames_with_role("moderator"))
def test_demo_moderator_is_a_moderator(seeded, username):
    moderator = User.objects.get(username=username)
    assert moderator.is_moderator
    assert not moderator.is_agent
    assert not moderator.is_staff


def test_demo_admin_is_a_superuser(seeded):
    admin = User.objects.get(username=_usernames_with_role("admin")[0])
    assert admin.is_superuser
    assert admin.is_agent
    assert admin.is_moderator


@pytest.mark.parametrize("username", _usernames_with_role("member"))
def test_demo_members_have_no_staff_roles(seeded, username):
    member = User.objects.get(username=username)
    assert not member.is_staff
    assert not member.is_agent
    assert not member.is_moderator


def test_every_demo_email_is_verified_and_primary(seeded):
    for username, email, *_rest in content.PEOPLE:
        address = EmailAddress.objects.get(user__username=username)
        assert address.email == email
        assert address.verified
        assert address.primary


def test_demo_people_keep_their_language_and_time_zone(seeded):
    for username, _email, display_name, _role, language, tz in content.PEOPLE:
        person = User.objects.get(username=username)
        assert (person.display_name, person.language, person.timezone) == (
            display_name,
            language,
            tz,
        )


def test_demo_member_can_sign_in_with_the_published_password(client, seeded):
    member = _usernames_with_role("member")[0]

    response = client.post(
        reverse("account_login"), {"login": member, "password": content.DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username=member).pk)


@seeding
def test_seed_demo_says_the_password(db):
    output = seed()

    assert content.DEMO_PASSWORD in output


@seeding
def test_seed_demo_sets_the_domain_used_in_emailed_links(db):
    seed(domain="demo.example")

    site = Site.objects.get(pk=1)
    assert (site.domain, site.name) == ("demo.example", "Handoff")


@seeding
def test_seed_demo_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.exists()


@seeding
def test_seed_demo_runs_without_the_flag_in_debug(db, settings):
    settings.DEBUG = True

    call_command("seed_demo", history=False, stdout=StringIO())

    assert User.objects.count() == len(DEMO_USERNAMES)
