"""The database ends the server's connections again and again (as a restart or a failover
does) while Open311 clients post and read through a live server: every answer is a
success or a 503 with Retry-After in Open311's own format, no acknowledged case is lost,
and no case is half-written. A notice job that meets the database restarting runs again
(PostgreSQL; SQLite has no server to end connections)."""

import datetime as dt
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import close_old_connections, connection
from huey.contrib.djhuey import HUEY

from yankao.core.models import AuditEvent, Notification
from yankao.servicedesk.audit import ServicedeskAction as Action
from yankao.servicedesk.models import Assignment, Case
from yankao.servicedesk.tasks import update_notify_job
from yankao.servicedesk.tests.conftest import LINGYA
from yankao.servicedesk.tests.test_services import dispatch

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="PostgreSQL ends connections; SQLite has none")

SECONDS, BURST = 6, 0.4


def test_acknowledged_cases_survive_the_database_ending_connections(
        live_server, api_key, pothole, people, second_connection):
    base = f"{live_server.url}/open311/v2"
    body = urllib.parse.urlencode({
        "api_key": api_key, "service_code": pothole.code, "lat": LINGYA[0],
        "long": LINGYA[1], "description": "路面坑洞，資料庫重新啟動中"}).encode()
    answers: list[tuple[str, int, str | None, bytes]] = []
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def client(kind: str) -> None:
        while time.monotonic() < stop:
            if kind == "post":
                request = urllib.request.Request(f"{base}/requests.json", body)
            else:
                request = urllib.request.Request(f"{base}/requests.json?status=open")
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, retry, content = response.status, None, response.read()
            except urllib.error.HTTPError as error:
                status, retry, content = error.code, error.headers.get("Retry-After"), \
                    error.read()
            with lock:
                answers.append((kind, status, retry, content))
                if kind == "post" and status == 200:
                    acknowledged.append(json.loads(content)[0]["service_request_id"])

    ours = connection.connection.info.backend_pid if connection.connection else 0
    threads = [threading.Thread(target=client, args=(kind,))
               for kind in ("post", "post", "post", "get")]
    for thread in threads:
        thread.start()
    ended = 0
    while time.monotonic() < stop:
        # Bursts of ends (a restart), then quiet (the database back), in turn.
        burst = time.monotonic() + BURST
        while time.monotonic() < min(burst, stop):
            time.sleep(0.03)
            ended += second_connection.execute(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                "pg_stat_activity WHERE datname = current_database() AND backend_type "
                "= 'client backend' AND pid NOT IN (pg_backend_pid(), %s)) t",
                [ours]).fetchone()[0]
        time.sleep(BURST)
    for thread in threads:
        thread.join(timeout=60)

    statuses = {(kind, status) for kind, status, _retry, _content in answers}
    assert statuses <= {("post", 200), ("post", 503), ("get", 200), ("get", 503)}, statuses
    refused = [(retry, content) for _kind, status, retry, content in answers
               if status == 503]
    print(f"ended {ended} connections; {len(acknowledged)} cases acknowledged, "
          f"{len(refused)} answers 503 of {len(answers)}")
    assert ended and refused, "the server's connections were ended in the middle of requests"
    assert len(acknowledged) >= 5, "the server served between the ends"
    for retry, content in refused:
        [error] = json.loads(content)
        assert retry == "5" and error["code"] == 503 and error["description"]

    connection.close()  # ended too, perhaps; the checks below use a new one
    cases = list(Case.objects.all())
    assert set(acknowledged) <= {case.number for case in cases}, "an acknowledged case lost"
    # Every case written is whole: its registration audited, routed to its agency.
    registered = set(AuditEvent.objects.filter(action=Action.CASE_REGISTER)
                     .values_list("object_id", flat=True))
    routed = set(Assignment.objects.filter(is_lead=True).values_list("case_id", flat=True))
    assert all(str(case.pk) in registered and case.pk in routed for case in cases)


def test_a_notice_job_that_meets_the_database_restarting_runs_again(
        transactional_db, catalogue, people, second_connection):
    case = dispatch(catalogue, people)  # its notices are sent once it is committed
    sent = sorted(Notification.objects.values_list("dedupe_key", "recipient"))
    assert any(key.startswith("sd-update:") for key, _ in sent)  # the reporter's
    Notification.objects.all().delete()
    update_ids = list(case.updates.order_by("pk").values_list("pk", flat=True))
    lead = case.assignments.get(is_lead=True)

    # The database restarts under the worker.
    second_connection.execute("SELECT pg_terminate_backend(%s)",
                              [connection.connection.info.backend_pid])
    job = update_notify_job(update_ids, lead.pk)  # the first attempt fails
    close_old_connections()  # what the worker does after each job (huey's close_db)
    assert not Notification.objects.exists()

    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=5)
    retried = [task for task in HUEY.read_schedule(later) if task.id == job.id]
    assert retried, "the job is scheduled to run again"
    for task in retried:
        HUEY.execute(task, later)
    assert sorted(Notification.objects.values_list("dedupe_key", "recipient")) == sent
