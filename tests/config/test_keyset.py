"""config/keyset.py: the one cursor for keyset pages (categories, notifications, requests)."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from config.keyset import decode_cursor, encode_cursor

instants = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)
ids = st.integers(min_value=1, max_value=2**63 - 1)


@given(instants, ids)
def test_an_instant_comes_back_exactly(at, pk):
    assert decode_cursor(encode_cursor(at, pk)) == (at, pk)


@given(st.integers(min_value=-(2**31) + 1, max_value=2**31 - 1), ids)
def test_a_count_comes_back_exactly_even_below_zero(count, pk):
    assert decode_cursor(encode_cursor(count, pk), integer=True) == (count, pk)


@given(st.text())
def test_any_text_decodes_to_a_cursor_or_to_none(text):
    assert decode_cursor(text) is None or isinstance(decode_cursor(text)[0], datetime)
    assert decode_cursor(text, integer=True) is None or isinstance(
        decode_cursor(text, integer=True)[0], int
    )


def test_a_count_outside_the_column_is_no_cursor():
    assert decode_cursor(f"{2**31}.1", integer=True) is None
    assert decode_cursor("-5.1") is None  # an instant has no sign
