"""API keys of the city data platform (decision 0701): issued and revoked by staff, each
with an audit event; only a hash is kept and the key is shown once."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.citydata.audit import CitydataAction
from yankao.citydata.models import AccessKey, Thing
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, Role
from yankao.core.permissions import has_role
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean

KEY_PREFIX = "sta_"
KEY_ISSUERS = (Role.EVALUATOR, Role.ADMINISTRATOR)
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def hash_key(raw: str) -> str:
    # 256-bit random keys: a fast hash is enough, there is nothing to guess.
    return hashlib.sha256(raw.encode()).hexdigest()


def may_issue(actor) -> bool:
    return actor is None or has_role(actor, *KEY_ISSUERS)


def key_issue(*, actor, name: str, kind: str, agency: Agency | None = None,
              thing: Thing | None = None, rate_per_minute: int = 120,
              raw_key: str | None = None) -> tuple[AccessKey, str]:
    """Issue a key; returns the record and the raw key (shown once). ``raw_key`` is only
    for the demo city's documented keys."""
    if not may_issue(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    name = (name or "").strip()
    if not name:
        raise DomainError(ErrorCode.INVALID, _("Give the key a name."), field="name")
    if kind not in AccessKey.Kind.values:
        raise DomainError(ErrorCode.INVALID, _("Choose the kind of key."), field="kind")
    if kind == AccessKey.Kind.SENSOR and thing is None:
        raise DomainError(ErrorCode.INVALID, _("A sensor key belongs to one thing."),
                          field="thing")
    if not 1 <= rate_per_minute <= 100_000:
        raise DomainError(ErrorCode.INVALID, _("The rate is 1 to 100,000 requests a minute."),
                          field="rate_per_minute")
    raw = raw_key or KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = AccessKey(name=name[:100], kind=kind, prefix=raw[:12], key_hash=hash_key(raw),
                        agency=agency, thing=thing if kind == AccessKey.Kind.SENSOR else None,
                        rate_per_minute=rate_per_minute,
                        created_by=actor if actor is not None else None)
        full_clean(key)
        key.save()
        audit_record(actor=actor, action=CitydataAction.KEY_ISSUE, obj=key, agency=agency,
                     to_state="active",
                     data={"kind": kind, "prefix": key.prefix, "rate": rate_per_minute,
                           "thing": thing.pk if thing else None})
    return key, raw


def key_revoke(*, actor, key: AccessKey, reason: str = "") -> AccessKey:
    if not may_issue(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    with transaction.atomic():
        key = AccessKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is not None:
            raise DomainError(ErrorCode.INVALID_STATE, _("The key is already revoked."))
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=CitydataAction.KEY_REVOKE, obj=key, agency=key.agency,
                     from_state="active", to_state="revoked", reason=reason)
    return key


def key_authenticate(raw: str) -> AccessKey | None:
    """The live key for ``raw``, or None. Marks it used at most every few minutes."""
    if not raw.startswith(KEY_PREFIX) or len(raw) > 200:
        return None
    key = AccessKey.objects.filter(key_hash=hash_key(raw), revoked_at__isnull=True).first()
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        AccessKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
