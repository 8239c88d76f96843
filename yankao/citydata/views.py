"""Pages of the city data platform: the public sensor map with latest values, a
datastream's week from the hourly rollups, and the staff page of keys and alerts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import orjson
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.citydata import selectors
from yankao.citydata.access import Caller
from yankao.citydata.charts import week_chart
from yankao.citydata.forms import KeyForm
from yankao.citydata.services import keys
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.ratelimit import rate_limit


@require_GET
def public_map(request: HttpRequest) -> HttpResponse:
    rate_limit(request, group="citydata-page", rate="120/m")
    points = selectors.sensor_map()
    data = [dataclasses.asdict(point) for point in points]
    return render(request, "citydata/map.html", {
        "points": points,
        "points_json": json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False),
    })


@require_GET
def latest_json(request: HttpRequest) -> HttpResponse:
    """The latest value of every public datastream, for dashboards that refresh."""
    rate_limit(request, group="citydata-page", rate="120/m")
    rows = selectors.latest_values()
    body = orjson.dumps({"value": [{"datastream": pk, "phenomenonTime": time, "result": value}
                                   for pk, time, value in rows]})
    return HttpResponse(body, content_type="application/json")


@require_GET
def datastream_week(request: HttpRequest, pk: int) -> HttpResponse:
    rate_limit(request, group="citydata-page", rate="120/m")
    try:
        datastream = selectors.datastream_get(pk=pk)
    except DomainError:
        raise Http404 from None
    end = selectors.latest_week_end(datastream_id=pk)
    points = []
    if end is not None:
        points = selectors.hourly_series(datastream_id=pk, start=end - dt.timedelta(days=7),
                                         end=end)
    unit = (datastream.unit_of_measurement or {}).get("symbol", "")
    chart, text = week_chart(points, label=datastream.observed_property.name, unit=unit)
    return render(request, "citydata/datastream.html", {
        "datastream": datastream, "chart": chart, "chart_text": text, "points": points,
        "unit": unit,
    })


@login_required
@require_http_methods(["GET", "POST"])
def staff_home(request: HttpRequest) -> HttpResponse:
    caller = Caller(user=request.user)
    may_issue = keys.may_issue(request.user)
    things = selectors.thing_choices() if may_issue else []
    form = KeyForm(request.POST or None, things=things)
    issued = None
    if request.method == "POST":
        if not may_issue:
            raise PermissionDenied
        if form.is_valid():
            thing = next((t for t in things if t.pk == form.cleaned_data["thing"]), None)
            try:
                key, issued = keys.key_issue(
                    actor=request.user, name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"], agency=form.cleaned_data["agency"],
                    thing=thing, rate_per_minute=form.cleaned_data["rate_per_minute"])
            except DomainError as error:
                form.add_error(error.field or None, str(error.message))
            else:
                messages.success(request, _("The key %(name)s was issued.") % {"name": key.name})
                form = KeyForm(things=things)
    from yankao.servicedesk.selectors import case_numbers_visible

    episodes = selectors.episode_list(caller=caller, limit=50)
    return render(request, "citydata/staff_home.html", {
        "form": form if may_issue else None, "issued": issued,
        "keys": selectors.key_list(actor=request.user) if may_issue else [],
        "episodes": episodes,
        # A case's number links to its page only for those who may open it.
        "cases_visible": case_numbers_visible(
            actor=request.user, numbers=[episode.case_number for episode in episodes]),
    })


@login_required
@require_POST
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        key = selectors.key_get(actor=request.user, pk=pk)
        keys.key_revoke(actor=request.user, key=key, reason=request.POST.get("reason", ""))
    except DomainError as error:
        if error.code == ErrorCode.FORBIDDEN:
            raise PermissionDenied from None
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404 from None
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The key was revoked."))
    return redirect("citydata:staff-home")
