"""The works pages over HTTP: who may open and do what (nothing changes on a refusal),
the inspector's form with bad input, the agency's improvement, the public report form,
exports without personal data, planned inspections hidden from the agency."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client

from yankao.core.models import AuditEvent, PersonalContact
from yankao.works import selectors
from yankao.works.models import CitizenReport, Defect, Inspection, InspectorScore, MonthlyProgress
from yankao.works.services.citizen import citizen_report_route, citizen_report_submit
from yankao.works.services.common import today_taipei
from yankao.works.services.inspections import inspection_plan, inspection_send
from yankao.works.tests.factories import fake_image_upload, image_upload, record

REPORTER = {"name": "林小姐", "phone": "0987654321", "email": "lin@example.invalid"}


def response_type(client, attachment) -> str:
    return client.get(f"/staff/works/photos/{attachment.uuid}/")["Content-Type"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pages(tender, inspector):
    inspection = record(tender, defects=[{"code": "5.07", "description": "開口未設護欄",
                                          "severity": "major", "deduction_points": 3}],
                        actor=inspector)
    report = citizen_report_submit(actor=None, channel="web", subject="圍籬破損",
                                   description="d", location="建工路", tender=tender, **REPORTER)
    report = citizen_report_route(actor=inspector, report=report, agency=tender.agency)
    return {
        "home": "/staff/works/", "tenders": "/staff/works/tenders/",
        "map": "/staff/works/tenders/map/", "tender": f"/staff/works/tenders/{tender.pk}/",
        "compliance": "/staff/works/compliance/", "inspections": "/staff/works/inspections/",
        "inspection": f"/staff/works/inspections/{inspection.number}/",
        "board": "/staff/works/board/", "reports": "/staff/works/reports/",
        "report": f"/staff/works/reports/{report.number}/", "training": "/staff/works/training/",
        "priority": "/staff/works/priority/", "new": "/staff/works/inspections/new/",
        "progress": f"/staff/works/tenders/{tender.pk}/progress/",
        "intake": "/staff/works/reports/new/",
        "tender-new": "/staff/works/tenders/new/", "checks": "/staff/works/checks/?month=2018-03",
        "tender-edit": f"/staff/works/tenders/{tender.pk}/edit/",
    }


MATRIX = {
    # page: (inspector, officer of the agency, officer of another agency, evaluator)
    "home": (200, 200, 200, 200), "tenders": (200, 200, 200, 200), "map": (200, 200, 200, 200),
    "tender": (200, 200, 404, 200), "compliance": (200, 200, 200, 200),
    "inspections": (200, 200, 200, 200), "inspection": (200, 200, 404, 200),
    "board": (200, 200, 200, 200), "reports": (200, 200, 200, 200),
    "report": (200, 200, 404, 200), "training": (200, 200, 200, 200),
    "priority": (200, 403, 403, 200), "new": (200, 403, 403, 403),
    "progress": (403, 200, 404, 403), "intake": (200, 403, 403, 403),
    "tender-new": (403, 200, 200, 403), "tender-edit": (403, 200, 404, 403),
    "checks": (200, 200, 200, 200),
}


def test_role_by_page_matrix(pages, inspector, officer, epb_officer, evaluator):
    users = (inspector, officer, epb_officer, evaluator)
    for name, expected in MATRIX.items():
        for user, status in zip(users, expected, strict=True):
            response = client_for(user).get(pages[name])
            assert response.status_code == status, (name, user.username, response.status_code)


def test_pages_need_a_sign_in(client, pages):
    for path in pages.values():
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _inspection_post(tender, overrides=None):
    data = {
        "tender": tender.pcc_number, "inspected_on": "2018-06-12", "origin": "routine",
        "citizen_report": "", "summary": "",
        "inspector-TOTAL_FORMS": "3", "inspector-INITIAL_FORMS": "0",
        "inspector-0-name": "李建宏", "inspector-0-score": "84",
        "inspector-1-name": "陳國樑", "inspector-1-score": "86",
        "inspector-2-name": "", "inspector-2-score": "",
        "defect-TOTAL_FORMS": "2", "defect-INITIAL_FORMS": "0",
        "defect-0-code": "5.02", "defect-0-severity": "major", "defect-0-deduction_points": "2",
        "defect-0-description": "鋼筋保護層不足",
        "defect-1-code": "", "defect-1-severity": "minor", "defect-1-deduction_points": "",
        "defect-1-description": "",
        "test-TOTAL_FORMS": "1", "test-INITIAL_FORMS": "0",
        "test-0-material": "concrete", "test-0-result": "pending",
    }
    data.update(overrides or {})
    return data


def test_the_inspector_records_an_inspection(tender, inspector):
    response = client_for(inspector).post("/staff/works/inspections/new/",
                                          _inspection_post(tender))
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/works/inspections/{inspection.number}/"
    assert (inspection.score, inspection.score_provisional) == (85, True)
    assert inspection.defects.get().code.code == "5.02"
    page = client_for(inspector).get(response["Location"]).content.decode()
    assert "85" in page and "甲等" in page


@pytest.mark.parametrize("overrides", [
    {"inspector-0-score": "101"},
    {"inspector-0-score": "-5"},
    {"inspector-0-name": "", "inspector-0-score": "", "inspector-1-name": "",
     "inspector-1-score": ""},
    {"inspector-1-score": ""},
    {"defect-0-description": ""},
    {"tender": "NO-SUCH"},
])
def test_bad_inspections_show_an_error_and_save_nothing(tender, inspector, overrides):
    response = client_for(inspector).post("/staff/works/inspections/new/",
                                          _inspection_post(tender, overrides))
    assert response.status_code == 422
    assert b'role="alert"' in response.content
    assert not Inspection.objects.exists()
    assert not InspectorScore.objects.exists()


def test_an_officer_cannot_post_an_inspection(tender, officer):
    response = client_for(officer).post("/staff/works/inspections/new/",
                                        _inspection_post(tender))
    assert response.status_code == 403
    assert not Inspection.objects.exists()


def test_the_agency_reports_an_improvement_with_photos(tender, inspector, officer,
                                                       epb_officer):
    inspection = record(tender, defects=[{"code": "5.07", "description": "開口未設護欄"}],
                        actor=inspector)
    inspection_send(actor=inspector, inspection=inspection)
    defect = inspection.defects.get()
    path = f"/staff/works/defects/{defect.pk}/improve/"
    assert client_for(epb_officer).get(path).status_code == 404
    bad = client_for(officer).post(path, {"note": "已設護欄", "before_photos": [image_upload()],
                                          "after_photos": [fake_image_upload("after.jpg")]})
    assert bad.status_code == 422
    defect.refresh_from_db()
    assert defect.status == Defect.Status.OPEN
    good = client_for(officer).post(path, {"note": "已設護欄",
                                           "before_photos": [image_upload("b.jpg")],
                                           "after_photos": [image_upload("a.jpg")]})
    assert good.status_code == 302
    defect.refresh_from_db()
    assert defect.status == Defect.Status.SUBMITTED
    photo = defect.photos.first().attachment
    for user, status in ((inspector, 200), (officer, 200), (epb_officer, 404)):
        response = client_for(user).get(f"/staff/works/photos/{photo.uuid}/")
        assert response.status_code == status
    assert response_type(client_for(officer), photo) == "image/jpeg"
    denied = client_for(officer).post(f"/staff/works/defects/{defect.pk}/verify/",
                                      {"decision": "accept"})
    assert denied.status_code == 302
    defect.refresh_from_db()
    assert defect.status == Defect.Status.SUBMITTED
    client_for(inspector).post(f"/staff/works/defects/{defect.pk}/verify/",
                               {"decision": "accept"})
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.CLOSED


def test_a_planned_inspection_is_not_on_the_agencys_pages(tender, inspector, officer):
    day = today_taipei() + dt.timedelta(days=4)
    planned = inspection_plan(actor=inspector, tender=tender, planned_on=day)
    for path in ("/staff/works/inspections/", f"/staff/works/tenders/{tender.pk}/",
                 "/staff/works/board/", "/staff/audit/", f"/staff/works/?year={day.year}"):
        page = client_for(officer).get(path).content.decode()
        assert planned.number not in page, path
        assert day.strftime("%Y-%m-%d") not in page, path
    assert client_for(officer).get(
        f"/staff/works/inspections/{planned.number}/").status_code == 404
    assert planned.number in client_for(inspector).get(
        "/staff/works/inspections/plan/").content.decode()


def test_progress_form_refuses_bad_input_and_saves_good(tender, officer):
    path = f"/staff/works/tenders/{tender.pk}/progress/"
    base = {"month": "2018-03", "actual_percent": "20", "amount_spent": "100"}
    for bad in ({"actual_percent": "120"}, {"actual_percent": "10"}, {"month": "2018-13"},
                {"photos": [fake_image_upload()]}):
        response = client_for(officer).post(path, {**base, **bad})
        assert response.status_code == 422, bad
    assert not MonthlyProgress.objects.exists()
    response = client_for(officer).post(path, {**base, "photos": [image_upload()]})
    assert response.status_code == 302
    row = MonthlyProgress.objects.get()
    assert row.actual_percent == 20
    page = client_for(officer).get(f"/staff/works/tenders/{tender.pk}/").content.decode()
    photo = selectors.tender_progress_photos(actor=officer, tender=tender)[row.pk][0]
    assert f"/staff/works/photos/{photo.uuid}/" in page


def test_the_team_records_a_written_check_and_the_agency_reads_its_own(
        tender, epb_tender, inspector, officer, epb_officer):
    from yankao.works.models import ProgressCheck
    from yankao.works.services.tenders import progress_submit

    for each, user in ((tender, officer), (epb_tender, epb_officer)):
        progress_submit(actor=user, tender=each, month=dt.date(2018, 3, 1),
                        actual_percent=5, amount_spent=1, delay_reason="雨季")
    path = "/staff/works/checks/?month=2018-03"
    page = client_for(inspector).get(path).content.decode()
    assert tender.pcc_number in page and epb_tender.pcc_number in page  # still to check
    post = {"tender": tender.pcc_number, "finding": "inspect", "note": ""}
    assert client_for(inspector).post(path, post).status_code == 422  # a note is needed
    unknown = client_for(inspector).post(path, {**post, "tender": "NO-SUCH", "note": "x"})
    assert unknown.status_code == 422
    assert client_for(officer).post(path, {**post, "note": "x"}).status_code == 403
    assert not ProgressCheck.objects.exists()
    assert client_for(inspector).post(path, {**post, "note": "落後，列入優先查核"}
                                      ).status_code == 302
    for user, each in ((officer, tender), (epb_officer, epb_tender)):
        page = client_for(user).get(path).content.decode()
        assert ("落後，列入優先查核" in page) == (each == tender)
    assert "落後，列入優先查核" not in client_for(epb_officer).get(path).content.decode()


def test_an_officer_enters_and_corrects_a_tender(tender, officer, epb_officer):
    from yankao.works.models import Tender

    new = {"pcc_number": "1071130A01", "agency": tender.agency.pk, "title": "鼓山區人行道改善工程",
           "budget_amount": "12000000", "contract_amount": "10800000", "arrangement": "own",
           "awarded_on": "2018-02-01", "contractor": "港都營造", "supervisor": "鼓山工務所",
           "start_date": "2018-03-01", "end_date": "2018-10-31", "status": "in_progress",
           "location": "鼓山一路", "planned_curve": "2018-03 5\n2018-06 40\n2018-10 100"}
    path = "/staff/works/tenders/new/"
    for bad in ({"end_date": "2018-01-31"}, {"planned_curve": "2018-03 5\nMarch 40"},
                {"planned_curve": "2018-03 50\n2018-04 20"}, {"contract_amount": "0"},
                {"pcc_number": tender.pcc_number},  # already registered: not overwritten
                {"agency": epb_officer.memberships.first().agency_id}):  # not theirs
        response = client_for(officer).post(path, {**new, **bad})
        assert response.status_code == 422, bad
    assert not Tender.objects.filter(pcc_number="1071130A01").exists()
    assert Tender.objects.get(pk=tender.pk).title == tender.title
    response = client_for(officer).post(path, new)
    assert response.status_code == 302
    created = Tender.objects.get(pcc_number="1071130A01")
    assert created.planned_by_month()["2018-06"] == 40
    assert AuditEvent.objects.filter(action="tender.create", object_id=str(created.pk)).exists()
    edit = f"/staff/works/tenders/{created.pk}/edit/"
    form = client_for(officer).get(edit).content.decode()
    assert "2018-06 40" in form
    assert re.search(r'<input[^>]*name="pcc_number"[^>]*disabled', form)  # the key stays
    response = client_for(officer).post(edit, {**new, "pcc_number": "SOMETHING-ELSE",
                                               "title": "鼓山區人行道改善工程（第二期）"})
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.title.endswith("（第二期）") and created.pcc_number == "1071130A01"
    assert client_for(epb_officer).post(edit, new).status_code == 404


@pytest.fixture
def fresh_cache(settings):
    """A cache of this process only: other test processes clear the shared one."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "works-rate-limit-test"}}
    cache.clear()
    yield
    cache.clear()


def test_public_report_form(db, city, fresh_cache, tender):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/works/report/")
    assert page.status_code == 200
    data = {"subject": "工地噪音", "description": "夜間施工", "location": "建工路",
            "tender": tender.pcc_number, **REPORTER}
    assert client.post("/works/report/", data).status_code == 403  # no CSRF token
    token = page.cookies["csrftoken"].value
    bad = client.post("/works/report/", {**data, "photos": [fake_image_upload()],
                                         "csrfmiddlewaretoken": token})
    assert bad.status_code == 422
    assert not CitizenReport.objects.exists() and not PersonalContact.objects.exists()
    sent = client.post("/works/report/", {**data, "photos": [image_upload()],
                                          "csrfmiddlewaretoken": token})
    assert sent.status_code == 302
    report = CitizenReport.objects.get()
    thanks = client.get(sent["Location"]).content.decode()
    assert report.number in thanks
    assert report.tender == tender and report.channel == "web"
    # Five posts a minute from one address (the refused one counts too), then 429.
    for _ in range(3):
        assert client.post("/works/report/", {**data, "csrfmiddlewaretoken": token}
                           ).status_code == 302
    limited = client.post("/works/report/", {**data, "csrfmiddlewaretoken": token})
    assert limited.status_code == 429
    assert CitizenReport.objects.count() == 4


def test_reporter_data_stays_in_the_vault(tender, inspector, officer, epb_officer, evaluator):
    report = citizen_report_submit(actor=None, channel="web", subject="積水", description="d",
                                   location="l", tender=tender, **REPORTER)
    report = citizen_report_route(actor=inspector, report=report, agency=tender.agency)
    for user in (inspector, officer, evaluator):
        client = client_for(user)
        for path in (f"/staff/works/reports/{report.number}/", "/staff/works/reports/",
                     "/staff/works/reports/?format=csv", "/staff/works/reports/?format=xlsx",
                     "/api/v1/works/citizen-reports", "/staff/works/?year=2018",
                     "/staff/audit/"):
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else (
                response.content)
            for secret in REPORTER.values():
                assert secret.encode() not in body, (user.username, path)
    assert client_for(epb_officer).post(
        f"/staff/works/reports/{report.number}/contact/").status_code == 404
    assert client_for(inspector).post(
        f"/staff/works/reports/{report.number}/contact/").status_code == 403
    shown = client_for(officer).post(f"/staff/works/reports/{report.number}/contact/",
                                     {"reason": "聯繫通報人"})
    assert shown.status_code == 200 and "0987654321" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert AuditEvent.objects.filter(action="personal_contact.reveal").count() == 1
    assert AuditEvent.objects.filter(action="personal_contact.reveal_denied").count() == 1


def test_report_actions_through_the_page(tender, inspector, officer):
    report = citizen_report_submit(actor=None, channel="web", subject="積水", description="d",
                                   location="l")
    path = f"/staff/works/reports/{report.number}/"
    client_for(officer).post(path + "route/", {"agency": tender.agency.pk})
    report.refresh_from_db()
    assert report.status == CitizenReport.Status.RECEIVED
    client_for(inspector).post(path + "route/", {"agency": tender.agency.pk,
                                                 "tender": tender.pcc_number})
    client_for(officer).post(path + "extend/", {"text": "颱風停工"})
    client_for(officer).post(path + "improve/", {"note": "已改善", "photos": [image_upload()]})
    client_for(inspector).post(path + "verify/", {"decision": "accept"})
    client_for(inspector).post(path + "survey/", {"satisfied": "no"})
    report.refresh_from_db()
    assert (report.status, report.extension_count, report.satisfaction,
            report.dissatisfaction_stage) == ("closed", 1, "dissatisfied", "agency_review")
    assert client_for(inspector).get(path).status_code == 200
    assert len(selectors.citizen_report_photos(actor=inspector, report=report)) == 1


def test_training_page_records_for_the_team_only(db, city, inspector, officer):
    data = {"title": "工程法律與履約爭議研習班", "held_on": "2018-10-16", "attendance": "50",
            "co_organiser": "公務人力發展中心"}
    assert client_for(officer).post("/staff/works/training/", data).status_code == 403
    assert client_for(inspector).post("/staff/works/training/", data).status_code == 302
    page = client_for(officer).get("/staff/works/training/?year=2018").content.decode()
    assert "工程法律與履約爭議研習班" in page and "50" in page


def test_exports(tender, inspector):
    record(tender, actor=inspector)
    response = client_for(inspector).get("/staff/works/inspections/?year=2018&format=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert tender.pcc_number in body
    assert client_for(inspector).get(
        "/staff/works/tenders/?format=xlsx")["Content-Type"].startswith("application/vnd")


def _formula_post(formula, **changes) -> dict:
    bands = list(formula.bands.all())
    data = {"code": formula.code, "title": formula.title,
            "effective_from": f"{formula.effective_from:%Y-%m-%d}",
            "effective_until": (f"{formula.effective_until:%Y-%m-%d}"
                                if formula.effective_until else ""),
            "citation": formula.citation, "overall_percent": formula.overall_percent,
            "overall_floor_amount": formula.overall_floor_amount,
            "excludes_subsidised_and_delegated": (
                "on" if formula.excludes_subsidised_and_delegated else ""),
            "source": formula.source, "note": "",
            "bands-TOTAL_FORMS": str(len(bands)), "bands-INITIAL_FORMS": str(len(bands)),
            "bands-MIN_NUM_FORMS": "0", "bands-MAX_NUM_FORMS": "1000",
            "priority_categories-TOTAL_FORMS": "0", "priority_categories-INITIAL_FORMS": "0",
            "priority_categories-MIN_NUM_FORMS": "0",
            "priority_categories-MAX_NUM_FORMS": "1000"}
    for index, band in enumerate(bands):
        data.update({f"bands-{index}-id": band.pk, f"bands-{index}-formula": formula.pk,
                     f"bands-{index}-label_zh": band.label_zh,
                     f"bands-{index}-label_en": band.label_en,
                     f"bands-{index}-min_amount": band.min_amount,
                     f"bands-{index}-max_amount": band.max_amount or "",
                     f"bands-{index}-percent": band.percent,
                     f"bands-{index}-minimum_count": band.minimum_count,
                     f"bands-{index}-citation": band.citation,
                     f"bands-{index}-sort_order": band.sort_order})
    data.update(changes)
    return data


def test_administrators_edit_a_text_of_section_4_with_an_audit_event(db, city):
    from yankao.core.models import Role
    from yankao.core.tests.factories import member
    from yankao.works.models import MinimumFormula

    admin_user = member(Role.ADMINISTRATOR, city["rdec"], "t_admin")
    client = client_for(admin_user)
    formula = MinimumFormula.objects.get(code="2003")
    assert client.get("/admin/works/minimumformula/").status_code == 200
    assert client.get("/admin/works/workspolicy/").status_code == 200
    assert client.get("/admin/works/citizenreport/").status_code == 200
    response = client.post(f"/admin/works/minimumformula/{formula.pk}/change/",
                           _formula_post(formula, **{"bands-2-minimum_count": "18"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert formula.bands.get(sort_order=3).minimum_count == 18
    assert AuditEvent.objects.filter(action="record.update",
                                     object_type__model="minimumformulaband").count() == 1
    # A version whose dates overlap another's is refused on the date, nothing saved.
    response = client.post(f"/admin/works/minimumformula/{formula.pk}/change/",
                           _formula_post(formula, effective_until="2021-03-19",
                                         **{"bands-2-minimum_count": "17"}))
    assert response.status_code == 200
    assert "errors field-effective_until" in response.content.decode()
    formula.refresh_from_db()
    assert formula.effective_until == dt.date(2021, 3, 18)
    assert formula.bands.get(sort_order=3).minimum_count == 18


def test_the_staff_home_lists_public_works(db, city, officer):
    page = client_for(officer).get("/staff/").content.decode()
    assert 'href="/staff/works/"' in page


def test_priority_list_prints_numbers_and_keeps_the_reason_for_the_inspection(
        tender, officer, inspector):
    """20.85, not the database's 20.8500000000000; the inspection form opened from the list
    starts as a priority inspection with the reasons in its summary; the written checks
    open on the latest month that has checks."""
    from decimal import Decimal

    from django.template.defaultfilters import floatformat

    from yankao.core.calendar import TAIPEI
    from yankao.works.services.tenders import progress_check_record, progress_submit

    progress_submit(actor=officer, tender=tender, month=dt.date(2018, 5, 1),
                    actual_percent=Decimal("0.15"), amount_spent=1, delay_reason="用地取得",
                    submitted_at=dt.datetime(2018, 6, 3, 9, tzinfo=TAIPEI))
    entry = selectors.inspection_priority_list(actor=inspector, as_of=dt.date(2018, 6, 10))[0]
    points = floatformat(entry.delay, "-2")
    client = client_for(inspector)
    client.cookies["django_language"] = "en"
    html = client.get("/staff/works/priority/?as_of=2018-06-10").content.decode()
    assert f"{points} points behind" in html and not re.search(r"\d\.\d{5,}", html)
    link = re.search(r'href="(/staff/works/inspections/new/\?[^"]+)"', html).group(1)
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert re.search(r'<option value="priority" selected>', form)
    assert f"On the priority list: {points} points behind" in form

    progress_check_record(actor=inspector, tender=tender, month=dt.date(2018, 5, 1),
                          finding="inspect", note="落後逾十個百分點")
    checks = client.get("/staff/works/checks/").content.decode()
    assert tender.pcc_number in checks and 'value="2018-05"' in checks
