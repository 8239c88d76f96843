"""``yankao import mapping csv FILE``: the city's answers to an import's mapping file.

An import that meets names the catalogue does not have writes them to a mapping file
(``source, column, value, rows, placeholder, code``). The city fills in ``code`` — a
sub-category's service code for a category, an agency's code for a unit — and loads the
file here; importing the cases again then moves their rows from the placeholder to where
the city said. A row left without a code is skipped (noted); a code that does not exist
is refused with its row and column.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.imports import ImportResult, Progress, read_rows, require_columns
from yankao.core.models import Agency
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record
from yankao.servicedesk.audit import ServiceDeskAction
from yankao.servicedesk.models import Category, ImportMapping


def mapping_import(path: Path, *, actor=None, progress: Progress) -> ImportResult:
    """Create or change the mappings a completed mapping file names (administrators)."""
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    headers, rows = read_rows(Path(path))
    require_columns(headers, ["source", "column", "value", "code"], Path(path))
    categories = {c.code: c for c in Category.objects.filter(parent__isnull=False)}
    agencies = {a.code: a for a in Agency.objects.all()}
    result = ImportResult()
    with transaction.atomic():
        for number, row in rows:
            source, column, value, code = (row["source"], row["column"], row["value"],
                                           row["code"])
            if not code:
                result.note(number, "no code yet; left unmapped", "code")
                continue
            if not source or len(source) > 32:
                result.reject(number, "name the import's source (at most 32 characters)",
                              "source")
                continue
            if not value:
                result.reject(number, "empty", "value")
                continue
            if column == ImportMapping.Column.CATEGORY:
                target = {"category": categories.get(code), "agency": None}
                what = "no sub-category with this service code"
            elif column == ImportMapping.Column.AGENCY:
                target = {"agency": agencies.get(code), "category": None}
                what = "no agency with this code"
            else:
                result.reject(number, f"must be category or agency, not {column!r}", "column")
                continue
            if target[column] is None:
                result.reject(number, f"{what}: {code!r}", "code")
                continue
            mapping = ImportMapping.objects.filter(source=source, column=column,
                                                   value=value[:200]).first()
            if mapping is not None and (mapping.category, mapping.agency) == (
                    target["category"], target["agency"]):
                result.unchanged += 1
                continue
            before = (mapping.category or mapping.agency).code if mapping else ""
            if mapping is None:
                mapping = ImportMapping(source=source, column=column, value=value[:200])
                result.created += 1
            else:
                result.updated += 1
            mapping.category, mapping.agency = target["category"], target["agency"]
            mapping.full_clean()
            mapping.save()
            audit_record(actor=actor, action=ServiceDeskAction.MAPPING_SET, obj=mapping,
                         from_state=before, to_state=code,
                         data={"source": source, "column": column, "value": value})
            progress(result.read)
    return result
