"""Thread views are counted in the shared cache and folded into the rows by beat: no web
process holds one, so a restart loses none, and two folds at once count each view once."""

import importlib
import threading

import pytest
from asgiref.local import Local
from django.core.cache import caches
from django.core.cache.backends import locmem
from django.db import connections

from forum import tasks, viewcounts
from forum.models import Thread
from tests.escalation.conftest import shared_database
from tests.factories import ThreadFactory
from tests.forum.conftest import client_for


def restart_the_web_process():
    """Drop everything a web process holds: its modules' state and its cache clients
    (and the memory of a locmem cache, which is that process's own)."""
    importlib.reload(viewcounts)
    for cache in caches.all(initialized_only=True):
        cache.close()
    caches._connections = Local()
    locmem._caches.clear()


@pytest.mark.django_db
def test_views_survive_a_web_process_restart(thread, member):
    for reader in (client_for(None), client_for(member), client_for(None)):
        assert reader.get(thread.get_absolute_url()).status_code == 200

    restart_the_web_process()
    tasks.fold_view_counts.apply()

    thread.refresh_from_db()
    assert thread.view_count == 3


@pytest.mark.django_db
def test_the_thread_page_counts_views_not_yet_folded(thread, member):
    Thread.objects.filter(pk=thread.pk).update(view_count=40)
    reader = client_for(member)
    reader.get(thread.get_absolute_url())

    response = reader.get(thread.get_absolute_url())

    assert "42 views" in response.content.decode()


@pytest.mark.django_db
def test_a_fold_leaves_views_counted_after_it_read_for_the_next_one(thread):
    for _ in range(3):
        viewcounts.record_view(thread.pk)
    assert viewcounts.fold() == 1
    viewcounts.record_view(thread.pk)

    assert viewcounts.fold() == 1
    assert viewcounts.fold() == 0

    thread.refresh_from_db()
    assert thread.view_count == 4
    assert viewcounts.pending_views(thread.pk) == 0


@pytest.mark.django_db(transaction=True)
def test_two_folds_at_once_count_each_view_once(category, member):
    threads = [ThreadFactory(author=member, category=category) for _ in range(5)]
    views_each = 30  # per viewer and thread
    viewers_done = threading.Event()
    errors = []

    def view():
        try:
            for _ in range(views_each):
                for thread in threads:
                    viewcounts.record_view(thread.pk)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    def fold():
        try:
            while not viewers_done.is_set():
                viewcounts.fold()
            viewcounts.fold()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    with shared_database():
        viewers = [threading.Thread(target=view) for _ in range(3)]
        folders = [threading.Thread(target=fold) for _ in range(2)]
        for worker in [*folders, *viewers]:
            worker.start()
        for viewer in viewers:
            viewer.join()
        viewers_done.set()
        for folder in folders:
            folder.join()
        viewcounts.fold()
        counts = dict(
            Thread.objects.filter(pk__in=[t.pk for t in threads]).values_list("pk", "view_count")
        )

    assert errors == []
    assert counts == {thread.pk: 3 * views_each for thread in threads}
