"""Who a staff account is at the city's identity provider, and which of its memberships
the provider gave (so that the provider can also take them away)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Identity(models.Model):
    """One person at one OpenID Connect provider (issuer + subject) ↔ one account."""

    issuer = models.CharField(_("issuer"), max_length=200)
    subject = models.CharField(_("subject"), max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.PROTECT, related_name="sso_identities")
    first_login_at = models.DateTimeField(_("first sign-in"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last sign-in"), auto_now=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"


class ProvidedMembership(models.Model):
    """A membership granted because the provider's claims said so."""

    identity = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="provided")
    membership = models.OneToOneField("core.Membership", on_delete=models.CASCADE,
                                      related_name="+")

    class Meta:
        verbose_name = _("membership from the provider")
        verbose_name_plural = _("memberships from the provider")

    def __str__(self) -> str:
        return f"{self.identity} → {self.membership_id}"
