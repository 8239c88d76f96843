"""Writes of the catalogue through its services: what is refused (with the field named and
nothing saved), the workflow, the metadata history and who may do what."""

import os

import pytest
from django.conf import settings

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Attachment, AuditEvent
from yankao.opendata.models import Dataset, DatasetVersion, Licence, Publisher, Resource
from yankao.opendata.services.catalogue import (
    dataset_create,
    dataset_publish,
    dataset_update,
    dataset_withdraw,
    publisher_save,
    resource_add,
    resource_fields_set,
    resource_remove,
)
from yankao.opendata.tests.helpers import COLUMNS, csv_bytes, metadata, png_bytes, upload

pytestmark = pytest.mark.django_db


def _draft(officer, city, **overrides):
    return dataset_create(actor=officer, agency=city["pwb-maintenance"], title="路燈維護統計",
                          **metadata(**overrides))


def _stored_files() -> int:
    return sum(len(files) for _root, _dirs, files in os.walk(settings.MEDIA_ROOT))


def test_a_malformed_oid_is_refused_naming_the_field(city, officer):
    for oid in ("2.16.886.01.5", "OID-12345", "1.2.3", "2.16.840.1.113883"):
        with pytest.raises(DomainError) as error:
            publisher_save(actor=officer, agency=city["pwb-maintenance"], oid=oid,
                           org_code="397000001A", contact_name="林", contact_phone="07-1",
                           contact_email="a@example.invalid")
        assert error.value.field == "oid", oid
    assert not Publisher.objects.exists()


def test_another_agency_cannot_register_this_agencys_oid(city, epb_officer):
    with pytest.raises(DomainError) as error:
        publisher_save(actor=epb_officer, agency=city["pwb-maintenance"],
                       oid="2.16.886.111.90001.1", org_code="397000001A", contact_name="林",
                       contact_phone="07-1", contact_email="a@example.invalid")
    assert error.value.code == ErrorCode.FORBIDDEN


def test_a_dataset_needs_a_registered_publisher(city, officer):
    with pytest.raises(DomainError) as error:
        _draft(officer, city)
    assert error.value.field == "agency"
    assert not Dataset.objects.exists()


def test_missing_metadata_is_refused_naming_the_field_and_nothing_is_saved(
        city, officer, publishers):
    with pytest.raises(DomainError) as error:
        _draft(officer, city, description="   ")
    assert error.value.field == "description"
    with pytest.raises(DomainError) as error:
        _draft(officer, city, publisher_contact_email="not an address")
    assert error.value.field == "publisher_contact_email"
    assert not Dataset.objects.exists()
    assert not DatasetVersion.objects.exists()


def test_a_licence_that_is_not_open_is_refused_for_everyone_but_allowed_for_sharing(
        city, officer, publishers):
    closed = Licence.objects.get(code="CC-BY-NC-4.0")
    with pytest.raises(DomainError) as error:
        _draft(officer, city, licence=closed)
    assert error.value.field == "licence"
    assert "not an open licence" in error.value.message
    assert not Dataset.objects.exists()
    shared = _draft(officer, city, licence=closed, access="restricted")
    assert shared.access == "restricted"
    with pytest.raises(DomainError) as error:
        dataset_update(actor=officer, dataset=shared, access="public")
    assert error.value.field == "licence"
    shared.refresh_from_db()
    assert shared.access == "restricted" and shared.version == 1


def test_an_upload_that_is_not_what_it_claims_is_refused_and_nothing_is_saved(
        city, officer, publishers):
    dataset = _draft(officer, city)
    before = _stored_files()
    with pytest.raises(DomainError) as error:
        resource_add(actor=officer, dataset=dataset, description="統計", format="CSV",
                     upload=upload(png_bytes(), "data.csv"))
    assert error.value.field == "file"
    assert error.value.code == ErrorCode.FILE_TYPE_NOT_ALLOWED
    with pytest.raises(DomainError) as error:
        resource_add(actor=officer, dataset=dataset, description="統計", format="XLSX",
                     upload=upload(csv_bytes(), "data.xlsx"))
    assert error.value.field == "file"
    assert not Resource.objects.exists()
    assert not Attachment.objects.exists()
    assert _stored_files() == before
    dataset.refresh_from_db()
    assert dataset.version == 1


def test_a_big5_csv_declared_utf8_is_refused_naming_the_character_set(
        city, officer, publishers):
    dataset = _draft(officer, city)
    with pytest.raises(DomainError) as error:
        resource_add(actor=officer, dataset=dataset, description="統計", format="CSV",
                     character_set="UTF-8", upload=upload(csv_bytes(encoding="cp950")))
    assert error.value.field == "character_set"
    assert not Resource.objects.exists() and not Attachment.objects.exists()
    resource = resource_add(actor=officer, dataset=dataset, description="統計", format="CSV",
                            character_set="BIG5", upload=upload(csv_bytes(encoding="cp950")))
    assert resource.character_set == "BIG5"


def test_the_workflow_keeps_every_version_and_a_withdrawn_dataset(city, officer, publishers):
    dataset = _draft(officer, city, keywords=["路燈"])
    assert dataset.identifier == "397000001A-000001" and dataset.name == "397000001a-000001"
    with pytest.raises(DomainError) as error:
        dataset_publish(actor=officer, dataset=dataset)
    assert error.value.field == "resources"
    resource = resource_add(actor=officer, dataset=dataset, description="統計", format="CSV",
                            upload=upload(csv_bytes()))
    assert [f.name for f in resource.fields.all()] == COLUMNS  # listed from the first row
    resource_fields_set(actor=officer, resource=resource,
                        fields=[(c, f"{c}的說明") for c in COLUMNS])
    dataset = dataset_publish(actor=officer, dataset=dataset)
    dataset = dataset_update(actor=officer, dataset=dataset, title="路燈維護與報修統計")
    with pytest.raises(DomainError) as error:
        resource_remove(actor=officer, resource=resource, reason="換新檔")
    assert error.value.field == "reason"  # the last resource of a published dataset stays
    dataset = dataset_withdraw(actor=officer, dataset=dataset, reason="改由新資料集提供")
    assert dataset.state == Dataset.State.WITHDRAWN and Dataset.objects.filter(
        pk=dataset.pk).exists()
    versions = list(DatasetVersion.objects.filter(dataset=dataset).order_by("version"))
    assert [v.version for v in versions] == [1, 2, 3, 4, 5, 6]
    assert versions[0].metadata["title"] == "路燈維護統計"
    assert versions[4].metadata["title"] == "路燈維護與報修統計"
    assert versions[3].metadata["distribution"][0]["resourceField"][0] == {
        "name": "年度", "description": "年度的說明"}
    actions = set(AuditEvent.objects.filter(object_id=str(dataset.pk)).values_list(
        "action", flat=True))
    assert {"opendata.dataset.create", "opendata.dataset.publish", "opendata.dataset.update",
            "opendata.dataset.withdraw"} <= actions


def test_publishing_needs_field_descriptions(city, officer, publishers):
    dataset = _draft(officer, city)
    resource_add(actor=officer, dataset=dataset, description="API",
                 format="JSON", url="https://data.example.invalid/api/lights", fields=[])
    with pytest.raises(DomainError) as error:
        dataset_publish(actor=officer, dataset=dataset)
    assert error.value.field == "fields"


@pytest.mark.parametrize("who", ["epb_officer", "evaluator"])
def test_only_the_agency_changes_its_datasets(request, who, dataset):
    actor = request.getfixturevalue(who)
    with pytest.raises(DomainError) as error:
        dataset_update(actor=actor, dataset=dataset, title="被改了")
    assert error.value.code == ErrorCode.FORBIDDEN
    dataset.refresh_from_db()
    assert dataset.title == "高雄市路燈維護統計"


def test_the_parent_agencys_officer_manages_its_units_datasets(city, publishers, pwb_officer):
    draft = dataset_create(actor=pwb_officer, agency=city["pwb-maintenance"],
                           title="路燈清冊", **metadata())
    assert draft.agency.code == "pwb-maintenance"
