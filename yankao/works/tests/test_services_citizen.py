"""全民督工: intake, vault, routing, handling with extensions, verification before closing,
the survey and the dissatisfied-case procedure; training."""

import datetime as dt

import pytest

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import AuditEvent, PersonalContact
from yankao.works.models import CitizenReport, ReportExtension, TrainingSession
from yankao.works.services.citizen import (
    citizen_report_contact,
    citizen_report_dissatisfaction_conclude,
    citizen_report_dissatisfaction_respond,
    citizen_report_extend,
    citizen_report_handle,
    citizen_report_improvement,
    citizen_report_route,
    citizen_report_submit,
    citizen_report_survey,
    citizen_report_verify,
    training_session_record,
)
from yankao.works.tests.factories import fake_image_upload, image_upload

REPORT = {"subject": "工地圍籬倒塌", "description": "建工路施工圍籬倒向人行道，行人需繞行車道。",
          "location": "三民區建工路與大順路口"}


def web_report(**kwargs):
    return citizen_report_submit(actor=None, channel="web", name="陳小姐", phone="0912345678",
                                 email="reporter@example.invalid", **{**REPORT, **kwargs})


def test_a_web_report_keeps_the_contact_in_the_vault(db, city):
    report = web_report(photos=[image_upload()])
    assert report.number.startswith(f"WR-{report.received_at.year}-")
    assert report.status == CitizenReport.Status.RECEIVED
    assert report.contact.phone == "0912345678"
    event = AuditEvent.objects.get(action="citizen_report.submit")
    for secret in ("陳小姐", "0912345678", "reporter@example.invalid"):
        assert secret not in str(event.data) + event.object_repr + event.reason


def test_bad_intake_changes_nothing(db, city, officer):
    before = (CitizenReport.objects.count(), PersonalContact.objects.count())
    with pytest.raises(DomainError) as error:
        web_report(photos=[fake_image_upload()])
    assert error.value.code == ErrorCode.FILE_TYPE_NOT_ALLOWED
    with pytest.raises(DomainError) as error:
        web_report(subject=" ")
    assert error.value.field == "subject"
    with pytest.raises(DomainError) as error:
        citizen_report_submit(actor=officer, channel="1999", **REPORT)
    assert error.value.code == ErrorCode.FORBIDDEN
    assert (CitizenReport.objects.count(), PersonalContact.objects.count()) == before


def test_the_whole_procedure(tender, inspector, officer, epb_officer, city):
    report = web_report(tender=tender)
    with pytest.raises(DomainError):
        citizen_report_route(actor=officer, report=report, agency=tender.agency)
    report = citizen_report_route(actor=inspector, report=report, agency=tender.agency,
                                  referred=[city["transportation"]])
    assert report.status == CitizenReport.Status.ROUTED
    assert report.due_at is not None
    assert list(report.referred_agencies.values_list("code", flat=True)) == ["transportation"]

    # Only the implementing agency's officers see the reporter, and each look is logged.
    with pytest.raises(DomainError):
        citizen_report_contact(actor=epb_officer, report=report)
    with pytest.raises(DomainError):
        citizen_report_contact(actor=inspector, report=report)
    contact = citizen_report_contact(actor=officer, report=report, reason="聯繫通報人")
    assert contact.name == "陳小姐"
    assert AuditEvent.objects.filter(action="personal_contact.reveal").count() == 1
    assert AuditEvent.objects.filter(action="personal_contact.reveal_denied").count() == 2

    report = citizen_report_handle(actor=officer, report=report, note="已聯繫通報人並通知廠商")
    due = report.due_at
    with pytest.raises(DomainError) as error:
        citizen_report_extend(actor=officer, report=report, reason=" ")
    assert error.value.field == "reason"
    report = citizen_report_extend(actor=officer, report=report, reason="材料進場延誤")
    assert report.due_at > due
    report = citizen_report_extend(actor=officer, report=report, reason="颱風停工")
    with pytest.raises(DomainError) as error:
        citizen_report_extend(actor=officer, report=report, reason="再展延")
    assert error.value.code == ErrorCode.INVALID_STATE
    assert ReportExtension.objects.filter(report=report).count() == 2

    report = citizen_report_improvement(actor=officer, report=report, note="圍籬已重新固定",
                                        photos=[image_upload()])
    with pytest.raises(DomainError):
        citizen_report_survey(actor=officer, report=report, satisfied=True)
    report = citizen_report_verify(actor=inspector, report=report, accepted=False,
                                   note="圍籬仍未固定")
    assert report.status == CitizenReport.Status.HANDLING
    report = citizen_report_improvement(actor=officer, report=report, note="已加設斜撐")
    with pytest.raises(DomainError) as error:
        citizen_report_verify(actor=officer, report=report, accepted=True)
    assert error.value.code == ErrorCode.FORBIDDEN
    report = citizen_report_verify(actor=inspector, report=report, accepted=True)
    assert report.status == CitizenReport.Status.CLOSED
    assert report.verified_by == inspector

    report = citizen_report_survey(actor=inspector, report=report, satisfied=False)
    assert report.dissatisfaction_stage == "agency_review"
    with pytest.raises(DomainError):
        citizen_report_survey(actor=inspector, report=report, satisfied=True)
    with pytest.raises(DomainError):
        citizen_report_dissatisfaction_conclude(actor=inspector, report=report, outcome="x")
    report = citizen_report_dissatisfaction_respond(actor=officer, report=report,
                                                    response="已再次說明改善情形")
    report = citizen_report_dissatisfaction_conclude(actor=inspector, report=report,
                                                     outcome="改善符合規定，函復通報人")
    assert report.dissatisfaction_stage == "resolved"
    actions = list(AuditEvent.objects.filter(object_id=str(report.pk),
                                             action__startswith="citizen_report")
                   .order_by("id").values_list("action", flat=True))
    assert actions == [
        "citizen_report.submit", "citizen_report.route", "citizen_report.handle",
        "citizen_report.extend", "citizen_report.extend", "citizen_report.improve",
        "citizen_report.return", "citizen_report.improve", "citizen_report.verify",
        "citizen_report.survey", "citizen_report.dissatisfaction_respond",
        "citizen_report.dissatisfaction_conclude"]


def test_routing_checks_the_tender_belongs_to_the_agency(tender, inspector, city):
    report = web_report()
    with pytest.raises(DomainError, match="another agency"):
        citizen_report_route(actor=inspector, report=report,
                             agency=city["environmental-protection"], tender=tender)


def test_training_sessions(db, city, inspector, officer):
    session = training_session_record(actor=inspector, title="工程災害與設計施工研習班",
                                      held_on=dt.date(2018, 5, 29), attendance=42,
                                      co_organiser="公務人力發展中心")
    assert session.pk
    with pytest.raises(DomainError):
        training_session_record(actor=officer, title="x", held_on=dt.date(2018, 5, 29),
                                attendance=1)
    with pytest.raises(DomainError):
        training_session_record(actor=inspector, title="x", held_on=dt.date(2018, 5, 29),
                                attendance=-3)
    assert TrainingSession.objects.count() == 1



def test_1999_intake_links_the_service_desk_case_it_came_in_as(city, operator):
    from yankao.core.errors import DomainError
    from yankao.servicedesk.catalogue import catalogue_seed
    from yankao.servicedesk.models import Category
    from yankao.servicedesk.services.cases import case_register
    from yankao.works.models import CitizenReport
    from yankao.works.services.citizen import citizen_report_submit

    report = {"actor": operator, "channel": "1999", "subject": "施工圍籬倒塌",
              "description": "圍籬倒在人行道上", "location": "苓雅區中正一路"}
    with pytest.raises(DomainError) as refused:
        citizen_report_submit(**report, service_desk_case_number="20180101-NOSUCH")
    assert refused.value.field == "service_desk_case_number"
    assert not CitizenReport.objects.exists()
    catalogue_seed(actor=None)
    category = Category.objects.filter(parent__isnull=False).first()
    case, _password = case_register(actor=None, category=category, channel="phone",
                                    description="工地圍籬倒塌，行人無法通行。",
                                    address="高雄市苓雅區中正一路2號")
    linked = citizen_report_submit(**report, service_desk_case_number=case.number)
    assert linked.service_desk_case_number == case.number
    assert linked.created_by == operator and linked.contact is None
