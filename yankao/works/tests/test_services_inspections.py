"""Recording inspections: scores and grades stored from the rules, bad input refused with
nothing written, material tests, the record deadline, improvements and re-inspections."""

import datetime as dt

import pytest

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Attachment, AuditEvent, Notification
from yankao.works.models import (
    Defect,
    DefectPhoto,
    Inspection,
    InspectionConsequence,
    InspectorScore,
    MaterialTest,
    WorksPolicy,
)
from yankao.works.services.common import today_taipei
from yankao.works.services.inspections import (
    DefectEntry,
    InspectorEntry,
    MaterialTestEntry,
    consequence_done,
    defect_improvement_report,
    defect_verify,
    inspection_plan,
    inspection_record,
    inspection_send,
    material_test_result,
)
from yankao.works.tests.factories import fake_image_upload, image_upload, record

DEFECT = {"code": "5.01", "description": "混凝土澆置後養護不足", "severity": "major",
          "deduction_points": 3}


def counts():
    return (Inspection.objects.count(), InspectorScore.objects.count(), Defect.objects.count(),
            MaterialTest.objects.count(), AuditEvent.objects.filter(
                action__startswith="inspection").count())


def test_recording_stores_score_grade_deadline_and_one_audit_event(tender, inspector):
    inspection = record(tender, scores=(88, 90, 91), defects=[DEFECT],
                        tests=[("concrete", "passed")], actor=inspector)
    assert inspection.number == "IN-2018-0001"
    assert (inspection.score, inspection.grade) == (90, "excellent")
    assert inspection.status == Inspection.Status.RECORDED
    assert inspection.agency == tender.agency
    # 2018-05-15 (Tue) + 7 working days = 2018-05-24 (Thu).
    assert inspection.record_due_at.date() == dt.date(2018, 5, 24)
    defect = inspection.defects.get()
    # NT$ per point for a NT$12,000,000 contract: 2,000 (city's table).
    assert (defect.amount_per_point, defect.deduction_amount) == (2_000, 6_000)
    events = AuditEvent.objects.filter(action="inspection.record")
    assert events.count() == 1
    assert events.get().to_state == "recorded"
    assert events.get().agency == tender.agency
    assert record(tender, actor=inspector).number == "IN-2018-0002"


@pytest.mark.parametrize("scores", [(101,), (-1,), (80, 100.5), (90, "85")])
def test_scores_outside_0_to_100_change_nothing(tender, inspector, scores):
    before = counts()
    with pytest.raises(DomainError) as error:
        record(tender, scores=scores, defects=[DEFECT], actor=inspector)
    assert error.value.code == ErrorCode.INVALID
    assert error.value.field == "inspectors"
    assert counts() == before


def test_an_inspection_without_inspectors_changes_nothing(tender, inspector):
    before = counts()
    with pytest.raises(DomainError, match="at least one inspector"):
        record(tender, scores=(), actor=inspector)
    assert counts() == before


@pytest.mark.parametrize("defect", [
    {"code": "9.99", "description": "x"},
    {"code": "5.01", "description": "  "},
    {"code": "5.01", "description": "x", "severity": "fatal"},
    {"code": "5.01", "description": "x", "deduction_points": 101},
])
def test_bad_defects_change_nothing(tender, inspector, defect):
    before = counts()
    with pytest.raises(DomainError):
        record(tender, defects=[DEFECT, defect], actor=inspector)
    assert counts() == before


def test_future_dates_are_planned_not_recorded(tender, inspector):
    with pytest.raises(DomainError, match="plan"):
        record(tender, day=today_taipei() + dt.timedelta(days=3), actor=inspector)


def test_only_the_inspection_team_records(tender, officer, evaluator):
    for actor in (officer, evaluator):
        with pytest.raises(DomainError) as error:
            record(tender, actor=actor)
        assert error.value.code == ErrorCode.FORBIDDEN
    assert not Inspection.objects.exists()


def test_pending_tests_are_provisional_then_a_failure_fixes_69_and_opens_the_checklist(
        tender, inspector):
    inspection = record(tender, scores=(92, 93), tests=[("concrete", "pending"),
                                                        ("asphalt", "pending")], actor=inspector)
    assert (inspection.score, inspection.grade, inspection.score_provisional) == (
        93, "excellent", True)
    assert not inspection.consequences.exists()
    concrete, asphalt = inspection.material_tests.order_by("id")
    material_test_result(actor=inspector, test=concrete, result="failed")
    inspection.refresh_from_db()
    assert (inspection.score, inspection.grade) == (69, "poor")
    assert inspection.score_fixed_by_test is True
    assert inspection.score_provisional is False
    assert inspection.consequences.count() == 6
    event = AuditEvent.objects.get(action="material_test.result")
    assert event.data["before"]["score"] == 93
    assert event.data["score"] == 69
    material_test_result(actor=inspector, test=asphalt, result="passed")
    inspection.refresh_from_db()
    assert inspection.score == 69
    assert inspection.consequences.count() == 6
    with pytest.raises(DomainError) as error:
        material_test_result(actor=inspector, test=asphalt, result="failed")
    assert error.value.code == ErrorCode.INVALID_STATE


def test_passing_tests_make_a_provisional_score_final(tender, inspector):
    inspection = record(tender, scores=(75, 76), tests=[("compaction", "pending")],
                        actor=inspector)
    material_test_result(actor=inspector, test=inspection.material_tests.get(),
                         result="passed")
    inspection.refresh_from_db()
    assert (inspection.score, inspection.grade, inspection.score_provisional) == (
        76, "fair", False)


def test_a_poor_grade_brings_the_checklist_which_is_ticked_off(tender, inspector, officer):
    inspection = record(tender, scores=(65, 68), actor=inspector)
    assert inspection.grade == "poor"
    items = list(inspection.consequences.select_related("template"))
    # §10 ¶3: act under the contract, then the measures of items 1–5.
    assert [item.template.code for item in items] == [
        "contract", "staff-discipline", "professionals", "contractor-article-101",
        "supervisor-staff", "contractor-staff"]
    consequence_done(actor=officer, consequence=items[0], note="已依契約扣款")
    items[0].refresh_from_db()
    assert items[0].done_by == officer
    with pytest.raises(DomainError):
        consequence_done(actor=officer, consequence=items[0])


def test_a_grave_finding_makes_it_poor_and_is_recorded(tender, inspector):
    inspection = record(tender, scores=(91, 93), grave_finding="safety", actor=inspector)
    assert (inspection.score, inspection.grade, inspection.grave_finding) == (
        69, "poor", "safety")
    assert inspection.consequences.count() == 6
    before = counts()
    with pytest.raises(DomainError) as refused:
        record(tender, grave_finding="ugly", actor=inspector)
    assert refused.value.field == "grave_finding"
    assert counts() == before


def test_from_2021_a_score_of_70_or_more_waits_for_the_tests(tender, inspector, officer,
                                                             client):
    """§8 ¶3 as amended on 2021-03-19: the agency is told a score of 70 or more only once
    the test results are in; before that date it was told at once."""
    from yankao.core.services.tokens import api_token_create

    tender.end_date = dt.date(2021, 12, 31)
    tender.save(update_fields=["end_date"])
    old = record(tender, scores=(85,), tests=[("concrete", "pending")], actor=inspector,
                 day=dt.date(2021, 3, 18))
    new = record(tender, scores=(85,), tests=[("concrete", "pending")], actor=inspector,
                 day=dt.date(2021, 3, 19), defects=[DEFECT])
    low = record(tender, scores=(60,), tests=[("concrete", "pending")], actor=inspector,
                 day=dt.date(2021, 3, 22))
    assert (old.score_withheld, new.score_withheld, low.score_withheld) == (False, True, False)
    inspection_send(actor=inspector, inspection=new)
    sent = Notification.objects.get(kind="works.inspection_record")
    assert "查核成績俟試驗結果判定後通知" in sent.body
    _token, raw = api_token_create(actor=officer, user=officer, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    body = client.get(f"/api/v1/works/inspections/{new.number}", **headers).json()
    assert (body["score"], body["mean_score"], body["grade"], body["scores"]) == (
        None, None, "", [])
    assert body["score_withheld"] is True
    client.force_login(officer)
    page = client.get(f"/staff/works/inspections/{new.number}/").content.decode()
    assert "查核成績俟試驗結果判定完成後通知（第8條）" in page
    client.force_login(inspector)
    assert ">85 <" in client.get(f"/staff/works/inspections/{new.number}/").content.decode()
    client.logout()
    material_test_result(actor=inspector, test=new.material_tests.get(), result="passed")
    new.refresh_from_db()
    assert not new.score_withheld
    told = Notification.objects.get(kind="works.inspection_score")
    assert "查核成績 85 分" in told.body
    body = client.get(f"/api/v1/works/inspections/{new.number}", **headers).json()
    assert (body["score"], body["grade"]) == (85, "good")


def test_a_policy_change_applies_to_inspections_after_its_date(tender, inspector):
    policy = WorksPolicy.objects.get(effective_from=dt.date(2000, 1, 1))
    newer = WorksPolicy.objects.create(effective_from=dt.date(2018, 6, 1),
                                       failed_test_rule="fix", failed_test_score=60)
    for band in policy.grade_bands.all():
        band.pk, band.policy = None, newer
        band.save()
    before = record(tender, scores=(50,), tests=[("concrete", "failed")], actor=inspector)
    after = record(tender, scores=(50,), tests=[("concrete", "failed")], actor=inspector,
                   day=dt.date(2018, 6, 5))
    assert (before.score, after.score) == (50, 60)


def test_sending_notifies_the_agency_and_improvement_needs_real_photos(
        tender, inspector, officer, epb_officer):
    inspection = record(tender, defects=[DEFECT], actor=inspector)
    defect = inspection.defects.get()
    with pytest.raises(DomainError) as error:
        defect_improvement_report(actor=officer, defect=defect, note="已重新養護",
                                  before_photos=[image_upload()], after_photos=[image_upload()])
    assert error.value.code == ErrorCode.INVALID_STATE
    inspection_send(actor=inspector, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.SENT
    assert Notification.objects.filter(kind="works.inspection_record",
                                       recipient="officer@example.invalid").exists()
    with pytest.raises(DomainError) as error:
        defect_improvement_report(actor=epb_officer, defect=defect, note="x",
                                  before_photos=[image_upload()], after_photos=[image_upload()])
    assert error.value.code == ErrorCode.FORBIDDEN
    attachments = Attachment.objects.count()
    with pytest.raises(DomainError) as error:
        defect_improvement_report(actor=officer, defect=defect, note="已重新養護",
                                  before_photos=[image_upload()],
                                  after_photos=[image_upload(), fake_image_upload("after.jpg")])
    assert error.value.code == ErrorCode.FILE_TYPE_NOT_ALLOWED
    assert error.value.field == "after_photos"
    assert Attachment.objects.count() == attachments
    defect.refresh_from_db()
    assert defect.status == Defect.Status.OPEN
    with pytest.raises(DomainError, match="before"):
        defect_improvement_report(actor=officer, defect=defect, note="x",
                                  after_photos=[image_upload()])
    defect_improvement_report(actor=officer, defect=defect, note="已重新養護",
                              before_photos=[image_upload("before.jpg")],
                              after_photos=[image_upload("after.jpg")])
    defect.refresh_from_db()
    assert defect.status == Defect.Status.SUBMITTED
    assert sorted(DefectPhoto.objects.values_list("stage", flat=True)) == ["after", "before"]
    assert {photo.attachment.agency for photo in defect.photos.all()} == {tender.agency}


def test_verification_closes_the_inspection_or_returns_the_defect(tender, inspector, officer):
    inspection = record(tender, defects=[DEFECT, {**DEFECT, "code": "4.03"}], actor=inspector)
    inspection_send(actor=inspector, inspection=inspection)
    first, second = inspection.defects.order_by("id")
    for defect in (first, second):
        defect_improvement_report(actor=officer, defect=defect, note="改善完成",
                                  before_photos=[image_upload()], after_photos=[image_upload()])
    with pytest.raises(DomainError):
        defect_verify(actor=inspector, defect=first, accepted=False)
    defect_verify(actor=inspector, defect=first, accepted=False, note="照片未見養護")
    first.refresh_from_db()
    assert first.status == Defect.Status.OPEN
    defect_verify(actor=inspector, defect=second, accepted=True)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.SENT
    defect_improvement_report(actor=officer, defect=first, note="補充養護照片",
                              after_photos=[image_upload()])
    with pytest.raises(DomainError) as error:
        defect_verify(actor=officer, defect=first, accepted=True)
    assert error.value.code == ErrorCode.FORBIDDEN
    defect_verify(actor=inspector, defect=first, accepted=True)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.CLOSED
    assert AuditEvent.objects.filter(action="inspection.close").count() == 1


def test_an_inspection_without_defects_closes_when_sent(tender, inspector):
    inspection = record(tender, actor=inspector)
    inspection_send(actor=inspector, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.CLOSED
    with pytest.raises(DomainError):
        inspection_send(actor=inspector, inspection=inspection)


def test_a_reinspection_is_linked_to_the_first_inspection(tender, epb_tender, inspector):
    first = record(tender, scores=(66, 68), defects=[DEFECT], actor=inspector)
    again = record(tender, scores=(80,), day=dt.date(2018, 6, 20), first_inspection=first,
                   actor=inspector)
    assert again.kind == Inspection.Kind.RE_INSPECTION
    assert list(first.re_inspections.all()) == [again]
    with pytest.raises(DomainError, match="same tender"):
        record(epb_tender, first_inspection=first, actor=inspector, day=dt.date(2018, 6, 21))
    with pytest.raises(DomainError, match="not to another re-inspection"):
        record(tender, first_inspection=again, actor=inspector, day=dt.date(2018, 6, 22))
    with pytest.raises(DomainError, match="not taken place"):
        record(tender, first_inspection=first, actor=inspector, day=dt.date(2018, 5, 1))


def test_planning_is_the_teams_and_the_plan_is_recorded_on_the_day(tender, inspector, officer):
    day = today_taipei() + dt.timedelta(days=5)
    with pytest.raises(DomainError):
        inspection_plan(actor=officer, tender=tender, planned_on=day)
    with pytest.raises(DomainError):
        inspection_plan(actor=None, tender=tender, planned_on=day)
    planned = inspection_plan(actor=inspector, tender=tender, planned_on=day)
    assert planned.status == Inspection.Status.PLANNED
    event = AuditEvent.objects.get(action="inspection.plan")
    assert event.agency.code == "rdec"
    assert str(day) not in event.object_repr
    done = inspection_record(actor=inspector, planned=planned, inspected_on=today_taipei(),
                             inspectors=[InspectorEntry("李建宏", 84)],
                             defects=[DefectEntry(**DEFECT)], tests=[MaterialTestEntry("steel")])
    assert done.pk == planned.pk
    assert done.status == Inspection.Status.RECORDED
    with pytest.raises(DomainError) as error:
        inspection_record(actor=inspector, planned=planned, inspected_on=today_taipei(),
                          inspectors=[InspectorEntry("李建宏", 84)])
    assert error.value.code == ErrorCode.INVALID_STATE


def test_checklist_entries_are_unique(tender, inspector):
    inspection = record(tender, scores=(50,), actor=inspector)
    assert InspectionConsequence.objects.filter(inspection=inspection).count() == 6
