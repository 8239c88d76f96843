"""Research and publications (研究發展): commissioned research with milestones, thesis
grants, overseas-trip reports with recommendations tracked to each agency's reply, the
City Development journal, the bilingual glossary, Government Service Award nominations
and the phone courtesy tests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ResearchProject(models.Model):
    """專題委託研究: a commissioned study, its contract and its final report."""

    class Status(models.TextChoices):
        CONTRACTED = "contracted", _("Under contract")
        FINAL = "final", _("Final report accepted")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    contractor = models.CharField(_("contractor"), max_length=200)
    amount = models.PositiveBigIntegerField(_("contract amount (NT$)"))
    signed_on = models.DateField(_("contract signed on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.CONTRACTED)
    abstract = models.TextField(_("abstract"), blank=True)
    final_report_on = models.DateField(_("final report on"), null=True, blank=True)

    class Meta:
        verbose_name = _("commissioned research")
        verbose_name_plural = _("commissioned research")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE,
                                related_name="milestones")
    name = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_on"]

    def __str__(self) -> str:
        return self.name


class ThesisGrant(models.Model):
    """學位論文獎補助: an application, its review, the grant and, later, an award."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        GRANTED = "granted", _("Granted")
        REJECTED = "rejected", _("Not granted")

    year = models.PositiveSmallIntegerField(_("year"))
    student = models.CharField(_("student"), max_length=100)
    university = models.CharField(_("university"), max_length=200)
    degree = models.CharField(_("degree"), max_length=20)
    title = models.CharField(_("thesis title"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.APPLIED)
    review_note = models.TextField(_("review"), blank=True)
    amount = models.PositiveIntegerField(_("grant (NT$)"), default=0)
    awarded = models.BooleanField(_("award for an outstanding thesis"), default=False)
    award_year = models.PositiveSmallIntegerField(_("award year"), null=True, blank=True)

    class Meta:
        verbose_name = _("thesis grant")
        verbose_name_plural = _("thesis grants")
        ordering = ["-year", "student"]

    def __str__(self) -> str:
        return self.title


class TripReport(models.Model):
    """公務出國報告: reviewed, published, its recommendations sent to agencies."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField(_("year"))
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="trip_reports")
    title = models.CharField(_("title"), max_length=300)
    destination = models.CharField(_("destination"), max_length=200)
    travellers = models.CharField(_("travellers"), max_length=300)
    summary = models.TextField(_("summary"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SUBMITTED)
    review_note = models.TextField(_("review"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("overseas-trip report")
        verbose_name_plural = _("overseas-trip reports")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class TripRecommendation(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent to the agency")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    report = models.ForeignKey(TripReport, on_delete=models.CASCADE,
                               related_name="recommendations")
    text = models.TextField(_("recommendation"))
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency asked"),
                               on_delete=models.PROTECT, related_name="trip_recommendations")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.SENT)
    reply = models.TextField(_("agency's reply"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return self.text[:60]


class JournalIssue(models.Model):
    """「城市發展」半年刊 (City Development): an issue and its articles."""

    number = models.PositiveSmallIntegerField(_("issue"), unique=True)
    theme = models.CharField(_("theme"), max_length=200)
    published_on = models.DateField(_("published on"))

    class Meta:
        verbose_name = _("journal issue")
        verbose_name_plural = _("journal issues")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.number} {self.theme}"


class Article(models.Model):
    issue = models.ForeignKey(JournalIssue, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(_("title"), max_length=300)
    authors = models.CharField(_("authors"), max_length=300)
    abstract = models.TextField(_("abstract"))
    body = models.TextField(_("full text"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("a journal's", "article")
        verbose_name_plural = _("articles")
        ordering = ["issue", "pk"]

    def __str__(self) -> str:
        return self.title


class GlossaryTerm(models.Model):
    """雙語詞彙: an English name for a road, place, venue or agency, proposed, reviewed by
    the English-environment committee, approved and then used on English pages."""

    class Kind(models.TextChoices):
        ROAD = "road", _("Road or street")
        PLACE = "place", _("Place name")
        VENUE = "venue", _("Sight or venue")
        AGENCY = "agency", _("Agency or unit")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    zh = models.CharField(_("Chinese name"), max_length=200)
    en = models.CharField(_("English name"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PROPOSED)
    note = models.TextField(_("review note"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["kind", "zh"]
        constraints = [
            models.UniqueConstraint(fields=["zh"], condition=models.Q(status="approved"),
                                    name="glossary_one_approved_per_term"),
        ]

    def __str__(self) -> str:
        return f"{self.zh} — {self.en}"


class ServiceAwardNomination(models.Model):
    """政府服務獎 nomination: written, first and site reviews, then recommended or not."""

    class Stage(models.TextChoices):
        WRITTEN = "written", _("Written review")
        FIRST = "first", _("First review")
        SITE = "site", _("Site review")
        RECOMMENDED = "recommended", _("Recommended")
        NOT_RECOMMENDED = "not_recommended", _("Not recommended")

    year = models.PositiveSmallIntegerField(_("year"))
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="service_nominations")
    category = models.CharField(_("category"), max_length=100)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices,
                             default=Stage.WRITTEN)

    class Meta:
        verbose_name = _("service award nomination")
        verbose_name_plural = _("service award nominations")
        ordering = ["-year", "agency__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["year", "agency", "category"],
                                    name="service_nomination_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.agency}"


class NominationReview(models.Model):
    nomination = models.ForeignKey(ServiceAwardNomination, on_delete=models.CASCADE,
                                   related_name="reviews")
    stage = models.CharField(_("stage"), max_length=16,
                             choices=ServiceAwardNomination.Stage.choices[:3])
    score = models.PositiveSmallIntegerField(_("score"))
    passed = models.BooleanField(_("passed"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("nomination review")
        verbose_name_plural = _("nomination reviews")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "stage"], name="nomination_stage_once"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="nomination_score"),
        ]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.stage}"


class CourtesyPlan(models.Model):
    """電話禮貌測試: a year's sampling plan (agencies × calls × rounds) and scoring items."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    rounds = models.PositiveSmallIntegerField(_("rounds"))
    calls_per_round = models.PositiveIntegerField(_("calls per round"))
    agencies = models.ManyToManyField("core.Agency", verbose_name=_("agencies tested"),
                                      related_name="+")

    class Meta:
        verbose_name = _("phone courtesy test plan")
        verbose_name_plural = _("phone courtesy test plans")

    def __str__(self) -> str:
        return str(self.year)


class CourtesyItem(models.Model):
    plan = models.ForeignKey(CourtesyPlan, on_delete=models.CASCADE, related_name="items")
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    points = models.PositiveSmallIntegerField(_("points"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("scoring item")
        verbose_name_plural = _("scoring items")
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.points})"


class CourtesyCall(models.Model):
    """One test call (one sample): its agency, round and the points on each item."""

    plan = models.ForeignKey(CourtesyPlan, on_delete=models.CASCADE, related_name="calls")
    round = models.PositiveSmallIntegerField(_("round"))
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="courtesy_calls")
    called_at = models.DateTimeField(_("called at"))
    points = models.JSONField(_("points per item"), default=dict)
    total = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("test call")
        verbose_name_plural = _("test calls")
        indexes = [models.Index(fields=["plan", "round", "agency"], name="courtesy_call_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(total__lte=100),
                                              name="courtesy_total_range")]

    def __str__(self) -> str:
        return f"{self.plan} R{self.round} {self.agency}"
