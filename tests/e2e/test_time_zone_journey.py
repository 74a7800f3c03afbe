"""In the browser: a new member gets their device's time zone, and a member whose device
says another zone than their account is offered to switch."""

import pytest
from playwright.sync_api import Browser, expect

from accounts.models import User
from tests.e2e.test_forum_journeys import sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def test_a_newcomer_signing_up_in_shanghai_gets_shanghai_time(browser: Browser, base_url):
    context = browser.new_context(base_url=base_url, locale="en-US", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.goto("/accounts/signup/")
    expect(page.locator("input[name=timezone]")).to_have_value("Asia/Shanghai")

    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    assert User.objects.get(username="newcomer").timezone == "Asia/Shanghai"
    context.close()


def test_a_member_in_tokyo_is_offered_tokyo_time_and_takes_it(browser: Browser, base_url, db):
    member = UserFactory(username="traveller", display_name="Tess Traveller")
    assert member.timezone == "UTC"
    context = browser.new_context(base_url=base_url, locale="en-US", timezone_id="Asia/Tokyo")
    page = context.new_page()
    sign_in(page, member)

    page.goto("/search/")
    offer = page.locator("#timezone-offer")
    expect(offer).to_contain_text(
        "Your device is set to Asia/Tokyo (UTC+9), but times here are shown in UTC (UTC)."
    )
    offer.get_by_role("button", name="Use my device’s time zone").click()

    expect(page).to_have_url(f"{base_url}/search/")
    expect(page.locator("#messages")).to_contain_text("Times are now shown in Asia/Tokyo (UTC+9).")
    expect(page.locator("#timezone-offer")).to_have_count(0)
    page.reload()
    expect(page.locator("#timezone-offer")).to_have_count(0)
    member.refresh_from_db()
    assert member.timezone == "Asia/Tokyo"
    context.close()


def test_keeping_the_saved_zone_hides_the_offer(browser: Browser, base_url, db):
    member = UserFactory(username="homebody", display_name="Hugo Homebody")
    context = browser.new_context(base_url=base_url, locale="en-US", timezone_id="Asia/Tokyo")
    page = context.new_page()
    sign_in(page, member)
    page.goto("/")

    page.locator("#timezone-offer").get_by_role("button", name="Keep UTC (UTC)").click()

    expect(page.locator("#timezone-offer")).to_have_count(0)
    page.reload()
    expect(page.locator("#timezone-offer")).to_have_count(0)
    member.refresh_from_db()
    assert member.timezone == "UTC"
    context.close()
