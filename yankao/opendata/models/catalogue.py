"""The catalogue: datasets (資料集) and their resources (資料項), as the national metadata
standard (資料集詮釋資料標準規範) describes them, with every metadata version kept."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.models.agencies import localized

# An object identifier (ITU-T X.660): dotted arcs, no leading zeros. Taiwan's government
# OIDs (政府機關物件識別碼) live under the country arc 2.16.886.
OID_PATTERN = re.compile(r"^[0-2](\.(0|[1-9][0-9]*)){2,}$")
TAIWAN_ARC = "2.16.886."
# 機關代碼: nine or ten digits and capital letters (e.g. 397000000A, A41000000G).
ORG_CODE_PATTERN = r"^[0-9A-Z]{9,10}$"


def validate_oid(value: str) -> None:
    """A well-formed OID under Taiwan's arc (2.16.886), as the national portal requires."""
    if not OID_PATTERN.match(value or ""):
        raise ValidationError(
            _("“%(value)s” is not an object identifier: numbers separated by dots, such as "
              "2.16.886.101.20003.20065."), params={"value": value}, code="oid")
    if not value.startswith(TAIWAN_ARC):
        raise ValidationError(
            _("A government OID starts with 2.16.886 (Taiwan's arc); “%(value)s” does not."),
            params={"value": value}, code="oid_arc")


class ServiceCategory(models.Model):
    """服務分類: the national portal's service categories (``categoryService``, e.g. I00
    公共資訊). Data, loaded by migration 0002; a city may add its own."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    slug = models.SlugField(_("group name"), max_length=40, unique=True,
                            help_text=_("The group's name in the CKAN API."))
    name_zh = models.CharField(_("name (Chinese)"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class Licence(models.Model):
    """A licence a dataset may carry. Only open ones (the Open Definition's sense) may be
    published to everyone; the others serve datasets shared between agencies."""

    code = models.CharField(_("code"), max_length=40, unique=True,
                            help_text=_("The licence id in the CKAN API, e.g. OGDL-Taiwan-1.0."))
    title_zh = models.CharField(_("title (Chinese)"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=150)
    url = models.URLField(_("address of the licence text"), blank=True)
    is_open = models.BooleanField(_("open licence"), default=True)
    national_code = models.CharField(
        _("national portal code"), max_length=10, blank=True,
        help_text=_("The value of “license” in the national metadata JSON."))
    is_default = models.BooleanField(_("default for new datasets"), default=False)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["-is_default", "code"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="opendata_one_default_licence"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self.title_zh, self.title_en)


class Publisher(models.Model):
    """An agency as a publisher of open data: its object identifier (機關 OID) and agency
    code (機關代碼), which the national portal uses to tell where a dataset comes from, and
    the contact named on its datasets unless a dataset names another."""

    agency = models.OneToOneField("core.Agency", verbose_name=_("agency"),
                                  on_delete=models.PROTECT, related_name="opendata_publisher")
    oid = models.CharField(_("OID"), max_length=64, unique=True, validators=[validate_oid])
    org_code = models.CharField(
        _("agency code"), max_length=10, unique=True,
        validators=[RegexValidator(ORG_CODE_PATTERN, _("An agency code is nine or ten "
                                                       "digits and capital letters."))])
    contact_name = models.CharField(_("contact name"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=40)
    contact_email = models.EmailField(_("contact e-mail"))

    class Meta:
        verbose_name = _("publisher")
        verbose_name_plural = _("publishers")
        ordering = ["agency__sort_order", "agency__code"]

    def __str__(self) -> str:
        return f"{self.agency} ({self.oid})"


class Tag(models.Model):
    """A keyword (關鍵字) of datasets."""

    name = models.CharField(_("keyword"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    """資料集: one dataset of an agency, described by the national metadata standard."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Access(models.TextChoices):
        PUBLIC = "public", _("Open to everyone")
        RESTRICTED = "restricted", _("Shared with named agencies only")

    class Kind(models.TextChoices):
        RAW_DATA = "rawData", _("Raw data")
        SERVICES = "services", _("Data service (API)")

    class Cost(models.TextChoices):
        FREE = "free", _("Free of charge")
        PAID = "paid", _("Charged")

    class Unit(models.TextChoices):
        HOUR = "hour", _("hour")
        DAY = "day", _("day")
        WEEK = "week", _("week")
        MONTH = "month", _("month")
        QUARTER = "quarter", _("quarter")
        YEAR = "year", _("year")

    class Quality(models.TextChoices):
        NONE = "none", _("No label")
        BRONZE = "bronze", _("Bronze")
        SILVER = "silver", _("Silver")
        GOLD = "gold", _("Gold")

    class NationalState(models.TextChoices):
        NOT_SENT = "not_sent", _("Not sent")
        PENDING = "pending", _("Waiting to be sent")
        SYNCED = "synced", _("Up to date")
        FAILED = "failed", _("Failed, will be retried")
        REMOVED = "removed", _("Removed from the national portal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    identifier = models.CharField(_("identifier"), max_length=24, unique=True, editable=False)
    name = models.SlugField(_("name in the CKAN API"), max_length=40, unique=True,
                            editable=False)
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="opendata_datasets")
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description = models.TextField(_("description"))
    category = models.ForeignKey(ServiceCategory, verbose_name=_("service category"),
                                 on_delete=models.PROTECT, related_name="datasets")
    licence = models.ForeignKey(Licence, verbose_name=_("licence"), on_delete=models.PROTECT,
                                related_name="datasets")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices,
                            default=Kind.RAW_DATA)
    tags = models.ManyToManyField(Tag, verbose_name=_("keywords"), related_name="datasets",
                                  blank=True)
    update_regular = models.BooleanField(_("updated regularly"), default=True)
    update_every = models.PositiveSmallIntegerField(_("updated every"), default=1)
    update_unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices,
                                   default=Unit.YEAR)
    organization_contact_name = models.CharField(_("organization contact name"),
                                                 max_length=60)
    organization_contact_phone = models.CharField(_("organization contact phone"),
                                                  max_length=40)
    organization_contact_email = models.EmailField(_("organization contact e-mail"))
    publisher_contact_name = models.CharField(_("publisher contact name"), max_length=60)
    publisher_contact_phone = models.CharField(_("publisher contact phone"), max_length=40)
    publisher_contact_email = models.EmailField(_("publisher contact e-mail"))
    temporal_from = models.DateField(_("covers from"), null=True, blank=True)
    temporal_to = models.DateField(_("covers until"), null=True, blank=True)
    spatial = models.CharField(_("spatial coverage"), max_length=100, blank=True)
    cost = models.CharField(_("cost"), max_length=8, choices=Cost.choices, default=Cost.FREE)
    cost_url = models.URLField(_("address of the charges"), blank=True)
    cost_law = models.CharField(_("legal basis of the charges"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, default="zh")
    landing_page = models.URLField(_("related page"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    access = models.CharField(_("access"), max_length=12, choices=Access.choices,
                              default=Access.PUBLIC)
    state = models.CharField(_("state"), max_length=12, choices=State.choices,
                             default=State.DRAFT)
    withdrawn_reason = models.TextField(_("why it was withdrawn"), blank=True)
    version = models.PositiveIntegerField(_("metadata version"), default=1)
    created_at = models.DateTimeField(_("created at"))
    modified_at = models.DateTimeField(_("metadata modified at"))
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    quality = models.CharField(_("quality label"), max_length=8, choices=Quality.choices,
                               default=Quality.NONE)
    quality_checked_at = models.DateTimeField(_("quality checked at"), null=True, blank=True)
    national_state = models.CharField(_("national portal"), max_length=10,
                                      choices=NationalState.choices,
                                      default=NationalState.NOT_SENT)
    national_version = models.PositiveIntegerField(_("version on the national portal"),
                                                   default=0)
    national_retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["-modified_at", "identifier"]
        indexes = [
            models.Index(fields=["state", "access", "modified_at"], name="opendata_ds_public"),
            models.Index(fields=["agency", "state"], name="opendata_ds_agency"),
            models.Index(fields=["national_state", "national_retry_at"],
                         name="opendata_ds_national"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(temporal_to__isnull=True) | models.Q(
                    temporal_from__isnull=True) | models.Q(
                    temporal_to__gte=models.F("temporal_from")),
                name="opendata_dataset_coverage_order"),
            models.CheckConstraint(condition=models.Q(update_every__gte=1),
                                   name="opendata_dataset_update_every"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.title}"

    @property
    def is_public(self) -> bool:
        return self.state == self.State.PUBLISHED and self.access == self.Access.PUBLIC

    def display_title(self) -> str:
        return localized(self.title, self.title_en)


class DatasetVersion(models.Model):
    """One version of a dataset's metadata, as the national JSON said it: never changed."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    metadata = models.JSONField(_("metadata"))
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    changed_at = models.DateTimeField(_("changed at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("metadata version")
        verbose_name_plural = _("metadata versions")
        ordering = ["dataset", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "version"],
                                    name="opendata_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset.identifier} v{self.version}"


class Resource(models.Model):
    """資料項: one distribution of a dataset: an uploaded file or the address of an API."""

    class Kind(models.TextChoices):
        FILE = "file", _("Uploaded file")
        LINK = "link", _("Address (API or file elsewhere)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="resources")
    position = models.PositiveSmallIntegerField(_("position"))
    identifier = models.CharField(_("identifier"), max_length=32, unique=True, editable=False)
    description = models.CharField(_("description"), max_length=200)
    format = models.CharField(_("format"), max_length=12)
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    attachment = models.OneToOneField("core.Attachment", verbose_name=_("file"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    url = models.URLField(_("web address"), max_length=500, blank=True)
    character_set = models.CharField(_("character set"), max_length=16, default="UTF-8")
    created_at = models.DateTimeField(_("added at"))
    modified_at = models.DateTimeField(_("modified at"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    # The latest machine check of this resource (see quality.py for each check).
    checks = models.JSONField(_("latest checks"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("quality checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["dataset", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "position"],
                                    name="opendata_resource_position"),
            models.CheckConstraint(
                condition=(models.Q(kind="file", attachment__isnull=False)
                           | models.Q(kind="link") & ~models.Q(url="")),
                name="opendata_resource_has_content"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.description}"


class ResourceField(models.Model):
    """主要欄位說明: one column of a resource, as the agency describes it."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("field name"), max_length=100)
    description = models.CharField(_("field description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("field description")
        verbose_name_plural = _("field descriptions")
        ordering = ["resource", "position"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "position"],
                                    name="opendata_field_position"),
        ]

    def __str__(self) -> str:
        return self.name
