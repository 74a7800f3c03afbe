"""Thread view counts: counted in the shared cache, folded into the database by beat.

A page view never writes to the database and keeps nothing in the web process: it adds
one to the thread's pending count in the shared cache (`record_view`), and beat's
`fold-view-counts` entry (every HANDOFF_VIEW_COUNT_INTERVAL seconds, the task
`forum.tasks.fold_view_counts`) adds the pending counts to `Thread.view_count` with F()
updates (`fold`). A restarted or recycled web process loses no view; the thread page
shows the stored count plus the pending one.

Keys, in the default cache (none expires; counts are lost only if the cache evicts or
is emptied, which costs a popularity hint, never correctness elsewhere):
- `views:pending:<thread id>`: views not yet in the row. `cache.incr`, atomic on Redis.
- `views:log:<n>`: the n-th thread that got pending views. A view appends its thread
  when its increment returns 1 (the first view since the last fold), and a fold appends
  a thread it leaves views on, so a thread with pending views has an entry.
- `views:log:head`: the last n handed out; `views:log:tail`: where folds have read to.
- `views:folding:<thread id>`: held (`cache.add`) by the one fold working on a thread.

Two folds at once never add the same views twice: each entry is taken by deleting it
(`cache.delete` is true for exactly one caller, on Redis and in files alike), each thread
is held by one fold while it reads the count and subtracts what it read (`incr(-n)`), so
a view counted in between stays pending for the next fold (a fold that finds a thread
held puts its entry back; a thread with two entries is folded once per hold). A fold re-reads the last
RESCAN entries before its tail, which picks up an entry a view numbered before the
previous fold read the log but wrote just after.
"""

import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

logger = logging.getLogger(__name__)

HEAD = "views:log:head"
TAIL = "views:log:tail"
BATCH = 500  # log entries read, and threads updated, per round trip and transaction
MAX_BATCHES = 200  # per fold: what is left waits for the next one
RESCAN = 1000
HOLD_SECONDS = 300  # a fold that dies holding a thread lets go after this long


def _pending_key(thread_id: int) -> str:
    return f"views:pending:{thread_id}"


def _entry_key(position: int) -> str:
    return f"views:log:{position}"


def _hold_key(thread_id: int) -> str:
    return f"views:folding:{thread_id}"


def record_view(thread_id: int) -> int:
    """Count one view of the thread; return its views not yet in the row (0 if the cache
    is down: a page never fails for its view count). A few cache round trips, no query."""
    try:
        pending = _add(_pending_key(thread_id), 1)
        if pending == 1:
            _append(thread_id)
        return pending
    except Exception:
        logger.warning("could not count a view of thread %s", thread_id, exc_info=True)
        return 0


def pending_views(thread_id: int) -> int:
    return cache.get(_pending_key(thread_id)) or 0


def fold() -> int:
    """Add the pending views to their threads. Returns how many threads changed.

    Safe to run in several processes at once; reads at most MAX_BATCHES * BATCH entries.
    """
    head = cache.get(HEAD) or 0
    tail = cache.get(TAIL) or 0
    if tail > head:  # the cache was emptied and the log started again
        tail = 0
    position = max(0, tail - RESCAN)
    changed = 0
    for _ in range(MAX_BATCHES):
        if position >= head:
            break
        end = min(head, position + BATCH)
        found = cache.get_many([_entry_key(n) for n in range(position + 1, end + 1)])
        taken = [thread_id for key, thread_id in found.items() if cache.delete(key)]
        changed += _fold_threads(taken)
        position = end
        cache.set(TAIL, position, None)
    return changed


def _fold_threads(thread_ids: list[int]) -> int:
    from forum.models import Thread

    held = []
    for thread_id in dict.fromkeys(thread_ids):
        if cache.add(_hold_key(thread_id), 1, HOLD_SECONDS):
            held.append(thread_id)
        else:
            # Another fold is at it; views since it read would be left with no entry.
            _append(thread_id)
    try:
        counts = cache.get_many([_pending_key(thread_id) for thread_id in held])
        claimed = {}
        for thread_id in held:
            views = counts.get(_pending_key(thread_id)) or 0
            if views <= 0:
                continue
            try:
                left = cache.incr(_pending_key(thread_id), -views)
            except ValueError:  # evicted since we read it
                left = 0
            if left > 0:
                _append(thread_id)  # viewed since we read: the next fold adds those
            claimed[thread_id] = views
        try:
            with transaction.atomic():
                for thread_id, views in sorted(claimed.items()):
                    Thread.objects.filter(pk=thread_id).update(view_count=F("view_count") + views)
        except Exception:
            logger.warning(
                "could not store the views of %s threads; keeping them", len(claimed), exc_info=True
            )
            for thread_id, views in claimed.items():
                if _add(_pending_key(thread_id), views) == views:
                    _append(thread_id)  # it had no entry left: give it one
            return 0
        return len(claimed)
    finally:
        cache.delete_many([_hold_key(thread_id) for thread_id in held])


def _add(key: str, delta: int) -> int:
    """cache.incr that starts a missing key at 0. Returns the new value."""
    try:
        return cache.incr(key, delta)
    except ValueError:  # missing
        if cache.add(key, delta, None):
            return delta
        return cache.incr(key, delta)


def _append(thread_id: int) -> None:
    cache.set(_entry_key(_add(HEAD, 1)), thread_id, None)
