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
