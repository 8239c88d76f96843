"""Error pages in the site's own layout; API and protocol paths get their own format
(:mod:`yankao.core.protocols`).

A database that cannot be reached for a moment (a restart, a failover, a connection the
server ended, a lock or statement timeout, SQLite busy) is answered 503 with
``Retry-After``, not 500: the client may try again, and an Open311 client that sends a
``token`` gets its first case back instead of a second (decision 0148)."""

import sqlite3
import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from yankao.core.errors import TITLES, ErrorCode
from yankao.core.protocols import protocol_refusal, refusal

# Seconds a client is asked to wait before trying again after a 503.
RETRY_AFTER = 5

# SQLite's result codes (the primary code, before any "_" suffix) of a database busy,
# locked, out of reach or full: a moment's unavailability. Any other SQLite error (a
# missing table, a malformed statement) is the server's own error, a 500.
SQLITE_UNAVAILABLE = {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_CANTOPEN",
                      "SQLITE_FULL", "SQLITE_PROTOCOL"}

# PostgreSQL's SQLSTATEs (PostgreSQL 15, Appendix A) of a moment's unavailability, by
# class or code: 08 connection exception, 40 transaction rollback (a deadlock, a
# serialization failure), 53 insufficient resources (too many connections, disk full, out
# of memory), 57 operator intervention (a shutdown, a cancelled statement, the server
# starting), 58 system error (I/O), 55P03 lock_not_available (a lock timeout).
POSTGRES_UNAVAILABLE = ("08", "40", "53", "57", "58", "55P03")


def bad_request(request: HttpRequest, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return refusal(request, 413, _("The request is larger than this server accepts."))
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return refusal(request, 400, _("The request has more fields or files than this "
                                       "server accepts."))
    return refusal(request, 400, _("The request could not be read."))


def forbidden(request: HttpRequest, exception=None):
    return refusal(request, 403, str(exception) if exception and str(exception) else "")


def not_found(request: HttpRequest, exception=None):
    return refusal(request, 404, "")


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` is the database being out of reach for a moment rather than a
    fault of the server: Django's InterfaceError (a connection already closed), or its
    OperationalError when the driver's error is a connection lost or refused before any
    answer (no SQLSTATE), one of :data:`POSTGRES_UNAVAILABLE`, or SQLite busy or locked
    (:data:`SQLITE_UNAVAILABLE`). psycopg raises OperationalError for other classes too (a
    program limit exceeded, a wrong password, a savepoint misused): those stay 500s."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        # "SQLITE_BUSY_SNAPSHOT" → "SQLITE_BUSY"
        primary = "_".join((getattr(cause, "sqlite_errorname", "") or "").split("_")[:2])
        return primary in SQLITE_UNAVAILABLE
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(POSTGRES_UNAVAILABLE)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500, called while the exception is being handled (it has been
    logged): 503 with Retry-After when the database is unavailable, else 500; in the
    protocol's format on its paths. Pages get a page with no template context
    processors: the failure may be in one of them, or in the database they read."""
    from django.template import loader

    unavailable = database_unavailable(sys.exc_info()[1])
    status = 503 if unavailable else 500
    code = ErrorCode.UNAVAILABLE if unavailable else ErrorCode.SERVER_ERROR
    response = protocol_refusal(request, status, str(TITLES[code]))
    if response is None:
        template = "core/503.html" if unavailable else "core/500.html"
        response = HttpResponse(loader.get_template(template).render(), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER)
    return response
