"""Every grant or revocation of a role is recorded: who, whom, what, when."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accounts import audit, roles
from accounts.middleware import AuditActorMiddleware
from accounts.models import RoleChange, User
from tests.conftest import sign_in
from tests.factories import UserFactory

GRANTED = RoleChange.Action.GRANTED
REVOKED = RoleChange.Action.REVOKED


def changes_of(user) -> list[tuple[str, str, str]]:
    return [
        (change.role, change.action, change.actor_name)
        for change in RoleChange.objects.filter(username=user.username).order_by("pk")
    ]


@pytest.fixture
def moderators(db):
    return Group.objects.get(name=roles.MODERATORS)


@pytest.fixture
def agents(db):
    return Group.objects.get(name=roles.AGENTS)


# --- Outside a request: the shell, commands, tasks ------------------------------


def test_adding_a_group_in_the_shell_is_recorded_as_system(member, moderators):
    member.groups.add(moderators)

    change = RoleChange.objects.get()
    assert (change.user, change.username, change.role) == (member, "member", "Moderators")
    assert (change.action, change.actor, change.actor_name) == (GRANTED, None, "system")
    assert change.changed_at is not None


def test_adding_a_user_from_the_group_side_is_recorded(member, other_member, agents):
    agents.user_set.add(member, other_member)

    assert changes_of(member) == [("Agents", GRANTED, "system")]
    assert changes_of(other_member) == [("Agents", GRANTED, "system")]


def test_adding_a_group_the_user_already_has_records_nothing(moderator, moderators):
    RoleChange.objects.all().delete()

    moderator.groups.add(moderators)

    assert not RoleChange.objects.exists()


def test_removing_a_group_is_recorded_and_removing_one_never_held_is_not(moderator, agents):
    moderator.groups.remove(Group.objects.get(name=roles.MODERATORS), agents)

    assert changes_of(moderator)[-1:] == [("Moderators", REVOKED, "system")]
    assert ("Agents", REVOKED, "system") not in changes_of(moderator)


def test_clearing_groups_records_each_one(member, moderators, agents):
    member.groups.add(moderators, agents)

    member.groups.clear()

    assert changes_of(member)[-2:] == [
        ("Agents", REVOKED, "system"),
        ("Moderators", REVOKED, "system"),
    ]


def test_clearing_from_the_group_side_records_each_member(member, other_member, moderators):
    moderators.user_set.add(member, other_member)

    moderators.user_set.clear()

    assert changes_of(member)[-1] == ("Moderators", REVOKED, "system")
    assert changes_of(other_member)[-1] == ("Moderators", REVOKED, "system")


def test_setting_groups_records_only_the_difference(moderator, agents):
    RoleChange.objects.all().delete()

    moderator.groups.set([agents])

    assert sorted(changes_of(moderator)) == [
        ("Agents", GRANTED, "system"),
        ("Moderators", REVOKED, "system"),
    ]


def test_staff_and_superuser_flags_are_recorded_when_saved(member):
    member.is_staff = True
    member.is_superuser = True
    member.save()
    member.is_superuser = False
    member.save()

    assert changes_of(member) == [
        ("is_staff", GRANTED, "system"),
        ("is_superuser", GRANTED, "system"),
        ("is_superuser", REVOKED, "system"),
    ]


def test_saving_unchanged_flags_records_nothing(agent):
    RoleChange.objects.all().delete()

    agent.display_name = "Amy"
    agent.save()

    assert not RoleChange.objects.exists()


def test_a_save_that_does_not_write_the_flags_costs_no_extra_query(
    member, django_assert_num_queries
):
    member.display_name = "Mia"

    with django_assert_num_queries(1):  # the UPDATE, and no look-up of the old flags
        member.save(update_fields=["display_name"])


def test_creating_a_superuser_records_both_flags(db):
    boss = User.objects.create_superuser("root", "root@example.com", "x" * 20)

    assert changes_of(boss) == [
        ("is_staff", GRANTED, "system"),
        ("is_superuser", GRANTED, "system"),
    ]


def test_creating_an_ordinary_member_records_nothing(db):
    UserFactory(username="newbie")

    assert not RoleChange.objects.exists()


def test_the_record_outlives_both_accounts(member, moderators):
    member.groups.add(moderators)

    member.delete()

    change = RoleChange.objects.get(role="Moderators")
    assert change.user is None
    assert change.username == "member"


def test_queryset_update_is_not_recorded(member):
    """Documented limit: .update() sends no signal; change roles on instances."""
    User.objects.filter(pk=member.pk).update(is_staff=True)

    assert not RoleChange.objects.exists()


# --- Inside a request: the signed-in user is the actor ----------------------------


def test_changes_inside_a_request_scope_credit_its_signed_in_user(admin_user, member, agents):
    request = RequestFactory().get("/admin/")
    request.user = admin_user

    with audit.request_scope(request):
        member.groups.add(agents)
    member.groups.remove(agents)

    added, removed = RoleChange.objects.filter(user=member).order_by("pk")
    assert (added.actor, added.actor_name) == (admin_user, "boss")
    assert (removed.actor, removed.actor_name) == (None, "system")


def test_an_anonymous_request_is_credited_to_the_system(member, agents):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().post("/accounts/signup/")
    request.user = AnonymousUser()

    with audit.request_scope(request):
        member.groups.add(agents)

    assert RoleChange.objects.get().actor_name == "system"


def test_the_middleware_never_loads_the_user_of_an_ordinary_request(rf):
    def user_lookup():
        raise AssertionError("request.user was loaded")

    request = rf.get("/")
    request.user = SimpleLazyObject(user_lookup)
    middleware = AuditActorMiddleware(lambda request: "response")

    assert middleware(request) == "response"
    assert audit.current_actor() is None  # and the scope ended with the request


class _FormFields(HTMLParser):
    """The values a browser would post from a page's forms, as they stand."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        kind = attrs.get("type", "text")
        if tag == "input" and name and kind not in ("submit", "button"):
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value") or "on")
                return
            self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def test_the_admin_user_form_credits_the_admin(client, admin_user, member, moderators):
    sign_in(client, admin_user)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    data = parser.data
    data["groups"] = [str(moderators.pk)]
    data["is_staff"] = ["on"]

    response = client.post(url, data)

    assert response.status_code == 302
    assert sorted(changes_of(member)) == [
        ("Moderators", GRANTED, "boss"),
        ("is_staff", GRANTED, "boss"),
    ]
    assert {change.actor for change in RoleChange.objects.filter(user=member)} == {admin_user}


# --- The log in the admin: visible, never editable -------------------------------


def test_the_admin_lists_role_changes(client, admin_user, member, moderators):
    member.groups.add(moderators)
    sign_in(client, admin_user)

    response = client.get(reverse("admin:accounts_rolechange_changelist"))

    assert response.status_code == 200
    assert b"member" in response.content
    assert b"Moderators" in response.content


def test_the_user_page_shows_that_users_role_changes(client, admin_user, member, moderators):
    member.groups.add(moderators)
    sign_in(client, admin_user)

    response = client.get(reverse("admin:accounts_user_change", args=[member.pk]))

    assert b"role changes (audit log)" in response.content.lower()
    assert b"Moderators" in response.content


def test_nobody_adds_edits_or_deletes_a_role_change_in_the_admin(
    client, admin_user, member, moderators
):
    member.groups.add(moderators)
    change = RoleChange.objects.get(user=member)
    sign_in(client, admin_user)

    assert client.get(reverse("admin:accounts_rolechange_add")).status_code == 403
    page = client.get(reverse("admin:accounts_rolechange_change", args=[change.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    delete = reverse("admin:accounts_rolechange_delete", args=[change.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert RoleChange.objects.filter(pk=change.pk).exists()
