"""A newcomer signs up, confirms their email, reads the site in Chinese and signs out."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Browser, Page, expect

from notifications.services.outbox import deliver_pending_emails
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

CONFIRM_PATH = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)")


def zh(text: str) -> str:
    """`text` as Chinese pages show it: the source text while the catalogue lacks it."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def test_a_newcomer_signs_up_confirms_switches_to_chinese_and_signs_out(page: Page, mailoutbox):
    page.goto("/")
    header = page.get_by_role("banner")
    header.get_by_role("link", name="Sign up").click()

    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()

    # What the Celery worker (or beat's safety net) does with the outbox row.
    assert deliver_pending_emails() == 1
    (verification,) = mailoutbox
    assert verification.to == ["newcomer@example.com"]
    page.goto(CONFIRM_PATH.search(verification.body)[1])
    page.get_by_role("button", name="Confirm").click()

    expect(header.get_by_label("Account menu")).to_contain_text("newcomer")
    expect(header.get_by_role("link", name="Sign in")).to_have_count(0)

    header.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(header.get_by_role("button", name="English")).to_be_visible()
    expect(header.get_by_role("navigation")).to_contain_text(zh("Questions"))

    header.get_by_label(zh("Account menu")).click()
    header.get_by_role("menuitem", name=zh("Sign out")).click()
    expect(header.get_by_role("link", name=zh("Sign in"))).to_be_visible()
    expect(header.get_by_label(zh("Account menu"))).to_have_count(0)


def test_a_visitor_switches_to_chinese_on_a_page_cached_for_someone_else(
    browser: Browser, base_url, settings
):
    settings.VISITOR_PAGE_CACHE_SECONDS = 60
    someone_else = browser.new_context(base_url=base_url, locale="en-US", timezone_id="UTC")
    someone_else.new_page().goto("/")  # their page, with a placeholder for the token, is cached
    someone_else.close()
    visitor = browser.new_context(base_url=base_url, locale="en-US", timezone_id="UTC")
    visitor.set_default_timeout(10_000)
    page = visitor.new_page()
    page.goto("/")

    page.get_by_role("banner").get_by_role("button", name="中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("banner").get_by_role("navigation")).to_contain_text(zh("Questions"))


def test_an_unverified_member_is_sent_to_verify_their_email(page: Page, unverified):
    page.goto("/")
    header = page.get_by_role("banner")
    header.get_by_role("link", name="Sign in").click()
    page.get_by_label("Login").fill(unverified.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    expect(header.get_by_label("Account menu")).to_have_count(0)
