"""The PostgreSQL backend's health check (decision 0147): no round trip for a healthy
connection, and a connection the server ended is replaced before the request's query."""

import time

import pytest
from django.core.signals import request_started
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_healthy_connection_is_checked_without_asking_the_server(second_connection):
    assert connection.settings_dict["ENGINE"] == "yankao.core.postgres"
    pid = backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement'")
    assert connection.is_usable()
    last = second_connection.execute("SELECT query FROM pg_stat_activity WHERE pid = %s",
                                     [pid]).fetchone()
    assert last == ("SELECT 'the last statement'",)


def test_a_connection_the_server_ended_is_replaced_at_the_next_request(second_connection):
    pid = backend_pid()
    assert connection.is_usable()
    second_connection.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connection.is_usable()
    # A new request: Django runs the health check before the first query, on a kept
    # connection, and opens another when it fails; the request's query succeeds.
    request_started.send(sender=None)
    assert backend_pid() != pid
