"""Personal API tokens for /api/v1: created, used and revoked, with audit events."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import ApiToken
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record

TOKEN_PREFIX = "yk_"  # noqa: S105 - a prefix, not a secret
DEMO_TOKEN_PREFIX = "yk_demo_"  # noqa: S105
# last_used_at is written at most this often per token, so reads stay reads.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def hash_token(raw: str) -> str:
    # Tokens are 256-bit random strings, so a fast hash is enough: there is nothing to guess.
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(
    *, actor, user, name: str, raw_key: str | None = None, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``. Returns the record and the raw key, shown once only.

    ``raw_key`` is for the demo city's fixed tokens; anything else gets a random key.
    """
    if actor is not None and actor.pk != user.pk and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    name = name.strip()
    if not name:
        raise DomainError(ErrorCode.INVALID, "Give the token a name.", field="name")
    if len(name) > 100:
        raise DomainError(
            ErrorCode.INVALID, "The name is longer than 100 characters.", field="name"
        )
    raw = raw_key or TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken(
            user=user, name=name, prefix=raw[:12], key_hash=hash_token(raw), expires_at=expires_at
        )
        token.full_clean()
        token.save()
        audit_record(
            actor=actor, action="api_token.create", obj=token, to_state="active",
            data={"user": user.get_username(), "prefix": token.prefix},
        )
    return token, raw


def api_token_revoke(*, actor, token: ApiToken, reason: str = "") -> ApiToken:
    if actor.pk != token.user_id and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise DomainError(ErrorCode.INVALID_STATE, "This token is already revoked.")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action="api_token.revoke", obj=token,
            from_state="active", to_state="revoked", reason=reason,
            data={"user": token.user.get_username(), "prefix": token.prefix},
        )
    return token


def api_token_authenticate(raw: str):
    """The active user a raw token belongs to, or None. Demo tokens fail in production."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    if settings.YANKAO_PRODUCTION and raw.startswith(DEMO_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
