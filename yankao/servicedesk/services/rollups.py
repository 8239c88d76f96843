"""The rollups' upkeep (decision 0120): the triggers that keep them exact, and the rebuild.

One description of a case's part in each rollup (``ROLLUPS``) is turned into SQL three
ways: the triggers of PostgreSQL (statement level, over the statement's transition tables,
so a COPY or an ``INSERT … SELECT`` of a million cases adds one grouped upsert per rollup),
the triggers of SQLite (row level) and the rebuild (an ``INSERT … SELECT`` over the cases
of a period). Each is ``INSERT … SELECT … GROUP BY key … ON CONFLICT (key) DO UPDATE SET
n = n + excluded.n`` over the signed rows: +1 for a row as it is now, −1 for the row as it
was; a change that moves nothing a figure counts nets to zero and writes nothing.

The SQL is built from constants only (no input reaches it); the rebuild's period is bound
as parameters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction

from yankao.core.calendar import TAIPEI
from yankao.core.services.audit import audit_record
from yankao.servicedesk.audit import ServicedeskAction as Action
from yankao.servicedesk.models import HANDLING_STEP
from yankao.servicedesk.models.rollups import SLOTS

# The case's columns the rollups read; a trigger's source rows carry them by these names.
CASE_COLUMNS = ("id", "registered_at", "kind", "agency_id", "category_id", "district_id", "channel",
                "due_at", "answered_at", "close_reason", "downgraded", "handling_seconds")

MERGED = "r.close_reason = 'merged'"
FILED = "r.close_reason = 'filed'"
RATED = "r.due_at IS NOT NULL AND r.close_reason NOT IN ('merged', 'filed')"
COUNTED = "r.due_at IS NOT NULL AND r.close_reason <> 'merged' AND NOT r.downgraded"


def _when(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


@dataclass(frozen=True)
class Rollup:
    table: str
    keys: tuple[tuple[str, str], ...]  # (column, expression over the source row ``r``)
    counts: tuple[tuple[str, str], ...]  # (column, the row's part: 1/0 or a number)
    where: str = "1 = 1"  # which source rows have a part at all


KEYS = (("month", "{month}"), ("kind", "r.kind"),
        ("agency_key", "COALESCE(r.agency_id, 0)"))
# id modulo SLOTS without "%", which the rebuild's parameters would read as a placeholder
SLOTTED = (*KEYS, ("slot", f"r.id - (r.id / {SLOTS}) * {SLOTS}"))

CASES = Rollup("servicedesk_caserollup", SLOTTED, (
    ("received", "1"),
    ("on_time", _when(f"{RATED} AND r.answered_at <= r.due_at")),
    ("late_answered", _when(f"{RATED} AND r.answered_at > r.due_at")),
    ("unanswered", _when(f"{RATED} AND r.answered_at IS NULL")),
    ("no_limit", _when("r.due_at IS NULL AND r.close_reason NOT IN ('merged', 'filed')")),
    ("merged", _when(MERGED)),
    ("filed", _when(FILED)),
    ("dispatch_within", _when(f"{COUNTED} AND r.answered_at <= r.due_at")),
    ("dispatch_late", _when(f"{COUNTED} AND r.answered_at > r.due_at")),
    ("dispatch_unanswered", _when(f"{COUNTED} AND r.answered_at IS NULL AND NOT ({FILED})")),
    ("dispatch_unanswered_filed", _when(f"{COUNTED} AND r.answered_at IS NULL AND {FILED}")),
    ("downgraded", _when(f"r.downgraded AND NOT ({MERGED})")),
    ("not_dispatched", _when(f"r.due_at IS NULL AND NOT ({MERGED}) AND NOT r.downgraded")),
    ("handled", _when("r.handling_seconds IS NOT NULL")),
    ("handling_seconds", "COALESCE(r.handling_seconds, 0)"),
    ("surveys_invited", "r.s_invited"),
    ("surveys_answered", "r.s_answered"),
    ("surveys_satisfied", "r.s_satisfied"),
))
SURVEYS = Rollup("servicedesk_caserollup", SLOTTED, (
    ("surveys_invited", "r.s_invited"),
    ("surveys_answered", "r.s_answered"),
    ("surveys_satisfied", "r.s_satisfied"),
))
ROLLUPS = (
    CASES,
    Rollup("servicedesk_categoryrollup", (*SLOTTED, ("category_key", "r.category_id")),
           (("received", "1"),)),
    Rollup("servicedesk_districtrollup", (*SLOTTED, ("district_key", "COALESCE(r.district_id, 0)")),
           (("received", "1"),)),
    Rollup("servicedesk_channelrollup", (*SLOTTED, ("channel", "r.channel")),
           (("received", "1"),)),
    Rollup("servicedesk_handlingrollup",
           (*KEYS, ("tenth", f"(r.handling_seconds + {HANDLING_STEP // 2}) / {HANDLING_STEP}")),
           (("cases", "1"),), where="r.handling_seconds IS NOT NULL"),
)
# The calls (no kind, no survey): month of receipt, call centre, outcome, slot by call id.
CALL_COLUMNS = ("id", "received_at", "agency_id", "outcome", "answered_at_once")
CALLS = Rollup("servicedesk_callrollup", (
    ("month", "{month}"), ("agency_key", "COALESCE(r.agency_id, 0)"), ("outcome", "r.outcome"),
    ("slot", f"r.id - (r.id / {SLOTS}) * {SLOTS}"),
), (("calls", "1"), ("answered_at_once", _when("r.answered_at_once"))))
CASE_TABLES = tuple(rollup.table for rollup in ROLLUPS)
TABLES = (*CASE_TABLES, CALLS.table)


def month_expression(vendor: str) -> str:
    """The first day of the Asia/Taipei month of ``r.registered_at``. SQLite adds 8 hours:
    Asia/Taipei has kept UTC+8 without summer time since 1980 (decision 0120)."""
    if vendor == "postgresql":
        return "(date_trunc('month', r.registered_at AT TIME ZONE 'Asia/Taipei'))::date"
    return "date(r.registered_at, '+8 hours', 'start of month')"


def upsert(rollup: Rollup, source: str, vendor: str) -> str:
    """The statement adding the signed rows of ``source`` (a SELECT giving CASE_COLUMNS,
    ``s_invited``, ``s_answered``, ``s_satisfied`` and ``sign``) to ``rollup``."""
    month = month_expression(vendor)
    keys = [expression.format(month=month) for _column, expression in rollup.keys]
    sums = [f"SUM(r.sign * ({expression}))" for _column, expression in rollup.counts]
    columns = [column for column, _ in rollup.keys] + [column for column, _ in rollup.counts]
    updates = ", ".join(f"{column} = {rollup.table}.{column} + excluded.{column}"
                        for column, _ in rollup.counts)
    positions = ", ".join(str(n) for n in range(1, len(keys) + 1))
    # "WHERE" before "GROUP BY": SQLite needs it to read ON CONFLICT as the upsert clause.
    return (f"INSERT INTO {rollup.table} ({', '.join(columns)}) "  # noqa: S608 - constants
            f"SELECT {', '.join(keys + sums)} FROM ({source}) AS r WHERE {rollup.where} "
            f"GROUP BY {positions} HAVING {' OR '.join(f'{s} <> 0' for s in sums)} "
            f"ORDER BY {positions} "
            f"ON CONFLICT ({', '.join(c for c, _ in rollup.keys)}) DO UPDATE SET {updates}")


def _case_source(ref: str, sign: int, from_clause: str, survey: str = "s") -> str:
    """Signed case rows with their survey (``survey``: an alias LEFT JOINed by case)."""
    columns = ", ".join(f"{ref}.{column} AS {column}" for column in CASE_COLUMNS)
    return (f"SELECT {columns}, {sign} AS sign, "  # noqa: S608 - constants
            f"{_when(f'{survey}.id IS NOT NULL')} AS s_invited, "
            f"{_when(f'{survey}.answered_at IS NOT NULL')} AS s_answered, "
            f"{_when(f'{survey}.score >= 4')} AS s_satisfied "
            f"FROM {from_clause} LEFT JOIN servicedesk_survey {survey} "
            f"ON {survey}.case_id = {ref}.id")


def _call_source(ref: str, sign: int, from_clause: str) -> str:
    """Signed call rows; the time of receipt is named ``registered_at`` for the month."""
    columns = ", ".join(f"{ref}.{column} AS "
                        f"{'registered_at' if column == 'received_at' else column}"
                        for column in CALL_COLUMNS)
    return f"SELECT {columns}, {sign} AS sign FROM {from_clause}"  # noqa: S608 - constants


def _survey_source(ref: str, sign: int, from_clause: str) -> str:
    """Signed survey rows with their case's key columns (the case's own part: none)."""
    columns = ", ".join(f"c.{column} AS {column}" for column in CASE_COLUMNS)
    return (f"SELECT {columns}, {sign} AS sign, 1 AS s_invited, "  # noqa: S608 - constants
            f"{_when(f'{ref}.answered_at IS NOT NULL')} AS s_answered, "
            f"{_when(f'{ref}.score >= 4')} AS s_satisfied "
            f"FROM {from_clause} JOIN servicedesk_case c ON c.id = {ref}.case_id")


# --- triggers -------------------------------------------------------------------------------

EVENTS = ("INSERT", "UPDATE", "DELETE")
TRIGGERS = {"servicedesk_case": "sd_case_rollups", "servicedesk_survey": "sd_survey_rollups",
            "servicedesk_call": "sd_call_rollups"}
CASE_TRIGGERS = ("servicedesk_case", "servicedesk_survey")  # migration 0008
CALL_TRIGGERS = ("servicedesk_call",)  # migration 0010


def _statements(table: str, event: str, vendor: str) -> list[str]:
    """The upserts run after ``event`` on ``table``."""
    if vendor == "postgresql":
        new, old = ("n", "new_rows n"), ("o", "old_rows o")
    else:  # SQLite: one row; FROM needs a table, so a one-row SELECT carries the id
        new, old = ("NEW", "(SELECT NEW.id AS id) AS n"), ("OLD", "(SELECT OLD.id AS id) AS o")
    sides = []
    if event in ("INSERT", "UPDATE"):
        sides.append((new, 1))
    if event in ("UPDATE", "DELETE"):
        sides.append((old, -1))
    if table == "servicedesk_case":
        source = " UNION ALL ".join(_case_source(ref, sign, from_clause)
                                    for (ref, from_clause), sign in sides)
        return [upsert(rollup, source, vendor) for rollup in ROLLUPS]
    if table == "servicedesk_call":
        source = " UNION ALL ".join(_call_source(ref, sign, from_clause)
                                    for (ref, from_clause), sign in sides)
        return [upsert(CALLS, source, vendor)]
    if vendor != "postgresql":
        sides = [((ref, f"(SELECT {ref}.case_id AS case_id) AS {ref.lower()[0]}"), sign)
                 for (ref, _), sign in sides]
    source = " UNION ALL ".join(_survey_source(ref, sign, from_clause)
                                for (ref, from_clause), sign in sides)
    return [upsert(SURVEYS, source, vendor)]


# The columns whose change moves a row's part (an update touching none of them, such as a
# status note or ``updated_at``, skips the upserts).
COUNTED_COLUMNS = {"servicedesk_case": CASE_COLUMNS[1:],
                   "servicedesk_survey": ("case_id", "answered_at", "score"),
                   "servicedesk_call": CALL_COLUMNS[1:]}


def _changed(table: str, new: str, old: str, vendor: str) -> str:
    columns = COUNTED_COLUMNS[table]
    if vendor == "postgresql":
        return (f"({', '.join(f'{new}.{c}' for c in columns)}) IS DISTINCT FROM "
                f"({', '.join(f'{old}.{c}' for c in columns)})")
    return " OR ".join(f"{new}.{c} IS NOT {old}.{c}" for c in columns)


def trigger_sql(vendor: str, tables=tuple(TRIGGERS)) -> list[str]:
    """CREATE statements of the rollups' triggers on ``tables`` (after
    ``drop_trigger_sql``)."""
    statements = []
    for table in tables:
        name = TRIGGERS[table]
        if vendor == "postgresql":
            def body(event, table=table):
                upserts = " ".join(f"{s};" for s in _statements(table, event, vendor))
                if event != "UPDATE":
                    return upserts
                return (f"IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id "  # noqa: S608
                        f"WHERE {_changed(table, 'n', 'o', vendor)}) THEN {upserts} END IF;")

            branches = " ".join(
                f"{'IF' if i == 0 else 'ELSIF'} TG_OP = '{event}' THEN {body(event)}"
                for i, event in enumerate(EVENTS))
            statements.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"{branches} END IF; RETURN NULL; END $$")
            referencing = {"INSERT": "NEW TABLE AS new_rows",
                           "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                           "DELETE": "OLD TABLE AS old_rows"}
            statements += [
                f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {referencing[event]} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {name}()" for event in EVENTS]
        else:
            statements += [
                f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} FOR EACH ROW "
                + (f"WHEN {_changed(table, 'NEW', 'OLD', vendor)} " if event == "UPDATE" else "")
                + "BEGIN " + " ".join(f"{s};" for s in _statements(table, event, vendor)) + " END"
                for event in EVENTS]
    return statements


def drop_trigger_sql(vendor: str, tables=tuple(TRIGGERS)) -> list[str]:
    statements = []
    for table in tables:
        name = TRIGGERS[table]
        statements += [f"DROP TRIGGER IF EXISTS {name}_{event.lower()}"
                       + (f" ON {table}" if vendor == "postgresql" else "")
                       for event in EVENTS]
        if vendor == "postgresql":
            statements.append(f"DROP FUNCTION IF EXISTS {name}()")
    return statements


def triggers_install(schema_editor=None, tables=tuple(TRIGGERS)) -> None:
    """(Re)create the triggers on ``tables``; used by the migrations, idempotent."""
    target = schema_editor.connection if schema_editor else connection
    with target.cursor() as cursor:
        for statement in (drop_trigger_sql(target.vendor, tables)
                          + trigger_sql(target.vendor, tables)):
            cursor.execute(statement)


def triggers_drop(schema_editor=None, tables=tuple(TRIGGERS)) -> None:
    target = schema_editor.connection if schema_editor else connection
    with target.cursor() as cursor:
        for statement in drop_trigger_sql(target.vendor, tables):
            cursor.execute(statement)


# --- rebuild --------------------------------------------------------------------------------


def _rebuild(target, year: int | None, *, cases: bool = True, calls: bool = True) -> int:
    """Recount the rollups of ``year`` (every year: None) from the cases and the calls;
    returns the cases counted. Runs in the caller's transaction; on PostgreSQL writers wait
    meanwhile."""
    vendor = target.vendor
    where, params = "1 = 1", []
    months = [target.ops.adapt_datefield_value(dt.date(year, month, 1)) for month in (1, 12)
              ] if year is not None else []
    if year is not None:
        start = dt.datetime(year, 1, 1, tzinfo=TAIPEI)
        where, params = ("c.registered_at >= %s AND c.registered_at < %s",
                         [target.ops.adapt_datetimefield_value(moment)
                          for moment in (start, start.replace(year=year + 1))])
    with target.cursor() as cursor:
        if vendor == "postgresql":  # readers go on; a case written now waits for the recount
            cursor.execute("LOCK TABLE servicedesk_case, servicedesk_survey, servicedesk_call "
                           "IN SHARE MODE")
        for table in (CASE_TABLES if cases else ()) + ((CALLS.table,) if calls else ()):
            if year is None:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our table names
            else:
                cursor.execute(f"DELETE FROM {table} WHERE month >= %s AND month <= %s",  # noqa: S608
                               months)
        source = _case_source("c", 1, "servicedesk_case c") + f" WHERE {where}"
        for rollup in ROLLUPS if cases else ():
            cursor.execute(upsert(rollup, source, vendor), params)
        if calls:
            source = _call_source("c", 1, "servicedesk_call c") + " WHERE " + where.replace(
                "c.registered_at", "c.received_at")
            cursor.execute(upsert(CALLS, source, vendor), params)
        if year is None:
            cursor.execute("SELECT COALESCE(SUM(received), 0) FROM servicedesk_caserollup")
        else:
            cursor.execute("SELECT COALESCE(SUM(received), 0) FROM servicedesk_caserollup "
                           "WHERE month >= %s AND month <= %s", months)
        return cursor.fetchone()[0]


def rollups_rebuild(*, actor, year: int | None = None) -> int:
    """Recount the rollups of a year (or of every year) from the cases, in one transaction:
    for a database filled by bulk SQL with the triggers off, or to check nothing drifted.
    Returns how many cases were counted."""
    with transaction.atomic():
        counted = _rebuild(connection, year)
        audit_record(actor=actor, action=Action.ROLLUPS_REBUILD,
                     data={"year": year, "cases": counted})
    return counted


def rollups_clear_after_flush(*, using: str = "default", **kwargs) -> None:
    """The rollups of no cases are none. ``flush`` (and so every transactional test) sends
    ``post_migrate`` after emptying the tables; on SQLite it empties them one by one in no
    fixed order, and a case deleted after its rollups were emptied leaves −1 rows behind.
    With no case and no survey left, the cases' rollups go too, and with no call the
    calls'; three EXISTS reads otherwise."""
    from django.db import connections

    target = connections[using]
    with target.cursor() as cursor:
        tables = set(target.introspection.table_names(cursor))
        if not {"servicedesk_case", "servicedesk_survey", "servicedesk_call", *TABLES} <= tables:
            return  # not migrated this far yet
        for rows, rollups in ((("servicedesk_case", "servicedesk_survey"), CASE_TABLES),
                              (("servicedesk_call",), (CALLS.table,))):
            found = " OR ".join(f"EXISTS (SELECT 1 FROM {table})" for table in rows)  # noqa: S608
            cursor.execute(f"SELECT {found}")  # our table names
            if not cursor.fetchone()[0]:
                for table in rollups:
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our table names


def rollups_build_for_migration(apps, schema_editor) -> None:
    """Migration 0008: the triggers, then the rollups of the cases already there."""
    triggers_install(schema_editor, CASE_TRIGGERS)
    _rebuild(schema_editor.connection, None, calls=False)


def rollups_drop_for_migration(apps, schema_editor) -> None:
    triggers_drop(schema_editor, CASE_TRIGGERS)


def call_rollups_build_for_migration(apps, schema_editor) -> None:
    """Migration 0010: the calls' trigger, then the rollup of the calls already there."""
    triggers_install(schema_editor, CALL_TRIGGERS)
    _rebuild(schema_editor.connection, None, cases=False)


def call_rollups_drop_for_migration(apps, schema_editor) -> None:
    triggers_drop(schema_editor, CALL_TRIGGERS)
