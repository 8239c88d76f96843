"""New rows through a statement built once (decision 0132).

``save(force_insert=True)`` and ``bulk_create`` build their INSERT again on every call:
the compiler walks every field, quotes every name and, on PostgreSQL with Django's default
client-side binding, psycopg then writes every value into the text of the statement. In
the intake (one case, its contact, subscription, updates, assignment and audit events)
that was about a third of the request's Python time. :func:`insert_new` writes the new
objects of one model with the same values (each field's ``pre_save`` and
``get_db_prep_save``, as the ORM computes them) through a statement kept per model,
column set and row count. On PostgreSQL the values are bound by the server, so the
statement text is the same every time and psycopg prepares it after a few executions on
a connection: PostgreSQL then neither parses nor plans it again.

The statement runs through Django's cursor wrapper, so it is logged and counted like any
query (``CaptureQueriesContext``, ``connection.execute_wrapper``). No model signals are
sent (as with ``bulk_create``): the callers are services whose models have none.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import DatabaseDefault
from psycopg.errors import PipelineAborted


@cache
def _statement(vendor: str, table: str, columns: tuple[str, ...], rows: int,
               returning: tuple[str, ...]) -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    row = f"({', '.join(['%s'] * len(columns))})"
    # Names from the model's meta, quoted; every value is a parameter.
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
           f"VALUES {', '.join([row] * rows)}")
    if returning:
        sql += f" RETURNING {', '.join(quote(c) for c in returning)}"
    return sql


def _cursor(db: BaseDatabaseWrapper):
    """A cursor of ``db``; on PostgreSQL one that binds on the server (psycopg's
    ``Cursor``, which prepares a statement it has run five times), wrapped like Django's
    own so the statement is logged and counted."""
    if db.vendor != "postgresql":
        return db.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    db.ensure_connection()
    raw = ServerBindingCursor(db.connection)
    return db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)


def insert_new(objs: Sequence[models.Model]) -> None:
    """INSERT ``objs`` — new, validated instances of one model — in one statement, and set
    what the database gives back (the primary key, database defaults), as ``bulk_create``
    does. Their related objects must be saved already. Every object must leave the same
    fields to a database default (a ``db_default`` not set in Python)."""
    if not objs:
        return
    db = connections[DEFAULT_DB_ALIAS]
    meta = objs[0]._meta
    if not db.features.can_return_rows_from_bulk_insert:
        # The ORM knows how to find the new keys without RETURNING.
        meta.model._base_manager.bulk_create(objs)
        return
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert_new")
    pk = meta.pk
    fields = [f for f in meta.concrete_fields
              if f is not pk or getattr(objs[0], pk.attname) is not None]
    rows = [[f.pre_save(obj, True) for f in fields] for obj in objs]
    skipped = {i for i, value in enumerate(rows[0]) if isinstance(value, DatabaseDefault)}
    params = []
    for row in rows:
        for i, (field, value) in enumerate(zip(fields, row, strict=True)):
            if (i in skipped) != isinstance(value, DatabaseDefault):
                raise ValueError(f"{meta.label}.{field.name}: a database default for some "
                                 "objects only")
            if i not in skipped:
                params.append(field.get_db_prep_save(value, db))
    columns = tuple(f.column for i, f in enumerate(fields) if i not in skipped)
    returned = meta.db_returning_fields
    sql = _statement(db.vendor, meta.db_table, columns, len(objs),
                     tuple(f.column for f in returned))
    pending = getattr(db, _PENDING, None)
    cursor = _cursor(db)
    try:
        cursor.execute(sql, params)
    except BaseException:
        cursor.close()
        raise
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db.alias
    if pending is not None:
        # In a pipeline the rows come back when it ends (reading them now would wait).
        pending.append((cursor, objs, returned))
        return
    with cursor:
        _set_returned(db, objs, returned, cursor.fetchall())


def _set_returned(db: BaseDatabaseWrapper, objs: Sequence[models.Model],
                  returned: Sequence[models.Field], values: Sequence) -> None:
    for obj, row in zip(objs, values, strict=True):
        for field, value in zip(returned, row, strict=True):
            for converter in field.get_db_converters(db):
                value = converter(value, field, db)
            setattr(obj, field.attname, value)


# The Django connection's attribute holding the INSERTs of an open pipeline block.
_PENDING = "_yankao_pipeline_pending"


class _AbortedAfterError(logging.Filter):
    """psycopg warns "error ignored terminating Pipeline" when a pipeline block is left by
    an exception and the statements sent after the failed one come back aborted: that is
    the error being raised (a clash of a case number, retried), not news. The warning
    stays for any other error met while ending the pipeline."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not any(isinstance(arg, PipelineAborted) for arg in args)


logging.getLogger("psycopg").addFilter(_AbortedAfterError())


@contextmanager
def pipelined() -> Iterator[None]:
    """On PostgreSQL, the statements of the block go to the server without waiting for
    each other's answer (psycopg's pipeline mode), and the answers are read when the
    block ends: one round trip for the INSERTs of :func:`insert_new` instead of one each,
    which costs the worker and the server a context switch and a few system calls per
    statement. A statement whose rows are read at once (an ORM query) waits for those
    before it, as without the block. Use it inside a transaction.

    What the database gives back (the keys of new rows, their database defaults) is set
    on the objects when the block ends: inside it, a row that another must point at needs
    a key from :func:`reserve_keys`. An error of any statement is raised when the block
    ends (as Django's exception), and the transaction must then roll back, as it does
    when it leaves ``transaction.atomic`` with the error. Elsewhere, and in an inner
    block, the statements run one by one as without it."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or getattr(db, _PENDING, None) is not None:
        yield
        return
    db.ensure_connection()
    pending: list = []
    setattr(db, _PENDING, pending)
    try:
        with db.wrap_database_errors, db.connection.pipeline():
            yield
    except BaseException:
        for cursor, _objs, _returned in pending:
            cursor.close()
        raise
    finally:
        setattr(db, _PENDING, None)
    with db.wrap_database_errors:
        for cursor, objs, returned in pending:
            with cursor:
                _set_returned(db, objs, returned, cursor.fetchall())


def reserve_keys(*models_: type[models.Model]) -> list[int] | None:
    """A new primary key for each model (one per argument, in order), drawn from the
    tables' sequences in one statement, so that rows pointing at each other can be
    written in any order, and together in a :func:`pipelined` block. A reserved key not
    used is a gap in the numbering, as after a rollback. None where the database has no
    sequences (SQLite): write the rows one by one and read their keys back instead."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        return None
    params = []
    for model in models_:
        params += [model._meta.db_table, model._meta.pk.column]
    with _cursor(db) as cursor:
        cursor.execute(_reserve_statement(len(models_)), params)
        return list(cursor.fetchone())


@cache
def _reserve_statement(count: int) -> str:
    return "SELECT " + ", ".join(["nextval(pg_get_serial_sequence(%s, %s))"] * count)


@cache
def _update_statement(vendor: str, table: str, columns: tuple[str, ...], key: str) -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
    return f"UPDATE {quote(table)} SET {assignments} WHERE {quote(key)} = %s"  # noqa: S608 - names


def update_fields(obj: models.Model, names: Sequence[str]) -> None:
    """UPDATE the named fields of a saved ``obj`` by its primary key, through a statement
    kept like :func:`insert_new`'s (``save(update_fields=…)`` without building it)."""
    db = connections[DEFAULT_DB_ALIAS]
    meta = obj._meta
    fields = [meta.get_field(name) for name in names]
    params = [f.get_db_prep_save(f.pre_save(obj, False), db) for f in fields]
    params.append(meta.pk.get_db_prep_value(obj.pk, db))
    with _cursor(db) as cursor:
        cursor.execute(_update_statement(db.vendor, meta.db_table,
                                         tuple(f.column for f in fields), meta.pk.column),
                       params)
