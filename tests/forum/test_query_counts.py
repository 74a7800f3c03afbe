"""Forum pages cost a fixed number of queries, however big the forum, and never write."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from forum import viewcounts
from forum.models import Thread
from forum.services import answers as forum_answers
from forum.services import following as forum_following
from notifications.services.unread import mark_all_read
from safety.selectors import domain_rules
from tests.factories import PostFactory, ThreadFactory, UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

# Measured on the small forum (5 posts, 2 threads); the large one (200 posts, 35 threads)
# must cost exactly as much. The home page: categories, the questions that need an
# answer, the latest. A visitor's thread page: the thread, then its posts with their
# authors and the authors' roles (read on every view, never cached, so a badge follows a
# role change at once: forum.selectors.thread_page_facts). A signed-in member adds one
# everywhere: the user (their roles, for the moderator link, and the session come from
# the cache); on the thread page, which shown posts they voted for and whether they
# follow the thread come with the posts, and the thread and its posts are read in one
# statement (forum.selectors.member_thread_page), so it costs one less than a
# visitor's; the category page adds one (whether they follow the category). A member's thread page costs the same whether it comes from their saved
# copy or not (forum/pagecache.py: the copy's key is made of these reads). The member has read their
# notifications (Forum.read_everything): opening a thread with unread notifications
# about it marks them read, which the last test counts.
# What other apps show under a thread (forum/extensions.py) adds one on a visitor's
# thread page: the help app's related threads, the thread's help article and whether the
# first-line bot replied, in one statement (help.selectors.thread_footer); on a member's,
# it is read in the page's own statement (extensions.PageRead) once the related threads
# are known. A thread the bot replied to adds two (its reply, and whether what it offered
# is still there: bot_reply_for).
# The match, the threads, their best posts (forum.search); on PostgreSQL the match runs in
# a transaction of its own that first turns parallel workers off (forum/search/backends.py):
# inside the test's transaction that is a savepoint, its settings and the release.
RELATED_SEARCH = 3 + (3 if connection.vendor == "postgresql" else 0)
QUERIES = {
    "visitor": {"home": 3, "category": 2, "thread": 3, "thread-last-page": 3},
    # A member asking for a page past the last one (?page=999) gets the last page, whose
    # posts are read again, apart from the thread (member_thread_page read the page asked for).
    "member": {"home": 4, "category": 4, "thread": 2, "thread-last-page": 3},
}
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class Forum:
    """A category with a main thread, grown through the services the way members grow it."""

    def __init__(self, *, category, reader):
        self.category = category
        self.reader = reader
        self.people = [
            UserFactory(),
            UserFactory(),
            UserFactory(role=roles.MODERATORS),
            UserFactory(role=roles.AGENTS),
            UserFactory(role=roles.MODERATORS),
        ]
        self.voters = [*self.people[:3], reader]
        self.thread = ThreadFactory(author=self.people[0], category=category)
        self.threads = [self.thread]

    def grow(self, *, posts: int, threads: int) -> None:
        """Bring the main thread to `posts` posts and the category to `threads` threads."""
        authors = itertools.cycle(self.people)
        for _ in range(posts - self.thread.post_count):
            post = PostFactory(thread=self.thread, author=next(authors))
            # Votes from 0 to 3 people, different on each post.
            for voter in self.voters[: post.number % 4]:
                if voter.pk != post.author_id:
                    forum_answers.vote(actor=voter, post=post)
        for _ in range(threads - len(self.threads)):
            self.threads.append(ThreadFactory(author=next(authors), category=self.category))
        self.thread.refresh_from_db()

    def read_everything(self) -> None:
        """The reader has seen the replies to the thread they follow."""
        mark_all_read(user=self.reader)

    def urls(self) -> dict[str, str]:
        thread_url = self.thread.get_absolute_url()
        return {
            "home": "/",
            "category": self.category.get_absolute_url(),
            "thread": thread_url,
            "thread-last-page": f"{thread_url}?page=999",
        }


@pytest.fixture
def forum(member, category):
    """A small forum with an accepted answer, a vote and a follow by `member`."""
    forum = Forum(category=category, reader=member)
    forum.grow(posts=5, threads=2)
    answer = forum.thread.posts.get(number=3)
    forum_answers.accept_answer(actor=forum.thread.author, post=answer)
    forum_answers.vote(actor=member, post=forum.thread.posts.get(number=1))
    forum_following.follow_thread(actor=member, thread=forum.thread)
    forum.read_everything()
    return forum


@pytest.fixture
def readers(member):
    return {"visitor": client_for(None), "member": client_for(member)}


def test_pages_cost_as_many_queries_for_200_posts_as_for_5(
    forum, readers, django_assert_max_num_queries, django_assert_num_queries
):
    def assert_costs(size_check):
        # The domain lists (which links show as text) are read from the database once per
        # DOMAIN_RULES_TTL for the whole site, by whichever page comes first.
        domain_rules()
        for viewer, client in readers.items():
            for page, url in forum.urls().items():
                # First view: posts not yet in the fragment cache cost one query for their
                # bodies; on lists, authors whose roles are not cached yet one for them.
                cold = QUERIES[viewer][page] + 1
                if page.startswith("thread"):
                    # The search for related threads, once per title (help.selectors).
                    cold += RELATED_SEARCH
                with django_assert_max_num_queries(cold):
                    assert client.get(url).status_code == 200
                with size_check(QUERIES[viewer][page]):
                    assert client.get(url).status_code == 200

    assert_costs(django_assert_max_num_queries)
    forum.grow(posts=200, threads=35)
    forum.read_everything()

    assert forum.thread.post_count == 200
    assert_costs(django_assert_num_queries)


@pytest.mark.parametrize("viewer", ["visitor", "member"])
def test_a_page_view_writes_nothing(viewer, forum, readers):
    for url in forum.urls().values():
        with CaptureQueriesContext(connection) as captured:
            assert readers[viewer].get(url).status_code == 200

        writes = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(WRITES)]
        assert writes == [], url


def test_thread_views_are_stored_when_the_counts_are_folded(forum, readers):
    for client in readers.values():
        client.get(forum.thread.get_absolute_url())
    forum.thread.refresh_from_db()
    assert forum.thread.view_count == 0

    assert viewcounts.fold() == 1

    forum.thread.refresh_from_db()
    assert forum.thread.view_count == 2
    assert Thread.objects.exclude(pk=forum.thread.pk).filter(view_count__gt=0).count() == 0


def test_opening_a_thread_with_unread_notifications_about_it_reads_them_in_one_update(
    forum, readers, django_assert_num_queries
):
    """The lock on the reader's row, one UPDATE of their unread notifications about the
    thread and one of their count (and, in a test, the savepoint around them); the next
    view costs what any view costs. Nothing unread, nothing written: the test above."""
    url = forum.thread.get_absolute_url()
    client = readers["member"]
    client.get(url)  # warm the fragment caches
    PostFactory(thread=forum.thread, author=forum.people[0])  # tells the follower
    client.get(url)
    PostFactory(thread=forum.thread, author=forum.people[1])

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    writes = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(WRITES)]
    assert len(writes) == 2  # the notifications, then the count
    assert forum.reader.notifications.filter(read_at=None).count() == 0

    with django_assert_num_queries(QUERIES["member"]["thread"]):
        assert client.get(url).status_code == 200
