"""The role × endpoint matrix: one agency cannot read or change another agency's programs,
and a denied request changes nothing."""

import pytest

from yankao.core.models import AuditEvent, Role
from yankao.core.services.tokens import api_token_create
from yankao.core.tests.factories import member
from yankao.programs.models import Checkpoint, ProgressReport, WorkPlan
from yankao.programs.tests.conftest import linear_plan, submit
from yankao.testing.fixtures import job_download


def state():
    return (AuditEvent.objects.count(), Checkpoint.objects.count(),
            sorted(ProgressReport.objects.values_list("pk", "status", "actual_bp")),
            sorted(WorkPlan.objects.values_list("pk", "status")))


@pytest.fixture
def world(make_program, officer):
    """A 養工處 program with a submitted January report and a submitted plan revision."""
    from yankao.programs import services

    program = make_program("PWB-1")
    report = submit(program, 1, "8.33", actor=officer)
    revision = services.work_plan_revise(actor=officer, program=program,
                                         months=linear_plan(program.budget), reason="調整")
    services.work_plan_submit(actor=officer, plan=revision)
    return program, report, revision


def requests_for(program, report, revision):
    """(name, method, path, data, is_api)."""
    month_2 = {"actual_pct": "16.67", "budget_executed": "2000000", "narrative": "x"}
    return [
        ("program page", "get", f"/staff/programs/{program.pk}/", None, False),
        ("plan page", "get", f"/staff/programs/{program.pk}/plan/", None, False),
        ("report form", "get", f"/staff/programs/{program.pk}/report/2/", None, False),
        ("report page", "get", f"/staff/programs/reports/{report.pk}/", None, False),
        ("submit report", "post", f"/staff/programs/{program.pk}/report/2/", month_2, False),
        ("review report", "post", f"/staff/programs/reports/{report.pk}/",
         {"decision": "return", "comment": "退回"}, False),
        ("decide plan", "post", f"/staff/programs/plans/{revision.pk}/decide/",
         {"decision": "approve"}, False),
        ("add checkpoint", "post", f"/staff/programs/{program.pk}/checkpoints/",
         {"title": "x", "due_on": "2018-05-01"}, False),
        ("api program", "get", f"/api/v1/programs/{program.pk}", None, True),
        ("api reports", "get", f"/api/v1/programs/{program.pk}/reports", None, True),
        ("api report", "get", f"/api/v1/programs/reports/{report.pk}", None, True),
        ("api submit", "post", f"/api/v1/programs/{program.pk}/reports",
         {"month": 2, **month_2}, True),
        ("api decision", "post", f"/api/v1/programs/reports/{report.pk}/decision",
         {"decision": "return", "comment": "退回"}, True),
    ]


# For each role: the status every request gets. 404 hides another agency's records;
# 403 refuses a role that may read but not do this; 302 sends a stranger to sign in.
NAMES = ["program page", "plan page", "report form", "report page", "submit report",
         "review report", "decide plan", "add checkpoint", "api program", "api reports",
         "api report", "api submit", "api decision"]
READS = ["program page", "plan page", "report form", "report page", "api program",
         "api reports", "api report"]
MATRIX = {
    "epb_officer": dict.fromkeys(NAMES, 404),
    "epb_chief": dict.fromkeys(NAMES, 404),
    "operator": dict.fromkeys(NAMES, 404),
    "anonymous": {**dict.fromkeys(NAMES, 302),
                  **dict.fromkeys(["api program", "api reports", "api report", "api submit",
                                   "api decision"], 401)},
    "chief": {**dict.fromkeys(READS, 200), "submit report": 403, "api submit": 403,
              "decide plan": 302, "add checkpoint": 302},
    "evaluator": {**dict.fromkeys(READS, 200), "submit report": 403, "api submit": 403,
                  "review report": 403, "api decision": 403},
    "officer": {**dict.fromkeys(READS, 200), "review report": 403, "api decision": 403,
                "decide plan": 302},
}


def _user(role, city, officer, chief, evaluator, epb_officer, epb_chief):
    return {"officer": officer, "chief": chief, "evaluator": evaluator,
            "epb_officer": epb_officer, "epb_chief": epb_chief,
            "operator": member(Role.OPERATOR, city["rdec"], "p_operator") if role == "operator"
            else None, "anonymous": None}[role]


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_role_endpoint_matrix(client, world, role, city, officer, chief, evaluator, epb_officer,
                              epb_chief):
    program, report, revision = world
    user = _user(role, city, officer, chief, evaluator, epb_officer, epb_chief)
    headers = {}
    if user is not None:
        client.force_login(user)
        _token, raw = api_token_create(actor=user, user=user, name="matrix")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    expected = MATRIX[role]
    assert [name for name, *_ in requests_for(program, report, revision)] == NAMES
    for name, method, path, data, is_api in requests_for(program, report, revision):
        if name not in expected:
            continue
        before = state()
        if method == "get":
            response = client.get(path, **headers)
        elif is_api:
            response = client.post(path, data, content_type="application/json", **headers)
        else:
            response = client.post(path, data, **headers)
        assert response.status_code == expected[name], (role, name, response.content[:300])
        if expected[name] != 200 or method == "post":
            # A refused write leaves no trace; the plan decisions above redirect with an
            # error message and change nothing either.
            assert state() == before, (role, name)


def test_lists_and_figures_show_only_the_actors_agencies(client, world, make_program,
                                                          epb_officer, run_jobs):
    make_program("EPB-1", agency_code="environmental-protection")
    client.force_login(epb_officer)
    page = client.get("/staff/programs/?year=2018").content.decode()
    assert "EPB-1" in page and "PWB-1" not in page
    body = client.get("/api/v1/programs?year=2018").json()
    assert [p["code"] for p in body["items"]] == ["EPB-1"]
    analysis = client.get("/api/v1/programs/analysis?year=2018&month=1").json()
    assert (analysis["total"], analysis["reported"]) == (1, 0)
    with run_jobs():
        response = client.post("/staff/programs/export/progress.csv", {"year": 2018})
    export = job_download(client, response).decode("utf-8-sig")
    assert "PWB-1" not in export
