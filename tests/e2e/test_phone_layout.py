"""On a phone (390×844): the Ask button in sight, one header row, no sideways scrolling.

Issue 14, point 6. Home, a category, a thread and the ask page, as a visitor and as a
member; the home page's six categories leave the first question on the first screen; the
ask page's tips come before its submit button; the rating scale is one row of five.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts import roles
from escalation.services import lifecycle, tickets
from tests.e2e.test_forum_journeys import sign_in
from tests.factories import CategoryFactory, PostFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
CATEGORIES = [
    ("transfers", "Transfers", "Sending and receiving: pending, failed or missing transfers."),
    ("balances", "Balances & assets", "Balances that look wrong, tokens that do not show."),
    ("security", "Security", "Backups, recovery, suspicious messages and scams."),
    ("install", "Install & update", "Getting the app, updates and official download sources."),
    ("dapps", "DApps", "Connecting to decentralised apps, approvals, swaps and bridges."),
    ("other", "Other", "Anything else about the wallet."),
]
# A long, unbroken title: the kind of line that pushes a narrow page sideways.
LONG_TITLE = "USDT-TRC20-transfer-0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE-still-pending"


def layout(page: Page) -> dict:
    return page.evaluate(
        """() => {
          const box = (el) => el ? el.getBoundingClientRect().toJSON() : null;
          const ask = document.querySelector('.site-header .header-ask');
          return {
            scrollWidth: document.scrollingElement.scrollWidth,
            innerWidth: window.innerWidth,
            innerHeight: window.innerHeight,
            header: box(document.querySelector('.site-header')),
            ask: ask && getComputedStyle(ask).display !== 'none' ? box(ask) : null,
            main: box(document.querySelector('main')),
          };
        }"""
    )


def check_phone_page(page: Page, path: str) -> dict:
    """`path` at 390 px: no sideways scroll, Ask visible on the first screen, one header row."""
    page.goto(path)
    facts = layout(page)
    assert facts["scrollWidth"] <= facts["innerWidth"], f"{path} scrolls sideways: {facts}"
    ask = page.get_by_role("banner").get_by_role("link", name="Ask", exact=True)
    expect(ask).to_be_visible()
    assert facts["ask"] is not None, path
    assert facts["ask"]["top"] >= 0, path
    assert facts["ask"]["bottom"] <= facts["innerHeight"], path
    assert facts["ask"]["right"] <= facts["innerWidth"], path
    assert facts["header"]["height"] <= 64, f"{path}: the header wraps ({facts['header']})"
    assert facts["main"]["top"] >= facts["header"]["bottom"], f"{path}: content under the header"
    return facts


@pytest.fixture
def forum(db):
    categories = [
        CategoryFactory(slug=slug, name=name, description=description)
        for slug, name, description in CATEGORIES
    ]
    asker = UserFactory(username="asker", display_name="Ada Asker")
    helper = UserFactory(username="helper", display_name="Hal Helper")
    thread = ThreadFactory(author=asker, category=categories[0], title=LONG_TITLE)
    PostFactory(thread=thread, author=helper)
    for n in range(3):
        ThreadFactory(author=helper, category=categories[n + 1])
    return {"category": categories[0], "thread": thread, "asker": asker}


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def test_a_visitor_on_a_phone_sees_ask_and_never_scrolls_sideways(phone: Page, forum):
    for path in ("/", forum["category"].get_absolute_url(), forum["thread"].get_absolute_url()):
        check_phone_page(phone, path)

    # The navigation, the language switch and "Sign up" wait behind the ☰ menu.
    header = phone.get_by_role("banner")
    expect(header.get_by_role("link", name="Questions")).to_be_hidden()
    header.get_by_label("Menu").click()
    expect(header.get_by_role("link", name="Questions")).to_be_visible()
    expect(header.get_by_role("link", name="Sign up")).to_be_visible()
    expect(header.get_by_role("button", name="中文")).to_be_visible()


def test_a_member_on_a_phone_sees_ask_and_never_scrolls_sideways(phone: Page, forum):
    sign_in(phone, forum["asker"])
    for path in (
        "/",
        forum["category"].get_absolute_url(),
        forum["thread"].get_absolute_url(),
        "/ask/",
    ):
        check_phone_page(phone, path)


def test_the_first_question_shows_on_the_first_screen_of_a_phone(phone: Page, forum):
    check_phone_page(phone, "/")

    first_question = phone.locator(".thread-list .thread-title").first
    expect(first_question).to_be_visible()
    assert first_question.bounding_box()["y"] < PHONE["height"]
    # The six categories stay one tap away, in one strip that scrolls within itself.
    for _slug, name, _description in CATEGORIES:
        expect(phone.locator(".category-list").get_by_text(name, exact=True)).to_have_count(1)


def test_the_ask_page_gives_its_tips_before_the_submit_button(phone: Page, forum):
    sign_in(phone, forum["asker"])
    check_phone_page(phone, "/ask/")

    tips = phone.get_by_role("heading", name="Get a good answer fast").bounding_box()
    submit = phone.get_by_role("button", name="Post your question").bounding_box()
    assert tips["y"] < submit["y"]

    phone.set_viewport_size({"width": 1280, "height": 800})  # beside the form on a desktop
    tips = phone.get_by_role("heading", name="Get a good answer fast").bounding_box()
    title = phone.get_by_label("Title").bounding_box()
    assert tips["x"] > title["x"] + title["width"]
    assert tips["y"] < title["y"] + title["height"]


def test_the_rating_scale_is_one_row_of_five_on_a_phone(phone: Page, forum):
    moderator = UserFactory(username="moddy", role=roles.MODERATORS)
    agent = UserFactory(username="agent_amy", role=roles.AGENTS)
    now = timezone.now()
    ticket = tickets.escalate_thread(
        actor=moderator, thread=forum["thread"], now=now - timedelta(hours=2)
    )
    lifecycle.resolve(actor=agent, ticket=ticket, now=now - timedelta(hours=1))

    sign_in(phone, forum["asker"])
    check_phone_page(phone, ticket.get_absolute_url())
    scores = phone.locator(".rating-score")
    expect(scores).to_have_count(5)
    tops = {round(scores.nth(n).bounding_box()["y"]) for n in range(5)}
    assert len(tops) == 1, f"the scale wraps: {tops}"
