"""Sharing a restricted dataset with named agencies, through signed links that expire.

The owning agency grants another agency use until a date; staff of either agency make
download links under the grant, which work without signing in (for the people the
receiving agency hands them to) until they expire or are revoked. Every download through
a link, and every refused attempt, is an audit event.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency
from yankao.core.permissions import actor_scope
from yankao.core.services.audit import audit_record
from yankao.opendata.access import WRITER_ROLES, may_manage, require_manager
from yankao.opendata.audit import OpendataAction
from yankao.opendata.models import Dataset, Resource, ShareGrant, ShareLink
from yankao.opendata.services.common import actor_user, invalid, now

SALT = "yankao.opendata.share"
LONGEST_GRANT = dt.timedelta(days=366)
DEFAULT_LINK = dt.timedelta(days=7)


def share_grant(*, actor, dataset: Dataset, agency: Agency, purpose: str,
                expires_at: dt.datetime) -> ShareGrant:
    require_manager(actor, dataset.agency)
    if dataset.access != Dataset.Access.RESTRICTED:
        raise invalid(_("Only a dataset shared with named agencies is granted; this one is "
                        "open to everyone."), "dataset")
    if agency.pk == dataset.agency_id:
        raise invalid(_("The owning agency already has the dataset."), "agency")
    purpose = purpose.strip()
    if not purpose:
        raise invalid(_("Say what the agency will use it for."), "purpose")
    moment = now()
    if not moment < expires_at <= moment + LONGEST_GRANT:
        raise invalid(_("A grant ends in the future, within a year."), "expires_at")
    with transaction.atomic():
        grant = ShareGrant.objects.create(dataset=dataset, agency=agency, purpose=purpose[:200],
                                          expires_at=expires_at, granted_by=actor_user(actor),
                                          granted_at=moment)
        audit_record(actor=actor, action=OpendataAction.SHARE_GRANT, obj=grant,
                     agency=dataset.agency, to_state="active",
                     data={"agency": agency.code, "expires_at": expires_at.isoformat()})
    return grant


def share_revoke(*, actor, grant: ShareGrant, reason: str) -> ShareGrant:
    require_manager(actor, grant.dataset.agency)
    if not reason.strip():
        raise invalid(_("Say why it is revoked."), "reason")
    with transaction.atomic():
        grant = ShareGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is not None:
            raise DomainError(ErrorCode.INVALID_STATE, _("It is already revoked."))
        grant.revoked_at = now()
        grant.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=OpendataAction.SHARE_REVOKE, obj=grant,
                     agency=grant.dataset.agency, from_state="active", to_state="revoked",
                     reason=reason.strip())
    return grant


def grant_active(grant: ShareGrant, moment: dt.datetime | None = None) -> bool:
    return grant.revoked_at is None and grant.expires_at > (moment or now())


def _may_link(actor, grant: ShareGrant) -> bool:
    if may_manage(actor, grant.dataset.agency):
        return True
    return actor_scope(actor).has_role(*WRITER_ROLES, agency=grant.agency,
                                       include_descendants=False)


def link_token(link: ShareLink) -> str:
    return signing.dumps(str(link.token_id), salt=SALT, compress=False)


def share_link_create(*, actor, grant: ShareGrant,
                      expires_at: dt.datetime | None = None) -> tuple[ShareLink, str]:
    """A download link under the grant (at most until the grant ends); returns its token."""
    if not _may_link(actor, grant):
        raise DomainError(ErrorCode.FORBIDDEN)
    moment = now()
    if not grant_active(grant, moment):
        raise DomainError(ErrorCode.INVALID_STATE, _("The grant has ended."))
    expires_at = min(expires_at or moment + DEFAULT_LINK, grant.expires_at)
    if expires_at <= moment:
        raise invalid(_("A link ends in the future."), "expires_at")
    with transaction.atomic():
        link = ShareLink.objects.create(grant=grant, expires_at=expires_at,
                                        created_by=actor_user(actor), created_at=moment)
        audit_record(actor=actor, action=OpendataAction.SHARE_LINK, obj=link,
                     agency=grant.dataset.agency, data={"grant": grant.pk,
                                                        "expires_at": expires_at.isoformat()})
    return link, link_token(link)


def share_link_revoke(*, actor, link: ShareLink) -> ShareLink:
    if not _may_link(actor, link.grant):
        raise DomainError(ErrorCode.FORBIDDEN)
    with transaction.atomic():
        link = ShareLink.objects.select_for_update().get(pk=link.pk)
        if link.revoked_at is None:
            link.revoked_at = now()
            link.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action=OpendataAction.SHARE_LINK_REVOKE, obj=link,
                         agency=link.grant.dataset.agency, to_state="revoked")
    return link


def _refuse(link: ShareLink | None, why: str) -> DomainError:
    audit_record(actor=None, action=OpendataAction.SHARE_DOWNLOAD_REFUSED, obj=link,
                 agency=link.grant.dataset.agency if link else None, reason=why,
                 actor_label="share link")
    return DomainError(ErrorCode.NOT_FOUND, _("This link does not work (any more)."))


def share_download(*, token: str, resource_id: str | uuid.UUID | None = None
                   ) -> tuple[ShareLink, list[Resource] | Resource]:
    """Check a link; with ``resource_id``, count and audit one download and return the
    resource; without, return the resources the link opens. Refusals are audited."""
    try:
        token_id = uuid.UUID(signing.loads(token, salt=SALT))
    except (signing.BadSignature, ValueError, TypeError):
        raise _refuse(None, "bad signature") from None
    link = ShareLink.objects.select_related("grant__dataset__agency", "grant__agency").filter(
        token_id=token_id).first()
    if link is None:
        raise _refuse(None, "unknown link")
    moment = now()
    if link.revoked_at is not None:
        raise _refuse(link, "link revoked")
    if link.expires_at <= moment:
        raise _refuse(link, "link expired")
    if not grant_active(link.grant, moment):
        raise _refuse(link, "grant ended")
    dataset = link.grant.dataset
    resources = list(dataset.resources.filter(removed_at__isnull=True, kind=Resource.Kind.FILE)
                     .select_related("attachment"))
    if resource_id is None:
        return link, resources
    resource = next((r for r in resources if str(r.pk) == str(resource_id)), None)
    if resource is None:
        raise _refuse(link, "resource not under this link")
    with transaction.atomic():
        ShareLink.objects.filter(pk=link.pk).update(downloads=F("downloads") + 1)
        audit_record(actor=None, action=OpendataAction.SHARE_DOWNLOAD, obj=resource,
                     agency=dataset.agency, actor_label=f"share link {link.token_id}",
                     data={"grant": link.grant_id, "agency": link.grant.agency.code})
    return link, resource
