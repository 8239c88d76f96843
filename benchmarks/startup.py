"""Time to first page: how long from the command until http://127.0.0.1:PORT/ answers 200.

    python benchmarks/startup.py [--runs 3]

Measures, in one run on one machine:
  baseline  granian serving a one-line WSGI app (benchmarks/hello_wsgi.py)
  fresh     `yankao up` on an empty data folder: migrations, demo city, server, worker
  warm      `yankao up` again on the same folder (nothing to migrate or build)
and prints each median with its ratio to the baseline. Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def first_page(command: list[str], port: int, env: dict, cwd: Path) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[:4]} exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "YANKAO_ENV", "YANKAO_DATA_DIR"}}
    python = sys.executable
    results: dict[str, list[float]] = {"baseline": [], "fresh": [], "warm": []}
    for _ in range(args.runs):
        port = free_port()
        results["baseline"].append(first_page(
            [python, "-m", "granian", "--interface", "wsgi", "--port", str(port),
             "--workers", "2", "hello_wsgi:application"], port, env, HERE))
        with tempfile.TemporaryDirectory() as data:
            for label in ("fresh", "warm"):
                port = free_port()
                results[label].append(first_page(
                    [python, "-m", "yankao", "up", "--data", data, "--port", str(port)],
                    port, env, HERE))
    baseline = statistics.median(results["baseline"])
    print(f"{'measure':<10} {'median s':>9} {'ratio':>7}   runs")
    for label, values in results.items():
        median = statistics.median(values)
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"{label:<10} {median:>9.2f} {median / baseline:>7.1f}   {runs}")


if __name__ == "__main__":
    main()
