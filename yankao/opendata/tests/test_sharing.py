"""Restricted datasets shared with a named agency through signed links that expire; every
download and every refusal is audited."""

import datetime as dt

import pytest
from django.utils import timezone

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import AuditEvent
from yankao.opendata.models import ShareLink
from yankao.opendata.services.sharing import (
    share_download,
    share_grant,
    share_link_create,
    share_link_revoke,
    share_revoke,
)
from yankao.opendata.tests.helpers import publish_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(officer, publishers, city):
    return publish_dataset(officer, city["pwb-maintenance"], title="路燈電費明細",
                           access="restricted")


def _grant(officer, shared, city, days=30):
    return share_grant(actor=officer, dataset=shared, agency=city["environmental-protection"],
                       purpose="用電分析", expires_at=timezone.now() + dt.timedelta(days=days))


def test_a_link_downloads_until_it_is_revoked_and_every_download_is_audited(
        client, officer, shared, city):
    grant = _grant(officer, shared, city)
    link, token = share_link_create(actor=officer, grant=grant)
    page = client.get(f"/opendata/shared/{token}/")
    assert page.status_code == 200 and "路燈電費明細" in page.content.decode()
    resource = shared.resources.get()
    response = client.get(f"/opendata/shared/{token}/{resource.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith("年度".encode())
    assert AuditEvent.objects.filter(action="opendata.share.download",
                                     object_id=str(resource.pk)).count() == 1
    assert ShareLink.objects.get(pk=link.pk).downloads == 1
    share_link_revoke(actor=officer, link=link)
    assert client.get(f"/opendata/shared/{token}/{resource.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="opendata.share.download_refused",
                                     reason="link revoked").count() == 1


def test_expired_links_forged_tokens_and_revoked_grants_are_refused(officer, shared, city):
    grant = _grant(officer, shared, city)
    link, token = share_link_create(actor=officer, grant=grant)
    resource = shared.resources.get()
    with pytest.raises(DomainError):
        share_download(token=token[:-2] + "xx", resource_id=resource.pk)
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    with pytest.raises(DomainError):
        share_download(token=token, resource_id=resource.pk)
    _other, fresh = share_link_create(actor=officer, grant=grant)
    share_revoke(actor=officer, grant=grant, reason="計畫結束")
    with pytest.raises(DomainError):
        share_download(token=fresh, resource_id=resource.pk)
    reasons = set(AuditEvent.objects.filter(action="opendata.share.download_refused")
                  .values_list("reason", flat=True))
    assert reasons == {"bad signature", "link expired", "grant ended"}


def test_links_end_with_their_grant_and_only_the_two_agencies_make_them(
        officer, epb_officer, shared, city, administrator):
    grant = _grant(officer, shared, city, days=3)
    link, _token = share_link_create(actor=epb_officer, grant=grant,
                                     expires_at=timezone.now() + dt.timedelta(days=30))
    assert link.expires_at == grant.expires_at
    from yankao.core.models import Role
    from yankao.core.tests.factories import member

    stranger = member(Role.OFFICER, city["transportation"], "t_stranger")
    with pytest.raises(DomainError) as error:
        share_link_create(actor=stranger, grant=grant)
    assert error.value.code == ErrorCode.FORBIDDEN


def test_only_restricted_datasets_are_granted_and_not_to_their_own_agency(
        officer, dataset, shared, city):
    with pytest.raises(DomainError) as error:
        share_grant(actor=officer, dataset=dataset, agency=city["environmental-protection"],
                    purpose="x", expires_at=timezone.now() + dt.timedelta(days=3))
    assert error.value.field == "dataset"
    with pytest.raises(DomainError) as error:
        share_grant(actor=officer, dataset=shared, agency=city["pwb-maintenance"],
                    purpose="x", expires_at=timezone.now() + dt.timedelta(days=3))
    assert error.value.field == "agency"
    with pytest.raises(DomainError) as error:
        share_grant(actor=officer, dataset=shared, agency=city["environmental-protection"],
                    purpose="x", expires_at=timezone.now() + dt.timedelta(days=500))
    assert error.value.field == "expires_at"


def test_the_receiving_agency_sees_the_dataset_while_the_grant_runs(
        client, officer, epb_officer, shared, city):
    client.force_login(epb_officer)
    assert client.get(f"/opendata/datasets/{shared.name}/").status_code == 404
    grant = _grant(officer, shared, city)
    assert client.get(f"/opendata/datasets/{shared.name}/").status_code == 200
    share_revoke(actor=officer, grant=grant, reason="結束")
    assert client.get(f"/opendata/datasets/{shared.name}/").status_code == 404
