"""The embedded default cache (CACHE_URL=file://): Django's file cache, made fast and safe to
count in.

Every process of one machine shares the files (make run's web, worker and beat, or the
gunicorn workers of a one-machine deployment). Django's own file cache is built for
rarely written entries; a page here reads several entries and writes one (a view count)
on every request, where its costs add up:
- every `set` lists the whole folder to decide whether to cull (20,000 files at
  MAX_ENTRIES), here at most once every CULL_EVERY writes of a process, so the folder may
  pass MAX_ENTRIES by that many writes a process before a cull brings it back;
- every value is zlib-compressed and decompressed; here it is stored as its pickle
  (HTML fragments of a few KB; disk is cheap, the CPU of a page is not) under the suffix
  `.hcache`, so a folder written by Django's own format is never misread (those files are
  left alone and never read);
- `incr` is get then set and `add` is has_key then set, so two processes counting at once
  lose a count and two `add`s of one key both win. Here both run under an exclusive lock
  on one file of the folder, so rate limits and view counts (forum/viewcounts.py) add up.
  `delete` is already atomic: one caller removes the file, the others find it gone.

A write goes to a temporary file beside the entry, then `os.replace`s it: a reader sees
the old value or the new one, never half of one. `incr` rewrites its few bytes in place
under the lock instead (a reader that met a torn counter would see a miss, never a wrong
number). Timings: `bench/caching.py`.
"""

import fcntl
import os
import pickle
import random
import time
from contextlib import contextmanager, suppress

from django.core.cache.backends import filebased

CULL_EVERY = 500


class FileBasedCache(filebased.FileBasedCache):
    cache_suffix = ".hcache"

    def get(self, key, default=None, version=None):
        fname = self._key_to_file(key, version)
        try:
            with open(fname, "rb") as f:
                if not self._is_expired(f):
                    return pickle.loads(f.read())
        except FileNotFoundError:
            pass
        except (EOFError, pickle.UnpicklingError, ValueError, TypeError):
            pass  # a torn or foreign file: a miss, rewritten by the next set
        return default

    def _write_content(self, file, timeout, value):
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def set(self, key, value, timeout=filebased.DEFAULT_TIMEOUT, version=None):
        fname = self._key_to_file(key, version)
        self._maybe_cull()
        temporary = f"{fname}.{os.getpid()}.{random.getrandbits(32):08x}.tmp"
        try:
            with self._open(temporary, "xb") as file:
                self._write_content(file, timeout, value)
            os.replace(temporary, fname)
        except BaseException:
            with suppress(FileNotFoundError):
                os.remove(temporary)
            raise

    def _open(self, path: str, mode: str):
        try:
            return open(path, mode)  # the caller closes it
        except FileNotFoundError:  # the folder was removed (cache.clear() by hand, a test)
            self._createdir()
            return open(path, mode)

    def touch(self, key, timeout=filebased.DEFAULT_TIMEOUT, version=None):
        with self._counting():
            missing = object()
            value = self.get(key, missing, version)
            if value is missing:
                return False
            self.set(key, value, timeout, version)
            return True

    def add(self, key, value, timeout=filebased.DEFAULT_TIMEOUT, version=None):
        with self._counting():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        # In place, under the lock: replacing a file that exists makes ext4 write its data
        # out first (auto_da_alloc), a few hundred microseconds a view.
        fname = self._key_to_file(key, version)
        with self._counting():
            try:
                with open(fname, "r+b") as f:
                    if self._is_expired(f):
                        raise ValueError(f"Key '{key}' not found.")
                    start = f.tell()
                    try:
                        value = pickle.loads(f.read()) + delta
                    except (EOFError, pickle.UnpicklingError, ValueError, TypeError):
                        raise ValueError(f"Key '{key}' not found.") from None
                    f.seek(start)
                    f.write(pickle.dumps(value, self.pickle_protocol))
                    f.truncate()
                    return value
            except FileNotFoundError:
                raise ValueError(f"Key '{key}' not found.") from None

    def _maybe_cull(self):
        # Listing the folder is the dear part of a write: look once every CULL_EVERY
        # writes of this process (at random, so processes do not look all at once).
        if random.random() * CULL_EVERY < 1:
            self._cull()

    def _is_expired(self, f):
        try:
            expiry = pickle.load(f)
        except (EOFError, pickle.UnpicklingError, ValueError, TypeError):
            expiry = 0  # empty, torn or foreign: expired
        if expiry is not None and expiry < time.time():
            f.close()
            self._delete(f.name)
            return True
        return False

    @contextmanager
    def _counting(self):
        with self._open(os.path.join(self._dir, "counting.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
