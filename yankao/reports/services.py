"""Writes of the reports app: narrative versions and their review, report jobs."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, Role
from yankao.core.permissions import actor_scope, has_role, require_role
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean
from yankao.reports import figures as registry
from yankao.reports.audit import ReportsAction
from yankao.reports.builder import TOKEN
from yankao.reports.models import NarrativeBlock, NarrativeVersion, ReportJob
from yankao.reports.structures import structure_get

State = NarrativeVersion.State
WRITER_ROLES = (Role.OFFICER, Role.SECTION_CHIEF)
MAX_TEXT = 20_000


def narrative_block_create(
    *, actor, structure: str, year: int, section_key: str, agency: Agency,
    month: int | None = None,
) -> NarrativeBlock:
    """An evaluator opens a section's text for a period and names the unit that writes it."""
    require_role(actor, Role.EVALUATOR)
    layout = structure_get(structure)
    section = layout.section(section_key)
    if section is None or section.module is None:
        raise DomainError(ErrorCode.INVALID, f"{structure} has no section {section_key!r} "
                          "that a module records.", field="section_key")
    if month is not None and not 1 <= month <= 12:
        raise DomainError(ErrorCode.INVALID, "month must be 1–12.", field="month")
    with transaction.atomic():
        if NarrativeBlock.objects.filter(structure=structure, year=year, month=month,
                                         section_key=section_key).exists():
            raise DomainError(ErrorCode.CONFLICT, "This section already has a text for the period.")
        block = NarrativeBlock(structure=structure, year=year, month=month,
                               section_key=section_key, agency=agency)
        full_clean(block)
        block.save()
        audit_record(actor=actor, action=ReportsAction.NARRATIVE_CREATE, obj=block, agency=agency)
    return block


def unknown_figures(text: str) -> list[str]:
    return sorted({key for key in TOKEN.findall(text) if registry.get(key) is None})


def _can_write(actor, block: NarrativeBlock) -> bool:
    return has_role(actor, *WRITER_ROLES, agency=block.agency) or has_role(actor, Role.EVALUATOR)


def narrative_save(*, actor, block: NarrativeBlock, text: str) -> NarrativeVersion:
    """Save a new draft version. Figures are written as [[figure.key]], never typed."""
    if not _can_write(actor, block):
        raise DomainError(ErrorCode.FORBIDDEN)
    text = text.strip()
    if not text:
        raise DomainError(ErrorCode.INVALID, "The text is empty.", field="text")
    if len(text) > MAX_TEXT:
        raise DomainError(ErrorCode.INVALID, f"The text is longer than {MAX_TEXT} characters.",
                          field="text")
    unknown = unknown_figures(text)
    if unknown:
        raise DomainError(ErrorCode.INVALID, "Unknown figures: " + ", ".join(unknown),
                          field="text")
    with transaction.atomic():
        NarrativeBlock.objects.select_for_update().get(pk=block.pk)
        number = (block.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = NarrativeVersion(block=block, number=number, text=text, author=actor)
        full_clean(version)
        version.save()
        audit_record(actor=actor, action=ReportsAction.NARRATIVE_SAVE, obj=block,
                     agency=block.agency,
                     to_state=State.DRAFT, data={"version": number})
    return version


def _transition(*, actor, version: NarrativeVersion, allowed_from: set[str], to: str,
                action: ReportsAction, comment: str = "") -> NarrativeVersion:
    with transaction.atomic():
        version = NarrativeVersion.objects.select_for_update().select_related("block").get(
            pk=version.pk)
        if version.state not in allowed_from:
            raise DomainError(ErrorCode.INVALID_STATE,
                              f"Version {version.number} is {version.get_state_display()}.")
        latest = version.block.versions.aggregate(n=Max("number"))["n"]
        if version.number != latest:
            raise DomainError(ErrorCode.INVALID_STATE, "A newer version exists.")
        before = version.state
        version.state = to
        fields = ["state"]
        if to in {State.APPROVED, State.RETURNED}:
            version.reviewer = actor
            version.reviewed_at = timezone.now()
            version.review_comment = comment
            fields += ["reviewer", "reviewed_at", "review_comment"]
        version.save(update_fields=fields)
        audit_record(actor=actor, action=action, obj=version.block, agency=version.block.agency,
                     from_state=before, to_state=to, reason=comment,
                     data={"version": version.number})
    return version


def narrative_submit(*, actor, version: NarrativeVersion) -> NarrativeVersion:
    if not _can_write(actor, version.block):
        raise DomainError(ErrorCode.FORBIDDEN)
    return _transition(actor=actor, version=version, allowed_from={State.DRAFT},
                       to=State.SUBMITTED, action=ReportsAction.NARRATIVE_SUBMIT)


def narrative_review(*, actor, version: NarrativeVersion, approve: bool,
                     comment: str = "") -> NarrativeVersion:
    """An evaluator approves the text, or returns it with a comment. Nobody approves their own."""
    require_role(actor, Role.EVALUATOR)
    if version.author_id == actor_scope(actor).user_id:
        raise DomainError(ErrorCode.FORBIDDEN, "The author cannot review their own text.")
    if not approve and not comment.strip():
        raise DomainError(ErrorCode.INVALID, "Say what to change.", field="comment")
    return _transition(
        actor=actor, version=version, allowed_from={State.SUBMITTED},
        to=State.APPROVED if approve else State.RETURNED,
        action=ReportsAction.NARRATIVE_APPROVE if approve else ReportsAction.NARRATIVE_RETURN,
        comment=comment.strip(),
    )


def report_job_start(*, actor, structure: str, year: int, fmt: str, language: str = "zh-hant",
                     month: int | None = None) -> ReportJob:
    """Queue a report to be generated in the background; its page shows the progress."""
    from yankao.reports.render import FORMATS
    from yankao.reports.tasks import report_job_run

    if not actor_scope(actor).roles:
        raise DomainError(ErrorCode.FORBIDDEN)
    structure_get(structure)
    if fmt not in FORMATS:
        raise DomainError(ErrorCode.INVALID, f"format must be one of {', '.join(FORMATS)}",
                          field="fmt")
    if not 1990 <= year <= 2100:
        raise DomainError(ErrorCode.INVALID, "year must be 1990–2100.", field="year")
    if language not in {"zh-hant", "en"}:
        raise DomainError(ErrorCode.INVALID, "language must be zh-hant or en.", field="language")
    with transaction.atomic():
        job = ReportJob.objects.create(structure=structure, year=year, month=month, fmt=fmt,
                                       language=language, requested_by=actor)
        audit_record(actor=actor, action=ReportsAction.REPORT_REQUEST, obj=job,
                     data={"structure": structure, "year": year, "month": month, "format": fmt})
        transaction.on_commit(lambda: report_job_run(job.pk))
    return job
