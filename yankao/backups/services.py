"""Backups that restore (陸3.1): take one, verify one by restoring it into a scratch
database, restore one into an empty database, keep a number of generations.

A backup is a folder ``yankao-backup-<UTC time>/`` holding the database (SQLite: the
online backup API's copy; PostgreSQL: ``pg_dump -Fc`` of an exported snapshot), the
uploaded files under ``media/``, and ``manifest.json``, written last: every file's size
and SHA-256 and every table's row count, counted in the same snapshot as the copy.
A folder without a manifest is an unfinished backup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.sqlite3._functions import register as register_django_functions

import yankao
from yankao.backups.audit import BackupAction
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.services.audit import audit_record

MANIFEST = "manifest.json"
PREFIX = "yankao-backup-"
CHUNK = 1 << 20


class BackupError(DomainError):
    def __init__(self, message: str):
        super().__init__(ErrorCode.INVALID, message)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _file_entry(path: Path, root: Path) -> dict:
    return {"path": path.relative_to(root).as_posix(), "size": path.stat().st_size,
            "sha256": sha256(path)}


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def _pg_env(database: dict, name: str | None = None) -> tuple[list[str], dict]:
    arguments = ["-h", database.get("HOST") or "127.0.0.1", "-p", str(database.get("PORT") or 5432),
                 "-U", database.get("USER") or "postgres"]
    env = {**os.environ, "PGDATABASE": name or database["NAME"]}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return arguments, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:500]}")


def _count_rows(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - our table names
        counts[table] = cursor.fetchone()[0]
    return counts


def _dump_sqlite(target: Path) -> dict[str, int]:
    """The online backup API copies a consistent database while others write."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        tables = [row[0] for row in destination.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return _count_rows(destination.cursor(), sorted(tables), lambda t: f'"{t}"')
    finally:
        destination.close()


def _dump_postgres(target: Path) -> dict[str, int]:
    """pg_dump of a snapshot this transaction exported, and the row counts of that same
    snapshot: writes going on during the dump are in neither or in both."""
    database = settings.DATABASES["default"]
    arguments, env = _pg_env(database)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count_rows(cursor, _tables(), connection.ops.quote_name)
        _run(["pg_dump", *arguments, "-Fc", "--no-owner", "--no-privileges",
              f"--snapshot={snapshot}", "-f", str(target)], env)
    return counts


@dataclass
class BackupResult:
    path: Path
    engine: str
    tables: int
    rows: int
    files: int
    size: int


def backup_create(*, to: Path | None = None, now: dt.datetime | None = None) -> BackupResult:
    """Take a backup into ``to`` (default: ``DATA_DIR/backups``); returns where it is."""
    now = now or dt.datetime.now(dt.UTC)
    parent = Path(to) if to else Path(settings.DATA_DIR) / "backups"
    parent.mkdir(parents=True, exist_ok=True)
    folder = parent / f"{PREFIX}{now:%Y%m%dT%H%M%S%fZ}"
    folder.mkdir()
    try:
        if _postgres():
            database_file, engine = folder / "database.dump", "postgresql"
            counts = _dump_postgres(database_file)
        else:
            database_file, engine = folder / "database.sqlite3", "sqlite"
            counts = _dump_sqlite(database_file)
        media = Path(settings.MEDIA_ROOT)
        files = []
        if media.is_dir():
            for source in sorted(p for p in media.rglob("*") if p.is_file()):
                copy = folder / "media" / source.relative_to(media)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy)
                files.append(_file_entry(copy, folder))
        manifest = {
            "format": 1, "created_at": now.isoformat(), "yankao": yankao.__version__,
            "engine": engine, "database": _file_entry(database_file, folder),
            "media": files, "rows": counts,
        }
        partial = folder / f"{MANIFEST}.partial"
        partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.replace(folder / MANIFEST)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    result = BackupResult(path=folder, engine=engine, tables=len(counts),
                          rows=sum(counts.values()), files=len(files),
                          size=sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()))
    with transaction.atomic():
        audit_record(actor=None, action=BackupAction.CREATE, to_state=folder.name,
                     data={"engine": engine, "rows": result.rows, "files": result.files,
                           "bytes": result.size})
    return result


@dataclass
class Verification:
    path: Path
    ok: bool = True
    lines: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.ok = False
        self.lines.append(f"FAILED: {message}")

    def say(self, message: str) -> None:
        self.lines.append(message)


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a backup folder")
    if not path.is_file():
        raise BackupError(f"{folder.name} has no {MANIFEST}: the backup did not finish")
    try:
        manifest = json.loads(path.read_text())
        manifest["database"]["path"], manifest["rows"]
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{MANIFEST} is damaged ({type(error).__name__})") from None
    return manifest


def _check_files(folder: Path, manifest: dict, report: Verification) -> None:
    for entry in [manifest["database"], *manifest.get("media", [])]:
        path = (folder / entry["path"]).resolve()
        if folder.resolve() not in path.parents:
            report.fail(f"{entry['path']}: outside the backup")
        elif not path.is_file():
            report.fail(f"{entry['path']}: missing")
        elif path.stat().st_size != entry["size"]:
            report.fail(f"{entry['path']}: {path.stat().st_size} bytes, the manifest says "
                        f"{entry['size']} (truncated?)")
        elif sha256(path) != entry["sha256"]:
            report.fail(f"{entry['path']}: checksum does not match (damaged)")
    if report.ok:
        report.say(f"checksums: {1 + len(manifest.get('media', []))} files match")


def _restored_counts_sqlite(database_file: Path) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "restore.sqlite3"
        shutil.copyfile(database_file, copy)
        restored = sqlite3.connect(copy)
        # Expression indexes (a day's partition key, a year's uniqueness) call the SQL
        # functions Django adds to each SQLite connection: the check needs them too.
        register_django_functions(restored)
        try:
            if restored.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the restored SQLite database fails its integrity check")
            tables = [row[0] for row in restored.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
            return _count_rows(restored.cursor(), sorted(tables), lambda t: f'"{t}"')
        except sqlite3.DatabaseError as error:
            raise BackupError(f"the database copy does not open: {error}") from None
        finally:
            restored.close()


@contextlib.contextmanager
def scratch_postgres():
    """A new, empty PostgreSQL database beside the live one, dropped afterwards."""
    import psycopg

    database = settings.DATABASES["default"]
    name = f"yankao_restore_{uuid.uuid4().hex[:12]}"
    params = {"host": database.get("HOST") or "127.0.0.1", "port": database.get("PORT") or 5432,
              "user": database.get("USER") or "postgres", "password": database.get("PASSWORD"),
              "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, {k: v for k, v in {**params, "dbname": name}.items() if v is not None}
    finally:
        with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _restored_counts_postgres(dump: Path) -> dict[str, int]:
    import psycopg

    arguments, _env = _pg_env(settings.DATABASES["default"])
    with scratch_postgres() as (name, params):
        _arguments, env = _pg_env(settings.DATABASES["default"], name)
        _run(["pg_restore", *arguments, "--no-owner", "--no-privileges", "--exit-on-error",
              "-d", name, str(dump)], env)
        with psycopg.connect(**params) as restored, restored.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = sorted(row[0] for row in cursor.fetchall())
            return _count_rows(cursor, tables, lambda t: f'"{t}"')


def backup_verify(*, path: Path, audit: bool = True) -> Verification:
    """Check every checksum, restore the database into a scratch database, compare every
    table's row count with the manifest. Nothing live is touched; the result is audited
    (unless ``audit=False``: a restore into an empty database audits once it is there)."""
    folder = Path(path)
    report = Verification(path=folder)
    try:
        manifest = read_manifest(folder)
        report.say(f"backup of {manifest.get('created_at')} ({manifest.get('engine')}, "
                   f"Yankao {manifest.get('yankao')})")
        _check_files(folder, manifest, report)
        if report.ok:
            database_file = folder / manifest["database"]["path"]
            if manifest.get("engine") == "postgresql":
                if not _postgres():
                    raise BackupError("a PostgreSQL backup is verified with DATABASE_URL "
                                      "pointing at a PostgreSQL server")
                restored = _restored_counts_postgres(database_file)
            else:
                restored = _restored_counts_sqlite(database_file)
            expected = manifest["rows"]
            wrong = [f"{table}: {restored.get(table)} rows, the manifest says {count}"
                     for table, count in expected.items() if restored.get(table) != count]
            extra = sorted(set(restored) - set(expected))
            for line in wrong:
                report.fail(line)
            if extra:
                report.fail(f"tables not in the manifest: {', '.join(extra[:5])}")
            if report.ok:
                report.say(f"restored into a scratch database: {len(expected)} tables, "
                           f"{sum(expected.values())} rows, every count matches")
    except BackupError as error:
        report.fail(error.message)
    if not audit:
        return report
    with transaction.atomic():
        audit_record(actor=None, action=BackupAction.VERIFY if report.ok
                     else BackupAction.VERIFY_FAILED, to_state="ok" if report.ok else "failed",
                     reason="; ".join(line for line in report.lines if line.startswith("FAILED"))
                     [:500], data={"backup": folder.name})
    return report


def backup_restore(*, path: Path) -> Verification:
    """Restore a verified backup into the configured database, which must be empty (a new
    data folder or a new PostgreSQL database), and its files into MEDIA_ROOT."""
    report = backup_verify(path=path, audit=False)
    if not report.ok:
        return report
    folder = Path(path)
    manifest = read_manifest(folder)
    if _tables():
        report.fail("the target database is not empty; restore into a new data folder or a "
                    "new database")
        return report
    database_file = folder / manifest["database"]["path"]
    if manifest["engine"] == "postgresql":
        if not _postgres():
            report.fail("a PostgreSQL backup restores into PostgreSQL (set DATABASE_URL)")
            return report
        arguments, env = _pg_env(settings.DATABASES["default"])
        _run(["pg_restore", *arguments, "--no-owner", "--no-privileges", "--exit-on-error",
              "-d", settings.DATABASES["default"]["NAME"], str(database_file)], env)
    else:
        if _postgres():
            report.fail("a SQLite backup restores into SQLite (unset DATABASE_URL)")
            return report
        connection.close()
        source = sqlite3.connect(database_file)
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    media = Path(settings.MEDIA_ROOT)
    for entry in manifest.get("media", []):
        target_file = media / Path(entry["path"]).relative_to("media")
        target_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / entry["path"], target_file)
    report.say(f"restored into the configured database and {len(manifest.get('media', []))} "
               "files into the media folder")
    with transaction.atomic():
        audit_record(actor=None, action=BackupAction.RESTORE, to_state=folder.name,
                     data={"verified": True})
    return report


def backups_prune(*, folder: Path, keep: int) -> list[Path]:
    """Keep the newest ``keep`` finished backups; remove older ones and unfinished ones
    (no manifest) older than a day. Returns what was removed."""
    if keep < 1:
        raise BackupError("keep at least one backup")
    found = sorted((p for p in Path(folder).glob(f"{PREFIX}*") if p.is_dir()), reverse=True)
    finished = [p for p in found if (p / MANIFEST).is_file()]
    unfinished = [p for p in found if not (p / MANIFEST).is_file()
                  and dt.datetime.now(dt.UTC).timestamp() - p.stat().st_mtime > 86_400]
    removed = finished[keep:] + unfinished
    for path in removed:
        shutil.rmtree(path)
    if removed:
        with transaction.atomic():
            audit_record(actor=None, action=BackupAction.PRUNE, to_state=str(len(removed)),
                         data={"removed": [p.name for p in removed]})
    return removed
