"""The ``yankao`` command as a user runs it: real processes, real ports."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_env(tmp_path, **extra) -> dict:
    """A user's shell: no test settings, SQLite in a fresh data folder."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"YANKAO_ENV", "DATABASE_URL", "REDIS_URL", "YANKAO_DATA_DIR",
                        "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE",
                        "YANKAO_VAULT_KEYS", "YANKAO_SECRET_KEY", "YANKAO_ALLOWED_HOSTS"}}
    env["YANKAO_DATA_DIR"] = str(tmp_path / "data")
    env.update(extra)
    return env


# Generous: a loaded machine can take minutes to migrate; a real hang still fails.
def yankao(*args, env, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "yankao", *args], env=env, capture_output=True, text=True,
        timeout=timeout,
    )


def test_port_in_use_is_one_clear_line(tmp_path):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = yankao("serve", "--port", str(port), env=clean_env(tmp_path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"yankao: port {port} on 127.0.0.1 is already in use; stop the other server or "
        "choose another port with --port"
    ]


def test_malformed_database_url_is_one_clear_line(tmp_path):
    result = yankao("manage", "check", env=clean_env(tmp_path, DATABASE_URL="postgres//db"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "yankao: DATABASE_URL is malformed: expected postgres://USER:PASSWORD@HOST:PORT/NAME or "
        "sqlite:////path, got scheme '(none)'"
    ]


def test_production_without_secrets_refuses_to_start(tmp_path):
    result = yankao("up", "--port", str(free_port()),
                    env=clean_env(tmp_path, YANKAO_ENV="production"))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "yankao: YANKAO_ENV=production needs YANKAO_SECRET_KEY and YANKAO_ALLOWED_HOSTS; "
        "refusing to start"
    )


def test_data_option_keeps_cities_apart(tmp_path):
    env = clean_env(tmp_path)
    first = yankao("demo", "--data", str(tmp_path / "a"), env=env)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "a" / "yankao.sqlite3").exists()
    again = yankao("demo", "--data", str(tmp_path / "a"), env=env)
    assert again.returncode == 2 and "already holds a city" in again.stderr
    check = yankao("manage", "--data", str(tmp_path / "b"), "migrate", "-v", "0", env=env)
    assert check.returncode == 0, check.stderr
    assert (tmp_path / "b" / "yankao.sqlite3").exists()


def test_up_serves_the_demo_city_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "yankao", "up", "--port", str(port)],
        env=clean_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if "Press Ctrl-C to stop." in line:
                break
        text = "".join(output)
        assert f"Yankao is running at http://127.0.0.1:{port}/" in text, text
        assert "evaluator" in text and "yk_demo_officer" in text
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200
            assert "研考" in response.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, rest
    assert "Yankao stopped." in rest
    with socket.socket() as probe, pytest.raises(OSError):
        probe.settimeout(1)
        probe.connect(("127.0.0.1", port))


def test_ctrl_c_at_once_leaves_no_process_behind(tmp_path):
    """Ctrl-C right after the welcome, while a server worker may still be starting (granian
    then waits for it forever): `yankao up` still ends, and nothing it started outlives it
    (its output reaches its end, which it cannot while any child holds it open)."""
    env = clean_env(tmp_path)
    assert yankao("manage", "migrate", "-v", "0", env=env).returncode == 0
    for _round in range(3):
        process = subprocess.Popen(
            [sys.executable, "-m", "yankao", "up", "--port", str(free_port()), "--scale",
             "0.001"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            for line in process.stdout:
                if "Press Ctrl-C to stop." in line:
                    break
            process.send_signal(signal.SIGINT)
            rest, _ = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert process.returncode == 0 and "Yankao stopped." in rest, rest


def test_seed_city_command_loads_kaohsiung_once(tmp_path):
    env = clean_env(tmp_path)
    assert yankao("manage", "migrate", "-v", "0", env=env).returncode == 0
    first = yankao("manage", "seed_city", "kaohsiung", env=env)
    again = yankao("manage", "seed_city", "kaohsiung", env=env)
    assert first.stdout.strip() == again.stdout.strip() == "88 agencies, 38 districts"


def test_import_command_shows_progress_and_a_summary_of_rejected_rows(tmp_path):
    env = clean_env(tmp_path)
    assert yankao("manage", "migrate", "-v", "0", env=env).returncode == 0
    path = tmp_path / "agencies.csv"
    path.write_text("code,name_zh,name_en,kind\nks-a,甲機關,Agency A,first_level\n"
                    "ks-b,乙機關,Agency B,nonsense\n", encoding="utf-8")
    first = yankao("import", "agencies", "csv", str(path), env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "2 rows read: 1 created, 0 updated, 0 unchanged, 1 rejected",
        "  1 × unknown kind 'nonsense' (rows 3)",
    ]
    assert "import agencies" in first.stderr  # the progress bar
    again = yankao("import", "agencies", "csv", str(path), "--strict", env=env)
    assert again.returncode == 1
    assert again.stdout.startswith("2 rows read: 0 created, 0 updated, 1 unchanged, 1 rejected")
    missing = yankao("import", "agencies", "csv", str(tmp_path / "nope.csv"), env=env)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_a_port_whose_old_connections_linger_in_time_wait_is_free(tmp_path):
    """After a server stops, its closed connections stay in TIME_WAIT for a minute; a
    restart must not be refused for that (issue #11, finding 4)."""
    from yankao.cli import check_port

    port = free_port()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as granian's own socket
    listener.bind(("127.0.0.1", port))
    listener.listen()
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()  # the server closes first: its side of the connection is in TIME_WAIT
    client.close()
    listener.close()
    check_port("127.0.0.1", port)  # no "already in use"
    with socket.socket() as taken:  # a server listening on it now: refused
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", port))
        taken.listen()
        with pytest.raises(Exception, match="already in use"):
            check_port("127.0.0.1", port)


def _processes_using(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().decode(errors="replace")
        except OSError:
            continue
        if marker in command:
            found.append(int(entry))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_kill_9_of_up_leaves_no_server_or_worker_and_it_starts_again(tmp_path):
    """kill -9 gives `yankao up` no chance to stop its children: they stop by themselves,
    and the next `yankao up` on the same port starts at once (issue #11, finding 4)."""
    env = clean_env(tmp_path)
    assert yankao("manage", "migrate", "-v", "0", env=env).returncode == 0
    port = free_port()
    marker = str(tmp_path / "data")
    for _round in range(2):
        process = subprocess.Popen(
            [sys.executable, "-m", "yankao", "up", "--port", str(port), "--scale", "0.001"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            seen = []
            for line in process.stdout:
                seen.append(line)
                if "Press Ctrl-C to stop." in line:
                    break
            assert any("Yankao is running" in line for line in seen), "".join(seen)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10):
                pass
            children = [pid for pid in _processes_using(marker) if pid != process.pid]
            assert len(children) >= 2  # server and worker
            process.kill()
            process.wait()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and _processes_using(marker):
                time.sleep(0.2)
            assert _processes_using(marker) == []
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
