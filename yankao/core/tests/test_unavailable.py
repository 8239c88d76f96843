"""A database out of reach for a moment is a 503 with Retry-After, in the format of the
protocol the request speaks; any other failure stays a 500 (core/errorviews.py).

The handler is called as Django calls it, while a real exception is being handled: the
errors below come from a real SQLite database held by another connection, a real missing
table, and a real refused PostgreSQL connection."""

import contextlib
import json
import sqlite3

import psycopg
import pytest
from defusedxml import ElementTree as ET
from django.db import IntegrityError, InterfaceError, OperationalError
from django.test import RequestFactory
from psycopg import errors

from yankao.core.errorviews import RETRY_AFTER, database_unavailable, server_error
from yankao.core.tests.test_cli import free_port


def wrapped(error: Exception) -> OperationalError:
    """Django's exception for a driver's error, as its wrapper raises it (the driver's
    error as the cause)."""
    try:
        raise OperationalError(*error.args) from error
    except OperationalError as django_error:
        return django_error


def raised(action) -> Exception:
    """The driver's error ``action`` raises."""
    try:
        action()
    except (sqlite3.Error, psycopg.Error) as error:
        return error
    raise AssertionError("the database refused nothing")


def sqlite_busy(tmp_path) -> Exception:
    path = tmp_path / "held.sqlite3"
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as holder, \
            contextlib.closing(sqlite3.connect(path, timeout=0)) as other:
        holder.execute("CREATE TABLE t (x)")
        holder.execute("BEGIN EXCLUSIVE")
        return raised(lambda: other.execute("SELECT * FROM t"))


def sqlite_missing_table() -> Exception:
    with contextlib.closing(sqlite3.connect(":memory:")) as database:
        return raised(lambda: database.execute("SELECT * FROM no_such_table"))


def postgres_refused() -> Exception:
    # A port nothing listens on.
    return raised(lambda: psycopg.connect(host="127.0.0.1", port=free_port(), dbname="x",
                                          connect_timeout=2))


def test_what_counts_as_the_database_out_of_reach(tmp_path):
    busy = sqlite_busy(tmp_path)
    assert busy.sqlite_errorname == "SQLITE_BUSY"
    assert database_unavailable(wrapped(busy))
    assert database_unavailable(wrapped(postgres_refused()))
    assert database_unavailable(InterfaceError("connection already closed"))
    # PostgreSQL's answers, by SQLSTATE.
    for error in (errors.DeadlockDetected, errors.SerializationFailure, errors.AdminShutdown,
                  errors.QueryCanceled, errors.TooManyConnections, errors.LockNotAvailable,
                  errors.CannotConnectNow, errors.IoError):
        assert database_unavailable(wrapped(error("x"))), error
    # The server's own faults stay 500s.
    for error in (errors.ProgramLimitExceeded, errors.InvalidPassword,
                  errors.InvalidSavepointSpecification, errors.ObjectInUse):
        assert not database_unavailable(wrapped(error("x"))), error
    assert not database_unavailable(wrapped(sqlite_missing_table()))
    assert not database_unavailable(IntegrityError("duplicate key"))
    assert not database_unavailable(ValueError("a bug"))
    assert not database_unavailable(None)


def answer(path: str, error: Exception):
    """server_error's response to a request of ``path`` while ``error`` is handled."""
    request = RequestFactory().post(path)
    try:
        raise error
    except (OperationalError, ValueError):
        return server_error(request)


@pytest.mark.parametrize("unavailable", [True, False])
def test_each_protocol_gets_the_failure_in_its_own_format(tmp_path, unavailable):
    error = wrapped(sqlite_busy(tmp_path)) if unavailable else ValueError("a bug")
    status = 503 if unavailable else 500
    retry = str(RETRY_AFTER) if unavailable else None

    response = answer("/open311/v2/requests.json", error)
    assert (response.status_code, response.get("Retry-After")) == (status, retry)
    assert response["Content-Type"].startswith("application/json")
    [item] = json.loads(response.content)
    assert item["code"] == status and item["description"]

    response = answer("/open311/v2/requests.xml", error)
    assert (response.status_code, response.get("Retry-After")) == (status, retry)
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and root.find("error/code").text == str(status)

    response = answer("/api/v1/servicedesk/cases", error)
    assert (response.status_code, response.get("Retry-After")) == (status, retry)
    assert response["Content-Type"].startswith("application/problem+json")
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["code"] == ("unavailable" if unavailable else "server_error")

    response = answer("/servicedesk/report/", error)
    assert (response.status_code, response.get("Retry-After")) == (status, retry)
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert ("Service unavailable" in page) == unavailable
    assert ("Server error" in page) != unavailable
