"""Open311 POST intake under load: throughput, p50 and p99, against a trivial JSON endpoint
of the same server in the same run.

    python benchmarks/servicedesk_post.py [--seconds 15] [--connections 16] [--port N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yankao_sd_bench python benchmarks/...

Builds a small demo city in a fresh data folder (on PostgreSQL the named database is
dropped and created again), starts `yankao serve` (granian, 2 workers) on 127.0.0.1 and
drives it with wrk (Debian package `wrk`):
  baseline  GET /open311/v2/discovery.json (no database query: the same middleware and
            rendering path, the server's trivial JSON)
  post      POST /open311/v2/requests.json, form-encoded with the demo api_key: a dispatch
            pothole report, routed at once (case, contact in the vault, assignment, three
            audit events, in one transaction)
Prints a table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _servicedesk import free_port, reset_postgres, wait_until_serving  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=0,
                        help="the server's port (default: a free one)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in {"YANKAO_ENV", "YANKAO_DATA_DIR"}}
    database = env.get("DATABASE_URL", "")
    if database:
        reset_postgres(database)
    folder = Path(tempfile.mkdtemp(prefix="yankao-bench-post-"))
    env["YANKAO_DATA_DIR"] = str(folder)
    env["YANKAO_RATE_LIMITS"] = "false"
    subprocess.run([sys.executable, "-m", "yankao", "demo", "--scale", "0.001"], env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = args.port or free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "yankao", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    script = folder / "post.lua"
    body = urllib.parse.urlencode({
        "api_key": "o311_demo_kaohsiung", "service_code": "KH-007", "lat": "22.6218",
        "long": "120.3120", "description": "機車道坑洞（壓力測試）",
        "email": "bench@example.org"})
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{body}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
    try:
        base = f"http://127.0.0.1:{port}/open311/v2"
        wait_until_serving(f"{base}/discovery.json", seconds=20)
        wrk(f"{base}/discovery.json", 3, args.connections, None)  # warm-up
        baseline = wrk(f"{base}/discovery.json", args.seconds, args.connections, None)
        post = wrk(f"{base}/requests.json", args.seconds, args.connections, script)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    engine = "PostgreSQL" if database else "SQLite"
    print(f"| {engine} | measure | req/s | p50 (ms) | p99 (ms) | non-2xx |")
    for name, result in (("baseline: GET discovery.json", baseline),
                         ("POST requests.json", post)):
        print(f"| {engine} | {name} | {result['rps']:.0f} | {result['p50']:.1f} | "
              f"{result['p99']:.1f} | {result['non2xx']} |")
    print(f"| {engine} | ratio POST / baseline (throughput) | {post['rps'] / baseline['rps']:.3f}"
          " | | | |")


if __name__ == "__main__":
    main()
