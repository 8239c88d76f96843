import pytest
from django.utils import translation

from yankao.core.models import Agency, Role
from yankao.core.services.seed import city_seed
from yankao.core.tests.factories import member
from yankao.works.tests.factories import make_tender


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are compared in English, whatever an earlier test activated."""
    with translation.override("en"):
        yield


@pytest.fixture
def city(db):
    city_seed(actor=None)
    return {agency.code: agency for agency in Agency.objects.all()}


@pytest.fixture
def inspector(city):
    user = member(Role.INSPECTOR, city["rdec"], "t_inspector")
    user.first_name, user.last_name = "建宏", "李"
    user.save()
    return user


@pytest.fixture
def evaluator(city):
    return member(Role.EVALUATOR, city["rdec"], "t_evaluator")


@pytest.fixture
def officer(city):
    """An officer of 養工處 (pwb-maintenance)."""
    user = member(Role.OFFICER, city["pwb-maintenance"], "t_officer")
    user.email = "officer@example.invalid"
    user.save()
    return user


@pytest.fixture
def chief(city):
    return member(Role.SECTION_CHIEF, city["pwb-maintenance"], "t_chief")


@pytest.fixture
def pwb_officer(city):
    """An officer of 工務局, the parent of 養工處."""
    return member(Role.OFFICER, city["public-works"], "t_pwb")


@pytest.fixture
def epb_officer(city):
    return member(Role.OFFICER, city["environmental-protection"], "t_epb")


@pytest.fixture
def operator(city):
    return member(Role.OPERATOR, city["rdec"], "t_operator")


@pytest.fixture
def tender(city):
    return make_tender(city["pwb-maintenance"])


@pytest.fixture
def epb_tender(city):
    return make_tender(city["environmental-protection"], number="1070202-05",
                       title="鳳山溪水質淨化場改善工程", amount=48_000_000)
