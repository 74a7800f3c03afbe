"""A broker that is down, or that accepts and never answers, must not cost a request."""

import time

import pytest
from allauth.account.models import EmailAddress

from notifications.models import OutboundEmail
from notifications.services.outbox import deliver_pending_emails
from tests.conftest import broker_at

# Generous against a shared machine; a request stuck on Celery's defaults hangs for minutes.
ABOUT_A_SECOND = 5.0


def _sign_up(client, username):
    started = time.monotonic()
    response = client.post(
        "/accounts/signup/",
        {
            "email": f"{username}@example.com",
            "username": username,
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    return response, time.monotonic() - started


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("port_fixture", ["closed_port", "silent_port"])
def test_signup_succeeds_and_its_mail_waits_when_the_broker_is_down(
    client, request, port_fixture, mailoutbox
):
    port = request.getfixturevalue(port_fixture)
    with broker_at(f"redis://127.0.0.1:{port}/0"):
        response, elapsed = _sign_up(client, "newcomer")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert elapsed < ABOUT_A_SECOND
    assert EmailAddress.objects.filter(email="newcomer@example.com", verified=False).exists()
    pending = OutboundEmail.objects.get(to=["newcomer@example.com"])
    assert pending.sent_at is None

    # The broker is back (or beat's safety net runs): the mail goes out, once.
    assert deliver_pending_emails() == 1
    assert deliver_pending_emails() == 0
    assert len(mailoutbox) == 1
    assert "/accounts/confirm-email/" in mailoutbox[0].body
