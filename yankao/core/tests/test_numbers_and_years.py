"""The one helper for shares and averages (half up), and the one default year."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from yankao.core.numbers import average, format_percent, percent, round_half_up
from yankao.core.years import chosen_year, default_year, latest_year, record_years


def test_percent_is_half_up_from_counts():
    assert percent(103, 163) == Decimal("63.19")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 8, places=1) == Decimal("12.5")
    # 0.125 → 0.13 half up (half-even would give 0.12).
    assert percent(1, 800) == Decimal("0.13")
    assert percent(5, 0) is None
    assert format_percent(percent(17, 21)) == "80.95%"


def test_average_rounds_half_up_not_to_even():
    assert round(30 / 12) == 2  # what Python's round() does with 2.5
    assert average(30, 12) == 3
    assert average(90, 12) == 8  # 7.5 → 8
    assert average(42, 12) == 4  # 3.5 → 4
    assert average(7, 2, places=1) == Decimal("3.5")
    assert average(1, 0) is None
    assert round_half_up(Decimal("89.5")) == 90
    assert round_half_up(Decimal("0.125"), 2) == Decimal("0.13")


def test_default_year_is_the_latest_with_records():
    assert latest_year([2019, None, 2021, 2018]) == 2021
    assert default_year([2019, 2021]) == 2021
    assert default_year([], fallback=2020) == 2020
    assert default_year([]) == timezone.localdate().year
    assert chosen_year("2021", 2018) == 2021
    assert chosen_year("20x1", 2018) == 2018
    assert chosen_year(None, 2018) == 2018
    assert chosen_year("3021", 2018) == 2018


@pytest.mark.django_db
def test_record_years_asks_every_installed_module(monkeypatch):
    providers = [config for config in apps.get_app_configs()
                 if getattr(config, "yankao_record_years", None)]
    assert {config.label for config in providers} >= {"servicedesk", "programs", "works"}
    assert record_years() == []
    monkeypatch.setattr(providers[0], "yankao_record_years", lambda: [2021, 2019])
    assert record_years() == [2021, 2019]
