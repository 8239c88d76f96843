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

from collections.abc import Sequence
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import DatabaseDefault


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
    with _cursor(db) as cursor:
        cursor.execute(sql, params)
        values = cursor.fetchall()
    for obj, row in zip(objs, values, strict=True):
        for field, value in zip(returned, row, strict=True):
            for converter in field.get_db_converters(db):
                value = converter(value, field, db)
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = db.alias


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
