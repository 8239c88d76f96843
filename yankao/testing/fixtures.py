"""Fixtures every app's tests may use: the real city and one user per common role."""

import pytest

from yankao.core.models import Agency, Role
from yankao.core.services.seed import city_seed
from yankao.core.tests.factories import member


@pytest.fixture
def city(db):
    """Kaohsiung's agencies and districts, keyed by code."""
    city_seed(actor=None)
    return {agency.code: agency for agency in Agency.objects.all()}


@pytest.fixture
def evaluator(city):
    return member(Role.EVALUATOR, city["rdec"], "t_evaluator")


@pytest.fixture
def officer(city):
    """An officer of 養工處 (pwb-maintenance)."""
    return member(Role.OFFICER, city["pwb-maintenance"], "t_officer")


@pytest.fixture
def epb_officer(city):
    return member(Role.OFFICER, city["environmental-protection"], "t_epb")


@pytest.fixture
def administrator(city):
    return member(Role.ADMINISTRATOR, city["rdec"], "t_admin")
