"""Searching the catalogue: words, filters, facets, ranking and paging, on PostgreSQL (one
query over the GIN-indexed ``tsvector``) and on SQLite (FTS5 with bm25, facets in Python).

Used by the public search page and by the CKAN API's ``package_search``; both pass the
same ``SearchQuery``, so they always agree.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection

from yankao.core.permissions import actor_scope, can_administer
from yankao.opendata import search

# Facet and filter fields by their CKAN names → SearchDocument columns; the multi-valued
# ones are stored as "|a|b|".
FACETS = {"organization": "organization", "groups": "group", "license_id": "licence",
          "quality": "quality", "tags": "tags", "res_format": "formats", "name": "name"}
MULTI = {"tags", "formats"}
SORTS = {"score": "score", "metadata_modified": "modified_at", "title_string": "title_sort",
         "name": "name"}


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: tuple[tuple[str, str], ...] = ()  # (CKAN field, value), all must hold
    facet_fields: tuple[str, ...] = ()
    facet_limit: int = 50  # negative: all
    facet_mincount: int = 1
    sort: tuple[tuple[str, bool], ...] = (("score", True), ("metadata_modified", True))
    rows: int = 10
    start: int = 0
    include_private: bool = False


@dataclass
class SearchResult:
    count: int
    ids: list[uuid.UUID]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Visibility:
    """Which private (shared-only) datasets the actor may find: None means all of them."""

    organizations: frozenset[str] | None
    shared: frozenset[uuid.UUID]


def _visibility(actor, include_private: bool) -> _Visibility:
    if not include_private or not actor_scope(actor).authenticated:
        return _Visibility(frozenset(), frozenset())
    scope = actor_scope(actor)
    if scope.sees_all or can_administer(actor):
        return _Visibility(None, frozenset())
    from yankao.core.models import Agency
    from yankao.opendata.models import Dataset

    codes = frozenset(Agency.objects.filter(pk__in=scope.agency_ids())
                      .values_list("code", flat=True))
    from yankao.opendata.access import shared_dataset_filter

    shared = frozenset(Dataset.objects.filter(shared_dataset_filter(actor))
                       .values_list("pk", flat=True))
    return _Visibility(codes, shared)


def catalogue_search(*, actor, query: SearchQuery) -> SearchResult:
    words = search.query_words(query.text) if query.text.strip() else []
    visibility = _visibility(actor, query.include_private)
    if search.is_postgresql():
        return _postgresql(query, words, visibility)
    return _python(query, words, visibility, _sqlite_rows(query, words))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(query: SearchQuery, visibility: _Visibility, *, uuids_as) -> tuple[list, list]:
    clauses: list[str] = []
    params: list = []
    if visibility.organizations is not None:
        private = ["d.private = %s"]
        params.append(False)
        if visibility.organizations:
            private.append("d.organization IN (" + ",".join(
                ["%s"] * len(visibility.organizations)) + ")")
            params.extend(sorted(visibility.organizations))
        if visibility.shared:
            private.append(uuids_as(visibility.shared, params))
        clauses.append("(" + " OR ".join(private) + ")")
    for name, value in query.filters:
        column = FACETS[name]
        if column in MULTI:
            clauses.append(f'd."{column}" LIKE %s ESCAPE \'\\\'')
            params.append(f"%|{_escape_like(value)}|%")
        else:
            clauses.append(f'd."{column}" = %s')
            params.append(value)
    return clauses, params


def _order_sql(query: SearchQuery) -> str:
    parts = [f'{SORTS[key] if key != "score" else "score"} {"DESC" if desc else "ASC"}'
             for key, desc in query.sort]
    return ", ".join([*parts, "dataset_id"])


def _postgresql(query: SearchQuery, words: list[str], visibility: _Visibility) -> SearchResult:
    def uuids(values, params):
        params.append([str(v) for v in values])
        return "d.dataset_id = ANY(CAST(%s AS uuid[]))"

    clauses, params = _conditions(query, visibility, uuids_as=uuids)
    if words:
        score = "ts_rank(d.vector, CAST(%s AS tsquery))"
        clauses.insert(0, "d.vector @@ CAST(%s AS tsquery)")
        tsquery = search.tsquery_literal(words)
        params = [tsquery, tsquery, *params]
    else:
        score = "0.0"
    where = " AND ".join(clauses) or "TRUE"
    selects = ["(SELECT count(*) FROM hits)"]
    tail: list = []
    limit = query.facet_limit if query.facet_limit >= 0 else None
    for name in query.facet_fields:
        column = FACETS[name]
        if column in MULTI:
            source = (f"hits, unnest(string_to_array(trim(both '|' from hits.\"{column}\"), "
                      "'|')) AS v(value)")
        else:
            source = f'(SELECT "{column}" AS value FROM hits) v'  # noqa: S608 - a known column
        selects.append(
            "(SELECT coalesce(json_agg(json_build_array(value, n) ORDER BY n DESC, "  # noqa: S608
            f"value), '[]') FROM (SELECT value, count(*) AS n FROM {source} WHERE value <> '' "
            "GROUP BY value HAVING count(*) >= %s ORDER BY n DESC, value"
            + (" LIMIT %s" if limit is not None else "") + ") f)")
        tail.extend([query.facet_mincount] + ([limit] if limit is not None else []))
    order = _order_sql(query)
    selects.append(f"(SELECT coalesce(json_agg(dataset_id ORDER BY {order}), "  # noqa: S608
                   "'[]') FROM "
                   f"(SELECT * FROM hits ORDER BY {order} LIMIT %s OFFSET %s) p)")
    tail.extend([query.rows, query.start])
    # Columns and clauses come from the tables above; every value is a parameter.
    sql = (
        "WITH hits AS MATERIALIZED (SELECT d.dataset_id, d.name, d.organization, "  # noqa: S608
        "d.\"group\", d.licence, d.quality, d.formats, d.tags, d.modified_at, d.title_sort, "
        f"{score} AS score FROM opendata_searchdocument d WHERE {where}) "
        f"SELECT {', '.join(selects)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *tail])
        row = cursor.fetchone()
    def loads(value):
        return json.loads(value) if isinstance(value, str) else value

    facets = {name: [(value, count) for value, count in loads(row[1 + i])]
              for i, name in enumerate(query.facet_fields)}
    ids = [uuid.UUID(str(v)) for v in loads(row[-1])]
    return SearchResult(count=row[0], ids=ids, facets=facets, words=words)


_ROW_COLUMNS = ("dataset_id", "name", "organization", "group", "licence", "quality", "formats",
                "tags", "modified_at", "title_sort", "private")


def _sqlite_rows(query: SearchQuery, words: list[str]) -> list[dict]:
    columns = ", ".join(f'd."{c}"' for c in _ROW_COLUMNS)
    if words:
        sql = (f"SELECT {columns}, -bm25({search.FTS_TABLE}, 10.0, 1.0) AS score "  # noqa: S608
               f"FROM {search.FTS_TABLE} f JOIN opendata_searchdocument d ON d.id = f.rowid "
               f"WHERE {search.FTS_TABLE} MATCH %s")
        params = [search.fts_query(words)]
    else:
        sql = f"SELECT {columns}, 0.0 AS score FROM opendata_searchdocument d"  # noqa: S608
        params = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [dict(zip((*_ROW_COLUMNS, "score"), row, strict=True))
                for row in cursor.fetchall()]


def _python(query: SearchQuery, words: list[str], visibility: _Visibility,
            rows: list[dict]) -> SearchResult:
    def visible(row) -> bool:
        if not row["private"]:
            return True
        if visibility.organizations is None:
            return True
        return row["organization"] in visibility.organizations or uuid.UUID(
            str(row["dataset_id"])) in visibility.shared

    def holds(row) -> bool:
        for name, value in query.filters:
            column = FACETS[name]
            if column in MULTI:
                if f"|{value}|" not in (row[column] or ""):
                    return False
            elif row[column] != value:
                return False
        return True

    hits = [row for row in rows if visible(row) and holds(row)]
    facets: dict[str, list[tuple[str, int]]] = {}
    for name in query.facet_fields:
        column = FACETS[name]
        counter: Counter = Counter()
        for row in hits:
            values = (row[column] or "").strip("|").split("|") if column in MULTI \
                else [row[column]]
            counter.update(v for v in values if v)
        items = sorted(((v, n) for v, n in counter.items() if n >= query.facet_mincount),
                       key=lambda item: (-item[1], item[0]))
        facets[name] = items if query.facet_limit < 0 else items[:query.facet_limit]
    for key, desc in reversed((*query.sort, ("dataset_id", False))):
        column = SORTS.get(key, key)
        hits.sort(key=lambda row, c=column: (row[c] is None, row[c]), reverse=desc)
    page = hits[query.start:query.start + query.rows]
    return SearchResult(count=len(hits), ids=[uuid.UUID(str(r["dataset_id"])) for r in page],
                        facets=facets, words=words)
