"""A thread page reads its own posts, not the thread's: the work of its statement does not
grow with the thread (a megathread of thousands of replies is read like any other).

The page's posts were chosen by one condition, `number BETWEEN … OR number = 1 OR id = …`,
which SQLite read through the index of the thread's posts, every one of them; and so did
PostgreSQL, which plans a statement it has prepared once for all values (a generic plan):
a thread of 20,000 posts cost 4.3 ms of the server's time a view against 0.4 ms for 200
(bench/README.md). Each part of the page is now found by an index of its own, then the
rows by id. The staff view of a ticket (the question, the accepted answer and the latest
replies) and the answers the help app shows (a thread's accepted or support-team answer)
chose theirs the same way, and now find them the same way.

PostgreSQL counts the posts a transaction has read (pg_stat_xact_user_tables), here under
a generic plan without bitmaps (one of the planner's choices, not a plan to rely on);
SQLite says how it will find them (EXPLAIN QUERY PLAN).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config import rawrows
from forum import selectors
from forum.models import Post, Thread
from forum.selectors import POSTS_PER_PAGE
from forum.services import answers as forum_answers
from tests.factories import PostFactory, ThreadFactory
from tests.reads import postgresql_rows_read, sqlite_plan

pytestmark = pytest.mark.django_db

REPLIES = 2_000


@pytest.fixture
def megathread(member, other_member):
    """A thread of 2,002 posts among 200 of 20 posts each: a forum's shape, where a thread
    averages a few dozen posts (what PostgreSQL's generic plan assumes of any thread)."""
    thread = ThreadFactory(author=member)
    _small_threads(thread, count=200, posts=20)
    accepted = PostFactory(thread=thread, author=other_member)
    _bulk_posts([(thread, number) for number in range(3, REPLIES + 3)], author=other_member)
    Thread.objects.filter(pk=thread.pk).update(post_count=REPLIES + 2, reply_count=REPLIES + 1)
    forum_answers.accept_answer(actor=member, post=accepted)
    thread.refresh_from_db()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Post._meta.db_table}")
    return thread


def _small_threads(like: Thread, *, count: int, posts: int) -> None:
    small = Thread.objects.bulk_create(
        Thread(
            category_id=like.category_id,
            author_id=like.author_id,
            title=f"Small thread {n}",
            slug=f"small-thread-{n}",
            post_count=posts,
        )
        for n in range(count)
    )
    _bulk_posts(
        [(each, number) for each in small for number in range(1, posts + 1)], author=like.author
    )


def _bulk_posts(places: list[tuple[Thread, int]], *, author) -> None:
    """A short post at each (thread, number), written at once (no services: data only)."""
    now = timezone.now()
    Post.objects.bulk_create(
        Post(
            thread=thread,
            number=number,
            author=author,
            body="Same here.",
            body_html="<p>Same here.</p>",
            created_at=now,
        )
        for thread, number in places
    )


def _read_page(thread, user, page, monkeypatch) -> tuple[list, list]:
    """(the page's post numbers, its statement) for one read of the page, read as a busy
    page is: psycopg prepares a statement at its sixth run (settings:
    postgresql_options), and PostgreSQL then plans it once for all values."""
    statements = []
    fetch = rawrows.fetch
    monkeypatch.setattr(
        rawrows, "fetch", lambda sql, params: statements.append((sql, params)) or fetch(sql, params)
    )
    for _ in range(6):
        _thread, facts, _received = selectors.member_thread_page(
            thread_id=thread.pk, user=user, page=page
        )
    numbers = [post.number for post in selectors._build_posts(facts.rows)]
    return numbers, statements[-1]


def _assert_posts_found_by_index(
    sql, params=(), *, steps: int, aliases=("p",), whole_thread=("(thread_id=?)",)
) -> None:
    """SQLite finds every post of the statement by an index seek (`SEARCH`), at least
    `steps` times, and never by a seek that reads a whole thread's posts (`whole_thread`:
    its plan's words for those)."""
    plan = sqlite_plan(sql, params)
    names = "|".join(("forum_post", *aliases))
    post_steps = [step for step in plan if re.match(rf"(SEARCH|SCAN) ({names}) ", step)]
    assert len(post_steps) >= steps, "\n".join(plan)
    assert all(step.startswith("SEARCH") for step in post_steps), "\n".join(plan)
    assert not any(words in step for step in post_steps for words in whole_thread), "\n".join(plan)


@pytest.mark.parametrize("page", [1, 40, 101])
def test_a_page_of_a_megathread_reads_its_own_posts_not_the_threads(
    megathread, member, page, monkeypatch
):
    numbers, (sql, params) = _read_page(megathread, member, page, monkeypatch)

    first = (page - 1) * POSTS_PER_PAGE + 1
    last = min(first + POSTS_PER_PAGE - 1, megathread.post_count)
    assert numbers == sorted({1, 2, *range(first, last + 1)})
    if connection.vendor == "postgresql":
        # The page's 20, the question and the accepted answer, each read at most twice
        # (its id by an index, then its row): not the thread's 2,002.
        read = postgresql_rows_read(Post, lambda: rawrows.fetch(sql, params), bitmaps=False)
        assert read <= 2 * (POSTS_PER_PAGE + 2)
    else:
        # The page's posts, the question, the accepted answer, then their rows by id.
        _assert_posts_found_by_index(sql, params, steps=4)


def test_more_than_a_page_of_posts_is_refused_not_cut_short(member):
    """The statement's LIMIT is a page and the two posts pinned on it: a caller asking
    for more is told so, rather than getting a page silently cut."""
    thread = ThreadFactory(author=member)

    assert selectors._page_posts(thread=thread, first=1, last=POSTS_PER_PAGE, include_hidden=False)
    with pytest.raises(ValueError, match="more than a page"):
        selectors._page_posts(thread=thread, first=1, last=POSTS_PER_PAGE + 1, include_hidden=False)


def test_a_ticket_on_a_megathread_reads_the_posts_it_shows_not_the_threads(
    megathread, moderator, agent, monkeypatch
):
    """The staff view of a ticket shows the question, the accepted answer and the latest
    replies (escalation/selectors/ticket_page.py, MAX_POSTS): it reads those."""
    from escalation.selectors.ticket_page import MAX_POSTS, TicketPage
    from escalation.services import tickets

    ticket = tickets.escalate_thread(actor=moderator, thread=megathread)

    def read():
        return TicketPage(ticket, user=agent).posts

    numbers = [post.number for post in read()]
    assert numbers == [1, 2, *range(megathread.post_count - MAX_POSTS + 2, REPLIES + 3)]
    if connection.vendor == "postgresql":
        # Each shown post by an index, then its row (its author's is another table).
        assert postgresql_rows_read(Post, read, bitmaps=False) <= 2 * len(numbers)
    else:
        with CaptureQueriesContext(connection) as queries:
            read()
        (sql,) = [q["sql"] for q in queries if 'FROM "forum_post"' in q["sql"]]
        _assert_posts_found_by_index(sql, steps=4, aliases=("U0",))


def test_the_answers_of_threads_read_those_answers_not_the_threads(megathread, monkeypatch):
    """The help app shows a thread's accepted answer, or else the support team's latest
    (forum.selectors.answers_of_threads, under every suggestion while a member types a
    question): a megathread among them costs its answers, not its 2,002 posts."""
    agent_posts = Post.objects.filter(thread=megathread, number__in=[700, 1500])
    agent_posts.update(posted_as="agent")
    small = Thread.objects.exclude(pk=megathread.pk).order_by("pk")[0]
    Post.objects.filter(thread=small, number=5).update(posted_as="agent")
    ids = [megathread.pk, small.pk]

    def read():
        return selectors.answers_of_threads(ids)

    found = read()
    assert found[megathread.pk].number == 2  # the accepted answer, before the team's
    assert found[small.pk].number == 5  # no accepted answer: the team's latest
    if connection.vendor == "postgresql":
        # Four answers, each by an index then by id.
        assert postgresql_rows_read(Post, read, bitmaps=False) <= 2 * 4
    else:
        with CaptureQueriesContext(connection) as queries:
            read()
        (sql,) = [q["sql"] for q in queries]
        _assert_posts_found_by_index(
            sql,
            steps=3,
            aliases=("U0", "V0"),
            # Every post but the question, of each thread given.
            whole_thread=("(thread_id=?)", "(thread_id=? AND number>?)"),
        )
