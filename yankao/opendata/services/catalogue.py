"""Writes of the catalogue: publishers, datasets (draft → published → withdrawn, never
deleted), their resources and field descriptions. Every metadata change makes a new
version (its national JSON kept whole), reindexes the dataset, and marks it to be sent to
the national portal; nothing is written when a check fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency
from yankao.core.services.attachments import attachment_create
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean
from yankao.opendata.access import require_manager
from yankao.opendata.audit import OpendataAction
from yankao.opendata.files import CHARACTER_SETS, FORMATS, inspect
from yankao.opendata.models import (
    Dataset,
    DatasetVersion,
    Licence,
    Publisher,
    Resource,
    ResourceField,
    ServiceCategory,
    Tag,
)
from yankao.opendata.national import national_metadata
from yankao.opendata.services.common import actor_user, invalid, now
from yankao.opendata.services.search import search_index

# The metadata an agency writes; everything else is the platform's.
EDITABLE = (
    "title", "title_en", "description", "category", "licence", "kind", "update_regular",
    "update_every", "update_unit", "organization_contact_name", "organization_contact_phone",
    "organization_contact_email", "publisher_contact_name", "publisher_contact_phone",
    "publisher_contact_email", "temporal_from", "temporal_to", "spatial", "cost", "cost_url",
    "cost_law", "language", "landing_page", "notes", "access",
)
REQUIRED_TEXT = ("title", "description", "organization_contact_name",
                 "organization_contact_phone", "organization_contact_email",
                 "publisher_contact_name", "publisher_contact_phone", "publisher_contact_email")
MAX_KEYWORDS = 20
MAX_FIELDS = 300
DATA_FILE_MAX_BYTES = 100 * 1024 * 1024


def publisher_save(*, actor, agency: Agency, oid: str, org_code: str, contact_name: str,
                   contact_phone: str, contact_email: str) -> Publisher:
    """Register (or correct) the agency's OID, agency code and default contact."""
    require_manager(actor, agency)
    with transaction.atomic():
        publisher = Publisher.objects.select_for_update().filter(agency=agency).first()
        created = publisher is None
        before = "" if created else publisher.oid
        publisher = publisher or Publisher(agency=agency)
        publisher.oid, publisher.org_code = oid.strip(), org_code.strip().upper()
        publisher.contact_name = contact_name.strip()
        publisher.contact_phone = contact_phone.strip()
        publisher.contact_email = contact_email.strip()
        full_clean(publisher)
        publisher.save()
        audit_record(actor=actor, action=OpendataAction.PUBLISHER_SAVE, obj=publisher,
                     agency=agency, from_state=before, to_state=publisher.oid)
    return publisher


def _clean_keywords(keywords: Sequence[str]) -> list[str]:
    cleaned = list(dict.fromkeys(k.strip() for k in keywords if k and k.strip()))
    if len(cleaned) > MAX_KEYWORDS:
        raise invalid(_("At most %(count)s keywords.") % {"count": MAX_KEYWORDS}, "keywords")
    if any(len(k) > 60 for k in cleaned):
        raise invalid(_("A keyword is at most 60 characters."), "keywords")
    return cleaned


def _check_metadata(dataset: Dataset) -> None:
    for name in REQUIRED_TEXT:
        if not str(getattr(dataset, name) or "").strip():
            raise invalid(_("This field is required."), name)
    if dataset.access == Dataset.Access.PUBLIC and not dataset.licence.is_open:
        raise invalid(_("“%(licence)s” is not an open licence: a dataset open to everyone "
                        "needs one (such as the Open Government Data License).")
                      % {"licence": dataset.licence.title}, "licence")
    if dataset.cost == Dataset.Cost.PAID and not (dataset.cost_url or dataset.cost_law):
        raise invalid(_("Say where the charges are set out, or their legal basis."), "cost_law")
    full_clean(dataset, exclude=["identifier", "name"])


def _set_tags(dataset: Dataset, keywords: list[str]) -> None:
    existing = {t.name: t for t in Tag.objects.filter(name__in=keywords)}
    missing = [Tag(name=k) for k in keywords if k not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=keywords)}
    dataset.tags.set([existing[k] for k in keywords])


def _next_identifier(publisher: Publisher) -> str:
    """The agency code and a six-digit serial (the national identifier's form)."""
    prefix = f"{publisher.org_code}-"
    last = (Dataset.objects.filter(identifier__startswith=prefix)
            .order_by("-identifier").values_list("identifier", flat=True).first())
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:06d}"


def _record_version(dataset: Dataset, actor, changed: Sequence[str], note: str = "") -> None:
    DatasetVersion.objects.create(
        dataset=dataset, version=dataset.version,
        metadata=national_metadata(dataset), changed_fields=list(changed),
        changed_by=actor_user(actor), changed_at=dataset.modified_at, note=note[:200])


def _after_change(dataset: Dataset) -> None:
    """What every metadata change sets going: the index, the national portal, the checks."""
    from yankao.opendata.services.national import national_mark

    search_index(dataset)
    national_mark(dataset)


def dataset_create(*, actor, agency: Agency, title: str, description: str,
                   category: ServiceCategory, licence: Licence | None = None,
                   keywords: Sequence[str] = (), created_at: dt.datetime | None = None,
                   identifier: str | None = None, **fields) -> Dataset:
    """A new draft dataset of ``agency``, with the national identifier of its publisher
    (or, for an import, the identifier it already has: the agency code and a serial)."""
    require_manager(actor, agency)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    publisher = Publisher.objects.filter(agency=agency).first()
    if publisher is None:
        raise invalid(_("Register the agency's OID and agency code first (Open data → "
                        "Publishers)."), "agency")
    licence = licence or Licence.objects.filter(is_default=True).first()
    if licence is None:
        raise invalid(_("Choose a licence."), "licence")
    moment = created_at or now()
    dataset = Dataset(agency=agency, title=title.strip(), description=description.strip(),
                      category=category, licence=licence, created_at=moment,
                      modified_at=moment)
    for name in ("organization", "publisher"):
        for part in ("name", "phone", "email"):
            setattr(dataset, f"{name}_contact_{part}", getattr(publisher, f"contact_{part}"))
    for name, value in fields.items():
        setattr(dataset, name, value.strip() if isinstance(value, str) else value)
    keywords = _clean_keywords(keywords)
    _check_metadata(dataset)
    if identifier and not re.fullmatch(rf"{re.escape(publisher.org_code)}-\d{{6}}", identifier):
        raise invalid(_("An identifier is the agency code and a six-digit serial (%(example)s).")
                      % {"example": f"{publisher.org_code}-000001"}, "identifier")
    with transaction.atomic():
        Publisher.objects.select_for_update().filter(pk=publisher.pk).first()
        if identifier and Dataset.objects.filter(identifier=identifier).exists():
            raise DomainError(ErrorCode.CONFLICT, _("A dataset with this identifier exists."),
                              field="identifier")
        dataset.identifier = identifier or _next_identifier(publisher)
        dataset.name = dataset.identifier.lower()
        dataset.save(force_insert=True)
        _set_tags(dataset, keywords)
        _record_version(dataset, actor, ["*"], _("Dataset created"))
        audit_record(actor=actor, action=OpendataAction.DATASET_CREATE, obj=dataset,
                     to_state=dataset.state)
    return dataset


def dataset_update(*, actor, dataset: Dataset, keywords: Sequence[str] | None = None,
                   note: str = "", **fields) -> Dataset:
    """Change a dataset's metadata; a new version when anything changed."""
    require_manager(actor, dataset.agency)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        changed = []
        for name, value in fields.items():
            value = value.strip() if isinstance(value, str) else value
            if getattr(dataset, name) != value:
                setattr(dataset, name, value)
                changed.append(name)
        if keywords is not None:
            cleaned = _clean_keywords(keywords)
            if sorted(cleaned) != sorted(t.name for t in dataset.tags.all()):
                changed.append("keywords")
        if not changed:
            return dataset
        _check_metadata(dataset)
        if keywords is not None and "keywords" in changed:
            _set_tags(dataset, cleaned)
        dataset.version += 1
        dataset.modified_at = now()
        dataset.save()
        _record_version(dataset, actor, changed, note)
        audit_record(actor=actor, action=OpendataAction.DATASET_UPDATE, obj=dataset,
                     data={"changed": changed, "version": dataset.version})
        _after_change(dataset)
    return dataset


def publish_problems(dataset: Dataset) -> list[tuple[str, str]]:
    """(field, what is missing) before a dataset may be published; empty when ready."""
    problems: list[tuple[str, str]] = []
    publisher = Publisher.objects.filter(agency_id=dataset.agency_id).first()
    if publisher is None:
        problems.append(("agency", _("The agency has no registered OID.")))
    if dataset.access == Dataset.Access.PUBLIC and not dataset.licence.is_open:
        problems.append(("licence", _("A dataset open to everyone needs an open licence.")))
    resources = [r for r in dataset.resources.prefetch_related("fields") if r.removed_at is None]
    if not resources:
        problems.append(("resources", _("Add at least one resource (a file or an address).")))
    for resource in resources:
        if not list(resource.fields.all()):
            problems.append(("fields", _("Describe the fields of “%(resource)s”.")
                             % {"resource": resource.description}))
    if dataset.update_regular and not dataset.update_every:
        problems.append(("update_every", _("Say how often it is updated.")))
    return problems


def dataset_publish(*, actor, dataset: Dataset) -> Dataset:
    """Draft or withdrawn → published: visible (to everyone, or to the agencies it is
    shared with), searchable, sent to the national portal when public."""
    require_manager(actor, dataset.agency)
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if dataset.state == Dataset.State.PUBLISHED:
            raise DomainError(ErrorCode.INVALID_STATE, _("The dataset is already published."))
        _check_metadata(dataset)
        problems = publish_problems(dataset)
        if problems:
            field, message = problems[0]
            raise invalid(message, field)
        before = dataset.state
        moment = now()
        dataset.state = Dataset.State.PUBLISHED
        dataset.published_at = dataset.published_at or moment
        dataset.withdrawn_at, dataset.withdrawn_reason = None, ""
        dataset.version += 1
        dataset.modified_at = moment
        dataset.save()
        _record_version(dataset, actor, ["state"], _("Published"))
        audit_record(actor=actor, action=OpendataAction.DATASET_PUBLISH, obj=dataset,
                     from_state=before, to_state=dataset.state)
        _after_change(dataset)
        _check_later(dataset)
    return dataset


def dataset_withdraw(*, actor, dataset: Dataset, reason: str) -> Dataset:
    """Published → withdrawn: kept, its page says so, gone from search and the national
    portal."""
    require_manager(actor, dataset.agency)
    reason = reason.strip()
    if not reason:
        raise invalid(_("Say why the dataset is withdrawn."), "reason")
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if dataset.state != Dataset.State.PUBLISHED:
            raise DomainError(ErrorCode.INVALID_STATE, _("Only a published dataset can be "
                                                         "withdrawn."))
        moment = now()
        dataset.state = Dataset.State.WITHDRAWN
        dataset.withdrawn_at, dataset.withdrawn_reason = moment, reason
        dataset.version += 1
        dataset.modified_at = moment
        dataset.save()
        _record_version(dataset, actor, ["state"], reason)
        audit_record(actor=actor, action=OpendataAction.DATASET_WITHDRAW, obj=dataset,
                     from_state=Dataset.State.PUBLISHED, to_state=dataset.state, reason=reason)
        _after_change(dataset)
    return dataset


def _check_later(dataset: Dataset) -> None:
    from yankao.opendata.tasks import quality_check_dataset

    transaction.on_commit(lambda: quality_check_dataset(str(dataset.pk)))


class CheckedUpload:
    """An upload whose content was read and found to be what it says (files.inspect)."""

    def __init__(self, upload: UploadedFile, format_code: str, character_set: str):
        if format_code not in FORMATS:
            raise invalid(_("Choose a format."), "format")
        if character_set.upper() not in CHARACTER_SETS:
            raise invalid(_("Choose a character set."), "character_set")
        if upload.size is None or upload.size > DATA_FILE_MAX_BYTES:
            raise DomainError(ErrorCode.FILE_TOO_LARGE, _("A data file is at most 100 MB."),
                              field="file")
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        found = inspect(data, format_code, character_set.upper())
        if not found.format_matches:
            raise DomainError(ErrorCode.FILE_TYPE_NOT_ALLOWED, found.problems.get(
                "file", found.found), field="file")
        if found.encoding_ok is False:
            raise invalid(found.problems["character_set"], "character_set")
        if found.structure_ok is False:
            raise invalid(found.problems.get("file", _("The file does not parse.")), "file")
        self.upload = upload
        self.format = FORMATS[format_code]
        self.columns = found.columns or []
        self.sha256 = hashlib.sha256(data).hexdigest()


def _clean_fields(fields: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    cleaned = [(name.strip(), (description or "").strip()) for name, description in fields
               if name and name.strip()]
    if len(cleaned) > MAX_FIELDS:
        raise invalid(_("At most %(count)s fields.") % {"count": MAX_FIELDS}, "fields")
    names = [name.casefold() for name, _d in cleaned]
    if len(set(names)) != len(names):
        raise invalid(_("Each field is described once."), "fields")
    return cleaned


def resource_add(*, actor, dataset: Dataset, description: str, format: str,
                 character_set: str = "UTF-8", upload: UploadedFile | None = None,
                 url: str = "", fields: Sequence[tuple[str, str]] | None = None,
                 added_at: dt.datetime | None = None) -> Resource:
    """Add an uploaded file (checked: it is the format it says, reads in its character set
    and parses) or the address of an API or of a file elsewhere."""
    require_manager(actor, dataset.agency)
    description = description.strip()
    if not description:
        raise invalid(_("Describe the resource."), "description")
    if bool(upload) == bool(url.strip()):
        raise invalid(_("Upload a file or give an address, not both."), "file")
    checked = CheckedUpload(upload, format, character_set) if upload else None
    if checked is None and format not in FORMATS:
        raise invalid(_("Choose a format."), "format")
    if checked is None and character_set.upper() not in CHARACTER_SETS:
        raise invalid(_("Choose a character set."), "character_set")
    described = _clean_fields(fields) if fields is not None else [
        (name, "") for name in (checked.columns if checked else [])]
    moment = added_at or now()
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if dataset.state == Dataset.State.WITHDRAWN:
            raise DomainError(ErrorCode.INVALID_STATE, _("The dataset is withdrawn."))
        position = (dataset.resources.order_by("-position").values_list("position", flat=True)
                    .first() or 0) + 1
        resource = Resource(dataset=dataset, position=position,
                            identifier=f"{dataset.identifier}-{position:03d}",
                            description=description, format=format,
                            character_set=character_set.upper(), url=url.strip(),
                            kind=Resource.Kind.FILE if checked else Resource.Kind.LINK,
                            created_at=moment, modified_at=moment)
        if checked:
            resource.attachment = attachment_create(
                actor=actor, upload=checked.upload, agency=dataset.agency,
                checked_type=(checked.format.media_type, checked.format.code.lower()),
                max_bytes=DATA_FILE_MAX_BYTES)
        full_clean(resource, exclude=["dataset", "attachment"])
        resource.save(force_insert=True)
        ResourceField.objects.bulk_create([
            ResourceField(resource=resource, position=number, name=name, description=text)
            for number, (name, text) in enumerate(described, start=1)])
        dataset.version += 1
        dataset.modified_at = moment
        dataset.save(update_fields=["version", "modified_at"])
        _record_version(dataset, actor, ["distribution"], _("Resource added"))
        audit_record(actor=actor, action=OpendataAction.RESOURCE_ADD, obj=resource,
                     agency=dataset.agency, data={"format": format, "kind": resource.kind})
        _after_change(dataset)
        _check_later(dataset)
    return resource


def resource_fields_set(*, actor, resource: Resource,
                        fields: Sequence[tuple[str, str]]) -> Resource:
    """Replace the field descriptions of a resource."""
    dataset = resource.dataset
    require_manager(actor, dataset.agency)
    described = _clean_fields(fields)
    if not described:
        raise invalid(_("Describe at least one field."), "fields")
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        current = list(resource.fields.values_list("name", "description"))
        if current == described:
            return resource
        resource.fields.all().delete()
        ResourceField.objects.bulk_create([
            ResourceField(resource=resource, position=number, name=name, description=text)
            for number, (name, text) in enumerate(described, start=1)])
        moment = now()
        Resource.objects.filter(pk=resource.pk).update(modified_at=moment)
        dataset.version += 1
        dataset.modified_at = moment
        dataset.save(update_fields=["version", "modified_at"])
        _record_version(dataset, actor, ["resourceField"], _("Field descriptions changed"))
        audit_record(actor=actor, action=OpendataAction.FIELDS_SET, obj=resource,
                     agency=dataset.agency, data={"fields": len(described)})
        _after_change(dataset)
        _check_later(dataset)
    return resource


def resource_remove(*, actor, resource: Resource, reason: str) -> Resource:
    """Take a resource out of the dataset (kept, marked removed)."""
    dataset = resource.dataset
    require_manager(actor, dataset.agency)
    reason = reason.strip()
    if not reason:
        raise invalid(_("Say why the resource is removed."), "reason")
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        if resource.removed_at is not None:
            raise DomainError(ErrorCode.INVALID_STATE, _("The resource is already removed."))
        remaining = dataset.resources.filter(removed_at__isnull=True).exclude(pk=resource.pk)
        if dataset.state == Dataset.State.PUBLISHED and not remaining.exists():
            raise invalid(_("A published dataset keeps at least one resource; withdraw the "
                            "dataset instead."), "reason")
        moment = now()
        resource.removed_at = moment
        resource.save(update_fields=["removed_at"])
        dataset.version += 1
        dataset.modified_at = moment
        dataset.save(update_fields=["version", "modified_at"])
        _record_version(dataset, actor, ["distribution"], reason)
        audit_record(actor=actor, action=OpendataAction.RESOURCE_REMOVE, obj=resource,
                     agency=dataset.agency, reason=reason)
        _after_change(dataset)
        _check_later(dataset)
    return resource
