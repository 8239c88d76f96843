"""Every read of research and publications; the public reads return published records
only. Figures for the annual report (section 壹) are plain dataclasses of counts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.urls import reverse

from yankao.research.models import (
    Article,
    CourtesyCall,
    CourtesyPlan,
    GlossaryTerm,
    JournalIssue,
    ResearchProject,
    ServiceAwardNomination,
    ThesisGrant,
    TripRecommendation,
    TripReport,
)
from yankao.research.search import Document, index_for


def glossary_english_names() -> dict[str, str]:
    """Approved terms as {Chinese: English} (the core glossary hook)."""
    return dict(GlossaryTerm.objects.filter(status=GlossaryTerm.Status.APPROVED)
                .values_list("zh", "en"))


def glossary_public(*, query: str = "", kind: str = "") -> QuerySet[GlossaryTerm]:
    terms = GlossaryTerm.objects.filter(status=GlossaryTerm.Status.APPROVED)
    if kind:
        terms = terms.filter(kind=kind)
    if query:
        terms = terms.filter(Q(zh__icontains=query) | Q(en__icontains=query))
    return terms.order_by("kind", "zh")


def glossary_queue() -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.filter(status=GlossaryTerm.Status.PROPOSED).order_by("pk")


def published_trips() -> QuerySet[TripReport]:
    return TripReport.objects.filter(status=TripReport.Status.PUBLISHED).select_related(
        "agency").prefetch_related("recommendations__agency").order_by("-published_on")


def journal_issues() -> QuerySet[JournalIssue]:
    return JournalIssue.objects.prefetch_related("articles").order_by("-number")


def _documents() -> list[Document]:
    docs = [Document("article", a.pk, a.title, f"{a.authors} {a.abstract} {a.body}",
                     reverse("research:public") + f"#article-{a.pk}")
            for a in Article.objects.all()]
    docs += [Document("trip", t.pk, t.title, f"{t.destination} {t.summary}",
                      reverse("research:public") + f"#trip-{t.pk}") for t in published_trips()]
    docs += [Document("research", r.pk, r.title, r.abstract,
                      reverse("research:public") + f"#research-{r.pk}")
             for r in ResearchProject.objects.exclude(status=ResearchProject.Status.CONTRACTED)]
    return docs


def research_search(query: str, limit: int = 20) -> list[tuple[Document, float]]:
    """Chinese full-text search over published articles, trip reports and studies."""
    if not query.strip():
        return []
    signature = (Article.objects.aggregate(n=Count("pk"), m=Max("pk"))["m"],
                 Article.objects.count(), published_trips().count(),
                 ResearchProject.objects.count())
    return index_for(signature, _documents).search(query, limit)


# --- figures (section 壹 of the annual report) ------------------------------------------------


@dataclass(frozen=True)
class ResearchFigures:
    year: int
    studies_finished: int
    studies_running: int
    thesis_grants: int
    thesis_awards: int
    trip_reports: int
    recommendations: int
    recommendations_answered: int
    journal_issues: int
    glossary_terms: int


def research_figures(*, year: int) -> ResearchFigures:
    recs = TripRecommendation.objects.filter(report__year=year)
    return ResearchFigures(
        year=year,
        studies_finished=ResearchProject.objects.filter(
            final_report_on__year=year).count(),
        studies_running=ResearchProject.objects.filter(
            year=year, status=ResearchProject.Status.CONTRACTED).count(),
        thesis_grants=ThesisGrant.objects.filter(year=year,
                                                 status=ThesisGrant.Status.GRANTED).count(),
        thesis_awards=ThesisGrant.objects.filter(award_year=year, awarded=True).count(),
        trip_reports=TripReport.objects.filter(year=year,
                                               status=TripReport.Status.PUBLISHED).count(),
        recommendations=recs.count(),
        recommendations_answered=recs.exclude(status=TripRecommendation.Status.SENT).count(),
        journal_issues=JournalIssue.objects.filter(published_on__year=year).count(),
        glossary_terms=GlossaryTerm.objects.filter(status=GlossaryTerm.Status.APPROVED,
                                                   approved_on__year=year).count(),
    )


@dataclass(frozen=True)
class ServiceAwardFigures:
    year: int
    nominated: int
    recommended: int


def service_award_figures(*, year: int) -> ServiceAwardFigures:
    nominations = ServiceAwardNomination.objects.filter(year=year)
    return ServiceAwardFigures(year, nominations.values("agency").distinct().count(),
                               nominations.filter(stage="recommended").count())


@dataclass(frozen=True)
class CourtesyRound:
    round: int
    calls: int
    agencies: int
    mean: Decimal | None  # the city's score: mean of the calls, two decimals half up


@dataclass(frozen=True)
class CourtesyFigures:
    year: int
    agencies: int
    calls_per_round: int
    rounds: list[CourtesyRound]

    @property
    def samples(self) -> int:
        return sum(r.calls for r in self.rounds)

    @property
    def trend(self) -> Decimal | None:
        if len(self.rounds) < 2 or self.rounds[0].mean is None or self.rounds[-1].mean is None:
            return None
        return self.rounds[-1].mean - self.rounds[0].mean


def _mean(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def courtesy_figures(*, year: int) -> CourtesyFigures | None:
    plan = CourtesyPlan.objects.filter(year=year).first()
    if plan is None:
        return None
    rounds = []
    for number in range(1, plan.rounds + 1):
        calls = plan.calls.filter(round=number)
        row = calls.aggregate(n=Count("pk"), total=models_sum("total"),
                              agencies=Count("agency", distinct=True))
        rounds.append(CourtesyRound(number, row["n"], row["agencies"],
                                    _mean(row["total"] or 0, row["n"])))
    return CourtesyFigures(year, plan.agencies.count(), plan.calls_per_round, rounds)


def models_sum(field: str):
    from django.db.models import Sum

    return Sum(field)


@dataclass(frozen=True)
class AgencyCourtesy:
    agency: str
    by_round: list[Decimal | None]
    change: Decimal | None


def courtesy_by_agency(*, year: int) -> list[AgencyCourtesy]:
    plan = CourtesyPlan.objects.filter(year=year).first()
    if plan is None:
        return []
    rows: dict = {}
    for agency_id, name, number, total, n in (
            CourtesyCall.objects.filter(plan=plan).values_list("agency_id", "agency__name_zh",
                                                               "round")
            .annotate(total=models_sum("total"), n=Count("pk"))
            .values_list("agency_id", "agency__name_zh", "round", "total", "n")):
        rows.setdefault((agency_id, name), {})[number] = _mean(total, n)
    result = []
    for (_agency_id, name), by_round in sorted(rows.items(), key=lambda item: item[0][1]):
        means = [by_round.get(n) for n in range(1, plan.rounds + 1)]
        change = means[-1] - means[0] if len(means) > 1 and None not in (means[0],
                                                                         means[-1]) else None
        result.append(AgencyCourtesy(name, means, change))
    return result


def courtesy_calls_mean(*, year: int) -> Decimal | None:
    value = CourtesyCall.objects.filter(plan__year=year).aggregate(m=Avg("total"))["m"]
    return None if value is None else Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- choices of the staff's record forms ---------------------------------------------------------


def agencies_all():
    from yankao.core.models import Agency

    return Agency.objects.order_by("sort_order", "code")


def agency_by_code(code: str):
    return agencies_all().filter(code=code).first()


def courtesy_plan_latest() -> CourtesyPlan | None:
    return CourtesyPlan.objects.order_by("-year").prefetch_related("items", "agencies").first()
