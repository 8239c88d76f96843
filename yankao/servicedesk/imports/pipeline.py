"""The case import pipeline (decision 0101): rows read by a format's parser become cases
keyed by (source, external id), written in batches.

Importing a file again changes nothing, and a later export of the same cases updates
their state. A record may appear more than once (snapshots of a case as it moved on):
the latest snapshot wins, by the record's own time of change, whether the snapshots come
in one file or in several, in any order. Each batch is one transaction with one audit
event ``case.import``; the import's totals are one more. Imported cases carry no
reporter data: none of the formats holds any. A bad row is listed with its reason and
skipped.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import queue
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

import orjson
from django.db import connection, transaction

from yankao.core.imports import ImportResult, Progress, RowError
from yankao.core.models import Agency, District
from yankao.core.services.audit import audit_record
from yankao.servicedesk.audit import ServicedeskAction
from yankao.servicedesk.imports.lookups import Lookups, hash_text
from yankao.servicedesk.models import (
    DESCRIPTION_MAX,
    Assignment,
    AssignmentStatus,
    Case,
    CaseKind,
    CaseStatus,
    Category,
    Channel,
    CloseReason,
)

BATCH = 5_000
WRITERS = 2
# Values a later snapshot may change; the rest of a case is as it was first imported.
MUTABLE = ("status", "answered_at", "closed_at", "status_notes", "agency_id", "close_reason",
           "handling_seconds", "updated_at", "category_id", "due_at", "dispatched_at")
# Case numbers of imported cases: a prefix for the source and the file's own id.
NUMBER_PREFIXES = {"open1999": "OP", "taipei": "TA", "open311": "O3", "cases": "IM"}
NUMBER_MAX = 20


@dataclass(slots=True)
class CaseRow:
    """A case read from a file, before it is written. ``updated_at`` is the time of the
    record's last change as the file gives it (the snapshot's time); without one, the
    latest of the case's own times."""

    external_id: str
    category: Category
    registered_at: dt.datetime
    description: str
    status: str
    kind: str = CaseKind.DISPATCH
    channel: str = Channel.PHONE
    agency: Agency | None = None
    district: District | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    address: str = ""
    answered_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    reply: str = ""
    media_url: str = ""
    updated_at: dt.datetime | None = None


def case_number(source: str, external_id: str) -> str:
    """The case number of an imported case: ``OP-INS170821156``; an id too long for the
    number is replaced by a stable hash of it, so two long ids never share a number."""
    prefix = NUMBER_PREFIXES.get(source, source[:2].upper())
    number = f"{prefix}-{external_id}"
    if len(number) <= NUMBER_MAX:
        return number
    return f"{prefix}-H{hash_text(external_id) % 10**15:015d}"


def parsed_rows(items: Iterable[tuple[int, object]], parse, lookups: Lookups,
                result: ImportResult):
    """(row number, CaseRow or RowError) for each item, by ``parse(item, lookups, note)``;
    ``note(reason, column)`` records a note on that row."""
    for number, item in items:
        try:
            yield number, parse(item, lookups, partial(_note, result, number))
        except RowError as error:
            yield number, error


def _note(result: ImportResult, number: int, reason: str, column: str = "") -> None:
    result.note(number, reason, column)


def write_rows(*, source: str, rows: Iterable[tuple[int, CaseRow | RowError]],
               result: ImportResult, progress: Progress, lookups: Lookups,
               total: int | None = None, actor=None) -> ImportResult:
    """Insert new cases, update changed ones, count unchanged ones; batch by batch, each
    batch in its own transaction. On PostgreSQL, outside a transaction, the batches are
    written by writer threads on their own connections while this one reads and checks the
    next rows (the database's work and Python's overlap; decision 0101).

    A record that appears again keeps its latest snapshot: within the batch being filled
    the later snapshot replaces the earlier; one whose first row went in an earlier batch
    is written after all batches, when the writers are done, so that two writers never
    hold the same case."""
    seen: dict[str, int] = {}  # external id → its place in ``batch``, or -1: written
    batch: list[tuple[int, CaseRow]] = []
    again: dict[str, tuple[int, CaseRow]] = {}
    writer = BatchWriter(source, result, lookups, actor)
    done = 0
    # The file's records stay in memory for the whole import, so each full pass of the
    # cyclic garbage collector walks them all (about 10 % of the time at 100,000 rows);
    # the loop makes no reference cycles, so it runs without the collector.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for number, row in rows:
            if isinstance(row, RowError):
                result.reject(number, str(row), row.column)
                continue
            place = seen.get(row.external_id)
            if place is not None:
                result.superseded += 1
                if place >= 0:
                    if _newer(row, batch[place][1]):
                        batch[place] = (number, row)
                elif row.external_id not in again or _newer(row, again[row.external_id][1]):
                    again[row.external_id] = (number, row)
                continue
            seen[row.external_id] = len(batch)
            batch.append((number, row))
            if len(batch) >= BATCH:
                writer.submit(batch)
                done += len(batch)
                for _number, written in batch:
                    seen[written.external_id] = -1
                batch = []
                progress(done + result.superseded + len(result.rejected), total)
        if batch:
            writer.submit(batch)
            done += len(batch)
        writer.join()
        if again:
            # Counted as superseded when read; written now, each is created, updated or
            # superseded again by what is stored.
            result.superseded -= len(again)
            rows_again = list(again.values())
            for start in range(0, len(rows_again), BATCH):
                writer.submit(rows_again[start:start + BATCH])
    except BaseException:
        writer.stop()
        raise
    finally:
        if collecting:
            gc.enable()
    writer.finish()
    lookups.unmapped(result)
    progress(result.read, total)
    return result


def _newer(row: CaseRow, other: CaseRow) -> bool:
    """Whether ``row`` is a snapshot at least as late as ``other`` (a tie goes to the one
    read later)."""
    return (row.updated_at or row.registered_at) >= (other.updated_at or other.registered_at)


class BatchWriter:
    """Writes batches, each in one transaction: in this thread, or (PostgreSQL, not inside
    a transaction) in WRITERS threads, each on its own connection, fed by a queue of two
    batches (so at most WRITERS + 3 batches are in memory). Batches hold different cases,
    so their order does not matter. An error in a writer stops the import and is raised
    here; the batches written before it stay written (each is whole)."""

    def __init__(self, source: str, result: ImportResult, lookups: Lookups, actor=None):
        self.source, self.result, self.lookups, self.actor = source, result, lookups, actor
        self.error: BaseException | None = None
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.queue: queue.Queue = queue.Queue(maxsize=2)
            self.threads = [threading.Thread(target=self._run, daemon=True,
                                             name=f"case-import-writer-{number}")
                            for number in range(WRITERS)]
            # The writers mostly wait for PostgreSQL; when an answer comes they must get
            # the interpreter back quickly from the reading thread, which is always busy.
            # With the default 5 ms switch interval they wait that long at every step of
            # COPY (docs/performance.md).
            self.switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(0.0005)
            for thread in self.threads:
                thread.start()

    def _write(self, batch: PreparedBatch) -> None:
        with transaction.atomic():
            if self.threads:
                # The writers' commits do not wait for the disk; finish() does, once, for
                # all of them (see there).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            created, updated, unchanged, older = _write_batch(self.source, batch, self.actor)
        with self.lock:
            self.result.created += created
            self.result.updated += updated
            self.result.unchanged += unchanged
            self.result.superseded += older

    def _run(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        self._write(batch)
                    except BaseException as error:  # noqa: BLE001 - raised again in the reading thread
                        self.error = error
        finally:
            connection.close()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def submit(self, batch: list[tuple[int, CaseRow]]) -> None:
        self._raise()
        prepared = prepare_batch(self.source, batch, self.lookups)
        if not self.threads:
            self._write(prepared)
        else:
            self.queue.put(prepared)

    def join(self) -> None:
        """Wait until the writers have written every batch submitted (raising a writer's
        error); batches submitted after this are written in this thread."""
        if self.threads:
            self._join()
            self._raise()

    def _join(self) -> None:
        for _thread in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()
        self.threads = []
        sys.setswitchinterval(self.switch_interval)

    def stop(self) -> None:
        """Let the writer end after the batch it is writing (the reading side failed)."""
        if self.threads:
            self.error = self.error or RuntimeError("import stopped")
            self._join()

    def finish(self) -> None:
        """Wait for the writer, then record the import's totals in one audit event. That
        commit waits for the disk, and PostgreSQL writes its log in order, so when it
        returns every batch before it is on disk too: nothing the import reports as done
        can be lost. (A crash in the middle can lose the batches not yet flushed, which
        were never reported; importing the file again writes them, and only them.)"""
        self.join()
        if self.result.created or self.result.updated:
            with transaction.atomic():
                audit_record(actor=self.actor, action=ServicedeskAction.CASE_IMPORT_FINISH,
                             actor_label=None if self.actor else f"import:{self.source}",
                             data={"source": self.source, "created": self.result.created,
                                   "updated": self.result.updated,
                                   "unchanged": self.result.unchanged,
                                   "superseded": self.result.superseded,
                                   "rejected": len(self.result.rejected)})


def _case_values(row: CaseRow, lookups: Lookups) -> dict:
    start = row.registered_at
    due = lookups.due(row.kind, row.category, start) if row.agency else None
    answered = row.answered_at if row.status in (
        CaseStatus.REPLIED, CaseStatus.FIELD_REPORTED, CaseStatus.CLOSED) else None
    closed = (row.closed_at or answered or start) if row.status == CaseStatus.CLOSED else None
    return {
        "status": row.status, "agency_id": row.agency.pk if row.agency else None,
        "answered_at": answered, "closed_at": closed,
        "close_reason": CloseReason.HANDLED if closed else "",
        "handling_seconds": int((answered - start).total_seconds())
        if answered and answered >= start else None,
        "status_notes": row.reply[:DESCRIPTION_MAX],
        "updated_at": row.updated_at or closed or answered or start, "due_at": due,
        "category_id": row.category.pk, "dispatched_at": start if row.agency else None,
    }


def insert_rows(model, rows: list[dict]) -> None:
    """Insert plain rows (field name → Python value) with one executemany, no model
    instances built (SQLite; on PostgreSQL the rows go by COPY, see ``copy_rows``)."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in rows[0]]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    adapt = {}
    for model_field in fields:
        kind, name = model_field.get_internal_type(), model_field.name
        if kind == "DateTimeField":  # as adapt_datetimefield_value, without its checks
            adapt[name] = partial(_sqlite_datetime, zone=connection.timezone)
        elif kind == "DecimalField":
            adapt[name] = lambda value: None if value is None else str(value)
        elif kind == "JSONField":
            adapt[name] = lambda value: json.dumps(value, ensure_ascii=False)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        # Table and column names come from the model, quoted; the values are parameters.
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
            [[adapt[name](value) if name in adapt else value for name, value in row.items()]
             for row in rows])


def _existing_cases(source: str, external_ids: list[str]) -> dict[str, dict]:
    """The stored values of the cases of this source among ``external_ids``, by id. On
    PostgreSQL the ids go as one array parameter (= ANY), not one parameter each."""
    fields = ("pk", "external_id", *MUTABLE)
    if connection.vendor != "postgresql":
        return {values["external_id"]: values for values in Case.objects.filter(
            source=source, external_id__in=external_ids).values(*fields)}
    columns = ", ".join(connection.ops.quote_name(
        Case._meta.pk.column if name == "pk" else Case._meta.get_field(name).column)
        for name in fields)
    table = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        # Names from the model, quoted; the values are parameters.
        cursor.execute(f"SELECT {columns} FROM {table} "  # noqa: S608
                       "WHERE source = %s AND external_id = ANY(%s)",
                       [source, external_ids])
        return {values["external_id"]: values
                for values in (dict(zip(fields, row, strict=True))
                               for row in cursor.fetchall())}


def _new_case_ids(count: int) -> list[int]:
    """``count`` ids for new cases from the table's sequence (PostgreSQL), so that the
    cases' assignments can be written without reading the cases back."""
    table = Case._meta.db_table
    with connection.cursor() as cursor:
        # The sequence is looked up once (OFFSET 0 keeps the planner from inlining the
        # subquery), not once per value, which costs 7 times more.
        cursor.execute("SELECT array(SELECT nextval(sequence) FROM (SELECT "
                       "pg_get_serial_sequence(%s, 'id')::regclass AS sequence OFFSET 0) AS s, "
                       "generate_series(1, %s))", [table, count])
        return cursor.fetchone()[0]


def _sqlite_datetime(value: dt.datetime | None, zone) -> str | None:
    """An aware datetime as Django stores it in SQLite: naive, in the connection's zone."""
    return None if value is None else str(value.astimezone(zone).replace(tzinfo=None))


@dataclass
class PreparedBatch:
    """A batch made ready by the reading thread: each case's values, its row as a new case
    and its lead assignment as a new case (None without an agency); the writer, which
    finds out which cases are new, adds the ids."""

    external_ids: list[str]
    values: list[dict]
    cases: list[dict]
    assignments: list[dict | None]


ASSIGNMENT_COLUMNS = ("agency", "is_lead", "status", "assigned_at", "due_at", "replied_at",
                      "reply")


def _assignment_row(case: dict) -> dict | None:
    """The lead agency's assignment of a new case (ASSIGNMENT_COLUMNS; the case itself is
    added by the writer), or None when the case has no agency yet."""
    if not case["agency"]:
        return None
    done = case["answered_at"] or case["closed_at"]  # a closed case's unit is done with it
    return {
        "agency": case["agency"], "is_lead": True,
        "status": AssignmentStatus.REPLIED if done
        else AssignmentStatus.IN_PROGRESS if case["status"] == CaseStatus.IN_PROGRESS
        else AssignmentStatus.ASSIGNED,
        "assigned_at": case["registered_at"], "due_at": case["due_at"],
        "replied_at": done, "reply": case["status_notes"],
    }


def prepare_batch(source: str, batch: list[tuple[int, CaseRow]],
                  lookups: Lookups) -> PreparedBatch:
    """Everything about a batch that needs no database: values, rows of new cases and of
    their lead assignments."""
    _drop_nul([row for _number, row in batch])
    values_list, cases = [], []
    for _number, row in batch:
        values = _case_values(row, lookups)
        values_list.append(values)
        cases.append({
            "number": case_number(source, row.external_id), "kind": row.kind,
            "channel": row.channel, "petition_kind": "", "category": row.category.pk,
            "description": row.description, "latitude": row.latitude,
            "longitude": row.longitude, "address": row.address[:200],
            "district": row.district.pk if row.district else None, "confidential": False,
            "media_url": row.media_url, "attributes": {}, "password_hash": "",
            "source": source, "external_id": row.external_id,
            "registered_at": row.registered_at,
            "dispatched_at": values["dispatched_at"],
            "filing_ground": "", "downgraded": False, "status": values["status"],
            "answered_at": values["answered_at"], "closed_at": values["closed_at"],
            "status_notes": values["status_notes"], "close_reason": values["close_reason"],
            "handling_seconds": values["handling_seconds"], "updated_at": values["updated_at"],
            "agency": values["agency_id"], "due_at": values["due_at"],
        })
    return PreparedBatch(external_ids=[row.external_id for _n, row in batch],
                         values=values_list, cases=cases,
                         assignments=[_assignment_row(case) for case in cases])


# The text a file gives a case. PostgreSQL text cannot hold NUL at all (PostgreSQL 15
# documentation, 8.3 "Character Types"), so it is dropped.
FILE_TEXT = ("external_id", "description", "address", "reply", "media_url")


def _drop_nul(rows: list[CaseRow]) -> None:
    """Remove NUL characters from the file's text in ``rows`` (one scan of the batch's
    text; files hardly ever hold one)."""
    if "\x00" not in "".join([getattr(row, name) for row in rows for name in FILE_TEXT]):
        return
    for row in rows:
        for name in FILE_TEXT:
            setattr(row, name, getattr(row, name).replace("\x00", ""))


def _write_batch(source: str, batch: PreparedBatch, actor=None) -> tuple[int, int, int, int]:
    """Sort the batch into new, changed, unchanged and older cases (one read of the stored
    ones) and write it, inside the caller's transaction; (created, updated, unchanged,
    older). A row whose snapshot is older than the stored case's last change (a file
    imported out of order, or a case handled here since) changes nothing."""
    existing = _existing_cases(source, batch.external_ids)
    new, changed, changed_index, unchanged, older = [], [], [], 0, 0
    for index, (external_id, values) in enumerate(zip(batch.external_ids, batch.values,
                                                      strict=True)):
        stored = existing.get(external_id)
        if stored is None:
            new.append(index)
        elif stored["updated_at"] > values["updated_at"]:
            older += 1
        elif all(stored[name] == values[name] for name in MUTABLE):
            unchanged += 1
        else:
            changed.append(Case(pk=stored["pk"], **{name: values[name] for name in MUTABLE}))
            changed_index.append(index)
    if new and connection.vendor == "postgresql":
        ids = _new_case_ids(len(new))
        copy_rows(Case, ["id", *batch.cases[0]],
                  [(pk, *batch.cases[index].values()) for pk, index in zip(ids, new, strict=True)])
        copy_rows(Assignment, ["case", *ASSIGNMENT_COLUMNS],
                  [(pk, *assignment.values()) for pk, index in zip(ids, new, strict=True)
                   if (assignment := batch.assignments[index]) is not None])
    elif new:
        rows = [batch.cases[index] for index in new]
        insert_rows(Case, rows)
        ids = dict(Case.objects.filter(source=source, external_id__in=[
            row["external_id"] for row in rows]).values_list("external_id", "pk"))
        insert_rows(Assignment, [{"case": ids[batch.cases[index]["external_id"]], **assignment}
                                 for index in new
                                 if (assignment := batch.assignments[index]) is not None])
    if changed:
        Case.objects.bulk_update(changed, list(MUTABLE), batch_size=BATCH)
        _update_assignments(changed, [batch.cases[index] for index in changed_index])
    if new or changed:
        audit_record(actor=actor, action=ServicedeskAction.CASE_IMPORT,
                     actor_label=None if actor else f"import:{source}",
                     data={"source": source, "created": len(new), "updated": len(changed)})
    return len(new), len(changed), unchanged, older


def _update_assignments(cases: list[Case], rows: list[dict]) -> None:
    """The lead assignment of each changed case follows the case (its unit, state, due
    time and reply), so an agency's inbox never holds a case the file shows as done."""
    leads = {a.case_id: a for a in Assignment.objects.filter(
        case_id__in=[case.pk for case in cases], is_lead=True).exclude(
        status=AssignmentStatus.TRANSFERRED)}
    updated, created = [], []
    for case, row in zip(cases, rows, strict=True):
        wanted = _assignment_row(row)
        if wanted is None:
            continue
        wanted = {("agency_id" if name == "agency" else name): value
                  for name, value in wanted.items()}
        lead = leads.get(case.pk)
        if lead is None:
            created.append(Assignment(case_id=case.pk, **wanted))
        elif any(getattr(lead, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(lead, name, value)
            updated.append(lead)
    if updated:
        Assignment.objects.bulk_update(updated, ["agency_id", "status", "assigned_at",
                                                 "due_at", "replied_at", "reply"])
    if created:
        Assignment.objects.bulk_create(created)


def _column_type(model_field) -> str:
    """The PostgreSQL type of a column, without its modifiers (``varchar(20)`` →
    ``varchar``), as psycopg's ``set_types`` names it."""
    return model_field.db_type(connection).split("(")[0]


def copy_rows(model, names: list[str], rows: list[tuple]) -> None:
    """COPY rows (Python values in the order of the fields ``names``) into ``model``'s
    table in PostgreSQL's binary format: psycopg's ``write_row`` adapts each value by its
    column's type (``set_types``) in C, with no text formatted or escaped in Python
    (decision 0140). JSON goes through orjson."""
    if not rows:
        return
    from psycopg.types.json import set_json_dumps

    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        set_json_dumps(orjson.dumps, raw)
        # Table and column names come from the model, quoted.
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([_column_type(field) for field in fields])
            write_row = copy.write_row
            for row in rows:
                write_row(row)
