"""The other tracked items (其他列管事項).

Subsidy cases, recommendations and council resolutions share one small mechanism: each is
an item an agency handles under the commission's control until the commission releases
it (解除列管) — :class:`ControlledItem` and the services ``controlled_item_release`` and
``controlled_item_resume``. Enterprise evaluations and the budget pre-review are not items
under control but reviews with their own shape, so they have their own models (decision
record 0201).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.models.agencies import localized
from yankao.programs.models.policy import PERCENT, GradeBand


class ControlStatus(models.TextChoices):
    TRACKING = "tracking", _("Under control")  # 列管中
    RELEASED = "released", _("Released from control")  # 解除列管


class ControlledItem(models.Model):
    """An item an agency handles while the commission tracks it, until released."""

    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="+")
    control_status = models.CharField(_("control status"), max_length=10,
                                      choices=ControlStatus.choices,
                                      default=ControlStatus.TRACKING)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    release_reason = models.TextField(_("reason for release"), blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        released = self.control_status == ControlStatus.RELEASED
        if released != (self.released_on is not None):
            raise ValidationError(
                {"released_on": _("A released item has a release date; a tracked one has none.")})


class SubsidyCase(ControlledItem):
    """基本設施補助計畫案件: one case of the central basic-infrastructure subsidy."""

    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("case number"), max_length=32)
    title = models.CharField(_("case"), max_length=200)
    budget = models.PositiveBigIntegerField(_("budget (NT$)"))
    executed = models.PositiveBigIntegerField(_("executed (NT$)"), default=0)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("subsidy case")
        verbose_name_plural = _("subsidy cases")
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="programs_subsidy_code"),
            models.CheckConstraint(condition=models.Q(executed__lte=models.F("budget")),
                                   name="programs_subsidy_executed_le_budget"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class SupervisionMeeting(models.Model):
    """公共工程督導會報: a meeting that reviewed the subsidy cases' problems."""

    year = models.PositiveSmallIntegerField(_("year"))
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("meeting"), max_length=200)
    notes = models.TextField(_("conclusions"), blank=True)
    cases = models.ManyToManyField(SubsidyCase, verbose_name=_("cases discussed"), blank=True,
                                   related_name="meetings")

    class Meta:
        verbose_name = _("supervision meeting")
        verbose_name_plural = _("supervision meetings")
        ordering = ["held_on"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class RecommendationTopic(models.Model):
    """What a recommendation is about: road safety (道安), and others."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        verbose_name = _("recommendation topic")
        verbose_name_plural = _("recommendation topics")
        ordering = ["code"]

    def __str__(self) -> str:
        return localized(self.name_zh, self.name_en)


class Recommendation(ControlledItem):
    """委員建議事項: a reviewer's recommendation, tracked until adopted and released."""

    topic = models.ForeignKey(RecommendationTopic, verbose_name=_("topic"),
                              on_delete=models.PROTECT, related_name="recommendations")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=200)
    item = models.TextField(_("recommendation"))
    response = models.TextField(_("agency's response"), blank=True)
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-year", "topic", "id"]

    def __str__(self) -> str:
        return self.item[:60]


class ResolutionCategory(models.Model):
    """議決案類別: 內政, 社政, 財經, 教育, 農林, 交通, 衛生環境, 工務."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=20, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("resolution category")
        verbose_name_plural = _("resolution categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return localized(self.name_zh, self.name_en)


class CouncilResolution(ControlledItem):
    """議會議決案: a councillor's motion the council adopted, answered by an agency."""

    session = models.CharField(_("session"), max_length=60,
                               help_text=_("e.g. 第二屆第八次定期大會"))
    number = models.PositiveIntegerField(_("number"))
    resolved_on = models.DateField(
        _("resolved on"), null=True, blank=True,
        help_text=_("The day the council adopted it; the annual report counts resolutions by "
                    "its year."))
    category = models.ForeignKey(ResolutionCategory, verbose_name=_("category"),
                                 on_delete=models.PROTECT, related_name="resolutions")
    proposer = models.CharField(_("proposer"), max_length=100)
    subject = models.TextField(_("subject"))
    reply = models.TextField(_("reply"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)

    class Meta:
        verbose_name = _("council resolution")
        verbose_name_plural = _("council resolutions")
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="programs_resolution_no"),
        ]

    def __str__(self) -> str:
        return f"{self.session} #{self.number}"


class EnterpriseEvaluation(models.Model):
    """所屬事業機構經營績效考核: a municipal enterprise's yearly evaluation. Its indicators
    are fixed before the year starts; the grade is fixed when the review is approved."""

    class Status(models.TextChoices):
        INDICATORS_FIXED = "indicators_fixed", _("Indicators fixed")
        APPROVED = "approved", _("Approved")

    enterprise = models.ForeignKey("core.Agency", verbose_name=_("enterprise"),
                                   on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year evaluated"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.INDICATORS_FIXED)
    indicators_fixed_on = models.DateField(_("indicators fixed on"))
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    final_score = models.DecimalField(_("final score"), max_digits=5, decimal_places=2,
                                      null=True, blank=True, validators=PERCENT)
    grade = models.ForeignKey(GradeBand, verbose_name=_("grade"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("review opinion"), blank=True)

    class Meta:
        verbose_name = _("enterprise evaluation")
        verbose_name_plural = _("enterprise evaluations")
        ordering = ["-year", "enterprise__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"],
                                    name="programs_enterprise_year"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    @property
    def agency(self):
        return self.enterprise

    def clean(self) -> None:
        if self.indicators_fixed_on and self.year and (
            self.indicators_fixed_on >= dt.date(self.year, 1, 1)
        ):
            raise ValidationError({"indicators_fixed_on": _(
                "Indicators must be fixed before the year they evaluate starts.")})


class EnterpriseIndicator(models.Model):
    evaluation = models.ForeignKey(EnterpriseEvaluation, verbose_name=_("evaluation"),
                                   on_delete=models.CASCADE, related_name="indicators")
    name_zh = models.CharField(_("indicator (Chinese)"), max_length=200)
    name_en = models.CharField(_("indicator (English)"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)])
    target = models.CharField(_("target"), max_length=200)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True,
                                blank=True, validators=PERCENT)

    class Meta:
        verbose_name = _("enterprise indicator")
        verbose_name_plural = _("enterprise indicators")
        ordering = ["evaluation", "id"]

    def __str__(self) -> str:
        return localized(self.name_zh, self.name_en)


class BudgetPreReview(models.Model):
    """重要施政計畫先期作業: the pre-review of agencies' requests for a budget year."""

    budget_year = models.PositiveSmallIntegerField(_("budget year"), unique=True)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("budget pre-review")
        verbose_name_plural = _("budget pre-reviews")
        ordering = ["-budget_year"]

    def __str__(self) -> str:
        return self.title


class BudgetRequest(models.Model):
    """One agency's request in a pre-review, and what was approved (NT$)."""

    review = models.ForeignKey(BudgetPreReview, verbose_name=_("pre-review"),
                               on_delete=models.CASCADE, related_name="requests")
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("plan"), max_length=200)
    requested = models.PositiveBigIntegerField(_("requested (NT$)"))
    approved_public = models.PositiveBigIntegerField(_("approved, public budget (NT$)"),
                                                     default=0)
    approved_fund = models.PositiveBigIntegerField(_("approved, fund budget (NT$)"), default=0)

    class Meta:
        verbose_name = _("budget request")
        verbose_name_plural = _("budget requests")
        ordering = ["review", "agency__sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    requested__gte=models.F("approved_public") + models.F("approved_fund")),
                name="programs_request_approved_le_requested",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PreReviewMeeting(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Review meeting")  # 初審會議
        SITE_VISIT = "site_visit", _("Site visit")  # 現勘

    review = models.ForeignKey(BudgetPreReview, verbose_name=_("pre-review"),
                               on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("held on"))
    subject = models.CharField(_("subject"), max_length=200)

    class Meta:
        verbose_name = _("pre-review meeting")
        verbose_name_plural = _("pre-review meetings")
        ordering = ["review", "held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.subject}"


class DocumentCategory(models.Model):
    """公文類別: the seven categories of the monthly document statistics."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=20, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("document category")
        verbose_name_plural = _("document categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return localized(self.name_zh, self.name_en)


class DocumentUrgency(models.Model):
    """速別 and its time limit: 最速件 1 day, 速件 3 days, 普通件 6 days."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=20, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    limit_days = models.PositiveSmallIntegerField(_("time limit (days)"))
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("document urgency")
        verbose_name_plural = _("document urgencies")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return localized(self.name_zh, self.name_en)


class DocumentStat(models.Model):
    """One agency's documents of one category and urgency in one month."""

    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    category = models.ForeignKey(DocumentCategory, verbose_name=_("category"),
                                 on_delete=models.PROTECT, related_name="+")
    urgency = models.ForeignKey(DocumentUrgency, verbose_name=_("urgency"),
                                on_delete=models.PROTECT, related_name="+")
    on_time = models.PositiveIntegerField(_("closed on time"))
    overdue = models.PositiveIntegerField(_("overdue"))
    average_days = models.DecimalField(_("average days"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("document statistic")
        verbose_name_plural = _("document statistics")
        ordering = ["year", "month", "agency__sort_order", "category__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "month", "category", "urgency"],
                                    name="programs_docstat_unique"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12),
                                   name="programs_docstat_month"),
            models.CheckConstraint(condition=models.Q(average_days__gte=0),
                                   name="programs_docstat_days"),
        ]
        indexes = [models.Index(fields=["year", "month"], name="programs_docstat_ym")]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}-{self.month:02d} {self.category}"

    @property
    def total(self) -> int:
        return self.on_time + self.overdue



