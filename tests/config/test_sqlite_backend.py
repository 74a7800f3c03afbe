"""config/sqlite3: Django's SQLite backend, converting each statement's placeholders once."""

import pytest
from django.db import connection

from config.sqlite3 import base

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "converted"),
    [
        ("SELECT %s", "SELECT ?"),
        ("SELECT %s, %s WHERE x LIKE '%%a'", "SELECT ?, ? WHERE x LIKE '%a'"),
        ("SELECT 1", "SELECT 1"),
    ],
)
def test_placeholders_are_converted_as_django_converts_them(query, converted):
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    assert base.qmark(query) == converted
    assert SQLiteCursorWrapper.convert_query(None, query) == converted


def test_a_statement_run_again_is_converted_once():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backend's own test; this run is on another database")
    base.qmark.cache_clear()
    with connection.cursor() as cursor:
        for number in range(3):
            cursor.execute("SELECT %s, '%%'", [number])
            assert cursor.fetchone() == (number, "%")

    assert base.qmark.cache_info().misses == 1
    assert base.qmark.cache_info().hits == 2


def test_named_parameters_still_work():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backend's own test; this run is on another database")
    with connection.cursor() as cursor:
        cursor.execute("SELECT %(a)s + %(b)s", {"a": 2, "b": 3})
        assert cursor.fetchone() == (5,)
