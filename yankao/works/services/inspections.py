"""Writes for inspections (工程施工查核): planning, recording scores, defects and material
tests, sending the record, the agency's improvements and the team's verification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from yankao.core.calendar import TAIPEI, WorkingCalendar
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.services.attachments import attachment_create
from yankao.core.services.audit import audit_record
from yankao.core.services.notifications import notification_queue
from yankao.core.validation import full_clean
from yankao.works.access import (
    require_agency_staff,
    require_agency_staff_or_team,
    require_team,
    team_agency,
)
from yankao.works.audit import WorksAction
from yankao.works.models import (
    CitizenReport,
    ConsequenceTemplate,
    Defect,
    DefectCode,
    DefectPhoto,
    Inspection,
    InspectionConsequence,
    InspectorScore,
    MaterialTest,
    Tender,
    WorksPolicy,
)
from yankao.works.policy import deduction_rate, grade_bands, policy_on
from yankao.works.rules import Band, grade_for, inspection_score
from yankao.works.services.common import (
    PHOTO_KINDS,
    agency_officer_emails,
    next_number,
    now_taipei,
    today_taipei,
    validate_photos,
)


@dataclass(frozen=True)
class InspectorEntry:
    """One inspector of an inspection and the score they gave (0–100)."""

    name: str
    score: int
    user: object = None


@dataclass(frozen=True)
class DefectEntry:
    code: str
    description: str
    severity: str = Defect.Severity.MINOR
    deduction_points: int = 0
    improvement_due: dt.date | None = None


@dataclass(frozen=True)
class MaterialTestEntry:
    material: str
    result: str = MaterialTest.Result.PENDING
    note: str = ""


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, message, field=field)


def _check_inspectors(inspectors: Sequence[InspectorEntry]) -> None:
    if not inspectors:
        raise _invalid(_("An inspection needs at least one inspector with a score."),
                       "inspectors")
    for row, entry in enumerate(inspectors, start=1):
        if not (entry.name or "").strip():
            raise _invalid(_("Inspector %(row)d has no name.") % {"row": row}, "inspectors")
        score = entry.score
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
            raise _invalid(
                _("Inspector %(row)d: a score is a whole number from 0 to 100, not %(score)s.")
                % {"row": row, "score": score}, "inspectors")


def _check_defects(defects: Sequence[DefectEntry]) -> dict[str, DefectCode]:
    codes = {code.code: code for code in DefectCode.objects.filter(
        code__in=[entry.code for entry in defects], active=True)}
    for row, entry in enumerate(defects, start=1):
        if entry.code not in codes:
            raise _invalid(_("Defect %(row)d: unknown defect code %(code)s.")
                           % {"row": row, "code": entry.code}, "defects")
        if not (entry.description or "").strip():
            raise _invalid(_("Defect %(row)d needs a description.") % {"row": row}, "defects")
        if entry.severity not in Defect.Severity.values:
            raise _invalid(_("Defect %(row)d: unknown severity.") % {"row": row}, "defects")
        points = entry.deduction_points
        if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= 100:
            raise _invalid(_("Defect %(row)d: deduction points are a whole number from 0 to "
                             "100.") % {"row": row}, "defects")
    return codes


def _check_tests(tests: Sequence[MaterialTestEntry]) -> None:
    for row, entry in enumerate(tests, start=1):
        if entry.material not in MaterialTest.Material.values:
            raise _invalid(_("Material test %(row)d: unknown material.") % {"row": row},
                           "material_tests")
        if entry.result not in MaterialTest.Result.values:
            raise _invalid(_("Material test %(row)d: unknown result.") % {"row": row},
                           "material_tests")


def _check_links(*, tender: Tender, inspected_on: dt.date, first_inspection: Inspection | None,
                 citizen_report: CitizenReport | None, origin: str) -> None:
    if origin not in Inspection.Origin.values:
        raise _invalid(_("Unknown origin."), "origin")
    if first_inspection is not None:
        if first_inspection.tender_id != tender.pk:
            raise _invalid(_("A re-inspection is of the same tender as its first inspection."),
                           "first_inspection")
        if first_inspection.kind != Inspection.Kind.FIRST:
            raise _invalid(_("Link a re-inspection to the first inspection, not to another "
                             "re-inspection."), "first_inspection")
        if first_inspection.status == Inspection.Status.PLANNED or (
                first_inspection.inspected_on > inspected_on):
            raise _invalid(_("The first inspection has not taken place before this one."),
                           "first_inspection")
    if (origin == Inspection.Origin.CITIZEN_REPORT) != (citizen_report is not None):
        raise _invalid(_("An inspection arising from a citizen works report names the report."),
                       "citizen_report")
    if citizen_report is not None and citizen_report.tender_id not in (None, tender.pk):
        raise _invalid(_("The citizen works report is about another tender."), "citizen_report")


def inspection_plan(*, actor, tender: Tender, planned_on: dt.date,
                    origin: str = Inspection.Origin.ROUTINE,
                    citizen_report: CitizenReport | None = None,
                    first_inspection: Inspection | None = None) -> Inspection:
    """Plan an unannounced inspection. Only the team sees it, and its date, until the day:
    its audit event belongs to the team's agency, not to the inspected agency."""
    if actor is None:
        raise DomainError(ErrorCode.FORBIDDEN, _("Inspections are planned by an inspector."))
    require_team(actor)
    if planned_on < today_taipei():
        raise _invalid(_("A planned inspection is on a day to come."), "planned_on")
    _check_links(tender=tender, inspected_on=planned_on, first_inspection=first_inspection,
                 citizen_report=citizen_report, origin=origin)
    with transaction.atomic():
        inspection = Inspection(
            number=next_number(Inspection, f"IN-{planned_on.year}"), tender=tender,
            agency=tender.agency, status=Inspection.Status.PLANNED, origin=origin,
            kind=(Inspection.Kind.RE_INSPECTION if first_inspection else Inspection.Kind.FIRST),
            first_inspection=first_inspection, citizen_report=citizen_report,
            inspected_on=planned_on, created_by=actor,
        )
        full_clean(inspection, exclude=["created_by"])
        inspection.save()
        audit_record(actor=actor, action=WorksAction.INSPECTION_PLAN, obj=inspection,
                     agency=team_agency(actor), to_state=Inspection.Status.PLANNED)
    return inspection


def inspection_record(
    *,
    actor,
    inspected_on: dt.date,
    inspectors: Sequence[InspectorEntry],
    tender: Tender | None = None,
    planned: Inspection | None = None,
    defects: Sequence[DefectEntry] = (),
    tests: Sequence[MaterialTestEntry] = (),
    origin: str = Inspection.Origin.ROUTINE,
    citizen_report: CitizenReport | None = None,
    first_inspection: Inspection | None = None,
    summary: str = "",
    grave_finding: str = "",
) -> Inspection:
    """查核紀錄: the inspection on its day — inspectors and scores, defects, material tests,
    and a grave finding that makes it 丙等 (§8 ¶1 items 4–6). The score and grade follow
    (§7–8); the record is due to the agency in N working days (§9). A re-inspection names
    its ``first_inspection``. Nothing is written on bad input."""
    require_team(actor)
    if grave_finding and grave_finding not in Inspection.GraveFinding.values:
        raise _invalid(_("Unknown grave finding."), "grave_finding")
    if planned is not None:
        if planned.status != Inspection.Status.PLANNED:
            raise DomainError(ErrorCode.INVALID_STATE, _("That inspection is already recorded."))
        tender = planned.tender
        first_inspection = first_inspection or planned.first_inspection
        citizen_report = citizen_report or planned.citizen_report
        if citizen_report is not None:
            origin = Inspection.Origin.CITIZEN_REPORT
    if tender is None:
        raise _invalid(_("Choose the tender inspected."), "tender")
    if inspected_on > today_taipei():
        raise _invalid(_("An inspection is recorded on or after its day; plan the ones to "
                         "come."), "inspected_on")
    _check_inspectors(inspectors)
    codes = _check_defects(defects)
    _check_tests(tests)
    _check_links(tender=tender, inspected_on=inspected_on, first_inspection=first_inspection,
                 citizen_report=citizen_report, origin=origin)
    policy = policy_on(inspected_on)
    rate = deduction_rate(tender.contract_amount, inspected_on)
    noon = dt.datetime.combine(inspected_on, dt.time(12), tzinfo=TAIPEI)
    record_due_at = WorkingCalendar.load().deadline_in_working_days(
        noon, policy.record_due_working_days)
    with transaction.atomic():
        if planned is not None:
            inspection = Inspection.objects.select_for_update().get(pk=planned.pk)
            if inspection.status != Inspection.Status.PLANNED:
                raise DomainError(ErrorCode.INVALID_STATE,
                                  _("That inspection is already recorded."))
        else:
            inspection = Inspection(number=next_number(Inspection, f"IN-{inspected_on.year}"),
                                    tender=tender, agency=tender.agency, created_by=actor)
        before = inspection.status if planned is not None else ""
        inspection.kind = (Inspection.Kind.RE_INSPECTION if first_inspection
                           else Inspection.Kind.FIRST)
        inspection.first_inspection = first_inspection
        inspection.citizen_report = citizen_report
        inspection.origin = origin
        inspection.inspected_on = inspected_on
        inspection.summary = summary.strip()
        inspection.grave_finding = grave_finding
        inspection.status = Inspection.Status.RECORDED
        inspection.record_due_at = record_due_at
        full_clean(inspection, exclude=["created_by"])
        inspection.save()
        InspectorScore.objects.bulk_create([
            InspectorScore(inspection=inspection, name=entry.name.strip(), score=entry.score,
                           inspector=entry.user) for entry in inspectors])
        Defect.objects.bulk_create([
            Defect(inspection=inspection, code=codes[entry.code],
                   description=entry.description.strip(), severity=entry.severity,
                   deduction_points=entry.deduction_points, amount_per_point=rate,
                   improvement_due=entry.improvement_due) for entry in defects])
        MaterialTest.objects.bulk_create([
            MaterialTest(inspection=inspection, material=entry.material, result=entry.result,
                         result_on=inspected_on if entry.result != "pending" else None,
                         note=entry.note.strip()) for entry in tests])
        band = _apply_score(inspection, policy)
        audit_record(actor=actor, action=WorksAction.INSPECTION_RECORD, obj=inspection,
                     from_state=before, to_state=inspection.status,
                     data={"score": inspection.score, "grade": band.code,
                           "provisional": inspection.score_provisional,
                           "grave_finding": grave_finding,
                           "defects": len(defects), "inspectors": len(inspectors)})
    return inspection


def _apply_score(inspection: Inspection, policy: WorksPolicy) -> Band:
    """Compute and store the score and grade (§7–8), and whether the agency must wait for
    the test results to learn it (§8 ¶3 from 2021-03-19); open the §10 checklist for a
    final 丙等."""
    scores = list(inspection.scores.values_list("score", flat=True))
    tests = list(inspection.material_tests.values_list("material", "result"))
    result = inspection_score(scores, tests, failed_test_score=policy.failed_test_score,
                              failed_test_rule=policy.failed_test_rule,
                              grave_finding=bool(inspection.grave_finding))
    band = grade_for(result.score, grade_bands(policy))
    inspection.mean_score, inspection.score = result.mean, result.score
    inspection.grade = band.code
    inspection.score_provisional = result.provisional
    inspection.score_fixed_by_test = result.fixed_by_test
    inspection.score_withheld = result.withheld(inspection.inspected_on)
    inspection.save(update_fields=["mean_score", "score", "grade", "score_provisional",
                                   "score_fixed_by_test", "score_withheld"])
    if band.triggers_consequences and not result.provisional:
        existing = set(inspection.consequences.values_list("template_id", flat=True))
        InspectionConsequence.objects.bulk_create([
            InspectionConsequence(inspection=inspection, template=template)
            for template in ConsequenceTemplate.objects.filter(active=True)
            if template.pk not in existing])
    return band


def material_test_result(*, actor, test: MaterialTest, result: str,
                         result_on: dt.date | None = None) -> MaterialTest:
    """A laboratory result for a pending test; the inspection's score is recomputed."""
    require_team(actor)
    if result not in (MaterialTest.Result.PASSED, MaterialTest.Result.FAILED):
        raise _invalid(_("A result is passed or failed."), "result")
    with transaction.atomic():
        test = MaterialTest.objects.select_for_update().select_related("inspection").get(
            pk=test.pk)
        if test.result != MaterialTest.Result.PENDING:
            raise DomainError(ErrorCode.INVALID_STATE, _("This test already has its result."))
        inspection = test.inspection
        before = {"score": inspection.score, "grade": inspection.grade,
                  "provisional": inspection.score_provisional}
        was_withheld = inspection.score_withheld
        test.result, test.result_on = result, result_on or today_taipei()
        test.save(update_fields=["result", "result_on"])
        band = _apply_score(inspection, policy_on(inspection.inspected_on))
        if was_withheld and not inspection.score_withheld and inspection.sent_at:
            _score_released(inspection, band)
        audit_record(actor=actor, action=WorksAction.MATERIAL_TEST_RESULT, obj=inspection,
                     from_state=MaterialTest.Result.PENDING, to_state=result,
                     data={"material": test.material, "before": before,
                           "score": inspection.score, "grade": band.code,
                           "provisional": inspection.score_provisional})
    return test


def _score_released(inspection: Inspection, band: Band) -> None:
    """The test results are in: the agency learns the score it waited for (§8 ¶3)."""
    notification_queue(
        kind="works.inspection_score",
        recipients=agency_officer_emails(inspection.agency_id),
        subject=f"[研考] 工程查核成績 {inspection.number} {inspection.tender.title}"[:200],
        body=(f"{inspection.tender.pcc_number} {inspection.tender.title}\n"
              f"查核紀錄 {inspection.number} 之試驗結果已判定，查核成績 {inspection.score} 分"
              f"（{band.label_zh}）。\n"
              f"The test results of inspection {inspection.number} are in: the score is "
              f"{inspection.score} ({band.label_en})."),
        dedupe_key=f"works.inspection_score:{inspection.pk}",
        obj=inspection, agency=inspection.agency,
    )


def inspection_send(*, actor, inspection: Inspection) -> Inspection:
    """送達: the record goes to the agency (due within N working days, §9), whose officers
    are notified. An inspection without defects closes at once."""
    require_team(actor)
    now = now_taipei()
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.status != Inspection.Status.RECORDED:
            raise DomainError(ErrorCode.INVALID_STATE, _("Only a recorded inspection is sent."))
        inspection.status, inspection.sent_at = Inspection.Status.SENT, now
        inspection.save(update_fields=["status", "sent_at"])
        audit_record(actor=actor, action=WorksAction.INSPECTION_SEND, obj=inspection,
                     from_state=Inspection.Status.RECORDED, to_state=Inspection.Status.SENT,
                     data={"on_time": bool(inspection.record_due_at
                                           and now <= inspection.record_due_at)})
        notification_queue(
            kind="works.inspection_record",
            recipients=agency_officer_emails(inspection.agency_id),
            subject=f"[研考] 工程查核紀錄 {inspection.number} {inspection.tender.title}"[:200],
            body=(f"{inspection.tender.pcc_number} {inspection.tender.title}\n"
                  f"查核紀錄 {inspection.number} 已送達，請依限改善缺失並上傳改善前後照片。"
                  + ("查核成績俟試驗結果判定後通知。" if inspection.score_withheld else "")
                  + f"\nThe inspection record {inspection.number} has been sent: improve the "
                  f"defects and upload before and after photos."
                  + (" The score follows once the test results are in."
                     if inspection.score_withheld else "")),
            dedupe_key=f"works.inspection_record:{inspection.pk}",
            obj=inspection, agency=inspection.agency,
        )
        _close_when_done(actor, inspection)
    return inspection


def _close_when_done(actor, inspection: Inspection) -> None:
    if inspection.status != Inspection.Status.SENT:
        return
    if inspection.defects.exclude(status=Defect.Status.VERIFIED).exists():
        return
    inspection.status, inspection.closed_at = Inspection.Status.CLOSED, now_taipei()
    inspection.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action=WorksAction.INSPECTION_CLOSE, obj=inspection,
                 from_state=Inspection.Status.SENT, to_state=Inspection.Status.CLOSED)


def defect_improvement_report(*, actor, defect: Defect, note: str,
                              before_photos: Sequence[UploadedFile] = (),
                              after_photos: Sequence[UploadedFile] = ()) -> Defect:
    """改善: the agency reports a defect improved, with photos before and after (images
    only, checked by their content)."""
    inspection = defect.inspection
    require_agency_staff(actor, inspection.agency)
    if not note.strip():
        raise _invalid(_("Describe the improvement."), "note")
    if not after_photos:
        raise _invalid(_("Add at least one photo after the improvement."), "after_photos")
    if not before_photos and not defect.photos.filter(stage=DefectPhoto.Stage.BEFORE).exists():
        raise _invalid(_("Add at least one photo before the improvement."), "before_photos")
    validate_photos(before_photos, field="before_photos")
    validate_photos(after_photos, field="after_photos")
    with transaction.atomic():
        defect = Defect.objects.select_for_update().select_related("inspection").get(
            pk=defect.pk)
        if defect.inspection.status != Inspection.Status.SENT:
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("The inspection record has not been sent to the agency."))
        if defect.status != Defect.Status.OPEN:
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("This defect's improvement is already reported."))
        for stage, photos in ((DefectPhoto.Stage.BEFORE, before_photos),
                              (DefectPhoto.Stage.AFTER, after_photos)):
            for photo in photos:
                attachment = attachment_create(actor=actor, upload=photo, owner=defect,
                                               agency=defect.inspection.agency,
                                               kinds=PHOTO_KINDS)
                DefectPhoto.objects.create(defect=defect, attachment=attachment, stage=stage)
        defect.status = Defect.Status.SUBMITTED
        defect.improvement_note = note.strip()
        defect.improved_at, defect.improved_by = now_taipei(), actor
        defect.save(update_fields=["status", "improvement_note", "improved_at", "improved_by"])
        audit_record(actor=actor, action=WorksAction.DEFECT_IMPROVE, obj=defect,
                     agency=defect.inspection.agency, from_state=Defect.Status.OPEN,
                     to_state=Defect.Status.SUBMITTED,
                     data={"before": len(before_photos), "after": len(after_photos)})
    return defect


def defect_verify(*, actor, defect: Defect, accepted: bool, note: str = "") -> Defect:
    """The team accepts an improvement, or returns it with a note. When every defect of a
    sent inspection is verified, the inspection closes."""
    require_team(actor)
    if not accepted and not note.strip():
        raise _invalid(_("Say why the improvement is not accepted."), "note")
    with transaction.atomic():
        defect = Defect.objects.select_for_update().select_related("inspection").get(
            pk=defect.pk)
        if defect.status != Defect.Status.SUBMITTED:
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("There is no reported improvement to verify."))
        target = Defect.Status.VERIFIED if accepted else Defect.Status.OPEN
        defect.status, defect.verification_note = target, note.strip()
        if accepted:
            defect.verified_at, defect.verified_by = now_taipei(), actor
        defect.save(update_fields=["status", "verification_note", "verified_at", "verified_by"])
        audit_record(actor=actor,
                     action=WorksAction.DEFECT_VERIFY if accepted else WorksAction.DEFECT_RETURN,
                     obj=defect, agency=defect.inspection.agency,
                     from_state=Defect.Status.SUBMITTED, to_state=target, reason=note.strip())
        _close_when_done(actor, defect.inspection)
    return defect


def consequence_done(*, actor, consequence: InspectionConsequence,
                     note: str = "") -> InspectionConsequence:
    """Tick one item of a 丙等 inspection's §10 checklist."""
    require_agency_staff_or_team(actor, consequence.inspection.agency)
    with transaction.atomic():
        consequence = InspectionConsequence.objects.select_for_update().select_related(
            "inspection", "template").get(pk=consequence.pk)
        if consequence.done_at is not None:
            raise DomainError(ErrorCode.INVALID_STATE, _("This item is already done."))
        consequence.done_at, consequence.done_by = now_taipei(), actor
        consequence.note = note.strip()[:300]
        consequence.save(update_fields=["done_at", "done_by", "note"])
        audit_record(actor=actor, action=WorksAction.INSPECTION_CONSEQUENCE_DONE,
                     obj=consequence.inspection, to_state=consequence.template.code,
                     reason=consequence.note)
    return consequence
