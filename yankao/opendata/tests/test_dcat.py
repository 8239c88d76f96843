"""The catalogue in DCAT-AP 3.0.1, as JSON-LD and Turtle, validated with pyshacl against the
published SHACL shapes (vendored in tests/dcat/ with their licence)."""

from pathlib import Path

import pytest
import rdflib.namespace as ns
from pyshacl import validate
from rdflib import Graph, URIRef

from yankao.opendata.services.catalogue import resource_add
from yankao.opendata.tests.helpers import COLUMNS, publish_dataset, upload, xlsx_bytes

SHAPES = Path(__file__).parent / "dcat" / "dcat-ap-3.0.1-SHACL.ttl"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shapes():
    graph = Graph()
    graph.parse(SHAPES, format="turtle")
    return graph


def conforms(graph: Graph, shapes: Graph) -> tuple[bool, str]:
    ok, _report, text = validate(graph, shacl_graph=shapes, inference="none",
                                 allow_warnings=True)
    return ok, text


@pytest.fixture
def catalogue(dataset, officer, epb_officer, city):
    resource_add(actor=officer, dataset=dataset, description="XLSX 檔案", format="XLSX",
                 upload=upload(xlsx_bytes(), "lights.xlsx"), fields=[(c, "") for c in COLUMNS])
    publish_dataset(epb_officer, city["environmental-protection"], title="空氣品質監測",
                    keywords=["空氣品質"], temporal_from=None, update_regular=False)
    return dataset


@pytest.mark.parametrize(("path", "fmt"), [("/opendata/catalog.jsonld", "json-ld"),
                                           ("/opendata/catalog.ttl", "turtle")])
def test_the_whole_catalogue_validates(client, catalogue, shapes, path, fmt):
    response = client.get(path)
    assert response.status_code == 200
    graph = Graph()
    graph.parse(data=response.content.decode("utf-8"), format=fmt)
    datasets = set(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
    assert len(datasets) == 2
    assert len(set(graph.subjects(ns.RDF.type, ns.DCAT.Distribution))) == 3
    ok, text = conforms(graph, shapes)
    assert ok, text


def test_one_dataset_validates_and_says_what_the_national_metadata_says(
        client, catalogue, shapes):
    response = client.get(f"/opendata/datasets/{catalogue.name}.ttl")
    assert response["Content-Type"] == "text/turtle; charset=utf-8"
    graph = Graph()
    graph.parse(data=response.content.decode("utf-8"), format="turtle")
    node = URIRef(f"http://testserver/opendata/datasets/{catalogue.name}")
    assert str(graph.value(node, ns.DCTERMS.identifier)) == catalogue.identifier
    assert str(graph.value(node, ns.DCTERMS.accrualPeriodicity)).endswith("/frequency/MONTHLY")
    ok, text = conforms(graph, shapes)
    assert ok, text


def test_the_shapes_do_refuse_a_dataset_without_a_title(client, catalogue, shapes):
    response = client.get(f"/opendata/datasets/{catalogue.name}.jsonld")
    graph = Graph()
    graph.parse(data=response.content.decode("utf-8"), format="json-ld")
    node = URIRef(f"http://testserver/opendata/datasets/{catalogue.name}")
    graph.remove((node, ns.DCTERMS.title, None))
    ok, text = conforms(graph, shapes)
    assert not ok and "title" in text


def test_drafts_and_shared_datasets_are_not_in_the_public_catalogue(client, dataset, officer,
                                                                   city):
    publish_dataset(officer, city["pwb-maintenance"], title="路燈電費", access="restricted")
    graph = Graph()
    graph.parse(data=client.get("/opendata/catalog.ttl").content.decode(), format="turtle")
    assert len(set(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))) == 1
