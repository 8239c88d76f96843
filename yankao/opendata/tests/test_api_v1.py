"""/api/v1/opendata: figures, the scoped dataset list and a dry run, with tokens."""

import pytest

from yankao.core.services.tokens import api_token_create

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, raw = api_token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_figures_need_a_token_and_count_the_actors_agencies(client, dataset, officer,
                                                            epb_officer):
    assert client.get("/api/v1/opendata/figures", {"year": 2030}).status_code == 401
    mine = client.get("/api/v1/opendata/figures", {"year": 2030}, **bearer(officer)).json()
    assert (mine["datasets"], mine["resources"]) == (1, 1)
    other = client.get("/api/v1/opendata/figures", {"year": 2030},
                       **bearer(epb_officer)).json()
    assert other["datasets"] == 0


def test_the_dataset_list_is_scoped_and_a_dry_run_says_nothing_is_missing(
        client, dataset, officer, epb_officer):
    rows = client.get("/api/v1/opendata/datasets", **bearer(officer)).json()
    assert [r["identifier"] for r in rows] == [dataset.identifier]
    assert client.get("/api/v1/opendata/datasets", **bearer(epb_officer)).json() == []
    response = client.post(f"/api/v1/opendata/datasets/{dataset.name}/national",
                           {"dry_run": True}, content_type="application/json",
                           **bearer(officer))
    assert response.status_code == 200
    assert response.json()["outcome"] == "dry_run" and response.json()["message"] == ""
    response = client.post(f"/api/v1/opendata/datasets/{dataset.name}/national",
                           {"dry_run": True}, content_type="application/json",
                           **bearer(epb_officer))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
