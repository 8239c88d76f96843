import pytest
from django.apps import apps
from django.utils import translation

from yankao.core.models import Role
from yankao.core.tests.factories import member
from yankao.opendata.reference import load_reference
from yankao.opendata.services.catalogue import publisher_save
from yankao.opendata.tests.helpers import publish_dataset


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are compared in English, whatever an earlier test activated."""
    with translation.override("en"):
        yield


@pytest.fixture
def publishers(city):
    """Publisher records (OID, agency code) of 養工處, 環保局 and 交通局, and the reference
    data (which a flushed transactional test database has lost)."""
    load_reference(apps.get_model)
    return {
        code: publisher_save(actor=None, agency=city[code], oid=oid, org_code=org_code,
                             contact_name="林雅婷", contact_phone="07-3368333",
                             contact_email=f"{code}@example.invalid")
        for code, oid, org_code in (
            ("pwb-maintenance", "2.16.886.111.90001.1001", "397000001A"),
            ("environmental-protection", "2.16.886.111.90001.1002", "397000002A"),
            ("transportation", "2.16.886.111.90001.1003", "397000003A"),
        )}


@pytest.fixture
def chief(city):
    return member(Role.SECTION_CHIEF, city["pwb-maintenance"], "t_chief")


@pytest.fixture
def pwb_officer(city):
    """An officer of 工務局, the parent of 養工處."""
    return member(Role.OFFICER, city["public-works"], "t_pwb")


@pytest.fixture
def dataset(officer, publishers, city):
    """A published dataset of 養工處 with one CSV resource whose fields are described."""
    return publish_dataset(officer, city["pwb-maintenance"], title="高雄市路燈維護統計",
                           keywords=["路燈", "維護"])
