"""/api/v1/programs: the analysis figures, reports and their review, problem JSON."""

import pytest

from yankao.core.services.tokens import api_token_create
from yankao.programs.models import ProgressReport
from yankao.programs.tests.conftest import submit


def bearer(user):
    _token, raw = api_token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def programs(make_program):
    return [make_program(code) for code in ("A", "B", "C")]


def test_analysis_counts_each_class_and_the_total(client, programs, evaluator):
    submit(programs[0], 12, "100", actor=None)
    submit(programs[1], 12, "92", actor=None, delay_reason="x")
    response = client.get("/api/v1/programs/analysis?year=2018&month=12", **bearer(evaluator))
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("total", "on_track", "behind", "severely_behind",
                                 "behind_total", "not_reported")} == {
        "total": 3, "on_track": 1, "behind": 1, "severely_behind": 0, "behind_total": 1,
        "not_reported": 1}
    assert body["classes"][0] == {"code": "on_track", "count": 1, "share_pct": 33.33,
                                  "label": "On schedule or less than 5 points behind"}
    assert (body["minor_points"], body["severe_points"]) == (5.0, 10.0)


@pytest.mark.parametrize("query", ["year=2018&month=13", "year=2018", "month=12",
                                   "year=x&month=1"])
def test_analysis_refuses_bad_periods_with_problem_json(client, evaluator, query):
    response = client.get(f"/api/v1/programs/analysis?{query}", **bearer(evaluator))
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "invalid"


def test_submit_review_and_approve_over_the_api(client, programs, officer, chief, evaluator):
    program = programs[0]
    url = f"/api/v1/programs/{program.pk}/reports"
    payload = {"month": 1, "actual_pct": "8.33", "budget_executed": 1_000_000,
               "narrative": "完成規劃設計"}
    created = client.post(url, payload, content_type="application/json", **bearer(officer))
    assert created.status_code == 201, created.content
    report_id = created.json()["id"]
    assert created.json()["status"] == "submitted" and created.json()["planned_pct"] == 8.33
    duplicate = client.post(url, payload, content_type="application/json", **bearer(officer))
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "conflict"
    bad = client.post(url, {**payload, "month": 2, "actual_pct": "120"},
                      content_type="application/json", **bearer(officer))
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "actual_pct",
                                     "message": "A percentage must be between 0 and 100, "
                                                "not 120."}]
    decision = f"/api/v1/programs/reports/{report_id}/decision"
    assert client.post(decision, {"decision": "approve"}, content_type="application/json",
                       **bearer(chief)).json()["status"] == "unit_approved"
    queue = client.get("/api/v1/programs/reports/queue", **bearer(evaluator)).json()
    assert [r["id"] for r in queue] == [report_id]
    returned = client.post(decision, {"decision": "return"}, content_type="application/json",
                           **bearer(evaluator))
    assert returned.status_code == 422 and returned.json()["errors"][0]["field"] == "comment"
    approved = client.post(decision, {"decision": "approve", "comment": "同意"},
                           content_type="application/json", **bearer(evaluator))
    assert approved.json()["status"] == "approved"
    detail = client.get(f"/api/v1/programs/{program.pk}", **bearer(officer)).json()
    assert detail["curve"][0] == {"month": 1, "planned_pct": 8.33, "actual_pct": 8.33,
                                  "delay_points": 0.0}
    assert detail["agency_code"] == "pwb-maintenance" and detail["plan_status"] == "approved"


def test_a_report_for_an_unapproved_plan_is_a_conflict(client, make_program, officer):
    program = make_program("X", approve=False)
    response = client.post(f"/api/v1/programs/{program.pk}/reports",
                           {"month": 1, "actual_pct": 5, "budget_executed": 0,
                            "narrative": "x"}, content_type="application/json",
                           **bearer(officer))
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    assert not ProgressReport.objects.exists()


def test_figures_endpoints(client, programs, evaluator):
    headers = bearer(evaluator)
    for path in ["/api/v1/programs/analysis/agencies?year=2018&month=12",
                 "/api/v1/programs/analysis/trend?year=2018",
                 "/api/v1/programs/analysis/risks?year=2018&quarter=4",
                 "/api/v1/programs/evaluations/grades?year=2017",
                 "/api/v1/programs/kpis/achievement?year=2017",
                 "/api/v1/programs/kpis/achievement/agencies?year=2017",
                 "/api/v1/programs/kpis?year=2017",
                 "/api/v1/programs/subsidies/summary?year=2018",
                 "/api/v1/programs/recommendations/summary?topic=road-safety",
                 "/api/v1/programs/council-resolutions/counts",
                 "/api/v1/programs/documents/agencies?year=2018&month=12",
                 "/api/v1/programs?year=2018"]:
        assert client.get(path, **headers).status_code == 200, path
    trend = client.get("/api/v1/programs/analysis/trend?year=2018", **headers).json()
    assert len(trend) == 12 and all(m["not_reported"] == 3 for m in trend)
    assert client.get("/api/v1/programs/budget-pre-reviews/2019", **headers).status_code == 404
    assert client.get("/api/v1/programs?year=2018", **headers).json()["count"] == 3


def test_the_openapi_document_lists_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/programs/analysis", "/api/v1/programs/{program_id}/reports",
                 "/api/v1/programs/reports/{report_id}/decision"):
        assert path in paths
    parameters = {p["name"] for p in paths["/api/v1/programs/analysis"]["get"]["parameters"]}
    assert {"year", "month"} <= parameters


def test_anonymous_callers_are_refused(client, programs):
    response = client.get("/api/v1/programs/analysis?year=2018&month=12")
    assert response.status_code == 401
