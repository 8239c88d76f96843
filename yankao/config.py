"""Typed configuration read from environment variables, with embedded defaults.

Nothing set means the embedded deployment: SQLite (WAL) and huey's SQLite queue in the
data folder, uploads on local disk. Production (``YANKAO_ENV=production``) must set its
own secret key and allowed hosts; there are no production defaults for secrets.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url


class ConfigError(Exception):
    """A setting is missing or malformed. Its message is one line, meant for the operator."""


ENV_DATA_DIR = "YANKAO_DATA_DIR"
DEFAULT_DATA_DIR_NAME = "yankao-data"
SQLITE_NAME = "yankao.sqlite3"
# The demo city: scale 1 is one year at the 2018 volumes; the default starts in seconds.
DEFAULT_SCALE = 0.02
DEFAULT_SEED = 2018


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str) -> list[str]:
    return [part.strip() for part in env_str(name).split(",") if part.strip()]


def data_dir() -> Path:
    """The folder holding this city's database, queue, uploads and generated secret."""
    raw = env_str(ENV_DATA_DIR)
    path = Path(raw).expanduser() if raw else Path.cwd() / DEFAULT_DATA_DIR_NAME
    return path.resolve()


def is_production() -> bool:
    env = env_str("YANKAO_ENV", "development").lower()
    if env not in {"development", "production", "test"}:
        raise ConfigError(f"YANKAO_ENV must be development, production or test, not {env!r}")
    return env == "production"


def database_config(url: str, folder: Path) -> dict:
    """Django's DATABASES['default'] from DATABASE_URL, or SQLite in WAL mode in ``folder``."""
    if not url:
        return sqlite_config(folder / SQLITE_NAME)
    scheme = urlsplit(url).scheme.lower()
    if scheme in {"postgres", "postgresql", "pgsql"}:
        try:
            config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        except ValueError as exc:
            raise ConfigError(f"DATABASE_URL is malformed ({exc})") from None
        if not config.get("NAME"):
            raise ConfigError(
                "DATABASE_URL is malformed: it names no database "
                "(expected postgres://USER:PASSWORD@HOST:PORT/NAME)"
            )
        # Django turns psycopg's prepared statements off (``prepare_threshold=None``, for
        # poolers in transaction mode; Yankao connects directly). Back on at psycopg's own
        # threshold: the hot INSERTs of core/inserts.py, bound on the server, are prepared
        # after five executions on a connection (decision 0132). The ORM's other queries
        # are bound on the client and never prepared.
        config.setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
        # Django's backend, with a health check that costs no round trip (decision 0147).
        config["ENGINE"] = "yankao.core.postgres"
        return config
    if scheme == "sqlite":
        path = urlsplit(url).path
        if not path or path == "/":
            raise ConfigError(
                "DATABASE_URL is malformed: sqlite:////absolute/path.sqlite3 expected"
            )
        return sqlite_config(Path(path))
    raise ConfigError(
        "DATABASE_URL is malformed: expected postgres://USER:PASSWORD@HOST:PORT/NAME "
        f"or sqlite:////path, got scheme {scheme or '(none)'!r}"
    )


def sqlite_config(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # WAL lets the web server read while the worker writes; IMMEDIATE transactions
            # take the write lock up front, so two writers wait instead of failing mid-way.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


def development_secret_key(folder: Path) -> str:
    """A per-data-folder random key, generated once; never used in production."""
    path = folder / "secret_key"
    if path.exists():
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def derived_vault_key(secret_key: str) -> str:
    """The vault key a production server uses when YANKAO_VAULT_KEYS is not set: derived
    from its secret key (HKDF-SHA256), so it too comes from the environment and never sits
    beside the database (decision 0033)."""
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"yankao reporter vault").derive(secret_key.encode())
    return base64.urlsafe_b64encode(key).decode()


def vault_keys(raw: str, folder: Path, production: bool, secret_key: str = "") -> list[str]:
    """The reporter vault's Fernet keys (yankao.core.crypto): the first encrypts, all
    decrypt. Production takes YANKAO_VAULT_KEYS, or else a key derived from its secret key;
    a development data folder makes one and keeps it."""
    import base64
    import binascii

    keys = [part.strip() for part in raw.split(",") if part.strip()]
    if not keys and production:
        keys = [derived_vault_key(secret_key)]
    if not keys:
        path = folder / "vault_keys"
        if not path.exists():
            from cryptography.fernet import Fernet

            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(Fernet.generate_key().decode())
        keys = [part.strip() for part in path.read_text().split(",") if part.strip()]
    for key in keys:
        try:
            valid = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise ConfigError("YANKAO_VAULT_KEYS must be Fernet keys (32 bytes in url-safe "
                              "base64), comma-separated")
    return keys


@dataclass(frozen=True)
class Config:
    production: bool
    data_dir: Path
    secret_key: str
    allowed_hosts: list[str]
    database: dict
    redis_url: str
    debug: bool
    vault_keys: tuple[str, ...] = ()
    testing: bool = False

    @classmethod
    def from_env(cls) -> Config:
        production = is_production()
        folder = data_dir()
        secret = env_str("YANKAO_SECRET_KEY")
        hosts = env_list("YANKAO_ALLOWED_HOSTS")
        if production:
            missing = [
                name
                for name, value in (
                    ("YANKAO_SECRET_KEY", secret),
                    ("YANKAO_ALLOWED_HOSTS", hosts),
                )
                if not value
            ]
            if missing:
                raise ConfigError(
                    f"YANKAO_ENV=production needs {' and '.join(missing)}; refusing to start"
                )
            if len(secret) < 32:
                raise ConfigError("YANKAO_SECRET_KEY must be at least 32 characters in production")
        else:
            secret = secret or development_secret_key(folder)
            hosts = hosts or ["127.0.0.1", "localhost", "[::1]", "testserver"]
        redis_url = env_str("REDIS_URL")
        if redis_url and urlsplit(redis_url).scheme not in {"redis", "rediss", "unix"}:
            raise ConfigError("REDIS_URL is malformed: expected redis://HOST:PORT/DB")
        return cls(
            production=production,
            data_dir=folder,
            secret_key=secret,
            allowed_hosts=hosts,
            database=database_config(env_str("DATABASE_URL"), folder),
            redis_url=redis_url,
            debug=env_bool("YANKAO_DEBUG", default=False) and not production,
            vault_keys=tuple(vault_keys(env_str("YANKAO_VAULT_KEYS"), folder, production,
                                        secret)),
            testing=env_str("YANKAO_ENV").lower() == "test",
        )
