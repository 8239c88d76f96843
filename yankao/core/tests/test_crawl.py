"""Every link the pages of the demo city show leads somewhere: signed in as each demo user
(and signed out), a crawler follows the links and htmx GETs of the pages it reaches, and
no page it reaches answers with a server error, and no link the platform itself printed
leads to a page that does not exist or that its reader may not open. A route hidden by
another (decision 0152) showed up this way: its page answered 404 to the link that led
to it."""

import html
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

from yankao.core.demo import DEMO_USERS, demo_build

pytestmark = pytest.mark.django_db

LINK = re.compile(r'(?:href|hx-get)="([^"]+)"')
# Not followed: Django's admin (its own pages), static files, the language switch and
# sign-out (forms that POST), the API's interactive documentation (a script page).
SKIP = ("/admin/", "/static/", "/i18n/", "/accounts/logout/", "/api/v1/docs")
# The report is one document for every reader, in the browser as in its PDF: a figure
# links to the records behind it, which a reader outside their module or agency may not
# open (a 403 that says so). Every other page links only what its reader may open.
REPORT_PAGES = ("/reports/",)
PAGES_PER_USER = 400
PAGES_PER_ROUTE = 3  # a list's hundred case pages are one page's code


def _route(path: str) -> str:
    try:
        return resolve(path).route
    except Resolver404:
        return path


def _links(page: str, at: str):
    for raw in LINK.findall(page):
        url = urldefrag(html.unescape(raw)).url
        if not url:
            continue
        if url.startswith("?"):
            url = urlsplit(at).path + url
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url.startswith("/"):
            continue  # another site, mailto:, a relative path (none is printed)
        if url.startswith(SKIP):
            continue
        yield url


def _crawl(client, start: list[str]) -> tuple[int, list[str]]:
    seen, per_route, problems = set(start), {}, []
    queue = deque((url, "(start)") for url in start)
    visited = 0
    while queue and visited < PAGES_PER_USER:
        url, came_from = queue.popleft()
        route = _route(urlsplit(url).path)
        if per_route.get(route, 0) >= PAGES_PER_ROUTE:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        response = client.get(url)
        visited += 1
        status = response.status_code
        if status == 403 and came_from.startswith(REPORT_PAGES):
            continue  # a figure's records (REPORT_PAGES)
        if status >= 500 or status in (403, 404):
            problems.append(f"{status} {url} (linked from {came_from})")
            continue
        if response.status_code in (301, 302) and response.headers["Location"].startswith("/"):
            target = response.headers["Location"]
            if target not in seen and not target.startswith(SKIP):
                seen.add(target)
                queue.append((target, url))
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in _links(response.content.decode(), url):
            if link not in seen:
                seen.add(link)
                queue.append((link, url))
    return visited, problems


def test_every_link_of_the_demo_city_leads_to_a_page(client, db):
    """One demo city (built once), crawled signed out and then as each demo user in turn."""
    import io

    from django.contrib.auth import get_user_model

    demo_build(scale=0.001, out=io.StringIO(), show_progress=False)
    problems, visits = [], {}
    # Every user in Chinese; in English, signed out and the evaluator (who reads every
    # module's pages).
    runs = [("zh-hant", username) for username in [None, *[u.username for u in DEMO_USERS]]]
    runs += [("en", None), ("en", "evaluator")]
    for language, username in runs:
        client.logout()
        client.cookies["django_language"] = language
        if username:
            client.force_login(get_user_model().objects.get(username=username))
        assert client.get("/").headers["Content-Language"] == language
        visited, found = _crawl(client, ["/", "/staff/"] if username else ["/"])
        who = f"{username or '(signed out)'} ({language})"
        visits[who] = visited
        problems += [f"{who}: {problem}" for problem in found]
    assert not problems, "\n".join(problems)
    # Each crawl went well past its first pages.
    assert min(visits.values()) > 20, visits
