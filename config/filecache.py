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
  lose a count and two `add`s of one key both win. Here `incr` rewrites the entry in
  place under an exclusive lock on the entry's own file, and `add` links a finished file
  to the entry's name, which fails if it exists: rate limits and view counts
  (forum/viewcounts.py) add up, and exactly one `add` wins. `delete` is already atomic:
  one caller removes the file, the others find it gone.

A write goes to a temporary file beside the entry, then `os.replace`s it: a reader sees
the old value or the new one, never half of one. `incr` rewrites its few bytes in place
under the entry's lock instead (a reader that met a torn counter would see a miss, never
a wrong number, and leaves the file alone). Timings: `bench/caching.py`.
"""

import fcntl
import os
import pickle
import random
import time
from contextlib import contextmanager, suppress

from django.core.cache.backends import filebased

from config.cachekeys import BoundedKeys

CULL_EVERY = 500


class FileBasedCache(BoundedKeys, filebased.FileBasedCache):
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
        try:
            with self._locked_entry(key, version) as (f, _start, value):
                f.seek(0)
                self._write_content(f, timeout, value)
                f.truncate()
                return True
        except KeyError:
            return False

    def add(self, key, value, timeout=filebased.DEFAULT_TIMEOUT, version=None):
        # Written whole to a temporary file, then hard-linked to the entry's name: link()
        # fails if the name exists, so of two processes adding one key exactly one wins,
        # and nobody ever sees the entry half written.
        fname = self._key_to_file(key, version)
        if self.has_key(key, version):
            return False
        self._maybe_cull()
        temporary = f"{fname}.{os.getpid()}.{random.getrandbits(32):08x}.tmp"
        try:
            with self._open(temporary, "xb") as file:
                self._write_content(file, timeout, value)
            try:
                os.link(temporary, fname)
            except FileExistsError:
                if self.has_key(key, version):  # (has_key removes an expired entry)
                    return False
                try:
                    os.link(temporary, fname)
                except FileExistsError:
                    return False
            return True
        finally:
            with suppress(FileNotFoundError):
                os.remove(temporary)

    def incr(self, key, delta=1, version=None):
        # In place, under a lock on the entry itself: replacing a file that exists makes
        # ext4 write its data out first (auto_da_alloc), a few hundred microseconds a view,
        # and one lock for every counter made the web processes queue behind each other.
        try:
            with self._locked_entry(key, version) as (f, start, value):
                value = value + delta
                f.seek(start)
                f.write(pickle.dumps(value, self.pickle_protocol))
                f.truncate()
                return value
        except KeyError:
            raise ValueError(f"Key '{key}' not found.") from None

    @contextmanager
    def _locked_entry(self, key, version):
        """(open file, offset of the value, value) of a live entry, under an exclusive lock
        on its file; KeyError if there is none. Writers of the same entry wait; `set`
        replaces the file, so a lock holder re-checks it still has the entry's file."""
        fname = self._key_to_file(key, version)
        for _ in range(3):
            try:
                f = open(fname, "r+b")  # noqa: SIM115 (closed below)
            except FileNotFoundError:
                raise KeyError(key) from None
            with f:
                fcntl.flock(f, fcntl.LOCK_EX)
                try:
                    if os.fstat(f.fileno()).st_ino != os.stat(fname).st_ino:
                        continue  # replaced or removed while we waited: open the new one
                except FileNotFoundError:
                    raise KeyError(key) from None
                try:
                    expiry = pickle.load(f)
                    start = f.tell()
                    value = pickle.loads(f.read())
                except (EOFError, pickle.UnpicklingError, ValueError, TypeError):
                    raise KeyError(key) from None
                if expiry is not None and expiry < time.time():
                    raise KeyError(key)
                yield f, start, value
                return
        raise KeyError(key)

    def _maybe_cull(self):
        # Listing the folder is the dear part of a write: look once every CULL_EVERY
        # writes of this process (at random, so processes do not look all at once).
        if random.random() * CULL_EVERY < 1:
            self._cull()

    def _is_expired(self, f):
        try:
            expiry = pickle.load(f)
        except (EOFError, pickle.UnpicklingError, ValueError, TypeError):
            return True  # empty, torn or foreign: a miss, but not ours to remove
        if expiry is not None and expiry < time.time():
            f.close()
            self._delete(f.name)
            return True
        return False
