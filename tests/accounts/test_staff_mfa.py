"""Staff pages (/admin/, /staff/) need two-factor authentication; nobody skips the second step."""

import time
from urllib.parse import quote

import pytest
import time_machine
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.urls import reverse

from accounts import roles
from tests.conftest import sign_in
from tests.factories import PASSWORD, UserFactory

MFA_REQUIRED = "Staff accounts must use two-factor authentication. Set it up to continue."


def _current_code(user, *, periods_ago: int = 0) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD - periods_ago
    return format_hotp_value(hotp_value(secret, counter))


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def still_clock():
    """The code an agent types and the code the server expects come from the same 30 s window."""
    with time_machine.travel(time.time(), tick=False):
        yield


@pytest.fixture
def unverified_agent(db):
    return UserFactory(username="agent_new", role=roles.AGENTS, verified=False)


@pytest.fixture
def superuser_without_mfa(db):
    return UserFactory(username="boss_nofa", is_staff=True, is_superuser=True, second_factor=False)


def _ends_at_totp_setup(response) -> bool:
    """Sent to set up two-factor (allauth may first ask for the password again)."""
    return any(url.startswith(reverse("mfa_activate_totp")) for url, _ in response.redirect_chain)


def test_agent_without_mfa_opening_admin_is_sent_to_set_up_totp(client, agent_without_mfa):
    sign_in(client, agent_without_mfa)

    response = client.get("/admin/", follow=True)

    assert _ends_at_totp_setup(response)


def test_agent_without_mfa_is_told_why(client, agent_without_mfa):
    sign_in(client, agent_without_mfa)

    response = client.get("/admin/", follow=True)

    assert MFA_REQUIRED in response.content.decode()


def test_superuser_without_mfa_is_sent_to_set_up_totp_too(client, superuser_without_mfa):
    sign_in(client, superuser_without_mfa)

    response = client.get("/admin/accounts/user/", follow=True)

    assert _ends_at_totp_setup(response)


@pytest.mark.parametrize(
    "path", ["/staff/", "/staff/tickets/", "/staff/tickets/HO-0000042/", "/staff/duty/"]
)
def test_agent_without_mfa_is_stopped_at_staff_pages(client, agent_without_mfa, path):
    sign_in(client, agent_without_mfa)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?next={quote(path, safe='')}"


def test_agent_without_mfa_can_still_reach_the_totp_setup(client, agent_without_mfa):
    """The setup page lives outside the staff prefixes, so the rule cannot loop."""
    sign_in(client, agent_without_mfa)

    response = client.get(reverse("mfa_activate_totp"))

    assert response.get("Location") != reverse("mfa_activate_totp")


def test_agent_without_mfa_uses_the_forum_as_usual(client, agent_without_mfa):
    sign_in(client, agent_without_mfa)

    response = client.get(reverse("accounts:settings"))

    assert response.status_code == 200


def test_agent_with_mfa_gets_to_admin(client, agent):
    sign_in(client, agent)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Handoff administration" in response.content.decode()


def test_admin_with_mfa_gets_to_admin(client, admin_user):
    sign_in(client, admin_user)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 200


def test_agent_with_mfa_passes_the_staff_rule(client, agent):
    """No staff page exists yet: the rule lets the agent through, and the router 404s."""
    sign_in(client, agent)

    response = client.get("/staff/no-such-page/")

    assert response.status_code == 404


def test_member_is_not_asked_for_mfa_at_admin(client, member):
    sign_in(client, member)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next=/admin/"


def test_member_is_refused_by_the_admin_login(client, member):
    sign_in(client, member)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert MFA_REQUIRED not in response.content.decode()


def test_member_is_not_asked_for_mfa_at_staff_pages(client, member):
    sign_in(client, member)

    response = client.get("/staff/no-such-page/")

    assert response.status_code == 404


def test_visitor_opening_admin_is_sent_to_the_site_sign_in(client, db):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == f"{reverse('account_login')}?next=%2Fadmin%2F"
    assert response.status_code == 200


def test_unverified_agent_cannot_sign_in(client, unverified_agent):
    response = client.post(reverse("account_login"), {"login": "agent_new", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _signed_in_user_id(client) is None


def test_unverified_agent_opening_admin_is_sent_to_sign_in(client, unverified_agent):
    client.post(reverse("account_login"), {"login": "agent_new", "password": PASSWORD})

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[0][0] == f"{reverse('admin:login')}?next=/admin/"
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert _signed_in_user_id(client) is None


def test_unverified_agent_cannot_sign_in_through_the_admin_login_form(client, unverified_agent):
    response = client.post(
        reverse("admin:login"), {"username": "agent_new", "password": PASSWORD, "next": "/admin/"}
    )

    assert _signed_in_user_id(client) is None
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_agent_cannot_skip_the_second_step_through_the_admin_login_form(client, agent):
    response = client.post(
        reverse("admin:login"), {"username": "agent_amy", "password": PASSWORD, "next": "/admin/"}
    )

    assert _signed_in_user_id(client) is None
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get("/admin/").status_code == 302


def test_agent_signing_in_is_asked_for_their_code(client, agent):
    response = client.post(reverse("account_login"), {"login": "agent_amy", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert _signed_in_user_id(client) is None


def test_agent_with_password_and_code_gets_to_admin(client, agent, still_clock):
    client.post(reverse("account_login"), {"login": "agent_amy", "password": PASSWORD})

    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(agent)})

    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(agent.pk)
    assert client.get("/admin/").status_code == 200


def test_a_code_from_the_window_just_ended_still_signs_in(client, agent, still_clock):
    """Typed in the last second of its 30 s window, it arrives in the next one."""
    client.post(reverse("account_login"), {"login": "agent_amy", "password": PASSWORD})

    client.post(reverse("mfa_authenticate"), {"code": _current_code(agent, periods_ago=1)})

    assert _signed_in_user_id(client) == str(agent.pk)


def test_a_code_two_windows_old_is_refused(client, agent, still_clock):
    client.post(reverse("account_login"), {"login": "agent_amy", "password": PASSWORD})

    response = client.post(
        reverse("mfa_authenticate"), {"code": _current_code(agent, periods_ago=2)}
    )

    assert "Incorrect code." in response.content.decode()
    assert _signed_in_user_id(client) is None


def test_agent_with_a_wrong_code_stays_signed_out(client, agent, still_clock):
    client.post(reverse("account_login"), {"login": "agent_amy", "password": PASSWORD})
    wrong = "000000" if _current_code(agent) != "000000" else "111111"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert _signed_in_user_id(client) is None
