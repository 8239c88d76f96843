from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DESIGN.md. Citizens need no account and have no role."""

    OPERATOR = "operator", _("1999 operator")  # 話務人員
    REGISTRAR = "registrar", _("Registrar")  # 分案人員
    OFFICER = "officer", _("Agency officer")  # 承辦人
    SECTION_CHIEF = "section_chief", _("Section chief")  # 科長
    EVALUATOR = "evaluator", _("RDEC evaluator")  # 研考人員
    INSPECTOR = "inspector", _("Inspector / judge")  # 查核委員、評審
    ADMINISTRATOR = "administrator", _("Administrator")  # 系統管理者


class Membership(models.Model):
    """A person's role in one agency. A person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        "core.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__username", "agency__sort_order", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="core_membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A personal token for /api/v1 (``Authorization: Bearer ...``). Only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


def person_name(user) -> str:
    """A person's name as written in their language: 張家豪 (family name first) for Chinese
    names, "Jia-Hao Chang" for others; the username when no name is recorded."""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if not first and not last:
        return user.get_username()
    if any("\u3400" <= char <= "\u9fff" for char in first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)
