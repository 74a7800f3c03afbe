"""Cursors for keyset pagination by (created_at, pk), newest first: "older than this row".

A cursor is the row's instant in microseconds since the epoch and its id, "<micros>.<pk>":
opaque enough for a URL, exact to the microsecond, and decoded without trusting it.
"""

from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(created_at: datetime, pk: int) -> str:
    return f"{(created_at - _EPOCH) // timedelta(microseconds=1)}.{pk}"


def decode_cursor(value: str) -> tuple[datetime, int] | None:
    """The (created_at, pk) a cursor names; None for anything else (the first page)."""
    micros, _dot, pk = value.partition(".")
    if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()):
        return None
    if len(micros) > 18 or len(pk) > 18:
        return None
    try:
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:
        return None
