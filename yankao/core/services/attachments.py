"""Attachments: each upload is checked by its content, not by its name, before it is stored."""

from __future__ import annotations

import hashlib
import warnings

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from yankao.core.audit import CoreAction
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, Attachment
from yankao.core.permissions import owning_agency
from yankao.core.services.audit import audit_record

# Kinds callers may accept, each a set of MIME types as detected from the bytes.
KINDS: dict[str, frozenset[str]] = {
    "image": frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"}),
    "pdf": frozenset({"application/pdf"}),
    "office": frozenset(
        {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
        }
    ),
}
IMAGE_MAX_PIXELS = 60_000_000


def detect_type(upload: UploadedFile) -> tuple[str, str] | None:
    """(MIME type, extension) read from the file's first bytes, or None if unknown."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    return kind.mime, kind.extension


def _check_image(upload: UploadedFile) -> None:
    """Decode the image: a file that only starts like an image is refused."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.width * image.height > IMAGE_MAX_PIXELS:
                    raise DomainError(
                        ErrorCode.FILE_TYPE_NOT_ALLOWED, _("The image has too many pixels.")
                    )
                image.verify()
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError(
            ErrorCode.FILE_TYPE_NOT_ALLOWED, _("The file is not a readable image.")
        ) from None
    finally:
        upload.seek(0)


def attachment_validate(
    upload: UploadedFile, *, kinds: tuple[str, ...] = ("image", "pdf"), max_bytes: int | None = None
) -> tuple[str, str]:
    """Check size and content; returns (MIME type, extension). Raises DomainError."""
    limit = max_bytes or settings.YANKAO_MAX_UPLOAD_BYTES
    if upload.size is None or upload.size > limit:
        raise DomainError(
            ErrorCode.FILE_TOO_LARGE,
            _("The file is larger than %(limit)s MB.") % {"limit": round(limit / 1_048_576, 1)},
        )
    if upload.size == 0:
        raise DomainError(ErrorCode.INVALID, _("The file is empty."))
    allowed = frozenset().union(*(KINDS[kind] for kind in kinds))
    detected = detect_type(upload)
    if detected is None or detected[0] not in allowed:
        raise DomainError(
            ErrorCode.FILE_TYPE_NOT_ALLOWED,
            _("This type of file is not accepted (%(found)s).")
            % {"found": detected[0] if detected else _("unknown")},
        )
    if detected[0].startswith("image/"):
        _check_image(upload)
    return detected


def attachment_create(
    *,
    actor,
    upload: UploadedFile,
    owner: models.Model | None = None,
    agency: Agency | None = None,
    kinds: tuple[str, ...] = ("image", "pdf"),
    is_public: bool = False,
    max_bytes: int | None = None,
    checked_type: tuple[str, str] | None = None,
) -> Attachment:
    """Store ``upload`` through Django's storage, owned by ``owner`` and its agency.

    ``checked_type`` (MIME type, extension) is for callers that have read the content with
    a check of their own (open data's CSV, JSON, XML…, which carry no magic bytes); the
    size limits still apply."""
    if checked_type is None:
        mime, extension = attachment_validate(upload, kinds=kinds, max_bytes=max_bytes)
    else:
        limit = max_bytes or settings.YANKAO_MAX_UPLOAD_BYTES
        if upload.size is None or upload.size > limit or upload.size == 0:
            raise DomainError(ErrorCode.FILE_TOO_LARGE if upload.size else ErrorCode.INVALID,
                              _("The file is empty or too large."))
        mime, extension = checked_type
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    if agency is None:
        agency = owning_agency(owner)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    attachment = Attachment(
        original_name=(upload.name or "upload")[:255],
        content_type=mime,
        extension=extension,
        size=upload.size,
        sha256=digest.hexdigest(),
        owner_type=ContentType.objects.get_for_model(owner) if owner is not None else None,
        owner_id=str(owner.pk) if owner is not None else "",
        agency=agency,
        is_public=is_public,
        uploaded_by=actor if authenticated else None,
        created_at=timezone.now(),
    )
    with transaction.atomic():
        attachment.file.save(f"upload.{extension}", upload, save=False)
        try:
            attachment.save()
            audit_record(
                actor=actor,
                action=CoreAction.ATTACHMENT_CREATE,
                obj=attachment,
                agency=agency,
                data={"owner": str(owner) if owner is not None else "", "sha256": attachment.sha256,
                      "size": attachment.size, "content_type": mime},
            )
        except Exception:
            attachment.file.storage.delete(attachment.file.name)
            raise
    return attachment
