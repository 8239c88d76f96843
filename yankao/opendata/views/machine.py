"""The catalogue for machines: DCAT-AP 3 (JSON-LD, Turtle) and the national metadata JSON,
served the way the cross-platform exchange specification lists and reads datasets."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError
from yankao.core.views import selector_or_404
from yankao.opendata.dcat import CatalogueGraph
from yankao.opendata.national import national_metadata
from yankao.opendata.selectors import catalogue as reads

MEDIA = {"json-ld": "application/ld+json; charset=utf-8",
         "turtle": "text/turtle; charset=utf-8"}


def _graph(request: HttpRequest) -> CatalogueGraph:
    city = reads.city_name()
    return CatalogueGraph(base_url=request.build_absolute_uri("/"),
                          title=f"{city}資料開放平臺", publisher_name=city,
                          description=f"{city}各機關開放資料之目錄。")


def _rdf(request: HttpRequest, datasets, fmt: str) -> HttpResponse:
    graph = _graph(request)
    for dataset in datasets:
        graph.add_dataset(dataset, dataset.active_resources)
    return HttpResponse(graph.serialise(fmt), content_type=MEDIA[fmt])


def _public_dataset(name: str):
    return selector_or_404(reads.public_dataset_detail, name=name)


@require_GET
def dataset_jsonld(request: HttpRequest, name: str) -> HttpResponse:
    return _rdf(request, [_public_dataset(name)], "json-ld")


@require_GET
def dataset_turtle(request: HttpRequest, name: str) -> HttpResponse:
    return _rdf(request, [_public_dataset(name)], "turtle")


def _catalog(request: HttpRequest, fmt: str) -> HttpResponse:
    key = "opendata:catalog:" + hashlib.sha256(json.dumps(
        [fmt, request.build_absolute_uri("/"), *reads.public_stamp()]).encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        response = _rdf(request, reads.public_detailed(), fmt)
        cache.set(key, response.content, timeout=24 * 3600)
        return response
    return HttpResponse(body, content_type=MEDIA[fmt])


@require_GET
def catalog_jsonld(request: HttpRequest) -> HttpResponse:
    return _catalog(request, "json-ld")


@require_GET
def catalog_turtle(request: HttpRequest) -> HttpResponse:
    return _catalog(request, "turtle")


def _answer(body: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False},
                        content_type="application/json; charset=utf-8")


@require_GET
def national_list(request: HttpRequest) -> JsonResponse:
    """The identifiers of the public datasets (``modified`` at or after, ``limit``,
    ``offset``), as the exchange specification's ``listDatasetId``."""
    moment = None
    modified = request.GET.get("modified", "").strip()
    if modified:
        moment = parse_datetime(modified)
        if moment is None:
            try:
                moment = dt.datetime.combine(dt.date.fromisoformat(modified), dt.time(),
                                             tzinfo=TAIPEI)
            except ValueError:
                return _answer({"success": False, "error": {
                    "error_type": "modified", "message": "modified: RFC 3339 date-time"}}, 400)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=TAIPEI)
    try:
        offset = max(0, int(request.GET.get("offset", "0")))
        limit = int(request.GET.get("limit", "0"))
    except ValueError:
        return _answer({"success": False, "error": {
            "error_type": "limit", "message": "limit and offset are whole numbers"}}, 400)
    return _answer({"success": True, "result": reads.public_identifiers(
        modified_since=moment, offset=offset, limit=limit)})


@require_GET
def national_dataset(request: HttpRequest, identifier: str) -> JsonResponse:
    try:
        dataset = reads.public_dataset_detail(identifier=identifier)
    except DomainError:
        return _answer({"success": False, "error": {
            "identifier": identifier, "error_type": "not_found",
            "message": "No public dataset has this identifier."}}, 404)
    base = request.build_absolute_uri("/")
    return _answer({"success": True, "result": national_metadata(
        dataset, resources=dataset.active_resources, base_url=base)})
