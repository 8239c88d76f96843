"""The machine checks and labels, on stored files and on links served by a real HTTP
server; what the dataset page says is missing for gold."""

import pytest

from yankao.opendata import quality
from yankao.opendata.models import QualityAssessment, Resource
from yankao.opendata.selectors.catalogue import dataset_get, quality_explanation
from yankao.opendata.services.catalogue import (
    dataset_create,
    dataset_publish,
    resource_add,
    resource_fields_set,
)
from yankao.opendata.services.quality import quality_assess
from yankao.opendata.tests.helpers import COLUMNS, csv_bytes, metadata, upload, xlsx_bytes
from yankao.opendata.tests.servers import file_server

pytestmark = pytest.mark.django_db


def test_levels_follow_the_checks():
    gold = dict.fromkeys(quality.CHECKS, True)
    assert quality.level_of([gold, gold | {"encoding": None}]) == "gold"
    assert quality.level_of([gold, gold | {"fields": False}]) == "silver"
    assert quality.level_of([gold | {"open_format": False, "structure": False}]) == "bronze"
    assert quality.level_of([gold | {"linkable": False}]) == "none"
    assert quality.level_of([]) == "none"


def test_an_uploaded_csv_with_matching_fields_is_gold(dataset):
    assessment = quality_assess(actor=None, dataset=dataset)
    assert assessment.level == "gold"
    resource = dataset.resources.get()
    assert resource.checks["results"] == {"linkable": True, "downloadable": True,
                                          "open_format": True, "structure": True,
                                          "encoding": True, "fields": True}


def test_fields_that_do_not_name_the_columns_make_it_silver_and_say_why(dataset, officer):
    resource = dataset.resources.get()
    resource_fields_set(actor=officer, resource=resource,
                        fields=[("年度", ""), ("區別", ""), ("路燈總數", ""), ("報修件數", "")])
    quality_assess(actor=None, dataset=dataset)
    dataset = dataset_get(actor=None, key=dataset.name)
    explanation = quality_explanation(dataset)
    assert explanation.level == "silver" and explanation.next_level == "gold"
    [shortfall] = explanation.shortfalls
    assert shortfall.check == "fields"
    assert "路燈數" in shortfall.note and "路燈總數" in shortfall.note
    assert "field descriptions" in shortfall.advice


def test_an_xlsx_resource_makes_the_dataset_bronze(dataset, officer):
    resource_add(actor=officer, dataset=dataset, description="XLSX", format="XLSX",
                 upload=upload(xlsx_bytes(), "data.xlsx"),
                 fields=[(c, "") for c in COLUMNS])
    assert quality_assess(actor=None, dataset=dataset).level == "bronze"
    assert QualityAssessment.objects.filter(dataset=dataset).count() == 1


def test_links_are_fetched_and_checked(settings, officer, publishers, city):
    settings.YANKAO_OPENDATA_PRIVATE_LINKS = True
    files = {"/lights.csv": (200, "text/csv", csv_bytes()),
             "/big5.csv": (200, "text/csv", csv_bytes(encoding="cp950")),
             "/about": (200, "text/html", b"<!doctype html><html><p>CSV here</p></html>")}
    with file_server(files) as (_server, base):
        dataset = dataset_create(actor=officer, agency=city["pwb-maintenance"],
                                 title="路燈 API", **metadata())
        fields = [(c, "") for c in COLUMNS]
        for path in ("/lights.csv", "/big5.csv", "/about", "/gone.csv"):
            resource_add(actor=officer, dataset=dataset, description=path, format="CSV",
                         url=f"{base}{path}", fields=fields)
        quality_assess(actor=None, dataset=dataset)
    results = {r.description: r.checks["results"] for r in Resource.objects.filter(
        dataset=dataset)}
    assert all(results["/lights.csv"].values())
    assert results["/big5.csv"]["encoding"] is False and results["/big5.csv"]["structure"]
    assert results["/about"]["linkable"] and not results["/about"]["downloadable"]
    assert not results["/gone.csv"]["linkable"]
    dataset.refresh_from_db()
    assert dataset.quality == "none"


def test_private_addresses_are_not_fetched_unless_allowed(settings):
    settings.YANKAO_OPENDATA_PRIVATE_LINKS = False
    result = quality.check_link("http://127.0.0.1:18399/x.csv", format_code="CSV",
                                character_set="UTF-8", field_names=["a"])
    assert result.results["linkable"] is False
    assert "private network" in result.notes["linkable"]
    result = quality.check_link("file:///etc/passwd", format_code="CSV",
                                character_set="UTF-8", field_names=["a"])
    assert result.results["linkable"] is False


def test_publishing_runs_the_checks_in_the_background(
        django_capture_on_commit_callbacks, officer, publishers, city):
    dataset = dataset_create(actor=officer, agency=city["pwb-maintenance"], title="路燈",
                             **metadata())
    resource_add(actor=officer, dataset=dataset, description="CSV", format="CSV",
                 upload=upload(csv_bytes()), fields=[(c, "") for c in COLUMNS])
    with django_capture_on_commit_callbacks(execute=True):
        dataset_publish(actor=officer, dataset=dataset)
    dataset.refresh_from_db()
    assert dataset.quality == "gold" and dataset.quality_checked_at is not None
