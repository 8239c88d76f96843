"""Real HTTP servers the tests start on 127.0.0.1: a file server for the link checks and a
stand-in for the national portal.

The stand-in follows 政府資料開放跨平臺介接規範 (the Swagger file in
``../shared/reference/specs/data-gov-tw/``): ``POST /api/v1/rest/dataset``, ``PUT`` and
``DELETE /api/v1/rest/dataset/{identifier}``, the API key in ``Authorization``, answers
``{"success": true, "result": {"identifier": …}}`` or ``{"success": false, "error":
{"identifier", "error_type", "message"}}``. Its required fields are written out here from
資料集詮釋資料標準規範, independently of the code under test. The specification shows two
error codes (ER0031 資料集分類錯誤, ER0050 欲修改的資料集不存在); for the others it names
none, so the stand-in's own codes say ``STAND-IN`` rather than pretend to be the portal's.
"""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTS = range(18310, 18350)  # this worktree's range

SERVICE_CATEGORIES = {"100", "200", "300", "400", "500", "600", "700", "800", "900", "A00",
                      "B00", "C00", "D00", "E00", "F00", "G00", "H00", "I00"}
REQUIRED = ["identifier", "categoryService", "title", "description", "type", "license", "cost",
            "publisherOID", "publisherContactName", "publisherContactPhone",
            "publisherContactEmail", "updateFrequency", "publishedDate", "modifiedDate",
            "distribution"]
REQUIRED_DISTRIBUTION = ["resourceID", "resourceDescription", "format", "characterSetCode"]
OID = re.compile(r"^2\.16\.886(\.(0|[1-9][0-9]*))+$")


def _serve(handler_class) -> tuple[ThreadingHTTPServer, int]:
    for port in PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), handler_class)
        except OSError:
            continue
        return server, port
    raise RuntimeError("no free port in 18310–18349")


@contextmanager
def running(handler_class):
    server, port = _serve(handler_class)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


def file_server(files: dict[str, tuple[int, str, bytes]]):
    """Serves ``{path: (status, content type, body)}``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, content_type, body = files.get(self.path, (404, "text/plain", b"nothing"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return running(Handler)


class Portal:
    """The stand-in's state: what it holds, what it was sent, and how it should behave."""

    def __init__(self, key: str):
        self.key = key
        self.datasets: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict | None]] = []
        self.failing = False  # answer 503 to everything (the portal is down)
        self.on_request = None  # called (method, identifier) before answering

    def problems(self, metadata: dict) -> tuple[str, str] | None:
        missing = [name for name in REQUIRED if metadata.get(name) in (None, "", [], {})]
        if missing:
            return "STAND-IN:必填欄位未填", "缺少必填欄位：" + "、".join(missing)
        if metadata["categoryService"] not in SERVICE_CATEGORIES:
            return ("ER0031:資料集分類錯誤",
                    f"無此分類 categoryService={metadata['categoryService']}")
        oid = metadata["publisherOID"].split("|", 1)[0]
        if not OID.match(oid):
            return "STAND-IN:OID格式錯誤", f"publisherOID={oid}"
        for number, item in enumerate(metadata["distribution"], start=1):
            gone = [n for n in REQUIRED_DISTRIBUTION if not item.get(n)]
            if not (item.get("downloadURL") or item.get("accessURL")):
                gone.append("downloadURL")
            if gone:
                return "STAND-IN:資料項必填欄位未填", f"distribution[{number}]：" + "、".join(gone)
        return None


def portal_server(portal: Portal):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict) -> None:
            raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _handle(self, method: str) -> None:
            match = re.fullmatch(r"/api/v1/rest/dataset(?:/([^/]+))?", self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw.decode("utf-8")) if raw else None
            identifier = match.group(1) if match else None
            portal.requests.append((method, identifier or "", body))
            if portal.on_request:
                portal.on_request(method, identifier)
            if portal.failing:
                self._answer(503, {"success": False, "error": {"message": "維護中"}})
                return
            if match is None:
                self._answer(404, {"success": False, "error": {"message": "no such path"}})
                return
            if self.headers.get("Authorization") != portal.key:
                self._answer(401, {"success": False, "error": {
                    "error_type": "STAND-IN:APIKey錯誤", "message": "APIKey 不正確"}})
                return
            if method == "POST":
                problem = portal.problems(body or {})
                if problem:
                    self._answer(200, {"success": False, "error": {
                        "identifier": (body or {}).get("identifier", ""),
                        "error_type": problem[0], "message": problem[1]}})
                    return
                portal.datasets[body["identifier"]] = body
                self._answer(200, {"success": True, "result": {"identifier": body["identifier"]}})
                return
            if identifier not in portal.datasets:
                self._answer(200, {"success": False, "error": {
                    "identifier": identifier, "error_type": "ER0050:欲修改的資料集不存在。",
                    "message": "欲修改的資料集不存在。"}})
                return
            if method == "PUT":
                problem = portal.problems(body or {})
                if problem:
                    self._answer(200, {"success": False, "error": {
                        "identifier": identifier, "error_type": problem[0],
                        "message": problem[1]}})
                    return
                portal.datasets[identifier] = body
            else:
                del portal.datasets[identifier]
            self._answer(200, {"success": True, "result": {"identifier": identifier}})

        def do_POST(self):
            self._handle("POST")

        def do_PUT(self):
            self._handle("PUT")

        def do_DELETE(self):
            self._handle("DELETE")

        def log_message(self, *args):
            pass

    return running(Handler)
