"""The case lifecycle through its service functions: states, deadlines, audit, denials."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Attachment, AuditEvent, Notification, PersonalContact
from yankao.servicedesk import services
from yankao.servicedesk.models import (
    Assignment,
    Case,
    CaseKind,
    CaseStatus,
    Channel,
    CloseReason,
    ExtensionStatus,
    FilingGround,
    Survey,
)
from yankao.servicedesk.selectors import duplicate_candidates
from yankao.servicedesk.tests.conftest import LINGYA, REPORTER, png_upload, taipei

pytestmark = pytest.mark.django_db


def by_name(catalogue, name):
    return next(c for c in catalogue.values() if c.name_zh == name)


def dispatch(catalogue, people, **extra):
    kwargs = {"actor": people["operator"], "category": by_name(catalogue, "路面坑洞(一)"),
              "description": "中正一路與四維路口有大坑洞", "channel": Channel.PHONE,
              "latitude": LINGYA[0], "longitude": LINGYA[1], **REPORTER}
    kwargs.update(extra)
    return services.case_register(**kwargs)[0]


def petition(catalogue, people, **extra):
    kwargs = {"actor": people["operator"], "category": catalogue["P-ENV"],
              "description": "夜間工廠排放臭味", "channel": Channel.PHONE,
              "address": "高雄市苓雅區四維三路2號", "kind": CaseKind.PETITION,
              "petition_kind": "illegality", **REPORTER}
    kwargs.update(extra)
    return services.case_register(**kwargs)[0]


def test_dispatch_is_routed_at_once_with_a_four_hour_clock(catalogue, people, city):
    case = dispatch(catalogue, people)
    assert case.status == CaseStatus.ASSIGNED
    assert case.district.name_zh == "苓雅區"
    assert case.agency == city["pwb-maintenance"]
    assert case.due_at - case.dispatched_at == dt.timedelta(hours=4)
    assert case.contact is not None and "洩漏" not in case.description
    actions = list(AuditEvent.objects.filter(object_id=str(case.pk), object_type__model="case")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["case.register", "case.assign"]


def test_routing_rule_for_the_district_wins(catalogue, people, city):
    case = services.case_register(
        actor=people["operator"], category=catalogue["KH-DISTRICT"], description="排水溝淤積",
        channel=Channel.APP, latitude="22.888", longitude="120.483")[0]
    assert case.district.name_zh == "旗山區"
    assert case.agency.name_zh == "高雄市旗山區公所"


def test_petition_waits_for_the_registrar_then_runs_in_working_days(catalogue, people, city):
    registered = taipei(2025, 1, 24, 10, 0)
    case = petition(catalogue, people, registered_at=registered)
    assert case.status == CaseStatus.REGISTERED and case.agency is None
    with pytest.raises(DomainError) as denied:
        services.case_assign(actor=people["officer"], case=case,
                             agencies=[city["environmental-protection"]])
    assert denied.value.code == ErrorCode.FORBIDDEN
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED
    case = services.case_assign(actor=people["registrar"], case=case,
                                agencies=[city["environmental-protection"], city["health"]])
    # 6 working days after Friday 24 January 2025 (Lunar New Year) is the make-up Saturday.
    assert case.due_at == taipei(2025, 2, 8, 23, 59, 59)
    assert case.assignments.count() == 2


def test_mailbox_is_due_in_five_working_days(catalogue, people, city):
    case = petition(catalogue, people, kind=CaseKind.MAILBOX, channel=Channel.WEB,
                    registered_at=taipei(2025, 3, 3, 9, 0))
    case = services.case_assign(actor=people["registrar"], case=case,
                                agencies=[city["environmental-protection"]])
    assert case.due_at == taipei(2025, 3, 10, 23, 59, 59)


def test_full_lifecycle_with_two_agencies_and_a_survey(catalogue, people, city):
    case = petition(catalogue, people)
    case = services.case_assign(actor=people["registrar"], case=case,
                                agencies=[city["environmental-protection"],
                                          city["pwb-maintenance"]])
    epb, pwb = case.assignments.order_by("id")
    services.assignment_accept(actor=people["epb"], assignment=epb)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    services.assignment_reply(actor=people["epb"], assignment=epb, reply="已稽查並告發。")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS  # 養工處 has not answered yet
    with pytest.raises(DomainError):
        services.assignment_reply(actor=people["epb"], assignment=pwb, reply="不是我們的")
    case = services.assignment_reply(actor=people["officer"], assignment=pwb, reply="已修復。")
    assert case.status == CaseStatus.REPLIED and case.handling_seconds is not None
    case = services.case_close(actor=people["registrar"], case=case)
    assert case.status == CaseStatus.CLOSED and case.close_reason == CloseReason.HANDLED
    survey = services.survey_answer(case=case, score=5, comment="很快")
    assert survey.satisfied
    with pytest.raises(DomainError) as twice:
        services.survey_answer(case=case, score=1)
    assert twice.value.code == ErrorCode.CONFLICT
    assert Survey.objects.get(case=case).score == 5


def test_extension_needs_a_section_chief_who_did_not_ask(catalogue, people, city,
                                                         django_capture_on_commit_callbacks):
    case = dispatch(catalogue, people)
    assignment = case.assignments.get()
    later = assignment.due_at + dt.timedelta(hours=20)
    extension = services.extension_request(
        actor=people["officer"], assignment=assignment, reason="需調派吊車",
        notice="您好，因需調派吊車，預計明日完成修復。", new_due_at=later)
    with pytest.raises(DomainError) as officer_denied:
        services.extension_decide(actor=people["officer"], extension=extension, approve=True)
    assert officer_denied.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError):
        services.extension_decide(actor=people["epb_chief"], extension=extension, approve=True)
    assignment.refresh_from_db()
    assert assignment.due_at != later
    own = services.extension_request  # a chief may not approve their own request
    assignment2 = services.case_register(
        actor=people["operator"], category=by_name(catalogue, "路樹傾倒(一)"),
        description="路樹倒在人行道", channel=Channel.PHONE, latitude=LINGYA[0],
        longitude=LINGYA[1])[0].assignments.get()
    chief_request = own(actor=people["chief"], assignment=assignment2, reason="r", notice="n",
                        new_due_at=assignment2.due_at + dt.timedelta(hours=2))
    with pytest.raises(DomainError):
        services.extension_decide(actor=people["chief"], extension=chief_request, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        extension = services.extension_decide(actor=people["chief"], extension=extension,
                                              approve=True)
    assert extension.status == ExtensionStatus.APPROVED
    assignment.refresh_from_db()
    case.refresh_from_db()
    assert assignment.due_at == later == case.due_at
    assert case.status_notes.startswith("您好")
    # The notice goes to the reporter as a public update: the system reads the contact to
    # send it (logged as a use), no person sees it.
    assert Notification.objects.filter(recipient="leak.check@example.org").count() == 1
    assert AuditEvent.objects.filter(action="personal_contact.use").exists()
    assert not AuditEvent.objects.filter(action="personal_contact.reveal").exists()


def test_transfer_moves_the_case_and_keeps_the_old_assignment(catalogue, people, city):
    case = dispatch(catalogue, people)
    old = case.assignments.get()
    case = services.case_transfer(actor=people["officer"], assignment=old,
                                  to_agency=city["water-resources"],
                                  notice="本案屬水利局權責，已移送。")
    old.refresh_from_db()
    assert old.status == "transferred" and old.transferred_to.agency == city["water-resources"]
    assert case.agency == city["water-resources"] and case.status == CaseStatus.ASSIGNED
    with pytest.raises(DomainError):  # 養工處 no longer handles it
        services.assignment_reply(actor=people["officer"], assignment=old, reply="x")


def test_merge_and_filing_close_without_deleting(catalogue, people):
    first = dispatch(catalogue, people)
    second = dispatch(catalogue, people, description="同一個坑洞")
    assert [c for c, _m in duplicate_candidates(
        category=second.category, latitude=second.latitude, longitude=second.longitude,
        exclude=second)] == [first]
    merged = services.case_merge(actor=people["registrar"], case=second, into=first)
    assert merged.status == CaseStatus.CLOSED and merged.merged_into == first
    filed = petition(catalogue, people)
    filed = services.case_file_without_handling(actor=people["registrar"], case=filed,
                                                ground=FilingGround.SAME_MATTER)
    assert filed.close_reason == CloseReason.FILED
    assert Case.objects.count() == 3


@pytest.mark.parametrize("bad", [
    {"latitude": "95", "longitude": "120.3"},
    {"latitude": "abc", "longitude": "120.3"},
    {"latitude": "22.6", "longitude": ""},
    {"latitude": "25.03", "longitude": "121.56"},  # Taipei: outside the city
    {"description": "坑" * 4001},
    {"description": "   "},
    {"photos": [SimpleUploadedFile("x.png", b"not an image at all", "image/png")]},
])
def test_bad_input_writes_nothing(catalogue, people, bad):
    with pytest.raises(DomainError):
        dispatch(catalogue, people, **bad)
    assert Case.objects.count() == 0
    assert PersonalContact.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="case.").exists()


def test_a_form_submitted_twice_makes_one_case(catalogue, people):
    first = dispatch(catalogue, people, submission_key="k-1", photos=[png_upload()])
    again = dispatch(catalogue, people, submission_key="k-1", photos=[png_upload()])
    assert first.pk == again.pk and Case.objects.count() == 1
    assert Attachment.objects.count() == 1


def test_the_tracking_password_is_hashed_for_a_server_made_secret(catalogue, people):
    # Decision 0133: a password the server drew itself gets PBKDF2 at 20,000 iterations,
    # not the 1,000,000 of people's passwords; a hash made before still checks.
    case, password = services.case_register(
        actor=people["operator"], category=by_name(catalogue, "路面坑洞(一)"),
        description="中正一路與四維路口有大坑洞", channel=Channel.PHONE,
        latitude=LINGYA[0], longitude=LINGYA[1], with_password=True, **REPORTER)
    algorithm, iterations, _salt, _hash = case.password_hash.split("$")
    assert (algorithm, int(iterations)) == ("server_secret_pbkdf2_sha256", 20_000)
    assert services.case_password_check(case, password)
    assert not services.case_password_check(case, password.upper())
    assert not services.case_password_check(case, "")
    case.password_hash = make_password(password, hasher="pbkdf2_sha256")
    assert case.password_hash.startswith("pbkdf2_sha256$")
    assert services.case_password_check(case, password)
    assert not services.case_password_check(case, password[:-1])


def test_only_the_handling_agency_reads_the_reporter(catalogue, people):
    case = dispatch(catalogue, people)
    contact = services.reporter_contact_reveal(actor=people["officer"], case=case)
    assert contact.phone == "0912-345-678"
    for who in ("operator", "registrar", "evaluator", "pwb_officer", "epb"):
        with pytest.raises(DomainError) as denied:
            services.reporter_contact_reveal(actor=people[who], case=case)
        assert denied.value.code == ErrorCode.FORBIDDEN
    assert AuditEvent.objects.filter(action="personal_contact.reveal_denied").count() == 5
    assert AuditEvent.objects.filter(action="personal_contact.reveal").count() == 1


def test_downgraded_dispatch_keeps_its_kind(catalogue, people):
    case = dispatch(catalogue, people)
    case = services.case_downgrade(actor=people["officer"], case=case, reason="非立即危險")
    assert case.downgraded and case.kind == CaseKind.DISPATCH


def test_call_log_checks_the_operator_and_the_outcome(catalogue, people):
    call = services.call_log(actor=people["operator"], outcome="consultation",
                             duration_seconds=95, answered_at_once=True)
    assert call.answered_at_once and call.agency.code == "rdec"
    with pytest.raises(DomainError):
        services.call_log(actor=people["officer"], outcome="consultation", duration_seconds=9)
    with pytest.raises(DomainError):
        services.call_log(actor=people["operator"], outcome="case_created", duration_seconds=9)
    assert AuditEvent.objects.filter(action="call.log").count() == 1


def test_reply_of_a_dispatch_is_a_field_report(catalogue, people):
    case = dispatch(catalogue, people)
    assignment = case.assignments.get()
    at = case.dispatched_at + dt.timedelta(hours=3)
    case = services.assignment_reply(actor=people["officer"], assignment=assignment,
                                     reply="已完成填補", at=at)
    assert case.status == CaseStatus.FIELD_REPORTED
    assert case.handling_seconds == 3 * 3600
    assert Assignment.objects.get(pk=assignment.pk).replied_at == at
    assert case.answered_at <= case.due_at
    assert timezone.is_aware(case.answered_at)


@pytest.mark.parametrize(("extra", "field"), [
    ({"kind": "parade"}, "kind"),
    ({"channel": "pigeon"}, "channel"),
    ({"kind": CaseKind.PETITION, "petition_kind": "complaint-ish"}, "petition_kind"),
    ({"media_url": "not a url"}, "media_url"),
    ({"submission_key": "k" * 200}, "submission_key"),
    ({"description": "坑" * 5001}, "description"),
])
def test_the_intake_refuses_what_its_caller_gives_wrong_and_writes_nothing(
        catalogue, people, city, extra, field):
    """The intake validates only the case's fields its caller gives (INTAKE_FIELDS); each
    of those still refuses a wrong value, before anything is written."""
    tables = (Case, AuditEvent, PersonalContact)
    before = [model.objects.count() for model in tables]
    with pytest.raises(DomainError) as refused:
        dispatch(catalogue, people, **extra)
    assert refused.value.code == ErrorCode.INVALID and refused.value.field == field
    assert [model.objects.count() for model in tables] == before


def test_every_case_field_the_intake_takes_from_its_caller_is_validated():
    """A parameter of case_register that sets a field of the case (not a relation, which
    the caller passes as a saved object) is among the fields validated before the INSERT."""
    from inspect import signature

    from yankao.servicedesk.services.cases import INTAKE_FIELDS

    own = {f.name for f in Case._meta.concrete_fields if not f.is_relation}
    given = own & set(signature(services.case_register).parameters)
    assert given == INTAKE_FIELDS
