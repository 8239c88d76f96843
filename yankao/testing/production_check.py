"""Walk a running Yankao as a production deployment must answer (issue #11): public pages
and the API answer 200, static files are served (hashed, cached), security headers are
present, and the demo city's credentials are refused.

    python -m yankao.testing.production_check http://127.0.0.1:8000 [--demo-database]

Standard library only, so it runs against any server. ``--demo-database`` also checks
that a database holding the demo city, served in production, refuses every demo sign-in,
demo API token and the demo Open311 key. Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

YEAR = 365 * 24 * 3600
HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js|png|svg|woff2?)$")
SKIP_PREFIXES = ("/staff/", "/admin/", "/accounts/logout", "/i18n/", "/media-not-served/")
FIXED_PAGES = ["/", "/report/", "/track/", "/works/report/", "/dashboards/",
               "/accounts/login/", "/open311/v2/discovery.xml", "/open311/v2/services.json",
               "/open311/v2/requests.xml", "/api/v1/openapi.json", "/healthz"]


@dataclass
class Walk:
    base: str
    failures: list[str] = field(default_factory=list)
    checked: int = 0
    jar: http.cookiejar.CookieJar = field(
        default_factory=lambda: http.cookiejar.CookieJar(BehindTlsProxy()))

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def fetch(self, path: str, *, data: bytes | None = None, headers: dict | None = None):
        url = urllib.parse.urljoin(self.base, path)
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"not an http(s) address: {url}")
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            url, data=data, headers={"X-Forwarded-Proto": "https", **(headers or {})})
        self.checked += 1
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def check(self, condition: bool, message: str) -> bool:
        if not condition:
            self.failures.append(message)
        return condition


class BehindTlsProxy(http.cookiejar.DefaultCookiePolicy):
    """The walk speaks plain HTTP to the server but says, as a TLS proxy would
    (X-Forwarded-Proto), that the browser's connection is HTTPS: secure cookies (the
    session's, CSRF's) go back as a browser would send them."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def security_headers(walk: Walk, path: str, headers) -> None:
    policy = headers.get("Content-Security-Policy", "")
    directives = dict([*part.strip().split(" ", 1), ""][:2]
                      for part in policy.split(";") if part.strip())
    walk.check(directives.get("script-src") == "'self'" and "'unsafe-eval'" not in policy,
               f"{path}: Content-Security-Policy {policy!r}")
    hsts = re.search(r"max-age=(\d+)", headers.get("Strict-Transport-Security", ""))
    walk.check(bool(hsts) and int(hsts.group(1)) >= YEAR, f"{path}: HSTS shorter than a year")
    walk.check(headers.get("X-Content-Type-Options") == "nosniff", f"{path}: no nosniff")
    walk.check(headers.get("X-Frame-Options") == "DENY", f"{path}: X-Frame-Options")
    walk.check(bool(headers.get("Referrer-Policy")), f"{path}: no Referrer-Policy")


def public_pages(walk: Walk, *, demo_database: bool = False) -> None:
    seen: set[str] = set()
    queue = list(FIXED_PAGES)
    while queue and len(seen) < 60:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        status, headers, body = walk.fetch(path)
        if not walk.check(status == 200, f"{path}: {status}"):
            continue
        kind = headers.get("Content-Type", "")
        if "html" in kind:
            security_headers(walk, path, headers)
            page = body.decode("utf-8", "replace")
            # The footer says so exactly when the database holds the demo city (its
            # records are generated): a real city's pages never claim it, and a demo
            # database served in production does not hide it.
            says_demo = "demonstration city" in page or "示範城市" in page
            walk.check(says_demo == demo_database or path.startswith("/api/"),
                       f"{path}: says it is the demonstration city" if says_demo else
                       f"{path}: does not say it is the demonstration city")
            statics = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page))
            for asset in sorted(statics):
                static_file(walk, asset)
            for link in re.findall(r'href="(/[^"#?]*)"', page):
                if not link.startswith(SKIP_PREFIXES) and not link.startswith("/static/"):
                    queue.append(link)
        elif path.endswith(".xml"):
            try:
                ET.fromstring(body)  # noqa: S314 - our own server's document
            except ET.ParseError as error:
                walk.check(False, f"{path}: XML does not parse ({error})")
        elif "json" in kind:
            try:
                json.loads(body)
            except ValueError:
                walk.check(False, f"{path}: JSON does not parse")


def static_file(walk: Walk, path: str) -> None:
    status, headers, body = walk.fetch(path)
    walk.check(status == 200 and len(body) > 0, f"{path}: {status}")
    walk.check(bool(HASHED.search(path)), f"{path}: not a hashed production file name")
    walk.check("max-age" in headers.get("Cache-Control", ""), f"{path}: not cacheable")


def api(walk: Walk) -> None:
    status, headers, _body = walk.fetch("/api/v1/me")
    walk.check(status == 401 and headers.get("Content-Type", "").startswith(
        "application/problem+json"), f"/api/v1/me without a token: {status}")


def demo_refused(walk: Walk) -> None:
    from yankao.core.demo import DEMO_PASSWORD, DEMO_USERS

    for user in DEMO_USERS:
        status, _headers, _body = walk.fetch("/api/v1/me",
                                             headers={"Authorization": f"Bearer {user.token}"})
        walk.check(status == 401, f"demo token of {user.username}: {status}")
    login = Walk(walk.base)
    status, _headers, page = login.fetch("/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if walk.check(status == 200 and token is not None, "/accounts/login/: no form"):
        for user in DEMO_USERS[:3]:
            body = urllib.parse.urlencode({
                "csrfmiddlewaretoken": token.group(1).decode(), "username": user.username,
                "password": DEMO_PASSWORD}).encode()
            status, headers, _ = login.fetch(
                "/accounts/login/", data=body,
                headers={"Referer": urllib.parse.urljoin(
                    re.sub(r"^http:", "https:", walk.base), "/accounts/login/"),
                         "Content-Type": "application/x-www-form-urlencoded"})
            walk.check(status == 200 and "staff" not in headers.get("Location", ""),
                       f"demo password of {user.username}: {status} {headers.get('Location')}")
    from yankao.servicedesk.demo import DEMO_OPEN311_KEY

    status, _headers, _body = walk.fetch(
        "/open311/v2/requests.json", data=urllib.parse.urlencode(
            {"api_key": DEMO_OPEN311_KEY, "service_code": "x"}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    walk.check(status == 403, f"demo Open311 key: {status}")


def run(base: str, *, demo_database: bool = False) -> Walk:
    walk = Walk(base)
    public_pages(walk, demo_database=demo_database)
    api(walk)
    if demo_database:
        demo_refused(walk)
    return walk


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--demo-database", action="store_true")
    args = parser.parse_args(argv)
    if args.demo_database:  # the demo's credentials come from the installed package
        import os

        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yankao.settings")
        django.setup()
    walk = run(args.base.rstrip("/") + "/", demo_database=args.demo_database)
    for failure in walk.failures:
        print(f"FAIL {failure}")
    print(f"{walk.checked} requests, {len(walk.failures)} failures")
    return 1 if walk.failures else 0


if __name__ == "__main__":
    sys.exit(main())
