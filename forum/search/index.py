"""Keeping the search index in step with the posts.

The forum's services call these inside the transaction that writes the post, so a
post is searchable the moment it is committed and a rolled-back post never was. Hiding,
showing and moving need no call: the backends read those from the post and thread rows.
"""

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from multiprocessing import get_context

from django.db import transaction

from forum.models import Post, SearchEntry, Thread
from forum.search.backends import get_backend
from forum.search.text import index_text

# (post id, thread id, number, body, thread title, thread tx_hash): what an entry is made of.
Row = tuple[int, int, int, str, str, str]


def entry_for(row: Row) -> SearchEntry:
    return SearchEntry(**entry_fields(row))


def entry_fields(row: Row) -> dict:
    """The index entry of one post, as field values: the question carries its thread's
    title and transaction hash, so a pasted hash finds the thread."""
    post_id, thread_id, number, body, title, tx_hash = row
    is_question = number == 1
    return {
        "post_id": post_id,
        "thread_id": thread_id,
        "title": index_text(title) if is_question else "",
        "body": index_text(body, tx_hash) if is_question else index_text(body),
    }


def index_post(post: Post, *, thread: Thread) -> None:
    """Index a new or edited post (the question: with `thread`'s current title)."""
    index_rows([(post.pk, thread.pk, post.number, post.body, thread.title, thread.tx_hash)])


def index_question(thread: Thread) -> None:
    """Index a thread's question again, after its title or transaction hash changed."""
    question = Post.objects.only("pk", "number", "body").get(thread=thread, number=1)
    index_post(question, thread=thread)


def index_rows(rows: Iterable[Row]) -> None:
    """Index many posts at once: bulk writers (bench/scale.py) call this with their rows."""
    get_backend().save([entry_for(row) for row in rows])


def remove_post(post: Post) -> None:
    """A deleted post leaves the index."""
    get_backend().remove([post.pk])


BATCH_SIZE = 5_000


def rebuild(
    *, batch_size: int = BATCH_SIZE, jobs: int | None = None, progress: Callable | None = None
) -> int:
    """Index every post that is not deleted, from scratch. Returns how many.

    Empties the index, then streams the posts by id in batches (keyset: memory stays
    flat whatever the forum's size), normalises them in `jobs` processes (jieba is the
    slow part) and writes each batch in its own transaction with one multi-row INSERT …
    ON CONFLICT DO NOTHING per few hundred rows (the backend's `load`), so the site keeps
    working while it runs. A post written meanwhile is indexed by its service as usual,
    and the rebuild leaves that entry alone (it is at least as new as what it read).
    """
    backend = get_backend()
    total = Post.objects.filter(deleted_at__isnull=True).count()
    backend.clear()
    jobs = jobs or os.cpu_count() or 1
    done, started = 0, time.monotonic()
    if jobs > 1:
        index_text("转账 transfer")  # load jieba's dictionary once, before the workers fork
        # imap reads its input as fast as it can: unchecked, a writer slower than the
        # reader would have the whole forum in memory. A batch is read only when fewer
        # than two per worker are being normalised or waiting to be written.
        in_flight = threading.BoundedSemaphore(2 * jobs)
        with get_context("fork").Pool(jobs) as pool:
            for entries in pool.imap(_entries, _held(_batches(batch_size), in_flight)):
                done = _load(backend, entries, done, total, started, progress)
                in_flight.release()
    else:
        for batch in _batches(batch_size):
            done = _load(backend, _entries(batch), done, total, started, progress)
    backend.loaded()
    return done


def _load(backend, entries, done, total, started, progress) -> int:
    with transaction.atomic():
        backend.load(entries)
    done += len(entries)
    if progress:
        progress(done=done, total=total, seconds=time.monotonic() - started)
    return done


def _held(batches: Iterator[list[Row]], in_flight: threading.BoundedSemaphore):
    for batch in batches:
        in_flight.acquire()
        yield batch


def _batches(batch_size: int) -> Iterator[list[Row]]:
    last = 0
    while True:
        rows = list(
            Post.objects.filter(pk__gt=last, deleted_at__isnull=True)
            .order_by("pk")
            .values_list("pk", "thread_id", "number", "body", "thread__title", "thread__tx_hash")[
                :batch_size
            ]
        )
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _entries(rows: list[Row]) -> list[dict]:
    """The entries' fields (plain values travel between processes cheaply)."""
    return [entry_fields(row) for row in rows]
