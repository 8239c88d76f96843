"""The history a city already has, in Yankao's own columns (docs/imports/servicedesk.md):

- ``yankao import cases csv FILE``: cases of any kind (mailbox letters, petitions…);
- ``yankao import calls csv FILE``: the 1999 call log;
- ``yankao import surveys csv FILE``: satisfaction survey answers of imported cases.

Every row keeps the file's own times (services stamp the present; a past year is filled
only this way), and importing a file again changes nothing. CSV (UTF-8 or Big5) or XLSX.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.imports import (
    ImportResult,
    Progress,
    RowError,
    parse_datetime,
    parse_int,
    read_rows,
    require_columns,
)
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record
from yankao.servicedesk.audit import ServiceDeskAction
from yankao.servicedesk.imports.lookups import Lookups, coordinate_pair
from yankao.servicedesk.imports.pipeline import BATCH, CaseRow, parsed_rows, write_rows
from yankao.servicedesk.models import (
    DESCRIPTION_MAX,
    Call,
    CallOutcome,
    Case,
    CaseKind,
    CaseStatus,
    Channel,
    Survey,
)

YES = {"1", "yes", "y", "true", "是"}


def _require_admin(actor) -> None:
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)


# --- cases -------------------------------------------------------------------------------------

CASE_COLUMNS = ["id", "kind", "category", "registered_at"]


def _choice(row: dict, column: str, choices, default: str) -> str:
    value = (row.get(column) or "").strip().lower() or default
    if value not in choices:
        raise RowError(f"must be one of {', '.join(choices)}, not {value!r}", column)
    return value


def _case_row(row: dict, lookups: Lookups, note) -> CaseRow:
    number = row["id"]
    if not number:
        raise RowError("empty", "id")
    kind = _choice(row, "kind", CaseKind.values, "")
    category = lookups.category(row["category"], kind=kind)
    registered = parse_datetime(row["registered_at"], "registered_at")
    if registered is None:
        raise RowError("empty", "registered_at")
    answered = parse_datetime(row.get("answered_at"), "answered_at")
    closed = parse_datetime(row.get("closed_at"), "closed_at")
    for moment, column in ((answered, "answered_at"), (closed, "closed_at")):
        if moment and moment < registered:
            raise RowError("before registered_at", column)
    agency = lookups.agency(row.get("agency", ""), category.default_agency)
    default = (CaseStatus.CLOSED if closed else CaseStatus.REPLIED if answered
               else CaseStatus.ASSIGNED if agency else CaseStatus.REGISTERED)
    status = _choice(row, "status", CaseStatus.values, default)
    if status != CaseStatus.REGISTERED and agency is None:
        raise RowError("name the handling agency of a case that is not only registered",
                       "agency")
    lat, lng = coordinate_pair(row.get("latitude"), row.get("longitude"), note)
    description = row.get("description", "") or category.name_zh
    if len(description) > DESCRIPTION_MAX:
        raise RowError("longer than 4,000 characters", "description")
    return CaseRow(
        external_id=number[:64], category=category, registered_at=registered,
        description=description, status=status, kind=kind,
        channel=_choice(row, "channel", Channel.values, Channel.WEB),
        agency=agency if status != CaseStatus.REGISTERED else None,
        district=lookups.districts.get(row.get("district", "")), latitude=lat, longitude=lng,
        address=row.get("address", "")[:200], answered_at=answered, closed_at=closed,
        reply=row.get("reply", ""),
        updated_at=parse_datetime(row.get("updated_at"), "updated_at") or closed or answered
        or registered)


def cases_csv(path: Path, *, actor=None, progress: Progress) -> ImportResult:
    """Cases in Yankao's columns, any kind, with their own times."""
    _require_admin(actor)
    headers, rows = read_rows(Path(path))
    require_columns(headers, CASE_COLUMNS, Path(path))
    lookups = Lookups("cases")
    result = ImportResult()
    return write_rows(source="cases", rows=parsed_rows(rows, _case_row, lookups, result),
                      result=result, progress=progress, lookups=lookups, actor=actor)


# --- calls -------------------------------------------------------------------------------------

CALL_COLUMNS = ["id", "received_at", "duration_seconds", "outcome"]
CALL_FIELDS = ("received_at", "duration_seconds", "outcome", "answered_at_once",
               "category_id", "case_id", "agency_id")


def _call(row: dict, lookups: Lookups, cases: dict) -> Call:
    if not row["id"]:
        raise RowError("empty", "id")
    received = parse_datetime(row["received_at"], "received_at")
    if received is None:
        raise RowError("empty", "received_at")
    seconds = parse_int(row["duration_seconds"], "duration_seconds")
    if seconds is None or not 0 <= seconds <= 4 * 3600:
        raise RowError("must be 0 to 14,400 seconds", "duration_seconds")
    outcome = _choice(row, "outcome", CallOutcome.values, "")
    category = lookups.category(row["category"], kind=CaseKind.CONSULTATION) \
        if row.get("category") else None
    case = None
    if row.get("case"):
        case = cases.get(row["case"])
        if case is None:
            raise RowError(f"no case {row['case']!r} (import the cases first)", "case")
    if outcome == CallOutcome.CASE_CREATED and case is None:
        raise RowError("a call that created a case names it", "case")
    centre = lookups.known_agency(row.get("call_centre", "")) if row.get("call_centre") \
        else None
    if row.get("call_centre") and centre is None:
        raise RowError(f"no agency {row['call_centre']!r}", "call_centre")
    return Call(source="calls", external_id=row["id"][:64], received_at=received,
                duration_seconds=seconds, outcome=outcome,
                answered_at_once=(row.get("answered_at_once", "").lower() in YES
                                  and outcome == CallOutcome.CONSULTATION),
                category=category, case_id=case, agency=centre)


def calls_csv(path: Path, *, actor=None, progress: Progress) -> ImportResult:
    """The 1999 call log (話務紀錄) with each call's own time, in batches."""
    _require_admin(actor)
    headers, rows = read_rows(Path(path))
    require_columns(headers, CALL_COLUMNS, Path(path))
    lookups = Lookups("calls")
    result = ImportResult()
    batch: list[tuple[int, dict]] = []
    case_column = "case" in headers
    for number, row in rows:
        batch.append((number, row))
        if len(batch) >= BATCH:
            _calls_batch(batch, lookups, result, actor, case_column)
            batch = []
            progress(result.read)
    _calls_batch(batch, lookups, result, actor, case_column)
    lookups.unmapped(result)
    progress(result.read)
    return result


def _calls_batch(batch, lookups, result, actor, case_column: bool) -> None:
    if not batch:
        return
    numbers = {row["case"] for _n, row in batch if case_column and row.get("case")}
    cases = dict(Case.objects.filter(number__in=numbers).values_list("number", "pk"))
    calls: dict[str, tuple[int, Call]] = {}
    for number, row in batch:
        try:
            call = _call(row, lookups, cases)
        except RowError as error:
            result.reject(number, str(error), error.column)
            continue
        if call.external_id in calls:
            result.superseded += 1
        calls[call.external_id] = (number, call)
    with transaction.atomic():
        stored = {c.external_id: c for c in Call.objects.filter(
            source="calls", external_id__in=list(calls))}
        new, changed = [], []
        for external_id, (_number, call) in calls.items():
            old = stored.get(external_id)
            if old is None:
                new.append(call)
            elif all(getattr(old, name) == getattr(call, name) for name in CALL_FIELDS):
                result.unchanged += 1
            else:
                for name in CALL_FIELDS:
                    setattr(old, name, getattr(call, name))
                changed.append(old)
        Call.objects.bulk_create(new)
        Call.objects.bulk_update(changed, list(CALL_FIELDS))
        result.created += len(new)
        result.updated += len(changed)
        if new or changed:
            audit_record(actor=actor, action=ServiceDeskAction.CALL_IMPORT,
                         data={"created": len(new), "updated": len(changed)})


# --- surveys -----------------------------------------------------------------------------------

SURVEY_COLUMNS = ["case", "invited_at", "answered_at", "score"]


def surveys_csv(path: Path, *, actor=None, progress: Progress) -> ImportResult:
    """Satisfaction surveys of cases already imported, by case number (one per case)."""
    _require_admin(actor)
    headers, rows = read_rows(Path(path))
    require_columns(headers, SURVEY_COLUMNS, Path(path))
    rows = list(rows)
    cases = dict(Case.objects.filter(number__in={row["case"] for _n, row in rows})
                 .values_list("number", "pk"))
    stored = {s.case_id: s for s in Survey.objects.filter(case_id__in=cases.values())}
    result = ImportResult()
    with transaction.atomic():
        for number, row in rows:
            try:
                values = _survey(row, cases)
            except RowError as error:
                result.reject(number, str(error), error.column)
                continue
            survey = stored.get(values["case_id"])
            if survey is not None and all(getattr(survey, k) == v for k, v in values.items()):
                result.unchanged += 1
                continue
            result.updated += survey is not None
            result.created += survey is None
            survey = survey or Survey()
            for name, value in values.items():
                setattr(survey, name, value)
            survey.save()
            stored[survey.case_id] = survey
        if result.created or result.updated:
            audit_record(actor=actor, action=ServiceDeskAction.SURVEY_IMPORT,
                         data={"created": result.created, "updated": result.updated})
    progress(result.read)
    return result


def _survey(row: dict, cases: dict) -> dict:
    case_id = cases.get(row["case"])
    if case_id is None:
        raise RowError(f"no case {row['case']!r} (import the cases first)", "case")
    invited = parse_datetime(row["invited_at"], "invited_at")
    if invited is None:
        raise RowError("empty", "invited_at")
    answered = parse_datetime(row["answered_at"], "answered_at")
    score = parse_int(row["score"], "score")
    if (answered is None) != (score is None):
        raise RowError("an answered survey has a score, an unanswered one none", "score")
    if score is not None and not 1 <= score <= 5:
        raise RowError("must be 1 to 5", "score")
    if answered and answered < invited:
        raise RowError("before invited_at", "answered_at")
    return {"case_id": case_id, "invited_at": invited, "answered_at": answered,
            "score": score, "comment": row.get("comment", "")[:1000]}
