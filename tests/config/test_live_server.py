"""The live server the browser journeys drive answers overlapping requests as production
does: each of its request threads, and the test's own thread, on its own connection.

A browser sends a page's requests side by side (the page and its favicon, one tab's
htmx swap beside another tab's page load), and a journey reads the database between
its steps. On SQLite's shared in-memory test database all of them went through one
connection, and a signed-in member's thread page (which marks the thread read in a
savepoint) failed now and then with "cannot open savepoint - SQL statements in
progress" (a journey on CI, 2026-12-07). tests/settings.py gives SQLite a file instead.
"""

import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from forum.models import Post
from tests.factories import PostFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_test_database_is_never_shared_memory():
    assert connection.vendor != "sqlite" or not connection.is_in_memory_db()


def test_overlapping_requests_and_the_tests_own_reads_all_succeed(live_server):
    member = UserFactory()
    thread = ThreadFactory()
    PostFactory.create_batch(5, thread=thread)
    client = Client()
    client.force_login(member)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = live_server.url + thread.get_absolute_url()

    def fetch(_):
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        pending = [pool.submit(fetch, n) for n in range(48)]
        # Meanwhile the test's own thread reads, as journeys do between their steps.
        reads = set()
        while not all(future.done() for future in pending):
            reads.add(len(list(Post.objects.filter(thread=thread).iterator(chunk_size=2))))
        statuses = [future.result() for future in pending]
    assert statuses == [200] * 48
    assert reads == {6}
