"""Security headers and the rules that keep the Content-Security-Policy strict."""

import re
from pathlib import Path

import pytest

import yankao

TEMPLATES = sorted(Path(yankao.__file__).parent.glob("*/templates/**/*.html"))
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\s(on[a-z]+)\s*=", re.IGNORECASE | re.DOTALL)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
HX_ON = re.compile(r"\shx-on(:|-|\b)", re.IGNORECASE)


def _inline_scripts(text: str) -> list[str]:
    """<script> tags that would run inline code: no src, and not a JSON data block."""
    found = []
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        if re.search(r"\bsrc\s*=", attributes):
            continue
        if re.search(r"""\btype\s*=\s*["']application/(ld\+)?json["']""", attributes):
            continue
        found.append(match.group(0))
    return found


def test_templates_are_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[3])))
def test_no_template_runs_inline_script(path):
    """JS lives in static files; data for scripts goes in <script type="application/json">
    blocks; no on*= handlers, javascript: URLs or hx-on (the CSP refuses all of them, so a
    page that used one would silently break)."""
    text = path.read_text(encoding="utf-8")
    assert _inline_scripts(text) == [], "inline <script>: move the code to a static file"
    handlers = EVENT_HANDLER.findall(text)
    assert handlers == [], f"on*= handlers {handlers}: attach listeners from a static file"
    assert not JS_URL.search(text), "javascript: URL"
    assert not HX_ON.search(text), "hx-on runs inline code"
    for match in STYLE_TAG.finditer(text):
        assert "request.csp_nonce" in match.group(1), "a <style> element needs the CSP nonce"


def test_the_scan_catches_what_it_must():
    assert _inline_scripts('<script>alert(1)</script>')
    assert _inline_scripts('<script type="module">x()</script>')
    assert not _inline_scripts('<script type="application/json" id="x">{}</script>')
    assert not _inline_scripts('<script src="/static/x.js" defer></script>')
    assert EVENT_HANDLER.findall('<button class="b"\n onclick="go()">')
    assert not EVENT_HANDLER.findall('<p>Click "online" to continue</p>')


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get("/")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in policy["style-src"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_the_map_settings_are_data_not_code(client, db):
    body = client.get("/report/").content.decode()
    assert 'id="yankao-map-config"' in body and 'type="application/json"' in body
    assert _inline_scripts(body) == []


def test_an_oversized_request_is_refused_before_its_body_is_read(client, db, settings):
    """The test client's payload refuses to be read past its real length: a refusal that
    read the body would fail, not answer 413 (issue #11, finding 8)."""
    declared = settings.YANKAO_MAX_REQUEST_BYTES + 1
    for path in ("/report/", "/api/v1/tokens", "/open311/v2/requests.json"):
        response = client.generic("POST", path, b"x" * 10, content_type="text/plain",
                                  CONTENT_LENGTH=str(declared))
        assert response.status_code == 413, path
    assert client.generic("POST", "/api/v1/tokens", b"{}", content_type="application/json",
                          CONTENT_LENGTH=str(declared))["Content-Type"].startswith(
        "application/problem+json")


def test_a_file_past_the_upload_limit_stops_as_it_arrives(client, db, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.YANKAO_MAX_UPLOAD_BYTES = 64 * 1024
    big = SimpleUploadedFile("big.csv", b"a,b\n" * 50_000)  # 200 kB
    # /track/ reads its form at once (a multipart body is parsed whole, files and all).
    response = client.post("/track/", {"photos": big, "number": "x"})
    assert response.status_code == 413
    assert list(tmp_path.glob("**/*.upload*")) == []


def test_a_nul_in_a_body_is_the_clients_error_in_its_protocols_format(client, db):
    """PostgreSQL cannot hold or even compare text with NUL in it: a JSON or form body
    carrying one is a 400 before any lookup (found by fuzzing on PostgreSQL)."""
    response = client.post("/api/v1/assistant/questions", '{"question": "a\\u0000b"}',
                           content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    response = client.post("/open311/v2/requests.json", "service_code=%00&lat=1",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
