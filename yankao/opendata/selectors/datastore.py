"""Tables in CSV and XLSX resources: the preview and the ``datastore_search`` API.

Files are read when asked for and the parsed table kept in a small per-process cache keyed
by the file's checksum, so a file that changes is read again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.opendata.files import FORMATS, Table, read_table
from yankao.opendata.models import Resource

ROWS_MAX = 32000  # CKAN's default ckan.datastore.search.rows_max
ROWS_DEFAULT = 100
_CACHE: OrderedDict[str, Table] = OrderedDict()
_CACHE_SIZE = 16
_cache_lock = threading.Lock()


def has_table(resource: Resource) -> bool:
    fmt = FORMATS.get(resource.format)
    return bool(fmt and fmt.tabular and resource.kind == Resource.Kind.FILE
                and resource.attachment_id)


def resource_table(resource: Resource) -> Table:
    """The table of a CSV or XLSX file (DomainError NOT_FOUND for anything else)."""
    if not has_table(resource):
        raise DomainError(ErrorCode.NOT_FOUND, _("This resource has no table to show."))
    key = resource.attachment.sha256
    with _cache_lock:
        table = _CACHE.get(key)
        if table is not None:
            _CACHE.move_to_end(key)
            return table
    with resource.attachment.file.open("rb") as handle:
        data = handle.read()
    try:
        table = read_table(data, resource.format, resource.character_set)
    except ValueError as error:
        raise DomainError(ErrorCode.INVALID, str(error)) from None
    with _cache_lock:
        _CACHE[key] = table
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return table


def column_types(table: Table) -> list[str]:
    """CKAN's datastore types: int, numeric or text."""
    types = []
    for index in range(len(table.columns)):
        values = [row[index] for row in table.rows if index < len(row) and row[index] is not None]
        if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            types.append("int")
        elif values and all(isinstance(v, int | float) and not isinstance(v, bool)
                            for v in values):
            types.append("numeric")
        else:
            types.append("text")
    return types


@dataclass
class DatastorePage:
    fields: list[dict]
    records: list[dict]
    total: int
    limit: int
    offset: int


def _parse_sort(sort: str, columns: list[str]) -> list[tuple[int, bool]]:
    order = []
    for part in [p.strip() for p in (sort or "").split(",") if p.strip()]:
        name, _space, direction = part.partition(" ")
        name = name.strip().strip('"')
        direction = direction.strip().lower() or "asc"
        if name not in columns or direction not in ("asc", "desc"):
            raise DomainError(ErrorCode.INVALID, _("Cannot sort by “%(part)s”.") % {"part": part},
                              field="sort")
        order.append((columns.index(name), direction == "desc"))
    return order


def datastore_search(*, resource: Resource, filters: dict | None = None, q: str = "",
                     sort: str = "", limit: int = ROWS_DEFAULT, offset: int = 0,
                     fields: list[str] | None = None) -> DatastorePage:
    """Rows of a resource's table: exact-value filters, a text search over every cell,
    sort, paging (at most ROWS_MAX rows)."""
    table = resource_table(resource)
    columns = table.columns
    if not 0 <= limit <= ROWS_MAX:
        raise DomainError(ErrorCode.INVALID, _("Must be between 0 and %(max)s.")
                          % {"max": ROWS_MAX}, field="limit")
    if offset < 0:
        raise DomainError(ErrorCode.INVALID, _("Must be a natural number."), field="offset")
    wanted = fields or columns
    unknown = [name for name in [*wanted, *(filters or {})] if name not in columns]
    if unknown:
        raise DomainError(ErrorCode.INVALID, _("Unknown field: %(names)s")
                          % {"names": ", ".join(unknown)},
                          field="fields" if fields and unknown[0] in fields else "filters")
    rows = table.rows
    for name, value in (filters or {}).items():
        index = columns.index(name)
        accepted = {str(v) for v in (value if isinstance(value, list) else [value])}
        rows = [row for row in rows if index < len(row) and str(row[index]) in accepted]
    if q.strip():
        needle = q.strip().casefold()
        rows = [row for row in rows if any(needle in str(cell).casefold() for cell in row
                                           if cell is not None)]
    for index, desc in reversed(_parse_sort(sort, columns)):
        rows = sorted(rows, key=lambda row, i=index: _sort_key(row[i] if i < len(row) else None),
                      reverse=desc)
    types = dict(zip(columns, column_types(table), strict=True))
    picked = [columns.index(name) for name in wanted]
    page = rows[offset:offset + limit]
    records = [{"_id": offset + number + 1,
                **{columns[i]: (row[i] if i < len(row) else None) for i in picked}}
               for number, row in enumerate(page)]
    return DatastorePage(fields=[{"id": "_id", "type": "int"}] + [
        {"id": columns[i], "type": types[columns[i]]} for i in picked],
        records=records, total=len(rows), limit=limit, offset=offset)


def _sort_key(value):
    if value is None:
        return (2, "")
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))
