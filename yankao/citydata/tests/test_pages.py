"""The pages, the demo, the staff key page and the annual report's figures, through HTTP
and services."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client

from yankao.citydata.models import AccessKey, AlertEpisode, Datastream, Thing
from yankao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(city):
    from yankao.citydata import demo as citydata_demo
    from yankao.core.demo import DemoContext
    from yankao.servicedesk.catalogue import catalogue_seed

    catalogue_seed(actor=None)
    citydata_demo.build(DemoContext(scale=0.001, seed=7, out=io.StringIO(),
                                    show_progress=False))


def test_demo_has_49_lights_a_flood_case_and_working_keys(demo):
    from yankao.servicedesk.models import Case

    assert Thing.objects.count() == 49
    assert Datastream.objects.count() == 245
    (episode,) = AlertEpisode.objects.all()
    case = Case.objects.get(number=episode.case_number)
    assert case.channel == "sensor" and "暴雨積水" in case.category.name_zh
    assert episode.closed_at is not None and episode.peak == 38
    from yankao.citydata.demo import DEMO_SENSOR_KEY

    own = Datastream.objects.filter(thing__name__contains=" 01（",
                                    observed_property__name="PM2.5").get()
    response = Client().post("/sta/v1.1/Observations", {
        "Datastream": {"@iot.id": own.pk}, "result": 12.5,
        "phenomenonTime": "2019-01-01T00:00:00Z"}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {DEMO_SENSOR_KEY}")
    assert response.status_code == 201


def test_public_pages_have_no_inline_script(demo, client):
    response = client.get("/citydata/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("哈瑪星智慧路燈") >= 49
    # Core's {% map_scripts %} still writes its tile settings inline (core's to change);
    # every other script of the page is a file or a JSON data block.
    html = re.sub(r"<script>window\.YANKAO_MAP = .*?</script>", "", html)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+=", html)
    datastream = Datastream.objects.filter(access="public",
                                           observed_property__name="PM2.5").first()
    response = client.get(f"/citydata/datastreams/{datastream.pk}/")
    assert response.status_code == 200 and b"week-chart" in response.content
    restricted = Datastream.objects.filter(access="restricted").first()
    assert client.get(f"/citydata/datastreams/{restricted.pk}/").status_code == 404


def test_staff_issue_and_revoke_keys(client, evaluator, officer, lights):
    client.force_login(officer)
    assert client.get("/staff/citydata/").status_code == 200
    assert client.post("/staff/citydata/", {"name": "x", "kind": "reader",
                                            "rate_per_minute": 60}).status_code == 403
    client.force_login(evaluator)
    response = client.post("/staff/citydata/", {
        "name": "Gateway", "kind": "sensor", "thing": lights[0], "rate_per_minute": 60})
    assert response.status_code == 200
    raw = re.search(r"<code>(sta_[^<]+)</code>", response.content.decode()).group(1)
    key = AccessKey.objects.get()
    assert key.thing_id == lights[0] and raw.startswith(key.prefix)
    assert client.get("/sta/v1.1/Things", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    client.post(f"/staff/citydata/keys/{key.pk}/revoke/", {"reason": "replaced"})
    assert client.get("/sta/v1.1/Things", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert set(AuditEvent.objects.filter(action__startswith="citydata.key")
               .values_list("action", flat=True)) == {"citydata.key.issue",
                                                      "citydata.key.revoke"}


def test_annual_report_figures(demo):
    from yankao.reports.figures import Period, get

    period = Period(2018)
    assert get("citydata.sensors").compute(period).number == 49
    assert get("citydata.alert_cases").compute(period).number == 1
    observations = get("citydata.observations").compute(period).number
    assert observations > 49 * 5 * 300 * 100
