"""The ``yankao`` command: up, demo, city, serve, worker, import, report, token, manage.

Every subcommand takes ``--data DIR`` (or YANKAO_DATA_DIR) to choose the data folder.
Errors a user can fix are one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from yankao.config import DEFAULT_SCALE, DEFAULT_SEED, ENV_DATA_DIR, ConfigError

EXIT_USAGE = 2


class CommandError(Exception):
    """A problem the user can fix; printed as one line."""


def fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"yankao: {message}", file=sys.stderr)
    return code


def use_data_dir(path: str | None) -> None:
    if path:
        os.environ[ENV_DATA_DIR] = str(Path(path).expanduser().resolve())


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yankao.settings")
    import django

    django.setup()


def check_port(host: str, port: int) -> None:
    if not 0 < port < 65536:
        raise CommandError(f"--port must be between 1 and 65535, not {port}")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the server itself binds: connections of a stopped server that linger in
        # TIME_WAIT do not hold the port, only a process listening on it does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
            probe.listen()
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"port {port} on {host} is already in use; stop the other server or "
                    f"choose another port with --port"
                ) from None
            raise CommandError(f"cannot listen on {host}:{port} ({error.strerror})") from None


PARENT_PID = "YANKAO_PARENT_PID"
STOP_GRACE_SECONDS = 15


def stop_with_parent() -> None:
    """In a process `yankao up` started: stop when `yankao up` is gone, however it ended
    (kill -9 included). The children lead their own sessions, so nothing else would stop
    them; a thread sees the parent change and sends this process SIGTERM, which granian
    and huey answer by shutting down."""
    import threading

    expected = os.environ.pop(PARENT_PID, "")
    if not expected.isdigit():
        return

    def watch() -> None:
        while os.getppid() == int(expected):
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)
        # A graceful stop that hangs (a web worker that never sees its stop event) must
        # not leave the process behind: after a grace period, end the whole group, which
        # this process leads with its own workers.
        time.sleep(STOP_GRACE_SECONDS)
        os.killpg(os.getpgid(0), signal.SIGKILL)

    threading.Thread(target=watch, name="yankao-parent-watch", daemon=True).start()


def wait_for_port(host: str, port: int, timeout: float, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def print_welcome(url: str, data_dir: Path) -> None:
    from yankao.core.demo import DEMO_PASSWORD, DEMO_USERS

    print()
    print(f"Yankao is running at {url}")
    print(f"  data folder: {data_dir}")
    print(f"  staff sign-in: {url}accounts/login/  (password for every demo user: "
          f"{DEMO_PASSWORD})")
    for user in DEMO_USERS:
        print(f"    {user.username:<12} {user.description:<38} token {user.token}")
    print("  Press Ctrl-C to stop.")
    print(flush=True)


# --- subcommands -------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    from yankao.core.demo import DemoRefused, demo_build

    call_command("migrate", verbosity=0, interactive=False)
    started = time.monotonic()
    try:
        demo_build(scale=args.scale, seed=args.seed)
    except DemoRefused as error:
        return fail(str(error))
    print(f"Demo city built at scale {args.scale} in {time.monotonic() - started:.1f} s.")
    return 0


def cmd_city(args: argparse.Namespace) -> int:
    """``yankao city setup [FOLDER]`` and ``yankao city example DIR``."""
    if args.action == "example":
        import shutil

        from yankao.core.cities import CITIES_DIR, DEFAULT_CITY

        target = Path(args.folder or f"{DEFAULT_CITY}-city")
        if target.exists():
            return fail(f"{target} exists already; name a new folder")
        shutil.copytree(CITIES_DIR / DEFAULT_CITY, target)
        print(f"{target}: Kaohsiung's data files, to change for your city (docs/cities.md); "
              f"then: yankao city setup {target}")
        return 0
    setup_django()
    from django.core.management import call_command

    from yankao.core.cities import CityDataError
    from yankao.core.errors import DomainError
    from yankao.core.services.city import city_setup

    call_command("migrate", verbosity=0, interactive=False)
    try:
        lines = city_setup(actor=None, folder=args.folder)
    except CityDataError as error:
        return fail(error.message, 1)
    except DomainError as error:
        return fail(error.message)
    print("City set up: " + lines[0])
    for line in lines[1:]:
        print(line)
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    """``yankao token USERNAME [--name NAME]``: a new personal API token, shown once."""
    setup_django()
    from django.contrib.auth import get_user_model

    from yankao.core.errors import DomainError
    from yankao.core.services.tokens import api_token_create

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        return fail(f"no user {args.username!r}; import staff first (yankao import staff csv)")
    try:
        token, raw = api_token_create(actor=None, user=user, name=args.name)
    except DomainError as error:
        return fail(error.message)
    print(raw)
    print(f"(token {token.prefix}… for {user.username}; shown once, only its hash is kept)",
          file=sys.stderr)
    return 0
STATIC_STAMP = ".yankao-static"


def static_sources_digest() -> str:
    """A fingerprint of every static file the installed apps provide (names, sizes, times)."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static() -> None:
    """Production serves hashed, compressed static files from a manifest; without it every
    page would fail (issue #11, finding 1). Collecting and compressing takes a while, so it
    is done only when the files changed since the last time."""
    from django.conf import settings
    from django.core.management import call_command

    if not settings.YANKAO_PRODUCTION:
        return
    stamp = Path(settings.STATIC_ROOT) / STATIC_STAMP
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    digest = static_sources_digest()
    if manifest.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        return
    print("Collecting static files…", flush=True)
    call_command("collectstatic", verbosity=0, interactive=False)
    stamp.write_text(digest)


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    check_port(args.host, args.port)
    collect_static()
    stop_with_parent()
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        "yankao.wsgi:application",
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
        respawn_failed_workers=True,
        log_access=args.access_log,
    ).serve()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    stop_with_parent()
    from django.core.management import call_command

    call_command("run_huey", workers=args.workers, worker_type="thread")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    setup_django()
    from tqdm import tqdm

    from yankao.core.errors import DomainError
    from yankao.core.imports import find_importer

    path = Path(args.file)
    if not path.is_file():
        return fail(f"{path}: no such file")
    try:
        importer = find_importer(args.kind, args.format)
        with tqdm(desc=f"import {args.kind}", unit="row", file=sys.stderr,
                  disable=args.quiet) as bar:

            def progress(done: int, total: int | None = None) -> None:
                if total is not None and bar.total != total:
                    bar.total = total
                bar.update(done - bar.n)

            result = importer(path, actor=None, progress=progress)
    except DomainError as error:
        return fail(error.message)
    for line in result.summary_lines():
        print(line)
    if result.unmapped:
        from django.conf import settings

        out = Path(settings.DATA_DIR) / "imports" / f"{path.stem}-mapping.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(result.mapping_csv())
        print(f"Mapping file: {out}\n  Fill in its column 'code' (a service code for a "
              f"category, an agency code for a unit), load it with\n  yankao import "
              f"mapping csv {out}\n  and import {path.name} again: its rows then move "
              f"from the placeholders.")
    return 1 if args.strict and result.rejected else 0


def cmd_tally(args: argparse.Namespace) -> int:
    """Count a participatory-budget pot and print the winners as JSON."""
    setup_django()
    import json

    from yankao.core.errors import DomainError
    from yankao.participation.selectors import pot_by_key
    from yankao.participation.services import pot_election
    from yankao.participation.tally import equal_shares, greedy

    try:
        pot = pot_by_key(args.pot)
    except DomainError as error:
        return fail(error.message)
    election = pot_election(pot)
    rule = args.rule or pot.rule
    if rule == "greedy":
        result = greedy(election, threshold=pot.vote_threshold if args.threshold is None
                        else args.threshold)
    else:
        completion = pot.completion if args.completion is None else args.completion
        result = equal_shares(election, completion=completion)
    print(json.dumps({"pot": args.pot, **result.as_json(), "stop": result.stop_reason},
                     ensure_ascii=False, indent=2))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    setup_django()
    from tqdm import tqdm

    from yankao.core.errors import DomainError
    from yankao.core.years import default_year, record_years
    from yankao.reports.generate import generate

    if args.year is None:
        args.year = default_year(record_years())
    structure = "annual" if args.kind == "annual" else f"monthly-{args.module}"
    if args.kind == "monthly" and not args.month:
        return fail("monthly reports need --month")
    out = Path(args.out) if args.out else Path(
        f"{structure}-{args.year}{f'-{args.month:02d}' if args.month else ''}.{args.format}")
    try:
        with tqdm(desc=f"{structure} {args.year}", unit=" steps", file=sys.stderr,
                  disable=args.quiet) as bar:

            def progress(done: int, total: int, step: str) -> None:
                bar.total = total
                bar.set_postfix_str(step, refresh=False)
                bar.update(done - bar.n)

            content = generate(structure=structure, year=args.year, month=args.month,
                               fmt=args.format, language=args.language,
                               base_url=args.base_url, progress=progress)
    except DomainError as error:
        return fail(error.message)
    out.write_bytes(content)
    print(f"{out} ({len(content):,} bytes)")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    setup_django()
    from yankao.backups.services import backup_create, backups_prune
    from yankao.core.errors import DomainError

    try:
        result = backup_create(to=Path(args.to) if args.to else None)
        if args.keep:
            backups_prune(folder=result.path.parent, keep=args.keep)
    except DomainError as error:
        return fail(error.message, 1)
    print(f"{result.path}")
    print(f"  {result.engine}: {result.tables} tables, {result.rows:,} rows; "
          f"{result.files} uploaded files; {result.size:,} bytes")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    setup_django()
    from yankao.backups.services import backup_restore, backup_verify

    path = Path(args.path)
    report = backup_verify(path=path) if args.verify else backup_restore(path=path)
    for line in report.lines:
        print(line)
    if not report.ok:
        return fail(f"{path.name}: {'does not verify' if args.verify else 'not restored'}", 1)
    print("verified: the backup restores" if args.verify else "restored")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yankao manage", *args.args])
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    check_port(args.host, args.port)
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from yankao.core.demo import DemoRefused, database_is_empty, demo_build

    started = time.monotonic()
    print("Applying database migrations…", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    if settings.YANKAO_PRODUCTION:
        collect_static()
    elif database_is_empty():
        print(f"Building the demo city (scale {args.scale})…", flush=True)
        try:
            demo_build(scale=args.scale, seed=args.seed)
        except DemoRefused as error:
            return fail(str(error))

    data = ["--data", str(settings.DATA_DIR)]
    base = [sys.executable, "-m", "yankao"]
    children: dict[str, subprocess.Popen] = {}
    child_env = {**os.environ, PARENT_PID: str(os.getpid())}
    # Both children are this interpreter running this package: no outside input.
    children["worker"] = subprocess.Popen(  # noqa: S603
        [*base, "worker", *data], start_new_session=True, env=child_env
    )
    children["server"] = subprocess.Popen(  # noqa: S603
        [*base, "serve", *data, "--host", args.host, "--port", str(args.port),
         "--workers", str(args.workers)],
        start_new_session=True, env=child_env,
    )

    stopping = False

    def stop(signum=None, frame=None) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        print("\nStopping Yankao…", flush=True)
        # SIGINT lets huey finish the running job; granian drains on SIGTERM.
        for name, process in children.items():
            if process.poll() is None:
                process.send_signal(signal.SIGINT if name == "worker" else signal.SIGTERM)
        # Each child leads its own process group (start_new_session). A granian worker
        # that was still starting when the stop came is never told to stop, and granian
        # waits for it; so what is left after 5 s gets SIGTERM as a group, and after 15 s
        # the whole group is killed: no process of Yankao outlives this command.
        for seconds, group_signal in ((5, signal.SIGTERM), (10, signal.SIGKILL)):
            deadline = time.monotonic() + seconds
            for process in children.values():
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
            for process in children.values():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, group_signal)
        for process in children.values():
            process.wait()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    host_for_url = "127.0.0.1" if args.host in {"0.0.0.0", "::"} else args.host  # noqa: S104
    if not wait_for_port(host_for_url, args.port, 180, children["server"]):
        stop()
        return fail("the web server did not start; see the messages above", 1)
    url = f"http://{host_for_url}:{args.port}/"
    print(f"Ready in {time.monotonic() - started:.1f} s.")
    print_welcome(url, settings.DATA_DIR)

    while not stopping:
        for name, process in children.items():
            if process.poll() is not None and not stopping:
                print(f"yankao: the {name} stopped unexpectedly (exit {process.returncode})",
                      file=sys.stderr)
                stop()
                return 1
        time.sleep(0.5)
    print("Yankao stopped.")
    return 0


# --- parser --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="yankao",
        description="Yankao (研考): a platform for a city's Research, Development and "
        "Evaluation Commission.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data", metavar="DIR",
        help=f"data folder (database, queue, uploads); default ${ENV_DATA_DIR} or ./yankao-data",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def server_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
        p.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
        p.add_argument("--workers", type=int, default=2, help="web server processes (2)")

    def demo_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--scale", type=float, default=DEFAULT_SCALE,
                       help=f"1 = one year at the 2018 volumes (default {DEFAULT_SCALE})")
        p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")

    up = sub.add_parser("up", parents=[common],
                        help="migrate, load the demo city if empty, start server and worker")
    server_options(up)
    demo_options(up)
    up.set_defaults(func=cmd_up)

    demo = sub.add_parser("demo", parents=[common], help="build the demo city")
    demo_options(demo)
    demo.set_defaults(func=cmd_demo)

    city = sub.add_parser(
        "city", parents=[common], help="set up a real city from its data files",
        description="setup: load a city's agencies, districts, service-desk catalogue and "
        "policies from its data folder (default: Kaohsiung's, shipped with Yankao) into the "
        "data folder's database, all or nothing; running it again updates what changed. "
        "example: copy Kaohsiung's files into a new folder to change for another city.",
    )
    city.add_argument("action", choices=["setup", "example"])
    city.add_argument("folder", nargs="?",
                      help="setup: the city's folder or a shipped city (kaohsiung); "
                      "example: the folder to create")
    city.set_defaults(func=cmd_city)

    token = sub.add_parser("token", parents=[common],
                           help="issue a personal API token for a user (shown once)")
    token.add_argument("username")
    token.add_argument("--name", default="command line", help="what the token is for")
    token.set_defaults(func=cmd_token)

    serve = sub.add_parser("serve", parents=[common], help="run the web server (granian, WSGI)")
    server_options(serve)
    serve.add_argument("--threads", type=int, default=16,
                       help="request threads per web server process (16)")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", parents=[common], help="run the background worker (huey)")
    worker.add_argument("--workers", type=int, default=2, help="worker threads (2)")
    worker.set_defaults(func=cmd_worker)

    importer = sub.add_parser(
        "import", parents=[common], help="import records from a file (idempotent)",
        description="Import records; importing the same file again changes nothing. "
        "Rejected rows are listed with their reasons at the end.",
    )
    importer.add_argument("kind", help="what to import, e.g. agencies, cases")
    importer.add_argument("format", help="the file's format, e.g. csv, xlsx, open1999-json")
    importer.add_argument("file", help="the file to read")
    importer.add_argument("--strict", action="store_true",
                          help="exit with 1 when any row is rejected")
    importer.add_argument("--quiet", action="store_true", help="no progress bar")
    importer.set_defaults(func=cmd_import)

    tally = sub.add_parser(
        "tally", parents=[common], help="count a participatory-budget pot (prints JSON)",
        description="Count a pot's ballots and print the winners (project ids as in the "
        "file they came from) and their total cost as JSON. POT is PROCESS/POT, as "
        "`yankao import ballots pb` prints it, or PROCESS when it has one pot.",
    )
    tally.add_argument("pot", help="PROCESS/POT or PROCESS")
    tally.add_argument("--rule", choices=["greedy", "mes"], help="default: the pot's own rule")
    tally.add_argument("--completion", choices=["add1", "add1-exhaustive", ""],
                       help="equal shares' completion (default: the pot's)")
    tally.add_argument("--threshold", type=int, help="greedy: least votes to win")
    tally.set_defaults(func=cmd_tally)

    report = sub.add_parser(
        "report", parents=[common], help="generate a report from the records",
        description="Generate the annual performance report or a monthly analysis.",
    )
    report.add_argument("kind", choices=["annual", "monthly"])
    report.add_argument("--year", type=int,
                        help="the year (default: the latest year with records)")
    report.add_argument("--month", type=int, choices=range(1, 13), metavar="1-12")
    report.add_argument("--module", choices=["programs", "servicedesk", "works"],
                        default="programs", help="which monthly analysis (programs)")
    report.add_argument("--format", choices=["html", "pdf", "docx"], default="html")
    report.add_argument("--language", choices=["zh-hant", "en"], default="zh-hant")
    report.add_argument("--out", help="file to write (default: a name from the report)")
    report.add_argument("--base-url", default=None,
                        help="address that figure links point to (YANKAO_BASE_URL)")
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    report.set_defaults(func=cmd_report)

    backup = sub.add_parser(
        "backup", parents=[common], help="back up the database and uploaded files",
        description="Take a backup while the platform runs: the database (SQLite online "
        "backup or pg_dump), the uploaded files and a manifest of checksums and row counts.")
    backup.add_argument("--to", metavar="DIR", help="folder for the backup (DATA/backups)")
    backup.add_argument("--keep", type=int, default=0, metavar="N",
                        help="then keep only the newest N backups in that folder")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser(
        "restore", parents=[common], help="verify or restore a backup",
        description="--verify restores into a scratch database and compares every checksum "
        "and row count; without it the backup goes into this data folder's database, which "
        "must be empty.")
    restore.add_argument("path", help="the backup folder")
    restore.add_argument("--verify", action="store_true",
                         help="only verify (restore into a scratch database)")
    restore.set_defaults(func=cmd_restore)

    manage = sub.add_parser("manage", parents=[common], help="run a Django management command",
                            add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def extract_data_option(argv: list[str]) -> tuple[list[str], str | None]:
    """Take ``--data DIR`` out of a manage command's own arguments."""
    rest, data, skip = [], None, False
    for index, item in enumerate(argv):
        if skip:
            skip = False
            continue
        if item == "--data" and index + 1 < len(argv):
            data, skip = argv[index + 1], True
        elif item.startswith("--data="):
            data = item.split("=", 1)[1]
        else:
            rest.append(item)
    return rest, data


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "manage":
        args.args, data = extract_data_option(args.args)
        args.data = args.data or data
    use_data_dir(args.data)
    try:
        return args.func(args)
    except (ConfigError, CommandError) as error:
        return fail(str(error))
    except KeyboardInterrupt:
        return 130
