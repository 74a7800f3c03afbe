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

The machinery is `PendingCounts`, one per kind of row counted: `THREAD_VIEWS` here (keys
under `views:`), and the help app's article views (help/viewcounts.py, keys under
`help-views:`), which only say how to add the claimed counts to their rows.

Two folds at once never add the same views twice: each entry is taken by deleting it
(`cache.delete` is true for exactly one caller, on Redis and in files alike), each thread
is held by one fold while it reads the count and subtracts what it read (`incr(-n)`), so
a view counted in between stays pending for the next fold (a fold that finds a thread
held puts its entry back; a thread with two entries is folded once per hold). A fold re-reads the last
RESCAN entries before its tail, which picks up an entry a view numbered before the
previous fold read the log but wrote just after.
"""

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

logger = logging.getLogger(__name__)

BATCH = 500  # log entries read, and rows updated, per round trip and transaction
MAX_BATCHES = 200  # per fold: what is left waits for the next one
RESCAN = 1000
HOLD_SECONDS = 300  # a fold that dies holding a row lets go after this long


class PendingCounts:
    """Counts of one kind of row kept in the shared cache under `prefix`, added to the
    rows by `store({row id: count})` (called in a transaction; it adds, never sets)."""

    def __init__(self, prefix: str, *, store: Callable[[dict[int, int]], None]):
        self.prefix = prefix
        self.store = store
        self.head = f"{prefix}:log:head"
        self.tail = f"{prefix}:log:tail"

    def _pending_key(self, row_id: int) -> str:
        return f"{self.prefix}:pending:{row_id}"

    def _entry_key(self, position: int) -> str:
        return f"{self.prefix}:log:{position}"

    def _hold_key(self, row_id: int) -> str:
        return f"{self.prefix}:folding:{row_id}"

    def record(self, row_id: int) -> int:
        """Count one for the row; return its count not yet in the row (0 if the cache is
        down: a page never fails for its count). A few cache round trips, no query."""
        try:
            pending = _add(self._pending_key(row_id), 1)
            if pending == 1:
                self._append(row_id)
            return pending
        except Exception:
            logger.warning("could not count %s of %s", self.prefix, row_id, exc_info=True)
            return 0

    def pending(self, row_id: int) -> int:
        return cache.get(self._pending_key(row_id)) or 0

    def fold(self) -> int:
        """Add the pending counts to their rows. Returns how many rows changed.

        Safe to run in several processes at once; reads at most MAX_BATCHES * BATCH entries.
        """
        head = cache.get(self.head) or 0
        tail = cache.get(self.tail) or 0
        if tail > head:  # the cache was emptied and the log started again
            tail = 0
        position = max(0, tail - RESCAN)
        changed = 0
        for _ in range(MAX_BATCHES):
            if position >= head:
                break
            end = min(head, position + BATCH)
            found = cache.get_many([self._entry_key(n) for n in range(position + 1, end + 1)])
            taken = [row_id for key, row_id in found.items() if cache.delete(key)]
            changed += self._fold_rows(taken)
            position = end
            cache.set(self.tail, position, None)
        return changed

    def _fold_rows(self, row_ids: list[int]) -> int:
        held = []
        for row_id in dict.fromkeys(row_ids):
            if cache.add(self._hold_key(row_id), 1, HOLD_SECONDS):
                held.append(row_id)
            else:
                # Another fold is at it; counts since it read would be left with no entry.
                self._append(row_id)
        try:
            counts = cache.get_many([self._pending_key(row_id) for row_id in held])
            claimed = {}
            for row_id in held:
                views = counts.get(self._pending_key(row_id)) or 0
                if views <= 0:
                    continue
                try:
                    left = cache.incr(self._pending_key(row_id), -views)
                except ValueError:  # evicted since we read it
                    left = 0
                if left > 0:
                    self._append(row_id)  # counted since we read: the next fold adds those
                claimed[row_id] = views
            try:
                with transaction.atomic():
                    self.store(dict(sorted(claimed.items())))
            except Exception:
                logger.warning(
                    "could not store the %s of %s rows; keeping them",
                    self.prefix,
                    len(claimed),
                    exc_info=True,
                )
                for row_id, views in claimed.items():
                    if _add(self._pending_key(row_id), views) == views:
                        self._append(row_id)  # it had no entry left: give it one
                return 0
            return len(claimed)
        finally:
            cache.delete_many([self._hold_key(row_id) for row_id in held])

    def _append(self, row_id: int) -> None:
        cache.set(self._entry_key(_add(self.head, 1)), row_id, None)


def _add(key: str, delta: int) -> int:
    """cache.incr that starts a missing key at 0. Returns the new value."""
    try:
        return cache.incr(key, delta)
    except ValueError:  # missing
        if cache.add(key, delta, None):
            return delta
        return cache.incr(key, delta)


def _store_thread_views(claimed: dict[int, int]) -> None:
    from forum.models import Thread

    for thread_id, views in claimed.items():
        Thread.objects.filter(pk=thread_id).update(view_count=F("view_count") + views)


THREAD_VIEWS = PendingCounts("views", store=_store_thread_views)
HEAD, TAIL = THREAD_VIEWS.head, THREAD_VIEWS.tail


def record_view(thread_id: int) -> int:
    """Count one view of the thread; return its views not yet in the row."""
    return THREAD_VIEWS.record(thread_id)


def pending_views(thread_id: int) -> int:
    return THREAD_VIEWS.pending(thread_id)


def fold() -> int:
    """Add the pending views to their threads. Returns how many threads changed."""
    return THREAD_VIEWS.fold()
