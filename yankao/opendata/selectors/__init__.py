"""Every read of open data that people see, scoped to what the actor may see. Other apps
(and ``reports``) read open data through these."""

from yankao.opendata.selectors.catalogue import (
    dataset_get,
    dataset_staff_list,
    dataset_versions,
    public_datasets,
    quality_explanation,
    resource_get,
)
from yankao.opendata.selectors.figures import (
    CatalogueFigures,
    FeedbackFigures,
    MonthUse,
    QualityFigures,
    catalogue_figures,
    feedback_figures,
    latest_year,
    most_used,
    national_summary,
    quality_figures,
    state_counts,
    usage_by_month,
)
from yankao.opendata.selectors.search import SearchQuery, SearchResult, catalogue_search

__all__ = [
    "CatalogueFigures",
    "FeedbackFigures",
    "MonthUse",
    "QualityFigures",
    "SearchQuery",
    "SearchResult",
    "catalogue_figures",
    "catalogue_search",
    "dataset_get",
    "dataset_staff_list",
    "dataset_versions",
    "feedback_figures",
    "latest_year",
    "most_used",
    "national_summary",
    "public_datasets",
    "quality_explanation",
    "quality_figures",
    "resource_get",
    "state_counts",
    "usage_by_month",
]
