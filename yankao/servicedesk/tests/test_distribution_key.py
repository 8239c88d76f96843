"""The hot pages' queries carry the distribution key of decision 0146: when one database
server is not enough, the case-owned tables spread over Citus distributed by the case
(``servicedesk_case.id``, ``case_id`` in the others) and every other table they join is a
reference table. A query that joins two distributed tables on anything but the case would
have to move rows between servers; this test reads every statement the hot pages run and
fails on such a join, so that a change that adds one is seen here, not in production."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yankao.servicedesk.models import Case
from yankao.servicedesk.tests.test_open311 import BASE, post_body
from yankao.servicedesk.tests.test_services import dispatch, petition

pytestmark = pytest.mark.django_db

# Decision 0146: the distributed tables and their distribution column.
DISTRIBUTED = {
    "servicedesk_case": "id",
    "servicedesk_assignment": "case_id",
    "servicedesk_caseupdate": "case_id",
    "servicedesk_subscription": "case_id",
    "servicedesk_survey": "case_id",
}

TABLE = re.compile(r'(?:FROM|JOIN) "(\w+)"(?: (?:AS )?"?(\w+)"?)?')
JOIN_ON = re.compile(r'JOIN "(\w+)"(?: (?:AS )?"?(\w+)"?)? ON '
                     r'\("?(\w+)"?\."(\w+)" = "?(\w+)"?\."(\w+)"')
SEMI_JOIN = re.compile(r'"?(\w+)"?\."(\w+)" IN \(SELECT "?(\w+)"?\."(\w+)"(?: AS "\w+")? '
                       r'FROM "(\w+)"(?: (?:AS )?"?(\w+)"?)?')


def distributed_joins(sql: str) -> list[tuple[str, str, str, str]]:
    """Every join (and IN-subquery) of ``sql`` between two distributed tables, as
    (table, column, table, column)."""
    aliases = {}
    for table, alias in TABLE.findall(sql):
        aliases[table] = table
        if alias and alias.upper() not in {"ON", "WHERE", "INNER", "LEFT", "ORDER", "GROUP",
                                           "LIMIT"}:
            aliases[alias] = table
    found = []
    for _table, _alias, left, left_column, right, right_column in JOIN_ON.findall(sql):
        a, b = aliases.get(left, left), aliases.get(right, right)
        if a in DISTRIBUTED and b in DISTRIBUTED:
            found.append((a, left_column, b, right_column))
    for outer, outer_column, _inner_alias, inner_column, inner, _alias in SEMI_JOIN.findall(sql):
        a = aliases.get(outer, outer)
        if a in DISTRIBUTED and inner in DISTRIBUTED:
            found.append((a, outer_column, inner, inner_column))
    return found


def test_the_reading_of_joins():
    sql = ('SELECT 1 FROM "servicedesk_assignment" INNER JOIN "servicedesk_case" ON '
           '("servicedesk_assignment"."case_id" = "servicedesk_case"."id") LEFT OUTER JOIN '
           '"servicedesk_case" T5 ON ("servicedesk_case"."merged_into_id" = T5."id") WHERE '
           '"servicedesk_case"."id" IN (SELECT U0."case_id" FROM "servicedesk_survey" U0)')
    assert distributed_joins(sql) == [
        ("servicedesk_assignment", "case_id", "servicedesk_case", "id"),
        ("servicedesk_case", "merged_into_id", "servicedesk_case", "id"),
        ("servicedesk_case", "id", "servicedesk_survey", "case_id")]


def hot_pages(client, catalogue, people, pothole, api_key) -> list[str]:
    """The statements of the pages a typhoon day is made of (decision 0145)."""
    for _ in range(3):
        dispatch(catalogue, people)
    petition(catalogue, people)
    case = Case.objects.filter(status="assigned").first()
    officer, registrar = people["officer"], people["registrar"]
    with CaptureQueriesContext(connection) as context:
        assert client.post(f"{BASE}/requests.json",
                           post_body(pothole, api_key=api_key)).status_code == 200
        assert client.get(f"{BASE}/requests.json").status_code == 200
        assert client.get(f"{BASE}/requests/{case.number}.json").status_code == 200
        client.force_login(officer)
        for url in (reverse("servicedesk:inbox"), reverse("servicedesk:inbox") + "?status=overdue",
                    reverse("servicedesk:case", args=[case.number]),
                    reverse("servicedesk:statistics")):
            assert client.get(url).status_code == 200, url
        client.force_login(registrar)
        for url in (reverse("servicedesk:inbox"), reverse("servicedesk:routing"),
                    reverse("servicedesk:intake")):
            assert client.get(url).status_code == 200, url
    return [query["sql"] for query in context.captured_queries]


def test_the_hot_pages_join_distributed_tables_only_on_the_case(client, catalogue, people,
                                                                 pothole, api_key):
    statements = hot_pages(client, catalogue, people, pothole, api_key)
    joins = [(join, sql) for sql in statements for join in distributed_joins(sql)]
    assert len(joins) >= 3, "the hot pages no longer join their distributed tables?"
    off_key = [(join, sql[:300]) for join, sql in joins
               if join[1] != DISTRIBUTED[join[0]] or join[3] != DISTRIBUTED[join[2]]]
    assert not off_key, off_key
