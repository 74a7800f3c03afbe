"""Cursors for keyset pagination, newest (or largest) first: "after this row".

A cursor names a row by its sort value and its id, "<value>.<pk>": an instant as
microseconds since the epoch (exact to the microsecond), or an integer column's value
(a vote count, which may be negative). Opaque enough for a URL, and decoded without
trusting it: anything else, or anything out of the column's range, is no cursor (None),
and the page shows its start.
"""

from datetime import UTC, datetime, timedelta

from django.db.models import F, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_INT_MAX = 2**31 - 1  # an IntegerField: PostgreSQL refuses a comparison outside it
_BIGINT_MAX = 2**63 - 1  # a bigint id
_MAX_DIGITS = 19  # as many as _BIGINT_MAX has: no int() of a megabyte of digits


def encode_cursor(value: datetime | int, pk: int) -> str:
    """The cursor of a row whose sort value is `value` (an instant or an integer)."""
    if isinstance(value, datetime):
        value = (value - _EPOCH) // timedelta(microseconds=1)
    return f"{value}.{pk}"


def decode_cursor(value: str, *, integer: bool = False) -> tuple[datetime | int, int] | None:
    """The (sort value, pk) a cursor names, None for anything else (the first page).

    The sort value is an instant, or with `integer` an integer column's value.
    """
    head, _dot, pk = value.partition(".")
    digits = head.removeprefix("-") if integer else head
    if not (_is_number(digits) and _is_number(pk)) or not 0 < int(pk) <= _BIGINT_MAX:
        return None
    if integer:
        number = int(head)
        return (number, int(pk)) if abs(number) <= _INT_MAX else None
    try:
        return _EPOCH + timedelta(microseconds=int(digits)), int(pk)
    except OverflowError:
        return None


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS


def beyond(field: str, value: datetime | int, pk: int, *, newer: bool = False) -> Q:
    """The rows past the one at (value, pk): in newest-first order `(field, id) < (value,
    pk)`, or with `newer` the other way.

    Written so that an index on (…, field, id) seeks to the cursor: PostgreSQL gets the
    row comparison itself (Django's tuple lookups, which it compares as a row); SQLite,
    where Django writes the comparison out as `field < value OR (field = value AND id <
    pk)`, gets the bound `field <= value` beside it. As the OR alone, PostgreSQL read the
    index from its start and filtered every row before the cursor: page 61 of a category
    read 1,831 threads to show 31 (tests/config/test_keyset.py).
    """
    rows, cursor = Tuple(F(field), F("pk")), (value, pk)
    if newer:
        return Q(**{f"{field}__gte": value}) & Q(TupleGreaterThan(rows, cursor))
    return Q(**{f"{field}__lte": value}) & Q(TupleLessThan(rows, cursor))
