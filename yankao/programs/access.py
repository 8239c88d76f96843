"""Who may do what in program control, on top of core.permissions.

- Agency officers (承辦人) of a program's agency — or of an agency above it — prepare work
  plans, monthly reports, self-evaluations, KPI values and replies.
- Section chiefs (科長) of that agency are the unit head in the monthly review chain.
- RDEC evaluators (研考人員) create programs, approve plans, review for the commission,
  grade, and release tracked items; they read every agency.
- ``actor=None`` is the system (demo loader, imports run from the command line).
"""

from __future__ import annotations

from django.db.models import QuerySet

from yankao.core.models import Agency, Role
from yankao.core.permissions import has_role, require_role, scope_queryset

# Roles whose agency memberships let a person read that agency's program records.
READ_ROLES = (Role.OFFICER, Role.SECTION_CHIEF)
MODULE_ROLES = frozenset({Role.OFFICER, Role.SECTION_CHIEF, Role.EVALUATOR,
                          Role.ADMINISTRATOR})


def scoped(queryset: QuerySet, actor, *, agency_field: str = "agency") -> QuerySet:
    """Rows of the actor's agencies (all of them for evaluators)."""
    return scope_queryset(queryset, actor, agency_field=agency_field, roles=READ_ROLES)


def require_officer(actor, agency: Agency) -> None:
    if actor is not None:
        require_role(actor, Role.OFFICER, agency=agency)


def require_unit_head(actor, agency: Agency) -> None:
    if actor is not None:
        require_role(actor, Role.SECTION_CHIEF, agency=agency)


def require_commission(actor) -> None:
    if actor is not None:
        require_role(actor, Role.EVALUATOR)


def require_officer_or_commission(actor, agency: Agency) -> None:
    if actor is None or has_role(actor, Role.EVALUATOR):
        return
    require_role(actor, Role.OFFICER, agency=agency)


def is_commission(actor) -> bool:
    return actor is not None and has_role(actor, Role.EVALUATOR)
