"""Role × endpoint matrix for the service desk's writes: who may, and that a refusal
changes nothing."""

import pytest
from django.urls import reverse

from yankao.core.models import AuditEvent
from yankao.servicedesk.models import Call, Case, CaseStatus
from yankao.servicedesk.tests.test_services import by_name, dispatch, petition

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "operator", "registrar", "evaluator", "officer", "chief",
         "pwb_officer", "epb", "admin"]
# Who may do what (養工處's officer and chief handle the dispatch case; 工務局's officer
# supervises 養工處, so the agency rules cover it; only 養工處 itself reads the reporter).
ALLOWED = {
    "intake": {"operator", "registrar"},
    "route": {"registrar"},
    "reply": {"officer", "chief", "pwb_officer"},
    "reveal": {"officer", "chief"},
    "call": {"operator", "registrar"},
}


def client_for(client, people, role):
    if role != "anonymous":
        client.force_login(people[role])
    return client


def snapshot():
    return (list(Case.objects.order_by("id").values_list("number", "status", "agency_id")),
            Call.objects.count(),
            AuditEvent.objects.filter(action="personal_contact.reveal").count())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_role_matrix(client, catalogue, people, role, action):
    case = dispatch(catalogue, people)
    queued = petition(catalogue, people)
    web = client_for(client, people, role)
    before = snapshot()
    pothole = by_name(catalogue, "路面坑洞(一)")
    if action == "intake":
        response = web.post(reverse("servicedesk:intake"), {
            "category": f"{pothole.code} x", "latitude": "22.6218", "longitude": "120.312",
            "description": "坑洞", "channel": "phone", "submission_key": f"m-{role}"})
    elif action == "route":
        response = web.post(reverse("servicedesk:routing"), {"cases": [queued.number]})
    elif action == "reply":
        response = web.post(reverse("servicedesk:case-action", args=[case.number, "reply"]),
                            {"assignment": case.assignments.get().pk,
                             "reply-reply": "已處理"})
    elif action == "reveal":
        response = web.post(reverse("servicedesk:reporter", args=[case.number]))
    else:
        response = web.post(reverse("servicedesk:call-create"), {
            "call-outcome": "consultation", "call-duration_seconds": "60"})
    after = snapshot()
    if role in ALLOWED[action]:
        assert after != before, f"{role} should be able to {action}"
    else:
        assert after == before, f"{role} changed something with {action}"
        assert response.status_code in (302, 403, 404, 422), response.status_code
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    queued.refresh_from_db()
    assert queued.status in (CaseStatus.REGISTERED, CaseStatus.ASSIGNED)
