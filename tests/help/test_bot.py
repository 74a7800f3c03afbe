"""The first-line answer bot: its automatic reply to a new question, in the asker's
language, the asker's two answers, and that escalation runs as if it were not there."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from escalation.models import EscalationPolicy, ThreadClock
from escalation.services import sweep as sweeping
from forum.models import Thread
from help.models import BotReply, DeflectionDay
from help.services import bot
from tests.factories import PostFactory, ThreadFactory, UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # rate limits from another test
    yield
    cache.clear()


@pytest.fixture
def policy(db):
    return EscalationPolicy.objects.create(
        needs_help_after=4 * HOUR,
        escalate_after=24 * HOUR,
        member_can_request_after=2 * HOUR,
    )


@pytest.fixture
def asker(db):
    return UserFactory(username="new_asker", language="")


def ask(asker, category, *, title, body, now=None):
    """Post a question as a member does, with the after-commit events (the bot's cue)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return ThreadFactory(author=asker, category=category, title=title, body=body, now=now)


def reply_of(thread) -> BotReply:
    return BotReply.objects.get(thread=thread)


# --- The reply ---------------------------------------------------------------------------


def test_a_new_question_gets_the_closest_article_and_solved_thread(
    asker, category, article, solved_thread
):
    thread = ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")

    reply = reply_of(thread)
    assert [(item["kind"], item["id"]) for item in reply.suggestions] == [
        ("article", article.pk),
        ("thread", solved_thread.pk),
    ]
    assert reply.language == "en"
    assert reply.suggestions[0]["title"] == "Why does my USDT transfer stay pending?"
    assert "tronscan" in reply.suggestions[1]["excerpt"]  # the accepted answer's first lines
    assert reply.author.username == bot.BOT_USERNAME
    assert not reply.author.is_active
    assert not reply.author.has_usable_password()


def test_a_chinese_question_is_answered_in_chinese(asker, category, article):
    thread = ask(asker, category, title="USDT转账一直待确认", body="转账后钱包一直显示待确认。")

    reply = reply_of(thread)
    assert reply.language == "zh"
    assert reply.suggestions[0]["title"] == "为什么我的USDT转账一直显示待确认？"


def test_the_askers_chosen_language_wins_over_the_questions(asker, category, article):
    asker.language = "zh-hans"
    asker.save(update_fields=["language"])

    thread = ask(asker, category, title="USDT transfer pending", body="Still pending.")

    assert reply_of(thread).language == "zh"
    page = client_for(UserFactory()).get(thread.get_absolute_url()).content.decode()
    assert "自动回复" in page  # the bot writes in the asker's language, whoever reads it


def test_no_answer_found_no_reply(asker, category, article, solved_thread):
    thread = ask(asker, category, title="How do I change the app's theme?", body="Dark mode.")

    assert not BotReply.objects.filter(thread=thread).exists()
    assert "bot-reply" not in client_for(asker).get(thread.get_absolute_url()).content.decode()


def test_unsolved_threads_and_the_question_itself_are_never_offered(asker, other_member, category):
    ThreadFactory(author=other_member, category=category, title="USDT transfer pending forever")

    thread = ask(asker, category, title="USDT transfer pending", body="Still pending.")

    assert not BotReply.objects.filter(thread=thread).exists()


def test_the_bot_can_be_turned_off(settings, asker, category, article):
    settings.HELP_BOT = False

    thread = ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")

    assert not BotReply.objects.filter(thread=thread).exists()


def test_an_offer_is_counted_for_the_deflection_figures(asker, category, article):
    ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")

    day = DeflectionDay.objects.get(source=DeflectionDay.Source.BOT)
    assert (day.opened, day.deflected, day.asked_anyway) == (1, 0, 0)


# --- The page ------------------------------------------------------------------------------


def test_the_reply_is_labelled_automatic_and_never_as_the_support_team(
    asker, category, article, other_member
):
    thread = ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")

    page = client_for(other_member).get(thread.get_absolute_url()).content.decode()
    bot_html = page[page.index('id="bot-reply"') :]
    bot_html = bot_html[: bot_html.index("</section>")]
    assert "Automatic reply" in bot_html
    assert "Help assistant" in bot_html
    assert "badge-staff" not in bot_html
    assert "Support team" not in bot_html
    assert article.get_absolute_url() in bot_html
    assert "This answered my question" not in bot_html  # only the asker answers it


def test_only_the_asker_gets_the_two_answers(asker, category, article):
    thread = ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")

    page = client_for(asker).get(thread.get_absolute_url()).content.decode()

    assert "This answered my question" in page
    assert "I still need help" in page


def test_a_retired_article_or_hidden_thread_leaves_the_reply(
    asker, category, article, solved_thread, agent, moderator
):
    from forum.services import moderation as forum_moderation
    from help.services import articles

    thread = ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")
    articles.retire_article(actor=agent, article=article)

    page = client_for(asker).get(thread.get_absolute_url()).content.decode()
    assert article.get_absolute_url() not in page
    assert solved_thread.get_absolute_url() in page

    forum_moderation.set_thread_hidden(actor=moderator, thread=solved_thread, is_hidden=True)
    assert 'id="bot-reply"' not in client_for(asker).get(thread.get_absolute_url()).text


# --- The asker's answers ---------------------------------------------------------------------


def test_this_answered_my_question_solves_the_thread_and_counts_a_deflection(
    asker, category, article
):
    thread = ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")

    response = client_for(asker).post(
        f"/help/bot/{thread.pk}/", {"choice": f"article:{article.pk}"}, follow=True
    )

    thread.refresh_from_db()
    assert thread.state == Thread.State.SOLVED
    assert thread.solved_at is not None
    assert thread.accepted_post_id is None
    reply = reply_of(thread)
    assert reply.outcome == BotReply.Outcome.ANSWERED
    assert (reply.answered_by_kind, reply.answered_by_id) == ("article", article.pk)
    assert DeflectionDay.objects.get(source="bot").deflected == 1
    page = response.content.decode()
    assert "Your question is marked as solved" in page
    assert "The asker said this answered the question" in page
    assert "This answered my question" not in page


def test_i_still_need_help_changes_nothing_but_the_count(asker, category, article, policy):
    thread = ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")

    response = client_for(asker).post(f"/help/bot/{thread.pk}/", {"choice": "more-help"})

    assert response.status_code == 302
    assert response["Location"].endswith("#escalation-panel")
    thread.refresh_from_db()
    assert thread.state == Thread.State.OPEN
    assert reply_of(thread).outcome == BotReply.Outcome.NEEDS_HELP
    day = DeflectionDay.objects.get(source="bot")
    assert (day.deflected, day.asked_anyway) == (0, 1)


def test_i_still_need_help_leads_straight_to_the_support_team_when_the_policy_allows(
    asker, category, article, policy
):
    policy.member_can_request_after = timedelta(0)
    policy.save()
    thread = ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")

    page = (
        client_for(asker)
        .post(f"/help/bot/{thread.pk}/", {"choice": "more-help"}, follow=True)
        .content.decode()
    )

    assert "Ask the support team" in page


@pytest.mark.parametrize(
    "choice", ["", "article:", "article:abc", "post:1", "thread:99999999", "article:²", "x" * 5000]
)
def test_a_choice_that_is_not_offered_changes_nothing(asker, category, article, choice):
    thread = ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")

    response = client_for(asker).post(f"/help/bot/{thread.pk}/", {"choice": choice}, follow=True)

    assert response.status_code == 200
    assert reply_of(thread).outcome == ""
    assert Thread.objects.get(pk=thread.pk).state == Thread.State.OPEN


def test_nobody_but_the_asker_answers_it(asker, category, article, other_member, moderator):
    thread = ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")

    for someone in (other_member, moderator):
        client_for(someone).post(f"/help/bot/{thread.pk}/", {"choice": f"article:{article.pk}"})

    assert reply_of(thread).outcome == ""
    assert Thread.objects.get(pk=thread.pk).state == Thread.State.OPEN
    assert (
        client_for(None).post(f"/help/bot/{thread.pk}/", {"choice": "more-help"}).status_code == 302
    )
    assert reply_of(thread).outcome == ""


def test_the_asker_answers_once(asker, category, article):
    thread = ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")
    client = client_for(asker)
    client.post(f"/help/bot/{thread.pk}/", {"choice": "more-help"})

    client.post(f"/help/bot/{thread.pk}/", {"choice": f"article:{article.pk}"})

    assert reply_of(thread).outcome == BotReply.Outcome.NEEDS_HELP
    assert Thread.objects.get(pk=thread.pk).state == Thread.State.OPEN


def test_a_thread_without_a_reply_or_out_of_sight_is_not_found(asker, category, other_member):
    thread = ThreadFactory(author=asker, category=category)

    assert (
        client_for(asker).post(f"/help/bot/{thread.pk}/", {"choice": "more-help"}).status_code
        == 404
    )
    assert client_for(asker).post("/help/bot/99999999999999999999/").status_code == 404
    assert client_for(asker).get(f"/help/bot/{thread.pk}/").status_code == 405


# --- Escalation runs as if the bot were not there ---------------------------------------


def test_the_bot_never_stops_or_delays_the_escalation_clock(
    asker, other_member, category, article, policy
):
    t0 = timezone.now()
    with_bot = ask(
        asker, category, title="My USDT transfer is pending", body="Sent on TRON.", now=t0
    )
    without = ask(asker, category, title="How do I change the theme?", body="Dark mode.", now=t0)
    assert BotReply.objects.filter(thread=with_bot).exists()
    assert not BotReply.objects.filter(thread=without).exists()

    clocks = {clock.thread_id: clock for clock in ThreadClock.objects.all()}
    assert clocks[with_bot.pk].needs_help_at == clocks[without.pk].needs_help_at == t0 + 4 * HOUR
    assert clocks[with_bot.pk].escalate_at == clocks[without.pk].escalate_at == t0 + 24 * HOUR
    assert clocks[with_bot.pk].member_can_request_at == t0 + 2 * HOUR

    with TestCase.captureOnCommitCallbacks(execute=True):
        flagged = sweeping.sweep(now=t0 + 4 * HOUR)
    assert flagged.flagged == 2
    with TestCase.captureOnCommitCallbacks(execute=True):
        escalated = sweeping.sweep(now=t0 + 24 * HOUR)
    assert escalated.escalated == 2
    with_bot.refresh_from_db()
    assert with_bot.first_reply_at is None
    assert with_bot.reply_count == 0
    assert with_bot.post_count == 1


def test_a_reply_by_someone_else_still_answers_it(asker, other_member, category, article, policy):
    thread = ask(asker, category, title="My USDT transfer is pending", body="Sent on TRON.")
    with TestCase.captureOnCommitCallbacks(execute=True):
        PostFactory(thread=thread, author=other_member, body="Check tronscan.")

    thread.refresh_from_db()
    assert thread.first_reply_at is not None
    assert thread.reply_count == 1
