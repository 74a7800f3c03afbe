"""A signed-in member's thread page reads the thread and its page of posts in one
statement (forum.selectors.member_thread_page): what it reads is exactly what the two
reads it replaces give (access.load_thread and thread_page_facts' own read), on every
page, for members and for moderators who see hidden posts, and it refuses alike."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from forum import access, selectors
from forum.selectors import POSTS_PER_PAGE
from forum.services import answers as forum_answers
from forum.services import moderation as forum_moderation
from safety.selectors import domain_rules
from tests.factories import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_thread(member, other_member, moderator):
    thread = ThreadFactory(author=member)
    posts = [
        PostFactory(thread=thread, author=other_member if n % 2 else moderator)
        for n in range(POSTS_PER_PAGE + 5)
    ]
    forum_answers.accept_answer(actor=member, post=posts[-1])  # on page 2
    forum_answers.vote(actor=member, post=posts[3])
    forum_moderation.set_post_hidden(actor=moderator, post=posts[5], is_hidden=True)
    thread.refresh_from_db()
    return thread


def _separately(user, thread_id, page):
    thread = access.get_thread_for_user(user, thread_id)
    return thread, selectors.thread_page_facts(thread=thread, user=user, page=page)


@pytest.mark.parametrize("page", [1, 2, 3, 999, 0, -4, 10**30])
@pytest.mark.parametrize("reader", ["member", "moderator"])
def test_one_statement_reads_what_the_two_reads_do(long_thread, request, page, reader):
    user = request.getfixturevalue(reader)
    together = selectors.member_thread_page(thread_id=long_thread.pk, user=user, page=page)[:2]
    apart = _separately(user, long_thread.pk, page)

    for a, b in zip(together[1].rows, apart[1].rows, strict=True):
        assert a == b
    assert together[1].cache_values() == apart[1].cache_values()
    assert together[0].author.username == apart[0].author.username


def test_a_page_is_one_statement_and_the_rows_it_shows(long_thread, member):
    domain_rules()  # the site's domain lists, read once per DOMAIN_RULES_TTL
    with CaptureQueriesContext(connection) as captured:
        thread, facts, _ = selectors.member_thread_page(
            thread_id=long_thread.pk, user=member, page=2
        )

    reads = [q for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) == 1
    numbers = [row[selectors._POST.attnames.index("number")] for row in facts.rows]
    assert numbers == [1, *range(POSTS_PER_PAGE + 1, POSTS_PER_PAGE + 7)]
    assert thread.accepted_post_id in {row[0] for row in facts.rows}


def test_a_hidden_or_missing_thread_is_refused_as_before(long_thread, member, moderator):
    forum_moderation.set_thread_hidden(actor=moderator, thread=long_thread, is_hidden=True)

    with pytest.raises(Http404):
        selectors.member_thread_page(thread_id=long_thread.pk, user=member, page=1)
    with pytest.raises(Http404):
        selectors.member_thread_page(thread_id=long_thread.pk + 1000, user=member, page=1)
    with pytest.raises(Http404):
        selectors.member_thread_page(thread_id=2**63, user=member, page=1)
    thread, _facts, _ = selectors.member_thread_page(
        thread_id=long_thread.pk, user=moderator, page=1
    )
    assert thread.is_hidden
