"""The data a tally reads and writes: projects, ballots, the result and its rounds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class TallyProject:
    id: str
    cost: int


@dataclass(frozen=True)
class Election:
    """One pot's election. Each ballot maps project ids to points: 1 for each approved
    project on approval, k-approval and knapsack ballots; the points given on points
    (cumulative) ballots. Empty ballots count as voters (they hold a share of the budget
    under equal shares)."""

    budget: int
    projects: tuple[TallyProject, ...]
    ballots: Sequence[Mapping[str, int]]

    def __post_init__(self) -> None:
        ids = [project.id for project in self.projects]
        if len(set(ids)) != len(ids):
            raise ValueError("project ids repeat")
        if self.budget < 0 or any(project.cost < 0 for project in self.projects):
            raise ValueError("budget and costs cannot be negative")

    @property
    def voters(self) -> int:
        return len(self.ballots)

    def scores(self) -> tuple[Counter, Counter]:
        """(points per project, supporters per project)."""
        points: Counter = Counter()
        supporters: Counter = Counter()
        for ballot in self.ballots:
            for project_id, value in ballot.items():
                if value > 0:
                    points[project_id] += value
                    supporters[project_id] += 1
        return points, supporters


def tie_break_key(project: TallyProject, supporters: Mapping[str, int]):
    """The declared tie-break (decision 0601): the lower cost first, then more supporters,
    then the project id in character order. Smaller keys win. (Cost, then supporters, is
    also how pabulib-checker breaks ties when it verifies an equal-shares selection.)"""
    return (project.cost, -supporters.get(project.id, 0), project.id)


@dataclass(frozen=True)
class Round:
    """One step of a tally, for the page that explains the result.

    Greedy: ``outcome`` is selected, does-not-fit or below-threshold. Equal shares: ``rho``
    is the price per unit of utility, ``share`` what one supporter paid in full (ρ × cost,
    with cost utilities), ``paid_in_full`` how many supporters paid their whole share,
    ``paid_all`` how many paid all they had left, ``left`` the voters' money left after
    the round and ``dropped`` the projects its supporters could no longer afford."""

    number: int
    project_id: str
    cost: int
    outcome: str
    points: int = 0
    supporters: int = 0
    rho: Fraction | None = None
    share: Fraction | None = None
    paid_in_full: int = 0
    paid_all: int = 0
    left: Fraction | None = None
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Iteration:
    """One run of equal shares inside the Add1 completion."""

    per_voter: Fraction
    winners: int
    cost: int
    feasible: bool
    exhaustive: bool


@dataclass
class TallyResult:
    rule: str
    budget: int
    voters: int
    winners: list[str]
    total_cost: int
    rounds: list[Round] = field(default_factory=list)
    iterations: list[Iteration] = field(default_factory=list)
    per_voter: Fraction | None = None
    stop_reason: str = ""

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "budget": self.budget,
            "voters": self.voters,
            "winners": list(self.winners),
            "total_cost": self.total_cost,
        }
