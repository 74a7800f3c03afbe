"""Thread view counts, gathered in memory and folded into the database in batches.

A page view never writes to the database on the request path: it bumps a counter in
this process, and a background thread (one per web process) adds the counts to the
threads every settings.VIEW_COUNT_FLUSH_SECONDS (0: only when flush() is called). A crash loses at most that many seconds of views,
which is acceptable for a popularity hint.
"""

import logging
import threading
from collections import Counter

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F

logger = logging.getLogger(__name__)

_pending: Counter = Counter()
_lock = threading.Lock()
_flusher: threading.Thread | None = None


def record_view(thread_id: int) -> None:
    with _lock:
        _pending[thread_id] += 1
    _ensure_flusher()


def flush() -> int:
    """Add the gathered counts to the threads. Returns how many threads were updated."""
    from forum.models import Thread

    with _lock:
        batch = dict(_pending)
        _pending.clear()
    if not batch:
        return 0
    try:
        with transaction.atomic():
            for thread_id, views in sorted(batch.items()):
                Thread.objects.filter(pk=thread_id).update(view_count=F("view_count") + views)
    except Exception:
        logger.warning(
            "could not store %s thread view counts; keeping them", len(batch), exc_info=True
        )
        with _lock:
            _pending.update(batch)
        return 0
    return len(batch)


def _ensure_flusher() -> None:
    global _flusher
    if not settings.VIEW_COUNT_FLUSH_SECONDS or (_flusher is not None and _flusher.is_alive()):
        return
    with _lock:
        if _flusher is not None and _flusher.is_alive():
            return
        _flusher = threading.Thread(target=_flush_forever, name="view-count-flusher", daemon=True)
        _flusher.start()


def _flush_forever() -> None:
    stop = threading.Event()
    while not stop.wait(settings.VIEW_COUNT_FLUSH_SECONDS):
        flush()
        close_old_connections()
