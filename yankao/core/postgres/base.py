"""Django's PostgreSQL backend with a health check that asks the server nothing while
there is nothing to ask about (decision 0147).

Django checks a kept connection before the first query of each request
(``CONN_HEALTH_CHECKS``) by running ``SELECT 1``: a round trip to the server for every
request that touches the database, which in the Open311 intake was one of eleven. A server
that ends a connection — restarted, or the session terminated by an administrator — sends
the client an error and closes its end, so the connection's socket becomes readable: the
check here looks at the socket without waiting (``select`` with no timeout) and asks the
server with Django's ``SELECT 1`` only if something arrived unasked, or psycopg already
knows the connection is bad. A connection whose server vanished without a word (a cut
cable) is no better served by ``SELECT 1``, which would wait as long as the first query.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if readable:
            # An error, a notice or the end of the stream came unasked: ask for real.
            return super().is_usable()
        return True
