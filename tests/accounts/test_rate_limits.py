"""Sign-in, sign-up and password resets are rate limited by allauth and answered with our 429 page."""

import pytest
from django.urls import reverse

from accounts.models import User
from notifications.models import OutboundEmail
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def assert_429_page(response, *, retry_after: int):
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please slow down" in page
    assert "You can try again at" in page
    assert response["Retry-After"] == str(retry_after)


def sign_up(client, n):
    return client.post(
        reverse("account_signup"),
        {
            "email": f"newcomer{n}@example.com",
            "username": f"newcomer{n}",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
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

    assert "Too many failed login attempts" in response.content.decode()
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
