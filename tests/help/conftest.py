"""Help state shared by the help tests: a solved thread about a pending transfer, and
articles written through help.services as an agent writes them."""

import pytest

from forum.services import answers as forum_answers
from help.services import articles
from tests.factories import CategoryFactory, PostFactory, ThreadFactory


@pytest.fixture
def category(db):
    return CategoryFactory(slug="transfers", name="Transfers", name_zh_hans="转账")


@pytest.fixture
def solved_thread(member, other_member, category):
    """A question by `member`, answered by `other_member`, the answer accepted."""
    thread = ThreadFactory(
        author=member,
        category=category,
        title="USDT transfer stuck pending on TRON",
        body="I sent USDT on TRON and the wallet still says pending after an hour.",
    )
    answer = PostFactory(
        thread=thread,
        author=other_member,
        body="Check the hash on tronscan. If it is confirmed there, refresh the wallet's balance.",
    )
    forum_answers.accept_answer(actor=member, post=answer)
    thread.refresh_from_db()
    return thread


def write_article(actor, category, **texts):
    texts.setdefault("question_en", "Why is my transfer pending?")
    texts.setdefault("answer_en", "A transfer waits for the network to confirm it.")
    return articles.create_article(actor=actor, category=category, **texts)


@pytest.fixture
def article(agent, category):
    return write_article(
        agent,
        category,
        question_en="Why does my USDT transfer stay pending?",
        answer_en="The network has not confirmed it yet. Look the hash up on the block explorer.",
        steps_en="Copy the transaction hash\nOpen the block explorer\nPaste the hash",
        question_zh="为什么我的USDT转账一直显示待确认？",
        answer_zh="网络还没有确认这笔交易。请在区块浏览器上查询交易哈希。",
        steps_zh="复制交易哈希\n打开区块浏览器\n粘贴哈希",
    )
