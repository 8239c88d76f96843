import pytest
from cryptography.fernet import Fernet

from yankao.config import Config, ConfigError, database_config, derived_vault_key


def test_default_is_sqlite_in_wal_mode_in_the_data_folder(tmp_path):
    config = database_config("", tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "yankao.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_url_selects_postgresql_with_persistent_connections(tmp_path):
    config = database_config("postgres://city:secret@db.internal:5433/yankao", tmp_path)
    assert config["ENGINE"] == "yankao.core.postgres"
    assert config["CONN_HEALTH_CHECKS"] is True
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "yankao")
    assert config["CONN_MAX_AGE"] == 60


@pytest.mark.parametrize(
    "url",
    ["postgres//nohost", "mysql://x/y", "postgres://", "just-words", "sqlite://"],
)
def test_malformed_database_url_is_one_clear_line(tmp_path, url):
    with pytest.raises(ConfigError) as raised:
        database_config(url, tmp_path)
    message = str(raised.value)
    assert message.startswith("DATABASE_URL is malformed")
    assert "\n" not in message


def test_production_refuses_to_start_without_secret_and_hosts(monkeypatch, tmp_path):
    monkeypatch.setenv("YANKAO_ENV", "production")
    monkeypatch.setenv("YANKAO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("YANKAO_SECRET_KEY", raising=False)
    monkeypatch.delenv("YANKAO_ALLOWED_HOSTS", raising=False)
    monkeypatch.delenv("YANKAO_VAULT_KEYS", raising=False)
    with pytest.raises(ConfigError, match="YANKAO_SECRET_KEY and YANKAO_ALLOWED_HOSTS"):
        Config.from_env()
    monkeypatch.setenv("YANKAO_SECRET_KEY", "x" * 40)
    with pytest.raises(ConfigError, match="YANKAO_ALLOWED_HOSTS"):
        Config.from_env()
    monkeypatch.setenv("YANKAO_ALLOWED_HOSTS", "yankao.city.gov.tw")
    # Without YANKAO_VAULT_KEYS the vault's key is derived from the secret key: from the
    # environment too, never a file beside the database, and another for another secret.
    derived = Config.from_env().vault_keys
    assert derived == (derived_vault_key("x" * 40),) and not (tmp_path / "vault_keys").exists()
    assert derived_vault_key("y" * 40) != derived[0]
    Fernet(derived[0])  # a valid Fernet key
    own = Fernet.generate_key().decode()
    monkeypatch.setenv("YANKAO_VAULT_KEYS", own)
    assert Config.from_env().vault_keys == (own,)
    config = Config.from_env()
    assert config.production and config.allowed_hosts == ["yankao.city.gov.tw"]
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_a_secret_once_per_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("YANKAO_ENV", "development")
    monkeypatch.setenv("YANKAO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("YANKAO_SECRET_KEY", raising=False)
    first = Config.from_env().secret_key
    assert first == Config.from_env().secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_redis_url_must_be_a_redis_url(monkeypatch, tmp_path):
    monkeypatch.setenv("YANKAO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REDIS_URL", "http://localhost:6379")
    with pytest.raises(ConfigError, match="REDIS_URL is malformed"):
        Config.from_env()
