"""Sign-in, sign-up and password resets are rate limited by allauth and answered with our 429 page.

Limits per address count the client's address, also behind our TLS proxy (X-Forwarded-For).
"""

import time

import pytest
import time_machine
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.urls import reverse

from accounts.models import User
from notifications.models import OutboundEmail
from tests.conftest import through_proxy
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def assert_429_page(response, *, retry_after: int):
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please slow down" in page
    assert "You can try again at" in page
    assert response["Retry-After"] == str(retry_after)


def current_totp_code(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def sign_up(client, n, **extra):
    return client.post(
        reverse("account_signup"),
        {
            "email": f"newcomer{n}@example.com",
            "username": f"newcomer{n}",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        **extra,
    )


def test_signing_in_once_too_often_gets_429_and_the_page(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "3/m/ip"}
    for _attempt in range(3):
        response = client.post(
            reverse("account_login"), {"login": "member", "password": "wrong password"}
        )
        assert response.status_code == 200

    response = client.post(reverse("account_login"), {"login": "member", "password": PASSWORD})

    assert_429_page(response, retry_after=60)
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_for_one_account_lock_it_for_a_while(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,2/5m/key"}
    for _attempt in range(2):
        client.post(reverse("account_login"), {"login": "member", "password": "wrong"})

    response = client.post(reverse("account_login"), {"login": "member", "password": PASSWORD})

    assert_429_page(response, retry_after=300)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_past_the_limit_answer_htmx_with_the_message_alone(
    client, member, settings
):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "1/m/ip"}
    client.post(reverse("account_login"), {"login": "member", "password": "wrong"})

    response = client.post(
        reverse("account_login"), {"login": "member", "password": "wrong"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response["HX-Retarget"] == "#messages"
    assert "Too many failed login attempts" in response.content.decode()
    assert "<html" not in response.content.decode()


@pytest.fixture
def still_clock():
    """The code typed and the code expected come from the same 30-second window."""
    with time_machine.travel(time.time(), tick=False):
        yield


def test_wrong_two_factor_codes_past_the_limit_get_429_even_with_the_right_code(
    client, agent, settings, still_clock
):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,3/5m/key"}
    response = client.post(
        reverse("account_login"), {"login": agent.username, "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    for _attempt in range(3):
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert response.status_code == 200

    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(agent)})

    assert_429_page(response, retry_after=300)
    assert "_auth_user_id" not in client.session


def test_signing_up_once_too_often_gets_429_and_creates_no_account(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "2/h/ip"}
    for n in range(2):
        assert sign_up(client, n).status_code == 302
        client.logout()
    users = User.objects.count()

    response = sign_up(client, 3)

    assert_429_page(response, retry_after=3600)
    assert User.objects.count() == users
    assert not User.objects.filter(username="newcomer3").exists()


def test_asking_for_password_resets_too_often_gets_429_and_sends_no_mail(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "20/m/ip,2/m/key"}
    for _attempt in range(2):
        response = client.post(reverse("account_reset_password"), {"email": member.email})
        assert response.status_code == 302
    mails = OutboundEmail.objects.count()

    response = client.post(reverse("account_reset_password"), {"email": member.email})

    assert_429_page(response, retry_after=60)
    assert OutboundEmail.objects.count() == mails


def test_the_429_page_speaks_the_visitors_language(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "1/h/ip"}
    sign_up(client, 1)
    client.logout()

    response = client.post(
        reverse("account_signup"),
        {"email": "x@example.com", "username": "xx1", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 429
    assert 'lang="zh-Hans"' in response.content.decode()


# --- Behind the proxy: the client's address, not the proxy's --------------------------

ATTACKER = "203.0.113.66"
ALICE = "198.51.100.7"


def test_failed_sign_ins_from_one_address_do_not_lock_out_others_behind_the_proxy(
    client, member, behind_proxy
):
    for n in range(10):  # ten different logins: no single account's own limit is used up
        response = client.post(
            reverse("account_login"),
            {"login": f"guess{n}", "password": "wrong"},
            **through_proxy(ATTACKER),
        )
        assert response.status_code == 200

    response = client.post(
        reverse("account_login"), {"login": "member", "password": PASSWORD}, **through_proxy(ALICE)
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_twenty_one_sign_ups_from_twenty_one_addresses_are_all_allowed(client, behind_proxy):
    for n in range(21):
        response = sign_up(client, n, **through_proxy(f"198.51.100.{n + 1}"))
        assert response.status_code == 302, n
        client.logout()

    assert User.objects.filter(username__startswith="newcomer").count() == 21


def test_forged_forwarded_addresses_do_not_reset_the_attackers_allowance(
    client, member, behind_proxy
):
    for n in range(10):
        client.post(
            reverse("account_login"),
            {"login": f"guess{n}", "password": "wrong"},
            **through_proxy(ATTACKER, forged=f"192.0.2.{n}"),
        )

    forged_again = client.post(
        reverse("account_login"),
        {"login": "guess99", "password": "wrong"},
        **through_proxy(ATTACKER, forged="192.0.2.200"),
    )
    alice = client.post(
        reverse("account_login"), {"login": "member", "password": PASSWORD}, **through_proxy(ALICE)
    )

    assert forged_again.status_code == 429
    assert alice.status_code == 302


def test_without_the_proxy_setting_a_forwarded_address_is_ignored(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    for n in range(10):
        client.post(
            reverse("account_login"),
            {"login": f"guess{n}", "password": "wrong"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    response = client.post(
        reverse("account_login"),
        {"login": "member", "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR=ALICE,
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
