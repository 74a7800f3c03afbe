"""`manage.py seed_demo`: questions in every state, in English and Chinese, made through the
forum's services, and never twice."""

import pytest

from accounts.models import User
from demo import content
from escalation.models import (
    BusinessCalendar,
    EscalationPolicy,
    Holiday,
    OpeningHours,
    Queue,
    ThreadClock,
    Ticket,
    TicketEvent,
)
from forum.forms import BodyField, TitleField
from forum.models import Category, Chain, Flag, Follow, ModerationLog, Post, Thread, Vote
from forum.services import answers as forum_answers
from forum.services import posting as forum_posting
from forum.wallet import TxFormat, normalize_app_version, normalize_tx_hash
from notifications.models import Notification, NotificationSettings, OutboundEmail
from tests.demo.conftest import seed

# Seeding and changing what was seeded needs a database that really commits (conftest).
seeding = pytest.mark.django_db(transaction=True)

LANGUAGES = ("en", "zh")


def _language(text: str) -> str:
    return "zh" if any("\u4e00" <= char <= "\u9fff" for char in text) else "en"


def _states(thread: Thread) -> set[str]:
    """The states a reader can tell apart on the site, for one thread."""
    states = set()
    if thread.state == Thread.State.OPEN:
        states.add("answered" if thread.first_reply_at else "unanswered")
    if thread.state == Thread.State.SOLVED and thread.accepted_post_id:
        states.add("solved")
    if thread.state == Thread.State.CLOSED:
        states.add("closed")
    if thread.posts.filter(is_hidden=True).exists():
        states.add("hidden post")
    if Flag.objects.filter(post__thread=thread, resolved_at=None).exists():
        states.add("flagged post")
    if thread.has_wallet_details:
        states.add("wallet details")
    if Vote.objects.filter(post__thread=thread).exists():
        states.add("votes")
    if thread.needs_help_at and not thread.first_reply_at:
        states.add("needs help")
    if Ticket.objects.filter(thread=thread).exists():
        states.add("escalated")
    return states


def _snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Category,
            Chain,
            Thread,
            Post,
            Vote,
            Flag,
            Follow,
            ModerationLog,
            Queue,
            BusinessCalendar,
            OpeningHours,
            Holiday,
            EscalationPolicy,
            ThreadClock,
            Ticket,
            TicketEvent,
            Notification,
            NotificationSettings,
            OutboundEmail,
        )
    }


def test_every_state_is_there_in_both_languages(seeded):
    found = {language: set() for language in LANGUAGES}
    for thread in Thread.objects.all():
        found[_language(thread.title)] |= _states(thread)

    expected = {
        "unanswered",
        "answered",
        "solved",
        "closed",
        "hidden post",
        "flagged post",
        "wallet details",
        "votes",
        "needs help",
        "escalated",
    }
    assert found == {"en": expected, "zh": expected}


def test_seed_demo_creates_the_questions_people_ask(seeded):
    titles = set(Thread.objects.values_list("title", flat=True))
    assert titles == {spec.title for spec in [*content.THREADS, *content.ESCALATIONS]}
    assert "USDT on TRON stuck pending" in titles
    assert "有人私信说是客服要我的助记词" in titles
    assert "How do I verify the official download?" in titles


@seeding
def test_a_second_run_adds_nothing(db):
    seed()
    first = _snapshot()

    seed()

    assert _snapshot() == first


@seeding
def test_a_second_run_leaves_what_people_did_to_demo_threads(db):
    seed()
    thread = Thread.objects.get(title="Swap on a DEX failed but the network fee was taken")
    forum_posting.create_post(
        author=User.objects.get(username="alice"),
        thread=thread,
        body="The fee pays for the attempt, even when the swap reverts.",
    )

    seed()

    thread.refresh_from_db()
    assert thread.post_count == 2
    assert Thread.objects.filter(title=thread.title).count() == 1


@seeding
def test_a_deleted_demo_thread_comes_back(db):
    seed()
    Thread.objects.filter(title="USDT on TRON stuck pending").delete()

    seed()

    assert Thread.objects.filter(title="USDT on TRON stuck pending").count() == 1


def test_transfers_and_balances_ask_for_wallet_details(seeded):
    asking = set(Category.objects.filter(asks_wallet_details=True).values_list("slug", flat=True))
    assert asking == {"transfers", "balances"}


def test_demo_chains_name_their_hash_format(seeded):
    chains = dict(Chain.objects.values_list("name", "tx_format"))
    assert chains == {
        "Ethereum": TxFormat.EVM,
        "BNB Smart Chain": TxFormat.EVM,
        "TRON": TxFormat.TRON,
        "Bitcoin": TxFormat.BITCOIN,
        "Solana": TxFormat.SOLANA,
    }


def test_wallet_details_are_what_the_ask_form_would_store(seeded):
    threads = Thread.objects.exclude(chain=None).select_related("chain", "category")
    assert threads.count() >= 2
    for thread in threads:
        assert thread.category.asks_wallet_details
        assert normalize_app_version(thread.app_version) == thread.app_version
        if thread.tx_hash:
            assert normalize_tx_hash(thread.chain.tx_format, thread.tx_hash) == thread.tx_hash


def test_the_accepted_answers_credit_their_authors(seeded):
    assert forum_answers.recompute_reputation() == 0
    assert User.objects.get(username="bob").reputation > 0
    assert User.objects.get(username="wallet_recovery_desk").reputation == 0


def test_the_scam_replies_wait_in_the_flag_queue_or_are_hidden(seeded):
    scam_posts = Post.objects.filter(author__username="wallet_recovery_desk")
    assert scam_posts.count() == 4
    for post in scam_posts:
        assert post.flags.exists()
        is_open = post.flags.filter(resolved_at=None).exists()
        assert is_open != post.is_hidden
    assert ModerationLog.objects.filter(action=ModerationLog.Action.HIDE_POST).count() == 2


def test_visitors_do_not_see_hidden_scam_replies(client, seeded):
    thread = Thread.objects.get(title="有人私信说是客服要我的助记词")

    response = client.get(thread.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "这是诈骗" in page
    assert "请把12个助记词私信发给我" not in page


@pytest.mark.parametrize(
    "spec", [*content.THREADS, *content.ESCALATIONS], ids=lambda spec: spec.title
)
def test_demo_text_passes_the_forms_people_use(spec):
    TitleField().clean(spec.title)
    BodyField().clean(spec.body)
    replies = getattr(spec, "replies", ())
    steps = [*getattr(spec, "steps", ()), *getattr(spec, "after_sweep", ())]
    for text in [reply.body for reply in replies] + [
        step.body for step in steps if step.action == "reply"
    ]:
        BodyField().clean(text)
