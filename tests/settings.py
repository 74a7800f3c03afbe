"""The settings the tests run with: config/settings.py, read in the environment a
developer's shell gives it.

pytest-django imports the settings before any conftest runs, so this is the one place
to say what the suite needs from the environment: a secret key (settings refuse to start
without one when DEBUG is off, as the tests run) and the developer commands
(`seed_scale`, HANDOFF_DEV_COMMANDS). A variable already set wins.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-any-deployment")
os.environ.setdefault("HANDOFF_DEV_COMMANDS", "1")

from config.settings import *  # noqa: F403

# SQLite's test database is a file (in /dev/shm where there is one: as fast as memory
# here), never Django's shared in-memory default. With an in-memory database the live
# server's request threads and the test's own thread share one connection, and a page's
# requests overlapping (the page and its favicon, a staff page's htmx swap beside an
# asker's page load) fail with "cannot open savepoint - SQL statements in progress".
# With a file, every thread opens its own connection and SQLite's locks keep them apart,
# as in production. One file per process: two runs on one machine never share one.
if DATABASES["default"]["ENGINE"] == "config.sqlite3":  # noqa: F405
    _shm = Path("/dev/shm")
    _folder = _shm if _shm.is_dir() and os.access(_shm, os.W_OK) else Path(tempfile.gettempdir())
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(_folder / f"handoff-test-{os.getpid()}.sqlite3"),
    }
