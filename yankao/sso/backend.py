"""The OpenID Connect relying party (mozilla-django-oidc): ID tokens signed with RS256 and
checked against the provider's keys, PKCE, and the provider's claims mapped to an account
and its memberships.

Claims read: ``sub`` (required), ``preferred_username``, ``given_name``, ``family_name``,
``email``, and the roles claim (``YANKAO_OIDC_ROLES_CLAIM``, default ``yankao_roles``): a
list of ``"<agency code>:<role>"``, e.g. ``["pwb-maintenance:officer"]``. Memberships the
provider gave are granted and ended to match the claim at each sign-in; memberships an
administrator granted by hand are left alone.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from yankao.core.models import Agency, Membership, Role
from yankao.core.services.audit import audit_record
from yankao.core.services.people import membership_end, membership_grant, staff_user_create
from yankao.sso.audit import SsoAction
from yankao.sso.models import Identity, ProvidedMembership

User = get_user_model()
USERNAME = re.compile(r"[^\w.@+-]")


def issuer() -> str:
    return settings.YANKAO_OIDC_ISSUER or settings.OIDC_OP_AUTHORIZATION_ENDPOINT


def memberships_sync(*, identity: Identity, claimed: list) -> None:
    """Grant the memberships the claim names; end those the provider gave before and no
    longer names. Unknown agencies or roles are skipped and audited."""
    agencies = {a.code: a for a in Agency.objects.filter(active=True)}
    wanted: set[tuple[int, str]] = set()
    for item in claimed if isinstance(claimed, list) else []:
        code, _sep, role = str(item).partition(":")
        agency = agencies.get(code.strip())
        if agency is None or role.strip() not in Role.values:
            audit_record(actor=None, action=SsoAction.CLAIM_IGNORED, obj=identity.user,
                         reason=str(item)[:200])
            continue
        wanted.add((agency.pk, role.strip()))
        membership = membership_grant(actor=None, user=identity.user, agency=agency,
                                      role=role.strip())
        ProvidedMembership.objects.get_or_create(membership=membership,
                                                 defaults={"identity": identity})
    for provided in identity.provided.select_related("membership"):
        membership = provided.membership
        if (membership.agency_id, membership.role) not in wanted and membership.active:
            membership_end(actor=None, membership=membership,
                           reason="no longer in the provider's claims")


class YankaoOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub")) and super().verify_claims(claims)

    def filter_users_by_claims(self, claims):
        identity = Identity.objects.filter(issuer=issuer(), subject=str(claims["sub"])).first()
        if identity is None:
            return User.objects.none()
        return User.objects.filter(pk=identity.user_id, is_active=True)

    def _username(self, claims) -> str:
        base = USERNAME.sub("", str(claims.get("preferred_username") or ""))[:120]
        base = base or f"sso-{USERNAME.sub('', str(claims['sub']))[:40]}"
        name, number = base, 1
        while User.objects.filter(username=name).exists():
            number += 1
            name = f"{base}-{number}"
        return name

    def create_user(self, claims):
        with transaction.atomic():
            user = staff_user_create(actor=None, username=self._username(claims),
                                     first_name=str(claims.get("given_name", ""))[:150],
                                     last_name=str(claims.get("family_name", ""))[:150],
                                     email=str(claims.get("email", ""))[:254])
            identity = Identity.objects.create(issuer=issuer(), subject=str(claims["sub"]),
                                               user=user)
            audit_record(actor=None, action=SsoAction.USER_CREATE, obj=user,
                         data={"issuer": identity.issuer})
            memberships_sync(identity=identity,
                             claimed=claims.get(settings.YANKAO_OIDC_ROLES_CLAIM, []))
        return user

    def update_user(self, user, claims):
        with transaction.atomic():
            fields = {"first_name": str(claims.get("given_name", user.first_name))[:150],
                      "last_name": str(claims.get("family_name", user.last_name))[:150],
                      "email": str(claims.get("email", user.email))[:254]}
            changed = [name for name, value in fields.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, fields[name])
            if changed:
                user.save(update_fields=changed)
            identity = Identity.objects.get(issuer=issuer(), subject=str(claims["sub"]))
            identity.save(update_fields=["last_login_at"])
            memberships_sync(identity=identity,
                             claimed=claims.get(settings.YANKAO_OIDC_ROLES_CLAIM, []))
        return user


def active_memberships(user) -> list[Membership]:
    return list(Membership.objects.filter(user=user, active=True))
