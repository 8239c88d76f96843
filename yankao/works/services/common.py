"""Helpers shared by the works services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils import timezone

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Membership, Role
from yankao.core.services.attachments import attachment_validate
from yankao.core.validation import full_clean  # noqa: F401 - re-exported

PHOTO_KINDS = ("image",)
MAX_PHOTOS = 10


def now_taipei() -> dt.datetime:
    return timezone.now().astimezone(TAIPEI)


def today_taipei() -> dt.date:
    return now_taipei().date()


def validate_photos(photos: Sequence[UploadedFile], *, field: str = "photos") -> None:
    """Check every photo before anything is written, so a bad one leaves nothing behind."""
    if len(photos) > MAX_PHOTOS:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_PHOTOS} photos.", field=field)
    for photo in photos:
        try:
            attachment_validate(photo, kinds=PHOTO_KINDS)
        except DomainError as error:
            raise DomainError(error.code, f"{photo.name}: {error.message}", field=field) from None


def next_number(model: type[models.Model], prefix: str) -> str:
    """The next number of the form PREFIX-0001 (call inside the creating transaction)."""
    last = (model.objects.select_for_update().filter(number__startswith=f"{prefix}-")
            .order_by("-number").values_list("number", flat=True).first())
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}-{sequence:04d}"


def agency_officer_emails(agency_id: int) -> list[str]:
    """Email addresses of the officers of an agency, for notices and reminders."""
    return sorted(set(
        Membership.objects.filter(agency_id=agency_id, role=Role.OFFICER, active=True,
                                  user__is_active=True)
        .exclude(user__email="").values_list("user__email", flat=True)
    ))
