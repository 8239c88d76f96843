"""Load a city's agencies and districts (core's part of its data folder), and import
agencies from a spreadsheet. Idempotent: running either again changes nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from yankao.core import city as core_city
from yankao.core.audit import CoreAction
from yankao.core.cities import city_folder
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, City, District
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean


def city_seed(*, actor=None, city: str = "kaohsiung") -> dict[str, int]:
    """Create or update the agencies, units, outside units and districts of a city's data
    folder (a shipped city's name or a folder), nothing else; all or nothing.

    Returns how many agencies and districts there are afterwards.
    """
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    folder = city_folder(city)
    with transaction.atomic():
        core_city.load(actor=actor, city=folder)
        folder.check()
    return {"agencies": Agency.objects.count(), "districts": District.objects.count()}


def agency_other_city(name_zh: str) -> str:
    """The other city or county an agency's name belongs to, by the city set up here."""
    city = City.objects.first()
    return core_city.other_city(name_zh, city.name_zh) if city else ""


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
                    result.reject(number, f"must be yes or no, not {row['active']!r}",
                                  "active")
                    continue
                elsewhere = agency_other_city(row["name_zh"])
                if elsewhere:
                    result.reject(number, f"{row['name_zh']!r} is an agency of {elsewhere}, "
                                          "not of this city", "name_zh")
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
                except ValidationError as error:
                    result.reject(number, "; ".join(
                        f"{field}: {' '.join(messages)}"
                        for field, messages in error.message_dict.items()
                    ))
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
