"""In the browser: opening a thread reads its notifications, and the header's count follows."""

import pytest
from playwright.sync_api import Page, expect

from forum.services import posting as forum_posting
from tests.e2e.test_forum_journeys import DETAILS, QUESTION, sign_in
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.e2e


def test_opening_the_thread_clears_its_notifications_from_the_header(page: Page, db):
    asker = UserFactory(username="asker", display_name="Ada Asker")
    category = CategoryFactory(slug="transfers", name="Transfers")
    thread = forum_posting.create_thread(
        author=asker, category=category, title=QUESTION, body=DETAILS
    )
    other = forum_posting.create_thread(
        author=asker, category=category, title="Where do I see my BNB after a swap?", body=DETAILS
    )
    helper = UserFactory(username="helper", display_name="Hal Helper")
    forum_posting.create_post(author=helper, thread=thread, body="Check the hash on the explorer.")
    forum_posting.create_post(author=helper, thread=other, body="Add the token to see it listed.")
    sign_in(page, asker)
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications, 2 unread")

    page.goto(thread.get_absolute_url())

    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")
    page.reload()
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")
    page.goto("/notifications/")
    expect(page.locator("#notification-list .is-unread")).to_have_count(1)
    expect(page.locator("#notification-list .is-unread")).to_contain_text(
        "Where do I see my BNB after a swap?"
    )
