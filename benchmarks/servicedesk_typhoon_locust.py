"""The locustfile of a typhoon day (``servicedesk_typhoon.py`` writes its plan and runs it).

Four kinds of client, each a Locust user class with a fixed count:

- ``Operator``: a 1999 operator's signed-in session at the intake page. Each call is logged
  through the call log form (POST /staff/servicedesk/calls/, then the intake page it
  redirects to, as the browser follows it); every ``calls_per_case``-th call is instead a
  dispatch case registered at intake (case_register, which logs its call too). Paced so
  that all operators together make ``calls_per_second``.
- ``OpenApp``: a city app posting Open311 service requests with its api_key at
  ``open311_per_second`` in all.
- ``Staff``: a signed-in officer, registrar or evaluator browsing at a think time of
  ``think`` seconds (uniform): the agency inbox, its filters (the htmx partial), its next
  page by cursor, case pages from the inbox, the routing queue and its next page, the
  monthly statistics.
- ``Baseline``: the trivial endpoint (GET discovery.json), twice a second, in the same run.

The server runs with production settings behind no proxy: each request says, as the
city's TLS proxy would, that the browser's connection is HTTPS (X-Forwarded-Proto), and
the secure cookies go back as a browser would send them (``BehindTlsProxy``). Forms carry
the CSRF token and the Origin and Referer a browser sends.

Every response time is kept with its phase (``sign-in`` until the last session has signed
in, ``steady`` for the plan's ``steady_seconds`` after, when the run stops), and every
acknowledged write with what identifies it (the Open311 ``service_request_id``; the
intake's submission key and case number; the number of calls acknowledged); the plan's
``results`` file gets them at the end for the driver's check that no acknowledged case or
call is missing.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from collections import defaultdict
from http.cookiejar import DefaultCookiePolicy

import gevent
from locust import HttpUser, between, constant_throughput, events, task

with open(os.environ["TYPHOON_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
CASE_LINK = re.compile(r'href="/staff/servicedesk/cases/([^/"]+)/"')
NEXT_LINK = re.compile(r'href="\?([^"]*after=[^"]*)" rel="next"')
CREATED = re.compile(r'id="created".*?<strong class="secret">([^<]+)</strong>', re.S)

_lock = threading.Lock()
_phase = "sign-in"
_samples: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
_errors: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
_acknowledged = {"open311": [], "intake": [], "calls": 0}
_operators = iter(PLAN["operators"])
_run: dict = {"signed_in": 0}
_staff = iter(PLAN["staff"])


class BehindTlsProxy(DefaultCookiePolicy):
    """Secure cookies go back over the plain connection, as through the TLS proxy. They
    are kept without their secure flag: requests copies the session's cookies into a jar
    of the default policy for each request, which would hold back secure ones."""

    def set_ok(self, cookie, request) -> bool:
        cookie.secure = False
        return super().set_ok(cookie, request)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **_kwargs):
    with _lock:
        _samples[name][_phase].append(response_time)
        if exception is not None:
            _errors[name][_phase].append(str(exception)[:200])


@events.init.add_listener
def _keep(environment, **_kwargs):
    _run["environment"] = environment


def _signed_in() -> None:
    """When the last session has signed in, the steady phase starts and runs for the
    plan's ``steady_seconds``; then the run stops."""
    global _phase
    with _lock:
        _run["signed_in"] += 1
        if _run["signed_in"] < PLAN["operator_count"] + PLAN["staff_count"]:
            return
        _phase = "steady"
        _run["steady_from"] = time.monotonic()
    gevent.spawn_later(PLAN["steady_seconds"], _stop)


def _stop() -> None:
    with _lock:
        _run["steady_seconds"] = time.monotonic() - _run["steady_from"]
    _run["environment"].runner.quit()


@events.quitting.add_listener
def _write(environment, **_kwargs):
    with _lock:
        data = {"samples": _samples, "errors": _errors, "acknowledged": _acknowledged,
                "steady_seconds": _run.get("steady_seconds")}
        with open(PLAN["results"], "w", encoding="utf-8") as out:
            json.dump(data, out)


class SignedIn(HttpUser):
    abstract = True
    role = ""

    def on_start(self) -> None:
        self.client.cookies.set_policy(BehindTlsProxy())
        self.client.headers.update({"X-Forwarded-Proto": "https"})
        self.origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        self.login()
        _signed_in()

    def login(self) -> None:
        """Sign in; a person whose sign-in failed (an error, a refused connection) tries
        again after a pause, and so does this session, up to five times."""
        for attempt in range(5):
            if attempt:
                gevent.sleep(5)
            if self.sign_in():
                return

    def sign_in(self) -> bool:
        self.client.get("/accounts/login/", name="sign-in page")
        with self.client.post(
                "/accounts/login/", name="sign-in (POST)", allow_redirects=False,
                data={"username": self.account["username"],
                      "password": self.account["password"],
                      "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
                headers=self.form_headers("/accounts/login/"),
                catch_response=True) as response:
            if response.status_code != 302 or "/accounts/" in response.headers.get(
                    "Location", ""):
                response.failure(f"not signed in: {response.status_code}")
                return False
            return True

    def form_headers(self, path: str) -> dict[str, str]:
        return {"Origin": self.origin, "Referer": self.origin + path}

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def page(self, path: str, name: str, **kwargs) -> str:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False,
                             **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                signed_out = "/accounts/login/" in response.headers.get("Location", "")
            else:
                return response.text
        if signed_out:  # as a person sent to the sign-in page would, sign in again
            self.login()
        return ""


class Operator(SignedIn):
    """A 1999 operator logging calls and registering dispatch cases at the intake page."""

    fixed_count = PLAN["operator_count"]
    wait_time = constant_throughput(PLAN["calls_per_second"] / PLAN["operator_count"])

    def on_start(self) -> None:
        with _lock:
            self.account = next(_operators)
        self.calls = random.randrange(PLAN["calls_per_case"])
        super().on_start()
        self.page("/staff/servicedesk/intake/", "intake page")

    @task
    def call(self) -> None:
        self.calls += 1
        if self.calls % PLAN["calls_per_case"] == 0:
            self.register_case()
        else:
            self.log_call()

    def log_call(self) -> None:
        path = "/staff/servicedesk/calls/"
        with self.client.post(path, name="call log (POST)", allow_redirects=False, data={
                "csrfmiddlewaretoken": self.csrf(),
                "call-outcome": random.choice(["consultation", "transferred", "other"]),
                "call-duration_seconds": random.randint(30, 600),
                "call-answered_at_once": "on",
                "call-category": random.choice(PLAN["intake_codes"])},
                headers=self.form_headers("/staff/servicedesk/intake/"),
                catch_response=True) as response:
            if response.status_code == 302:
                with _lock:
                    _acknowledged["calls"] += 1
            else:
                response.failure(f"call not logged: {response.status_code}")
                return
        self.page("/staff/servicedesk/intake/", "intake page")

    def register_case(self) -> None:
        key = uuid.uuid4().hex
        path = "/staff/servicedesk/intake/"
        latitude, longitude = _point()
        with self.client.post(path, name="intake: register a case (POST)", data={
                "csrfmiddlewaretoken": self.csrf(), "category": random.choice(
                    PLAN["intake_codes"]),
                "latitude": latitude, "longitude": longitude, "address": "",
                "district": "", "description": "颱風天路樹倒塌阻礙車道，請派員處理（負載測試）",
                "kind": "", "channel": "phone", "petition_kind": "",
                "reporter_name": "測試", "reporter_phone": "0912345678",
                "reporter_email": "", "duration_seconds": random.randint(60, 600),
                "submission_key": key},
                headers=self.form_headers(path), catch_response=True) as response:
            found = CREATED.search(response.text or "")
            if response.status_code == 200 and found:
                with _lock:
                    _acknowledged["intake"].append([key, html.unescape(found[1]).strip()])
                    _acknowledged["calls"] += 1  # the call is logged with the case
            else:
                response.failure(f"case not registered: {response.status_code}")


class OpenApp(HttpUser):
    """A city app posting Open311 service requests (no session)."""

    fixed_count = PLAN["app_count"]
    wait_time = constant_throughput(PLAN["open311_per_second"] / PLAN["app_count"])

    @task
    def post(self) -> None:
        latitude, longitude = _point()
        with self.client.post("/open311/v2/requests.json", name="Open311 POST", data={
                "api_key": PLAN["open311_key"], "service_code": random.choice(
                    PLAN["open311_codes"]),
                "lat": latitude, "long": longitude,
                "description": "颱風過後路面坑洞（負載測試）",
                "email": f"typhoon+{uuid.uuid4().hex[:12]}@example.org"},
                headers={"X-Forwarded-Proto": "https"}, catch_response=True) as response:
            try:
                number = response.json()[0]["service_request_id"]
            except (ValueError, LookupError, TypeError):
                number = None
            if response.status_code in (200, 201) and number:
                with _lock:
                    _acknowledged["open311"].append(number)
            else:
                response.failure(f"not accepted: {response.status_code}")


_browsing = {
    # role: [(weight, page), ...]
    "officer": [(30, "inbox"), (15, "inbox_filtered"), (10, "inbox_next"), (45, "case")],
    "registrar": [(20, "inbox"), (25, "routing"), (10, "routing_next"), (10, "inbox_filtered"),
                  (35, "case")],
    "evaluator": [(25, "statistics_year"), (25, "statistics_month"), (20, "inbox"),
                  (30, "case")],
}
_filters = [{"status": "overdue"}, {"status": "due_soon"}, {"kind": "dispatch"},
            {"q": "測試路"}, {"status": "overdue", "kind": "dispatch"}]


class Staff(SignedIn):
    """An officer, registrar or evaluator browsing between reads."""

    fixed_count = PLAN["staff_count"]
    wait_time = between(*PLAN["think"])

    def on_start(self) -> None:
        with _lock:
            self.account = next(_staff)
        pages = _browsing[self.account["role"]]
        self.pages = list(itertools.chain.from_iterable([page] * weight
                                                        for weight, page in pages))
        self.numbers: list[str] = []
        self.next_inbox = self.next_routing = ""
        super().on_start()

    def read_list(self, text: str) -> str:
        numbers = CASE_LINK.findall(text)
        if numbers:
            self.numbers = numbers
        found = NEXT_LINK.search(text)
        return html.unescape(found[1]) if found else ""

    @task
    def browse(self) -> None:
        getattr(self, random.choice(self.pages))()

    def inbox(self) -> None:
        self.next_inbox = self.read_list(self.page("/staff/servicedesk/inbox/", "inbox"))

    def inbox_filtered(self) -> None:
        text = self.page("/staff/servicedesk/inbox/", "inbox, filtered (htmx rows)",
                         params=random.choice(_filters), headers={"HX-Request": "true"})
        self.next_inbox = self.read_list(text)

    def inbox_next(self) -> None:
        if not self.next_inbox:
            return self.inbox()
        self.next_inbox = self.read_list(self.page(
            f"/staff/servicedesk/inbox/?{self.next_inbox}", "inbox, next page (cursor)"))

    def routing(self) -> None:
        self.next_routing = self.read_list(self.page("/staff/servicedesk/routing/",
                                                     "routing queue"))

    def routing_next(self) -> None:
        if not self.next_routing:
            return self.routing()
        self.next_routing = self.read_list(self.page(
            f"/staff/servicedesk/routing/?{self.next_routing}",
            "routing queue, next page (cursor)"))

    def case(self) -> None:
        if not self.numbers:
            return self.inbox()
        self.page(f"/staff/servicedesk/cases/{random.choice(self.numbers)}/", "case page")

    def statistics_year(self) -> None:
        self.page("/staff/servicedesk/statistics/", "statistics (the latest year)")

    def statistics_month(self) -> None:
        month = random.randint(1, 12)
        self.page("/staff/servicedesk/statistics/", "statistics (one month)", params={
            "year": PLAN["statistics_year"], "month_from": month, "month_to": month})


class Baseline(HttpUser):
    """The trivial endpoint in the same run: what the shared machine gives any request."""

    fixed_count = 1
    wait_time = constant_throughput(2)

    @task
    def discovery(self) -> None:
        self.client.get("/open311/v2/discovery.json", name="baseline: GET discovery.json",
                        headers={"X-Forwarded-Proto": "https"})


def _point() -> tuple[str, str]:
    """A point in central Kaohsiung."""
    return f"{random.uniform(22.60, 22.66):.5f}", f"{random.uniform(120.28, 120.34):.5f}"
