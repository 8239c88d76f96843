"""The import's former COPY writer, hand-formatted COPY text (decision 0101), kept for the
benchmark only: ``servicedesk_import.py`` puts ``copy_rows_text`` in the place of the
pipeline's ``copy_rows`` (psycopg's ``write_row`` in binary format, decision 0140) to
measure both ways in the same run. Same signature: rows are sequences of Python values in
the order of ``names``."""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable

from django.db import connection

# PostgreSQL's COPY text format: tab-separated, \N for NULL, and backslash escapes for the
# backslash, tab, newline and carriage return (PostgreSQL 15 documentation, COPY, "Text
# Format"). NUL cannot be stored in PostgreSQL text at all, so it is dropped.
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r",
                              "\x00": None})


def _copy_text_value(value: str | None) -> str:
    return "\\N" if value is None else value.translate(COPY_ESCAPES)


def _copy_datetime(value: dt.datetime | None) -> str:
    return "\\N" if value is None else value.isoformat()


def _copy_plain(value) -> str:  # numbers and foreign keys
    return "\\N" if value is None else str(value)


def _copy_bool(value: bool | None) -> str:
    return "\\N" if value is None else ("t" if value else "f")


def _copy_json(value) -> str:
    if value == {}:  # nearly every imported case: no answers to category questions
        return "{}"
    return json.dumps(value, ensure_ascii=False).translate(COPY_ESCAPES)


COPY_FORMATTERS = {"CharField": _copy_text_value, "TextField": _copy_text_value,
                   "URLField": _copy_text_value, "BooleanField": _copy_bool,
                   "JSONField": _copy_json}
# For columns that cannot be NULL, functions of C (no Python frame for each value).
COPY_NOT_NULL = {"CharField": operator.methodcaller("translate", COPY_ESCAPES),
                 "TextField": operator.methodcaller("translate", COPY_ESCAPES),
                 "BooleanField": {True: "t", False: "f"}.__getitem__,
                 "DateTimeField": dt.datetime.isoformat}
INTEGERS = ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField",
            "PositiveIntegerField", "SmallIntegerField")


def _copy_formatter(model_field) -> Callable:
    """How one column's values become COPY text."""
    kind = model_field.get_internal_type()
    if model_field.is_relation:
        kind = model_field.target_field.get_internal_type()
    if model_field.choices and not model_field.null:
        return str  # one of its codes: nothing to escape
    if not model_field.null:
        if kind in COPY_NOT_NULL:
            return COPY_NOT_NULL[kind]
        if kind in INTEGERS:
            return str
    if kind == "DateTimeField":
        return _copy_datetime
    return COPY_FORMATTERS.get(kind, _copy_plain)


def copy_rows_text(model, names: list[str], rows: list[tuple]) -> None:
    """COPY ``rows`` as text formatted in Python, column by column by the field's type."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    formatters = [_copy_formatter(field) for field in fields]
    tab, call = "\t", operator.call
    text = "".join([tab.join(map(call, formatters, row)) + "\n" for row in rows])
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write(text)
