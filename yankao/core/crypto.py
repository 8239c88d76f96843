"""Encryption at rest of the reporter vault (個人資料保護法 art. 27: security measures).

Keys come from ``YANKAO_VAULT_KEYS``: one or more Fernet keys (AES-128-CBC with an
HMAC-SHA256, from the ``cryptography`` package), comma-separated. The first encrypts;
every key decrypts, so a key is rotated by putting a new one first, running
``yankao manage vault_rotate`` (which re-encrypts every contact with it) and then
removing the old one (docs/decisions/0033-vault-encryption.md). Without the variable a
development data folder generates its own key in ``DATA_DIR/vault_keys``; production
refuses to start without it.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

# Every Fernet token starts with its version byte, 0x80, which base64 writes as "gAAAAA".
TOKEN_START = "gAAAAA"  # noqa: S105 - a format marker, not a secret


class VaultKeyError(Exception):
    """A sealed value that none of the configured keys opens."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.YANKAO_VAULT_KEYS))


def seal(text: str) -> str:
    """``text`` encrypted with the first key ("" stays "": nothing to hide)."""
    return fernet().encrypt(text.encode("utf-8")).decode("ascii") if text else text


def unseal(token: str) -> str:
    if not token:
        return token
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        raise VaultKeyError("a vault value opens with none of YANKAO_VAULT_KEYS") from None


def reseal(token: str) -> str:
    """``token`` encrypted again with the first key (key rotation)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii") if token else token


def is_sealed(value: str) -> bool:
    return value.startswith(TOKEN_START)


class SealedTextField(models.TextField):
    """Text stored encrypted, read as plain text. It cannot be searched or ordered by:
    every encryption of one value differs. Validators see the plain text."""

    def from_db_value(self, value, expression, connection):
        return unseal(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return seal(value) if value else value
