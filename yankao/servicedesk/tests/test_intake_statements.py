"""A lean intake (issue #17, item 4): an Open311 POST and the staff intake each write a
case in at most 12 SQL statements, counted here, with nothing weakened: the case is
committed, audited, routed with its assignment, and its reporter is in the vault.

The first intake of a test loads the policy tree (categories and rules, kept in the
process); the counted one is the next, as every intake after a worker's first."""

import re

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yankao.core.models import AuditEvent, Notification, PersonalContact
from yankao.core.services.vault import personal_contact_reveal
from yankao.servicedesk import services
from yankao.servicedesk.models import Assignment, Case, CaseStatus, CaseUpdate, Channel
from yankao.servicedesk.tests.conftest import LINGYA
from yankao.servicedesk.tests.test_open311 import BASE, post_body
from yankao.servicedesk.tests.test_services import by_name

MAX_STATEMENTS = 12
REPORTER = {"reporter_name": "計數測試員", "reporter_phone": "0911-222-333",
            "reporter_email": "count.check@example.org"}


def staff_intake(catalogue, people) -> dict:
    """The arguments of ``case_register`` for a routed pothole report with a reporter."""
    return {"actor": people["operator"], "category": by_name(catalogue, "路面坑洞(一)"),
            "description": "坑洞", "channel": Channel.PHONE, "latitude": LINGYA[0],
            "longitude": LINGYA[1], **REPORTER}


def counted(label: str, context: CaptureQueriesContext) -> int:
    statements = len(context.captured_queries)
    print(f"\n{label}: {statements} SQL statements")
    for query in context.captured_queries:
        print("  ", query["sql"][:110])
    return statements


def assert_complete(case: Case, *, email: str, officer) -> None:
    """Committed, audited, routed with its assignment, the reporter in the vault."""
    stored = Case.objects.select_related("agency").get(pk=case.pk)
    assert stored.status == CaseStatus.ASSIGNED and stored.agency is not None
    assert stored.due_at is not None and stored.dispatched_at == stored.registered_at
    assignment = Assignment.objects.get(case=stored)
    assert assignment.agency_id == stored.agency_id and assignment.is_lead
    assert assignment.due_at == stored.due_at
    actions = list(AuditEvent.objects.filter(object_id=str(stored.pk),
                                             object_type__model="case")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["case.register", "case.assign"]
    assert AuditEvent.objects.filter(action="personal_contact.store",
                                     object_id=str(stored.contact_id)).count() == 1
    contact = PersonalContact.objects.get(pk=stored.contact_id)
    assert contact.owner_id == str(stored.pk)
    # Sealed in the database, readable only through the vault by the handling agency.
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM core_personalcontact WHERE id = %s", [contact.pk])
        assert email not in cursor.fetchone()[0]
    revealed = personal_contact_reveal(actor=officer, contact=contact,
                                       handling_agencies=[stored.agency])
    assert revealed.email == email
    assert list(CaseUpdate.objects.filter(case=stored).order_by("id")
                .values_list("kind", flat=True)) == ["received", "assigned"]


@pytest.mark.django_db
def test_open311_post_in_at_most_twelve_statements(client, pothole, api_key, people,
                                                    django_capture_on_commit_callbacks):
    assert client.post(f"{BASE}/requests.json",
                       post_body(pothole, api_key=api_key)).status_code == 200
    # The jobs queued on commit run when the outer block ends, after the count.
    with (django_capture_on_commit_callbacks(execute=True) as jobs,
          CaptureQueriesContext(connection) as context):
        response = client.post(f"{BASE}/requests.json",
                               post_body(pothole, api_key=api_key, token="count-1"))
    assert response.status_code == 200, response.content
    statements = counted("Open311 POST", context)
    assert statements <= MAX_STATEMENTS
    # The contact goes in before the case, whose INSERT carries the pointer: the new case
    # is never updated (an UPDATE would write every index of the case table again).
    assert not [q for q in context.captured_queries
                if q["sql"].startswith('UPDATE "servicedesk_case"')]
    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    assert_complete(case, email="leak.check@example.org", officer=people["officer"])
    # After the commit the jobs are queued (they run inline in tests): the reporter's
    # acknowledgement and the agency's notice.
    assert jobs
    assert Notification.objects.filter(recipient="leak.check@example.org",
                                       object_id=str(case.pk)).exists()


@pytest.mark.django_db
def test_staff_intake_in_at_most_twelve_statements(client, catalogue, people):
    pothole = by_name(catalogue, "路面坑洞(一)")
    operator = people["operator"]
    arguments = {"actor": operator, "category": pothole, "description": "機車道坑洞",
                 "channel": Channel.PHONE, "latitude": LINGYA[0], "longitude": LINGYA[1],
                 "with_password": True, **REPORTER}
    services.case_register(submission_key="warm", **arguments)
    with CaptureQueriesContext(connection) as context:
        case, password = services.case_register(submission_key="count-2", **arguments)
    statements = counted("staff intake (case_register)", context)
    assert statements <= MAX_STATEMENTS and password
    assert_complete(case, email=REPORTER["reporter_email"], officer=people["officer"])

    # The whole page (sign-in, role, the call's own record, the fresh form) for the record.
    client.force_login(operator)
    page = client.get(reverse("servicedesk:intake")).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page).group(1)
    with CaptureQueriesContext(connection) as whole:
        response = client.post(reverse("servicedesk:intake"), {
            "category": f"{pothole.code} {pothole.name_zh}", "latitude": LINGYA[0],
            "longitude": LINGYA[1], "description": "機車道坑洞", "channel": Channel.PHONE,
            "duration_seconds": "95", "reporter_name": REPORTER["reporter_name"],
            "reporter_email": REPORTER["reporter_email"], "submission_key": key})
    assert response.status_code == 200
    counted("staff intake page POST (with the call record and the page)", whole)
    assert Case.objects.filter(submission_key=key).count() == 1


@pytest.mark.django_db(transaction=True)
def test_intake_is_committed_and_a_resent_token_finds_the_first_case(client, pothole,
                                                                     api_key):
    """Outside a test transaction: the case is visible from another connection when the
    POST answers, and the same token sent again meets the unique constraint, rolls back
    and answers with the first case (no probe before the INSERT)."""
    body = post_body(pothole, api_key=api_key, token="durable-1")
    first = client.post(f"{BASE}/requests.json", body).json()[0]["service_request_id"]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT status FROM servicedesk_case WHERE number = %s", [first])
            assert cursor.fetchone() == ("assigned",)
    finally:
        other.close()
    again = client.post(f"{BASE}/requests.json", body).json()[0]["service_request_id"]
    assert again == first
    assert Case.objects.count() == 1 and PersonalContact.objects.count() == 1
    assert AuditEvent.objects.filter(action="case.register").count() == 1


@pytest.mark.django_db
def test_a_taken_case_number_is_drawn_again(catalogue, people, monkeypatch):
    """Numbers are random: a clash is met by the unique constraint, the intake's writes
    are rolled back and it runs again with a new number."""
    from yankao.servicedesk.services import cases as case_services

    arguments = staff_intake(catalogue, people)
    numbers = iter(["20261203-000001", "20261203-000001", "20261203-000002"])
    monkeypatch.setattr(case_services, "new_case_number", lambda moment: next(numbers))
    first, _ = services.case_register(**arguments)
    second, _ = services.case_register(**arguments)
    assert (first.number, second.number) == ("20261203-000001", "20261203-000002")
    assert PersonalContact.objects.count() == 2
    assert AuditEvent.objects.filter(action="case.register").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_clash_outside_any_other_transaction_is_drawn_again(catalogue, people, monkeypatch):
    """The same, when the intake's transaction is the connection's own (as in a request):
    on PostgreSQL the clash is met by the intake's one INSERT statement, and everything
    sent with it is rolled back."""
    from yankao.servicedesk.services import cases as case_services

    arguments = staff_intake(catalogue, people)
    numbers = iter(["20261203-000001", "20261203-000001", "20261203-000001",
                    "20261203-000002"])
    monkeypatch.setattr(case_services, "new_case_number", lambda moment: next(numbers))
    first, _ = services.case_register(**arguments)
    second, _ = services.case_register(**arguments)
    assert (first.number, second.number) == ("20261203-000001", "20261203-000002")
    assert Case.objects.count() == 2 and PersonalContact.objects.count() == 2
    assert Assignment.objects.count() == 2 and CaseUpdate.objects.count() == 4
    assert AuditEvent.objects.filter(action="case.register").count() == 2
    assert set(PersonalContact.objects.values_list("owner_id", flat=True)) == {
        str(first.pk), str(second.pk)}


@pytest.mark.django_db
def test_when_every_number_drawn_is_taken_the_intake_says_so_and_writes_nothing(
        catalogue, people, monkeypatch):
    from yankao.core.errors import DomainError, ErrorCode
    from yankao.servicedesk.services import cases as case_services

    arguments = staff_intake(catalogue, people)
    monkeypatch.setattr(case_services, "new_case_number", lambda moment: "20261203-000001")
    services.case_register(**arguments)
    drawn = []
    monkeypatch.setattr(case_services, "new_case_number",
                        lambda moment: drawn.append(1) or "20261203-000001")
    with pytest.raises(DomainError) as refused:
        services.case_register(**arguments)
    assert refused.value.code == ErrorCode.CONFLICT
    assert len(drawn) == case_services.NUMBER_ATTEMPTS
    assert Case.objects.count() == 1 and PersonalContact.objects.count() == 1
    assert AuditEvent.objects.filter(action="case.register").count() == 1


@pytest.mark.django_db
def test_the_intake_inserts_are_prepared_on_postgresql(client, pothole, api_key):
    """Decision 0132: the intake's INSERTs are bound on the server and prepared after five
    executions on a connection, so PostgreSQL neither parses nor plans them again (Django
    turns psycopg's preparing off unless the settings ask for it: config.py does)."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for n in range(7):
        assert client.post(f"{BASE}/requests.json", post_body(
            pothole, api_key=api_key, token=f"prepared-{n}")).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    # The intake's INSERTs are one statement (decision 0151), prepared like any other.
    intake = [s for s in prepared if s.startswith("WITH s0 AS (INSERT INTO")]
    assert len(intake) == 1, prepared
    for table in ("servicedesk_case", "core_personalcontact", "servicedesk_subscription",
                  "servicedesk_assignment", "servicedesk_caseupdate", "core_auditevent"):
        assert f'INSERT INTO "{table}"' in intake[0], table
