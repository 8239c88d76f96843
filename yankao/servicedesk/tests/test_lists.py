"""Lists that do not grow (issue #17, item 3): the Open311 list and the staff lists go
page by page on their own keys (no OFFSET); walking the pages while cases arrive shows
every case once, and the default Open311 list reads the case table through its index."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yankao.servicedesk.models import Assignment, Case
from yankao.servicedesk.selectors import cases as case_selectors
from yankao.servicedesk.tests.test_open311 import BASE
from yankao.servicedesk.tests.test_services import dispatch, petition

pytestmark = pytest.mark.django_db

NEXT_LINK = re.compile(r'<([^>]+)>; rel="next"')


def walk_open311(client, first_url: str, between) -> list[str]:
    """Every request id of every page, following the Link header; ``between`` runs after
    each page (new cases arriving)."""
    seen, url = [], first_url
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        seen += [item["service_request_id"] for item in response.json()]
        between()
        link = NEXT_LINK.match(response.get("Link", ""))
        url = link.group(1) if link else None
    return seen


def test_open311_pages_follow_the_cursor_while_cases_arrive(client, catalogue, people):
    moment = timezone.now() - dt.timedelta(hours=2)
    # Three cases at the same moment: the id decides their order.
    existing = [dispatch(catalogue, people, registered_at=moment) for _ in range(3)]
    existing += [dispatch(catalogue, people, registered_at=moment - dt.timedelta(minutes=m))
                 for m in range(1, 5)]
    arrived = []

    def a_case_arrives():
        arrived.append(dispatch(catalogue, people))

    seen = walk_open311(client, f"{BASE}/requests.json?page_size=2", a_case_arrives)
    assert len(seen) == len(set(seen))  # nothing twice
    assert set(seen) == {case.number for case in existing}  # nothing missed
    newest_first = sorted(existing, key=lambda case: (case.registered_at, case.pk),
                          reverse=True)
    assert seen == [case.number for case in newest_first]
    # Cases that arrived during the walk are on the first page of the next walk.
    again = client.get(f"{BASE}/requests.json?page_size=2").json()
    assert [item["service_request_id"] for item in again] == \
        [case.number for case in reversed(arrived[-2:])]


def test_open311_page_parameters_still_work_and_bad_cursors_are_refused(client, catalogue,
                                                                       people):
    cases = [dispatch(catalogue, people) for _ in range(3)]
    newest = sorted(cases, key=lambda case: (case.registered_at, case.pk), reverse=True)
    second = client.get(f"{BASE}/requests.json", {"page_size": 1, "page": 2})
    assert [item["service_request_id"] for item in second.json()] == [newest[1].number]
    assert "cursor=" in second["Link"]
    deep = client.get(f"{BASE}/requests.xml", {"page_size": 1000, "page": 11})
    assert deep.status_code == 400 and b"cursor" in deep.content
    for bad in ("nonsense", "WyJ4Il0", "W251bGwsMV0"):  # not base64 JSON; ["x"]; [null,1]
        refused = client.get(f"{BASE}/requests.json", {"cursor": bad})
        assert refused.status_code == 400 and refused.json()[0]["code"] == 400


def test_the_default_open311_list_reads_the_case_index(client, catalogue, people):
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    dispatch(catalogue, people)
    with CaptureQueriesContext(connection) as context:
        assert client.get(f"{BASE}/requests.json").status_code == 200
    listing = next(query["sql"] for query in context.captured_queries
                   if 'FROM "servicedesk_case"' in query["sql"])
    with connection.cursor() as cursor:
        # A test table is tiny, so a scan would win; without scans the planner shows which
        # index serves the query (at a million cases it picks it anyway: docs/performance.md).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {listing}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(plan)
    assert "Seq Scan on servicedesk_case" not in plan
    assert "sd_case_registered_id_idx" in plan
    assert "Sort" not in plan.split("servicedesk_case")[0]  # the index gives the order


def walk_staff(client, url: str, pattern: re.Pattern, between) -> list[str]:
    seen = []
    while url:
        page = client.get(url).content.decode()
        seen += pattern.findall(page)
        between()
        link = re.search(r'href="\?([^"]*after=[^"]+)" rel="next"', page)
        url = f"{url.split('?')[0]}?{link.group(1).replace('&amp;', '&')}" if link else None
    return seen


def test_the_inbox_walks_every_assignment_once_while_cases_arrive(client, catalogue, people,
                                                                   monkeypatch):
    monkeypatch.setattr(case_selectors, "STAFF_PAGE_SIZE", 2)
    before = [dispatch(catalogue, people) for _ in range(5)]
    client.force_login(people["officer"])
    arrived = []
    rows = re.compile(r'name="assignments" value="(\d+)"')
    seen = walk_staff(client, reverse("servicedesk:inbox"), rows,
                      lambda: arrived.append(dispatch(catalogue, people)))
    assert len(seen) == len(set(seen))
    expected = {str(case.assignments.get().pk) for case in before}
    assert expected <= set(seen)
    # Arrivals are due later, so the walk meets those that came before it ended.
    assert set(seen) - expected <= {str(case.assignments.get().pk) for case in arrived}


def test_the_routing_queue_walks_every_case_once_while_cases_arrive(client, catalogue,
                                                                     people, monkeypatch):
    monkeypatch.setattr(case_selectors, "STAFF_PAGE_SIZE", 2)
    before = [petition(catalogue, people) for _ in range(5)]
    client.force_login(people["registrar"])
    rows = re.compile(r'name="cases" value="([0-9-]+)"')
    seen = walk_staff(client, reverse("servicedesk:routing"), rows,
                      lambda: petition(catalogue, people))
    assert len(seen) == len(set(seen))
    assert {case.number for case in before} <= set(seen)
    assert seen[:5] == [case.number for case in sorted(
        before, key=lambda case: (case.registered_at, case.pk))]
    # A cursor from elsewhere gives the first page, not an error.
    assert client.get(reverse("servicedesk:routing"), {"after": "junk"}).status_code == 200
    assert Case.objects.filter(status="registered").count() == len(seen) + 1  # the last came after


def test_due_soon_is_each_kinds_window_whatever_the_bound(catalogue, people):
    # The "due soon" filter (and the header's to-do count) bounds the due time by the widest
    # window before it joins the cases for their kind: the rows are still each kind's own.
    now = timezone.now()
    windows = case_selectors.remind_windows()
    assert windows["dispatch"] < windows["petition"]
    expected = set()
    for kind in ("dispatch", "petition"):
        for hours in (-2, 0, 0.5, 2, 20, 24, 30):
            case = dispatch(catalogue, people)
            Case.objects.filter(pk=case.pk).update(kind=kind)
            due = now + dt.timedelta(hours=hours)
            assignment = case.assignments.get()
            Assignment.objects.filter(pk=assignment.pk).update(due_at=due)
            if now <= due <= now + windows[kind]:
                expected.add(assignment.pk)
    officer = people["officer"]
    soon = case_selectors.InboxFilters(status="due_soon")
    assert {row.pk for row in case_selectors.inbox(actor=officer, filters=soon, now=now)} \
        == expected
    assert case_selectors.inbox_count(actor=officer, filters=soon, now=now) == len(expected)
    assert {row.pk for row in case_selectors.inbox(actor=officer, now=now)
            if row.is_due_soon} == expected
    assert 3 < len(expected) < 14


def test_the_to_do_count_of_new_cases_reads_their_own_index(catalogue, people):
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    dispatch(catalogue, people)
    # As in a city: one new case among thousands taken and in progress (on a table of two
    # rows every index costs the same and the planner's pick would be chance).
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO servicedesk_assignment (case_id, agency_id, officer_id, is_lead, "
            "status, assigned_at, due_at, accepted_at, replied_at, reply, transferred_to_id) "
            "SELECT case_id, agency_id, NULL, false, 'in_progress', assigned_at, "
            "due_at + g * interval '1 minute', assigned_at, NULL, '', NULL "
            "FROM servicedesk_assignment, generate_series(1, 5000) AS g")
        cursor.execute("ANALYZE servicedesk_assignment")
    new = case_selectors.InboxFilters(status="assigned")
    with CaptureQueriesContext(connection) as context:
        assert case_selectors.inbox_count(actor=people["officer"], filters=new) == 1
    counting = context.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {counting}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(plan)
    assert "sd_assign_new_idx" in plan
