"""Self-service: a member about to ask finds a solved thread like their question, reads
it and leaves without asking; the deflection is counted (help.services.deflections)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from forum.models import Thread
from forum.services import answers as forum_answers
from help.models import DeflectionDay, PendingDeflection
from help.services import deflections
from tests.e2e.test_forum_journeys import sign_in
from tests.factories import CategoryFactory, PostFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def solved_thread(db):
    transfers = CategoryFactory(slug="transfers", name="Transfers")
    asker = UserFactory(username="earlier_asker")
    thread = ThreadFactory(
        author=asker,
        category=transfers,
        title="USDT transfer on TRON stuck pending",
        body="I sent USDT and it has been pending for an hour.",
    )
    answer = PostFactory(
        thread=thread,
        author=UserFactory(username="helper"),
        body="Look the hash up on Tronscan: once it is confirmed there, refresh the wallet.",
    )
    forum_answers.accept_answer(actor=asker, post=answer)
    return thread


def test_a_member_finds_a_solved_thread_while_asking_and_leaves_without_asking(
    page: Page, solved_thread
):
    member = UserFactory(username="newcomer", display_name="Nia Newcomer")
    sign_in(page, member)

    page.goto("/ask/")
    page.get_by_label("Title").press_sequentially("USDT transfer pending", delay=20)
    suggestions = page.locator("#similar-questions")
    # The first lookup loads the Chinese segmenter's dictionary in the server: give it time.
    expect(suggestions).to_contain_text("These may already answer your question", timeout=30_000)
    expect(suggestions).to_contain_text("Solved")
    expect(suggestions).to_contain_text("once it is confirmed there")  # the accepted answer

    suggestions.get_by_role("link", name="USDT transfer on TRON stuck pending").click()
    expect(page).to_have_url(f"{solved_thread.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(solved_thread.title)
    page.goto("/")  # read it, and left without posting

    assert PendingDeflection.objects.filter(user=member).exists()
    later = timezone.now() + timedelta(minutes=31)
    assert deflections.fold_deflections(now=later) == (1, 0)
    day = DeflectionDay.objects.get(source="ask")
    assert (day.opened, day.deflected, day.asked_anyway) == (1, 1, 0)
    assert Thread.objects.filter(author=member).count() == 0


def test_without_javascript_the_button_shows_the_suggestions(browser, base_url, solved_thread):
    member = UserFactory(username="nojs", display_name="No Script")
    context = browser.new_context(
        base_url=base_url, locale="en-US", timezone_id="UTC", java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, member)

    page.goto("/ask/")
    page.get_by_label("Title").fill("USDT transfer pending")
    page.get_by_role("button", name="Check for similar questions").click()

    expect(page.locator("#similar-questions")).to_contain_text(solved_thread.title)
    expect(page.get_by_label("Title")).to_have_value("USDT transfer pending")
    context.close()
