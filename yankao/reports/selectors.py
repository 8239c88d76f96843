"""Reads of the reports app."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Role
from yankao.core.permissions import actor_scope, has_role
from yankao.reports.figures import Period
from yankao.reports.models import NarrativeBlock, NarrativeVersion, ReportJob


def approved_narratives(*, structure: str, period: Period) -> dict[str, str]:
    """section key → text of the latest approved version, for the period."""
    latest_approved = NarrativeVersion.objects.filter(
        block=OuterRef("pk"), state=NarrativeVersion.State.APPROVED
    ).order_by("-number")
    rows = NarrativeBlock.objects.filter(
        structure=structure, year=period.year, month=period.month
    ).annotate(text=Subquery(latest_approved.values("text")[:1])).values_list(
        "section_key", "text")
    return {key: text for key, text in rows if text}


def narrative_blocks(*, actor, structure: str, year: int, month: int | None = None):
    """The period's blocks the actor may see: all for evaluators, else their units'."""
    queryset = NarrativeBlock.objects.filter(structure=structure, year=year, month=month)
    scope = actor_scope(actor)
    if not scope.authenticated:
        return queryset.none()
    if not scope.sees_all:
        queryset = queryset.filter(agency_id__in=scope.agency_ids())
    latest = NarrativeVersion.objects.filter(block=OuterRef("pk")).order_by("-number")
    return queryset.select_related("agency").annotate(
        latest_state=Subquery(latest.values("state")[:1]),
        latest_number=Subquery(latest.values("number")[:1]),
    )


def narrative_block_get(*, actor, block_id: int) -> NarrativeBlock:
    block = NarrativeBlock.objects.select_related("agency").filter(pk=block_id).first()
    if block is None or not (has_role(actor, Role.EVALUATOR) or
                             has_role(actor, agency=block.agency)):
        raise DomainError(ErrorCode.NOT_FOUND)
    return block


def narrative_version_get(*, actor, version_id: int):
    """A saved version of a text whose block the actor may read; NOT_FOUND otherwise."""
    from yankao.reports.models import NarrativeVersion

    version = NarrativeVersion.objects.select_related("block").filter(pk=version_id).first()
    if version is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    narrative_block_get(actor=actor, block_id=version.block_id)
    return version


def narrative_versions(*, block: NarrativeBlock):
    return block.versions.select_related("author", "reviewer").order_by("-number")


def report_job_title(job: ReportJob, language: str | None = None) -> str:
    """A job's name as people say it: "109 年度研考工作成果報告 2021 · PDF", not "annual"."""
    from yankao.reports.figures import pick
    from yankao.reports.structures import structures

    layout = structures().get(job.structure)
    name = pick(layout.title_zh, layout.title_en, language) if layout else job.structure
    period = f"{job.year}-{job.month:02d}" if job.month else str(job.year)
    return f"{name} {period} · {job.fmt.upper()}"


def report_job_get(*, actor, job_id: int) -> ReportJob:
    """A job its requester (or an evaluator) may follow and download."""
    job = ReportJob.objects.filter(pk=job_id).first()
    scope = actor_scope(actor)
    if job is None or not (scope.sees_all or job.requested_by_id == scope.user_id):
        raise DomainError(ErrorCode.NOT_FOUND)
    return job
