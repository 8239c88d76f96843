"""Reads of the catalogue, each scoped to what the actor may see.

Everyone sees datasets published open to everyone, and the page of one that was withdrawn
(which says so). Staff see their agencies' datasets in every state (evaluators: all);
a restricted dataset is also seen by staff of the agencies it is shared with.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.permissions import actor_scope
from yankao.opendata import quality as rules
from yankao.opendata.access import scoped_datasets, shared_dataset_filter, staff_agency_ids
from yankao.opendata.models import (
    Dataset,
    DatasetVersion,
    Licence,
    NationalPush,
    Publisher,
    QualityAssessment,
    Resource,
    ResourceField,
    ServiceCategory,
)

RELATED = ("agency", "agency__opendata_publisher", "category", "licence")


def _with_details(queryset: QuerySet) -> QuerySet:
    active = Resource.objects.filter(removed_at__isnull=True).select_related(
        "attachment").prefetch_related(Prefetch("fields", ResourceField.objects.order_by(
            "position"))).order_by("position")
    return queryset.select_related(*RELATED).prefetch_related(
        "tags", Prefetch("resources", active, to_attr="active_resources"))


def public_datasets() -> QuerySet:
    """Published and open to everyone."""
    return Dataset.objects.filter(state=Dataset.State.PUBLISHED, access=Dataset.Access.PUBLIC)


def public_detailed() -> QuerySet:
    """Public datasets with their resources, fields and keywords, in name order."""
    return _with_details(public_datasets()).order_by("name")


def public_dataset_detail(*, name: str = "", identifier: str = "") -> Dataset:
    lookup = Q(name=name.lower()) if name else Q(identifier=identifier.upper())
    dataset = _with_details(public_datasets().filter(lookup)).first()
    if dataset is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return dataset


def public_stamp() -> tuple[int, str]:
    """(how many public datasets, when the latest changed): changes whenever the public
    catalogue does, for caching its whole serialisation."""
    from django.db.models import Count, Max

    stamp = public_datasets().aggregate(n=Count("pk"), latest=Max("modified_at"))
    return stamp["n"], str(stamp["latest"])


def public_identifiers(*, modified_since=None, offset: int = 0, limit: int = 0) -> list[str]:
    datasets = public_datasets().order_by("identifier")
    if modified_since is not None:
        datasets = datasets.filter(modified_at__gte=modified_since)
    identifiers = datasets.values_list("identifier", flat=True)
    return list(identifiers[offset:offset + limit] if limit > 0 else identifiers[offset:])


def city_name() -> str:
    """The city's name, from YANKAO_CITY_NAME or what its first-level agencies' names share
    (高雄市政府秘書處, 高雄市政府民政局… → 高雄市政府)."""
    import os

    from django.conf import settings

    from yankao.core.models import Agency

    if settings.YANKAO_CITY_NAME:
        return settings.YANKAO_CITY_NAME
    names = list(Agency.objects.filter(kind=Agency.Kind.FIRST_LEVEL)
                 .values_list("name_zh", flat=True)[:50])
    common = os.path.commonprefix(names) if len(names) > 1 else ""  # noqa: RUF071 - text
    return common[:common.index("政府") + 2] if "政府" in common else common


def _lookup(key: str | uuid.UUID) -> Q:
    try:
        return Q(pk=uuid.UUID(str(key)))
    except ValueError:
        return Q(name=str(key).lower()) | Q(identifier=str(key).upper())


def visible_datasets(actor) -> QuerySet:
    """Every dataset the actor may open: public ones (published or withdrawn), their
    agencies' (any state), and restricted ones shared with their agency and published."""
    public = Q(access=Dataset.Access.PUBLIC, state__in=[Dataset.State.PUBLISHED,
                                                        Dataset.State.WITHDRAWN])
    scope = actor_scope(actor)
    if not scope.authenticated:
        return Dataset.objects.filter(public)
    ids = staff_agency_ids(actor)
    own = Q() if ids is None else Q(agency_id__in=ids)
    shared = Q(pk__in=Dataset.objects.filter(shared_dataset_filter(actor)).filter(
        state=Dataset.State.PUBLISHED).values("pk"))
    return Dataset.objects.filter(public | own | shared)


def dataset_get(*, actor, key: str | uuid.UUID) -> Dataset:
    """One dataset by id, CKAN name or national identifier, with its active resources
    (``active_resources``), fields and keywords. NOT_FOUND when hidden or missing."""
    dataset = _with_details(visible_datasets(actor).filter(_lookup(key))).first()
    if dataset is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return dataset


def dataset_manageable(*, actor, key: str | uuid.UUID) -> Dataset:
    """A dataset of the actor's agencies (for edit pages)."""
    dataset = _with_details(scoped_datasets(Dataset.objects.all(), actor)
                            .filter(_lookup(key))).first()
    if dataset is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return dataset


def datasets_by_ids(ids: list[uuid.UUID]) -> list[Dataset]:
    """Datasets in the order of ``ids`` (search results, already scoped by the search)."""
    found = {d.pk: d for d in _with_details(Dataset.objects.filter(pk__in=ids))}
    return [found[i] for i in ids if i in found]


def dataset_staff_list(*, actor, text: str = "", state: str = "", agency_code: str = "",
                       quality: str = "", national_state: str = "") -> QuerySet:
    queryset = scoped_datasets(Dataset.objects.all(), actor).select_related(
        "agency", "category")
    if text.strip():
        queryset = queryset.filter(Q(title__icontains=text.strip())
                                   | Q(identifier__icontains=text.strip()))
    if state:
        queryset = queryset.filter(state=state)
    if agency_code:
        queryset = queryset.filter(agency__code=agency_code)
    if quality:
        queryset = queryset.filter(quality=quality)
    if national_state:
        queryset = queryset.filter(national_state=national_state)
    return queryset.order_by("-modified_at", "identifier")


def public_names() -> list[str]:
    """CKAN ``package_list``: names of the public datasets, in name order."""
    return list(public_datasets().order_by("name").values_list("name", flat=True))


def resource_get(*, actor, resource_id: str | uuid.UUID) -> Resource:
    try:
        key = uuid.UUID(str(resource_id))
    except ValueError:
        raise DomainError(ErrorCode.NOT_FOUND) from None
    resource = (Resource.objects.filter(pk=key, dataset__in=visible_datasets(actor))
                .select_related("attachment", "dataset__agency", "dataset__category",
                                "dataset__licence")
                .prefetch_related(Prefetch("fields", ResourceField.objects.order_by("position")))
                .first())
    if resource is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return resource


def dataset_versions(*, dataset: Dataset) -> QuerySet:
    return DatasetVersion.objects.filter(dataset=dataset).select_related(
        "changed_by").order_by("-version")


def dataset_pushes(*, dataset: Dataset, limit: int = 20) -> list[NationalPush]:
    return list(NationalPush.objects.filter(dataset=dataset).order_by("-created_at")[:limit])


def push_log(*, actor, outcome: str = "") -> QuerySet:
    queryset = NationalPush.objects.filter(
        dataset__in=scoped_datasets(Dataset.objects.all(), actor)).select_related("dataset")
    if outcome:
        queryset = queryset.filter(outcome=outcome)
    return queryset.order_by("-created_at", "-id")


@dataclass(frozen=True)
class Shortfall:
    """One failed check of one resource, and what would make it pass."""

    resource: str
    check: str
    name: str
    note: str
    advice: str


@dataclass(frozen=True)
class QualityExplanation:
    level: str
    checked: bool
    shortfalls: list[Shortfall]
    next_level: str | None


LEVELS = ("none", "bronze", "silver", "gold")
LEVEL_CHECKS = {"bronze": rules.BRONZE, "silver": rules.SILVER, "gold": rules.CHECKS}


def quality_explanation(dataset: Dataset) -> QualityExplanation:
    """Why a dataset is not gold, and what would make it gold (from its latest checks)."""
    resources = getattr(dataset, "active_resources", None)
    if resources is None:
        resources = list(dataset.resources.filter(removed_at__isnull=True))
    shortfalls = []
    for resource in resources:
        results = resource.checks.get("results", {})
        notes = resource.checks.get("notes", {})
        for check in rules.CHECKS:
            if results.get(check) is False:
                shortfalls.append(Shortfall(resource.description, check,
                                            str(rules.CHECK_NAMES[check]), notes.get(check, ""),
                                            str(rules.CHECK_ADVICE[check])))
    level = dataset.quality
    following = LEVELS[LEVELS.index(level) + 1] if level != "gold" else None
    return QualityExplanation(level=level, checked=dataset.quality_checked_at is not None,
                              shortfalls=shortfalls, next_level=following)


def assessments(*, dataset: Dataset, limit: int = 10) -> list[QualityAssessment]:
    return list(dataset.assessments.order_by("-assessed_at")[:limit])


def publisher_list(*, actor) -> QuerySet:
    ids = staff_agency_ids(actor)
    queryset = Publisher.objects.select_related("agency")
    return queryset if ids is None else queryset.filter(agency_id__in=ids)


def publisher_of(agency) -> Publisher | None:
    return Publisher.objects.filter(agency=agency).first()


def category_list() -> QuerySet:
    return ServiceCategory.objects.all()


def licence_list(*, open_only: bool = False) -> QuerySet:
    queryset = Licence.objects.all()
    return queryset.filter(is_open=True) if open_only else queryset


def organizations() -> list[tuple]:
    """Agencies with public datasets: (agency, count), for CKAN's organization_list."""
    from django.db.models import Count

    from yankao.core.models import Agency

    agencies = (Agency.objects.filter(opendata_datasets__state=Dataset.State.PUBLISHED,
                                      opendata_datasets__access=Dataset.Access.PUBLIC)
                .annotate(count=Count("opendata_datasets")).order_by("code"))
    return [(agency, agency.count) for agency in agencies]


def organization_get(code: str):
    from django.db.models import Count

    from yankao.core.models import Agency

    agency = (Agency.objects.filter(code=code).annotate(count=Count(
        "opendata_datasets", filter=Q(opendata_datasets__state=Dataset.State.PUBLISHED,
                                      opendata_datasets__access=Dataset.Access.PUBLIC)))
              .select_related("opendata_publisher").first())
    if agency is None or not hasattr(agency, "opendata_publisher"):
        raise DomainError(ErrorCode.NOT_FOUND)
    return agency


def groups() -> list[tuple[ServiceCategory, int]]:
    from django.db.models import Count

    categories = ServiceCategory.objects.annotate(count=Count(
        "datasets", filter=Q(datasets__state=Dataset.State.PUBLISHED,
                             datasets__access=Dataset.Access.PUBLIC)))
    return [(category, category.count) for category in categories.order_by("slug")]


def facet_titles(*, organizations: Iterable[str] = (), groups: Iterable[str] = ()
                 ) -> dict[tuple[str, str], str]:
    """The names of the facet values a search returned: ("organization", code) → the
    agency's name, ("groups", slug) → the category's name. Reads only those rows (no
    count over the catalogue)."""
    from yankao.core.models import Agency

    titles: dict[tuple[str, str], str] = {}
    codes, slugs = set(organizations), set(groups)
    if codes:
        titles.update({("organization", code): name for code, name in
                       Agency.objects.filter(code__in=codes).values_list("code", "name_zh")})
    if slugs:
        titles.update({("groups", slug): name for slug, name in ServiceCategory.objects
                       .filter(slug__in=slugs).values_list("slug", "name_zh")})
    return titles


def tag_names(query: str = "") -> list[str]:
    from yankao.opendata.models import Tag

    tags = Tag.objects.filter(datasets__state=Dataset.State.PUBLISHED,
                              datasets__access=Dataset.Access.PUBLIC).distinct()
    if query:
        tags = tags.filter(name__icontains=query)
    return list(tags.order_by("name").values_list("name", flat=True))


def agencies_managed(actor) -> QuerySet:
    """The active agencies whose datasets ``actor`` may create and edit (not outside
    bodies)."""
    from yankao.core.models import Agency
    from yankao.opendata.access import may_manage

    ids = staff_agency_ids(actor)
    agencies = Agency.objects.filter(active=True).exclude(kind=Agency.Kind.OUTSIDE)
    if ids is not None:
        agencies = agencies.filter(pk__in=ids)
    return agencies.filter(pk__in=[a.pk for a in agencies if may_manage(actor, a)])


def dataset_is_staffs(*, actor, dataset: Dataset) -> bool:
    """Whether ``actor`` is staff of the agency holding ``dataset`` (a withdrawn dataset's
    files stay readable to them)."""
    return scoped_datasets(Dataset.objects.filter(pk=dataset.pk), actor).exists()
