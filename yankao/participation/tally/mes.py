"""The Method of Equal Shares (均分法), with the Add1 completion.

Every voter holds an equal share of the budget. In each round the project that its
supporters can buy at the lowest price per unit of utility ρ is bought; each supporter
pays ρ × their utility, or all they have left when that is less. Ties in ρ go to the
declared tie-break (:func:`~yankao.participation.tally.model.tie_break_key`). Utilities are
the project's cost for every approving voter ("cost utilities"), or the points given.

Add1 completion: equal shares rarely spends the whole budget. Each voter's share is
raised one unit of the currency at a time and the method run again, as long as the
outcome still fits the real budget; the tally stops before the step that would
overspend (:func:`equal_shares` gives the two variants in use).

Exact arithmetic: ρ and budgets are fractions, so ties are ties and never rounding
noise. Voters with the same ballot are one group, and voters whose money left is equal
share a budget class, so a round touches classes rather than people.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from fractions import Fraction
from math import gcd, lcm

from yankao.participation.tally.model import (
    Election,
    Iteration,
    Round,
    TallyResult,
    tie_break_key,
)

Progress = Callable[[int, int], None]


class _Prepared:
    """The election as equal shares reads it: groups of identical ballots, and for each
    project the distinct utilities its supporters give it (numbered 0, 1, … per project),
    so that a budget class and a utility fit in one integer key: class × width + number."""

    def __init__(self, election: Election, utility: str) -> None:
        if utility not in ("cost", "points"):
            raise ValueError("utility is cost or points")
        index = {project.id: number for number, project in enumerate(election.projects)}
        self.costs = [project.cost for project in election.projects]
        self.ids = [project.id for project in election.projects]
        self.utility = utility
        self.voters = election.voters
        _points, supporters = election.scores()
        self.tie_keys = [tie_break_key(project, supporters) for project in election.projects]
        counted: Counter = Counter()
        for ballot in election.ballots:
            counted[frozenset((index[p], v) for p, v in ballot.items() if v > 0)] += 1
        del counted[frozenset()]
        levels: list[set[int]] = [set() for _ in self.costs]
        for ballot in counted:
            for j, value in ballot:
                levels[j].add(self.costs[j] if utility == "cost" else value)
        self.levels = [sorted(found) for found in levels]
        self.width = max((len(found) for found in self.levels), default=1) or 1
        code = [{u: number for number, u in enumerate(found)} for found in self.levels]
        # Supporters of a project are ordered by budget / utility; over a common multiple
        # of its utilities that is an integer: budget × (multiple // utility).
        self.sort_factor = []
        for found in self.levels:
            common = lcm(*found) if found else 1
            self.sort_factor.append([common // u for u in found])
        self.groups: list[tuple[int, tuple[tuple[int, int], ...]]] = []
        self.members: list[list[tuple[int, int]]] = [[] for _ in self.costs]
        self.total_utility = [0] * len(self.costs)
        for g, (ballot, multiplicity) in enumerate(counted.items()):
            coded = []
            for j, value in ballot:
                u = self.costs[j] if utility == "cost" else value
                coded.append((j, code[j][u]))
                self.members[j].append((g, code[j][u]))
                self.total_utility[j] += u * multiplicity
            self.groups.append((multiplicity, tuple(coded)))
        self.free = [j for j, cost in enumerate(self.costs) if cost == 0 and self.total_utility[j]]
        self.candidates = [j for j, cost in enumerate(self.costs)
                           if cost > 0 and self.total_utility[j]]


def _run(prep: _Prepared, per_voter: Fraction, *, record: bool) -> tuple[list[int], list[Round]]:
    """One run of equal shares with this share per voter: the projects bought in order.

    Money is counted in integers over one common denominator ``scale`` (every budget is
    ``values[k] / scale``); when a price needs a finer unit, every value is multiplied
    up, so comparisons stay exact and cheap."""
    width = prep.width
    scale = per_voter.denominator
    values: list[int] = [0, per_voter.numerator]  # budget classes; class 0 is empty
    free: list[int] = []  # numbers of classes nobody is in any more, to reuse
    class_size: Counter = Counter({1: sum(m for m, _ in prep.groups)})
    group_class = [1] * len(prep.groups)
    # supporters[j][class × width + utility number] = supporters of j in that class
    supporters: list[dict[int, int]] = [defaultdict(int) for _ in prep.costs]
    for multiplicity, coded in prep.groups:
        for j, c in coded:
            supporters[j][width + c] += multiplicity
    rho = {j: Fraction(prep.costs[j], prep.total_utility[j]) for j in prep.candidates}
    stale = dict.fromkeys(prep.candidates, True)
    exact: dict[int, tuple[int, int]] = {}  # j -> (money still to find, utility left)
    remaining = set(prep.candidates)
    bought = list(prep.free)
    rounds: list[Round] = []

    def affordability(j: int) -> Fraction | None:
        levels, factor = prep.levels[j], prep.sort_factor[j]
        entries = sorted(
            (values[key // width] * factor[key % width], key, m)
            for key, m in supporters[j].items() if key >= width
        )
        to_find = prep.costs[j] * scale
        utility_left = sum(levels[key % width] * m for _, key, m in entries)
        for _, key, m in entries:
            # ρ = to_find / utility_left; this class pays ρ × u if it has that much.
            u, value = levels[key % width], values[key // width]
            if to_find * u <= value * utility_left:
                exact[j] = (to_find, utility_left)
                return Fraction(to_find, utility_left * scale)
            to_find -= value * m
            utility_left -= u * m
        return None

    while remaining:
        best: Fraction | None = None
        tied: list[int] = []
        dropped: list[int] = []
        for j in sorted(remaining, key=rho.__getitem__):
            if best is not None and rho[j] > best:
                break
            if stale[j]:
                found = affordability(j)
                if found is None:
                    dropped.append(j)
                    continue
                rho[j], stale[j] = found, False
            if best is None or rho[j] < best:
                best, tied = rho[j], [j]
            elif rho[j] == best:
                tied.append(j)
        remaining.difference_update(dropped)
        if best is None:
            break
        chosen = min(tied, key=prep.tie_keys.__getitem__)
        remaining.discard(chosen)
        bought.append(chosen)
        # Each supporter pays ρ × utility, or all that is left. In units of 1/scale,
        # ρ is to_find / utility_left; a finer unit makes every share an integer.
        to_find, utility_left = exact[chosen]
        finer = utility_left // gcd(to_find, utility_left)
        if finer > 1:
            scale *= finer
            values = [value * finer for value in values]
        unit_share = to_find * finer // utility_left
        levels = prep.levels[chosen]
        moved: dict[int, int] = {}
        paid_in_full = paid_all = 0
        for key, m in supporters[chosen].items():
            k = key // width
            if not k:
                continue
            share = unit_share * levels[key % width]
            if share < values[k]:
                if free:
                    new = free.pop()
                    values[new] = values[k] - share
                else:
                    new = len(values)
                    values.append(values[k] - share)
                moved[key] = new
                paid_in_full += m
            else:
                moved[key] = 0
                paid_all += m
        groups = prep.groups
        for g, c in prep.members[chosen]:
            k = group_class[g]
            if not k:
                continue
            new = moved[k * width + c]
            group_class[g] = new
            multiplicity, coded = groups[g]
            class_size[k] -= multiplicity
            class_size[new] += multiplicity
            old_base, new_base = k * width, new * width
            for j, cj in coded:
                counts = supporters[j]
                left_here = counts[old_base + cj] - multiplicity
                if left_here:
                    counts[old_base + cj] = left_here
                else:
                    del counts[old_base + cj]
                if new:
                    counts[new_base + cj] += multiplicity
                stale[j] = True
        if record:
            left = sum(values[k] * size for k, size in class_size.items() if k)
            rounds.append(Round(
                number=len(rounds) + 1, project_id=prep.ids[chosen], cost=prep.costs[chosen],
                outcome="selected", supporters=paid_in_full + paid_all, rho=best,
                share=best * prep.costs[chosen] if prep.utility == "cost" else None,
                paid_in_full=paid_in_full, paid_all=paid_all, left=Fraction(left, scale),
                dropped=tuple(prep.ids[j] for j in dropped),
            ))
        for k in [k for k, size in class_size.items() if not size and k]:
            del class_size[k]
            values[k] = 0
            free.append(k)
    return bought, rounds


def _exhaustive(prep: _Prepared, bought: list[int], budget: int) -> bool:
    spent = sum(prep.costs[j] for j in bought)
    chosen = set(bought)
    return all(j in chosen or spent + prep.costs[j] > budget for j in prep.candidates)


COMPLETIONS = ("add1", "add1-exhaustive", "")


def equal_shares(
    election: Election,
    *,
    utility: str = "cost",
    completion: str = "add1",
    progress: Progress | None = None,
) -> TallyResult:
    """Equal shares with a completion:

    - ``"add1"`` (Pabulib's ``equalshares/add1``): after the run with the real share
      B / n, each voter's share is set to the next whole unit above it and raised by 1 at
      a time; each outcome that still fits the budget is kept, and the first that would
      overspend is not: the tally stops before it. It also stops once every supported
      project is bought.
    - ``"add1-exhaustive"`` (pabutools' ``voter_budget_increment=1``): the share is
      raised by 1 from B / n, and the first exhaustive outcome (nothing left out fits the
      money left) is taken; an outcome that would overspend is not.
    - ``""``: equal shares alone.
    """
    if completion not in COMPLETIONS:
        raise ValueError(f"completion is one of {COMPLETIONS}, not {completion!r}")
    prep = _Prepared(election, utility)
    budget = election.budget
    rule = "mes" + (f"+{completion}" if completion else "")
    if not prep.voters:
        return TallyResult(rule=rule, budget=budget, voters=0, winners=[], total_cost=0,
                           stop_reason="no-ballots")
    share = Fraction(budget, prep.voters)
    bought, rounds = _run(prep, share, record=True)
    cost = sum(prep.costs[j] for j in bought)
    exhaustive = _exhaustive(prep, bought, budget)
    iterations = [Iteration(share, len(bought), cost, True, exhaustive)]
    kept = share
    stop = "exhaustive" if exhaustive else "no-completion"
    if completion:
        everything = len(prep.candidates) + len(prep.free)
        if completion == "add1":
            trial_share = Fraction(budget // prep.voters + 1)
            stop = "all-bought" if len(bought) == everything else ""
        else:
            trial_share = share + 1
            stop = "exhaustive" if exhaustive else ""
        while not stop:
            trial, trial_rounds = _run(prep, trial_share, record=True)
            trial_cost = sum(prep.costs[j] for j in trial)
            feasible = trial_cost <= budget
            trial_exhaustive = feasible and _exhaustive(prep, trial, budget)
            iterations.append(Iteration(trial_share, len(trial), trial_cost, feasible,
                                        trial_exhaustive))
            if not feasible:
                stop = "would-overspend"
                break
            bought, rounds, cost, kept = trial, trial_rounds, trial_cost, trial_share
            if completion == "add1-exhaustive" and trial_exhaustive:
                stop = "exhaustive"
            elif len(trial) == everything:
                stop = "all-bought"
            trial_share += 1
            if progress and budget:
                progress(min(99, cost * 100 // budget), 100)
    if progress:
        progress(100, 100)
    return TallyResult(
        rule=rule, budget=budget, voters=prep.voters,
        winners=[prep.ids[j] for j in bought], total_cost=cost, rounds=rounds,
        iterations=iterations, per_voter=kept, stop_reason=stop,
    )
