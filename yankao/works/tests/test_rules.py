"""The grade rules (工程施工查核小組作業辦法 §7–8), the minimum formula (§4) and deadlines,
as pure functions."""

import datetime as dt
from decimal import Decimal

import pytest

from yankao.core.calendar import TAIPEI
from yankao.core.numbers import percent
from yankao.works.rules import (
    Band,
    MinimumBand,
    band_requirement,
    grade_for,
    inspection_score,
    legal_minimum,
    progress_due_at,
)

BANDS = [Band("excellent", "優等", "Excellent", 90), Band("good", "甲等", "Good", 80),
         Band("fair", "乙等", "Fair", 70), Band("poor", "丙等", "Poor", 0, True)]


def grade(scores, tests=(), **kwargs):
    result = inspection_score(scores, tests, **kwargs)
    return result, grade_for(result.score, BANDS).label_zh


@pytest.mark.parametrize(("scores", "expected_score", "expected_grade"), [
    ([100], 100, "優等"),
    ([90], 90, "優等"),
    ([89], 89, "甲等"),
    ([80], 80, "甲等"),
    ([79], 79, "乙等"),
    ([70], 70, "乙等"),
    ([69], 69, "丙等"),
    ([0], 0, "丙等"),
    # Rounded mean, half up: 89.5 → 90 is 優等; 89.33 → 89 is 甲等.
    ([89, 90], 90, "優等"),
    ([89, 89, 90], 89, "甲等"),
    ([79, 80], 80, "甲等"),
    ([79, 79, 80], 79, "乙等"),
    ([69, 70], 70, "乙等"),
    ([69, 69, 70], 69, "丙等"),
    # Python's round() would give 88 for 88.5 (banker's rounding); the rule rounds half up.
    ([88, 89], 89, "甲等"),
    ([70, 71, 72, 71], 71, "乙等"),
])
def test_grade_is_the_rounded_mean_in_its_band(scores, expected_score, expected_grade):
    result, label = grade(scores)
    assert (result.score, label) == (expected_score, expected_grade)
    assert result.provisional is False
    assert result.fixed_by_test is False


def test_the_mean_is_kept_to_two_places():
    result = inspection_score([89, 89, 90])
    assert result.mean == Decimal("89.33")
    assert result.score == 89


@pytest.mark.parametrize("material", ["concrete", "asphalt", "compaction"])
def test_a_failed_decisive_test_fixes_the_score_at_69(material):
    result, label = grade([92, 95, 94], [(material, "failed")])
    assert result.score == 69
    assert label == "丙等"
    assert result.fixed_by_test is True
    assert result.mean == Decimal("93.67")


def test_a_failed_test_keeps_a_lower_mean_under_the_cap_rule():
    result, label = grade([60, 62], [("concrete", "failed")])
    assert result.score == 61
    assert label == "丙等"


def test_the_fix_rule_gives_exactly_69():
    result, _label = grade([60, 62], [("concrete", "failed")], failed_test_rule="fix")
    assert result.score == 69
    result, _label = grade([95], [("asphalt", "failed")], failed_test_rule="fix")
    assert result.score == 69


def test_the_fixed_score_is_policy():
    result, _label = grade([95], [("compaction", "failed")], failed_test_score=59)
    assert result.score == 59


@pytest.mark.parametrize("material", ["steel", "other"])
def test_other_failed_tests_do_not_fix_the_score(material):
    result, label = grade([92, 95], [(material, "failed")])
    assert result.score == 94
    assert label == "優等"
    assert result.fixed_by_test is False


def test_pending_tests_make_the_score_provisional():
    result, label = grade([85, 86], [("concrete", "pending"), ("steel", "passed")])
    assert result.provisional is True
    assert result.score == 86
    assert label == "甲等"


def test_passed_tests_leave_the_score_final():
    result, _label = grade([85, 86], [("concrete", "passed"), ("asphalt", "passed")])
    assert result.provisional is False


def test_a_failed_decisive_test_is_final_even_with_others_pending():
    result, label = grade([85], [("concrete", "failed"), ("asphalt", "pending")])
    assert result.provisional is False
    assert (result.score, label) == (69, "丙等")


def test_a_failed_other_test_with_pending_ones_stays_provisional():
    result, _label = grade([85], [("steel", "failed"), ("asphalt", "pending")])
    assert result.provisional is True


@pytest.mark.parametrize("bad", [[], [101], [-1], [80, 100.5], [True], ["90"], [None]])
def test_scores_outside_0_to_100_or_missing_are_refused(bad):
    with pytest.raises(ValueError):
        inspection_score(bad)


def test_grade_bands_are_data():
    bands = [Band("a", "甲", "A", 75), Band("b", "乙", "B", 0)]
    assert grade_for(75, bands).code == "a"
    assert grade_for(74, bands).code == "b"
    with pytest.raises(ValueError):
        grade_for(5, [Band("a", "甲", "A", 10)])


BANDS_2018 = [
    MinimumBand("巨額", "large", 200_000_000, None, Decimal("20")),
    MinimumBand("查核", "supervision", 50_000_000, 200_000_000, Decimal("10")),
    MinimumBand("公告", "announcement", 1_000_000, 50_000_000, Decimal("5"), minimum_count=3),
]


def test_legal_minimum_rounds_each_band_up_and_skips_small_tenders():
    amounts = ([250_000_000] * 6 + [60_000_000] * 11 + [5_000_000] * 21 + [900_000] * 40
               + [50_000_000, 200_000_000, 1_000_000, 999_999])
    rows = legal_minimum(BANDS_2018, amounts)
    # Band edges: 200,000,000 is 巨額; 50,000,000 is 查核; 1,000,000 is 公告; 999,999 nothing.
    assert [(row.tenders, row.required) for row in rows] == [(7, 2), (12, 2), (22, 3)]


def test_band_requirement_has_a_floor_and_never_exceeds_the_band():
    band = MinimumBand("x", "x", 0, None, Decimal("5"), minimum_count=3)
    assert band_requirement(band, 0) == 0
    assert band_requirement(band, 2) == 2
    assert band_requirement(band, 10) == 3
    assert band_requirement(band, 100) == 5
    assert band_requirement(band, 101) == 6


def test_percent_from_counts():
    assert percent(17, 21) == Decimal("80.95")
    assert percent(4, 21) == Decimal("19.05")
    assert percent(11, 80) == Decimal("13.75")
    assert percent(148, 63) == Decimal("234.92")
    assert percent(1, 0) is None


def test_progress_is_due_by_the_update_day_of_the_next_month():
    assert progress_due_at(dt.date(2018, 1, 1), 6) == dt.datetime(2018, 2, 6, 23, 59, 59,
                                                                   tzinfo=TAIPEI)
    assert progress_due_at(dt.date(2018, 12, 1), 10).date() == dt.date(2019, 1, 10)
