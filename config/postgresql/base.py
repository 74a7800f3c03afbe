"""Django's PostgreSQL backend with a health check that costs no round trip.

With `CONN_HEALTH_CHECKS` on, Django checks a kept connection before the first query of
every request, and its PostgreSQL backend does so by sending `SELECT 1`: a round trip to
the server on every request, as much as a page's own query costs (bench/README.md). The
check here asks the socket instead. A connection that sits idle between requests has
nothing to read: when the server goes away (a restart, an administrator ending the
backend, an idle timeout) it sends its farewell and closes, and the socket turns
readable. So a readable socket, a connection libpq already knows is bad, or a
transaction left in an unknown state means "open a new one"; an idle, quiet socket
means it is fine. What neither check can see (a peer that vanished without a word) shows
as an error on the first query, after which Django closes the connection as it always
has.

And timestamps read by the C loader of psycopg[binary]. Django registers a loader for
`timestamptz` that sets the connection's time zone on every value; it subclasses
psycopg's pure-Python loader (the C one cannot be subclassed), so every timestamp was
parsed in Python, 24 of them on a member's thread page. `TimestamptzLoader` parses with
the C loader and sets the time zone as Django's does: the same values.
"""

import select

from django.db.backends.postgresql import base
from psycopg import adapt, pq
from psycopg.types import datetime as python_datetime

try:  # psycopg[binary] (pyproject.toml); without it, psycopg's own loader
    from psycopg_binary._psycopg import TimestamptzLoader as _ParsingLoader
except ImportError:  # pragma: no cover
    _ParsingLoader = python_datetime.TimestamptzLoader


class TimestamptzLoader(adapt.Loader):
    """Django's timestamptz loader (postgresql.psycopg_any.BaseTzLoader): the value
    psycopg reads, given the time zone `timezone` (Django's create_cursor compares it
    with the connection's to decide whether a cursor needs a loader of its own)."""

    timezone = None

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._parse = _ParsingLoader(oid, context).load

    def load(self, data):
        return self._parse(data).replace(tzinfo=self.timezone)


def _loader_for(tz) -> type[TimestamptzLoader]:
    return type("SpecificTimestamptzLoader", (TimestamptzLoader,), {"timezone": tz})


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.adapters.register_loader("timestamptz", _loader_for(self.timezone))
        return connection

    def is_usable(self):
        if self.connection is None:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        if pgconn.transaction_status not in (
            pq.TransactionStatus.IDLE,
            pq.TransactionStatus.INTRANS,
        ):
            return False
        try:
            readable, _, _ = select.select([pgconn.socket], [], [], 0)
        except (OSError, ValueError):  # a closed descriptor
            return False
        return not readable
