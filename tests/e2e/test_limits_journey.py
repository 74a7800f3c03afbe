"""In the browser: a rate-limited reply (htmx) or question (plain post) says why and when,
and keeps the text; links show their host."""

import re

import pytest
from playwright.sync_api import Page, expect

from forum.models import Post, Thread
from forum.services import posting as forum_posting
from tests.e2e.test_forum_journeys import DETAILS, QUESTION, sign_in
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.e2e

REPLY = "Check the hash on the explorer first, then tell us what it says about energy."


@pytest.fixture
def thread(db):
    asker = UserFactory(username="asker", display_name="Ada Asker")
    return forum_posting.create_thread(
        author=asker,
        category=CategoryFactory(slug="transfers", name="Transfers"),
        title=QUESTION,
        body=DETAILS
        + "\n\nThe exchange said to use [their help page](https://help.exchange.example/usdt).",
    )


def test_a_reply_over_the_limit_says_when_to_try_again_and_keeps_the_text(
    page: Page, thread, settings
):
    settings.NEW_MEMBER_POST_RATE = "1/h"
    helper = UserFactory(username="helper", display_name="Hal Helper")
    sign_in(page, helper)
    page.goto(thread.get_absolute_url())
    expect(page.locator(".post-body .link-host")).to_have_text("help.exchange.example")

    page.get_by_label("Your answer").fill(REPLY)
    page.get_by_role("button", name="Post your answer").click()
    expect(page.locator("#posts")).to_contain_text("Check the hash on the explorer first")

    page.get_by_label("Your answer").fill("A second answer, straight after the first one.")
    page.get_by_role("button", name="Post your answer").click()

    # htmx swapped the thread back in with the form as it was sent, and why and when.
    form = page.locator("#reply")
    expect(form.locator(".alert-error")).to_contain_text(
        "New members can post only a few times an hour"
    )
    expect(form.locator(".alert-error")).to_contain_text(
        re.compile(r"You can send it at .+ UTC, in ")
    )
    expect(page.get_by_label("Your answer")).to_have_value(
        "A second answer, straight after the first one."
    )
    expect(page.locator("#posts")).to_contain_text("Check the hash on the explorer first")
    expect(page.locator(".thread-header h1")).to_have_text(QUESTION)
    assert Post.objects.filter(author=helper).count() == 1


def test_a_question_over_the_limit_comes_back_with_everything_typed(page: Page, thread, settings):
    settings.NEW_MEMBER_POST_RATE = "1/h"
    newcomer = UserFactory(username="newcomer", display_name="Nina Newcomer")
    sign_in(page, newcomer)
    page.goto(thread.get_absolute_url())
    page.get_by_label("Your answer").fill(REPLY)
    page.get_by_role("button", name="Post your answer").click()
    expect(page.locator("#posts")).to_contain_text("Check the hash on the explorer first")

    page.goto("/ask/")
    page.get_by_label("Title").fill("My BNB withdrawal from the exchange never arrived")
    page.get_by_label("Category").select_option(label="Transfers")
    page.get_by_label("Details").fill(
        "I withdrew 0.5 BNB on BSC yesterday and the wallet shows nothing at all."
    )
    page.get_by_role("button", name="Post your question").click()

    expect(page.locator(".alert-error")).to_contain_text(
        "New members can post only a few times an hour"
    )
    expect(page.locator(".alert-error")).to_contain_text(re.compile(r"You can send it at .+, in "))
    expect(page.get_by_label("Title")).to_have_value(
        "My BNB withdrawal from the exchange never arrived"
    )
    expect(page.get_by_label("Details")).to_have_value(
        "I withdrew 0.5 BNB on BSC yesterday and the wallet shows nothing at all."
    )
    expect(page.get_by_label("Category")).to_have_value(str(thread.category_id))
    expect(page.get_by_role("heading", name="Please slow down")).to_have_count(0)
    assert not Thread.objects.filter(author=newcomer).exists()
