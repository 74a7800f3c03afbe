"""Every page carries the security headers: CSP, framing, referrer, permissions, isolation.

The Playwright check (tests/e2e/test_csp.py) shows the pages run under the policy;
these tests pin the policy itself, on every kind of response the site serves.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from escalation.services import tickets as opening
from tests.conftest import sign_in
from tests.escalation.conftest import committed
from tests.factories import CategoryFactory, ThreadFactory

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
# Each of these features is refused to the page and to anything it could embed.
FEATURES_OFF = ("camera", "microphone", "geolocation", "payment", "usb", "display-capture")
HTMX = {"HTTP_HX_REQUEST": "true"}


def policy(response) -> dict[str, set[str]]:
    """The Content-Security-Policy header as {directive: sources} (its order is not fixed)."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: set(sources) for name, *sources in directives}


def assert_secure_headers(response) -> None:
    assert policy(response) == POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    features = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
    for feature in FEATURES_OFF:
        assert features[feature] == "()", feature


@pytest.fixture
def thread(member):
    return ThreadFactory(author=member, category=CategoryFactory(slug="transfers"))


def test_a_page_carries_the_security_headers(client, thread):
    assert_secure_headers(client.get("/"))
    assert_secure_headers(client.get(thread.get_absolute_url()))


def test_the_policy_allows_no_inline_or_evaluated_code(client):
    header = client.get("/")["Content-Security-Policy"]

    assert "unsafe" not in header  # 'unsafe-inline', 'unsafe-eval', 'unsafe-hashes'
    assert "nonce-" not in header
    assert "*" not in header


def test_a_cached_visitor_page_still_carries_the_headers(
    settings, thread, django_assert_max_num_queries
):
    settings.VISITOR_PAGE_CACHE_SECONDS = 30
    Client().get(thread.get_absolute_url())

    with django_assert_max_num_queries(1):  # the access check; the page is the cached copy
        cached = Client().get(thread.get_absolute_url())

    assert cached.status_code == 200
    assert thread.title in cached.text
    assert_secure_headers(cached)


def test_an_htmx_partial_carries_the_headers(member_client, thread):
    listing = member_client.get("/c/transfers/", **HTMX)
    follow = member_client.post(reverse("forum:follow", args=[thread.pk]), **HTMX)

    assert "<html" not in listing.text  # the swapped region only
    assert_secure_headers(listing)
    assert follow.status_code == 200
    assert_secure_headers(follow)


def test_a_404_carries_the_headers(client):
    response = client.get("/t/999999/nothing-here/")

    assert response.status_code == 404
    assert_secure_headers(response)


def test_a_redirect_carries_the_headers(client):
    response = client.get("/ask/")

    assert response.status_code == 302
    assert_secure_headers(response)


def test_the_admin_keeps_the_same_policy(client, admin_user, member):
    """Django 5.2's admin needs no relaxation: its scripts and styles are files too."""
    sign_in(client, admin_user)

    for url in (
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[member.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secure_headers(response)
        assert inline_code(response.text) == [], url


def test_hsts_is_sent_over_https_in_production(settings, client):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_cookies_are_http_only_and_same_site(client, member, password):
    response = client.post(
        reverse("account_login"), {"login": member.username, "password": password}
    )

    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = response.cookies[name]
        assert cookie["httponly"], name
        assert cookie["samesite"] == "Lax", name


# --- No page of ours needs what the policy refuses --------------------------------

_INLINE = [
    # A <script> that runs without a src (JSON data blocks are not run, so they may stay).
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I),
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle=", re.I),
    re.compile(r"\son[a-z]+=", re.I),  # onclick=, onload=, …
    re.compile(r"\shx-on[:-]", re.I),
    re.compile(r"javascript:", re.I),
]


def inline_code(html: str) -> list[str]:
    return [match.group(0) for pattern in _INLINE for match in pattern.finditer(html)]


@pytest.fixture
def ticket(thread, agent):
    return committed(opening.escalate_thread, actor=agent, thread=thread)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        (None, "/"),
        (None, "thread"),
        (None, "/search/?q=usdt"),
        (None, "/accounts/login/"),
        (None, "/accounts/signup/"),
        (None, "/accounts/password/reset/"),
        ("member", "/"),
        ("member", "thread"),
        ("member", "/ask/"),
        ("member", "/my/requests/"),
        ("member", "my-request"),
        ("member", "/notifications/"),
        ("member", "/settings/notifications/"),
        ("member", "/accounts/email/"),
        ("member", "/accounts/password/change/"),
        ("member", "/accounts/2fa/"),
        ("member", "/accounts/2fa/totp/activate/"),
        ("member", "profile"),
        ("agent", "/staff/tickets/"),
        ("agent", "staff-ticket"),
        ("agent", "/staff/canned/"),
        ("moderator", "/mod/flags/"),
        ("moderator", "/mod/log/"),
    ],
)
def test_pages_hold_no_inline_script_style_or_handler(request, persona, url, thread, ticket):
    client = Client()
    if persona:
        sign_in(client, request.getfixturevalue(persona))
    url = {
        "thread": thread.get_absolute_url(),
        "my-request": f"/my/requests/{ticket.reference}/",
        "staff-ticket": f"/staff/tickets/{ticket.reference}/",
        "profile": "/u/member/",
    }.get(url, url)

    response = client.get(url, follow=True)

    assert response.status_code == 200, url
    assert inline_code(response.text) == []


def test_a_pending_email_change_page_holds_no_inline_style(member_client):
    """allauth's own template hides a form with style=""; ours (templates/account) does not."""
    member_client.post(reverse("account_email"), {"action_add": "", "email": "mia.new@example.com"})

    response = member_client.get(reverse("account_email"))

    assert "mia.new@example.com" in response.text
    assert inline_code(response.text) == []


def test_the_favicon_browsers_ask_for_is_ours(client):
    """Pages that name no icon (the admin's) would log a 404 for it on every view."""
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/logo.svg"
