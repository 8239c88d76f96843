"""Redis stopped under a real ``yankao serve`` (granian, the demo city, huey and the cache
on Redis): the site goes on, an Open311 report is stored and acknowledged, the reporter's
acknowledgement waits in the database, and the worker's release queues it once Redis is
back (decision 0149). Before, every page answered 500 while Redis was away, and a report
that was stored answered 500 too, its notices gone."""

import json
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request

import redis

from yankao.config import SQLITE_NAME
from yankao.core.tests.test_cli import clean_env, free_port, yankao
from yankao.servicedesk.demo import DEMO_OPEN311_KEY
from yankao.servicedesk.tests.test_kill9 import wait_until_serving

# What the worker's minute job runs (core.tasks.held_tasks_release_task).
RELEASE = ("import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'yankao.settings'; "
           "django.setup(); "
           "from yankao.core.queue import held_tasks_release; print(held_tasks_release())")


def report(port: int, text: str) -> tuple[int, str]:
    body = urllib.parse.urlencode({
        "api_key": DEMO_OPEN311_KEY, "service_code": "KH-007", "lat": "22.6218",
        "long": "120.3120", "description": text, "email": "reporter@example.org"}).encode()
    url = f"http://127.0.0.1:{port}/open311/v2/requests.json"
    with urllib.request.urlopen(url, data=body, timeout=30) as response:
        return response.status, json.loads(response.read())[0]["service_request_id"]


def get(port: int, path: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.status, response.read()


def test_the_site_goes_on_and_loses_no_job_while_redis_is_away(tmp_path, redis_server):
    env = clean_env(tmp_path)
    built = yankao("demo", "--scale", "0.001", env=env, timeout=600)
    assert built.returncode == 0, built.stderr
    env["REDIS_URL"] = redis_server.url
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "yankao", "serve", "--port", str(port), "--workers", "1",
         "--threads", "4"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    queue = redis.Redis.from_url(redis_server.url)
    try:
        wait_until_serving(port, server)
        assert report(port, "路樹倒塌，Redis 正常")[0] == 200
        queued_before = queue.llen("huey.redis.yankao")
        assert queued_before >= 1  # the reporter's acknowledgement

        redis_server.stop()
        status, number = report(port, "路樹倒塌，Redis 重新啟動中")
        assert status == 200 and number
        for path in ("/open311/v2/discovery.json", "/open311/v2/services.json", "/"):
            assert get(port, path)[0] == 200, path
        status, health = get(port, "/healthz")
        assert status == 200 and json.loads(health)["held_jobs"] == 1

        database = sqlite3.connect(tmp_path / "data" / SQLITE_NAME)
        assert database.execute("SELECT count(*) FROM servicedesk_case WHERE number = ?",
                                [number]).fetchone() == (1,)
        [(name,)] = database.execute("SELECT name FROM core_heldtask").fetchall()
        assert name.endswith("update_notify_job")
        database.close()

        # Still away: the worker's release leaves the job where it is.
        released = subprocess.run([sys.executable, "-c", RELEASE], env=env,
                                  capture_output=True, text=True, timeout=120)
        assert released.returncode == 0 and released.stdout.split()[-1] == "0", released

        redis_server.start()  # empty: it keeps nothing on disk
        released = subprocess.run([sys.executable, "-c", RELEASE], env=env,
                                  capture_output=True, text=True, timeout=120)
        assert released.returncode == 0 and released.stdout.split()[-1] == "1", released
        assert queue.llen("huey.redis.yankao") == 1
        assert json.loads(get(port, "/healthz")[1])["held_jobs"] == 0
    finally:
        server.terminate()
        server.wait(timeout=60)
