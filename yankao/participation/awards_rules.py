"""The aggregation rules of the innovation awards, as pure functions.

``totals`` maps (judge, proposal) to the judge's weighted total for the proposal (a
Fraction: Σ weight × score / Σ weights). The rule is declared before scoring opens.
"""

from __future__ import annotations

import math
from collections import defaultdict
from fractions import Fraction


def weighted_total(scores: dict[int, int], weights: dict[int, int]) -> Fraction:
    return Fraction(sum(weights[c] * v for c, v in scores.items()), sum(weights.values()))


def aggregate(totals: dict[tuple[int, int], Fraction], rule: str) -> dict[int, Fraction]:
    """Each proposal's final score under ``rule`` (mean, trimmed or zscore)."""
    by_proposal: dict[int, list[Fraction]] = defaultdict(list)
    for (_judge, proposal), total in totals.items():
        by_proposal[proposal].append(total)
    if rule == "mean":
        return {p: sum(v, Fraction(0)) / len(v) for p, v in by_proposal.items()}
    if rule == "trimmed":
        result = {}
        for p, values in by_proposal.items():
            ordered = sorted(values)
            kept = ordered[1:-1] if len(ordered) >= 3 else ordered
            result[p] = sum(kept, Fraction(0)) / len(kept)
        return result
    if rule == "zscore":
        by_judge: dict[int, dict[int, Fraction]] = defaultdict(dict)
        for (judge, proposal), total in totals.items():
            by_judge[judge][proposal] = total
        z: dict[int, list[Fraction]] = defaultdict(list)
        for marks in by_judge.values():
            mean = sum(marks.values(), Fraction(0)) / len(marks)
            variance = sum(((t - mean) ** 2 for t in marks.values()), Fraction(0)) / len(marks)
            spread = Fraction(math.sqrt(variance)) if variance else Fraction(1)
            for proposal, total in marks.items():
                z[proposal].append((total - mean) / spread)
        return {p: sum(v, Fraction(0)) / len(v) for p, v in z.items()}
    raise ValueError(f"unknown aggregation rule {rule!r}")


def outliers(totals: dict[tuple[int, int], Fraction], gap: int
             ) -> list[tuple[int, int, Fraction, Fraction]]:
    """(judge, proposal, total, others' mean) where the total is more than ``gap`` points
    from the mean of at least two other judges' totals."""
    by_proposal: dict[int, dict[int, Fraction]] = defaultdict(dict)
    for (judge, proposal), total in totals.items():
        by_proposal[proposal][judge] = total
    found = []
    for proposal, marks in by_proposal.items():
        if len(marks) < 3:
            continue
        for judge, total in marks.items():
            others = [t for j, t in marks.items() if j != judge]
            mean = sum(others, Fraction(0)) / len(others)
            if abs(total - mean) > gap:
                found.append((judge, proposal, total, mean))
    return sorted(found, key=lambda item: (item[1], item[0]))


def fill_tiers(ranked: list[int], quotas: list[tuple[int, int]]) -> dict[int, int | None]:
    """Proposals in rank order into tiers (tier id, quota) in order; the rest get none."""
    result: dict[int, int | None] = {}
    slots = [tier for tier, quota in quotas for _ in range(quota)]
    for position, proposal in enumerate(ranked):
        result[proposal] = slots[position] if position < len(slots) else None
    return result
