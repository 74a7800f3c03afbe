"""Thread.staff_answer_count: the visible replies the support team posted as such, kept by
the forum's services (forum.services.common._count_visible_reply) and filled in for the
threads there were by migration 0012; search's "answered by the support team" reads it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from forum.models import Thread
from forum.services import moderation as forum_moderation
from forum.services import posting as forum_posting
from tests.factories import PostFactory, ThreadFactory


def _count(thread) -> int:
    return Thread.objects.values_list("staff_answer_count", flat=True).get(pk=thread.pk)


@pytest.mark.django_db
def test_the_count_follows_the_support_teams_replies_through_the_services(member, agent, moderator):
    thread = ThreadFactory(author=member)
    PostFactory(thread=thread, author=member, body="Any news on this?")
    assert _count(thread) == 0

    answer = PostFactory(thread=thread, author=agent, body="We found your transfer.")
    second = PostFactory(thread=thread, author=agent, body="It confirmed at block 123.")
    assert (answer.posted_as, _count(thread)) == ("agent", 2)

    forum_moderation.set_post_hidden(actor=moderator, post=answer, is_hidden=True)
    assert _count(thread) == 1
    forum_moderation.set_post_hidden(actor=moderator, post=answer, is_hidden=False)
    assert _count(thread) == 2

    forum_posting.delete_post(actor=agent, post=second)
    assert _count(thread) == 1
    thread.refresh_from_db()
    assert thread.reply_count == 2  # the member's and the agent's first


@pytest.mark.django_db
def test_a_question_asked_by_an_agent_is_no_staff_answer(agent):
    thread = ThreadFactory(author=agent)
    assert _count(thread) == 0


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_replies_already_there(member, agent):
    answered = ThreadFactory(author=member)
    PostFactory(thread=answered, author=agent, body="We found your transfer.")
    PostFactory(thread=answered, author=agent, body="It confirmed.")
    hidden_only = ThreadFactory(author=member)
    PostFactory(thread=hidden_only, author=agent, body="A reply hidden later.")
    plain = ThreadFactory(author=member)
    PostFactory(thread=plain, author=member, body="Bump.")
    try:
        old_apps = _migrate([("forum", "0011_search_entry")])
        OldPost = old_apps.get_model("forum", "Post")
        OldPost.objects.filter(thread_id=hidden_only.pk, number=2).update(is_hidden=True)

        _migrate([("forum", "0012_thread_staff_answer_count")])

        counts = dict(Thread.objects.values_list("pk", "staff_answer_count"))
        assert (counts[answered.pk], counts[hidden_only.pk], counts[plain.pk]) == (2, 0, 0)
    finally:
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())
