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
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
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
