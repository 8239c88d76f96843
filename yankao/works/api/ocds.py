"""Tenders as Open Contracting Data Standard 1.1 release packages (public, like the PCC's
own tender notices and progress pages).

Each tender gives one release at its award (tags tender, award, contract) and one
implementation release per month reported: a milestone (met when the actual cumulative
progress reached the planned), a transaction for the amount spent that month, and the
planned and actual cumulative % as observations of the metrics extension. The reporter of
a citizen works report, and anything else personal, is never part of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError
from yankao.works.models import MonthlyProgress, Tender
from yankao.works.rules import month_end
from yankao.works.selectors.tenders import (
    progress_of_tenders,
    tender_public_get,
    tender_public_list,
)
from yankao.works.services.common import now_taipei

OCDS_VERSION = "1.1"
METRICS_EXTENSION = ("https://raw.githubusercontent.com/open-contracting-extensions/"
                     "ocds_metrics_extension/master/extension.json")
CURRENCY = "TWD"
PAGE_SIZE = 100


def ocid_prefix() -> str:
    """The city's registered OCID prefix (``ocds-`` and six characters); set
    ``YANKAO_OCDS_PREFIX`` once the city has registered one with the Open Contracting
    Partnership."""
    return getattr(settings, "YANKAO_OCDS_PREFIX", "ocds-yankao")


def publisher_name() -> str:
    return getattr(settings, "YANKAO_OCDS_PUBLISHER", "高雄市政府研究發展考核委員會")


def ocid(tender: Tender) -> str:
    return f"{ocid_prefix()}-{tender.pcc_number}"


def _iso(moment: dt.datetime | dt.date) -> str:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(0), tzinfo=TAIPEI)
    return moment.astimezone(TAIPEI).isoformat(timespec="seconds")


def _value(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": CURRENCY}


def _party_id(kind: str, name: str) -> str:
    return f"{kind}-{hashlib.sha256(name.encode()).hexdigest()[:10]}"


def _parties(tender: Tender) -> tuple[dict, dict, list[dict]]:
    buyer = {"id": f"TW-KHH-{tender.agency.code}", "name": tender.agency.name_zh}
    supplier = {"id": _party_id("supplier", tender.contractor), "name": tender.contractor}
    parties = [{**buyer, "roles": ["buyer", "procuringEntity", "payer"]},
               {**supplier, "roles": ["supplier", "tenderer", "payee"]}]
    return buyer, supplier, parties


def award_release(tender: Tender) -> dict[str, Any]:
    """The release of the award and the contract."""
    buyer, supplier, parties = _parties(tender)
    contract_status = {"completed": "terminated"}.get(tender.status, "active")
    return {
        "ocid": ocid(tender), "id": f"{ocid(tender)}-award", "date": _iso(tender.awarded_on),
        "tag": ["tender", "award", "contract"], "initiationType": "tender",
        "language": "zh-Hant", "parties": parties, "buyer": buyer,
        "tender": {"id": tender.pcc_number, "title": tender.title, "status": "complete",
                   "procuringEntity": buyer, "value": _value(tender.budget_amount),
                   "mainProcurementCategory": "works"},
        "awards": [{"id": f"{tender.pcc_number}-award", "status": "active",
                    "date": _iso(tender.awarded_on), "value": _value(tender.contract_amount),
                    "suppliers": [supplier]}],
        "contracts": [{"id": f"{tender.pcc_number}-contract",
                       "awardID": f"{tender.pcc_number}-award", "title": tender.title,
                       "status": contract_status, "dateSigned": _iso(tender.awarded_on),
                       "value": _value(tender.contract_amount),
                       "period": {"startDate": _iso(tender.start_date),
                                  "endDate": _iso(tender.end_date)}}],
    }


def _observation(key: str, series: str, month: dt.date, percent: Decimal) -> dict[str, Any]:
    return {"id": f"{key}-{series}", "period": {"startDate": _iso(month),
                                                "endDate": _iso(month_end(month))},
            "measure": str(percent), "dimensions": {"series": series},
            "unit": {"name": "percent", "id": "P1", "scheme": "UNCEFACT"}}


def implementation_release(tender: Tender, row: MonthlyProgress,
                           spent_before: int) -> dict[str, Any]:
    """The release of one month's progress: milestone, payment, progress metrics."""
    buyer, supplier, _parties_list = _parties(tender)
    key = f"{row.month:%Y-%m}"
    met = row.actual_percent >= row.planned_percent
    milestone = {
        "id": f"progress-{key}", "title": f"{key} 預定進度 {row.planned_percent}%",
        "type": "delivery", "dueDate": _iso(dt.datetime.combine(
            month_end(row.month), dt.time(23, 59, 59), tzinfo=TAIPEI)),
        "status": "met" if met else "notMet",
        "description": (f"預定累計進度 {row.planned_percent}%，實際累計進度 "
                        f"{row.actual_percent}%"
                        + ("" if met else f"；落後原因：{row.delay_reason}")),
    }
    if met:
        milestone["dateMet"] = milestone["dueDate"]
    implementation: dict[str, Any] = {
        "milestones": [milestone],
        "metrics": [{"id": "completionPercent", "title": "累計進度 (%)",
                     "description": "Planned and actual cumulative progress",
                     "observations": [_observation(key, "planned", row.month,
                                                   row.planned_percent),
                                      _observation(key, "actual", row.month,
                                                   row.actual_percent)]}],
    }
    spent = row.amount_spent - spent_before
    if spent > 0:
        implementation["transactions"] = [{
            "id": f"payment-{key}", "source": "PCC tender management system",
            "date": _iso(row.submitted_at), "value": _value(spent), "payer": buyer,
            "payee": supplier}]
    return {
        "ocid": ocid(tender), "id": f"{ocid(tender)}-progress-{key}",
        "date": _iso(row.submitted_at), "tag": ["implementation"], "initiationType": "tender",
        "language": "zh-Hant",
        "contracts": [{"id": f"{tender.pcc_number}-contract",
                       "awardID": f"{tender.pcc_number}-award",
                       "implementation": implementation}],
    }


def tender_releases(tender: Tender, rows: Iterable[MonthlyProgress] | None = None,
                    year: int | None = None) -> list[dict[str, Any]]:
    """A tender's releases: its award, then each month reported (of ``year`` if given)."""
    releases = [award_release(tender)]
    spent = 0
    rows = rows if rows is not None else tender.progress.order_by("month")
    for row in rows:
        if year is None or row.month.year == year:
            releases.append(implementation_release(tender, row, spent))
        spent = row.amount_spent
    return releases


def release_package(releases: list[dict[str, Any]], uri: str) -> dict[str, Any]:
    return {"uri": uri, "version": OCDS_VERSION, "extensions": [METRICS_EXTENSION],
            "publishedDate": _iso(now_taipei()), "publisher": {"name": publisher_name()},
            "releases": releases}


def _json(body: dict, **headers) -> JsonResponse:
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False},
                            content_type="application/json; charset=utf-8")
    for name, value in headers.items():
        response[name] = value
    return response


def _progress_by_tender(tenders: list[Tender]) -> dict[int, list[MonthlyProgress]]:
    return progress_of_tenders(tenders)


@require_GET
def release_package_view(request: HttpRequest, year: int) -> JsonResponse:
    """The tenders under construction in ``year``, 100 tenders a page (``?page=``); the
    next page is in the ``Link`` header."""
    if not 2000 <= year <= 2100:
        raise Http404("No such year.")
    page = Paginator(tender_public_list(year=year), PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    progress = _progress_by_tender(items)
    releases = [release for tender in items
                for release in tender_releases(tender, progress[tender.pk], year=year)]
    path = reverse("works:ocds-year", kwargs={"year": year})
    headers = {}
    if page.has_next():
        headers["Link"] = (f'<{request.build_absolute_uri(path)}?page={page.next_page_number()}>; '
                           'rel="next"')
    return _json(release_package(releases, request.build_absolute_uri(
        f"{path}?page={page.number}")), **headers)


@require_GET
def tender_releases_view(request: HttpRequest, pcc_number: str) -> JsonResponse:
    try:
        tender = tender_public_get(pcc_number=pcc_number)
    except DomainError:
        raise Http404("No such tender.") from None
    return _json(release_package(tender_releases(tender), request.build_absolute_uri()))
