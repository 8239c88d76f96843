"""New rows through a statement built once (decision 0132).

``save(force_insert=True)`` and ``bulk_create`` build their INSERT again on every call:
the compiler walks every field, quotes every name and, on PostgreSQL with Django's default
client-side binding, psycopg then writes every value into the text of the statement. In
the intake (one case, its contact, subscription, updates, assignment and audit events)
that was about a third of the request's Python time. :func:`insert_new` writes the new
objects of one model with the same values (each field's ``pre_save`` and
``get_db_prep_save``, as the ORM computes them; a str, int or bool in one of Django's own
fields that sends it unchanged skips the call, see ``_PLAIN_TYPES``) through a statement
kept per model, column set and row count. On PostgreSQL the values are bound by the
server, so the statement text is the same every time and psycopg prepares it after a few
executions on a connection: PostgreSQL then neither parses nor plans it again.

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


def _parameter_marks(vendor: str, count: int, first: int = 1) -> list[str]:
    """The markers of ``count`` parameters: PostgreSQL's own (``$1``, …, numbered from
    ``first``), which psycopg passes on as they are (see :func:`_cursor`), or ``%s``."""
    if vendor == "postgresql":
        return [f"${n}" for n in range(first, first + count)]
    return ["%s"] * count


@cache
def _statement(vendor: str, table: str, columns: tuple[str, ...], rows: int,
               returning: tuple[str, ...], first: int = 1) -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    marks = iter(_parameter_marks(vendor, len(columns) * rows, first))
    values = ", ".join(f"({', '.join(next(marks) for _c in columns)})" for _r in range(rows))
    # Names from the model's meta, quoted; every value is a parameter.
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
           f"VALUES {values}")
    if returning:
        sql += f" RETURNING {', '.join(quote(c) for c in returning)}"
    return sql


def _cursor(db: BaseDatabaseWrapper):
    """A cursor of ``db``; on PostgreSQL psycopg's ``RawCursor``: the values are bound by
    the server, so the statement's text is the same every time and psycopg prepares it
    once it has run five times on the connection; and its parameter markers are
    PostgreSQL's own, so psycopg does not parse the text for them on every execution (it
    keeps the parse only of statements shorter than 4 kB with at most 50 parameters, and
    an intake's statement is longer). Wrapped like Django's own cursors, so the statement is
    logged and counted."""
    if db.vendor != "postgresql":
        return db.cursor()
    from psycopg import RawCursor

    db.ensure_connection()
    raw = RawCursor(db.connection)
    return db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)


def insert_new(objs: Sequence[models.Model]) -> None:
    """INSERT ``objs`` — new, validated instances of one model — in one statement, and set
    what the database gives back (the primary key, database defaults), as ``bulk_create``
    does. Their related objects must be saved already (or have reserved keys, inside
    :func:`pipelined`). Every object must leave the same fields to a database default (a
    ``db_default`` not set in Python). Only what the database chose is read back: nothing
    at all for rows whose keys were reserved and whose every field was given."""
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
    keyed = getattr(objs[0], pk.attname) is not None
    fields, plain = _insert_fields(meta.model, keyed, db.alias)
    rows = [[f.pre_save(obj, True) for f in fields] for obj in objs]
    skipped = {i for i, value in enumerate(rows[0]) if isinstance(value, DatabaseDefault)}
    params = []
    for row in rows:
        for i, (field, value, (kind, wrap)) in enumerate(zip(fields, row, plain,
                                                              strict=True)):
            if (i in skipped) != isinstance(value, DatabaseDefault):
                raise ValueError(f"{meta.label}.{field.name}: a database default for some "
                                 "objects only")
            if i not in skipped:
                params.append(_db_value(field, kind, wrap, value, db))
    columns = tuple(f.column for i, f in enumerate(fields) if i not in skipped)
    defaulted = {fields[i] for i in skipped}
    returned = tuple(f for f in meta.db_returning_fields
                     if (f is pk and not keyed) or f in defaulted)
    part = (meta.db_table, columns, len(objs), tuple(f.column for f in returned))
    batch = getattr(db, _BATCH, None)
    if batch is not None:
        # Sent with the block's other INSERTs, as one statement (see pipelined).
        batch.add(part, params, objs, returned)
        _mark_saved(db, objs)
        return
    with _cursor(db) as cursor:
        cursor.execute(_statement(db.vendor, *part), params)
        _mark_saved(db, objs)
        if returned:
            _set_returned(db, objs, returned, cursor.fetchall())


# Django's own fields whose ``get_db_prep_save`` gives back a value of one plain type as it
# is, or as an int of the column's size on PostgreSQL (psycopg's ``Int4``, …), and None as
# None: ``insert_new`` passes such values on without the call, which is most of an
# intake's values (test_inserts.py compares the two for every such field of every model).
_PLAIN_TYPES = {
    **dict.fromkeys((models.CharField, models.TextField, models.EmailField, models.SlugField,
                     models.URLField), str),
    **dict.fromkeys((models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
                     models.PositiveIntegerField, models.PositiveBigIntegerField,
                     models.PositiveSmallIntegerField, models.AutoField, models.BigAutoField,
                     models.SmallAutoField), int),
    models.BooleanField: bool,
}


def _plain(field: models.Field, db: BaseDatabaseWrapper) -> tuple[type | None, type | None]:
    """The plain type of the values that ``field`` sends to the database unchanged (a
    foreign key sends its target's), or None; and the type it wraps them in on ``db``,
    if any: the integer fields' on PostgreSQL, asked of the field itself once."""
    if type(field) is models.ForeignKey:
        field = field.target_field
    kind = _PLAIN_TYPES.get(type(field))
    if kind is not int:
        return kind, None
    wrapped = type(field.get_db_prep_save(1, db))
    return kind, None if wrapped is int else wrapped


def _db_value(field: models.Field, kind: type | None, wrap: type | None, value,
              db: BaseDatabaseWrapper):
    """``value`` as ``field.get_db_prep_save`` gives it, without the call where
    :func:`_plain` says it would change nothing but ``wrap`` it (``kind`` and ``wrap``)."""
    if kind is not None and value is None:
        return None
    if type(value) is kind:
        return value if wrap is None else wrap(value)
    return field.get_db_prep_save(value, db)


@cache
def _insert_fields(model: type[models.Model], keyed: bool, alias: str
                   ) -> tuple[list[models.Field], list[tuple[type | None, type | None]]]:
    """The fields an INSERT of ``model`` writes (its primary key when ``keyed``) and, for
    each, what :func:`_plain` says of it on the database ``alias``."""
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk or keyed]
    return fields, [_plain(f, connections[alias]) for f in fields]


def _mark_saved(db: BaseDatabaseWrapper, objs: Sequence[models.Model]) -> None:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db.alias


def _set_returned(db: BaseDatabaseWrapper, objs: Sequence[models.Model],
                  returned: Sequence[models.Field], values: Sequence) -> None:
    for obj, row in zip(objs, values, strict=True):
        for field, value in zip(returned, row, strict=True):
            for converter in field.get_db_converters(db):
                value = converter(value, field, db)
            setattr(obj, field.attname, value)


# The Django connection's attribute holding the open pipeline block's INSERTs.
_BATCH = "_yankao_pipeline_batch"


class _Batch:
    """The INSERTs of a :func:`pipelined` block: gathered until the block ends or another
    statement is about to run, then sent as one statement (``WITH s0 AS (INSERT …), …``);
    the statements sent, with the objects waiting for what they return."""

    def __init__(self, db: BaseDatabaseWrapper):
        self.db = db
        self.parts: list[tuple] = []
        self.params: list = []
        self.waiting: list[tuple] = []
        self.sent: list = []

    def add(self, part: tuple, params: list, objs: Sequence[models.Model],
            returned: Sequence[models.Field]) -> None:
        self.parts.append(part)
        self.params += params
        self.waiting.append((objs, returned))

    def send(self) -> None:
        """Send the gathered INSERTs (their answers are read when the block ends)."""
        if not self.parts:
            return
        parts, params, waiting = tuple(self.parts), self.params, self.waiting
        self.parts, self.params, self.waiting = [], [], []
        if len(parts) == 1:
            sql = _statement(self.db.vendor, *parts[0])
        else:
            sql = _gathered_statement(self.db.vendor, parts)
        cursor = _cursor(self.db)
        self.sent.append((cursor, len(parts) > 1, waiting))
        cursor.execute(sql, params)

    def send_first(self, execute, sql, params, many, context):
        """Django's execute wrapper for the block: another statement (an ORM query, a
        statement of :func:`reserve_keys`) runs after the INSERTs gathered before it, so
        it sees their rows as without the block."""
        self.send()
        return execute(sql, params, many, context)

    def close(self) -> None:
        for cursor, _gathered, _waiting in self.sent:
            cursor.close()

    def read(self) -> None:
        """Set on the objects what the database gave back (after the pipeline's end)."""
        for cursor, gathered, waiting in self.sent:
            with cursor:
                if not any(returned for _objs, returned in waiting):
                    continue
                if not gathered:
                    (objs, returned), = waiting
                    _set_returned(self.db, objs, returned, cursor.fetchall())
                    continue
                # One row: an array per returned column of each INSERT that returns any.
                arrays = iter(cursor.fetchone())
                for objs, returned in waiting:
                    if returned:
                        columns = [next(arrays) for _field in returned]
                        rows = list(zip(*columns, strict=True))
                        _set_returned(self.db, objs, returned, rows)


@cache
def _gathered_statement(vendor: str, parts: tuple[tuple, ...]) -> str:
    """One statement for several INSERTs (PostgreSQL's data-modifying ``WITH``): each part
    an INSERT in its own ``WITH`` item, and the statement's one row holds, for each
    part that returns columns, one array per column, in the order of its rows."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    items, arrays, first = [], [], 1
    for i, part in enumerate(parts):
        items.append(f"s{i} AS ({_statement(vendor, *part, first)})")
        first += len(part[1]) * part[2]
        returning = part[3]
        if returning:
            aggregates = ", ".join(f"array_agg({quote(c)})" for c in returning)
            arrays.append(f"(SELECT {aggregates} FROM s{i}) AS r{i}")  # noqa: S608 - names
    tail = f"SELECT * FROM {', '.join(arrays)}" if arrays else "SELECT NULL"  # noqa: S608
    return f"WITH {', '.join(items)} {tail}"


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
    """On PostgreSQL, the INSERTs of :func:`insert_new` in the block are gathered and sent
    as one statement when the block ends, or just before any other statement of the
    block (which then sees their rows, as without the block); and every statement goes
    to the server without waiting for the one before (psycopg's pipeline mode), its
    answer read when needed — the transaction's BEGIN travels with the first. A block
    writing several tables then costs one round trip and one statement to parse, bind
    and execute instead of one each, which on a machine whose cores the web workers and
    PostgreSQL share is the intake's largest cost after Python's own. Use it inside a
    transaction.

    What the database gives back (the keys of new rows, their database defaults) is set
    on the objects when the block ends: inside it, a row that another must point at needs
    a key from :func:`reserve_keys`. An error of any statement is raised when the block
    ends (as Django's exception), and the transaction must then roll back, as it does
    when it leaves ``transaction.atomic`` with the error. Elsewhere, and in an inner
    block, the statements run one by one as without it."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or getattr(db, _BATCH, None) is not None:
        yield
        return
    db.ensure_connection()
    batch = _Batch(db)
    setattr(db, _BATCH, batch)
    try:
        with db.wrap_database_errors, db.connection.pipeline(), \
                db.execute_wrapper(batch.send_first):
            yield
            batch.send()
    except BaseException:
        batch.close()
        raise
    finally:
        setattr(db, _BATCH, None)
    with db.wrap_database_errors:
        batch.read()


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
    marks = iter(_parameter_marks("postgresql", 2 * count))
    return "SELECT " + ", ".join(f"nextval(pg_get_serial_sequence({next(marks)}, "
                                 f"{next(marks)}))" for _n in range(count))


@cache
def _update_statement(vendor: str, table: str, columns: tuple[str, ...], key: str) -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    marks = _parameter_marks(vendor, len(columns) + 1)
    assignments = ", ".join(f"{quote(c)} = {m}" for c, m in zip(columns, marks, strict=False))
    return (f"UPDATE {quote(table)} SET {assignments} "  # noqa: S608 - names
            f"WHERE {quote(key)} = {marks[-1]}")


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
