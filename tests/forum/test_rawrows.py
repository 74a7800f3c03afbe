"""Hand-written reads give the same instances the ORM gives, on SQLite and PostgreSQL."""

import pytest
from django.utils import timezone

from forum import access, selectors, services
from forum.models import Chain, Thread
from tests.factories import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def test_load_thread_matches_the_orm_field_for_field(member, category):
    chain = Chain.objects.create(name="TRON test", tx_format="tron")
    thread = ThreadFactory(author=member, category=category, chain=chain, app_version="4.2.0")

    loaded = access.load_thread(thread.pk)
    expected = Thread.objects.select_related("category", "author", "chain").get(pk=thread.pk)

    assert _fields(loaded) == _fields(expected)
    assert _fields(loaded.category) == _fields(expected.category)
    assert _fields(loaded.chain) == _fields(expected.chain)
    assert loaded.author.username == member.username
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at <= timezone.now()


def test_load_thread_without_a_chain_leaves_it_empty(thread):
    assert access.load_thread(thread.pk).chain is None


@pytest.mark.parametrize("thread_id", ["abc", "", None, 10**30, -(10**30), "1.5", 0, 999999])
def test_load_thread_answers_none_for_what_is_not_a_thread(thread_id):
    assert access.load_thread(thread_id) is None


def test_page_posts_hide_hidden_posts_from_members_only(thread, other_member, moderator):
    hidden = PostFactory(thread=thread, author=other_member)
    services.set_post_hidden(actor=moderator, post=hidden, is_hidden=True, reason="spam")
    shown = PostFactory(thread=thread, author=other_member)

    for_members = selectors._page_posts(thread=thread, first=1, last=20, include_hidden=False)
    for_moderators = selectors._page_posts(thread=thread, first=1, last=20, include_hidden=True)

    assert [post.pk for post in for_members] == [thread.posts.get(number=1).pk, shown.pk]
    assert [post.pk for post in for_moderators] == [
        thread.posts.get(number=1).pk,
        hidden.pk,
        shown.pk,
    ]
    assert all(post.author.username for post in for_moderators)
    assert for_moderators[1].is_hidden is True
    assert for_members[0].is_hidden is False
