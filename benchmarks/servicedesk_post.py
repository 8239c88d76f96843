"""Open311 POST intake under load: throughput, p50 and p99, against a trivial JSON endpoint
of the same server in the same run.

    python benchmarks/servicedesk_post.py [--seconds 15] [--pairs 3] [--connections 16] [--port N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yankao_sd_bench python benchmarks/...

Builds a small demo city in a fresh data folder (on PostgreSQL the named database is
dropped and created again), starts `yankao serve` (granian, 2 workers) on 127.0.0.1 and
drives it with wrk (Debian package `wrk`), the two requests in turn (``--pairs`` windows
of each, the ratio taken within each pair and its median printed):
  baseline  GET /open311/v2/discovery.json (no database query: the same middleware and
            rendering path, the server's trivial JSON)
  post      POST /open311/v2/requests.json, form-encoded with the demo api_key: a dispatch
            pothole report, routed at once (case, contact in the vault, assignment, three
            audit events, in one transaction)
Then, with the server stopped, the same two requests in-process (Django's WSGI handler,
no server, no wrk), interleaved in rounds: the Python CPU time of each, and the CPU time
of the PostgreSQL backend serving the POST (read from /proc, the server being local). On
an idle machine with two workers the throughput ratio tends to the ratio of these costs.
Prints a table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _servicedesk import (  # noqa: E402
    add_server_options,
    free_port,
    require_benchmark_database,
    reset_postgres,
    serve_arguments,
    wait_until_serving,
)


def wrk(url: str, seconds: int, connections: int, script: Path | None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        value, unit = float(match[1]), match[2]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rate, "p50": ms("50"), "p99": ms("99"),
            "non2xx": int(errors[1]) if errors else 0}


POST_FIELDS = {"api_key": "o311_demo_kaohsiung", "service_code": "KH-007", "lat": "22.6218",
               "long": "120.3120", "description": "機車道坑洞（壓力測試）",
               "email": "bench@example.org"}


def in_process(rounds: int, per_round: int) -> None:
    """The child run by ``--in-process``: CPU per request, medians of the rounds."""
    import io

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yankao.settings")
    import django

    django.setup()
    from django.db import connection

    from yankao.wsgi import application

    def call(path: str, body: bytes = b"") -> None:
        environ = {"REQUEST_METHOD": "POST" if body else "GET", "PATH_INFO": path,
                   "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
                   "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1",
                   "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
                   "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
                   "CONTENT_TYPE": "application/x-www-form-urlencoded",
                   "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
                   "wsgi.multithread": True, "wsgi.multiprocess": True,
                   "wsgi.run_once": False}
        status: list[str] = []
        result = application(environ, lambda line, headers, info=None: status.append(line))
        b"".join(result)
        result.close()
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]}")

    def backend_seconds() -> float:
        if connection.vendor != "postgresql" or connection.connection is None:
            return 0.0
        stat = Path(f"/proc/{connection.connection.info.backend_pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def measure(path: str, body: bytes = b"") -> tuple[float, float]:
        cpu, backend = time.process_time(), backend_seconds()
        for _ in range(per_round):
            call(path, body)
        return ((time.process_time() - cpu) * 1000 / per_round,
                (backend_seconds() - backend) * 1000 / per_round)

    body = urllib.parse.urlencode(POST_FIELDS).encode()
    for _ in range(20):  # warm-up: the policy tree, prepared statements, caches
        call("/open311/v2/discovery.json")
        call("/open311/v2/requests.json", body)
    gets, posts = [], []
    for _ in range(rounds):
        gets.append(measure("/open311/v2/discovery.json"))
        posts.append(measure("/open311/v2/requests.json", body))
    get_cpu = statistics.median(cpu for cpu, _ in gets)
    post_cpu = statistics.median(cpu for cpu, _ in posts)
    post_db = statistics.median(db for _, db in posts)
    print(f"| in-process | GET discovery.json, Python CPU per request | {get_cpu:.2f} ms |")
    print(f"| in-process | POST requests.json, Python CPU per request | {post_cpu:.2f} ms |")
    print(f"| in-process | POST requests.json, PostgreSQL backend CPU | {post_db:.2f} ms |")
    print(f"| in-process | ratio GET / POST (Python) | {get_cpu / post_cpu:.3f} |")
    if post_db:
        print(f"| in-process | ratio GET / POST (Python + PostgreSQL) | "
              f"{get_cpu / (post_cpu + post_db):.3f} |")


def main() -> None:
    if sys.argv[1:2] == ["--in-process-child"]:
        in_process(int(sys.argv[2]), int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15,
                        help="seconds of wrk for each kind of request, split into --pairs")
    parser.add_argument("--pairs", type=int, default=3,
                        help="GET and POST windows taken in turn (the ratio of each pair "
                        "and their median: a host whose speed changes from minute to "
                        "minute moves both requests of a pair alike)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=0,
                        help="the server's port (default: a free one)")
    add_server_options(parser)
    parser.add_argument("--rounds", type=int, default=7,
                        help="in-process rounds of GET and POST (0: none)")
    parser.add_argument("--per-round", type=int, default=50,
                        help="requests of each kind in an in-process round")
    parser.add_argument("--again", metavar="DIR",
                        help="measure again on the data folder (and DATABASE_URL) of an "
                        "earlier run of this benchmark, printed at its end, instead of "
                        "building a new city: two versions of the code on the same data")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in {"YANKAO_ENV", "YANKAO_DATA_DIR"}}
    database = env.get("DATABASE_URL", "")
    env["YANKAO_RATE_LIMITS"] = "false"
    if args.again:
        folder = Path(args.again)
        if not (folder / "post.lua").is_file():
            raise SystemExit(f"{folder} is not the data folder of a run of this benchmark")
        if database:
            require_benchmark_database(database)
    else:
        if database:
            reset_postgres(database)
        folder = Path(tempfile.mkdtemp(prefix="yankao-bench-post-"))
    env["YANKAO_DATA_DIR"] = str(folder)
    if not args.again:
        subprocess.run([sys.executable, "-m", "yankao", "demo", "--scale", "0.001"], env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = args.port or free_port()
    # The server's log, to find the cause of any response that is not a success.
    log = (folder / "server.log").open("ab")
    server = subprocess.Popen(
        [sys.executable, "-m", "yankao", *serve_arguments(port, args.threads, args.workers)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    script = folder / "post.lua"
    body = urllib.parse.urlencode(POST_FIELDS)
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{body}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
    try:
        base = f"http://127.0.0.1:{port}/open311/v2"
        # A loaded machine may take minutes to start the workers.
        wait_until_serving(f"{base}/discovery.json", seconds=300)
        # Warm-up of both: the server's threads start on demand, the intake's statements
        # are prepared after a few runs in each connection.
        wrk(f"{base}/discovery.json", 3, args.connections, None)
        wrk(f"{base}/requests.json", 3, args.connections, script)
        window = max(1, round(args.seconds / args.pairs))
        pairs = [(wrk(f"{base}/discovery.json", window, args.connections, None),
                  wrk(f"{base}/requests.json", window, args.connections, script))
                 for _pair in range(args.pairs)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    engine = "PostgreSQL" if database else "SQLite"
    print(f"| {engine}, {window} s windows | baseline: GET discovery.json req/s (p50, p99 ms) "
          "| POST requests.json req/s (p50, p99 ms) | non-2xx | ratio POST / baseline |")
    for number, (baseline, post) in enumerate(pairs, 1):
        print(f"| pair {number} | {baseline['rps']:.0f} ({baseline['p50']:.1f}, "
              f"{baseline['p99']:.1f}) | {post['rps']:.0f} ({post['p50']:.1f}, "
              f"{post['p99']:.1f}) | {baseline['non2xx'] + post['non2xx']} | "
              f"{post['rps'] / baseline['rps']:.3f} |")
    ratios = sorted(post["rps"] / baseline["rps"] for baseline, post in pairs)
    print(f"| median of {len(pairs)} pairs (lowest – highest) | | | | "
          f"**{statistics.median(ratios):.3f}** ({ratios[0]:.3f} – {ratios[-1]:.3f}) |")
    if any(baseline["non2xx"] or post["non2xx"] for baseline, post in pairs):
        print(f"responses that were not a success: see {folder / 'server.log'}")
    if args.rounds:
        subprocess.run([sys.executable, __file__, "--in-process-child", str(args.rounds),
                        str(args.per_round)], env=env, check=True)
    print(f"data folder (for --again): {folder}")


if __name__ == "__main__":
    main()
