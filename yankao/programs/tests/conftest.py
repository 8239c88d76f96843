"""Fixtures for program-control tests: the city, people in each role, programs with plans."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from yankao.core.models import Agency, Role
from yankao.core.services.seed import city_seed
from yankao.core.tests.factories import member
from yankao.programs import services
from yankao.programs.services import MonthPlan


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the source language."""
    with translation.override("en"):
        yield


@pytest.fixture
def city(db):
    """Kaohsiung's agencies (by code) and the programs reference data."""
    city_seed(actor=None)
    services.reference_data_ensure(actor=None)
    return {agency.code: agency for agency in Agency.objects.all()}


@pytest.fixture
def officer(city):
    return member(Role.OFFICER, city["pwb-maintenance"], "p_officer")


@pytest.fixture
def chief(city):
    return member(Role.SECTION_CHIEF, city["pwb-maintenance"], "p_chief")


@pytest.fixture
def evaluator(city):
    return member(Role.EVALUATOR, city["rdec"], "p_evaluator")


@pytest.fixture
def evaluator2(city):
    return member(Role.EVALUATOR, city["rdec"], "p_evaluator2")


@pytest.fixture
def epb_officer(city):
    return member(Role.OFFICER, city["environmental-protection"], "p_epb_officer")


@pytest.fixture
def epb_chief(city):
    return member(Role.SECTION_CHIEF, city["environmental-protection"], "p_epb_chief")


def linear_plan(budget: int, final_pct: Decimal = Decimal(100)) -> list[MonthPlan]:
    """Planned progress and spending rising evenly to ``final_pct`` in December."""
    return [MonthPlan(month, (final_pct * month / 12).quantize(Decimal("0.01")),
                      budget * month // 12) for month in range(1, 13)]


@pytest.fixture
def make_program(city, evaluator):
    """make_program(code, agency_code=..., approve=True) → a 2018 program with a plan."""

    def make(code: str = "P-001", *, agency_code: str = "pwb-maintenance", year: int = 2018,
             budget: int = 12_000_000, approve: bool = True, plan: bool = True):
        agency = city[agency_code]
        program = services.program_create(
            actor=evaluator, year=year, code=code, name_zh=f"測試計畫{code}", agency=agency,
            budget=budget)
        if plan:
            work_plan = services.work_plan_create(actor=None, program=program,
                                                  months=linear_plan(budget))
            if approve:
                services.work_plan_submit(actor=None, plan=work_plan)
                services.work_plan_approve(actor=evaluator, plan=work_plan)
        return program

    return make


def submit(program, month: int, actual: str, *, actor=None, budget: int | None = None,
           **extra):
    """Submit a month's report with spending on plan unless ``budget`` is given."""
    planned_budget = program.budget * month // 12
    return services.progress_report_submit(
        actor=actor, program=program, month=month, actual_pct=Decimal(actual),
        budget_executed=planned_budget if budget is None else budget,
        narrative=extra.pop("narrative", "本月依進度施工。"), **extra)


@pytest.fixture
def client(client):
    """Pages in English (the source language) so tests read them as written."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def administrator_user(city):
    return member(Role.ADMINISTRATOR, city["rdec"], "p_admin")
