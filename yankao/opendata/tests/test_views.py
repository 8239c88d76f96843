"""The pages, through HTTP: who sees what, forms that refuse bad input on the field, the
public pages in both languages."""

import pytest
from django.urls import reverse

from yankao.opendata.models import DataRequest, Dataset, DatasetUsage, Resource
from yankao.opendata.services.catalogue import dataset_withdraw
from yankao.opendata.tests.helpers import COLUMNS, csv_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def test_staff_pages_need_a_sign_in(client):
    response = client.get("/staff/opendata/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("path", [
    "/staff/opendata/", "/staff/opendata/datasets/", "/staff/opendata/datasets/new/",
    "/staff/opendata/publishers/", "/staff/opendata/national/",
    "/staff/opendata/feedback/request/", "/staff/opendata/feedback/comment/",
])
def test_staff_pages_render(client, officer, dataset, path):
    client.force_login(officer)
    assert client.get(path).status_code == 200


def test_the_dataset_pages_of_staff(client, officer, epb_officer, evaluator, dataset):
    client.force_login(officer)
    detail = client.get(f"/staff/opendata/datasets/{dataset.name}/")
    assert detail.status_code == 200 and dataset.identifier in detail.content.decode()
    resource = dataset.resources.get()
    for path in (f"/staff/opendata/datasets/{dataset.name}/edit/",
                 f"/staff/opendata/datasets/{dataset.name}/resources/new/",
                 f"/staff/opendata/datasets/{dataset.name}/resources/{resource.pk}/fields/"):
        assert client.get(path).status_code == 200
    client.force_login(epb_officer)
    assert client.get(f"/staff/opendata/datasets/{dataset.name}/").status_code == 404
    client.force_login(evaluator)
    page = client.get(f"/staff/opendata/datasets/{dataset.name}/").content.decode()
    assert "Edit the metadata" not in page  # reads, does not write


def test_creating_a_dataset_and_a_refused_upload_on_the_form(client, officer, publishers,
                                                             city):
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    form = {"agency": city["pwb-maintenance"].pk, "title": "橋梁清冊", "description": "橋梁資料",
            "category": 14, "licence": 1, "access": "public", "kind": "rawData",
            "keywords": "橋梁, 檢測", "update_regular": "on", "update_every": 1,
            "update_unit": "year", "cost": "free", "organization_contact_name": "",
            "organization_contact_phone": "", "organization_contact_email": "a@example.invalid",
            "publisher_contact_name": "林", "publisher_contact_phone": "07-1",
            "publisher_contact_email": "b@example.invalid"}
    from yankao.opendata.models import Licence, ServiceCategory

    form["category"] = ServiceCategory.objects.get(code="E00").pk
    form["licence"] = Licence.objects.get(is_default=True).pk
    response = client.post("/staff/opendata/datasets/new/", form)
    assert response.status_code == 302
    dataset = Dataset.objects.get(title="橋梁清冊")
    assert dataset.organization_contact_name == "林雅婷"  # from the publisher record
    page = client.post(f"/staff/opendata/datasets/{dataset.name}/resources/new/", {
        "description": "清冊", "format": "CSV", "character_set": "UTF-8",
        "file": upload(png_bytes(), "bridges.csv"), "fields": ""})
    assert page.status_code == 200
    assert "The file is PNG, not CSV." in page.content.decode()
    assert not Resource.objects.filter(dataset=dataset).exists()
    response = client.post(f"/staff/opendata/datasets/{dataset.name}/resources/new/", {
        "description": "清冊", "format": "CSV", "character_set": "UTF-8",
        "file": upload(csv_bytes(), "bridges.csv"),
        "fields": "年度: 西元年\n區別\n路燈數\n報修件數"})
    assert response.status_code == 302
    resource = Resource.objects.get(dataset=dataset)
    first = resource.fields.order_by("position").first()
    assert (first.name, first.description) == ("年度", "西元年")
    response = client.post(f"/staff/opendata/datasets/{dataset.name}/publish/")
    assert response.status_code == 302
    assert Dataset.objects.get(pk=dataset.pk).state == Dataset.State.PUBLISHED


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_public_pages_in_both_languages(client, dataset, language):
    client.cookies["django_language"] = language
    resource = dataset.resources.get()
    for path in ("/opendata/", "/opendata/?q=路燈&organization=pwb-maintenance",
                 f"/opendata/datasets/{dataset.name}/", f"/opendata/resources/{resource.pk}/",
                 "/opendata/requests/", "/opendata/statistics/?year=2018"):
        response = client.get(path)
        assert response.status_code == 200, path
    page = client.get(f"/opendata/resources/{resource.pk}/").content.decode()
    assert "苓雅區" in page and "vega" in page.lower()


def test_search_results_as_an_htmx_fragment(client, dataset):
    response = client.get("/opendata/", {"q": "路燈"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="results"' in body and "<html" not in body
    assert dataset.title in body


def test_views_and_downloads_are_counted(client, dataset):
    client.get(f"/opendata/datasets/{dataset.name}/")
    resource = dataset.resources.get()
    response = client.get(f"/opendata/resources/{resource.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    usage = DatasetUsage.objects.get(dataset=dataset)
    assert (usage.views, usage.downloads) == (1, 1)


def test_a_withdrawn_dataset_says_so_and_offers_no_files(client, officer, dataset):
    dataset_withdraw(actor=officer, dataset=dataset, reason="改由新資料集提供")
    page = client.get(f"/opendata/datasets/{dataset.name}/").content.decode()
    assert "改由新資料集提供" in page
    resource = dataset.resources.get()
    assert client.get(f"/opendata/resources/{resource.pk}/download/").status_code == 404


def test_drafts_are_not_public(client, officer, publishers, city):
    from yankao.opendata.services.catalogue import dataset_create
    from yankao.opendata.tests.helpers import metadata

    draft = dataset_create(actor=officer, agency=city["pwb-maintenance"], title="草稿",
                           **metadata())
    assert client.get(f"/opendata/datasets/{draft.name}/").status_code == 404
    client.force_login(officer)
    assert client.get(f"/opendata/datasets/{draft.name}/").status_code == 200


def test_a_data_request_from_the_public_page_is_rate_limited(client, settings):
    settings.RATELIMIT_ENABLE = True
    for number in range(5):
        response = client.post("/opendata/requests/", {"title": f"資料 {number}", "body": "請提供"})
        assert response.status_code == 302
    response = client.post("/opendata/requests/", {"title": "再一個", "body": "請提供"})
    assert response.status_code == 429
    assert DataRequest.objects.count() == 5


def test_the_machine_readable_national_metadata(client, dataset):
    listing = client.get("/opendata/api/v1/rest/dataset").json()
    assert listing == {"success": True, "result": [dataset.identifier]}
    one = client.get(f"/opendata/api/v1/rest/dataset/{dataset.identifier}").json()
    assert one["result"]["distribution"][0]["resourceField"][0]["name"] == COLUMNS[0]
    assert client.get("/opendata/api/v1/rest/dataset?modified=2099-01-01").json()[
        "result"] == []
    assert client.get("/opendata/api/v1/rest/dataset/NOPE-1").status_code == 404


def test_the_staff_home_card(client, officer):
    client.force_login(officer)
    page = client.get(reverse("core:staff-home")).content.decode()
    assert reverse("opendata:staff-home") in page
