"""allauth's emails are HTML and text in our frame, like every other mail; its pages name a real contact."""

import re

import pytest
from allauth.account.adapter import get_adapter
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from notifications.services.outbox import deliver_pending_emails
from tests.conftest import settings_from_environment
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_up(client: Client, email="newcomer@example.com"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "username": "newcomer", "password1": PASSWORD, "password2": PASSWORD},
    )


def html_of(message) -> str:
    (html,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html


def test_the_verification_email_is_html_and_text_with_the_link_as_a_button(client):
    sign_up(client)
    deliver_pending_emails()

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group()
    html = html_of(message)
    assert message.subject == "[Handoff] Please confirm your email address"
    assert f'<a href="{link}" style="display:inline-block' in html
    assert "Confirm my email address" in html
    assert "Our staff never ask for your recovery phrase" in html
    assert link in message.body


def test_the_verification_email_in_chinese_uses_our_words(client):
    client.cookies["handoff_language"] = "zh-hans"
    sign_up(client)
    deliver_pending_emails()

    html = html_of(mail.outbox[0])
    assert "确认我的邮箱地址" in html
    assert "你" not in html
    assert "帐户" not in html


def test_the_password_reset_email_is_html_with_the_link_as_a_button(client, member):
    client.post(reverse("account_reset_password"), {"email": member.email})
    deliver_pending_emails()

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", message.body).group()
    assert f'<a href="{link}" style="display:inline-block' in html_of(message)
    assert "Choose a new password" in html_of(message)


def test_an_account_email_without_an_html_template_shows_its_text_in_our_frame(rf, member):
    from allauth.core import context

    request = rf.get("/")
    request.user = member
    with context.request_context(request):
        get_adapter().send_mail(
            "account/email/password_changed", member.email, {"user": member, "ip": "192.0.2.1"}
        )
    deliver_pending_emails()

    html = html_of(mail.outbox[0])
    assert "192.0.2.1" in html
    assert "Our staff never ask for your recovery phrase" in html


# --- A real contact on the pages that send people to one -------------------------


@pytest.mark.parametrize("path", ["/accounts/confirm-email/", "/accounts/password/reset/done/"])
def test_the_no_email_pages_name_the_support_contact(client, settings, path):
    settings.SUPPORT_CONTACT = "help@example.com"

    html = client.get(path).content.decode()

    assert '<a href="mailto:help@example.com">help@example.com</a>' in html
    assert "contact us" not in html.lower()


def test_a_support_contact_may_be_a_web_page(client, settings):
    settings.SUPPORT_CONTACT = "https://help.example.com/"

    html = client.get("/accounts/password/reset/").content.decode()

    assert '<a href="https://help.example.com/">https://help.example.com/</a>' in html


@pytest.mark.parametrize("path", ["/accounts/confirm-email/", "/accounts/password/reset/"])
def test_without_a_contact_the_pages_promise_none(client, settings, path):
    settings.SUPPORT_CONTACT = ""

    html = client.get(path).content.decode()

    assert "contact us" not in html.lower()
    assert "mailto:" not in html


@pytest.mark.parametrize("value", ["help", "help at example.com", "ftp://example.com"])
def test_a_support_contact_that_is_neither_an_address_nor_a_page_stops_the_start(value):
    with pytest.raises(ImproperlyConfigured, match="HANDOFF_SUPPORT_CONTACT"):
        settings_from_environment(HANDOFF_SUPPORT_CONTACT=value)
