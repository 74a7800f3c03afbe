"""The PostgreSQL backend's health check (config/postgresql/base.py): no round trip for a
healthy connection, a new connection when the server has ended the old one; and the
connection options settings give it (config/postgresql/__init__.py).

These talk to PostgreSQL on both of CI's passes: the backend is built here from its own
settings, whatever database the rest of the suite runs on."""

import socket
import time

import psycopg
import pytest
from django.db.utils import ConnectionHandler

from config.postgresql import postgresql_options
from config.postgresql.base import DatabaseWrapper, TimestamptzLoader
from tests.conftest import require_service

SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def _reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def wrapper(django_db_blocker):
    yield from _wrapper(django_db_blocker, options={})


@pytest.fixture(params=[True, False], ids=["prepared", "not prepared"])
def configured(request, django_db_blocker):
    """A connection with the options settings give it, prepared statements on or off."""
    options = postgresql_options(prepared=request.param, jit=False)
    for connection in _wrapper(django_db_blocker, options=options):
        yield connection, request.param


def _wrapper(django_db_blocker, *, options):
    require_service("PostgreSQL", _reachable(), "start it: it listens on 127.0.0.1:5432 on CI")
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "config.postgresql",
                "NAME": "postgres",
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": 5432,
                "CONN_MAX_AGE": 60,
                "CONN_HEALTH_CHECKS": True,
                "OPTIONS": options,
            }
        }
    )
    connection = handler["default"]
    assert isinstance(connection, DatabaseWrapper)
    # Not the suite's database: pytest-django's guard is for that one.
    with django_db_blocker.unblock():
        yield connection
        connection.close()


@pytest.fixture
def observer():
    with psycopg.connect(SERVER, autocommit=True) as conn:
        yield conn


def _new_request(connection):
    """What Django does between requests for a kept connection (request_started)."""
    connection.close_if_unusable_or_obsolete()


def _last_statement(observer, pid: int) -> str:
    row = observer.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return row[0] if row else ""


def _pid(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid() /* handoff health check test */")
        return cursor.fetchone()[0]


def test_a_healthy_kept_connection_is_checked_without_a_round_trip(wrapper, observer):
    pid = _pid(wrapper)
    _new_request(wrapper)
    assert wrapper.health_check_done is False

    wrapper.close_if_health_check_failed()  # what the request's first query does first

    assert wrapper.health_check_done is True
    assert wrapper.connection is not None
    # Django's own check sends "SELECT 1"; the server saw nothing after our query.
    assert _last_statement(observer, pid).startswith("SELECT pg_backend_pid()")
    assert _pid(wrapper) == pid


def test_a_connection_the_server_ended_is_replaced_before_the_next_query(wrapper, observer):
    pid = _pid(wrapper)
    observer.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while _last_statement(observer, pid) and time.monotonic() < deadline:
        time.sleep(0.02)

    _new_request(wrapper)
    new_pid = _pid(wrapper)  # no error reaches the request

    assert new_pid != pid


def test_a_connection_left_in_a_failed_transaction_is_not_reused(wrapper):
    pid = _pid(wrapper)
    wrapper.connection.autocommit = False
    with pytest.raises(psycopg.errors.DivisionByZero):
        wrapper.connection.execute("SELECT 1 / 0")

    assert wrapper.is_usable() is False
    wrapper.connection.rollback()
    wrapper.connection.autocommit = True
    assert wrapper.is_usable() is True
    assert _pid(wrapper) == pid


def test_a_query_a_connection_repeats_is_prepared_on_the_server(configured):
    """Django turns psycopg's preparing off unless OPTIONS give a threshold: without one,
    every run of the thread page's statement was parsed and planned again (0.5 ms of
    planning for 0.2 of running)."""
    connection, prepared = configured
    sql = "SELECT %s::int + 1 /* handoff prepared statement test */"
    with connection.cursor() as cursor:
        for number in range(6):
            cursor.execute(sql, [number])
            assert cursor.fetchone() == (number + 1,)
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%handoff prepared statement test%"],
        )
        (count,) = cursor.fetchone()
        cursor.execute("SHOW jit")
        (jit,) = cursor.fetchone()

    assert count == (1 if prepared else 0)
    assert jit == "off"


TIMESTAMPS = [
    "2026-12-07 12:34:56.123456+00",
    "2026-03-29 01:30:00+01",  # an offset: converted to the connection's zone (UTC)
    "1999-12-31 23:59:59.999999-08",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59+00",
]


@pytest.mark.parametrize("text", TIMESTAMPS)
def test_timestamps_read_as_djangos_own_loader_reads_them(wrapper, text):
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    with wrapper.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [text])
        ours = cursor.fetchone()[0]
        loader = wrapper.connection.adapters.get_loader(1184, psycopg.pq.Format.TEXT)
        register_tzloader(wrapper.timezone, cursor.cursor)  # Django's, on this cursor only
        cursor.execute("SELECT %s::timestamptz", [text])
        djangos = cursor.fetchone()[0]

    assert issubclass(loader, TimestamptzLoader)  # the C parser's, not Django's Python one
    assert ours == djangos
    assert ours.tzinfo is djangos.tzinfo is wrapper.timezone
