"""The first-line bot in a browser: a member asks, the automatic reply under the question
offers a help article and a solved thread, and "This answered my question" solves it."""

import pytest
from playwright.sync_api import Page, expect

from forum.services import answers as forum_answers
from help.services import articles
from tests.e2e.test_forum_journeys import sign_in
from tests.factories import CategoryFactory, PostFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.e2e

QUESTION = "My USDT transfer on TRON has been pending for two hours"
DETAILS = "I sent 50 USDT from my wallet to an exchange and it still shows pending."


@pytest.fixture
def transfers(db):
    return CategoryFactory(slug="transfers", name="Transfers", name_zh_hans="转账")


@pytest.fixture
def answers_exist(transfers, agent):
    """A help article and a solved thread about pending USDT transfers."""
    article = articles.create_article(
        actor=agent,
        category=transfers,
        question_en="Why does my USDT transfer stay pending?",
        answer_en="The network has not confirmed it yet. Look the hash up on the block explorer.",
    )
    earlier = UserFactory(username="earlier_asker")
    solved = ThreadFactory(
        author=earlier,
        category=transfers,
        title="USDT transfer stuck pending on TRON",
        body="I sent USDT on TRON and the wallet still says pending after an hour.",
    )
    answer = PostFactory(
        thread=solved, author=UserFactory(), body="Check the hash on tronscan, then refresh."
    )
    forum_answers.accept_answer(actor=earlier, post=answer)
    return article, solved


def test_the_bots_article_answers_the_question_and_solves_it(
    page: Page, base_url, transfers, answers_exist
):
    article, solved = answers_exist
    asker = UserFactory(username="asker", display_name="Ada Asker")
    sign_in(page, asker)

    page.get_by_role("banner").get_by_role("link", name="Ask", exact=True).click()
    page.get_by_label("Title").fill(QUESTION)
    page.get_by_label("Category").select_option(label="Transfers")
    page.get_by_label("Details").fill(DETAILS)
    page.get_by_role("button", name="Post your question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)

    bot = page.locator("#bot-reply")
    expect(bot).to_contain_text("Automatic reply")
    expect(
        bot.get_by_role("link", name="Why does my USDT transfer stay pending?")
    ).to_have_attribute("href", article.get_absolute_url())
    expect(bot.get_by_role("link", name="USDT transfer stuck pending on TRON")).to_have_attribute(
        "href", solved.get_absolute_url()
    )
    expect(bot.locator(".badge-staff")).to_have_count(0)
    expect(page.locator("#thread-state .question-state")).to_have_text("New")

    bot.locator(".bot-suggestion").first.get_by_role(
        "button", name="This answered my question"
    ).click()

    expect(page.get_by_text("Your question is marked as solved.")).to_be_visible()
    expect(page.locator("#thread-state .question-state")).to_have_text("✓ Solved")
    expect(page.locator("#bot-reply")).to_contain_text(
        "The asker said this answered the question: Why does my USDT transfer stay pending?"
    )
    expect(page.get_by_role("button", name="This answered my question")).to_have_count(0)
