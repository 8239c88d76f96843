"""The CKAN Action API over HTTP: CKAN's envelope, error types and status codes,
parameters from the query string, a JSON body or a form, and no redirects."""

import json

import pytest

from yankao.core.models import Role
from yankao.core.services.tokens import api_token_create
from yankao.core.tests.factories import member
from yankao.opendata.tests.helpers import publish_dataset

pytestmark = pytest.mark.django_db


def call(client, action, method="get", prefix="/api/3/action/", **params):
    if method == "get":
        response = client.get(f"{prefix}{action}", params)
    else:
        response = client.post(f"{prefix}{action}", json.dumps(params),
                               content_type="application/json")
    assert response["Content-Type"] == "application/json;charset=utf-8"
    return response, response.json()


@pytest.fixture
def catalogue(officer, publishers, city, dataset):
    epb = member(Role.OFFICER, city["environmental-protection"], "t_epb2")
    air = publish_dataset(epb, city["environmental-protection"], title="空氣品質監測站",
                          keywords=["空氣品質", "PM2.5"])
    shared = publish_dataset(officer, city["pwb-maintenance"], title="路燈電費明細",
                             access="restricted", licence=None, keywords=["電費"])
    return {"lights": dataset, "air": air, "shared": shared}


def test_the_envelope_and_package_list(client, catalogue):
    response, body = call(client, "package_list")
    assert response.status_code == 200
    assert body["success"] is True
    assert body["help"] == "http://testserver/api/3/action/help_show?name=package_list"
    assert body["result"] == sorted([catalogue["lights"].name, catalogue["air"].name])


def test_unversioned_path_post_json_and_a_trailing_slash_do_not_redirect(client, catalogue):
    for prefix in ("/api/action/", "/api/3/action/"):
        response, body = call(client, "package_show", method="post", prefix=prefix,
                              id=catalogue["air"].name)
        assert response.status_code == 200 and body["result"]["title"] == "空氣品質監測站"
    response = client.post("/api/action/package_list/", "{}", content_type="application/json")
    assert response.status_code == 200
    response = client.post("/api/action/package_show", {"id": catalogue["air"].name})
    assert response.status_code == 200 and response.json()["success"]


def test_package_show_speaks_ckan(client, catalogue):
    _response, body = call(client, "package_show", id=str(catalogue["lights"].pk))
    package = body["result"]
    assert package["name"] == catalogue["lights"].name
    assert package["organization"]["name"] == "pwb-maintenance"
    assert package["groups"][0]["name"] == "safety"
    assert {t["name"] for t in package["tags"]} == {"路燈", "維護"}
    assert package["license_id"] == "OGDL-Taiwan-1.0" and package["isopen"] is True
    resource = package["resources"][0]
    assert resource["format"] == "CSV" and resource["url"].startswith("http://testserver/")
    assert resource["datastore_active"] is True
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["publisherOID"] == "2.16.886.111.90001.1001"


def test_errors_have_ckans_types_and_status_codes(client, catalogue):
    response, body = call(client, "package_show", id="no-such-dataset")
    assert response.status_code == 404 and body["success"] is False
    assert body["error"]["__type"] == "Not Found Error"
    response, body = call(client, "package_show")
    assert response.status_code == 409
    assert body["error"] == {"__type": "Validation Error", "id": ["Missing value"]}
    response, body = call(client, "package_search", rows="ten")
    assert response.status_code == 409 and body["error"]["rows"] == ["Invalid integer"]
    response, body = call(client, "package_search", start="-1")
    assert body["error"]["start"] == ["Must be a natural number"]
    response, body = call(client, "package_search", colour="blue")
    assert response.status_code == 400
    assert body["error"]["__type"] == "Search Query Error"
    assert "Invalid search parameters: ['colour']" in body["error"]["message"]
    response, body = call(client, "package_search", fq="colour:blue")
    assert response.status_code == 409 and body["error"]["__type"] == "Search Error"
    response, body = call(client, "package_search", sort="popularity desc")
    assert response.status_code == 409 and body["error"]["__type"] == "Search Error"
    response = client.get("/api/3/action/package_destroy")
    assert response.status_code == 400
    assert response.json() == "Bad request - Action name not known: package_destroy"
    response = client.post("/api/action/package_show", "{not json",
                           content_type="application/json")
    assert response.status_code == 400 and response.json().startswith("Bad request - JSON Error")


def test_unknown_parameters_are_ignored_where_ckan_ignores_them(client, catalogue):
    _response, body = call(client, "package_show", id=catalogue["air"].name,
                           include_tracking="true", colour="blue")
    assert body["success"] is True
    _response, body = call(client, "package_list", include_private="false")
    assert len(body["result"]) == 2


def test_package_search_words_facets_filters_rows_and_paging(client, catalogue):
    _response, body = call(client, "package_search", method="post", q="空氣",
                           **{"facet.field": ["organization", "groups"]})
    result = body["result"]
    assert result["count"] == 1 and result["results"][0]["name"] == catalogue["air"].name
    assert result["facets"]["organization"] == {"environmental-protection": 1}
    assert result["search_facets"]["organization"]["items"][0]["display_name"] == \
        "高雄市政府環境保護局"
    _response, body = call(client, "package_search", fq="organization:pwb-maintenance")
    assert [r["name"] for r in body["result"]["results"]] == [catalogue["lights"].name]
    _response, body = call(client, "package_search", q="tags:路燈")
    assert body["result"]["count"] == 1
    _response, body = call(client, "package_search", rows="5000", start="1",
                           sort="name asc")
    assert body["result"]["count"] == 2 and len(body["result"]["results"]) == 1
    _response, body = call(client, "package_search", **{"facet.field": '["res_format"]',
                                                        "rows": "0"})
    assert body["result"]["facets"]["res_format"] == {"CSV": 2}
    assert body["result"]["results"] == []


def test_restricted_datasets_need_a_token_of_an_agency_that_may_see_them(
        client, catalogue, officer, epb_officer):
    _response, body = call(client, "package_search", include_private="true")
    assert body["result"]["count"] == 2
    response, body = call(client, "package_show", id=catalogue["shared"].name)
    assert response.status_code == 404
    _key, raw = api_token_create(actor=officer, user=officer, name="ckan")
    _key2, other = api_token_create(actor=epb_officer, user=epb_officer, name="ckan")
    response = client.get("/api/3/action/package_search", {"include_private": "true"},
                          HTTP_AUTHORIZATION=raw)
    assert response.json()["result"]["count"] == 3
    response = client.get("/api/3/action/package_show", {"id": catalogue["shared"].name},
                          HTTP_X_CKAN_API_KEY=raw)
    assert response.json()["result"]["private"] is True
    response = client.get("/api/3/action/package_search", {"include_private": "true"},
                          HTTP_AUTHORIZATION=f"Bearer {other}")
    assert response.json()["result"]["count"] == 2
    response = client.get("/api/3/action/package_list", HTTP_AUTHORIZATION="yk_wrong")
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"


def test_organizations_groups_tags_resources_status_and_help(client, catalogue):
    _response, body = call(client, "organization_list")
    assert body["result"] == ["environmental-protection", "pwb-maintenance"]
    _response, body = call(client, "organization_list", all_fields="true",
                           sort="package_count desc")
    assert body["result"][0]["package_count"] == 1
    _response, body = call(client, "organization_show", id="pwb-maintenance",
                           include_datasets="true")
    assert body["result"]["packages"][0]["name"] == catalogue["lights"].name
    _response, body = call(client, "group_list")
    assert "safety" in body["result"]
    _response, body = call(client, "tag_list")
    assert {"路燈", "空氣品質"} <= set(body["result"])
    resource = catalogue["air"].resources.get()
    _response, body = call(client, "resource_show", id=str(resource.pk))
    assert body["result"]["package_id"] == str(catalogue["air"].pk)
    _response, body = call(client, "status_show")
    assert body["result"]["ckan_version"] == "2.10.0"
    _response, body = call(client, "help_show", name="package_search")
    assert "facet.field" in body["result"]


def test_datastore_search_filters_sorts_and_pages(client, catalogue):
    resource = catalogue["lights"].resources.get()
    _response, body = call(client, "datastore_search", method="post",
                           resource_id=str(resource.pk), filters={"區別": "苓雅區"})
    result = body["result"]
    assert result["total"] == 1 and result["records"][0]["路燈數"] == 2210
    assert {"id": "路燈數", "type": "int"} in result["fields"]
    _response, body = call(client, "datastore_search", resource_id=str(resource.pk),
                           sort="報修件數 desc", limit="2", offset="1")
    assert [r["區別"] for r in body["result"]["records"]] == ["苓雅區", "新興區"]
    assert body["result"]["total"] == 3
    response, body = call(client, "datastore_search", resource_id=str(resource.pk),
                          sort="顏色 desc")
    assert response.status_code == 409 and "sort" in body["error"]
    response, body = call(client, "datastore_search", resource_id=str(resource.pk),
                          limit="40000")
    assert response.status_code == 409 and "limit" in body["error"]
