from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localized(zh: str, en: str, *, glossary: bool = False) -> str:
    """The zh-Hant or English form, by the active language; falls back to the other.
    With ``glossary``, English prefers the approved bilingual glossary's name."""
    language = (get_language() or "zh-hant").lower()
    if language.startswith("en"):
        if glossary:
            from yankao.core.glossary import english_name

            en = english_name(zh, en)
        return en or zh
    return zh or en


class Agency(models.Model):
    """機關: an agency of the city, one of its units, or an outside unit that takes dispatches."""

    class Kind(models.TextChoices):
        FIRST_LEVEL = "first_level", _("First-level agency")  # 一級機關
        SECOND_LEVEL = "second_level", _("Second-level unit")  # 二級機關
        DISTRICT_OFFICE = "district_office", _("District office")  # 區公所
        ENTERPRISE = "enterprise", _("Municipal enterprise")  # 市營事業
        OUTSIDE = "outside", _("Outside unit")  # 府外單位

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    short_name_zh = models.CharField(
        _("short name (Chinese)"),
        max_length=30,
        blank=True,
        help_text=_("The name used on the hotline and in dispatch lists, e.g. 養工處."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="core_agency_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en, glossary=True)

    @property
    def label_zh(self) -> str:
        return self.short_name_zh or self.name_zh

    def clean(self) -> None:
        ancestor = self.parent
        seen = {self.pk} if self.pk else set()
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("An agency cannot be its own ancestor.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class District(models.Model):
    """行政區: a district of the city, with its postal code and its district office."""

    code = models.CharField(_("postal code"), max_length=5, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=20, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=50)
    office = models.OneToOneField(
        Agency,
        verbose_name=_("district office"),
        on_delete=models.PROTECT,
        related_name="district",
        limit_choices_to={"kind": Agency.Kind.DISTRICT_OFFICE},
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="core_district_coordinates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en, glossary=True)
