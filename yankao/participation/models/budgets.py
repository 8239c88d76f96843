"""Participatory budgets (參與式預算): processes, pots, proposals, eligibility, ballots
and tallies.

Ballots are stored apart from voters: a :class:`Ballot` names its pot and its choices and
nothing else (a random id, no time, no voter), while :class:`Participation` records that a
voter (a one-time code or an account, as a keyed hash) took part in a pot. One
participation per voter per pot is a database constraint, written in the same
transaction as the ballot, so a second ballot cannot exist.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.models.agencies import localized


class Process(models.Model):
    """A participatory-budget process of one year: its phases and its pots."""

    class Phase(models.TextChoices):
        PROPOSALS = "proposals", _("Proposals")  # 提案
        REVIEW = "review", _("Feasibility review")  # 可行性評估
        BALLOT = "ballot", _("Voting")  # 投票
        RESULTS = "results", _("Results")  # 公布結果
        EXECUTION = "execution", _("Execution")  # 執行
        CLOSED = "closed", _("Closed")  # 結案

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    agency = models.ForeignKey("core.Agency", verbose_name=_("organising agency"),
                               on_delete=models.PROTECT, related_name="pb_processes")
    description = models.TextField(_("description"), blank=True)
    country = models.CharField(_("country"), max_length=60, default="Taiwan")
    unit = models.CharField(_("city (Pabulib unit)"), max_length=100)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices,
                             default=Phase.PROPOSALS)
    imported = models.BooleanField(_("imported from a Pabulib file"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("participatory-budget process")
        verbose_name_plural = _("participatory-budget processes")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class Pot(models.Model):
    """One budget voted on apart: a district's or a theme's (分區或主題), with its ballot
    rules. The rules freeze when voting opens: ``rules_frozen_at`` is set then, and the
    services refuse any later change."""

    class BallotKind(models.TextChoices):
        APPROVAL = "approval", _("Approval (any number)")
        K_APPROVAL = "k-approval", _("Approval of at most k projects")
        KNAPSACK = "knapsack", _("Approval within the budget (knapsack)")
        POINTS = "points", _("Points to share out")

    class Rule(models.TextChoices):
        GREEDY = "greedy", _("Most votes first (greedy)")
        MES = "mes", _("Method of Equal Shares")

    class Completion(models.TextChoices):
        ADD1 = "add1", _("Add1: raise each share by 1 while the outcome fits")
        ADD1_EXHAUSTIVE = "add1-exhaustive", _("Add1 until the outcome is exhaustive")
        NONE = "", _("None")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Preparing")
        VOTING = "voting", _("Voting open")
        CLOSED = "closed", _("Voting closed")

    class Eligibility(models.TextChoices):
        CODE = "code", _("One-time code handed out in person or on paper")
        ACCOUNT = "account", _("Signed-in account")
        EITHER = "either", _("A one-time code or an account")

    process = models.ForeignKey(Process, verbose_name=_("process"), on_delete=models.PROTECT,
                                related_name="pots")
    code = models.SlugField(_("code"), max_length=60)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    district = models.ForeignKey("core.District", verbose_name=_("district"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="pb_pots")
    theme = models.CharField(_("theme"), max_length=100, blank=True)
    budget = models.PositiveBigIntegerField(_("budget (NT$)"))
    currency = models.CharField(_("currency"), max_length=3, default="TWD")
    ballot_kind = models.CharField(_("ballot"), max_length=20, choices=BallotKind.choices,
                                   default=BallotKind.APPROVAL)
    max_choices = models.PositiveSmallIntegerField(
        _("most projects on a ballot"), null=True, blank=True,
        help_text=_("k for k-approval ballots; empty for no limit."))
    max_points = models.PositiveSmallIntegerField(
        _("points each voter shares out"), null=True, blank=True)
    rule = models.CharField(_("tally rule"), max_length=10, choices=Rule.choices,
                            default=Rule.MES)
    completion = models.CharField(_("completion"), max_length=20, choices=Completion.choices,
                                  default=Completion.ADD1, blank=True)
    vote_threshold = models.PositiveIntegerField(
        _("least votes to win (greedy)"), default=0,
        help_text=_("Projects with fewer votes are not selected; 0 for no threshold."))
    eligibility = models.CharField(_("who may vote"), max_length=10,
                                   choices=Eligibility.choices, default=Eligibility.EITHER)
    min_age = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("oldest age"), null=True, blank=True)
    age_on = models.DateField(_("age counted on"), null=True, blank=True)
    residence = models.ForeignKey(
        "core.District", verbose_name=_("voters live in"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Checked when a one-time code is handed out; empty for the whole city."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    rules_frozen_at = models.DateTimeField(_("rules frozen at"), null=True, blank=True)
    tie_break = models.CharField(
        _("tie-break"), max_length=200, editable=False,
        default="lower cost, then more supporters, then project id",
    )
    pabulib_meta = models.JSONField(_("Pabulib META"), default=dict, blank=True)

    class Meta:
        verbose_name = _("budget pot")
        verbose_name_plural = _("budget pots")
        ordering = ["process", "code"]
        constraints = [
            models.UniqueConstraint(fields=["process", "code"], name="pb_pot_code_unique"),
            models.CheckConstraint(
                condition=~models.Q(ballot_kind="k-approval") | models.Q(max_choices__gte=1),
                name="pb_pot_k_approval_has_k"),
            models.CheckConstraint(
                condition=~models.Q(ballot_kind="points") | models.Q(max_points__gte=1),
                name="pb_pot_points_have_total"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)

    @property
    def frozen(self) -> bool:
        return self.rules_frozen_at is not None


class Proposal(models.Model):
    """A citizen proposal in a pot (提案): reviewed for feasibility by the agency that
    would carry it out (a reason is required when it is not feasible), on the ballot when
    feasible, selected or not by the tally, then executed to completion."""

    class Feasibility(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        FEASIBLE = "feasible", _("Feasible")
        UNFEASIBLE = "unfeasible", _("Not feasible")

    class Execution(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Completed")

    pot = models.ForeignKey(Pot, verbose_name=_("pot"), on_delete=models.PROTECT,
                            related_name="proposals")
    code = models.CharField(_("project id"), max_length=40)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    cost = models.PositiveBigIntegerField(_("cost (NT$)"))
    proposer = models.CharField(_("proposed by"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=200, blank=True)
    beneficiaries = models.CharField(_("beneficiaries"), max_length=200, blank=True)
    agency = models.ForeignKey("core.Agency", verbose_name=_("responsible agency"),
                               null=True, blank=True, on_delete=models.PROTECT,
                               related_name="pb_proposals")
    feasibility = models.CharField(_("feasibility"), max_length=12,
                                   choices=Feasibility.choices, default=Feasibility.PENDING)
    feasibility_reason = models.TextField(_("review note"), blank=True)
    selected = models.BooleanField(_("selected"), default=False)
    official_selected = models.BooleanField(
        _("selected officially (imported)"), null=True, blank=True,
        help_text=_("The 'selected' column of an imported Pabulib file."))
    execution = models.CharField(_("execution"), max_length=12, choices=Execution.choices,
                                 default=Execution.NOT_STARTED)
    execution_note = models.TextField(_("execution note"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["pot", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["pot", "code"], name="pb_proposal_code_unique"),
            models.CheckConstraint(
                condition=~models.Q(feasibility="unfeasible") | ~models.Q(feasibility_reason=""),
                name="pb_proposal_unfeasible_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return localized(self.title_zh, self.title_en)

    @property
    def agency_for_scope(self):
        return self.agency or self.pot.process.agency


class VoterCode(models.Model):
    """A one-time voting code (投票代碼), handed out in person or printed on a paper ballot
    after eligibility was checked. Only its hash is kept; it is spent by the ballot."""

    pot = models.ForeignKey(Pot, verbose_name=_("pot"), on_delete=models.PROTECT,
                            related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    batch = models.CharField(_("batch"), max_length=60, blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    used = models.BooleanField(_("used"), default=False)

    class Meta:
        verbose_name = _("voting code")
        verbose_name_plural = _("voting codes")

    def __str__(self) -> str:
        return f"{self.pot} · {self.batch}"


class Participation(models.Model):
    """That a voter took part in a pot: a keyed hash of the voter (code or account),
    never the ballot. One per voter per pot."""

    pot = models.ForeignKey(Pot, verbose_name=_("pot"), on_delete=models.PROTECT,
                            related_name="participations")
    voter_key = models.CharField(max_length=64, editable=False)
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["pot", "voter_key"], name="pb_one_ballot_per_voter"),
        ]

    def __str__(self) -> str:
        return f"{self.pot} · {self.day}"


class Ballot(models.Model):
    """A ballot: its pot, how it was cast, its choices. No voter, no time."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper")
        IMPORTED = "imported", _("Imported")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pot = models.ForeignKey(Pot, verbose_name=_("pot"), on_delete=models.PROTECT,
                            related_name="ballots")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    external_id = models.CharField(
        _("id in the imported file"), max_length=60, blank=True,
        help_text=_("The voter_id of an imported Pabulib vote; empty for our own ballots."))

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["pot", "channel"], name="pb_ballot_pot_channel")]

    def __str__(self) -> str:
        return str(self.pk)


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="choices")
    points = models.PositiveSmallIntegerField(default=1)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="pb_choice_once"),
            models.CheckConstraint(condition=models.Q(points__gte=1), name="pb_choice_points"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.points}"


class Tally(models.Model):
    """One run of a pot's tally (計票), with its explanation round by round."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    pot = models.ForeignKey(Pot, verbose_name=_("pot"), on_delete=models.PROTECT,
                            related_name="tallies")
    rule = models.CharField(_("rule"), max_length=10, choices=Pot.Rule.choices)
    completion = models.CharField(_("completion"), max_length=20, blank=True)
    vote_threshold = models.PositiveIntegerField(_("least votes to win"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    ballots = models.PositiveIntegerField(_("ballots"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    winners = models.JSONField(_("winners"), default=list, blank=True)
    total_cost = models.PositiveBigIntegerField(_("total cost"), default=0)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    official = models.BooleanField(_("the published result"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    job_id = models.PositiveBigIntegerField(_("job"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pot"], condition=models.Q(official=True),
                                    name="pb_one_official_tally"),
        ]

    def __str__(self) -> str:
        return f"{self.pot} · {self.get_rule_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class Resident(models.Model):
    """What an account voter's eligibility is checked against: a birth date and the
    district of residence, verified once by staff (for example at a district office)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("account"),
                                on_delete=models.PROTECT, related_name="pb_resident")
    birth_date = models.DateField(_("birth date"))
    district = models.ForeignKey("core.District", verbose_name=_("district of residence"),
                                 on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("verified at"), auto_now_add=True)

    class Meta:
        verbose_name = _("verified resident")
        verbose_name_plural = _("verified residents")

    def __str__(self) -> str:
        return str(self.user)
