"""Participation pages over HTTP: a citizen votes with a code, a second ballot is refused
with the reason on the page, staff count and publish, the result is explained."""

import pytest
from django.urls import reverse

from yankao.participation import services
from yankao.participation.models import Ballot, Tally


@pytest.fixture
def vote_url(voting_pot):
    return reverse("participation:public-vote", args=[voting_pot.process.code, voting_pot.code])


def test_a_citizen_votes_once_with_a_code(client, voting_pot, vote_url, evaluator):
    [code] = services.voter_codes_generate(actor=evaluator, pot=voting_pot, count=1, batch="x")
    client.cookies["django_language"] = "en"
    page = client.get(vote_url)
    assert page.status_code == 200 and "蝸牛屋關懷據點" in page.content.decode()
    chosen = list(voting_pot.proposals.filter(code__in=["1", "3"]).values_list("pk", flat=True))
    done = client.post(vote_url, {"code": code, "choice": chosen})
    assert done.status_code == 302 and done["Location"].endswith("/voted/")
    again = client.post(vote_url, {"code": code, "choice": chosen[:1]})
    assert again.status_code == 422
    assert "already been used" in again.content.decode()
    too_many = client.post(vote_url, {"code": "ZZZZ-ZZZZ-ZZ",
                                      "choice": list(voting_pot.proposals.values_list("pk",
                                                                                      flat=True))})
    assert too_many.status_code == 422
    assert Ballot.objects.count() == 1


def test_staff_count_publish_and_the_public_reads_the_rounds(client, voting_pot, evaluator,
                                                           django_capture_on_commit_callbacks):
    codes = services.voter_codes_generate(actor=evaluator, pot=voting_pot, count=3, batch="x")
    for code, chosen in zip(codes, [("1",), ("1", "2"), ("4",)], strict=True):
        services.ballot_cast(pot=voting_pot, code=code, choices={
            voting_pot.proposals.get(code=c).pk: 1 for c in chosen})
    client.force_login(evaluator)
    pot_url = reverse("participation:pot", args=[voting_pot.pk])
    assert client.get(pot_url).status_code == 200
    client.post(reverse("participation:pot-action", args=[voting_pot.pk, "close"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("participation:pot-action",
                                       args=[voting_pot.pk, "tally"]), {"rule": "mes"})
    tally = Tally.objects.get()
    assert response["Location"] == reverse("participation:tally", args=[tally.pk])
    # The worker runs it after commit (huey runs tasks at once in tests).
    tally.refresh_from_db()
    assert tally.status == Tally.Status.DONE
    page = client.get(response["Location"])
    assert "蝸牛屋關懷據點" in page.content.decode()
    client.post(response["Location"])
    tally.refresh_from_db()
    assert tally.official
    client.logout()
    results = client.get(reverse("participation:public-results",
                                 args=[voting_pot.process.code, voting_pot.code]))
    assert results.status_code == 200
    assert "How the result was counted" in results.content.decode() or \
        "計票" in results.content.decode()
    export = client.get(reverse("participation:pot-export", args=[voting_pot.pk]))
    assert export.status_code == 302  # staff only


def test_codes_download_once(client, voting_pot, evaluator):
    client.force_login(evaluator)
    response = client.post(reverse("participation:pot-action", args=[voting_pot.pk, "codes"]),
                           {"count": 5, "batch": "前鎮國小"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content if response.streaming else [response.content])
    assert body.decode("utf-8-sig").count("前鎮國小") == 5
    assert voting_pot.codes.count() == 5


def test_api_lists_processes_and_tallies_for_the_token_holder(client, voting_pot, evaluator,
                                                              epb_officer):
    from yankao.core.services.tokens import api_token_create

    api_token_create(actor=evaluator, user=evaluator, name="t", raw_key="yk_test_evaluator")
    api_token_create(actor=epb_officer, user=epb_officer, name="t", raw_key="yk_test_epb")
    seen = client.get("/api/v1/participation/processes",
                      HTTP_AUTHORIZATION="Bearer yk_test_evaluator").json()
    assert seen[0]["code"] == "qianzhen-2018" and seen[0]["pots"][0]["status"] == "voting"
    assert seen[0]["pots"][0]["rules_frozen_at"]
    other = client.get("/api/v1/participation/processes",
                       HTTP_AUTHORIZATION="Bearer yk_test_epb").json()
    assert other == []
    missing = client.get(f"/api/v1/participation/pots/{voting_pot.pk}/tallies",
                         HTTP_AUTHORIZATION="Bearer yk_test_epb")
    assert missing.status_code == 404
    assert client.get("/api/v1/research/glossary",
                      HTTP_AUTHORIZATION="Bearer yk_test_evaluator").json() == []
