"""Helpers shared by the servicedesk benchmarks.

A benchmark drops and fills its database, so it only ever touches a database it made: one
that does not exist yet, or one whose comment is ``MARK`` (set when a benchmark created
it). Any other database named in DATABASE_URL is refused before anything is changed.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

MARK = "yankao benchmark database: may be dropped by benchmarks/"


def _psql(url: str, script: str, name: str) -> str:
    """Run ``script`` with psql on the server's maintenance database; ``:'name'`` and
    ``:"name"`` in it are the database's name quoted by psql as a literal or identifier."""
    parts = urllib.parse.urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    done = subprocess.run(
        ["psql", admin, "-qAt", "-v", "ON_ERROR_STOP=1", "-v", f"name={name}"],
        input=script,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"psql: {done.stderr.strip()}")
    return done.stdout.strip()


def _name(url: str) -> str:
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not name:
        sys.exit("DATABASE_URL names no database")
    return name


def benchmark_database_state(url: str) -> str:
    """ "missing", "ours" (made by a benchmark) or "foreign"."""
    found = _psql(
        url,
        "SELECT count(*), coalesce(max(shobj_description(oid, 'pg_database')), "
        "'') FROM pg_database WHERE datname = :'name';",
        _name(url),
    )
    count, comment = found.split("|", 1)
    if count == "0":
        return "missing"
    return "ours" if comment == MARK else "foreign"


def _refuse_foreign(url: str, state: str) -> None:
    if state == "foreign":
        sys.exit(
            f"refused: the database {_name(url)!r} exists and was not made by a Yankao "
            "benchmark (its comment is not the benchmarks' mark); nothing was changed. "
            "Name a database that does not exist yet."
        )


def reset_postgres(url: str) -> None:
    """Drop and create the database named in ``url``: only one a benchmark made."""
    state = benchmark_database_state(url)
    _refuse_foreign(url, state)
    _psql(
        url,
        'DROP DATABASE IF EXISTS :"name";\nCREATE DATABASE :"name";\n'
        f"COMMENT ON DATABASE :\"name\" IS '{MARK}';\n",
        _name(url),
    )


def require_benchmark_database(url: str) -> None:
    """For a run that reuses a filled database (``--keep``): it must be one a benchmark
    made."""
    state = benchmark_database_state(url)
    _refuse_foreign(url, state)
    if state == "missing":
        sys.exit(f"the database {_name(url)!r} does not exist: run once without --keep")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_arguments(port: int, threads: int | None = None, workers: int = 2) -> list[str]:
    """`yankao serve`'s arguments for a benchmark: ``workers`` processes (two unless
    told) on ``port``, and ``threads`` request threads per process when given (else the
    server's default)."""
    return ["serve", "--port", str(port), "--workers", str(workers),
            *(["--threads", str(threads)] if threads else [])]


def add_server_options(parser) -> None:
    """The server's shape: request threads per process and how many processes."""
    parser.add_argument("--threads", type=int, default=None,
                        help="request threads per server process (default: yankao serve's)")
    parser.add_argument("--workers", type=int, default=2,
                        help="server processes (default 2, as `yankao serve`)")


def wait_until_serving(url: str, *, seconds: float = 60) -> None:
    """Wait until a GET of ``url`` answers (a server just started); give up after
    ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"{url}: no answer after {seconds:.0f} s")
            time.sleep(0.1)


def timed(function, repeat: int) -> tuple[float, float]:
    """``function`` run 3 times to warm up, then ``repeat`` times: the median and the p99
    of its wall-clock time, in milliseconds."""
    for _ in range(3):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    return statistics.median(samples), p99
