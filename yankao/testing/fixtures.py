"""Fixtures every app's tests may use: the real city and one user per common role."""

import pytest

from yankao.core.models import Agency, Role
from yankao.core.services.seed import city_seed
from yankao.core.tests.factories import member


@pytest.fixture
def city(db):
    """Kaohsiung's agencies and districts, keyed by code."""
    city_seed(actor=None)
    return {agency.code: agency for agency in Agency.objects.all()}


@pytest.fixture
def evaluator(city):
    return member(Role.EVALUATOR, city["rdec"], "t_evaluator")


@pytest.fixture
def officer(city):
    """An officer of 養工處 (pwb-maintenance)."""
    return member(Role.OFFICER, city["pwb-maintenance"], "t_officer")


@pytest.fixture
def epb_officer(city):
    return member(Role.OFFICER, city["environmental-protection"], "t_epb")


@pytest.fixture
def administrator(city):
    return member(Role.ADMINISTRATOR, city["rdec"], "t_admin")


@pytest.fixture
def second_connection():
    """A second PostgreSQL connection to the test database (autocommit), as another client
    or an operator would open one: to watch or end the server's sessions. Skips on
    SQLite."""
    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a second connection to PostgreSQL")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as second:
        yield second


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Background jobs started inside ``with run_jobs():`` run when the block ends (huey
    runs inline in tests), as the worker would run them after the request's commit."""

    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner


def job_download(client, response) -> bytes:
    """The file of the finished job a page redirected to (``/staff/jobs/<id>/``)."""
    assert response.status_code == 302, response.content[:300]
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'id="job-file"' in page.content.decode(), (
        page.content.decode()[:2000])
    download = client.get(response["Location"] + "file/")
    assert download.status_code == 200
    return b"".join(download.streaming_content)


class RedisServer:
    """A redis-server of the test's own on a free port of 127.0.0.1, without persistence,
    that the test may stop (as a restart or a failover does) and start again."""

    def __init__(self, port: int) -> None:
        self.port, self.url, self.process = port, f"redis://127.0.0.1:{port}/0", None

    def start(self) -> None:
        import subprocess
        import time

        import redis

        self.process = subprocess.Popen(  # noqa: S603 - our own arguments
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port),  # noqa: S607
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=1).ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)


@pytest.fixture
def redis_server():
    """A :class:`RedisServer`, started (skips where redis-server is not installed; CI
    installs it)."""
    import shutil

    from yankao.core.tests.test_cli import free_port

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()
