"""Pushing to the national portal, against a stand-in that enforces the required fields
and answers with the portal's error shapes (tests/servers.py)."""

import datetime as dt

import pytest
from django.db.models import F
from django.utils import timezone

from yankao.core.errors import DomainError
from yankao.opendata.models import Dataset, NationalPush, ServiceCategory
from yankao.opendata.national import missing_fields, national_metadata
from yankao.opendata.services.catalogue import dataset_update, dataset_withdraw
from yankao.opendata.services.national import national_due, national_push
from yankao.opendata.tests.servers import Portal, portal_server

KEY = "stand-in-key"


@pytest.fixture
def portal(settings):
    state = Portal(KEY)
    with portal_server(state) as (_server, base):
        settings.YANKAO_NATIONAL_PORTAL_URL = f"{base}/api/v1"
        settings.YANKAO_NATIONAL_PORTAL_KEY = KEY
        yield state


@pytest.mark.django_db
def test_the_exported_metadata_has_every_required_field(dataset):
    metadata = national_metadata(dataset)
    assert missing_fields(metadata) == []
    assert metadata["categoryService"] == "E00"
    assert metadata["updateFrequency"] == {"regularupdate": "1", "Frequency": "1",
                                           "unittime": "月"}
    assert metadata["distribution"][0]["resourceID"] == f"{dataset.identifier}-001"
    assert metadata["distribution"][0]["resourceField"][0]["name"] == "年度"
    assert metadata["publisherOID"] == "2.16.886.111.90001.1001"


@pytest.mark.django_db
def test_create_update_and_delete_reach_the_portal(portal, dataset, officer):
    push = national_push(actor=officer, dataset=dataset)
    assert push.outcome == NationalPush.Outcome.SUCCEEDED and push.operation == "create"
    assert portal.datasets[dataset.identifier]["title"] == "高雄市路燈維護統計"
    dataset.refresh_from_db()
    assert dataset.national_state == Dataset.NationalState.SYNCED
    dataset = dataset_update(actor=officer, dataset=dataset, title="高雄市路燈維護與報修統計")
    assert dataset.national_state == Dataset.NationalState.PENDING
    assert national_push(actor=None, dataset=dataset).operation == "update"
    assert portal.datasets[dataset.identifier]["title"] == "高雄市路燈維護與報修統計"
    dataset = dataset_withdraw(actor=officer, dataset=dataset, reason="改版")
    assert national_push(actor=None, dataset=dataset).operation == "delete"
    assert dataset.identifier not in portal.datasets
    dataset.refresh_from_db()
    assert dataset.national_state == Dataset.NationalState.REMOVED
    assert [method for method, _i, _b in portal.requests] == ["POST", "PUT", "DELETE"]


@pytest.mark.django_db
def test_a_refusal_is_logged_with_the_portals_error_and_not_retried_by_itself(
        portal, dataset, officer):
    own = ServiceCategory.objects.create(code="Z99", slug="city-own", name_zh="本市自訂",
                                         name_en="The city's own")
    dataset = dataset_update(actor=officer, dataset=dataset, category=own)
    push = national_push(actor=None, dataset=dataset)
    assert push.outcome == NationalPush.Outcome.REFUSED
    assert push.error_type.startswith("ER0031")
    assert "Z99" in push.message
    dataset.refresh_from_db()
    assert dataset.national_state == Dataset.NationalState.FAILED
    assert dataset.national_retry_at is None
    assert dataset.category == own  # the local change stays
    assert dataset not in national_due()


@pytest.mark.django_db
def test_a_failure_keeps_the_local_change_and_is_retried(portal, dataset, officer):
    national_push(actor=None, dataset=dataset)
    dataset = dataset_update(actor=officer, dataset=dataset, title="新標題")
    portal.failing = True
    push = national_push(actor=None, dataset=dataset)
    assert push.outcome == NationalPush.Outcome.FAILED and push.http_status == 503
    dataset.refresh_from_db()
    assert dataset.title == "新標題"
    assert dataset.national_state == Dataset.NationalState.FAILED
    assert dataset.national_retry_at > timezone.now()
    assert dataset not in national_due()
    Dataset.objects.filter(pk=dataset.pk).update(
        national_retry_at=timezone.now() - dt.timedelta(seconds=1))
    assert [d.pk for d in national_due()] == [dataset.pk]
    portal.failing = False
    assert national_push(actor=None, dataset=dataset).outcome == NationalPush.Outcome.SUCCEEDED
    assert portal.datasets[dataset.identifier]["title"] == "新標題"


@pytest.mark.django_db
def test_the_portal_being_unreachable_is_a_failure_to_retry(settings, dataset):
    settings.YANKAO_NATIONAL_PORTAL_URL = "http://127.0.0.1:9/api/v1"
    settings.YANKAO_NATIONAL_PORTAL_KEY = KEY
    push = national_push(actor=None, dataset=dataset)
    assert push.outcome == NationalPush.Outcome.FAILED and push.http_status is None
    dataset.refresh_from_db()
    assert dataset.national_retry_at is not None


@pytest.mark.django_db
def test_an_update_of_a_dataset_the_portal_lost_creates_it_again(portal, dataset):
    national_push(actor=None, dataset=dataset)
    portal.datasets.clear()
    Dataset.objects.filter(pk=dataset.pk).update(national_state=Dataset.NationalState.PENDING)
    push = national_push(actor=None, dataset=dataset)
    assert push.operation == "create" and push.outcome == NationalPush.Outcome.SUCCEEDED
    assert [m for m, _i, _b in portal.requests] == ["POST", "PUT", "POST"]


@pytest.mark.django_db
def test_a_dry_run_checks_and_sends_nothing(portal, dataset, officer):
    push = national_push(actor=officer, dataset=dataset, dry_run=True)
    assert push.outcome == NationalPush.Outcome.DRY_RUN and push.message == ""
    assert push.payload["identifier"] == dataset.identifier
    assert portal.requests == []
    dataset.refresh_from_db()
    assert dataset.national_state == Dataset.NationalState.PENDING


@pytest.mark.django_db
def test_only_the_agency_pushes_by_hand(portal, dataset, epb_officer):
    with pytest.raises(DomainError):
        national_push(actor=epb_officer, dataset=dataset)
    assert portal.requests == []


@pytest.mark.django_db(transaction=True)
def test_a_change_made_while_a_push_is_in_flight_is_sent_next(portal, dataset):
    """The portal answers only after the dataset changed locally: the push that succeeded
    sent the old version, so the dataset stays pending and goes again (the worker runs
    jobs at once in tests)."""
    changed = []

    def edit_during_push(method, identifier):
        if not changed:
            changed.append(method)
            Dataset.objects.filter(pk=dataset.pk).update(version=F("version") + 1,
                                                        title="同時修改")

    portal.on_request = edit_during_push
    already = len(portal.requests)  # publishing may have sent it once already
    national_push(actor=None, dataset=dataset)
    dataset.refresh_from_db()
    assert dataset.national_state == Dataset.NationalState.SYNCED
    assert dataset.national_version == dataset.version
    assert portal.datasets[dataset.identifier]["title"] == "同時修改"
    sent = [m for m, _i, _b in portal.requests[already:]]
    assert len(sent) == 2 and sent[1] == "PUT", sent  # the push, then the change once more
