"""config/keyset.py: the one cursor for keyset pages (categories, notifications, requests)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from config.keyset import decode_cursor, encode_cursor
from forum import selectors
from forum.models import Thread
from tests.factories import ThreadFactory
from tests.reads import postgresql_rows_read, sqlite_plan

instants = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)
ids = st.integers(min_value=1, max_value=2**63 - 1)


@given(instants, ids)
def test_an_instant_comes_back_exactly(at, pk):
    assert decode_cursor(encode_cursor(at, pk)) == (at, pk)


@given(st.integers(min_value=-(2**31) + 1, max_value=2**31 - 1), ids)
def test_a_count_comes_back_exactly_even_below_zero(count, pk):
    assert decode_cursor(encode_cursor(count, pk), integer=True) == (count, pk)


@given(st.text())
def test_any_text_decodes_to_a_cursor_or_to_none(text):
    assert decode_cursor(text) is None or isinstance(decode_cursor(text)[0], datetime)
    assert decode_cursor(text, integer=True) is None or isinstance(
        decode_cursor(text, integer=True)[0], int
    )


def test_a_count_outside_the_column_is_no_cursor():
    assert decode_cursor(f"{2**31}.1", integer=True) is None
    assert decode_cursor("-5.1") is None  # an instant has no sign


# --- The rows past a cursor: the same rows, found by an index seek ----------------------


@pytest.fixture
def category_of_3000(member):
    """A category of 3,001 threads, a minute apart."""
    first = ThreadFactory(author=member)
    now = timezone.now()
    Thread.objects.bulk_create(
        Thread(
            category_id=first.category_id,
            author_id=member.pk,
            title=f"Thread {n}",
            slug=f"thread-{n}",
            last_activity_at=now - timedelta(minutes=n + 1),
            vote_count=n % 7,
        )
        for n in range(3000)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Thread._meta.db_table}")
    return first.category


def _pages(category, sort, count):
    """The category's first `count` pages, by following each page's cursor."""
    pages, after = [], ""
    for _ in range(count):
        page = selectors.category_threads(
            category=category, user=AnonymousUser(), tab="all", sort=sort, after=after
        )
        pages.append(page)
        after = page.next_cursor
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["activity", "votes"])
def test_a_deep_page_of_a_category_reads_its_own_rows(category_of_3000, sort):
    pages = _pages(category_of_3000, sort, 61)
    seen = [thread.pk for page in pages for thread in page.threads]
    assert len(seen) == len(set(seen)) == 61 * selectors.THREADS_PER_PAGE  # none twice
    cursor = pages[-2].next_cursor

    def read():
        return selectors.category_threads(
            category=category_of_3000, user=AnonymousUser(), tab="all", sort=sort, after=cursor
        )

    assert [t.pk for t in read().threads] == [t.pk for t in pages[-1].threads]
    if connection.vendor == "postgresql":
        # The page and the one more that says whether there is a next: not the 1,830
        # threads before the cursor.
        assert postgresql_rows_read(Thread, read) <= 2 * (selectors.THREADS_PER_PAGE + 1)
    else:
        with CaptureQueriesContext(connection) as queries:
            read()
        (sql,) = [q["sql"] for q in queries if 'FROM "forum_thread"' in q["sql"]]
        plan = sqlite_plan(sql)
        field = selectors.SORTS[sort]
        assert any(f"{field}<" in step for step in plan), "\n".join(plan)
