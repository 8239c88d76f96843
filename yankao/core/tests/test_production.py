"""`yankao up` in production mode, as a city would start it (issue #11, findings 1 and 7):
it collects the static files and serves every public page with them, sends the security
headers, and a database holding the demo city refuses all of the demo's credentials.
CI repeats the same walk on PostgreSQL and Redis (.ci/run)."""

import subprocess
import sys
import time
import urllib.request

from yankao.core.tests.test_cli import clean_env, free_port, yankao
from yankao.testing import production_check


def test_production_starts_serves_static_files_and_refuses_the_demo(tmp_path):
    env = clean_env(tmp_path)
    built = yankao("demo", "--scale", "0.001", env=env)  # a demo database, made in development
    assert built.returncode == 0, built.stderr
    production = {**env, "YANKAO_ENV": "production", "YANKAO_SECRET_KEY": "p" * 48,
                  "YANKAO_ALLOWED_HOSTS": "127.0.0.1",
                  "YANKAO_VAULT_KEYS": (tmp_path / "data" / "vault_keys").read_text()}
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "yankao", "up", "--port", str(port)],
                               env=production, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        output = []
        for line in process.stdout:
            output.append(line)
            if "Press Ctrl-C to stop." in line or "yankao:" in line:
                break
        assert any("Yankao is running" in line for line in output), "".join(output)
        base = f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(base + "healthz", timeout=30) as response:
            assert response.status == 200
        walk = production_check.run(base, demo_database=True)
        assert walk.failures == [], walk.failures
        assert walk.checked > 20
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    # A second start finds the static files collected and starts without collecting.
    assert (tmp_path / "data" / "static" / "staticfiles.json").exists()
    started = time.monotonic()
    again = subprocess.run([sys.executable, "-m", "yankao", "manage", "check", "--deploy",
                            "--fail-level", "ERROR"], env=production, capture_output=True,
                           text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert time.monotonic() - started < 600
