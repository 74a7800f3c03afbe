"""Escalation state: a default policy in wall-clock time, a way to ask at a given instant, and
the plumbing for running sweeps side by side."""

import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.db import connections
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
def shared_database():
    """The test database as other threads and processes can share it; yields its DATABASE_URL.

    Every thread that connects opens its own connection to it, as production's processes
    do: PostgreSQL's test database, or SQLite's test file (tests/settings.py never lets
    SQLite's test database live in memory, where a second connection is refused at once
    instead of waiting its turn), opened with production's settings (WAL, BEGIN
    """
    database = connections["default"]
    if database.vendor == "sqlite":
        assert not database.is_in_memory_db(), "tests/settings.py gives SQLite a test file"
        yield f"sqlite:///{database.settings_dict['NAME']}"
    else:
        yield _database_url(database.settings_dict)


def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict["USER"] or "")
    password = quote(settings_dict["PASSWORD"] or "")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'])}"


class Worker(threading.Thread):
    """A thread with its own database connection, closed at its end; keeps its result or error."""

    def __init__(self, work, *, name: str, barrier: threading.Barrier | None = None):
        super().__init__(name=name)
        self.work, self.barrier = work, barrier
        self.result, self.error = None, None

    def run(self):
        try:
            if self.barrier is not None:
                self.barrier.wait()
            self.result = self.work()
        except Exception as error:  # a thread's exception is lost unless kept
            self.error = error
        finally:
            connections.close_all()


def at_once(*works, timeout: float = 60) -> list:
    """Run each callable in its own Worker, released together by a barrier; their results.

    Raises an ExceptionGroup with every error a worker raised.
    """
    barrier = threading.Barrier(len(works), timeout=timeout)
    workers = [
        Worker(work, name=f"worker-{index}", barrier=barrier) for index, work in enumerate(works)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout)
    assert not any(worker.is_alive() for worker in workers), "a worker thread is stuck"
    if errors := [worker.error for worker in workers if worker.error is not None]:
        raise ExceptionGroup(f"{len(errors)} of {len(works)} workers failed", errors)
    return [worker.result for worker in workers]


class Pause:
    """Stops one named thread at its first call of `owner.name`, until released."""

    def __init__(self, monkeypatch, owner, name: str, *, thread_name: str):
        self.reached, self.released = threading.Event(), threading.Event()
        real = getattr(owner, name)

        def paused(*args, **kwargs):
            if threading.current_thread().name == thread_name and not self.reached.is_set():
                self.reached.set()
                self.released.wait(60)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, paused)

    def wait(self) -> None:
        assert self.reached.wait(30), "the thread never got there"

    def release(self) -> None:
        self.released.set()
