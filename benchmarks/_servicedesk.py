"""Helpers shared by the servicedesk benchmarks."""

from __future__ import annotations

import socket
import subprocess
import urllib.parse


def reset_postgres(url: str) -> None:
    """Drop and create the database named in ``url`` (a benchmark's own database)."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
