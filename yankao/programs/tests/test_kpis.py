"""KPIs: targets that must rise, lowering with a justification, and achievement by count."""

from decimal import Decimal

import pytest

from yankao.core.errors import DomainError
from yankao.core.models import AuditEvent
from yankao.programs import selectors, services
from yankao.programs.models import KpiTarget


@pytest.fixture
def kpis(city, officer):
    agency = city["pwb-maintenance"]
    smooth = services.kpi_create(actor=officer, agency=agency, code="K1",
                                 indicator_zh="道路平整度合格率", unit="%")
    deaths = services.kpi_create(actor=officer, agency=agency, code="K2",
                                 indicator_zh="道路交通事故死亡人數", unit="人",
                                 direction="lower")
    return smooth, deaths


def test_lowering_a_target_needs_a_written_justification(kpis, officer):
    smooth, deaths = kpis
    services.kpi_target_set(actor=officer, kpi=smooth, year=2017, target="90")
    with pytest.raises(DomainError) as not_harder:
        services.kpi_target_set(actor=officer, kpi=smooth, year=2018, target="90")
    assert not_harder.value.field == "reason" and "rise every year" in not_harder.value.message
    services.kpi_target_set(actor=officer, kpi=smooth, year=2018, target="92")
    with pytest.raises(DomainError) as lowered:
        services.kpi_target_set(actor=officer, kpi=smooth, year=2018, target="91")
    assert "lowered from 92.00 to 91" in lowered.value.message
    assert KpiTarget.objects.get(kpi=smooth, year=2018).target == Decimal("92.00")
    row = services.kpi_target_set(actor=officer, kpi=smooth, year=2018, target="91",
                                  reason="配合中央政策修正")
    assert row.target_reason == "配合中央政策修正"
    assert AuditEvent.objects.filter(action="kpi_target.set", from_state="92.00",
                                     to_state="91").exists()
    # Lower is better: a higher number is the easier target.
    services.kpi_target_set(actor=officer, kpi=deaths, year=2017, target="300")
    with pytest.raises(DomainError):
        services.kpi_target_set(actor=officer, kpi=deaths, year=2018, target="310")
    services.kpi_target_set(actor=officer, kpi=deaths, year=2018, target="290")


def test_achievement_counts_met_indicators(kpis, officer, evaluator, epb_officer):
    smooth, deaths = kpis
    a = services.kpi_target_set(actor=officer, kpi=smooth, year=2018, target="92")
    b = services.kpi_target_set(actor=officer, kpi=deaths, year=2018, target="290")
    services.kpi_actual_record(actor=officer, kpi_target=a, actual="93.5")
    services.kpi_actual_record(actor=officer, kpi_target=b, actual="301")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.met, a.achievement_pct) == (True, Decimal("101.63"))
    assert (b.met, b.achievement_pct) == (False, Decimal("96.35"))
    city = selectors.kpi_achievement(actor=evaluator, year=2018)
    assert (city.indicators, city.measured, city.met, city.rate) == (2, 2, 1, Decimal("50.0"))
    assert selectors.kpi_achievement(actor=epb_officer, year=2018).indicators == 0
    rows = selectors.kpi_achievement_by_agency(actor=evaluator, year=2018)
    assert [(r.agency_code, r.met, r.measured) for r in rows] == [("pwb-maintenance", 1, 2)]
    with pytest.raises(DomainError):
        services.kpi_actual_record(actor=epb_officer, kpi_target=a, actual="1")
    with pytest.raises(DomainError):
        services.kpi_actual_record(actor=officer, kpi_target=a, actual="-1")
