"""Escalation state: a default policy in wall-clock time, a way to ask at a given instant, and
the plumbing for running sweeps side by side."""

import sqlite3
import threading
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import TestCase

from escalation.models import EscalationPolicy
from tests.factories import CategoryFactory, PostFactory, ThreadFactory

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def policy(db):
    """The site default: needs help after 4 hours, escalates after 24, asker may ask after 2."""
    return EscalationPolicy.objects.create(
        needs_help_after=timedelta(hours=4),
        escalate_after=timedelta(hours=24),
        member_can_request_after=timedelta(hours=2),
        first_response_target=timedelta(hours=8),
        resolution_target=timedelta(hours=72),
    )


@pytest.fixture
def category(db):
    return CategoryFactory(slug="transfers", name="Transfers")


def committed(function, *args, **kwargs):
    """Call a service and run its after-commit callbacks (the forum's events), as production does."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return function(*args, **kwargs)


@pytest.fixture
def ask(policy, category, member):
    def ask(*, at=T0, author=None, **kwargs):
        return committed(
            ThreadFactory, author=author or member, category=category, now=at, **kwargs
        )

    return ask


@pytest.fixture
def reply():
    def reply(thread, *, author, at):
        return committed(PostFactory, thread=thread, author=author, now=at)

    return reply


# --- Several connections at once ------------------------------------------------


@contextmanager
def shared_database(directory: Path):
    """The test database as other threads and processes can share it; yields its DATABASE_URL.

    PostgreSQL: the test database itself. SQLite: the test database lives in memory,
    where a second connection is refused at once ("table is locked") instead of waiting
    its turn, so its current state is copied to a file opened with production's settings
    (WAL, BEGIN IMMEDIATE, the busy timeout). Inside the block this thread, and every
    thread that connects for the first time, uses the file; the in-memory database is
    left as it was, for pytest-django to flush.
    """
    memory = connections["default"]
    if memory.vendor != "sqlite" or not memory.is_in_memory_db():
        yield _database_url(memory.settings_dict)
        return
    path = directory / "shared.sqlite3"
    memory.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        memory.connection.backup(target)
    saved_settings = connections.settings["default"]
    on_file = {**saved_settings, "NAME": str(path)}
    connections.settings["default"] = on_file
    connections["default"] = load_backend(on_file["ENGINE"]).DatabaseWrapper(on_file, "default")
    try:
        yield f"sqlite:///{path}"
    finally:
        connections["default"].close()
        connections["default"] = memory
        connections.settings["default"] = saved_settings


def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict["USER"] or "")
    password = quote(settings_dict["PASSWORD"] or "")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'])}"


def at_once(*works, timeout: float = 60) -> list:
    """Run each callable in its own thread, released together by a barrier; their results.

    Each thread opens its own database connection and closes it at its end. Raises an
    ExceptionGroup with every error a thread raised.
    """
    barrier = threading.Barrier(len(works), timeout=timeout)
    results: list = [None] * len(works)
    errors: list[Exception] = []

    def run(index, work):
        try:
            barrier.wait()
            results[index] = work()
        except Exception as error:  # a thread's exception is lost unless kept
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, work), name=f"worker-{index}")
        for index, work in enumerate(works)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a worker thread is stuck"
    if errors:
        raise ExceptionGroup(f"{len(errors)} of {len(works)} workers failed", errors)
    return results
