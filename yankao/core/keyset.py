"""Keyset pagination: a page is "the next ``size`` rows after this one", never an OFFSET.

A list ordered by its own keys (e.g. ``("-registered_at", "-id")`` or ``("due_at", "id")``,
all in one direction, the last unique) is cut at the keys of the last row shown: the next
page asks for rows strictly after them. The cost of a page does not grow with how deep it
is, and rows inserted or removed between two requests never shift a row into a second page
or out of every page. The cursor is the last row's keys, JSON in URL-safe base64: it
positions a reader in a list the selector has already scoped to them, so it carries no
secret and needs no signature (decision 0131).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet


class BadCursor(ValueError):
    """The cursor was not made by :func:`keyset_page` for this list."""


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    next_cursor: str | None
    first: bool  # whether this is the list's first page

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def keyset_cursor(row: Model, order: tuple[str, ...]) -> str:
    """The cursor that continues a list in ``order`` after ``row``."""
    return _encode([getattr(row, name.lstrip("-")) for name in order])


def _encode(values: list[Any]) -> str:
    plain = [value.isoformat() if isinstance(value, dt.datetime) else value
             for value in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(model: type[Model], fields: list[str], cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor(cursor) from None
    if not isinstance(values, list) or len(values) != len(fields):
        raise BadCursor(cursor)
    decoded = []
    for name, value in zip(fields, values, strict=True):
        if value is None or isinstance(value, (dict, list)):
            raise BadCursor(cursor)
        try:
            decoded.append(model._meta.get_field(name).to_python(value))
        except Exception as error:
            raise BadCursor(cursor) from error
        if decoded[-1] is None:
            raise BadCursor(cursor)
    return decoded


def keyset_after(order: tuple[str, ...], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in ``order``. The first key is also bounded alone
    (``<=`` or ``>=``), so that the database reads the index from the cursor onwards."""
    descending = order[0].startswith("-")
    fields = [name.lstrip("-") for name in order]
    beyond, bound = ("lt", "lte") if descending else ("gt", "gte")
    after = Q()
    for index, name in enumerate(fields):
        equal = {fields[i]: values[i] for i in range(index)}
        after |= Q(**equal, **{f"{name}__{beyond}": values[index]})
    return Q(**{f"{fields[0]}__{bound}": values[0]}) & after


def keyset_page(queryset: QuerySet, *, order: tuple[str, ...], size: int,
                cursor: str | None = None) -> KeysetPage:
    """The ``size`` rows of ``queryset`` after ``cursor`` (the first page without one), in
    ``order``: keys of the model itself, all ascending or all descending, the last
    unique. Raises :class:`BadCursor` for a cursor this list did not make."""
    if len({name.startswith("-") for name in order}) != 1:
        raise ValueError("keyset_page needs every key in the same direction")
    fields = [name.lstrip("-") for name in order]
    rows = queryset.order_by(*order)
    if cursor:
        rows = rows.filter(keyset_after(order, _decode(queryset.model, fields, cursor)))
    found = list(rows[:size + 1])
    more = len(found) > size
    found = found[:size]
    next_cursor = keyset_cursor(found[-1], order) if more else None
    return KeysetPage(rows=found, next_cursor=next_cursor, first=not cursor)
