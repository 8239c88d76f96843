"""``yankao import cases FORMAT FILE``: Kaohsiung Open1999 JSON, Taipei petition CSV and
Open311 XML.

Each row becomes a case keyed by (source, external id), so importing a file again changes
nothing, and a later export of the same cases updates their state. Rows are written in
batches (bulk inserts, one transaction per batch); each batch records one audit event
``case.import`` with its counts. Imported cases carry no reporter data: none of these
formats holds any. A bad row is listed with its reason and skipped.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import operator
import queue
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path

import orjson
from defusedxml import ElementTree as SafeET
from django.db import connection, transaction

from yankao.core.calendar import TAIPEI, WorkingCalendar
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.imports import ImportResult, Progress, read_rows, read_text, require_columns
from yankao.core.models import Agency, District
from yankao.core.services.audit import audit_record
from yankao.servicedesk.audit import ServicedeskAction
from yankao.servicedesk.catalogue import UNIT_ALIASES
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
    DeadlineRule,
)
from yankao.servicedesk.services.policy import deadline_rule_for, due_time, location_check

BATCH = 5_000
WRITERS = 2
CITY_PREFIXES = ("高雄市政府", "臺北市政府", "台北市政府", "高雄市", "臺北市", "台北市")
OPEN1999_STATUS = {"1": CaseStatus.REGISTERED, "2": CaseStatus.REGISTERED,
                   "3": CaseStatus.ASSIGNED, "4": CaseStatus.FIELD_REPORTED,
                   "5": CaseStatus.CLOSED}
ROC_DATETIME = re.compile(
    r"^\s*(?P<y>\d{2,3})[/.-](?P<m>\d{1,2})[/.-](?P<d>\d{1,2})"
    r"(?:\s*(?P<half>上午|下午|AM|PM)?\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?\s*$",
    re.IGNORECASE)
MUTABLE = ("status", "answered_at", "closed_at", "status_notes", "agency_id", "close_reason",
           "handling_seconds", "updated_at")


class RowError(Exception):
    """One row cannot be imported; the message is its reason."""


@dataclass(slots=True)
class CaseRow:
    """A case read from a file, before it is written."""

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


def parse_datetime_text(value: str) -> dt.datetime | None:
    """Gregorian "2018/01/02 13:05:00", ISO 8601, or ROC "107/01/02 下午 01:05"; Taipei time."""
    value = (value or "").strip()
    if not value:
        return None
    if value[4:5] in ("/", "-"):  # a Gregorian year: most files, and the fast path
        try:
            parsed = dt.datetime.fromisoformat(value.replace("/", "-"))
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=TAIPEI)
    match = ROC_DATETIME.match(value)
    if match and int(match["y"]) < 1000:
        hour = int(match["H"] or 0)
        half = (match["half"] or "").upper()
        if half in ("下午", "PM") and hour < 12:
            hour += 12
        if half in ("上午", "AM") and hour == 12:
            hour = 0
        try:
            return dt.datetime(int(match["y"]) + 1911, int(match["m"]), int(match["d"]), hour,
                               int(match["M"] or 0), int(match["S"] or 0), tzinfo=TAIPEI)
        except ValueError:
            raise RowError(f"invalid date {value!r}") from None
    for text in (value.replace("/", "-"), value.replace("/", "-").replace(" ", "T")):
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=TAIPEI)
    raise RowError(f"invalid date {value!r}")


class Lookups:
    """Categories, agencies and districts by the names files use (one query each)."""

    def __init__(self):
        self.categories = {c.code: c for c in Category.objects.filter(parent__isnull=False)}
        self.by_name = {c.name_zh: c for c in self.categories.values()}
        agencies = list(Agency.objects.all())
        self.agencies = {a.short_name_zh: a for a in agencies if a.short_name_zh}
        self.agencies.update({a.name_zh: a for a in agencies})
        for agency in agencies:  # 高雄市政府環境保護局 also answers to 環境保護局
            for prefix in CITY_PREFIXES:
                if agency.name_zh.startswith(prefix):
                    self.agencies.setdefault(agency.name_zh[len(prefix):], agency)
                    break
        codes = {a.code: a for a in agencies}
        self.agencies.update({alias: codes[code] for alias, code in UNIT_ALIASES.items()
                              if code in codes})
        self.districts = {d.code: d for d in District.objects.all()}
        self.districts.update({d.name_zh: d for d in self.districts.values()})
        self.rules: dict = {}
        self.calendar = WorkingCalendar.load()
        self.deadline_rules = list(DeadlineRule.objects.all())

    def agency(self, name: str) -> Agency | None:
        name = (name or "").strip()
        if not name:
            return None
        if name in self.agencies:
            return self.agencies[name]
        for prefix in CITY_PREFIXES:
            if name.startswith(prefix) and name[len(prefix):] in self.agencies:
                return self.agencies[name[len(prefix):]]
        raise RowError(f"unknown agency {name!r}")

    def due(self, kind: str, category: Category, start: dt.datetime) -> dt.datetime:
        """The due time by the deadline rule in force that day: the rule of the category
        wins over the kind's general rule, the newest in force wins (as
        ``deadline_rule_for``, from rules read once)."""
        key = (kind, category.pk, start.date())
        rule = self.rules.get(key)
        if rule is None:
            in_force = [r for r in self.deadline_rules if r.kind == kind
                        and r.valid_from <= start.date()
                        and r.category_id in (None, category.pk)]
            if not in_force:
                rule = deadline_rule_for(kind, category, start.date())  # raises the error
            rule = max(in_force, key=lambda r: (r.category_id is not None, r.valid_from))
            self.rules[key] = rule
        return due_time(rule, start, self.calendar)

    def imported_category(self, main: str, sub: str, prefix: str) -> Category:
        """A category named by another city's file, kept apart (not public) for its cases."""
        name = (sub or main or "").strip()
        if not name:
            raise RowError("no category")
        found = self.by_name.get(name)
        if found is not None:
            return found
        main_code = f"{prefix}-M-{abs(hash_text(main or name)) % 10**8}"
        parent, _ = Category.objects.get_or_create(
            code=main_code, defaults={"name_zh": main or name, "name_en": main or name,
                                      "kind": CaseKind.PETITION, "public": False})
        category, _ = Category.objects.get_or_create(
            code=f"{prefix}-{abs(hash_text(f'{main}/{name}')) % 10**8}",
            defaults={"parent": parent, "name_zh": name, "name_en": name,
                      "kind": CaseKind.PETITION, "public": False,
                      "description_zh": f"匯入類別：{main}／{name}"})
        self.by_name[name] = category
        return category


def hash_text(text: str) -> int:
    """A stable (not per-process salted) number for a text, for category codes."""
    import hashlib

    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def write_rows(*, source: str, rows: Iterable[tuple[int, CaseRow | RowError]],
               result: ImportResult, progress: Progress, lookups: Lookups,
               total: int | None = None) -> ImportResult:
    """Insert new cases, update changed ones, count unchanged ones; batch by batch, each
    batch in its own transaction. On PostgreSQL, outside a transaction, the batches are
    written by writer threads on their own connections while this one reads and checks the
    next rows (the database's work and Python's overlap; decision 0101)."""
    seen: dict[str, int] = {}
    batch: list[tuple[int, CaseRow]] = []
    writer = BatchWriter(source, result, lookups)
    done = 0
    # The file's records stay in memory for the whole import, so each full pass of the
    # cyclic garbage collector walks them all (about 10 % of the time at 100,000 rows);
    # the loop makes no reference cycles, so it runs without the collector.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for number, row in rows:
            if isinstance(row, RowError):
                result.reject(number, str(row))
                continue
            if row.external_id in seen:
                result.reject(number, f"the same case as row {seen[row.external_id]}")
                continue
            seen[row.external_id] = number
            batch.append((number, row))
            if len(batch) >= BATCH:
                writer.submit(batch)
                done += len(batch)
                batch = []
                progress(done + len(result.rejected), total)
        if batch:
            writer.submit(batch)
            done += len(batch)
    except BaseException:
        writer.stop()
        raise
    finally:
        if collecting:
            gc.enable()
    writer.finish()
    progress(done + len(result.rejected), total)
    return result


class BatchWriter:
    """Writes batches, each in one transaction: in this thread, or (PostgreSQL, not inside
    a transaction) in WRITERS threads, each on its own connection, fed by a queue of two
    batches (so at most WRITERS + 3 batches are in memory). Batches hold different cases,
    so their order does not matter. An error in a writer stops the import and is raised
    here; the batches written before it stay written (each is whole)."""

    def __init__(self, source: str, result: ImportResult, lookups: Lookups):
        self.source, self.result, self.lookups = source, result, lookups
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
            created, updated, unchanged = _write_batch(self.source, batch)
        with self.lock:
            self.result.created += created
            self.result.updated += updated
            self.result.unchanged += unchanged

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
        if self.threads:
            self._join()
            self._raise()
        if self.result.created or self.result.updated:
            with transaction.atomic():
                audit_record(actor=None, action=ServicedeskAction.CASE_IMPORT_FINISH,
                             actor_label=f"import:{self.source}",
                             data={"source": self.source, "created": self.result.created,
                                   "updated": self.result.updated,
                                   "unchanged": self.result.unchanged,
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
        "updated_at": closed or answered or start, "due_at": due,
    }


def insert_rows(model, rows: list[dict]) -> None:
    """Insert plain rows (field name → Python value) with one executemany, no model
    instances built (SQLite; on PostgreSQL the rows go by COPY, see ``copy_lines``)."""
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
    """A batch made ready by the reading thread: each case's values and its row as a new
    case, and on PostgreSQL each row's COPY line without its id (the writer, which finds
    out which cases are new, takes the ids and puts them in front)."""

    external_ids: list[str]
    values: list[dict]
    cases: list[dict]
    case_lines: list[str] | None = None
    assignment_lines: list[str | None] | None = None


ASSIGNMENT_COLUMNS = ("agency", "is_lead", "status", "assigned_at", "due_at", "replied_at",
                      "reply")


def _assignment_row(case: dict) -> dict | None:
    """The lead agency's assignment of a new case (ASSIGNMENT_COLUMNS; the case itself is
    added by the writer), or None when the case has no agency yet."""
    if not case["agency"]:
        return None
    return {
        "agency": case["agency"], "is_lead": True,
        "status": AssignmentStatus.REPLIED if case["answered_at"]
        else AssignmentStatus.IN_PROGRESS if case["status"] == CaseStatus.IN_PROGRESS
        else AssignmentStatus.ASSIGNED,
        "assigned_at": case["registered_at"], "due_at": case["due_at"],
        "replied_at": case["answered_at"], "reply": case["status_notes"],
    }


def prepare_batch(source: str, batch: list[tuple[int, CaseRow]],
                  lookups: Lookups) -> PreparedBatch:
    """Everything about a batch that needs no database: values, rows, COPY lines."""
    values_list, cases = [], []
    for _number, row in batch:
        values = _case_values(row, lookups)
        values_list.append(values)
        cases.append({
            "number": f"{source[:2].upper()}-{row.external_id}"[:20], "kind": row.kind,
            "channel": row.channel, "petition_kind": "", "category": row.category.pk,
            "description": row.description, "latitude": row.latitude,
            "longitude": row.longitude, "address": row.address[:200],
            "district": row.district.pk if row.district else None, "confidential": False,
            "media_url": row.media_url, "attributes": {}, "password_hash": "",
            "source": source, "external_id": row.external_id,
            "registered_at": row.registered_at,
            "dispatched_at": row.registered_at if row.agency else None,
            "filing_ground": "", "downgraded": False, "status": values["status"],
            "answered_at": values["answered_at"], "closed_at": values["closed_at"],
            "status_notes": values["status_notes"], "close_reason": values["close_reason"],
            "handling_seconds": values["handling_seconds"], "updated_at": values["updated_at"],
            "agency": values["agency_id"], "due_at": values["due_at"],
        })
    prepared = PreparedBatch(external_ids=[row.external_id for _n, row in batch],
                             values=values_list, cases=cases)
    if connection.vendor == "postgresql":
        prepared.case_lines = copy_lines(Case, cases)
        assignments = [_assignment_row(case) for case in cases]
        lines = iter(copy_lines(Assignment, [a for a in assignments if a is not None]))
        prepared.assignment_lines = [None if a is None else next(lines) for a in assignments]
    return prepared


def _write_batch(source: str, batch: PreparedBatch) -> tuple[int, int, int]:
    """Sort the batch into new, changed and unchanged cases (one read of the stored ones)
    and write it, inside the caller's transaction; (created, updated, unchanged)."""
    existing = _existing_cases(source, batch.external_ids)
    new, changed, unchanged = [], [], 0
    for index, (external_id, values) in enumerate(zip(batch.external_ids, batch.values,
                                                      strict=True)):
        stored = existing.get(external_id)
        if stored is None:
            new.append(index)
        elif all(stored[name] == values[name] for name in MUTABLE):
            unchanged += 1
        else:
            changed.append(Case(pk=stored["pk"], **{name: values[name] for name in MUTABLE}))
    if new and batch.case_lines is not None:
        ids = _new_case_ids(len(new))
        copy_into(Case, ["id", *batch.cases[0]], "".join(
            f"{pk}\t{batch.case_lines[index]}" for pk, index in zip(ids, new, strict=True)))
        copy_into(Assignment, ["case", *ASSIGNMENT_COLUMNS], "".join(
            f"{pk}\t{batch.assignment_lines[index]}"
            for pk, index in zip(ids, new, strict=True)
            if batch.assignment_lines[index] is not None))
    elif new:
        rows = [batch.cases[index] for index in new]
        insert_rows(Case, rows)
        ids = dict(Case.objects.filter(source=source, external_id__in=[
            row["external_id"] for row in rows]).values_list("external_id", "pk"))
        insert_rows(Assignment, [{"case": ids[row["external_id"]], **assignment}
                                 for row in rows
                                 if (assignment := _assignment_row(row)) is not None])
    if changed:
        Case.objects.bulk_update(changed, list(MUTABLE), batch_size=BATCH)
    if new or changed:
        audit_record(actor=None, action=ServicedeskAction.CASE_IMPORT,
                     actor_label=f"import:{source}",
                     data={"source": source, "created": len(new), "updated": len(changed)})
    return len(new), len(changed), unchanged


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
        if kind in ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField",
                    "PositiveIntegerField", "SmallIntegerField"):
            return str
    if kind == "DateTimeField":
        return _copy_datetime
    return COPY_FORMATTERS.get(kind, _copy_plain)


def copy_lines(model, rows: list[dict]) -> list[str]:
    """Rows of ``model`` (field name → value, the same names in the same order in every
    row) as lines of COPY text, without their line ends; each column formatted by its
    field's type."""
    if not rows:
        return []
    formatters = [_copy_formatter(model._meta.get_field(name)) for name in rows[0]]
    tab, call = "\t", operator.call
    return [tab.join(map(call, formatters, row.values())) + "\n" for row in rows]


def copy_into(model, names: list[str], text: str) -> None:
    """Send COPY text (lines made by ``copy_lines``) into the columns of ``names``."""
    if not text:
        return
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column)
                        for name in names)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write(text)


def _coordinate_pair(lat, lng) -> tuple[Decimal | None, Decimal | None]:
    try:
        return location_check(lat or None, lng or None)
    except DomainError as error:
        raise RowError(error.message) from None


# --- Kaohsiung Open1999 JSON -----------------------------------------------------------------


def _open1999_records(path: Path) -> list:
    try:
        data = orjson.loads(read_text(path))  # about three times as fast as json
    except orjson.JSONDecodeError as error:
        raise DomainError(ErrorCode.INVALID, f"{path.name}: not JSON ({error})") from None
    if isinstance(data, dict):
        for key in ("data", "records", "result", "Data"):
            if isinstance(data.get(key), list):
                return data[key]
        raise DomainError(ErrorCode.INVALID, f"{path.name}: no list of cases found")
    if not isinstance(data, list):
        raise DomainError(ErrorCode.INVALID, f"{path.name}: expected a list of cases")
    return data


def _open1999_row(record, lookups: Lookups) -> CaseRow:
    if not isinstance(record, dict):
        raise RowError("not an object")
    number = str(record.get("FileNo_") or "").strip()
    if not number:
        raise RowError("no FileNo_")
    status = OPEN1999_STATUS.get(str(record.get("Status_", "")).strip())
    if status is None:
        raise RowError(f"unknown Status_ {record.get('Status_')!r}")
    name = str(record.get("InformDesc_") or "").strip()
    category = lookups.by_name.get(name)
    if category is None:
        raise RowError(f"unknown category {name!r}" if name else "no InformDesc_")
    registered = parse_datetime_text(str(record.get("Cre_Date_") or ""))
    if registered is None:
        raise RowError("no Cre_Date_")
    lat, lng = _coordinate_pair(record.get("Lat_"), record.get("Lng_"))
    unit = str(record.get("UnitName_") or record.get("ReplyUnit_") or "").strip()
    agency = lookups.agency(unit) if unit else category.default_agency
    district = lookups.districts.get(str(record.get("zipcode_") or "").strip()) or \
        lookups.districts.get(str(record.get("ZipName_") or "").strip())
    if status != CaseStatus.REGISTERED and agency is None:
        raise RowError("no handling unit")
    description = str(record.get("BeforeDesc_") or "").strip() or name
    memo = str(record.get("Memo_") or "").strip()
    if memo:
        description = f"{description}\n{memo}"
    return CaseRow(
        external_id=number[:64], category=category, registered_at=registered,
        description=description[:DESCRIPTION_MAX], status=status, kind=CaseKind.DISPATCH,
        agency=agency if status != CaseStatus.REGISTERED else None, district=district,
        latitude=lat, longitude=lng, address=str(record.get("address_") or "").strip(),
        answered_at=parse_datetime_text(str(record.get("Save_Date_") or "")),
        closed_at=parse_datetime_text(str(record.get("Close_Date_") or "")),
        reply=str(record.get("AfterDesc_") or "").strip(),
    )


def _rows(items: Iterable[tuple[int, object]], parse, lookups) -> Iterator:
    for number, item in items:
        try:
            yield number, parse(item, lookups)
        except RowError as error:
            yield number, error


def open1999_json(path: Path, *, actor=None, progress: Progress) -> ImportResult:
    """Kaohsiung's Open1999 dispatch cases (高雄市1999派工案件)."""
    records = _open1999_records(Path(path))
    lookups = Lookups()
    return write_rows(source="open1999", rows=_rows(enumerate(records, start=1),
                                                    _open1999_row, lookups),
                      result=ImportResult(), progress=progress, lookups=lookups,
                      total=len(records))


# --- Taipei petition CSV ----------------------------------------------------------------------

TAIPEI_COLUMNS = ["案件編號", "案件主類別", "案件次類別", "受理機關", "受理科室", "受理日期",
                  "送達日期", "結案日期"]


def _taipei_row(row: dict, lookups: Lookups) -> CaseRow:
    number = row["案件編號"].strip()
    if not number:
        raise RowError("no 案件編號")
    registered = parse_datetime_text(row["受理日期"])
    if registered is None:
        raise RowError("no 受理日期")
    delivered = parse_datetime_text(row["送達日期"])
    closed = parse_datetime_text(row["結案日期"])
    if closed and closed < registered:
        raise RowError("結案日期 is before 受理日期")
    category = lookups.imported_category(row["案件主類別"], row["案件次類別"], "TP")
    agency = lookups.agency(row["受理機關"])
    status = CaseStatus.CLOSED if closed else (
        CaseStatus.IN_PROGRESS if delivered and agency else CaseStatus.REGISTERED)
    section = row.get("受理科室", "").strip()
    description = f"{row['案件主類別']}／{row['案件次類別']}" + (f"（{section}）" if section
                                                                else "")
    return CaseRow(external_id=number[:64], category=category, registered_at=registered,
                   description=description, status=status, kind=CaseKind.PETITION,
                   channel=Channel.WEB, agency=agency if status != CaseStatus.REGISTERED
                   else None, answered_at=closed, closed_at=closed)


def taipei_csv(path: Path, *, actor=None, progress: Progress) -> ImportResult:
    """Taipei's petition cases (臺北市陳情案件), ROC dates with 上午/下午."""
    headers, rows = read_rows(Path(path))
    require_columns(headers, TAIPEI_COLUMNS, Path(path))
    lookups = Lookups()
    return write_rows(source="taipei", rows=_rows(rows, _taipei_row, lookups),
                      result=ImportResult(), progress=progress, lookups=lookups)


# --- Open311 XML ------------------------------------------------------------------------------


def _open311_row(element, lookups: Lookups) -> CaseRow:
    def text(name: str) -> str:
        return (element.findtext(name) or "").strip()

    number = text("service_request_id")
    if not number:
        raise RowError("no service_request_id")
    code = text("service_code")
    category = lookups.categories.get(code)
    if category is None:
        raise RowError(f"unknown service_code {code!r}")
    registered = parse_datetime_text(text("requested_datetime"))
    if registered is None:
        raise RowError("no requested_datetime")
    lat, lng = _coordinate_pair(text("lat"), text("long"))
    status = text("status")
    if status not in ("open", "closed"):
        raise RowError(f"unknown status {status!r}")
    agency = lookups.agency(text("agency_responsible")) if text("agency_responsible") else \
        category.default_agency
    updated = parse_datetime_text(text("updated_datetime"))
    closed = status == "closed"
    description = text("description") or category.name_zh
    if len(description) > DESCRIPTION_MAX:
        raise RowError("description longer than 4,000 characters")
    return CaseRow(
        external_id=number[:64], category=category, registered_at=registered,
        description=description, kind=category.kind, channel=Channel.OPEN311,
        status=CaseStatus.CLOSED if closed else (CaseStatus.IN_PROGRESS if agency
                                                 else CaseStatus.REGISTERED),
        agency=agency, district=lookups.districts.get(text("zipcode")), latitude=lat,
        longitude=lng, address=text("address"), answered_at=updated if closed else None,
        closed_at=updated if closed else None, reply=text("status_notes"),
        media_url=text("media_url")[:500],
    )


def open311_xml(path: Path, *, actor=None, progress: Progress) -> ImportResult:
    """A GeoReport v2 ``service_requests`` document (GET requests.xml of another server)."""
    try:
        root = SafeET.fromstring(Path(path).read_bytes())
    except SafeET.ParseError as error:
        raise DomainError(ErrorCode.INVALID, f"{Path(path).name}: not XML ({error})") from None
    if root.tag != "service_requests":
        raise DomainError(ErrorCode.INVALID,
                          f"{Path(path).name}: expected <service_requests>, found <{root.tag}>")
    requests = root.findall("request")
    lookups = Lookups()
    return write_rows(source="open311", rows=_rows(enumerate(requests, start=1), _open311_row,
                                                   lookups),
                      result=ImportResult(), progress=progress, lookups=lookups,
                      total=len(requests))

