"""Cases, their assignments to agencies, extensions, surveys, calls and Open311 clients."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.servicedesk.models.policy import CaseKind, Category

DESCRIPTION_MAX = 4000  # Open311 GeoReport v2: "free form text limited to 4,000 characters"


class Channel(models.TextChoices):
    PHONE = "phone", _("1999 phone")
    COUNTER = "counter", _("Counter")
    WEB = "web", _("Web")
    APP = "app", _("App")
    LETTER = "letter", _("Letter")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("Email")
    OPEN311 = "open311", _("Open311")
    SENSOR = "sensor", _("City sensor")  # an alert of the city data platform


class PetitionKind(models.TextChoices):
    """行政程序法第168條: the four things a petition may be about."""

    ADMINISTRATIVE_MEASURE = "measure", _("Administrative measures")  # 行政興革之建議
    LEGAL_OPINION = "opinion", _("Legal or regulatory opinion")  # 行政法令之查詢
    ILLEGALITY = "illegality", _("Report of an illegal or improper act")  # 行政違失之舉發
    RIGHTS = "rights", _("Protection of rights and interests")  # 行政上權益之維護


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")  # 登錄
    ASSIGNED = "assigned", _("Assigned")  # 分案
    IN_PROGRESS = "in_progress", _("In progress")  # 處理中
    SUPPLEMENT = "supplement", _("Supplement requested")  # 補正
    REPLIED = "replied", _("Replied")  # 已回覆
    FIELD_REPORTED = "field_reported", _("Field-reported")  # 已回報
    CLOSED = "closed", _("Closed")  # 結案


OPEN_STATUSES = (
    CaseStatus.REGISTERED, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS, CaseStatus.SUPPLEMENT,
)


class CloseReason(models.TextChoices):
    HANDLED = "handled", _("Handled")
    MERGED = "merged", _("Merged into another case")
    FILED = "filed", _("Filed without handling (art. 173)")


class FilingGround(models.TextChoices):
    """行政程序法第173條: petitions that may be left unhandled (still registered, then closed)."""

    NO_NAME = "no_name", _("No real name or address given")  # 無具體內容或未具真實姓名或住址
    SAME_MATTER = "same_matter", _("Same matter already answered")  # 同一事由，經予適當處理
    NOT_PETITION = "not_petition", _("Not a matter for petition (court or other procedure)")


class Case(models.Model):
    """案件: one consultation, petition, mailbox letter or dispatch report.

    The reporter's personal data is not here: ``contact`` points to the vault
    (:class:`yankao.core.models.PersonalContact`). ``agency`` is the lead handling agency,
    used for scoping; every handling agency has its own :class:`Assignment`.
    """

    # Unique through Meta.constraints: a plain unique=True would add a second, pattern-ops
    # index on PostgreSQL that no query uses (decision 0101).
    number = models.CharField(_("case number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    petition_kind = models.CharField(
        _("petition kind (art. 168)"), max_length=20, choices=PetitionKind.choices, blank=True
    )
    category = models.ForeignKey(  # indexed by (category, registered_at)
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases",
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REGISTERED
    )
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(
        _("location address"), max_length=200, blank=True,
        help_text=_("Where the problem is — not the reporter's address."),
    )
    district = models.ForeignKey(  # read by month and grouped: no index of its own
        "core.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_index=False,
    )
    confidential = models.BooleanField(
        _("confidential"), default=False,
        help_text=_("Never shown in public: not on Open311, not in open data."),
    )
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    attributes = models.JSONField(_("answers to the category's questions"), default=dict,
                                  blank=True)
    agency = models.ForeignKey(  # indexed by (agency, registered_at)
        "core.Agency", verbose_name=_("lead agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_index=False,
    )
    contact = models.ForeignKey(  # partial index in Meta: most cases have none
        "core.PersonalContact", verbose_name=_("reporter contact"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_index=False,
    )
    password_hash = models.CharField(max_length=128, blank=True, editable=False)
    # NULL, not "", so that the unique constraint (Meta.constraints) ignores cases without one.
    submission_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False,
        help_text="One-time key of the form that created the case (a second submit finds it).",
    )
    source = models.CharField(_("import source"), max_length=32, blank=True)
    external_id = models.CharField(  # noqa: DJ001 - NULL keeps the unique constraint partial
        _("external id"), max_length=64, null=True, blank=True)
    created_by = models.ForeignKey(  # partial index in Meta: imports and Open311 have none
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_index=False,
    )
    registered_at = models.DateTimeField(_("registered at"))
    dispatched_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    answered_at = models.DateTimeField(
        _("answered at"), null=True, blank=True,
        help_text=_("When the last handling agency replied or reported from the field."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    close_reason = models.CharField(
        _("close reason"), max_length=20, choices=CloseReason.choices, blank=True
    )
    filing_ground = models.CharField(
        _("ground for filing"), max_length=20, choices=FilingGround.choices, blank=True
    )
    merged_into = models.ForeignKey(  # partial index in Meta: few cases are merged
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="merged_cases", db_index=False,
    )
    downgraded = models.BooleanField(
        _("downgraded"), default=False,
        help_text=_("A dispatch report found not to be an immediate hazard; outside the "
                    "4-hour rate."),
    )
    handling_seconds = models.PositiveIntegerField(
        _("handling time (s)"), null=True, blank=True,
        help_text=_("From registration (dispatch: from assignment) to the answer."),
    )
    status_notes = models.TextField(_("public status notes"), blank=True)
    public_description = models.TextField(  # a database default: imports insert raw rows
        _("description as published"), blank=True, db_default="",
        help_text=_("Set when a moderator masked part of the description; otherwise the "
                    "public pages show the description with personal data masked "
                    "automatically."),
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="servicedesk_case_number_unique"),
            models.UniqueConstraint(
                fields=["submission_key"], name="servicedesk_case_submission_unique",
                condition=models.Q(submission_key__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"], name="servicedesk_case_external_unique",
                condition=models.Q(external_id__isnull=False),
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="servicedesk_case_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="servicedesk_case_longitude_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="servicedesk_case_closed_has_time",
            ),
        ]
        indexes = [
            # (registered_at, id): the order of every case list, read backwards for newest
            # first, so that keyset pages start where the last one ended (decision 0131).
            models.Index(fields=["registered_at", "id"], name="sd_case_registered_id_idx"),
            models.Index(fields=["updated_at"], name="sd_case_updated_idx"),
            models.Index(fields=["category", "registered_at"], name="sd_case_cat_time_idx"),
            models.Index(fields=["agency", "registered_at"], name="sd_case_agency_time_idx"),
            models.Index(fields=["kind", "registered_at"], name="sd_case_kind_time_idx"),
            # Open cases are a small part of all: Open311 "status=open", the routing queue.
            models.Index(fields=["registered_at", "id"], condition=~models.Q(status="closed"),
                         name="sd_case_open_id_idx"),
            # Cases not answered whose time limit is still ahead: the figures count them
            # live, as the clock turns them late without a write (decision 0120).
            models.Index(fields=["due_at"], condition=models.Q(answered_at__isnull=True,
                                                               due_at__isnull=False),
                         name="sd_case_not_due_idx"),
            # Sparse references get partial indexes (decision 0101).
            models.Index(fields=["contact"], condition=models.Q(contact__isnull=False),
                         name="sd_case_contact_idx"),
            models.Index(fields=["created_by"], condition=models.Q(created_by__isnull=False),
                         name="sd_case_created_by_idx"),
            models.Index(fields=["merged_into"], condition=models.Q(merged_into__isnull=False),
                         name="sd_case_merged_idx"),
            # GET tokens/{token} finds an Open311 submission by its key's prefix.
            models.Index(fields=["submission_key"], opclasses=["varchar_pattern_ops"],
                         condition=models.Q(submission_key__startswith="o311:"),
                         name="sd_case_o311_token_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    REPLIED = "replied", _("Replied")
    TRANSFERRED = "transferred", _("Transferred")


ACTIVE_ASSIGNMENT = (AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS)


class Assignment(models.Model):
    """One handling agency's part of a case, with its own due time and reply."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="assignments"
    )
    agency = models.ForeignKey(  # indexed by the inbox indexes, which lead with it
        "core.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    officer = models.ForeignKey(  # partial index in Meta
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_index=False,
    )
    is_lead = models.BooleanField(_("lead agency"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AssignmentStatus.choices,
        default=AssignmentStatus.ASSIGNED,
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    due_at = models.DateTimeField(_("due at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True, max_length=DESCRIPTION_MAX)
    transferred_to = models.ForeignKey(  # partial index in Meta
        "self", verbose_name=_("transferred to"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_index=False,
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_at", "id"]
        indexes = [
            # The inbox (an agency's open assignments in due order, overdue ones first) and
            # the reminder job: open assignments are few, so one partial index serves both.
            models.Index(fields=["agency", "due_at", "id"],
                         condition=models.Q(status__in=["assigned", "in_progress"]),
                         name="sd_assign_open_idx"),
            # The inbox of everyone who sees every agency, in due order (keyset pages).
            models.Index(fields=["due_at", "id"],
                         condition=models.Q(status__in=["assigned", "in_progress"]),
                         name="sd_assign_open_due_idx"),
            # New cases not yet taken, by agency: the header's to-do count on every page of
            # an officer, and the inbox's "assigned" filter. Without it each count read every
            # open assignment of the agency from the table for its status (29 ms at 32 M).
            models.Index(fields=["agency", "due_at"], condition=models.Q(status="assigned"),
                         name="sd_assign_new_idx"),
            models.Index(fields=["officer"], condition=models.Q(officer__isnull=False),
                         name="sd_assign_officer_idx"),
            models.Index(fields=["transferred_to"],
                         condition=models.Q(transferred_to__isnull=False),
                         name="sd_assign_transfer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.agency.label_zh}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Extension(models.Model):
    """展延: a later due time, with a reason and the notice sent to the citizen, approved by
    a section chief of the handling agency."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT,
        related_name="extensions",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    reason = models.TextField(_("reason"))
    notice = models.TextField(_("notice to the citizen"))
    new_due_at = models.DateTimeField(_("new due time"))
    status = models.CharField(
        _("status"), max_length=20, choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.get_status_display()}"

    @property
    def agency(self):
        return self.assignment.agency


class Survey(models.Model):
    """滿意度調查: offered when a case closes; answered by the citizen on the tracking page."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="survey"
    )
    invited_at = models.DateTimeField(_("invited at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score (1–5)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        indexes = [models.Index(fields=["invited_at"], name="sd_survey_invited_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="servicedesk_survey_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} survey"

    @property
    def satisfied(self) -> bool | None:
        return None if self.score is None else self.score >= 4


class CallOutcome(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation answered on the line")
    CASE_CREATED = "case_created", _("Recorded and forwarded as a case")
    TRANSFERRED = "transferred", _("Transferred")
    OTHER = "other", _("Other")


class Call(models.Model):
    """話務紀錄: one call to the 1999 hotline."""

    received_at = models.DateTimeField(_("received at"))
    duration_seconds = models.PositiveIntegerField(_("duration (s)"))
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallOutcome.choices)
    answered_at_once = models.BooleanField(
        _("answered at once"), default=False,
        help_text=_("A consultation answered during the call itself (線上立即回覆)."),
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="calls",
    )
    agency = models.ForeignKey(
        "core.Agency", verbose_name=_("call centre"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # A call read from the call centre's own log (``yankao import calls``) keeps that
    # log's id, so importing the log again adds nothing.
    source = models.CharField(_("import source"), max_length=32, blank=True)
    external_id = models.CharField(  # noqa: DJ001 - NULL keeps the unique constraint partial
        _("external id"), max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["received_at", "outcome"], name="sd_call_time_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="servicedesk_call_external_unique",
                condition=models.Q(external_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"


class Open311Client(models.Model):
    """An application allowed to POST Open311 service requests, with its api_key's hash."""

    name = models.CharField(_("name"), max_length=100)
    contact_email = models.EmailField(_("contact email"), blank=True)
    prefix = models.CharField(_("prefix"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
