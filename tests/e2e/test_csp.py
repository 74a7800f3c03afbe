"""The pages run under the Content-Security-Policy, and htmx still works under it.

Every page a visitor, a member and an agent open here must load with no console error,
no uncaught script error and no CSP violation (the browser reports each one as a
`securitypolicyviolation` event, relayed here). The htmx actions (vote, follow, the
markdown preview, marking notifications read) must swap in place: a marker set on the
window before the click survives, which a full page load would wipe.
"""

import re

import pytest
from allauth.mfa.totp.internal.auth import generate_totp_secret
from playwright.sync_api import Page, expect

from accounts import roles
from escalation.services import tickets as opening
from forum.services import posting as forum_posting
from notifications.models import Notification
from tests.e2e.test_forum_journeys import sign_in, sign_in_with_code
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.e2e

QUESTION = "My USDT transfer on TRON has been pending for two hours"
DETAILS = "I sent 50 USDT to an exchange and it still shows pending. What can I check?"
ANSWER = "Open the hash on TronScan: *out of energy* means the sender needs TRX for fees."
PREVIEW = "Check the **network** first, then `the hash`."

RELAY_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.reportViolation(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


class Problems:
    """What the browser complained about on one page (tab), across its navigations."""

    def __init__(self, page: Page):
        self.page = page
        self.found: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"{page.url}: uncaught {error}"))
        page.on("response", self._response)
        page.expose_function(
            "reportViolation", lambda text: self.found.append(f"{page.url}: CSP {text}")
        )
        page.add_init_script(script=RELAY_VIOLATIONS)

    def _console(self, message):
        if message.type in ("error", "warning"):
            self.found.append(f"{self.page.url}: console {message.type}: {message.text}")

    def _response(self, response):
        if response.status >= 400:
            self.found.append(f"{self.page.url}: {response.status} for {response.url}")

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None
        assert response.ok, f"{path}: {response.status}"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.settle()

    def settle(self) -> None:
        """Let late scripts and reports arrive before reading the list."""
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("new Promise(requestAnimationFrame)")

    def assert_none(self) -> None:
        self.settle()
        assert self.found == []


def watch(page: Page) -> Problems:
    return Problems(page)


def mark_window(page: Page) -> None:
    page.evaluate("window.__stillHere = true")


def assert_swapped_in_place(page: Page) -> None:
    assert page.evaluate("window.__stillHere === true"), "the page reloaded: htmx did not run"


@pytest.fixture
def forum(db):
    """A member's question with another member's answer, escalated to the support team."""
    category = CategoryFactory(slug="transfers", name="Transfers")
    asker = UserFactory(username="asker", display_name="Ada Asker")
    helper = UserFactory(username="helper", display_name="Hal Helper")
    secret = generate_totp_secret()
    agent = UserFactory(
        username="agent_amy", display_name="Amy", role=roles.AGENTS, second_factor=secret
    )
    thread = forum_posting.create_thread(
        author=asker, category=category, title=QUESTION, body=DETAILS
    )
    answer = forum_posting.create_post(author=helper, thread=thread, body=ANSWER)
    ticket = opening.escalate_thread(actor=agent, thread=thread)
    assert Notification.objects.filter(recipient=asker, read_at=None).exists()
    return {
        "asker": asker,
        "helper": helper,
        "agent": agent,
        "secret": secret,
        "thread": thread,
        "answer": answer,
        "ticket": ticket,
    }


def test_a_visitor_reads_under_the_policy(page: Page, forum):
    problems = watch(page)

    problems.visit("/")
    expect(page.get_by_role("link", name=QUESTION).first).to_be_visible()
    problems.visit(forum["thread"].get_absolute_url())
    expect(page.get_by_role("note")).to_contain_text("never ask for your recovery phrase")
    expect(page.locator("#posts")).to_contain_text("out of energy")
    problems.visit("/search/?q=USDT")
    problems.visit("/accounts/login/")
    problems.visit("/accounts/signup/")

    problems.assert_none()


def test_a_member_reads_and_acts_with_htmx_under_the_policy(page: Page, forum):
    problems = watch(page)
    sign_in(page, forum["asker"])
    thread_url = forum["thread"].get_absolute_url()

    problems.visit("/")
    # The notification list: mark all read. First, since opening the thread they are all
    # about marks them read.
    problems.visit("/notifications/")
    expect(page.locator("#notification-list .is-unread").first).to_be_visible()
    mark_window(page)
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator("#notification-list .is-unread")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    assert_swapped_in_place(page)
    problems.visit(thread_url)

    # Vote the helper's answer helpful.
    vote = page.locator(f"#vote-{forum['answer'].pk}").get_by_role("button")
    expect(vote).to_have_attribute("aria-pressed", "false")
    mark_window(page)
    vote.click()
    expect(page.locator(f"#vote-{forum['answer'].pk}").get_by_role("button")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(f"#vote-{forum['answer'].pk} .vote-count")).to_have_text("1")
    assert_swapped_in_place(page)

    # Follow, then unfollow, the thread (the asker follows their own question at first).
    follow = page.locator("#follow-button button")
    before = follow.inner_text()
    follow.click()
    expect(page.locator("#follow-button button")).not_to_have_text(before)
    page.locator("#follow-button button").click()
    expect(page.locator("#follow-button button")).to_have_text(before)
    assert_swapped_in_place(page)

    # The markdown preview on the ask page.
    problems.visit("/ask/")
    page.get_by_label("Details").fill(PREVIEW)
    mark_window(page)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview strong")).to_have_text("network")
    expect(page.locator("#preview code")).to_have_text("the hash")
    assert_swapped_in_place(page)

    # My requests and the request.
    problems.visit("/my/requests/")
    expect(page.locator("body")).to_contain_text(forum["ticket"].reference)
    problems.visit(f"/my/requests/{forum['ticket'].reference}/")

    problems.visit("/settings/notifications/")
    problems.visit("/accounts/email/")
    problems.assert_none()


def test_an_agent_works_a_ticket_under_the_policy(page: Page, forum):
    problems = watch(page)
    sign_in_with_code(page, forum["agent"], forum["secret"])
    reference = forum["ticket"].reference

    problems.visit("/staff/tickets/")
    expect(page.locator("tr.queue-row").first).to_contain_text(reference)
    # The queue's filters swap the results in place (htmx) under the policy too.
    mark_window(page)
    page.locator(".queue-facets").get_by_role("link", name=re.compile("^Unassigned")).click()
    expect(page).to_have_url(re.compile(r"assignee=none"))
    assert_swapped_in_place(page)
    problems.visit("/staff/canned/")
    problems.visit("/staff/duty/")

    problems.visit(f"/staff/tickets/{reference}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)

    page.locator("#ticket-note textarea").fill("Asked the exchange for the memo.")
    mark_window(page)
    page.get_by_role("button", name="Add internal note").click()
    expect(page.locator("#ticket-timeline")).to_contain_text("Asked the exchange for the memo.")
    assert_swapped_in_place(page)

    problems.assert_none()


def test_the_admin_runs_under_the_same_policy(page: Page, forum):
    """Django 5.2's admin loads its scripts as files: no relaxation for /admin/."""
    secret = generate_totp_secret()
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True, second_factor=secret)
    problems = watch(page)
    sign_in_with_code(page, boss, secret)

    problems.visit("/admin/")
    problems.visit("/admin/accounts/user/")
    problems.visit(f"/admin/accounts/user/{forum['asker'].pk}/change/")
    page.get_by_label("Staff status").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    problems.visit("/admin/accounts/rolechange/")
    expect(page.locator("#result_list")).to_contain_text("asker")
    expect(page.locator("#result_list")).to_contain_text("boss")

    problems.assert_none()
