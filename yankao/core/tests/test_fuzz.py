"""Fuzzing every /api/v1 operation and Open311 with schemathesis (issue #11).

Operations are discovered from the live OpenAPI documents, so a new app's endpoints are
fuzzed the day its router is added. Each operation gets examples that fit its schema and
examples that break it (schemathesis' positive and negative modes), as two roles (an RDEC
evaluator, who sees everything, and an agency officer), and then a fixed set of hostile
values — control characters, impossible dates, huge and negative integers — in each of its
parameters in turn. Every answer must be no 5xx, have a documented status and content type,
and match the documented schema (problem JSON for /api/v1 refusals, the errors document
for Open311). YANKAO_FUZZ_EXAMPLES sets the examples per operation and mode (default 4).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import yankao

EXAMPLES = int(os.environ.get("YANKAO_FUZZ_EXAMPLES", "4"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
ROLES = {"evaluator": "yk_demo_evaluator", "officer": "yk_demo_officer"}
HOSTILE = ["\x00", "a\x0bb\x1bc", "\x01\x1f\x7f", "2018-02-30", "2018-02-30T00:00:00Z",
           "9999-12-31T23:59:59+14:00", "0000-01", "-15534", "9223372036854775808",
           "99999999999999999999", "-1", "1e309", "", " ", "%", "../../etc/passwd",
           "<x/>", "'; --", "臺" * 300]
OPEN311 = Path(yankao.__file__).parent / "servicedesk" / "open311" / "openapi.yaml"
STATS: Counter = Counter()


@schemathesis.deserializer("text/xml")
def _xml(context, response):
    """An XML answer must at least parse; its content is the .json twin's, checked there."""
    ET.fromstring(response.content)  # noqa: S314 - our own server's document
    return response.content.decode("utf-8")


@pytest.fixture(scope="module")
def fuzz_city(django_db_setup, django_db_blocker):
    """The demo city at a tiny scale, built once for the module and rolled back after."""
    import io

    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from yankao.core.demo import demo_build

    # The WSGI application would close the database connection after each request (it is
    # inside this fixture's transaction, so Django thinks it unusable); Django's own test
    # client stops that the same way. (PostgreSQL shows it; SQLite's in-memory test
    # database ignores the close.)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo_build(scale=0.001, out=io.StringIO(), show_progress=False)
            yield
            # The run's figures (docs/reliability.md), shown with pytest -s.
            print("\nfuzzing:", dict(sorted(STATS.items())))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def _operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


def _check(case, response, failures, label):
    STATS["requests"] += 1
    STATS[f"status {response.status_code // 100}xx"] += 1
    try:
        case.validate_response(response, checks=CHECKS)
    except BaseException as error:  # noqa: BLE001 - every kind of check failure is recorded
        failures.append(f"{label} {case.method} {case.formatted_path} "
                        f"{case.query or ''} {str(case.body)[:120]}: {str(error)[:400]}")


def _variant(case, location: str, name: str, value):
    parts = {"query": dict(case.query or {}), "path_parameters": dict(case.path_parameters or {}),
             "body": dict(case.body) if isinstance(case.body, dict) else case.body}
    parts[location][name] = value
    return case.operation.Case(method=case.method, headers=dict(case.headers or {}),
                               media_type=case.media_type, **parts)


def _hostile_variants(case):
    """The case with one parameter at a time replaced by each hostile value."""
    for location in ("query", "path_parameters"):
        for name in list(getattr(case, location) or {}):
            for value in HOSTILE:
                if location == "path_parameters" and value in ("", " ", "%", "../../etc/passwd"):
                    continue  # not a value a path segment can carry
                yield _variant(case, location, name, value)
    if isinstance(case.body, dict):
        for name in list(case.body):
            for value in (*HOSTILE, 2**63, -(2**63) - 1, 10**30, -1):
                yield _variant(case, "body", name, value)


def _runner(operation, mode, headers_by_role, failures):
    """A hypothesis test of one operation in one mode; the first positive example also
    goes out with each hostile value in each of its parameters."""
    state = {"hostile_sent": mode != GenerationMode.POSITIVE}

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                         database=None, phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for role, headers in headers_by_role.items():
            _check(case, case.call(headers=headers), failures, f"{role}/{mode.value}")
            if not state["hostile_sent"]:
                for variant in _hostile_variants(case):
                    STATS["hostile"] += 1
                    _check(variant, variant.call(headers=headers), failures, f"{role}/hostile")
        state["hostile_sent"] = True

    return run


def _fuzz(schema, headers_by_role, failures):
    for operation in _operations(schema):
        STATS["operations"] += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _runner(operation, mode, headers_by_role, failures)()
            except Unsatisfiable:
                # Nothing of the operation can be broken (no parameters, no body).
                STATS["operations without negative examples"] += 1


def test_fuzz_every_api_operation_as_two_roles(fuzz_city, db):
    from django.core.wsgi import get_wsgi_application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    failures: list[str] = []
    _fuzz(schema, {role: {"Authorization": f"Bearer {token}"} for role, token in ROLES.items()},
          failures)
    assert STATS["operations"] >= 40
    # The checks bite: another operation's answer does not pass as this one's.
    me = schema["/api/v1/me"]["GET"]
    wrong: list[str] = []
    districts = schema["/api/v1/districts"]["GET"].Case()
    _check(me.Case(), districts.call(headers={"Authorization": f"Bearer {ROLES['officer']}"}),
           wrong, "self-check")
    assert wrong, "the response checks found nothing wrong with a wrong answer"
    assert failures == [], f"{len(failures)} failures:\n" + "\n".join(failures[:30])


def test_fuzz_open311_from_its_description(fuzz_city, db):
    from django.core.wsgi import get_wsgi_application

    from yankao.servicedesk.demo import DEMO_OPEN311_KEY

    schema = schemathesis.openapi.from_path(OPEN311)
    schema.app = get_wsgi_application()
    failures: list[str] = []
    # A client without a key, and one that sends the city's key with every request.
    _fuzz(schema, {"anonymous": {}, "client": {"Authorization": f"Bearer {DEMO_OPEN311_KEY}"}},
          failures)
    assert failures == [], f"{len(failures)} failures:\n" + "\n".join(failures[:30])
