"""The embedded default cache (CACHE_URL=file://): Django's file cache, made safe to count in.

Every process of one machine shares the files, but Django's file cache reads and writes
a counter in two steps (`incr` is get then set, `add` is has_key then set): two
processes counting at once lose a count, and two `add`s of one key both win. Here both
run under an exclusive lock on one file of the cache's folder, so rate limits and view
counts (forum/viewcounts.py) add up across make run's web, worker and beat. `delete` is
already atomic: one caller removes the file, the others find it gone.
"""

import fcntl
import os
from contextlib import contextmanager

from django.core.cache.backends import filebased


class FileBasedCache(filebased.FileBasedCache):
    def add(self, key, value, timeout=filebased.DEFAULT_TIMEOUT, version=None):
        with self._counting():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._counting():
            return super().incr(key, delta, version)

    @contextmanager
    def _counting(self):
        self._createdir()
        with open(os.path.join(self._dir, "counting.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
