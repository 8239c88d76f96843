"""Writes for citizen works reports (全民督工): intake, routing, handling and extensions,
improvement verified by the inspection team, the satisfaction survey and the
dissatisfied-case procedure; and training sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.apps import apps
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from yankao.core.calendar import WorkingCalendar
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, District, PersonalContact
from yankao.core.permissions import require_role
from yankao.core.services.attachments import attachment_create
from yankao.core.services.audit import audit_record
from yankao.core.services.vault import personal_contact_reveal, personal_contact_store
from yankao.core.validation import full_clean
from yankao.works.access import (
    INTAKE_ROLES,
    TRAINING_ROLES,
    require_agency_staff,
    require_agency_staff_or_team,
    require_team,
)
from yankao.works.audit import WorksAction
from yankao.works.models import CitizenReport, ReportExtension, Tender, TrainingSession
from yankao.works.policy import policy_on
from yankao.works.services.common import (
    PHOTO_KINDS,
    next_number,
    now_taipei,
    validate_photos,
)

Status = CitizenReport.Status


def _transition(actor, report: CitizenReport, action: WorksAction, before: str, *, reason: str = "",
                data: dict | None = None) -> None:
    audit_record(actor=actor, action=action, obj=report, agency=report.agency,
                 from_state=before, to_state=report.status, reason=reason, data=data)


def _locked(report: CitizenReport, *allowed: str) -> CitizenReport:
    report = CitizenReport.objects.select_for_update().get(pk=report.pk)
    if allowed and report.status not in allowed:
        raise DomainError(ErrorCode.INVALID_STATE)
    return report


def service_desk_case_exists(number: str) -> bool:
    """A report that came in as a service-desk case names a case that exists. Without the
    service-desk module installed, the number is kept as the reporter or operator gave it."""
    if not apps.is_installed("yankao.servicedesk"):
        return True
    from yankao.servicedesk.selectors.public import case_number_exists

    return case_number_exists(number=number)


def citizen_report_submit(
    *,
    actor,
    channel: str,
    subject: str,
    description: str,
    location: str,
    district: District | None = None,
    tender: Tender | None = None,
    name: str = "",
    phone: str = "",
    email: str = "",
    photos: Sequence[UploadedFile] = (),
    service_desk_case_number: str = "",
    received_at: dt.datetime | None = None,
) -> CitizenReport:
    """全民督工通報: a report from the public web form (no account: ``actor`` None or
    anonymous), or taken by phone or on the 1999 hotline by staff. The reporter's contact
    goes to the vault; photos must be images."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if channel not in CitizenReport.Channel.values:
        raise DomainError(ErrorCode.INVALID, _("Unknown channel."), field="channel")
    if channel != CitizenReport.Channel.WEB and authenticated:
        require_role(actor, *INTAKE_ROLES)
    elif channel != CitizenReport.Channel.WEB and actor is not None:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    for field, value in (("subject", subject), ("description", description),
                         ("location", location)):
        if not (value or "").strip():
            raise DomainError(ErrorCode.INVALID, _("This field is required."), field=field)
    validate_photos(photos)
    service_desk_case_number = service_desk_case_number.strip()
    if service_desk_case_number and not service_desk_case_exists(service_desk_case_number):
        raise DomainError(ErrorCode.INVALID, _("There is no service-desk case with this number."),
                          field="service_desk_case_number")
    recorder = actor if authenticated else None
    with transaction.atomic():
        received = received_at or now_taipei()
        report = CitizenReport(
            number=next_number(CitizenReport, f"WR-{received.year}"), channel=channel,
            subject=subject.strip(), description=description.strip(),
            location=location.strip(), district=district, tender=tender,
            service_desk_case_number=service_desk_case_number, received_at=received,
            created_by=recorder,
        )
        full_clean(report, exclude=["created_by", "contact"])
        report.save()
        if any(value.strip() for value in (name, phone, email)):
            contact = personal_contact_store(actor=recorder, owner=report, name=name,
                                             phone=phone, email=email)
            report.contact = contact
            report.save(update_fields=["contact"])
        for photo in photos:
            attachment_create(actor=recorder, upload=photo, owner=report, kinds=PHOTO_KINDS)
        _transition(recorder, report, WorksAction.CITIZEN_REPORT_SUBMIT, "",
                    data={"channel": channel, "photos": len(photos)})
    return report


def citizen_report_route(*, actor, report: CitizenReport, agency: Agency,
                         tender: Tender | None = None,
                         referred: Sequence[Agency] = ()) -> CitizenReport:
    """分案: route the report to the implementing agency, which contacts the reporter; the
    handling deadline starts. Traffic, safety or environmental matters are also referred."""
    require_team(actor)
    if tender is not None and tender.agency_id != agency.pk:
        raise DomainError(ErrorCode.INVALID, _("The tender belongs to another agency."),
                          field="tender")
    policy = policy_on(now_taipei().date())
    with transaction.atomic():
        report = _locked(report, Status.RECEIVED, Status.ROUTED)
        before = report.status
        report.agency = agency
        report.tender = tender or report.tender
        report.status = Status.ROUTED
        report.due_at = WorkingCalendar.load().deadline_in_working_days(
            now_taipei(), policy.report_handling_working_days)
        report.save(update_fields=["agency", "tender", "status", "due_at"])
        report.referred_agencies.set(referred)
        _transition(actor, report, WorksAction.CITIZEN_REPORT_ROUTE, before,
                    data={"agency": agency.code, "referred": [a.code for a in referred]})
    return report


def citizen_report_handle(*, actor, report: CitizenReport, note: str) -> CitizenReport:
    """The agency records its handling (it has contacted the reporter, what it does)."""
    require_agency_staff(actor, report.agency)
    if not note.strip():
        raise DomainError(ErrorCode.INVALID, _("Describe the handling."), field="note")
    with transaction.atomic():
        report = _locked(report, Status.ROUTED, Status.HANDLING)
        before = report.status
        report.status, report.handling_note = Status.HANDLING, note.strip()
        report.save(update_fields=["status", "handling_note"])
        _transition(actor, report, WorksAction.CITIZEN_REPORT_HANDLE, before)
    return report


def citizen_report_extend(*, actor, report: CitizenReport, reason: str) -> CitizenReport:
    """展延: extend the deadline by the policy's working days, with a reason, as many times
    as the policy allows."""
    require_agency_staff(actor, report.agency)
    if not reason.strip():
        raise DomainError(ErrorCode.INVALID, _("An extension needs a reason."), field="reason")
    policy = policy_on(now_taipei().date())
    with transaction.atomic():
        report = _locked(report, Status.ROUTED, Status.HANDLING)
        if report.extension_count >= policy.report_max_extensions:
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("The deadline has been extended as often as the rules allow."))
        previous = report.due_at or now_taipei()
        new_due = WorkingCalendar.load().deadline_in_working_days(
            previous, policy.report_extension_working_days)
        ReportExtension.objects.create(report=report, reason=reason.strip(),
                                       previous_due_at=previous, new_due_at=new_due,
                                       created_at=now_taipei(), created_by=actor)
        report.due_at, report.extension_count = new_due, report.extension_count + 1
        report.save(update_fields=["due_at", "extension_count"])
        audit_record(actor=actor, action=WorksAction.CITIZEN_REPORT_EXTEND, obj=report,
                     agency=report.agency, from_state=f"{previous:%Y-%m-%d}",
                     to_state=f"{new_due:%Y-%m-%d}", reason=reason.strip())
    return report


def citizen_report_improvement(*, actor, report: CitizenReport, note: str,
                               photos: Sequence[UploadedFile] = ()) -> CitizenReport:
    """The agency reports the site improved; the inspection team verifies it next."""
    require_agency_staff(actor, report.agency)
    if not note.strip():
        raise DomainError(ErrorCode.INVALID, _("Describe the improvement."), field="note")
    validate_photos(photos)
    with transaction.atomic():
        report = _locked(report, Status.ROUTED, Status.HANDLING)
        before = report.status
        for photo in photos:
            attachment_create(actor=actor, upload=photo, owner=report, agency=report.agency,
                              kinds=PHOTO_KINDS)
        report.status, report.improvement_note = Status.IMPROVED, note.strip()
        report.improved_at = now_taipei()
        report.save(update_fields=["status", "improvement_note", "improved_at"])
        _transition(actor, report, WorksAction.CITIZEN_REPORT_IMPROVE, before,
                    data={"photos": len(photos)})
    return report


def citizen_report_verify(*, actor, report: CitizenReport, accepted: bool,
                          note: str = "") -> CitizenReport:
    """The inspection team checks the improvement: accepted closes the report; otherwise
    it goes back to the agency with the reason."""
    require_team(actor)
    if not accepted and not note.strip():
        raise DomainError(ErrorCode.INVALID, _("Say why the improvement is not accepted."),
                          field="note")
    with transaction.atomic():
        report = _locked(report, Status.IMPROVED)
        now = now_taipei()
        if accepted:
            report.status, report.verified_at, report.verified_by = Status.CLOSED, now, actor
            report.closed_at = now
        else:
            report.status = Status.HANDLING
        report.save(update_fields=["status", "verified_at", "verified_by", "closed_at"])
        _transition(actor, report, WorksAction.CITIZEN_REPORT_VERIFY if accepted
                    else WorksAction.CITIZEN_REPORT_RETURN, Status.IMPROVED, reason=note.strip())
    return report


def citizen_report_survey(*, actor, report: CitizenReport, satisfied: bool) -> CitizenReport:
    """滿意度調查: the reporter's answer. A dissatisfied answer starts the procedure: the
    agency re-examines and explains, then the inspection team concludes."""
    require_agency_staff_or_team(actor, report.agency)
    with transaction.atomic():
        report = _locked(report, Status.CLOSED)
        if report.satisfaction:
            raise DomainError(ErrorCode.INVALID_STATE, _("The survey is already answered."))
        report.satisfaction = (CitizenReport.Satisfaction.SATISFIED if satisfied
                               else CitizenReport.Satisfaction.DISSATISFIED)
        report.surveyed_at = now_taipei()
        if not satisfied:
            report.dissatisfaction_stage = CitizenReport.Dissatisfaction.AGENCY_REVIEW
        report.save(update_fields=["satisfaction", "surveyed_at", "dissatisfaction_stage"])
        audit_record(actor=actor, action=WorksAction.CITIZEN_REPORT_SURVEY, obj=report,
                     agency=report.agency, to_state=report.satisfaction)
    return report


def citizen_report_dissatisfaction_respond(*, actor, report: CitizenReport,
                                           response: str) -> CitizenReport:
    """Dissatisfied-case procedure, step 1: the agency re-examines and explains."""
    require_agency_staff(actor, report.agency)
    if not response.strip():
        raise DomainError(ErrorCode.INVALID, _("Give the agency's explanation."),
                          field="response")
    with transaction.atomic():
        report = _locked(report, Status.CLOSED)
        if report.dissatisfaction_stage != CitizenReport.Dissatisfaction.AGENCY_REVIEW:
            raise DomainError(ErrorCode.INVALID_STATE)
        report.dissatisfaction_response = response.strip()
        report.dissatisfaction_stage = CitizenReport.Dissatisfaction.TEAM_REVIEW
        report.save(update_fields=["dissatisfaction_response", "dissatisfaction_stage"])
        audit_record(actor=actor, action=WorksAction.CITIZEN_REPORT_DISSATISFACTION_RESPOND,
                     obj=report,
                     agency=report.agency, from_state="agency_review", to_state="team_review")
    return report


def citizen_report_dissatisfaction_conclude(*, actor, report: CitizenReport,
                                            outcome: str) -> CitizenReport:
    """Dissatisfied-case procedure, step 2: the inspection team's conclusion (it may plan a
    re-inspection of the site separately)."""
    require_team(actor)
    if not outcome.strip():
        raise DomainError(ErrorCode.INVALID, _("Give the conclusion."), field="outcome")
    with transaction.atomic():
        report = _locked(report, Status.CLOSED)
        if report.dissatisfaction_stage != CitizenReport.Dissatisfaction.TEAM_REVIEW:
            raise DomainError(ErrorCode.INVALID_STATE)
        report.dissatisfaction_outcome = outcome.strip()
        report.dissatisfaction_stage = CitizenReport.Dissatisfaction.RESOLVED
        report.save(update_fields=["dissatisfaction_outcome", "dissatisfaction_stage"])
        audit_record(actor=actor, action=WorksAction.CITIZEN_REPORT_DISSATISFACTION_CONCLUDE,
                     obj=report, agency=report.agency, from_state="team_review",
                     to_state="resolved")
    return report


def citizen_report_contact(*, actor, report: CitizenReport, reason: str = "") -> PersonalContact:
    """The reporter's contact, for an officer of the implementing agency (the agency itself
    contacts the reporter, 個資法). Every reveal and refusal is logged by the vault."""
    if report.contact is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("The reporter left no contact details."))
    handling = [report.agency] if report.agency is not None else []
    return personal_contact_reveal(actor=actor, contact=report.contact,
                                   handling_agencies=handling, reason=reason)


def training_session_record(*, actor, title: str, held_on: dt.date, attendance: int,
                            co_organiser: str = "", hours=None,
                            note: str = "") -> TrainingSession:
    """教育訓練: a session held, with its attendance."""
    if actor is not None:
        require_role(actor, *TRAINING_ROLES)
    if isinstance(attendance, bool) or not isinstance(attendance, int) or attendance < 0:
        raise DomainError(ErrorCode.INVALID, _("The attendance is a whole number."),
                          field="attendance")
    session = TrainingSession(title=title.strip(), held_on=held_on, attendance=attendance,
                              co_organiser=co_organiser.strip(), hours=hours, note=note.strip())
    full_clean(session)
    with transaction.atomic():
        session.save()
        audit_record(actor=actor, action=WorksAction.TRAINING_RECORD, obj=session,
                     data={"attendance": attendance})
    return session
