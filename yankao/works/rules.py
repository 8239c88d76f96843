"""The rules of public-works oversight as pure functions, and the policy in force on a day.

- Inspection score (工程施工查核小組作業辦法 §7–8): the mean of the inspectors' scores,
  rounded half up; provisional while material tests are pending; a failed concrete, asphalt
  or compaction test fixes it at the policy's score (69).
- Grade: the band whose lowest score the score reaches (優等 ≥ 90, 甲等 80–89, 乙等 70–79,
  丙等 < 70 by default; bands are data).
- Yearly minimum of inspections (§4): per amount band, a share of the tenders, rounded up.
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

# Materials whose failed test fixes the score (§7–8).
DECISIVE_MATERIALS = frozenset({"concrete", "asphalt", "compaction"})


@dataclass(frozen=True)
class ScoreResult:
    mean: Decimal
    score: int
    provisional: bool
    fixed_by_test: bool


def inspection_score(
    scores: Sequence[int],
    tests: Iterable[tuple[str, str]] = (),
    *,
    failed_test_score: int = 69,
    failed_test_rule: str = "cap",
) -> ScoreResult:
    """The score of an inspection from its inspectors' ``scores`` and its material ``tests``
    as (material, result) pairs; result is "pending", "passed" or "failed".

    With rule "cap" a failed decisive test limits the score to ``failed_test_score`` (a lower
    mean keeps its lower score); with "fix" the score is exactly ``failed_test_score``.
    The score is provisional while a test is pending, unless a decisive test has already
    failed (then no result can change it).
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
    if decisive_failed:
        score = failed_test_score if failed_test_rule == "fix" else min(rounded,
                                                                        failed_test_score)
    return ScoreResult(mean=mean, score=score, provisional=pending and not decisive_failed,
                       fixed_by_test=decisive_failed)


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


@dataclass(frozen=True)
class MinimumBand:
    label_zh: str
    label_en: str
    min_amount: int
    max_amount: int | None
    percent: Decimal
    minimum_count: int = 0

    def holds(self, amount: int) -> bool:
        return amount >= self.min_amount and (self.max_amount is None
                                              or amount < self.max_amount)


@dataclass(frozen=True)
class MinimumRow:
    band: MinimumBand
    tenders: int
    required: int


def band_requirement(band: MinimumBand, tenders: int) -> int:
    """Tenders of one band that must be inspected: the share rounded up, at least the
    band's minimum count, never more than the tenders there are."""
    if tenders <= 0:
        return 0
    share = math.ceil(Decimal(tenders) * band.percent / Decimal(100))
    return min(tenders, max(band.minimum_count, share))


def legal_minimum(bands: Sequence[MinimumBand], amounts: Iterable[int]) -> list[MinimumRow]:
    """Per band, the tenders whose contract amount falls in it and how many must be
    inspected. A tender below every band (under the announcement threshold) counts nowhere."""
    counts = [0] * len(bands)
    for amount in amounts:
        for index, band in enumerate(bands):
            if band.holds(amount):
                counts[index] += 1
                break
    return [MinimumRow(band=band, tenders=count, required=band_requirement(band, count))
            for band, count in zip(bands, counts, strict=True)]


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
