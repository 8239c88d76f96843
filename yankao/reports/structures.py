"""The report structures this city uses, by key."""

from __future__ import annotations

from yankao.core.errors import DomainError, ErrorCode
from yankao.reports.structure import Structure

_STRUCTURES: dict[str, Structure] = {}


def register_structure(*items: Structure) -> None:
    for structure in items:
        _STRUCTURES[structure.key] = structure


def unregister_structure(*keys: str) -> None:
    for key in keys:
        _STRUCTURES.pop(key, None)


def structures() -> dict[str, Structure]:
    if not _STRUCTURES:
        from yankao.reports.data.rdec_annual import ANNUAL
        from yankao.reports.data.rdec_monthly import MONTHLY

        register_structure(ANNUAL, *MONTHLY)
    return dict(_STRUCTURES)


def structure_get(key: str) -> Structure:
    found = structures().get(key)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"No report {key!r}; known: "
                          f"{', '.join(sorted(structures()))}")
    return found
