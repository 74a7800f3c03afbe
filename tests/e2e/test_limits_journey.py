"""In the browser: a rate-limited htmx reply says why and keeps the text; links show their host."""

import pytest
from playwright.sync_api import Page, expect

from forum import services
from forum.models import Post
from tests.e2e.test_forum_journeys import DETAILS, QUESTION, sign_in
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.e2e

REPLY = "Check the hash on the explorer first, then tell us what it says about energy."


@pytest.fixture
def thread(db):
    asker = UserFactory(username="asker", display_name="Ada Asker")
    return services.create_thread(
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

    alert = page.locator("#messages [role=alert]")  # htmx swapped the 429 in, above the thread
    expect(alert).to_contain_text("New members can post only a few times an hour")
    expect(alert).to_contain_text("You can try again at")
    expect(page.get_by_label("Your answer")).to_have_value(
        "A second answer, straight after the first one."
    )
    assert Post.objects.filter(author=helper).count() == 1
