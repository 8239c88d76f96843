from __future__ import annotations

import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.validators import EmailValidator, MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.crypto import SealedTextField


class PersonalContact(models.Model):
    """個人資料: a reporter's name and contact details, kept apart from the record.

    The record (a service-desk case, a citizen works report) points here; nothing public
    does. Only officers and section chiefs of the agencies handling the record read it,
    through :func:`yankao.core.services.vault.personal_contact_reveal`, which logs every
    reveal (個人資料保護法). Exports, statistics, Open311 and open data never join it.
    Its fields are encrypted at rest with the keys in YANKAO_VAULT_KEYS.
    """

    # Encrypted at rest (yankao.core.crypto): the lengths are the plain text's.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = SealedTextField(_("name"), blank=True, validators=[MaxLengthValidator(100)])
    phone = SealedTextField(_("phone"), blank=True, validators=[MaxLengthValidator(40)])
    email = SealedTextField(_("email"), blank=True,
                            validators=[MaxLengthValidator(254), EmailValidator()])
    address = SealedTextField(_("address"), blank=True, validators=[MaxLengthValidator(200)])
    owner_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal contact")
        verbose_name_plural = _("personal contacts")
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="core_contact_owner_idx")]

    def __str__(self) -> str:
        # Never the personal data itself: str() ends up in logs and audit events.
        return f"contact {self.uuid}"
