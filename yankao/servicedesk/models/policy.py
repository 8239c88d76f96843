"""Policy as data: categories (service codes), routing rules and time limits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.models.agencies import localized


class CaseKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")  # 諮詢
    PETITION = "petition", _("Petition")  # 人民陳情
    MAILBOX = "mailbox", _("Mayor's mailbox")  # 市長信箱
    DISPATCH = "dispatch", _("Hazard dispatch")  # 派工


class Category(models.Model):
    """案件類別: a main category (no parent) or a sub-category, which is what cases use.

    Each sub-category is one Open311 service (``code`` is its service_code).
    """

    code = models.CharField(_("service code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("main category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    kind = models.CharField(
        _("default kind"), max_length=20, choices=CaseKind.choices, default=CaseKind.PETITION,
        help_text=_("The kind a case of this category gets at intake."),
    )
    default_agency = models.ForeignKey(
        "core.Agency", verbose_name=_("default handling agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    duplicate_radius_m = models.PositiveIntegerField(
        _("duplicate radius (m)"), default=100,
        help_text=_("Open cases of this category within this distance are suggested as "
                    "duplicates at intake."),
    )
    attributes = models.JSONField(
        _("Open311 attributes"), default=list, blank=True,
        help_text=_("Extra questions of this service: a list of {code, datatype, required, "
                    "description_zh, description_en, values: [{key, name_zh, name_en}]}."),
    )
    public = models.BooleanField(
        _("offered to the public"), default=True,
        help_text=_("Shown in the citizen portal and as an Open311 service."),
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)

    @property
    def description(self) -> str:
        return localized(self.description_zh, self.description_en)

    @property
    def full_name(self) -> str:
        if self.parent_id:
            return f"{self.parent.name} › {self.name}"
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Categories have two levels: main and sub.")})


class RoutingRule(models.Model):
    """分案規則: which agency handles a category, optionally only in one district.

    A rule for the case's district wins over a rule for any district; among equals the
    lower priority number wins.
    """

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="rules"
    )
    district = models.ForeignKey(
        "core.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty: every district."),
    )
    agency = models.ForeignKey(
        "core.Agency", verbose_name=_("handling agency"), on_delete=models.PROTECT,
        related_name="+",
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category__code", "priority", "id"]

    def __str__(self) -> str:
        where = self.district.name if self.district_id else _("every district")
        return f"{self.category.code} · {where} → {self.agency.label_zh}"


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("calendar hours")
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("calendar days")


class DeadlineRule(models.Model):
    """處理期限: the time limit of a kind of case, optionally for one category only, from a date.

    Dispatch: 4 calendar hours from dispatch to the field report. Mayor's mailbox: 5 working
    days (Kaohsiung). Petitions: per category, at most 30 days (行政程序法 art. 171 and the
    city's rules). A change of the law is a new rule with a later ``valid_from``.
    """

    MAX_PETITION_DAYS = 30

    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="deadline_rules", help_text=_("Empty: every category of this kind."),
    )
    unit = models.CharField(_("unit"), max_length=20, choices=DeadlineUnit.choices)
    amount = models.PositiveIntegerField(_("time limit"))
    remind_before_hours = models.PositiveIntegerField(
        _("remind this many hours before"), default=24,
        help_text=_("Cases inside this window are “due soon” and their officers are reminded."),
    )
    valid_from = models.DateField(_("valid from"))
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["kind", "category__code", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.get_unit_display()}"

    def clean(self) -> None:
        days = {DeadlineUnit.HOURS: self.amount / 24, DeadlineUnit.DAYS: self.amount,
                DeadlineUnit.WORKING_DAYS: self.amount}.get(self.unit, 0)
        if self.kind in (CaseKind.PETITION, CaseKind.MAILBOX) and days > self.MAX_PETITION_DAYS:
            raise ValidationError(
                {"amount": _("A petition must be answered within 30 days at most.")}
            )
        if self.category_id and self.category.parent_id is None:
            raise ValidationError({"category": _("Choose a sub-category.")})


class ImportMapping(models.Model):
    """匯入對照: what a value in another system's file means here. A published file may
    name a category or a unit differently from this city's catalogue; the import keeps
    such rows under a placeholder and lists the values in a mapping file, which the city
    completes and loads (``yankao import mapping csv FILE``); importing the file again
    then puts the rows where they belong."""

    class Column(models.TextChoices):
        CATEGORY = "category", _("category")
        AGENCY = "agency", _("handling unit")

    source = models.CharField(_("import source"), max_length=32,
                              help_text=_("The importer the value comes from, e.g. open1999."))
    column = models.CharField(_("what the value names"), max_length=16,
                              choices=Column.choices)
    value = models.CharField(_("value in the file"), max_length=200)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        "core.Agency", verbose_name=_("agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        ordering = ["source", "column", "value"]
        constraints = [
            models.UniqueConstraint(fields=["source", "column", "value"],
                                    name="servicedesk_import_mapping_unique"),
            models.CheckConstraint(
                condition=(models.Q(column="category", category__isnull=False,
                                    agency__isnull=True)
                           | models.Q(column="agency", agency__isnull=False,
                                      category__isnull=True)),
                name="servicedesk_import_mapping_target"),
        ]

    def __str__(self) -> str:
        target = self.category.code if self.category_id else self.agency.code
        return f"{self.source} {self.column} {self.value!r} → {target}"
