"""Nobody answers: the question needs help, then goes to the support team with a reference.

Time passes by running the sweep as if later (`escalation_sweep --now`), in this process,
against the live server's database. Screenshots of the pages the member sees, at desktop
and phone widths, in English and Chinese, land in HANDOFF_SCREENSHOTS (a temporary folder
unless set), and no page may scroll sideways.
"""

import os
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import Page, expect

from escalation.models import EscalationPolicy, Ticket
from forum.models import Thread
from tests.e2e.test_forum_journeys import sign_in
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.e2e

QUESTION = "USDT sent to my exchange on TRON has not arrived after a day"
DETAILS = (
    "I sent 75 USDT from my wallet to my exchange deposit address yesterday. TronScan says "
    "SUCCESS, but the exchange shows nothing. What else can I check?"
)
WIDTHS = {"desktop": 1280, "phone": 390}


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def zh_state(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.pgettext("question state", text)


def sweep_at(instant) -> str:
    out = StringIO()
    call_command("escalation_sweep", "--now", instant.isoformat(), stdout=out)
    return out.getvalue()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("HANDOFF_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def policy(db):
    """The site default in wall-clock time: needs help after 4 hours, escalates after 24."""
    return EscalationPolicy.objects.create(
        needs_help_after=timedelta(hours=4), escalate_after=timedelta(hours=24)
    )


def look(page: Page, shots: Path, name: str) -> None:
    """Screenshot `page` at each width; none may scroll sideways."""
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"{name}-{width_name}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def test_an_unanswered_question_needs_help_then_reaches_the_support_team(page: Page, policy, shots):
    CategoryFactory(slug="transfers", name="Transfers", name_zh_hans="转账")
    asker = UserFactory(username="asker", display_name="Ada Asker")

    sign_in(page, asker)
    page.get_by_role("banner").get_by_role("link", name="Ask", exact=True).click()
    page.get_by_label("Title").fill(QUESTION)
    page.get_by_label("Category").select_option(label="Transfers")
    page.get_by_label("Details").fill(DETAILS)
    page.get_by_role("button", name="Post your question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)
    header = page.locator("#thread-state")
    expect(header).to_contain_text("New")
    asked_at = Thread.objects.get(title=QUESTION).created_at

    assert "flagged 1 thread(s)" in sweep_at(asked_at + timedelta(hours=4, minutes=1))
    page.reload()
    expect(header).to_contain_text("Needs help")
    panel = page.locator("#escalation-panel")
    expect(panel).not_to_contain_text("Your support request")

    assert "escalated 1 thread(s)" in sweep_at(asked_at + timedelta(hours=24, minutes=1))
    ticket = Ticket.objects.get(thread__title=QUESTION)
    page.reload()
    expect(header).to_contain_text("With the support team")
    expect(header).not_to_contain_text("Needs help")
    expect(panel).to_contain_text("Your support request")
    expect(panel).to_contain_text(f"Reference {ticket.reference}")
    thread_url = page.url
    look(page, shots, "thread-en")

    panel.get_by_role("link", name="See your request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.reference)
    look(page, shots, "request-en")
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role(
        "link", name="My requests"
    ).click()
    row = page.locator(".request-row", has_text=ticket.reference)
    expect(row).to_contain_text(QUESTION)
    expect(row).to_contain_text("Waiting for the support team")
    look(page, shots, "my-requests-en")

    page.get_by_role("banner").get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("My requests"))
    expect(page.locator(".request-row", has_text=ticket.reference)).to_contain_text(
        zh("Waiting for the support team")
    )
    look(page, shots, "my-requests-zh")

    page.goto(thread_url)
    expect(header).to_contain_text(zh_state("With the support team"))
    expect(page.locator("#escalation-panel")).to_contain_text(ticket.reference)
    look(page, shots, "thread-zh")
