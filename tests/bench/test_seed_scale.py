"""`manage.py seed_scale`: bulk data that looks like what the services would have written."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max, Min

from accounts.models import User
from bench import scale
from forum.forms import BodyField, TitleField
from forum.markdown import render_markdown
from forum.models import Category, Follow, ModerationLog, Post, Thread, Vote
from forum.services import answers as forum_answers
from forum.services import posting as forum_posting
from forum.wallet import normalize_tx_hash
from tests.factories import CategoryFactory


def _seed(threads=30, **options):
    out = StringIO()
    call_command("seed_scale", threads=threads, posts_per_thread=5, seed=7, stdout=out, **options)
    return out.getvalue()


def assert_forum_is_consistent():
    """Every counter and pointer the services keep agrees with the rows."""
    threads = Thread.objects.annotate(
        posts_found=Count("posts"),
        lowest=Min("posts__number"),
        highest=Max("posts__number"),
        latest=Max("posts__created_at"),
    )
    for thread in threads:
        assert thread.posts_found == thread.post_count, thread.pk
        assert (thread.lowest, thread.highest) == (1, thread.post_count), thread.pk
        assert thread.reply_count == thread.post_count - 1
        assert thread.last_activity_at == thread.latest
        first_reply = (
            thread.posts.exclude(author=thread.author_id).filter(number__gt=1).order_by("number")
        ).first()
        assert thread.first_reply_at == (first_reply.created_at if first_reply else None)
        question = thread.posts.get(number=1)
        assert thread.vote_count == question.vote_count
        authors = set(thread.posts.values_list("author_id", flat=True))
        followers = set(Follow.objects.filter(thread=thread).values_list("user_id", flat=True))
        assert followers == authors, thread.pk
        if thread.state == Thread.State.SOLVED:
            accepted = thread.accepted_post
            assert accepted.thread_id == thread.pk
            assert accepted.author_id != thread.author_id
            assert not accepted.is_hidden
            assert thread.solved_at >= accepted.created_at
        else:
            assert thread.accepted_post_id is None
            assert thread.solved_at is None

    for category in Category.objects.annotate(
        found=Count("threads"), latest=Max("threads__last_activity_at")
    ):
        assert category.thread_count == category.found, category.slug
        if category.found:
            assert category.last_activity_at >= category.latest

    assert not Post.objects.annotate(votes_found=Count("votes")).exclude(
        vote_count=F("votes_found")
    )
    assert not Vote.objects.filter(user=F("post__author"))
    assert forum_answers.recompute_reputation() == 0, "reputation disagrees with votes and answers"


def test_seed_scale_writes_a_consistent_forum(db):
    _seed(threads=30, long_threads=1, long_thread_posts=45)

    assert Thread.objects.count() == 31
    assert_forum_is_consistent()


def test_every_thread_counts_its_posts_across_batches(db):
    _seed(threads=30, batch_size=7)

    assert Thread.objects.count() == 30
    assert_forum_is_consistent()


def test_long_threads_have_exactly_the_posts_asked_for(db):
    output = _seed(threads=5, long_threads=2, long_thread_posts=60)

    long_threads = Thread.objects.filter(post_count=60)
    assert long_threads.count() == 2
    numbers = sorted(long_threads.first().posts.values_list("number", flat=True))
    assert numbers == list(range(1, 61))
    assert (
        f"Long threads: {', '.join(str(pk) for pk in long_threads.order_by('pk').values_list('pk', flat=True))}"
        in output
    )


def test_posts_average_the_posts_per_thread_asked_for(db):
    _seed(threads=400)

    assert 4 <= Post.objects.count() / 400 <= 6


def test_threads_come_in_every_state_and_both_languages(db):
    _seed(threads=400)

    states = set(Thread.objects.values_list("state", flat=True))
    assert states == {Thread.State.OPEN, Thread.State.SOLVED, Thread.State.CLOSED}
    assert Thread.objects.filter(first_reply_at=None).exists()
    assert Thread.objects.filter(first_reply_at=None, post_count__gt=1).exists()
    assert Post.objects.filter(is_hidden=True).exists()
    titles = list(Thread.objects.values_list("title", flat=True))
    assert any(_is_chinese(title) for title in titles)
    assert any(not _is_chinese(title) for title in titles)


def test_closed_threads_and_hidden_posts_are_in_the_moderation_log(db):
    _seed(threads=400)

    closed = set(Thread.objects.filter(state=Thread.State.CLOSED).values_list("pk", flat=True))
    logged_closed = set(
        ModerationLog.objects.filter(action=ModerationLog.Action.CLOSE_THREAD).values_list(
            "thread_id", flat=True
        )
    )
    assert closed == logged_closed
    hidden = set(Post.objects.filter(is_hidden=True).values_list("pk", flat=True))
    logged_hidden = set(
        ModerationLog.objects.filter(action=ModerationLog.Action.HIDE_POST).values_list(
            "post_id", flat=True
        )
    )
    assert hidden == logged_hidden
    actors = User.objects.filter(pk__in=ModerationLog.objects.values("actor_id"))
    assert all(actor.is_moderator for actor in actors)


def test_bodies_are_stored_rendered(db):
    _seed(threads=30)

    for post in Post.objects.order_by("?")[:20]:
        assert post.body_html == render_markdown(post.body)


def test_wallet_details_are_what_the_ask_form_would_store(db):
    _seed(threads=400)

    with_hash = Thread.objects.exclude(tx_hash="").select_related("chain", "category")
    assert with_hash.exists()
    for thread in with_hash:
        assert thread.category.asks_wallet_details
        assert normalize_tx_hash(thread.chain.tx_format, thread.tx_hash) == thread.tx_hash
    assert not Thread.objects.filter(category__asks_wallet_details=False).exclude(chain=None)


def test_a_second_run_adds_to_the_first(db):
    _seed(threads=30)
    users = User.objects.count()

    _seed(threads=30)

    assert Thread.objects.count() == 60
    assert User.objects.count() == 2 * users
    assert_forum_is_consistent()


def test_it_adds_to_a_forum_built_through_the_services(db, member, other_member):
    transfers = CategoryFactory(slug="transfers", name="Transfers")
    thread = forum_posting.create_thread(
        author=member, category=transfers, title="My own question", body="Some details here."
    )
    forum_posting.create_post(author=other_member, thread=thread, body="An answer from someone.")

    _seed(threads=30)

    assert_forum_is_consistent()
    assert Thread.objects.filter(category=transfers).count() > 1


def test_scale_users_are_verified_members_with_unique_names(db):
    _seed(threads=30)

    people = User.objects.filter(email__endswith="@scale.example")
    assert people.count() == scale.MIN_USERS
    assert people.filter(emailaddress__verified=True).count() == scale.MIN_USERS
    assert {person.language for person in people} == {"en", "zh-hans"}
    assert not any(person.has_usable_password() for person in people)


def test_it_reports_progress_and_speed(db):
    output = _seed(threads=30)

    assert "30/30 threads" in output
    assert "rows/s" in output


@pytest.mark.parametrize(
    "options",
    [{"threads": -1}, {"threads": 1, "long_threads": -1}, {"threads": 1, "batch_size": 0}],
)
def test_it_refuses_nonsense(db, options):
    with pytest.raises(CommandError):
        call_command("seed_scale", stdout=StringIO(), **options)


def test_templates_pass_the_forms_people_use():
    """The generated text is text a member could have posted: no title too short, no body
    the reply form would refuse."""
    fill = {
        "token": "USDT",
        "chain": "TRON",
        "amount": "50",
        "hours": 2,
        "exchange": "OKX",
        "version": "5.12.3",
    }
    title_field, body_field = TitleField(), BodyField()
    for titles in scale.TITLES.values():
        for title in titles:
            title_field.clean(title.format(**fill))
    for title in scale.LONG_THREAD_TITLES.values():
        title_field.clean(title.format(**fill))
    for texts in [*scale.QUESTIONS.values(), *scale.REPLIES.values(), *scale.FOLLOW_UPS.values()]:
        for text in texts:
            body_field.clean(text.format(**fill))


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)
