"""Reads of citizen works reports (全民督工) and training sessions. No selector here joins
the reporter's contact: it is read only through ``services.citizen.citizen_report_contact``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency
from yankao.core.numbers import percent
from yankao.core.permissions import actor_scope
from yankao.works.access import INTAKE_ROLES, reads_all, works_scope
from yankao.works.models import CitizenReport, Inspection, TrainingSession


def citizen_report_visible(*, actor) -> QuerySet[CitizenReport]:
    """Reports the actor may read: the team and evaluators all; intake staff also those not
    routed yet; an agency its own (routed to it)."""
    queryset = CitizenReport.objects.select_related("agency", "tender", "district")
    scope = actor_scope(actor)
    if not scope.authenticated:
        return queryset.none()
    if reads_all(actor):
        return queryset
    mine = works_scope(queryset, actor)
    if scope.has_role(*INTAKE_ROLES):
        return queryset.filter(Q(pk__in=mine.values("pk")) | Q(agency__isnull=True))
    return mine


def citizen_report_list(*, actor, year: int | None = None, status: str = "",
                        agency_code: str = "") -> QuerySet[CitizenReport]:
    reports = citizen_report_visible(actor=actor)
    if year:
        reports = reports.filter(received_at__year=year)
    if status:
        reports = reports.filter(status=status)
    if agency_code:
        reports = reports.filter(agency__code=agency_code)
    return reports


def citizen_report_get(*, actor, number: str) -> CitizenReport:
    report = citizen_report_visible(actor=actor).prefetch_related(
        "extensions", "referred_agencies", "inspections").filter(number=number).first()
    if report is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such report.")
    return report


@dataclass(frozen=True)
class ReportSatisfaction:
    year: int
    surveyed: int
    satisfied: int
    dissatisfied: int
    satisfied_percent: Decimal | None
    dissatisfied_percent: Decimal | None


def citizen_report_satisfaction(*, actor, year: int) -> ReportSatisfaction:
    """滿意度: of the reporters surveyed on reports received in ``year``, the satisfied and
    the dissatisfied (percentages of those surveyed)."""
    counts = citizen_report_list(actor=actor, year=year).aggregate(
        satisfied=Count("id", filter=Q(satisfaction=CitizenReport.Satisfaction.SATISFIED)),
        dissatisfied=Count("id",
                           filter=Q(satisfaction=CitizenReport.Satisfaction.DISSATISFIED)))
    surveyed = counts["satisfied"] + counts["dissatisfied"]
    return ReportSatisfaction(
        year=year, surveyed=surveyed, satisfied=counts["satisfied"],
        dissatisfied=counts["dissatisfied"],
        satisfied_percent=percent(counts["satisfied"], surveyed),
        dissatisfied_percent=percent(counts["dissatisfied"], surveyed))


@dataclass(frozen=True)
class ReportInspectionRate:
    year: int
    reports: int
    inspections: int
    rate_percent: Decimal | None


def citizen_report_inspection_rate(*, actor, year: int) -> ReportInspectionRate:
    """督工案查核率: inspections in ``year`` arising from citizen reports ÷ reports received."""
    reports = citizen_report_list(actor=actor, year=year).count()
    from yankao.works.selectors.inspections import inspection_list

    inspections = inspection_list(actor=actor, year=year).filter(
        citizen_report__isnull=False).exclude(status=Inspection.Status.PLANNED).count()
    return ReportInspectionRate(year=year, reports=reports, inspections=inspections,
                                rate_percent=percent(inspections, reports))


@dataclass(frozen=True)
class ChannelCount:
    channel: str
    label: str
    count: int


def citizen_report_channels(*, actor, year: int) -> list[ChannelCount]:
    """Reports of ``year`` by channel (web, reporting line, 1999)."""
    counts = dict(citizen_report_list(actor=actor, year=year).values("channel")
                  .annotate(n=Count("id")).values_list("channel", "n"))
    return [ChannelCount(channel=value, label=str(label), count=counts.get(value, 0))
            for value, label in CitizenReport.Channel.choices]


@dataclass(frozen=True)
class AgencyReportCount:
    agency_code: str
    agency: str
    reports: int
    dissatisfied: int


@dataclass(frozen=True)
class ReviewList:
    year: int
    most_reports: list[AgencyReportCount]
    most_dissatisfied: list[AgencyReportCount]


def citizen_report_review_list(*, actor, year: int, limit: int = 5) -> ReviewList:
    """檢討會議名單: the agencies with the most reports and with the most dissatisfied
    reporters in ``year``, for the yearly review meeting."""
    rows = (citizen_report_list(actor=actor, year=year).filter(agency__isnull=False)
            .values("agency_id").annotate(
                reports=Count("id"),
                dissatisfied=Count("id", filter=Q(
                    satisfaction=CitizenReport.Satisfaction.DISSATISFIED))))
    agencies = Agency.objects.in_bulk([row["agency_id"] for row in rows])
    counts = [AgencyReportCount(agency_code=agencies[row["agency_id"]].code,
                                agency=agencies[row["agency_id"]].name,
                                reports=row["reports"], dissatisfied=row["dissatisfied"])
              for row in rows]
    most_reports = sorted(counts, key=lambda row: (-row.reports, row.agency_code))[:limit]
    most_dissatisfied = sorted([row for row in counts if row.dissatisfied],
                               key=lambda row: (-row.dissatisfied, row.agency_code))[:limit]
    return ReviewList(year=year, most_reports=most_reports, most_dissatisfied=most_dissatisfied)


def training_list(*, year: int | None = None) -> QuerySet[TrainingSession]:
    """Training sessions (public information within the staff site), oldest first."""
    sessions = TrainingSession.objects.order_by("held_on", "id")
    if year:
        sessions = sessions.filter(held_on__year=year)
    return sessions


@dataclass(frozen=True)
class TrainingSummary:
    year: int
    sessions: int
    attendance: int


def training_summary(*, year: int) -> TrainingSummary:
    """教育訓練: sessions held in ``year`` and their total attendance."""
    totals = training_list(year=year).aggregate(n=Count("id"), people=Sum("attendance"))
    return TrainingSummary(year=year, sessions=totals["n"], attendance=totals["people"] or 0)


def training_years() -> list[int]:
    """Years with training sessions, latest first."""
    return sorted({day.year for day in TrainingSession.objects.dates("held_on", "year")},
                  reverse=True)
