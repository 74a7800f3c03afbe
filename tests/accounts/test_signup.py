"""Signing up, confirming the email address, and signing in (allauth through our adapter)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sites.models import Site
from django.core import mail
from django.urls import reverse

from accounts.models import User
from config.celery import _publish
from notifications import tasks
from notifications.models import OutboundEmail
from notifications.services.outbox import deliver_pending_emails
from tests.factories import PASSWORD

CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)")


def _sign_up(client, **overrides):
    data = {
        "email": "newcomer@example.com",
        "username": "newcomer",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


def _sign_in(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def _confirm_link_from(message) -> str:
    match = CONFIRM_LINK.search(message.body)
    assert match, f"no confirm link in: {message.body}"
    return match.group(1)


@pytest.fixture
def signed_up(client, db):
    """A newcomer who has just sent the sign-up form, and the outbox delivered their mail."""
    _sign_up(client)
    deliver_pending_emails()
    return User.objects.get(username="newcomer")


def test_signup_creates_an_account_with_an_unverified_primary_email(client, db):
    response = _sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(username="newcomer")
    address = EmailAddress.objects.get(user=user)
    assert address.email == "newcomer@example.com"
    assert address.primary
    assert not address.verified


def test_signup_does_not_sign_the_newcomer_in_before_they_confirm(client, db):
    _sign_up(client)

    assert _signed_in_user_id(client) is None


def test_signup_puts_exactly_one_verification_email_in_the_outbox(client, db):
    _sign_up(client)

    email = OutboundEmail.objects.get()
    assert email.to == ["newcomer@example.com"]
    assert email.subject == "[Handoff] Please confirm your email address"
    assert email.sent_at is None


def test_signup_enqueues_the_delivery_task_only_after_commit(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _sign_up(client)

    email = OutboundEmail.objects.get()
    publishes = [c for c in callbacks if getattr(c, "func", None) is _publish]
    assert len(publishes) == 1
    assert publishes[0].args == (tasks.deliver_email, (email.pk,), {})


def test_signup_email_is_not_sent_by_the_request_itself(client, db):
    _sign_up(client)

    assert mail.outbox == []


def test_delivering_the_outbox_sends_the_confirm_link(client, db):
    _sign_up(client)

    assert deliver_pending_emails() == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.com"]
    assert _confirm_link_from(message).startswith("/accounts/confirm-email/")
    assert OutboundEmail.objects.get().sent_at is not None


def test_verification_email_names_the_site_and_the_username(client, db):
    _sign_up(client)
    deliver_pending_emails()

    body = mail.outbox[0].body
    assert Site.objects.get_current().name in body
    assert "newcomer" in body


def test_confirming_the_link_verifies_the_address(client, signed_up):
    link = _confirm_link_from(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "newcomer@example.com" in page.content.decode()

    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=signed_up).verified


def test_confirming_in_the_same_browser_signs_the_newcomer_in(client, signed_up):
    client.post(_confirm_link_from(mail.outbox[0]))

    assert _signed_in_user_id(client) == str(signed_up.pk)


def test_a_forged_confirm_link_verifies_nothing(client, signed_up):
    client.post("/accounts/confirm-email/not-a-real-key/")

    assert not EmailAddress.objects.get(user=signed_up).verified


def test_after_confirming_the_newcomer_can_sign_in(client, signed_up):
    client.post(_confirm_link_from(mail.outbox[0]))
    client.logout()

    response = _sign_in(client, "newcomer")

    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(signed_up.pk)


def test_unverified_user_cannot_sign_in(client, unverified):
    response = _sign_in(client, "unverified")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _signed_in_user_id(client) is None


def test_unverified_user_who_tries_to_sign_in_is_told_to_check_their_inbox(client, unverified):
    response = client.post(
        reverse("account_login"), {"login": "unverified", "password": PASSWORD}, follow=True
    )

    assert response.status_code == 200
    assert "Verify your email address" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("login", ["member", "member@example.com", "MEMBER@example.com"])
def test_verified_member_signs_in_by_username_or_email(client, member, login):
    response = _sign_in(client, login)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_user_id(client) == str(member.pk)


def test_signed_in_member_sees_their_name_in_the_header(client, member):
    _sign_in(client, "member")

    response = client.get(reverse("accounts:settings"))

    assert response.status_code == 200
    assert "Mia Member" in response.content.decode()


def test_wrong_password_is_refused_with_a_message(client, member):
    response = _sign_in(client, "member", password="not-the-password")

    assert response.status_code == 200
    assert _signed_in_user_id(client) is None
    assert "The username and/or password you specified are not correct." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"email": "", "username": "", "password1": "", "password2": ""},
            "This field is required.",
            id="empty",
        ),
        pytest.param(
            {"password2": "a-different-passphrase"},
            "You must type the same password each time.",
            id="mismatched-passwords",
        ),
        pytest.param(
            {"username": "ab"},
            "Ensure this value has at least 3 characters (it has 2).",
            id="short-username",
        ),
        pytest.param({"email": "not-an-email"}, "Enter a valid email address.", id="bad-email"),
        pytest.param(
            {"password1": "12345678", "password2": "12345678"},
            "This password is too common.",
            id="weak-password",
        ),
    ],
)
def test_bad_signup_answers_200_with_errors_and_creates_nothing(client, db, overrides, message):
    response = _sign_up(client, **overrides)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_taken_username_answers_200_with_an_error_and_creates_nothing(client, member):
    response = _sign_up(client, username="member")

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.count() == 1
    assert not OutboundEmail.objects.exists()


def test_taken_email_creates_nothing_and_does_not_reveal_the_account(client, member):
    """allauth prevents account enumeration: the form looks accepted, the owner is told."""
    response = _sign_up(client, email="member@example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.count() == 1
    email = OutboundEmail.objects.get()
    assert email.to == ["member@example.com"]
    assert "Account already exists" in email.subject


def test_account_already_exists_mail_says_which_address_was_used(client, member):
    _sign_up(client, email="member@example.com")
    deliver_pending_emails()

    body = mail.outbox[0].body
    assert "member@example.com" in body
    assert "/accounts/password/reset/" in body
