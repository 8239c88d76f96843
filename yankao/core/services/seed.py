"""Load a city's agencies and districts. Idempotent: running it again changes nothing."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from yankao.core.audit import CoreAction
from yankao.core.data import kaohsiung
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, District
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean

CITIES = {"kaohsiung": kaohsiung}


def _upsert_agency(*, actor, code, name_zh, name_en, short, kind, parent, order) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is not None:
        return agency
    agency = Agency(
        code=code, name_zh=name_zh, name_en=name_en, short_name_zh=short, kind=kind,
        parent=parent, sort_order=order,
    )
    full_clean(agency)
    agency.save()
    audit_record(actor=actor, action=CoreAction.AGENCY_SEED, obj=agency, to_state="active")
    return agency


def city_seed(*, actor=None, city: str = "kaohsiung") -> dict[str, int]:
    """Create the city's agencies, units, outside units and districts that do not exist yet.

    Returns how many agencies and districts the city has afterwards.
    """
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    data = CITIES.get(city)
    if data is None:
        raise DomainError(ErrorCode.INVALID, f"Unknown city {city!r}; known: {', '.join(CITIES)}")
    order = 0
    with transaction.atomic():
        by_code: dict[str, Agency] = {}
        for code, name_zh, name_en, short in data.FIRST_LEVEL:
            order += 10
            by_code[code] = _upsert_agency(
                actor=actor, code=code, name_zh=name_zh, name_en=name_en, short=short,
                kind=Agency.Kind.FIRST_LEVEL, parent=None, order=order,
            )
        for rows, kind in ((data.SECOND_LEVEL, Agency.Kind.SECOND_LEVEL),
                           (data.ENTERPRISES, Agency.Kind.ENTERPRISE)):
            for code, parent, name_zh, name_en, short in rows:
                order += 10
                by_code[code] = _upsert_agency(
                    actor=actor, code=code, name_zh=name_zh, name_en=name_en, short=short,
                    kind=kind, parent=by_code[parent], order=order,
                )
        for postal, name_zh, name_en, latitude, longitude in data.DISTRICTS:
            order += 10
            office = _upsert_agency(
                actor=actor,
                code=f"district-{name_en.lower().replace('-', '')}",
                name_zh=f"高雄市{name_zh}公所",
                name_en=f"{name_en} District Office",
                short=f"{name_zh}公所",
                kind=Agency.Kind.DISTRICT_OFFICE,
                parent=None,
                order=order,
            )
            if not District.objects.filter(code=postal).exists():
                district = District(
                    code=postal, name_zh=name_zh, name_en=f"{name_en} District", office=office,
                    latitude=Decimal(str(latitude)), longitude=Decimal(str(longitude)),
                )
                full_clean(district)
                district.save()
                audit_record(actor=actor, action=CoreAction.DISTRICT_SEED, obj=district,
                             agency=office)
        for code, name_zh, name_en, short in data.OUTSIDE_UNITS:
            order += 10
            _upsert_agency(
                actor=actor, code=code, name_zh=name_zh, name_en=name_en, short=short,
                kind=Agency.Kind.OUTSIDE, parent=None, order=order,
            )
    return {"agencies": Agency.objects.count(), "districts": District.objects.count()}


TRUE_WORDS = {"1", "true", "yes", "y", "是", "啟用"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "停用"}


def agencies_import(path, *, actor=None, progress=None):
    """``yankao import agencies csv FILE``: create or update agencies from a CSV or XLSX.

    Columns: code, name_zh, name_en, short_name_zh, kind (first_level, second_level,
    district_office, enterprise, outside), parent_code, active. A parent may come later
    in the same file. Importing the same file twice changes nothing.
    """
    from yankao.core.imports import ImportResult, read_rows, require_columns

    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    headers, rows = read_rows(path)
    require_columns(headers, ["code", "name_zh", "name_en", "kind"], path)
    result = ImportResult()
    pending = list(rows)
    kinds = set(Agency.Kind.values)
    with transaction.atomic():
        # Parents first: retry rows whose parent is created later in the file.
        for _round in range(5):
            waiting = []
            for number, row in pending:
                parent = None
                if row.get("parent_code"):
                    parent = Agency.objects.filter(code=row["parent_code"]).first()
                    if parent is None:
                        waiting.append((number, row))
                        continue
                active_word = row.get("active", "").lower() or "1"
                if row["kind"] not in kinds:
                    result.reject(number, f"unknown kind {row['kind']!r}")
                    continue
                if active_word not in TRUE_WORDS | FALSE_WORDS:
                    result.reject(number, f"active must be yes or no, not {row['active']!r}")
                    continue
                wanted = {
                    "name_zh": row["name_zh"],
                    "name_en": row["name_en"],
                    "short_name_zh": row.get("short_name_zh", ""),
                    "kind": row["kind"],
                    "parent": parent,
                    "active": active_word in TRUE_WORDS,
                }
                agency = Agency.objects.filter(code=row["code"]).first()
                changed = []
                if agency is None:
                    agency = Agency(code=row["code"], **wanted)
                else:
                    changed = [k for k, v in wanted.items() if getattr(agency, k) != v]
                    if not changed:
                        result.unchanged += 1
                        continue
                    for name in changed:
                        setattr(agency, name, wanted[name])
                try:
                    with transaction.atomic():
                        created = agency.pk is None
                        full_clean(agency)
                        agency.save()
                        audit_record(
                            actor=actor, action=CoreAction.AGENCY_IMPORT, obj=agency,
                            data={"changed": changed} if changed else {},
                        )
                except DomainError as error:
                    result.reject(number, f"{error.field}: {error.message}" if error.field
                                  else error.message)
                    continue
                if created:
                    result.created += 1
                else:
                    result.updated += 1
                if progress:
                    progress(result.read)
            if not waiting or len(waiting) == len(pending):
                pending = waiting
                break
            pending = waiting
        for number, row in pending:
            result.reject(number, f"unknown parent_code {row['parent_code']!r}")
    return result
