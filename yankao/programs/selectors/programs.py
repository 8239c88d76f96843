"""Programs, plans and reports as the actor may see them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Role
from yankao.core.permissions import actor_scope
from yankao.programs.access import scoped
from yankao.programs.models import Checkpoint, PlanMonth, Program, ProgressReport, WorkPlan
from yankao.programs.models.programs import bp_to_pct

STANDING = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.UNIT_APPROVED,
            ProgressReport.Status.APPROVED)


def program_list(*, actor, year: int | None = None, agency_code: str | None = None,
                 control_level: str | None = None, q: str = "") -> QuerySet[Program]:
    """Programs of the actor's agencies (every agency for evaluators)."""
    queryset = scoped(Program.objects.select_related("agency"), actor)
    if year:
        queryset = queryset.filter(year=year)
    if agency_code:
        queryset = queryset.filter(agency__code=agency_code)
    if control_level:
        queryset = queryset.filter(control_level=control_level)
    if q:
        queryset = queryset.filter(Q(code__icontains=q) | Q(name_zh__icontains=q)
                                   | Q(name_en__icontains=q))
    return queryset


def program_get(*, actor, program_id: int) -> Program:
    """One program; NOT_FOUND (existence not disclosed) outside the actor's agencies."""
    program = program_list(actor=actor).filter(pk=program_id).first()
    if program is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("No such program."))
    return program


def program_years(*, actor) -> list[int]:
    return sorted(set(program_list(actor=actor).values_list("year", flat=True)), reverse=True)


def record_years() -> list[int]:
    """Years with controlled programs, city-wide (years only, for ``core.years``)."""
    return sorted(set(Program.objects.order_by().values_list("year", flat=True).distinct()),
                  reverse=True)


def checkpoint_list(*, actor, program: Program) -> QuerySet[Checkpoint]:
    program_get(actor=actor, program_id=program.pk)
    return Checkpoint.objects.filter(program=program)


def checkpoint_get(*, actor, checkpoint_id: int) -> Checkpoint:
    checkpoint = scoped(Checkpoint.objects.select_related("program__agency"), actor,
                        agency_field="program__agency").filter(pk=checkpoint_id).first()
    if checkpoint is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("No such checkpoint."))
    return checkpoint


def work_plan_list(*, actor, program: Program) -> QuerySet[WorkPlan]:
    program_get(actor=actor, program_id=program.pk)
    return WorkPlan.objects.filter(program=program).prefetch_related("months")


def work_plan_get(*, actor, plan_id: int) -> WorkPlan:
    plan = scoped(WorkPlan.objects.select_related("program__agency"), actor,
                  agency_field="program__agency").filter(pk=plan_id).first()
    if plan is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("No such work plan."))
    return plan


def approved_plan_months(program: Program) -> dict[int, PlanMonth]:
    """The months of the program's approved plan (empty when none is approved)."""
    return {row.month: row for row in PlanMonth.objects.filter(
        plan__program=program, plan__status=WorkPlan.Status.APPROVED)}


def progress_report_list(*, actor, program: Program) -> QuerySet[ProgressReport]:
    program_get(actor=actor, program_id=program.pk)
    return ProgressReport.objects.filter(program=program).select_related(
        "submitted_by", "unit_reviewed_by", "approved_by")


def progress_report_get(*, actor, report_id: int) -> ProgressReport:
    report = scoped(ProgressReport.objects.select_related("program__agency", "plan"), actor,
                    agency_field="program__agency").filter(pk=report_id).first()
    if report is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("No such progress report."))
    return report


def review_queue(*, actor) -> QuerySet[ProgressReport]:
    """Reports waiting for this actor: submitted ones of the agencies where the actor is
    unit head, and — for the commission — those the unit head has passed on."""
    scope = actor_scope(actor)
    if not scope.authenticated:
        return ProgressReport.objects.none()
    wanted = Q(pk__in=[])
    chief_agencies = scope.agency_ids(Role.SECTION_CHIEF)
    if chief_agencies or scope.is_superuser:
        wanted |= Q(status=ProgressReport.Status.SUBMITTED,
                    **({} if scope.is_superuser else {"program__agency__in": chief_agencies}))
    if scope.has_role(Role.EVALUATOR):
        wanted |= Q(status=ProgressReport.Status.UNIT_APPROVED)
    return ProgressReport.objects.filter(wanted).select_related(
        "program__agency", "submitted_by").order_by("program__year", "month", "program__code")


@dataclass(frozen=True)
class CurvePoint:
    month: int
    planned_pct: Decimal | None
    actual_pct: Decimal | None
    delay_points: Decimal | None


def program_s_curve(*, actor, program: Program) -> list[CurvePoint]:
    """Planned against actual cumulative progress by month (the S-curve of a program page).

    Planned values come from the approved plan; actual values from standing reports."""
    program_get(actor=actor, program_id=program.pk)
    planned = {month: row.planned_bp for month, row in approved_plan_months(program).items()}
    reported = {month: (planned_then, actual_bp) for month, planned_then, actual_bp in
                ProgressReport.objects.filter(program=program, status__in=STANDING)
                .values_list("month", "planned_bp", "actual_bp")}
    points = []
    for month in range(1, 13):
        planned_then, actual_bp = reported.get(month, (None, None))
        points.append(CurvePoint(
            month, bp_to_pct(planned.get(month, planned_then)), bp_to_pct(actual_bp),
            # The delay is judged against the plan in force when the month was reported.
            bp_to_pct(planned_then - actual_bp) if actual_bp is not None else None,
        ))
    return points


def program_table(*, actor, year: int | None = None, agency_code: str | None = None,
                  control_level: str | None = None, q: str = "") -> QuerySet[Program]:
    """Programs with their latest standing report and their newest plan's status, for the
    program list (one query)."""
    latest = ProgressReport.objects.filter(program=OuterRef("pk"), status__in=STANDING
                                           ).order_by("-month")
    newest_plan = WorkPlan.objects.filter(program=OuterRef("pk")).order_by("-version")
    return program_list(actor=actor, year=year, agency_code=agency_code,
                        control_level=control_level, q=q).annotate(
        last_month=Subquery(latest.values("month")[:1]),
        last_planned_bp=Subquery(latest.values("planned_bp")[:1]),
        last_actual_bp=Subquery(latest.values("actual_bp")[:1]),
        plan_status=Subquery(newest_plan.values("status")[:1]),
    )


def agency_choices(*, actor, year: int) -> list[tuple[str, str]]:
    """(code, name) of the agencies with programs the actor may read in ``year``."""
    from yankao.core.models import Agency

    ids = program_list(actor=actor, year=year).values("agency_id")
    return [(agency.code, agency.name) for agency in Agency.objects.filter(pk__in=ids)]


def latest_work_plan(*, actor, program: Program) -> WorkPlan | None:
    """The program's latest work plan (any status), or None."""
    return work_plan_list(actor=actor, program=program).order_by("-version").first()
