import pytest

from yankao.assistant import engine, faqdata, services
from yankao.core.models import Role
from yankao.core.tests.factories import member
from yankao.servicedesk.catalogue import catalogue_seed


@pytest.fixture
def faq(city):
    """The demo city's FAQ (300 entries) and the service-desk categories hand-overs use."""
    catalogue_seed(actor=None)
    engine.CACHE.clear()
    services.faq_load(actor=None, topics=faqdata.TOPICS, rows=faqdata.faq_rows(),
                      synonyms=faqdata.synonym_rows())
    yield
    engine.CACHE.clear()


@pytest.fixture
def editor(city):
    return member(Role.OPERATOR, city["rdec"], "faq_editor")
