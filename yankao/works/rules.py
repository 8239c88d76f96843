"""The rules of public-works oversight as pure functions, and the policy in force on a day.

- Inspection score (工程施工查核小組作業辦法 §7–8): the mean of the inspectors' scores,
  rounded half up to a whole number (§7 ¶2); provisional while material tests are pending;
  a failed concrete, asphalt or compaction core test or a grave finding makes it 丙等, a
  score of 70 or more becoming 69 (§8 ¶1–2; ¶3 from 2021-03-19), and since 2021-03-19 a
  score of 70 or more is told to the agency only once the test results are in (§8 ¶3).
- Grade: the band whose lowest score the score reaches (優等 ≥ 90, 甲等 80–89, 乙等 70–79,
  丙等 < 70 by default; bands are data).
- Yearly minimum of inspections (§4, three dated texts): per amount band of the budget
  amount, a count (all when fewer), and since 2021 a share of all tenders; the head of the
  team's agency may adjust the counts (§4 ¶2).
- Deadlines: the record within N working days (§9), monthly updates by a day of the month.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from yankao.core.calendar import END_OF_DAY, TAIPEI
from yankao.core.numbers import average

# Tests whose failure makes the inspection 丙等 (§8 ¶1 items 1–3): concrete cores
# (鋼筋混凝土結構／混凝土結構物鑽心試體), asphalt-concrete pavement cores (路面工程瀝青混凝土
# 鑽心試體) and subgrade compaction (路基工程壓實度).
DECISIVE_MATERIALS = frozenset({"concrete", "asphalt", "compaction"})

# §8 ¶3 as amended by 工程管字第1100300003號令 (2021-03-19): a score of 70 or more is told to
# the agency only once the test results are in. The law's own date, not a city's choice.
SCORE_AFTER_TESTS_FROM = dt.date(2021, 3, 19)


@dataclass(frozen=True)
class ScoreResult:
    mean: Decimal
    score: int
    provisional: bool
    fixed_by_test: bool
    fixed_by_finding: bool = False

    def withheld(self, inspected_on: dt.date) -> bool:
        """Whether the agency may not learn the score yet: a score of 70 or more while tests
        are pending, for an inspection on or after 2021-03-19, when §8 ¶3 was amended
        (「原查核成績達七十分以上者，應於試驗結果判定完成後，始通知機關查核成績」)."""
        return (inspected_on >= SCORE_AFTER_TESTS_FROM and self.provisional
                and self.score >= 70)


def inspection_score(
    scores: Sequence[int],
    tests: Iterable[tuple[str, str]] = (),
    *,
    failed_test_score: int = 69,
    failed_test_rule: str = "cap",
    grave_finding: bool = False,
) -> ScoreResult:
    """The score of an inspection from its inspectors' ``scores`` and its material ``tests``
    as (material, result) pairs; result is "pending", "passed" or "failed"
    (工程施工查核小組作業辦法 §7–8).

    - §7: the mean of the members' scores, rounded half up to a whole number.
    - §8 ¶1–2: a failed decisive test (items 1–3) or a ``grave_finding`` (items 4–6: the
      main structure or main materials gravely differ from the design, another grave fault
      affecting safety) makes it 丙等; a score of 70 or more becomes ``failed_test_score``
      (69). With rule "cap" (the texts' reading: 「原查核成績已評定為七十分以上者…以六十九分
      計」) a lower mean keeps its lower score; "fix" gives exactly ``failed_test_score``.
    - The score is provisional while a test is pending, unless it is already 丙等 by a
      failed test or a finding (no result can change it then).
    """
    if not scores:
        raise ValueError("an inspection needs at least one inspector's score")
    for score in scores:
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
            raise ValueError(f"a score must be a whole number from 0 to 100, not {score!r}")
    mean = average(sum(scores), len(scores), 2)
    rounded = int(average(sum(scores), len(scores)))
    tests = list(tests)
    decisive_failed = any(
        material in DECISIVE_MATERIALS and result == "failed" for material, result in tests
    )
    pending = any(result == "pending" for _material, result in tests)
    score = rounded
    if decisive_failed or grave_finding:
        score = failed_test_score if failed_test_rule == "fix" else min(rounded,
                                                                        failed_test_score)
    final = decisive_failed or grave_finding
    return ScoreResult(mean=mean, score=score, provisional=pending and not final,
                       fixed_by_test=decisive_failed,
                       fixed_by_finding=grave_finding and not decisive_failed)


@dataclass(frozen=True)
class Band:
    code: str
    label_zh: str
    label_en: str
    min_score: int
    triggers_consequences: bool = False


def grade_for(score: int, bands: Sequence[Band]) -> Band:
    """The band of ``score``: the one with the highest lowest-score the score reaches."""
    for band in sorted(bands, key=lambda band: -band.min_score):
        if score >= band.min_score:
            return band
    raise ValueError(f"no grade band covers the score {score}")


# 工程施工查核小組作業辦法 §4: the yearly minimum of inspections. Three texts were in force:
# 2003-09-10 … 2021-03-18, 2021-03-19 … 2023-08-08 and from 2023-08-09 (each a dated
# ``MinimumFormula``, works/policy_defaults.py). The functions below read any of them.

class Arrangement:
    """How a tender is carried out, as §4 (2021, 2023) tells them apart: the team's own
    agencies' tenders, or 補助 (subsidised) and 委託其他機關辦理 (delegated to another
    agency) ones, which those texts leave out of the count."""

    OWN = "own"
    SUBSIDISED = "subsidised"
    DELEGATED = "delegated"


@dataclass(frozen=True)
class MinimumBand:
    """One item of §4 ¶1: tenders whose budget amount is from ``min_amount`` up to (not
    including) ``max_amount``, of which at least ``percent`` % and at least
    ``minimum_count`` are inspected — all of them when there are fewer."""

    label_zh: str
    label_en: str
    min_amount: int
    max_amount: int | None
    percent: Decimal
    minimum_count: int = 0
    citation: str = ""

    def holds(self, amount: int) -> bool:
        return amount >= self.min_amount and (self.max_amount is None
                                              or amount < self.max_amount)


@dataclass(frozen=True)
class MinimumVersion:
    """One text of §4 (工程施工查核小組作業辦法), in force from ``effective_from`` to
    ``effective_until`` (None: still in force).

    ``overall_percent`` of the year's tenders at or above ``overall_floor`` must be
    inspected in all (§4 ¶1 lead-in since 2021-03-19: 10 % of tenders of NT$1,000,000
    or more, NT$1,500,000 from 2023-08-09; none before); ``excludes_subsidised_and_delegated``
    leaves out subsidised and delegated tenders (不含補助及委託其他機關辦理案件, since
    2021-03-19). Amounts are the tender's budget amount (§4 ¶3 of 2021, ¶5 of 2023:
    「第一項所定金額，為採購標案之預算金額」)."""

    code: str
    effective_from: dt.date
    effective_until: dt.date | None
    bands: tuple[MinimumBand, ...]
    overall_percent: Decimal = Decimal(0)
    overall_floor: int = 0
    excludes_subsidised_and_delegated: bool = False

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_until is None
                                               or day <= self.effective_until)


@dataclass(frozen=True)
class TenderAmount:
    """What §4 reads of a tender under construction in the year."""

    budget_amount: int
    arrangement: str = Arrangement.OWN


@dataclass(frozen=True)
class MinimumRow:
    band: MinimumBand
    tenders: int
    legal: int  # as §4 ¶1 gives it
    adjusted: int | None = None  # as the team's head approved (§4 ¶2), when adjusted

    @property
    def required(self) -> int:
        return self.legal if self.adjusted is None else self.adjusted


@dataclass(frozen=True)
class MinimumResult:
    """The year's minimum: each band's count, the overall share and what was left out, so
    that every tender under construction is counted once — in a band, below every band
    (under the floor), or excluded as subsidised or delegated."""

    rows: tuple[MinimumRow, ...]
    overall_tenders: int  # tenders the overall share is of
    overall_required: int  # ceil(overall_percent × overall_tenders)
    below_floor: int
    excluded: int

    @property
    def band_total(self) -> int:
        return sum(row.required for row in self.rows)

    @property
    def total(self) -> int:
        """The minimum: every band's count, and no fewer than the overall share (the
        extra inspections may fall in any band)."""
        return max(self.band_total, self.overall_required)

    @property
    def tenders(self) -> int:
        return sum(row.tenders for row in self.rows) + self.below_floor + self.excluded


def share_up(count: int, share: Decimal) -> int:
    """``share`` % of ``count``, rounded up: 「不低於…百分之二十」 is met by no fewer."""
    return math.ceil(Decimal(count) * share / Decimal(100))


def band_requirement(band: MinimumBand, tenders: int) -> int:
    """Tenders of one band that must be inspected (§4 ¶1 items 1–3): the band's share
    rounded up, at least its minimum count, and all of them when there are fewer
    (「當年度執行工程標案未達二十件者，則全數查核」)."""
    if tenders <= 0:
        return 0
    return min(tenders, max(band.minimum_count, share_up(tenders, band.percent)))


def legal_minimum(version: MinimumVersion, tenders: Iterable[TenderAmount],
                  adjustments: dict[int, int] | None = None) -> MinimumResult:
    """The yearly minimum of inspections under one text of §4, from the tenders under
    construction in the year (工程施工查核小組作業辦法 §4).

    - Each tender counts by its budget amount in the band that holds it (§4 ¶1; amounts
      are budget amounts: §4 ¶3 of 2021, ¶5 of 2023); one below every band counts nowhere.
    - Subsidised and delegated tenders are left out where the version says (§4 ¶1 since
      2021-03-19).
    - ``adjustments`` (band index → count) are the counts the head of the team's agency
      approved instead of the law's (§4 ¶2: 「必要時得經查核小組（設立）機關首長核准予以
      調整，並報主管機關備查」); they replace the items' counts, not the overall share.
    - The total is no less than ``overall_percent`` of the tenders at or above the floor
      (§4 ¶1 lead-in since 2021-03-19), rounded up.
    """
    adjustments = adjustments or {}
    counts = [0] * len(version.bands)
    overall = below = excluded = 0
    for tender in tenders:
        if tender.budget_amount is None:
            raise ValueError("a tender without a budget amount cannot be placed in a band")
        if (version.excludes_subsidised_and_delegated
                and tender.arrangement != Arrangement.OWN):
            excluded += 1
            continue
        if tender.budget_amount >= version.overall_floor:
            overall += 1
        for index, band in enumerate(version.bands):
            if band.holds(tender.budget_amount):
                counts[index] += 1
                break
        else:
            below += 1
    rows = tuple(
        MinimumRow(band=band, tenders=count, legal=band_requirement(band, count),
                   adjusted=adjustments.get(index))
        for index, (band, count) in enumerate(zip(version.bands, counts, strict=True)))
    return MinimumResult(
        rows=rows, overall_tenders=overall if version.overall_percent else 0,
        overall_required=share_up(overall, version.overall_percent),
        below_floor=below, excluded=excluded)


def version_for_year(versions: Sequence[MinimumVersion], year: int) -> MinimumVersion | None:
    """The text of §4 that gives ``year``'s minimum: the one in force on 31 December —
    the minimum is of the whole year and is judged when the year is over, under the text
    then in force (2021 under the text of 2021-03-19, 2023 under that of 2023-08-09)."""
    last_day = dt.date(year, 12, 31)
    return next((version for version in versions if version.in_force(last_day)), None)


def versions_overlap(first: tuple[dt.date, dt.date | None],
                     second: tuple[dt.date, dt.date | None]) -> bool:
    """Whether two [from, until] date ranges (until None: open) share a day."""
    far = dt.date.max
    return first[0] <= (second[1] or far) and second[0] <= (first[1] or far)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return next_month(day) - dt.timedelta(days=1)


def progress_due_at(month: dt.date, update_day: int) -> dt.datetime:
    """The end of ``update_day`` of the month after ``month`` (每月6日前填報上月進度)."""
    due_day = next_month(month).replace(day=update_day)
    return dt.datetime.combine(due_day, END_OF_DAY, tzinfo=TAIPEI)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from ``first`` to ``last``, both included."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months
