"""Backups taken while the platform writes, verified by restoring them into a scratch
database, on whichever database the suite runs (SQLite, or PostgreSQL with DATABASE_URL);
damaged backups refused with a clear message; generations kept."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import close_old_connections, connection

from yankao.backups import services
from yankao.core.models import AuditEvent, ClosureDay
from yankao.core.services.closures import closure_day_add

ROOT = Path(__file__).resolve().parents[3]
START = dt.date(2030, 1, 1)


def closure_dates_in(folder: Path) -> set[str]:
    """The closure days stored in a backup, read from the backup itself."""
    manifest = services.read_manifest(folder)
    database = folder / manifest["database"]["path"]
    if manifest["engine"] == "sqlite":
        with sqlite3.connect(database) as copy:
            return {row[0] for row in copy.execute("SELECT date FROM core_closureday")}
    import psycopg

    with services.scratch_postgres() as (name, params):
        arguments, env = services._pg_env(connection.settings_dict, name)
        subprocess.run(["pg_restore", *arguments, "--no-owner", "-d", name, str(database)],
                       env=env, check=True, capture_output=True)
        with psycopg.connect(**params) as restored:
            return {str(row[0]) for row in restored.execute("SELECT date FROM core_closureday")}


class Writer(threading.Thread):
    """Adds closure days one transaction at a time; a date is acknowledged once its
    service call has returned (committed)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.acknowledged: list[str] = []
        self.stop = threading.Event()
        self.error: Exception | None = None

    def run(self):
        try:
            day = START
            while not self.stop.is_set() and len(self.acknowledged) < 2000:
                closure_day_add(actor=None, date=day, reason="backup test")
                self.acknowledged.append(day.isoformat())
                day += dt.timedelta(days=1)
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            close_old_connections()
            connection.close()


def _writes_during_backup_sqlite(tmp_path: Path) -> dict:
    """Copy the (migrated) test database to a file and run the drill on it in a process
    of its own: WAL mode, one writer thread, the backup beside it."""
    data = tmp_path / "data"
    data.mkdir()
    connection.ensure_connection()
    with sqlite3.connect(data / "yankao.sqlite3") as copy:
        connection.connection.backup(copy)
    result = subprocess.run(
        [sys.executable, "-m", "yankao.backups.tests.drill", "--data", str(data)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={"PATH": "/usr/bin:/bin", "YANKAO_ENV": "test"})
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _writes_during_backup_postgres(tmp_path: Path) -> dict:
    writer = Writer()
    writer.start()
    while len(writer.acknowledged) < 20 and writer.is_alive():
        threading.Event().wait(0.01)
    before = list(writer.acknowledged)
    result = services.backup_create(to=tmp_path)
    during = len(writer.acknowledged)
    writer.stop.set()
    writer.join(timeout=60)
    return {"before": before, "during": during, "all": writer.acknowledged,
            "error": str(writer.error or ""), "backup": str(result.path)}


def test_a_backup_taken_during_writes_holds_every_acknowledged_write(transactional_db,
                                                                     tmp_path, settings):
    (Path(settings.MEDIA_ROOT) / "attachments").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "attachments" / "scan.pdf").write_bytes(b"%PDF-1.4 test")
    run = (_writes_during_backup_sqlite(tmp_path) if connection.vendor == "sqlite"
           else _writes_during_backup_postgres(tmp_path))
    assert not run["error"], run["error"]
    assert run["during"] > len(run["before"]), "the writer kept writing while the backup ran"
    folder = Path(run["backup"])
    report = services.backup_verify(path=folder)
    assert report.ok, report.lines
    stored = closure_dates_in(folder)
    assert set(run["before"]) <= stored  # every write acknowledged before the backup began
    assert stored <= set(run["all"])  # and nothing that was never written
    manifest = services.read_manifest(folder)
    assert manifest["rows"]["core_closureday"] == len(stored)
    assert AuditEvent.objects.filter(action="backup.verify").exists()


def test_uploaded_files_go_into_the_backup_with_their_checksums(transactional_db, tmp_path,
                                                                settings):
    (Path(settings.MEDIA_ROOT) / "attachments").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "attachments" / "scan.pdf").write_bytes(b"%PDF-1.4 test")
    folder = services.backup_create(to=tmp_path).path
    manifest = services.read_manifest(folder)
    assert [m["path"] for m in manifest["media"]] == ["media/attachments/scan.pdf"]
    assert (folder / "media/attachments/scan.pdf").read_bytes() == b"%PDF-1.4 test"


@pytest.mark.parametrize("damage, message", [
    ("flip", "checksum does not match"),
    ("truncate", "truncated"),
    ("no-manifest", "did not finish"),
    ("bad-manifest", "damaged"),
    ("missing-file", "missing"),
])
def test_a_damaged_backup_is_refused_clearly_and_nothing_changes(transactional_db, tmp_path,
                                                                 damage, message):
    closure_day_add(actor=None, date=START, reason="backup test")
    folder = services.backup_create(to=tmp_path).path
    manifest = services.read_manifest(folder)
    database = folder / manifest["database"]["path"]
    if damage == "flip":
        data = bytearray(database.read_bytes())
        data[len(data) // 2] ^= 0xFF
        database.write_bytes(bytes(data))
    elif damage == "truncate":
        database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])
    elif damage == "no-manifest":
        (folder / "manifest.json").unlink()
    elif damage == "bad-manifest":
        (folder / "manifest.json").write_text('{"format": 1, "datab')
    else:
        database.unlink()
    rows = ClosureDay.objects.count()
    report = services.backup_verify(path=folder)
    assert not report.ok and any(message in line for line in report.lines), report.lines
    assert ClosureDay.objects.count() == rows
    failed = AuditEvent.objects.get(action="backup.verify_failed")
    assert message in failed.reason


def test_generations_are_kept_and_unfinished_ones_removed(transactional_db, tmp_path):
    made = [services.backup_create(to=tmp_path, now=dt.datetime(2030, 1, day, tzinfo=dt.UTC))
            .path for day in range(1, 5)]
    removed = services.backups_prune(folder=tmp_path, keep=2)
    assert sorted(removed) == sorted(made[:2])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in made[2:])
    with pytest.raises(services.BackupError):
        services.backups_prune(folder=tmp_path, keep=0)


def test_the_commands_back_up_verify_and_restore_into_a_new_data_folder(transactional_db,
                                                                        tmp_path, capsys):
    from yankao import cli

    closure_day_add(actor=None, date=START, reason="restore drill")
    assert cli.main(["backup", "--to", str(tmp_path / "backups")]) == 0
    folder = Path(capsys.readouterr().out.splitlines()[0])
    assert cli.main(["restore", "--verify", str(folder)]) == 0
    assert "verified: the backup restores" in capsys.readouterr().out
    if connection.vendor != "sqlite":
        return  # restoring into PostgreSQL needs an empty database: the README's drill
    fresh = tmp_path / "fresh"
    result = subprocess.run(
        [sys.executable, "-m", "yankao", "restore", str(folder), "--data", str(fresh)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={"PATH": "/usr/bin:/bin", "YANKAO_ENV": "test"})
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(fresh / "yankao.sqlite3") as restored:
        assert [r[0] for r in restored.execute("SELECT reason FROM core_closureday")] == [
            "restore drill"]
    again = subprocess.run(
        [sys.executable, "-m", "yankao", "restore", str(folder), "--data", str(fresh)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={"PATH": "/usr/bin:/bin", "YANKAO_ENV": "test"})
    assert again.returncode == 1 and "not empty" in again.stdout + again.stderr


def test_a_folder_that_is_not_a_backup(transactional_db, tmp_path):
    report = services.backup_verify(path=tmp_path / "nothing")
    assert not report.ok and "not a backup folder" in report.lines[-1]
    json.dumps(report.lines)
