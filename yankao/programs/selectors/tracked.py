"""The other tracked items: each figure of the report as one function."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.numbers import percent
from yankao.core.permissions import actor_scope
from yankao.programs.access import scoped
from yankao.programs.models import (
    BudgetPreReview,
    BudgetRequest,
    ControlStatus,
    CouncilResolution,
    EnterpriseEvaluation,
    PreReviewMeeting,
    Recommendation,
    ResolutionCategory,
    SubsidyCase,
    SupervisionMeeting,
)


def _visible_to_staff(actor) -> bool:
    return actor_scope(actor).authenticated


# Subsidy cases

def subsidy_years(*, actor) -> list[int]:
    return sorted(set(scoped(SubsidyCase.objects.all(), actor).values_list("year", flat=True)),
                  reverse=True)


def subsidy_case_list(*, actor, year: int, control_status: str | None = None) -> (
    QuerySet[SubsidyCase]
):
    queryset = scoped(SubsidyCase.objects.select_related("agency"), actor).filter(year=year)
    if control_status:
        queryset = queryset.filter(control_status=control_status)
    return queryset


def subsidy_case_get(*, actor, case_id: int) -> SubsidyCase:
    case = scoped(SubsidyCase.objects.select_related("agency"), actor).filter(pk=case_id).first()
    if case is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("No such subsidy case."))
    return case


@dataclass(frozen=True)
class SubsidySummary:
    year: int
    cases: int
    closed: int
    tracking: int
    budget: int
    executed: int
    meetings: int

    @property
    def execution_rate(self) -> Decimal | None:
        """預算執行率: executed ÷ budget, in %, from the amounts (demo: 99.89 %)."""
        return percent(self.executed, self.budget)


def subsidy_summary(*, actor, year: int) -> SubsidySummary:
    """Basic-infrastructure subsidy in ``year``: 145 cases, 135 closed, NT$3,756,946,000,
    4 supervision meetings in the demo."""
    figures = subsidy_case_list(actor=actor, year=year).aggregate(
        cases=Count("id"), closed=Count("id", filter=Q(closed_on__isnull=False)),
        tracking=Count("id", filter=Q(control_status=ControlStatus.TRACKING)),
        budget=Sum("budget"), executed=Sum("executed"))
    meetings = (SupervisionMeeting.objects.filter(year=year).count()
                if _visible_to_staff(actor) else 0)
    return SubsidySummary(year, figures["cases"], figures["closed"], figures["tracking"],
                          figures["budget"] or 0, figures["executed"] or 0, meetings)


def supervision_meeting_list(*, actor, year: int) -> QuerySet[SupervisionMeeting]:
    if not _visible_to_staff(actor):
        return SupervisionMeeting.objects.none()
    return SupervisionMeeting.objects.filter(year=year).annotate(case_count=Count("cases"))


# Recommendations

def recommendation_list(*, actor, year: int | None = None, topic_code: str | None = None) -> (
    QuerySet[Recommendation]
):
    queryset = scoped(Recommendation.objects.select_related("agency", "topic"), actor)
    if year:
        queryset = queryset.filter(year=year)
    if topic_code:
        queryset = queryset.filter(topic__code=topic_code)
    return queryset


def recommendation_get(*, actor, recommendation_id: int) -> Recommendation:
    found = recommendation_list(actor=actor).filter(pk=recommendation_id).first()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("No such recommendation."))
    return found


@dataclass(frozen=True)
class RecommendationSummary:
    total: int
    responded: int
    adopted: int
    released: int

    @property
    def adopted_share(self) -> Decimal | None:
        return percent(self.adopted, self.total)


def recommendation_summary(*, actor, year: int | None = None,
                           topic_code: str | None = None) -> RecommendationSummary:
    """Recommendations tracked, responded to, adopted and released (demo: 83 road-safety
    recommendations, all adopted and released)."""
    figures = recommendation_list(actor=actor, year=year, topic_code=topic_code).aggregate(
        total=Count("id"), responded=Count("id", filter=~Q(response="")),
        adopted=Count("id", filter=Q(adopted_on__isnull=False)),
        released=Count("id", filter=Q(control_status=ControlStatus.RELEASED)))
    return RecommendationSummary(**figures)


# Council resolutions

def council_sessions(*, actor) -> list[str]:
    return list(scoped(CouncilResolution.objects.all(), actor).order_by("-session")
                .values_list("session", flat=True).distinct())


def council_resolution_list(*, actor, session: str | None = None,
                            category_code: str | None = None,
                            year: int | None = None) -> QuerySet[CouncilResolution]:
    queryset = scoped(CouncilResolution.objects.select_related("agency", "category"), actor)
    if session:
        queryset = queryset.filter(session=session)
    if year:
        queryset = queryset.filter(resolved_on__year=year)
    if category_code:
        queryset = queryset.filter(category__code=category_code)
    return queryset


def council_resolution_get(*, actor, resolution_id: int) -> CouncilResolution:
    found = council_resolution_list(actor=actor).filter(pk=resolution_id).first()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("No such resolution."))
    return found


@dataclass(frozen=True)
class CategoryCount:
    code: str
    name_zh: str
    name_en: str
    count: int
    replied: int
    released: int
    share: Decimal | None


def council_resolution_counts(*, actor, session: str | None = None,
                              year: int | None = None) -> list[CategoryCount]:
    """Resolutions per category, of a session or adopted in a year (demo session
    第二屆第八次定期大會, 2018: 520 in 8 categories)."""
    rows = {row["category_id"]: row for row in council_resolution_list(
        actor=actor, session=session, year=year).order_by().values("category_id").annotate(
        n=Count("id"), replied=Count("id", filter=Q(replied_on__isnull=False)),
        released=Count("id", filter=Q(control_status=ControlStatus.RELEASED)))}
    total = sum(row["n"] for row in rows.values())
    return [
        CategoryCount(category.code, category.name_zh, category.name_en,
                      rows.get(category.pk, {}).get("n", 0),
                      rows.get(category.pk, {}).get("replied", 0),
                      rows.get(category.pk, {}).get("released", 0),
                      percent(rows.get(category.pk, {}).get("n", 0), total))
        for category in ResolutionCategory.objects.all()
    ]


def council_resolutions_undated(*, actor) -> int:
    """Resolutions with no date of adoption: counted in no year (the report says so)."""
    return council_resolution_list(actor=actor).filter(resolved_on__isnull=True).count()


# Enterprise evaluations

def enterprise_evaluation_list(*, actor, year: int | None = None) -> (
    QuerySet[EnterpriseEvaluation]
):
    queryset = scoped(EnterpriseEvaluation.objects.select_related("enterprise", "grade")
                      .prefetch_related("indicators"), actor, agency_field="enterprise")
    if year:
        queryset = queryset.filter(year=year)
    return queryset


# Budget pre-review

@dataclass(frozen=True)
class PreReviewSummary:
    budget_year: int
    title: str
    requests: int
    requested: int
    approved_public: int
    approved_fund: int
    meetings: int
    site_visits: int

    @property
    def approved_share(self) -> Decimal | None:
        return percent(self.approved_public + self.approved_fund, self.requested)


def budget_pre_review_years(*, actor) -> list[int]:
    if not _visible_to_staff(actor):
        return []
    return list(BudgetPreReview.objects.values_list("budget_year", flat=True))


def budget_request_list(*, actor, budget_year: int) -> QuerySet[BudgetRequest]:
    return scoped(BudgetRequest.objects.select_related("agency"), actor).filter(
        review__budget_year=budget_year)


def budget_pre_review_summary(*, actor, budget_year: int) -> PreReviewSummary | None:
    """Requests, meetings, site visits and approved budgets of one pre-review (demo for
    2019: 315.5億 requested, 24 meetings, 3 site visits, 91.64億 public and 18.47億 fund)."""
    review = BudgetPreReview.objects.filter(budget_year=budget_year).first()
    if review is None or not _visible_to_staff(actor):
        return None
    figures = budget_request_list(actor=actor, budget_year=budget_year).aggregate(
        requests=Count("id"), requested=Sum("requested"), public=Sum("approved_public"),
        fund=Sum("approved_fund"))
    meetings = dict(PreReviewMeeting.objects.filter(review=review).order_by().values("kind")
                    .annotate(n=Count("id")).values_list("kind", "n"))
    return PreReviewSummary(
        budget_year, review.title, figures["requests"], figures["requested"] or 0,
        figures["public"] or 0, figures["fund"] or 0,
        meetings.get(PreReviewMeeting.Kind.MEETING, 0),
        meetings.get(PreReviewMeeting.Kind.SITE_VISIT, 0))
