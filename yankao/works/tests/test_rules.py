"""The grade rules (工程施工查核小組作業辦法 §7–8), the three texts of the yearly minimum
(§4) and deadlines, as pure functions."""

import datetime as dt
from decimal import Decimal

import pytest

from yankao.core.calendar import TAIPEI
from yankao.core.numbers import percent
from yankao.works.policy_defaults import MINIMUM_VERSIONS
from yankao.works.rules import (
    Arrangement,
    Band,
    MinimumBand,
    MinimumVersion,
    TenderAmount,
    grade_for,
    inspection_score,
    legal_minimum,
    progress_due_at,
    version_for_year,
    versions_overlap,
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


def test_a_grave_finding_makes_it_poor_whatever_the_scores():
    """§8 ¶1 items 4–6: a grave deviation of the main structure or materials, or another
    grave fault affecting safety, makes it 丙等 (a score of 70 or more becomes 69)."""
    result, label = grade([92, 95], grave_finding=True)
    assert (result.score, label, result.fixed_by_finding) == (69, "丙等", True)
    result, label = grade([55], [("asphalt", "pending")], grave_finding=True)
    assert (result.score, label, result.provisional) == (55, "丙等", False)


def test_a_score_of_70_or_more_waits_for_the_tests_from_2021():
    """§8 ¶3 as amended on 2021-03-19: 「原查核成績達七十分以上者，應於試驗結果判定完成後，
    始通知機關查核成績」."""
    pending = inspection_score([85, 86], [("concrete", "pending")])
    assert pending.withheld(dt.date(2021, 3, 19))
    assert not pending.withheld(dt.date(2021, 3, 18))  # the 2003 text says nothing of it
    assert not inspection_score([60], [("concrete", "pending")]).withheld(
        dt.date(2022, 1, 3))
    assert not inspection_score([85], [("concrete", "passed")]).withheld(
        dt.date(2022, 1, 3))
    edge = inspection_score([69, 70], [("asphalt", "pending")])  # 69.5 → 70
    assert edge.score == 70 and edge.withheld(dt.date(2022, 1, 3))


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


def shipped(code: str) -> MinimumVersion:
    """A text of §4 as shipped in works/policy_defaults.py (the data the migrations load)."""
    for (version_code, _title, _citation, start, until, overall, floor, excludes,
         bands) in MINIMUM_VERSIONS:
        if version_code == code:
            return MinimumVersion(
                code=code, effective_from=start, effective_until=until,
                overall_percent=overall, overall_floor=floor,
                excludes_subsidised_and_delegated=excludes,
                bands=tuple(MinimumBand(zh, en, low, high, share, at_least, item)
                            for zh, en, low, high, share, at_least, item in bands))
    raise KeyError(code)


def amounts(*budgets, arrangement=Arrangement.OWN):
    return [TenderAmount(budget, arrangement) for budget in budgets]


def band_of(version: MinimumVersion, budget: int) -> int | None:
    """The item (1–3) of §4 ¶1 a budget falls in, or None below every band."""
    result = legal_minimum(version, amounts(budget))
    return next((index for index, row in enumerate(result.rows, start=1) if row.tenders),
                None)


@pytest.mark.parametrize(("budget", "by_2003", "by_2021", "by_2023"), [
    (50_000_000, 1, 1, 1),   # 查核金額 / NT$50 M itself is in the top band
    (49_999_999, 2, 2, 2),
    (10_000_000, 2, 2, 2),   # NT$10 M itself is in the middle band
    (9_999_999, 3, 3, 3),
    (1_500_000, 3, 3, 3),    # the floor from 2023-08-09
    (1_499_999, 3, 3, None),
    (1_000_000, 3, 3, None),  # 公告金額 (NT$1 M) until 2023-08-08
    (999_999, None, None, None),
])
def test_each_text_places_boundary_amounts_in_its_bands(budget, by_2003, by_2021, by_2023):
    assert band_of(shipped("2003"), budget) == by_2003
    assert band_of(shipped("2021"), budget) == by_2021
    assert band_of(shipped("2023"), budget) == by_2023


def test_2003_text_20_percent_and_20_at_the_top_15_and_20_below():
    """§4 ¶1 (2003-09-10 … 2021-03-18): ≥ 查核金額 at least 20 % and no fewer than 20;
    NT$10 M up to 查核金額 15 or more; 公告金額 up to NT$10 M 20 or more; all when fewer."""
    version = shipped("2003")
    # The demo city of 2018: 140 + 300 + 700 tenders and 12 small ones → 28 + 15 + 20 = 63.
    result = legal_minimum(version, amounts(*[60_000_000] * 140, *[20_000_000] * 300,
                                            *[3_000_000] * 700, *[500_000] * 12))
    assert [row.required for row in result.rows] == [28, 15, 20]
    assert (result.total, result.below_floor, result.tenders) == (63, 12, 1152)
    # 20 % of 136 is 27.2: no fewer than that is 28; of 100 it is 20, the floor.
    assert legal_minimum(version, amounts(*[50_000_000] * 136)).total == 28
    assert legal_minimum(version, amounts(*[50_000_000] * 100)).total == 20
    assert legal_minimum(version, amounts(*[50_000_000] * 101)).total == 21
    # The first text has no share of all tenders and counts subsidised ones.
    subsidised = amounts(*[3_000_000] * 5, arrangement=Arrangement.SUBSIDISED)
    assert legal_minimum(version, subsidised).total == 5


def test_fewer_tenders_than_a_band_asks_means_all_of_them():
    for code, counts in (("2003", (20, 15, 20)), ("2021", (20, 15, 10)),
                         ("2023", (20, 15, 10))):
        version = shipped(code)
        few = [count - 1 for count in counts]
        result = legal_minimum(version, amounts(*[80_000_000] * few[0],
                                                *[20_000_000] * few[1],
                                                *[5_000_000] * few[2]))
        assert [row.required for row in result.rows] == few, code
        assert result.total == sum(few)
        exact = legal_minimum(version, amounts(*[80_000_000] * counts[0],
                                               *[20_000_000] * counts[1],
                                               *[5_000_000] * counts[2]))
        assert [row.required for row in exact.rows] == list(counts), code
    assert legal_minimum(shipped("2021"), []).total == 0


def test_2021_text_adds_ten_percent_of_all_and_leaves_out_subsidised_and_delegated():
    """§4 ¶1 from 2021-03-19: no fewer than 10 % of the year's tenders of NT$1 M or more
    (subsidised and delegated ones excluded), and per band 20 / 15 / 10 or more."""
    version = shipped("2021")
    tenders = (amounts(*[80_000_000] * 30, *[20_000_000] * 40, *[2_000_000] * 300)
               + amounts(*[2_000_000] * 50, arrangement=Arrangement.SUBSIDISED)
               + amounts(*[80_000_000] * 5, arrangement=Arrangement.DELEGATED)
               + amounts(*[400_000] * 9))
    result = legal_minimum(version, tenders)
    assert [(row.tenders, row.required) for row in result.rows] == [(30, 20), (40, 15),
                                                                     (300, 10)]
    # 370 tenders of NT$1 M or more: 10 % is 37; the bands ask 45, so 45.
    assert (result.overall_tenders, result.overall_required, result.band_total) == (
        370, 37, 45)
    assert (result.total, result.excluded, result.below_floor) == (45, 55, 9)
    assert result.tenders == len(tenders)
    # Many small tenders: the share asks more than the bands (10 % of 501 → 51 > 10).
    many = legal_minimum(version, amounts(*[3_000_000] * 501))
    assert (many.band_total, many.overall_required, many.total) == (10, 51, 51)


def test_2023_text_raises_the_floor_to_one_and_a_half_million():
    version = shipped("2023")
    result = legal_minimum(version, amounts(*[1_000_000] * 30, *[1_500_000] * 12))
    assert [row.tenders for row in result.rows] == [0, 0, 12]
    assert (result.below_floor, result.overall_tenders, result.total) == (30, 12, 10)
    assert legal_minimum(shipped("2021"), amounts(*[1_000_000] * 30,
                                                  *[1_500_000] * 12)).total == 10


def test_an_approved_adjustment_replaces_the_band_count_but_not_the_share():
    """§4 ¶2: the head of the team's agency may approve other counts for the items."""
    version = shipped("2021")
    tenders = amounts(*[80_000_000] * 30, *[20_000_000] * 40, *[2_000_000] * 300)
    result = legal_minimum(version, tenders, {0: 12, 2: 4})
    assert [(row.legal, row.required) for row in result.rows] == [(20, 12), (15, 15),
                                                                  (10, 4)]
    assert (result.band_total, result.overall_required, result.total) == (31, 37, 37)


def test_a_tender_without_a_budget_amount_cannot_be_counted():
    with pytest.raises(ValueError, match="budget amount"):
        legal_minimum(shipped("2021"), [TenderAmount(None)])


def test_the_year_takes_the_text_in_force_on_31_december():
    versions = [shipped(code) for code in ("2003", "2021", "2023")]
    assert [version_for_year(versions, year).code
            for year in (2003, 2018, 2020, 2021, 2022, 2023, 2030)] == [
        "2003", "2003", "2003", "2021", "2021", "2023", "2023"]
    assert version_for_year(versions, 2002) is None
    assert shipped("2021").in_force(dt.date(2021, 3, 19))
    assert not shipped("2021").in_force(dt.date(2023, 8, 9))


def test_versions_overlap_when_they_share_a_day():
    spring = (dt.date(2021, 3, 19), dt.date(2023, 8, 8))
    assert versions_overlap(spring, (dt.date(2023, 8, 8), None))
    assert not versions_overlap(spring, (dt.date(2023, 8, 9), None))
    assert versions_overlap((dt.date(2003, 9, 10), None), spring)
    assert not versions_overlap((dt.date(2003, 9, 10), dt.date(2021, 3, 18)), spring)


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
