"""Writes in one round trip (decision 0147) and one statement (decision 0151):
``insert_new`` inside ``pipelined()`` and keys drawn ahead with ``reserve_keys``, on
PostgreSQL; on SQLite both leave the writes as they were, one by one."""

import datetime
import logging

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from yankao.core.inserts import insert_new, pipelined, reserve_keys
from yankao.core.models import ClosureDay, Notification

FIRST = datetime.date(2031, 1, 6)


def closure(n: int, **fields) -> ClosureDay:
    day = ClosureDay(date=FIRST + datetime.timedelta(days=n), reason=f"typhoon {n}", **fields)
    day.full_clean(validate_unique=False)
    return day


def notice(key: str) -> Notification:
    return Notification(kind="test", recipient="a@example.org", subject="s", body="b",
                        dedupe_key=key)


def statements(context: CaptureQueriesContext) -> list[str]:
    """The block's statements, without the savepoint of the test's transaction."""
    return [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"]]


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("pipeline mode and sequences are PostgreSQL's")


@pytest.mark.django_db
def test_the_rows_of_a_pipeline_get_their_keys_when_it_ends():
    postgresql_only()
    days = [closure(0), closure(1)]
    with transaction.atomic(), pipelined():
        insert_new(days[:1])
        insert_new(days[1:])
        # Sent, not yet read: reading would wait for the server.
        assert [day.pk for day in days] == [None, None]
    assert all(day.pk is not None and not day._state.adding for day in days)
    stored = ClosureDay.objects.filter(pk__in=[day.pk for day in days])
    assert sorted(d.reason for d in stored) == ["typhoon 0", "typhoon 1"]
    # Each object got its own row's key, in the order sent.
    assert days[0].pk < days[1].pk


@pytest.mark.django_db
def test_a_query_inside_the_pipeline_sees_the_rows_sent_before_it():
    postgresql_only()
    with transaction.atomic(), pipelined():
        insert_new([closure(0)])
        assert ClosureDay.objects.filter(date=FIRST).count() == 1


@pytest.mark.django_db
def test_reserved_keys_are_new_and_used_as_given():
    postgresql_only()
    keys = reserve_keys(ClosureDay, Notification, ClosureDay)
    assert len(keys) == 3 and keys[0] < keys[2] and len(set(keys)) == 3
    again = reserve_keys(ClosureDay)
    assert again[0] > keys[2]
    day = closure(0, pk=keys[0])
    with transaction.atomic(), pipelined():
        insert_new([day])
    assert day.pk == keys[0] and ClosureDay.objects.get(pk=keys[0]).date == FIRST


@pytest.mark.django_db
def test_the_inserts_of_a_block_are_one_statement():
    postgresql_only()
    day, notices = closure(0), [notice("one"), notice("two"), notice("three")]
    with CaptureQueriesContext(connection) as context, transaction.atomic(), pipelined():
        insert_new([day])
        insert_new(notices[:1])
        insert_new(notices[1:])
    sent = statements(context)
    assert len(sent) == 1 and sent[0].startswith("WITH s0 AS (INSERT INTO")
    # Each object got its own row's key, in the order of its INSERT's rows.
    keys = [n.pk for n in notices]
    assert None not in keys and keys[1] < keys[2] and day.pk is not None
    stored = dict(Notification.objects.filter(pk__in=keys).values_list("pk", "dedupe_key"))
    assert [stored[k] for k in keys] == ["one", "two", "three"]


@pytest.mark.django_db
def test_rows_with_reserved_keys_and_every_field_given_are_not_read_back():
    postgresql_only()
    day = closure(0)
    day.pk, = reserve_keys(ClosureDay)
    with CaptureQueriesContext(connection) as context, transaction.atomic(), pipelined():
        insert_new([day])
    assert "RETURNING" not in statements(context)[-1]
    with CaptureQueriesContext(connection) as context:
        insert_new([notice("alone")])
    assert statements(context)[-1].endswith('RETURNING "id"')


@pytest.mark.django_db
def test_a_statement_inside_the_block_runs_after_the_inserts_gathered_before_it():
    postgresql_only()
    days = [closure(0), closure(1)]
    with CaptureQueriesContext(connection) as context, transaction.atomic(), pipelined():
        insert_new(days[:1])
        insert_new([notice("one")])
        assert ClosureDay.objects.filter(date=FIRST).count() == 1
        insert_new(days[1:])
    sent = statements(context)
    assert sent[0].startswith('WITH s0 AS (INSERT INTO "core_closureday"')
    assert sent[1].startswith("SELECT COUNT(*)")
    assert sent[2].startswith('INSERT INTO "core_closureday"') and len(sent) == 3
    assert None not in [day.pk for day in days]


@pytest.mark.django_db
def test_a_clash_is_raised_as_djangos_error_when_the_pipeline_ends():
    postgresql_only()
    insert_new([closure(0)])
    later = closure(5)
    with pytest.raises(IntegrityError) as raised, transaction.atomic(), pipelined():
        insert_new([closure(0)])
        insert_new([later])
    cause = raised.value.__cause__
    assert cause.sqlstate == "23505" and cause.diag.table_name == "core_closureday"
    assert later.pk is None
    assert ClosureDay.objects.count() == 1
    # The connection is usable after the rollback.
    assert ClosureDay.objects.filter(date=FIRST).exists()


@pytest.mark.django_db
def test_a_clash_met_by_a_query_inside_the_pipeline_logs_no_warning(caplog):
    """A query inside the block waits for the statements before it, so a clash is raised
    there; ending the pipeline then finds the rest aborted, which psycopg would log as
    a warning each time (a retried clash is not news)."""
    postgresql_only()
    insert_new([closure(0)])
    caplog.set_level(logging.WARNING, logger="psycopg")
    with pytest.raises(IntegrityError), transaction.atomic(), pipelined():
        insert_new([closure(0)])
        insert_new([closure(1)])
        ClosureDay.objects.count()
    assert [r for r in caplog.records if r.name == "psycopg"] == []
    assert ClosureDay.objects.count() == 1


@pytest.mark.django_db
def test_an_inner_block_runs_inside_the_outer_pipeline():
    postgresql_only()
    days = [closure(0), closure(1)]
    with transaction.atomic(), pipelined():
        insert_new(days[:1])
        with pipelined():
            insert_new(days[1:])
        assert days[1].pk is None
    assert None not in [day.pk for day in days]


@pytest.mark.django_db
def test_on_sqlite_the_block_changes_nothing():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's behaviour")
    assert reserve_keys(ClosureDay) is None
    day = closure(0)
    with transaction.atomic(), pipelined():
        insert_new([day])
        assert day.pk is not None
    with pytest.raises(IntegrityError), transaction.atomic(), pipelined():
        insert_new([closure(0)])
