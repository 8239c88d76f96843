"""A burst of Open311 POSTs against a real ``yankao serve`` (granian, workers respawned),
with one worker killed by SIGKILL in the middle: every case that was acknowledged with a
service_request_id is in the database afterwards."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from yankao.core.tests.test_cli import clean_env, free_port, yankao
from yankao.servicedesk.demo import DEMO_OPEN311_KEY

POSTERS, POSTS_EACH = 6, 25


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def wait_until_serving(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("the server did not start")


def test_acknowledged_cases_survive_a_killed_worker(tmp_path):
    env = clean_env(tmp_path)
    built = yankao("demo", "--scale", "0.001", env=env, timeout=600)
    assert built.returncode == 0, built.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "yankao", "serve", "--port", str(port), "--workers", "2",
         "--threads", "4"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    acknowledged: list[str] = []
    refused: list[str] = []
    lock = threading.Lock()
    try:
        wait_until_serving(port, server)
        url = f"http://127.0.0.1:{port}/open311/v2/requests.json"

        def post(poster: int) -> None:
            for index in range(POSTS_EACH):
                body = urllib.parse.urlencode({
                    "api_key": DEMO_OPEN311_KEY, "service_code": "KH-007",
                    "lat": "22.6218", "long": "120.3120",
                    "description": f"壓力測試 {poster}-{index}"}).encode()
                try:
                    with urllib.request.urlopen(url, data=body, timeout=20) as response:
                        number = json.loads(response.read())[0]["service_request_id"]
                    with lock:
                        acknowledged.append(number)
                except (OSError, ValueError) as error:  # a killed worker drops connections
                    with lock:
                        refused.append(str(error))

        threads = [threading.Thread(target=post, args=(n,)) for n in range(POSTERS)]
        for thread in threads:
            thread.start()
        while len(acknowledged) < POSTERS * POSTS_EACH // 4:
            time.sleep(0.02)
        workers = children_of(server.pid)
        assert workers, "granian runs its workers as child processes"
        os.kill(workers[0], signal.SIGKILL)
        print("killed", workers[0], "of", workers, "after", len(acknowledged))
        for thread in threads:
            thread.join(timeout=120)
        assert server.poll() is None, "the server itself must survive a killed worker"
        time.sleep(1)
        assert children_of(server.pid), "a worker is serving again"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    print("acknowledged", len(acknowledged), "refused", len(refused), refused[:2])
    assert len(acknowledged) >= POSTERS * POSTS_EACH // 2
    check = subprocess.run(
        [sys.executable, "-m", "yankao", "manage", "shell", "-c",
         "import json,sys; from yankao.servicedesk.models import Case; "
         "wanted=json.load(sys.stdin); "
         "print(json.dumps(sorted(set(wanted)-set(Case.objects.filter("
         "number__in=wanted).values_list('number', flat=True)))))"],
        input=json.dumps(acknowledged), env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr
    missing = json.loads(check.stdout.strip().splitlines()[-1])
    assert missing == [], f"acknowledged but lost: {missing}"
