"""An agent reads the support analytics: opens the dashboard from the staff workspace,
changes the period and the category, reads the figures under a chart, and downloads a
table as CSV that starts with a UTF-8 BOM. Screenshots at phone and desktop widths in
English and Chinese land in HANDOFF_SCREENSHOTS (a temporary folder unless set); no page
may scroll sideways, and the charts draw under the site's Content-Security-Policy."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts import roles
from analytics import services
from tests.e2e.test_escalation_journey import WIDTHS, shots, zh  # noqa: F401  (shots: a fixture)
from tests.e2e.test_forum_journeys import sign_in_with_code
from tests.factories import CategoryFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def history(db):
    """Questions over the last 60 days: 12 in Wallets (8 of them in the last 30 days) and
    20 in Transfers, rolled up."""
    wallets = CategoryFactory(slug="wallets", name="Wallets", name_zh_hans="钱包")
    transfers = CategoryFactory(slug="transfers", name="Transfers", name_zh_hans="转账")
    now = timezone.now()
    for days_ago in (1, 3, 5, 8, 13, 21, 25, 29, 35, 44, 50, 58):
        ThreadFactory(category=wallets, now=now - timedelta(days=days_ago, hours=2))
    for number in range(20):
        ThreadFactory(category=transfers, now=now - timedelta(days=number * 3 % 59, hours=5))
    today = timezone.localdate(now, services.facts.zone())
    services.recompute_days(first=today - timedelta(days=100), last=today)
    secret = generate_totp_secret()
    agent = UserFactory(
        username="agent_amy", display_name="Amy", role=roles.AGENTS, second_factor=secret
    )
    return {"agent": agent, "secret": secret}


# Every chart has followed its box: its drawing is as wide as the element it draws in.
CHARTS_FIT = """() => [...document.querySelectorAll('[data-chart]')].every(box => {
  const svg = box.querySelector('svg');
  return svg && Math.abs(svg.getBoundingClientRect().width - box.clientWidth) < 2;
})"""


def look_settled(page: Page, folder, name: str) -> None:
    """Screenshot at each width once the charts have redrawn for it; none may scroll
    sideways (tests/e2e/test_escalation_journey.look, waiting for the charts)."""
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(CHARTS_FIT)
        page.screenshot(path=str(folder / f"{name}-{width_name}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def volume_row(page: Page, measure: str):
    return page.locator('table[data-table="volume"] tr', has_text=measure)


def test_an_agent_reads_the_analytics_and_downloads_a_table(page: Page, history, shots):  # noqa: F811
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in_with_code(page, history["agent"], history["secret"])
    page.goto("/staff/tickets/")
    page.locator(".staff-nav").get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Analytics")
    # Everything, the last 30 days by default: 8 + 10 questions.
    expect(volume_row(page, "Questions asked").locator("td").first).to_have_text("18")
    expect(page.locator('[data-chart="chart-funnel"]')).to_have_attribute("data-drawn", "1")
    expect(page.locator('[data-chart="chart-daily"] svg')).to_have_count(1)
    look_settled(page, shots, "analytics-en")

    # The last 90 days of Wallets.
    page.get_by_label("Period").select_option(label="Last 90 days")
    page.get_by_label("Category, queue or chain").select_option(label="Wallets")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"period=90.*filter=category%3Awallets"))
    expect(page.locator(".page-header")).to_contain_text("Wallets")
    # The table under the funnel chart says what the chart draws.
    funnel = page.locator('table[data-table="funnel"]')
    expect(funnel.locator("tr", has_text="Asked").locator("td").first).to_have_text("12")
    expect(volume_row(page, "Questions asked").locator("td").first).to_have_text("12")

    # The volume table as CSV: a BOM first, then the same figures.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Volume: Download CSV").click()
    download = download_info.value
    data = open(download.path(), "rb").read()  # noqa: SIM115
    assert data.startswith(b"\xef\xbb\xbf")
    assert "asked,12," in data.decode("utf-8-sig")
    assert download.suggested_filename.startswith("handoff-volume-")

    # In Chinese.
    page.get_by_role("banner").get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Analytics"))
    expect(page.locator('[data-chart="chart-funnel"]')).to_have_attribute("data-drawn", "1")
    expect(volume_row(page, zh("Questions asked")).locator("td").first).to_have_text("12")
    look_settled(page, shots, "analytics-zh")

    assert problems == []
