"""The service desk's complete permission matrix (issue #11): every role against every
write, page and /api/v1 endpoint. A write the role may make changes the case; a refused
one changes nothing at all — no case, assignment, extension, survey, contact or audit
event differs afterwards.

Roles: 養工處 (pwb-maintenance) handles the dispatch case; its officer and section chief
act on it, and so does 工務局's officer (pwb_officer), whose agency is above it. 環保局's
officer and chief (epb, epb_chief) belong to another agency; the evaluator reads every
case and writes none; the administrator runs the system, not the cases."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from yankao.core.models import AuditEvent, PersonalContact
from yankao.core.services.tokens import api_token_create
from yankao.servicedesk import services
from yankao.servicedesk.models import (
    Assignment,
    Case,
    Extension,
    FilingGround,
    Survey,
)
from yankao.servicedesk.tests.test_services import dispatch, petition

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "operator", "registrar", "evaluator", "officer", "chief",
         "pwb_officer", "epb", "epb_chief", "admin"]
HANDLERS = {"officer", "chief", "pwb_officer"}
READERS = {"operator", "registrar", "evaluator", *HANDLERS}  # of the 養工處 case
# A case not yet assigned to 養工處 is known to the desk and evaluators only.
DESK = {"operator", "registrar", "evaluator"}


def snapshot() -> dict:
    """Everything a service-desk write can change."""
    return {
        "cases": list(Case.objects.order_by("id").values()),
        "assignments": list(Assignment.objects.order_by("id").values()),
        "extensions": list(Extension.objects.order_by("id").values()),
        "surveys": list(Survey.objects.order_by("id").values()),
        "contacts": PersonalContact.objects.count(),
        "audit": list(AuditEvent.objects.order_by("id").values_list("id", "action")),
    }


def _assignment(case) -> Assignment:
    return case.assignments.order_by("id").last()


def setup_assign(catalogue, people, city):
    case = petition(catalogue, people)
    return case, "assign", {"assign-agencies": [city["environmental-protection"].pk]}


def setup_accept(catalogue, people, city):
    case = dispatch(catalogue, people)
    return case, "accept", {"assignment": _assignment(case).pk}


def setup_reply(catalogue, people, city):
    case = dispatch(catalogue, people)
    services.assignment_accept(actor=people["officer"], assignment=_assignment(case))
    return case, "reply", {"assignment": _assignment(case).pk, "reply-reply": "坑洞已填補"}


def setup_supplement(catalogue, people, city):
    case = dispatch(catalogue, people)
    return case, "supplement", {"assignment": _assignment(case).pk,
                                "sup-request_text": "請補充坑洞的確切位置"}


def _petition_at_pwb(catalogue, people, city):
    case = petition(catalogue, people)
    services.case_assign(actor=people["registrar"], case=case,
                         agencies=[city["pwb-maintenance"]])
    services.assignment_accept(actor=people["officer"], assignment=_assignment(case))
    return case


def setup_extension(catalogue, people, city):
    case = _petition_at_pwb(catalogue, people, city)
    later = timezone.localtime(_assignment(case).due_at + dt.timedelta(days=10))
    return case, "extension", {"assignment": _assignment(case).pk,
                               "ext-new_due_at": later.strftime("%Y-%m-%dT%H:%M"),
                               "ext-reason": "需會勘", "ext-notice": "將延長處理期限"}


def setup_decide(catalogue, people, city):
    case = _petition_at_pwb(catalogue, people, city)
    extension = services.extension_request(
        actor=people["officer"], assignment=_assignment(case), reason="需會勘",
        notice="將延長處理期限", new_due_at=_assignment(case).due_at + dt.timedelta(days=10))
    return case, "decide", {"extension": extension.pk, "approve": "1"}


def setup_transfer(catalogue, people, city):
    case = dispatch(catalogue, people)
    return case, "transfer", {"assignment": _assignment(case).pk,
                              "tr-to_agency": city["environmental-protection"].pk,
                              "tr-notice": "本案移由環保局處理"}


def setup_merge(catalogue, people, city):
    first = dispatch(catalogue, people)
    second = dispatch(catalogue, people, description="同一個坑洞，再次通報")
    return second, "merge", {"merge-into": first.number, "merge-reason": "重複通報"}


def setup_file(catalogue, people, city):
    case = petition(catalogue, people)
    return case, "file", {"file-ground": FilingGround.values[0], "file-note": "重複陳情"}


def setup_downgrade(catalogue, people, city):
    case = dispatch(catalogue, people)
    return case, "downgrade", {"down-reason": "非立即危險"}


def setup_close(catalogue, people, city):
    case, _action, _data = setup_reply(catalogue, people, city)
    services.assignment_reply(actor=people["officer"], assignment=_assignment(case),
                              reply="坑洞已填補")
    return case, "close", {"close-note": "已完成"}


WRITES = {
    "assign": (setup_assign, {"registrar"}),
    "accept": (setup_accept, HANDLERS),
    "reply": (setup_reply, HANDLERS),
    "supplement": (setup_supplement, HANDLERS),
    "extension": (setup_extension, HANDLERS),
    "decide": (setup_decide, {"chief"}),  # a chief of 養工處, not the officer who asked
    "transfer": (setup_transfer, {"registrar", *HANDLERS}),
    "merge": (setup_merge, {"registrar"}),
    "file": (setup_file, {"registrar"}),
    "downgrade": (setup_downgrade, {"registrar", *HANDLERS}),
    "close": (setup_close, {"registrar", *HANDLERS}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_role_against_every_write(client, catalogue, people, city, role, write):
    setup, allowed = WRITES[write]
    case, action, data = setup(catalogue, people, city)
    if role != "anonymous":
        client.force_login(people[role])
    before = snapshot()
    response = client.post(reverse("servicedesk:case-action", args=[case.number, action]),
                           data)
    after = snapshot()
    if role in allowed:
        assert response.status_code == 302, (role, write, response.content[:600])
        assert after != before, f"{role} may {write} but nothing changed"
        assert len(after["audit"]) > len(before["audit"]), f"{write} left no audit event"
    else:
        assert after == before, f"{role} was refused {write} yet something changed"
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif role in (READERS if Assignment.objects.filter(
                case=case, agency__code="pwb-maintenance").exists() else DESK):
            assert response.status_code == 302  # back to the case, with the refusal
            follow = client.get(response["Location"]).content.decode()
            assert 'class="message message--error"' in follow, (role, write)
        else:
            assert response.status_code == 404  # the case is not theirs to know of


PAGES = {
    "home": ("servicedesk:home", (), set(ROLES) - {"anonymous"}),
    "intake": ("servicedesk:intake", (), {"operator", "registrar", "evaluator"}),
    "routing": ("servicedesk:routing", (), {"registrar", "evaluator"}),
    "inbox": ("servicedesk:inbox", (), set(ROLES) - {"anonymous"}),
    "statistics": ("servicedesk:statistics", (), set(ROLES) - {"anonymous"}),
    "open311 applications": ("servicedesk:open311-clients", (), {"admin"}),
    "case": ("servicedesk:case", ("CASE",), READERS),
}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_page(client, catalogue, people, role):
    case = dispatch(catalogue, people)
    if role != "anonymous":
        client.force_login(people[role])
    before = snapshot()
    for page, (name, args, allowed) in PAGES.items():
        url = reverse(name, args=[case.number if a == "CASE" else a for a in args])
        status = client.get(url).status_code
        if role == "anonymous":
            assert status == 302, (page, status)
        elif role in allowed:
            assert status == 200, (role, page, status)
        else:
            assert status in (403, 404), (role, page, status)
    assert snapshot() == before  # reading changes nothing


@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_endpoint(client, catalogue, people, role):
    case = dispatch(catalogue, people)
    headers = {}
    if role != "anonymous":
        _token, raw = api_token_create(actor=people[role], user=people[role], name="matrix")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    before_cases = list(Case.objects.order_by("id").values())
    listing = client.get("/api/v1/servicedesk/cases", **headers)
    detail = client.get(f"/api/v1/servicedesk/cases/{case.number}", **headers)
    statistics = client.get("/api/v1/servicedesk/statistics", {"year": 2025}, **headers)
    if role == "anonymous":
        assert {listing.status_code, detail.status_code, statistics.status_code} == {401}
        return
    numbers = [item["number"] for item in listing.json()["items"]]
    assert (case.number in numbers) == (role in READERS), role
    assert detail.status_code == (200 if role in READERS else 404), role
    assert statistics.status_code == 200
    assert list(Case.objects.order_by("id").values()) == before_cases
