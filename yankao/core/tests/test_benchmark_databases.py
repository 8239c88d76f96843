"""A benchmark never runs against a database it did not create: the service desk's
benchmarks drop and fill the database named in DATABASE_URL, so one that exists without
the benchmarks' mark is refused before anything changes (``benchmarks/_servicedesk.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from _servicedesk import (
    benchmark_database_state,
    require_benchmark_database,
    reset_postgres,
)


def _url(name: str) -> str:
    found = settings.DATABASES["default"]
    return f"postgres://{found['USER']}@{found['HOST']}:{found['PORT']}/{name}"


def _psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", url, "-qAtc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_database_not_made_by_a_benchmark_is_refused_and_kept():
    if connection.vendor != "postgresql":
        pytest.skip("the benchmarks run on PostgreSQL (CI's PostgreSQL pass runs this)")
    foreign, ours = (f"yankao_guard_{kind}_{os.getpid()}" for kind in ("foreign", "ours"))
    admin = _url("postgres")
    for name in (foreign, ours):
        _psql(admin, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(admin, f'CREATE DATABASE "{foreign}"')
    try:
        _psql(_url(foreign), "CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)")
        for attempt in (reset_postgres, require_benchmark_database):
            with pytest.raises(SystemExit, match="not made by a Yankao benchmark"):
                attempt(_url(foreign))
        assert _psql(_url(foreign), "SELECT n FROM kept") == "7"

        with pytest.raises(SystemExit, match="does not exist"):
            require_benchmark_database(_url(ours))
        assert benchmark_database_state(_url(ours)) == "missing"
        reset_postgres(_url(ours))  # made here: marked, and so reusable and droppable
        assert benchmark_database_state(_url(ours)) == "ours"
        _psql(_url(ours), "CREATE TABLE filled (n int)")
        require_benchmark_database(_url(ours))
        reset_postgres(_url(ours))
        assert _psql(_url(ours), "SELECT count(*) FROM pg_tables WHERE tablename = 'filled'") == "0"
    finally:
        for name in (foreign, ours):
            _psql(admin, f'DROP DATABASE IF EXISTS "{name}"')
