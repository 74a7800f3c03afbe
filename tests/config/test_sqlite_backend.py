"""config/sqlite3: Django's SQLite backend, converting each statement's placeholders once.

The backend is built here from its own settings (an in-memory database), whatever
database the rest of the suite runs on: these run on both of CI's passes."""

import pytest
from django.db.backends.sqlite3.base import SQLiteCursorWrapper
from django.db.utils import ConnectionHandler

from config.sqlite3 import base


@pytest.fixture
def connection(django_db_blocker):
    handler = ConnectionHandler({"default": {"ENGINE": "config.sqlite3", "NAME": ":memory:"}})
    connection = handler["default"]
    assert isinstance(connection, base.DatabaseWrapper)
    # Not the suite's database: pytest-django's guard is for that one.
    with django_db_blocker.unblock():
        yield connection
        connection.close()


@pytest.mark.parametrize(
    ("query", "converted"),
    [
        ("SELECT %s", "SELECT ?"),
        ("SELECT %s, %s WHERE x LIKE '%%a'", "SELECT ?, ? WHERE x LIKE '%a'"),
        ("SELECT 1", "SELECT 1"),
    ],
)
def test_placeholders_are_converted_as_django_converts_them(query, converted):
    assert base.qmark(query) == converted
    assert SQLiteCursorWrapper.convert_query(None, query) == converted


def test_a_statement_run_again_is_converted_once(connection):
    base.qmark.cache_clear()
    with connection.cursor() as cursor:
        for number in range(3):
            cursor.execute("SELECT %s, '%%'", [number])
            assert cursor.fetchone() == (number, "%")

    assert base.qmark.cache_info().misses == 1
    assert base.qmark.cache_info().hits == 2


def test_named_parameters_still_work(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %(a)s + %(b)s", {"a": 2, "b": 3})
        assert cursor.fetchone() == (5,)
