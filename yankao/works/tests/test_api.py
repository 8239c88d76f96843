"""/api/v1/works: scoped to the user's agencies, problem JSON on bad input with nothing
written, the yearly summary, planned inspections and reporters never exposed."""

import datetime as dt

import pytest

from yankao.core.services.tokens import api_token_create
from yankao.works.models import Inspection, InspectorScore, MonthlyProgress
from yankao.works.services.citizen import citizen_report_route, citizen_report_submit
from yankao.works.services.common import today_taipei
from yankao.works.services.inspections import inspection_plan
from yankao.works.tests.factories import record


def auth(user) -> dict:
    _token, raw = api_token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def data(tender, epb_tender, inspector):
    first = record(tender, scores=(60, 66), actor=inspector)
    record(tender, first_inspection=first, day=dt.date(2018, 7, 3), actor=inspector)
    record(epb_tender, actor=inspector)
    return first


def test_summary_of_the_year(client, data, inspector, officer):
    body = client.get("/api/v1/works/inspections/summary?year=2018", **auth(inspector)).json()
    # Two tenders under construction, each alone in its band: both must be inspected.
    assert body == {"year": 2018, "inspections": 3, "first_inspections": 2,
                    "re_inspections": 1, "legal_minimum": 2, "ratio_percent": "150.00",
                    "formula_code": "2003"}
    mine = client.get("/api/v1/works/inspections/summary?year=2018", **auth(officer)).json()
    assert (mine["inspections"], mine["re_inspections"], mine["legal_minimum"]) == (2, 1, 1)


@pytest.mark.parametrize("query", ["", "?year=abc", "?year=1800"])
def test_summary_needs_a_year(client, data, inspector, query):
    response = client.get(f"/api/v1/works/inspections/summary{query}", **auth(inspector))
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")


ENDPOINTS = ["/api/v1/works/tenders", "/api/v1/works/inspections?year=2018",
             "/api/v1/works/defects", "/api/v1/works/citizen-reports",
             "/api/v1/works/compliance?year=2018", "/api/v1/works/training?year=2018",
             "/api/v1/works/inspections/minimum?year=2018",
             "/api/v1/works/inspections/grades?year=2018",
             "/api/v1/works/citizen-reports/summary?year=2018"]


def test_role_by_endpoint_matrix(client, data, tender, epb_tender, inspector, officer,
                                 epb_officer, evaluator):
    for path in ENDPOINTS:
        assert client.get(path).status_code == 401, path
        for user in (inspector, officer, epb_officer, evaluator):
            assert client.get(path, **auth(user)).status_code == 200, (path, user.username)
    tenders = {user.username: {row["pcc_number"] for row in client.get(
        "/api/v1/works/tenders", **auth(user)).json()}
        for user in (inspector, officer, epb_officer, evaluator)}
    assert tenders == {"t_inspector": {tender.pcc_number, epb_tender.pcc_number},
                       "t_officer": {tender.pcc_number}, "t_epb": {epb_tender.pcc_number},
                       "t_evaluator": {tender.pcc_number, epb_tender.pcc_number}}
    assert client.get(f"/api/v1/works/tenders/{tender.pcc_number}",
                      **auth(epb_officer)).status_code == 404
    assert client.get(f"/api/v1/works/inspections/{data.number}",
                      **auth(epb_officer)).status_code == 404
    detail = client.get(f"/api/v1/works/inspections/{data.number}", **auth(officer)).json()
    assert detail["grade"] == "poor" and len(detail["scores"]) == 2


def _payload(tender, overrides=None):
    payload = {"tender": tender.pcc_number, "inspected_on": "2018-08-01",
               "inspectors": [{"name": "李建宏", "score": 88}, {"name": "陳國樑", "score": 91}],
               "defects": [{"code": "5.04", "description": "AC 鋪面平整度不佳",
                            "severity": "minor", "deduction_points": 1}],
               "material_tests": [{"material": "asphalt", "result": "failed"}]}
    payload.update(overrides or {})
    return payload


def test_an_inspector_records_through_the_api(client, tender, inspector):
    response = client.post("/api/v1/works/inspections", _payload(tender),
                           content_type="application/json", **auth(inspector))
    assert response.status_code == 201
    body = response.json()
    assert (body["score"], body["grade"], body["score_fixed_by_test"]) == (69, "poor", True)
    assert body["defects"][0]["deduction_amount"] == 2_000


@pytest.mark.parametrize(("overrides", "field"), [
    ({"inspectors": []}, "inspectors"),
    ({"inspectors": [{"name": "李建宏", "score": 101}]}, "inspectors.0.score"),
    ({"inspectors": [{"name": "李建宏", "score": -1}]}, "inspectors.0.score"),
    ({"defects": [{"code": "0.00", "description": "x"}]}, "defects"),
    ({"tender": "NOPE"}, "tender"),
])
def test_bad_inspections_are_problem_json_and_write_nothing(client, tender, inspector,
                                                            overrides, field):
    response = client.post("/api/v1/works/inspections", _payload(tender, overrides),
                           content_type="application/json", **auth(inspector))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"][0]["field"] == field
    assert not Inspection.objects.exists() and not InspectorScore.objects.exists()


def test_officers_cannot_record_inspections(client, tender, officer):
    response = client.post("/api/v1/works/inspections", _payload(tender),
                           content_type="application/json", **auth(officer))
    assert response.status_code == 403
    assert not Inspection.objects.exists()


def test_progress_through_the_api(client, tender, officer, epb_officer):
    path = f"/api/v1/works/tenders/{tender.pcc_number}/progress"
    body = {"month": "2018-02", "actual_percent": "12", "amount_spent": 1_000_000}
    assert client.post(path, body, content_type="application/json",
                       **auth(epb_officer)).status_code == 404
    for bad in ({"actual_percent": "101"}, {"actual_percent": "5"}, {"month": "2018-2"}):
        response = client.post(path, {**body, **bad}, content_type="application/json",
                               **auth(officer))
        assert response.status_code == 422, bad
    assert not MonthlyProgress.objects.exists()
    created = client.post(path, body, content_type="application/json", **auth(officer))
    assert created.status_code == 201
    assert created.json()["planned_percent"] == "12.00"
    assert client.get(path, **auth(officer)).json()[0]["on_time"] is False


def test_planned_inspections_and_reporters_never_reach_the_agency(client, tender, inspector,
                                                                  officer):
    day = today_taipei() + dt.timedelta(days=3)
    planned = inspection_plan(actor=inspector, tender=tender, planned_on=day)
    listed = client.get(f"/api/v1/works/inspections?year={day.year}", **auth(officer)).json()
    assert planned.number not in {row["number"] for row in listed}
    assert client.get(f"/api/v1/works/inspections/{planned.number}",
                      **auth(officer)).status_code == 404
    assert client.get(f"/api/v1/works/inspections/{planned.number}",
                      **auth(inspector)).json()["status"] == "planned"
    report = citizen_report_submit(actor=None, channel="web", subject="s", description="d",
                                   location="l", tender=tender, name="趙先生",
                                   phone="0922333444", email="chao@example.invalid")
    citizen_report_route(actor=inspector, report=report, agency=tender.agency)
    body = client.get("/api/v1/works/citizen-reports", **auth(officer)).content.decode()
    assert report.number in body
    for secret in ("趙先生", "0922333444", "chao@example.invalid"):
        assert secret not in body


def test_openapi_lists_the_works_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/works/inspections/summary" in paths
    assert "/api/v1/works/tenders/{pcc_number}/progress" in paths
