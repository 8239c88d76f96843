"""The figures of open data, one selector each, scoped to the actor's agencies (evaluators
and the city-wide reader: all). The annual report (陸 一(三)), the staff home and the API
call these, so they cannot disagree. Counts only; percentages are computed when shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from yankao.core.calendar import END_OF_DAY, TAIPEI
from yankao.core.numbers import percent
from yankao.opendata.access import scoped_datasets
from yankao.opendata.models import (
    DataRequest,
    Dataset,
    DatasetComment,
    DatasetUsage,
    QualityAssessment,
    Resource,
)


def year_end(year: int) -> dt.datetime:
    return dt.datetime.combine(dt.date(year, 12, 31), END_OF_DAY, tzinfo=TAIPEI)


def year_start(year: int) -> dt.datetime:
    return dt.datetime(year, 1, 1, tzinfo=TAIPEI)


def open_at(actor, moment: dt.datetime) -> QuerySet:
    """Datasets open to everyone at ``moment``: published by then and not withdrawn yet."""
    return scoped_datasets(Dataset.objects.all(), actor).filter(
        access=Dataset.Access.PUBLIC, published_at__lte=moment).filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=moment))


@dataclass(frozen=True)
class CatalogueFigures:
    year: int
    datasets: int  # open to everyone at the end of the year
    datasets_added: int  # first published during the year (and still open at its end)
    resources: int  # resources of those datasets at the end of the year
    resources_added: int  # added during the year
    agencies: int  # agencies with at least one of those datasets


def catalogue_figures(*, actor, year: int) -> CatalogueFigures:
    end, start = year_end(year), year_start(year)
    datasets = open_at(actor, end)
    resources = Resource.objects.filter(dataset__in=datasets, created_at__lte=end).filter(
        Q(removed_at__isnull=True) | Q(removed_at__gt=end))
    counts = datasets.aggregate(total=Count("pk"), added=Count("pk", filter=Q(
        published_at__gte=start)), agencies=Count("agency", distinct=True))
    resource_counts = resources.aggregate(total=Count("pk"), added=Count("pk", filter=Q(
        created_at__gte=start)))
    return CatalogueFigures(year=year, datasets=counts["total"], datasets_added=counts["added"],
                            resources=resource_counts["total"],
                            resources_added=resource_counts["added"],
                            agencies=counts["agencies"])


@dataclass(frozen=True)
class QualityFigures:
    year: int
    datasets: int  # open to everyone at the end of the year
    gold: int
    silver: int
    bronze: int
    unlabelled: int  # no label, or never checked by the end of the year

    def share(self, level: str):
        return percent(getattr(self, level), self.datasets)


def quality_figures(*, actor, year: int) -> QualityFigures:
    """Labels as they stood at the end of the year: each dataset's latest assessment."""
    end = year_end(year)
    latest = QualityAssessment.objects.filter(
        dataset=OuterRef("pk"), assessed_at__lte=end).order_by("-assessed_at").values("level")[:1]
    levels = (open_at(actor, end).annotate(level=Subquery(latest)).values("level")
              .annotate(n=Count("pk")))
    by_level = {row["level"]: row["n"] for row in levels}
    total = sum(by_level.values())
    gold, silver, bronze = (by_level.get(k, 0) for k in ("gold", "silver", "bronze"))
    return QualityFigures(year=year, datasets=total, gold=gold, silver=silver, bronze=bronze,
                          unlabelled=total - gold - silver - bronze)


@dataclass(frozen=True)
class MonthUse:
    month: dt.date
    views: int
    downloads: int


def usage_by_month(*, actor, year: int) -> list[MonthUse]:
    rows = {row["month"]: row for row in DatasetUsage.objects.filter(
        dataset__in=scoped_datasets(Dataset.objects.all(), actor), month__year=year)
        .values("month").annotate(views=Sum("views"), downloads=Sum("downloads"))}
    result = []
    for month in range(1, 13):
        day = dt.date(year, month, 1)
        row = rows.get(day, {})
        result.append(MonthUse(day, row.get("views") or 0, row.get("downloads") or 0))
    return result


@dataclass(frozen=True)
class DatasetUse:
    dataset_id: str
    name: str
    title: str
    agency: str
    views: int
    downloads: int


def most_used(*, actor, year: int, month: int | None = None, limit: int = 10,
              public_only: bool = False) -> list[DatasetUse]:
    """The datasets downloaded most (then viewed most) in a year or one of its months."""
    usage = DatasetUsage.objects.filter(month__year=year,
                                        dataset__in=scoped_datasets(Dataset.objects.all(), actor))
    if month:
        usage = usage.filter(month=dt.date(year, month, 1))
    if public_only:
        usage = usage.filter(dataset__access=Dataset.Access.PUBLIC,
                             dataset__state=Dataset.State.PUBLISHED)
    rows = (usage.values("dataset_id", name=F("dataset__name"), title=F("dataset__title"),
                         agency=F("dataset__agency__name_zh"))
            .annotate(v=Sum("views"), d=Sum("downloads")).order_by("-d", "-v", "name")[:limit])
    return [DatasetUse(str(r["dataset_id"]), r["name"], r["title"], r["agency"], r["v"], r["d"])
            for r in rows]


@dataclass(frozen=True)
class FeedbackFigures:
    year: int
    received: int
    published: int
    answered: int
    answered_on_time: int
    open_overdue: int

    @property
    def on_time_rate(self):
        return percent(self.answered_on_time, self.answered)


def feedback_figures(*, actor, year: int, kind: str = "request",
                     now: dt.datetime | None = None) -> FeedbackFigures:
    """Requests (or comments) received in the year and how they were answered."""
    from yankao.opendata.access import staff_agency_ids

    model = DataRequest if kind == "request" else DatasetComment
    items = model.objects.filter(submitted_at__gte=year_start(year),
                                 submitted_at__lte=year_end(year))
    ids = staff_agency_ids(actor)
    if ids is not None:
        items = items.filter(agency_id__in=ids)
    moment = now or dt.datetime.now(tz=TAIPEI)
    counts = items.aggregate(
        received=Count("pk"),
        published=Count("pk", filter=Q(status__in=[model.Status.OPEN, model.Status.ANSWERED])),
        answered=Count("pk", filter=Q(status=model.Status.ANSWERED)),
        on_time=Count("pk", filter=Q(status=model.Status.ANSWERED,
                                     answered_at__lte=F("due_at"))),
        overdue=Count("pk", filter=Q(status=model.Status.OPEN, due_at__lt=moment)))
    return FeedbackFigures(year=year, received=counts["received"],
                           published=counts["published"], answered=counts["answered"],
                           answered_on_time=counts["on_time"], open_overdue=counts["overdue"])


def national_summary(*, actor) -> dict[str, int]:
    """Public datasets by their state on the national portal."""
    rows = (scoped_datasets(Dataset.objects.all(), actor).exclude(
        national_state=Dataset.NationalState.NOT_SENT, state=Dataset.State.DRAFT)
        .values("national_state").annotate(n=Count("pk")))
    return {row["national_state"]: row["n"] for row in rows}


def state_counts(*, actor) -> dict[str, int]:
    rows = scoped_datasets(Dataset.objects.all(), actor).values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}



def latest_year() -> int | None:
    """The latest year in which a public dataset was first published."""
    from django.db.models import Max

    latest = Dataset.objects.filter(access=Dataset.Access.PUBLIC).aggregate(
        latest=Max("published_at"))["latest"]
    return latest.astimezone(TAIPEI).year if latest else None
