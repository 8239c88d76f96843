"""Our tallies against pabutools (GPL-3.0, a test oracle only) on generated elections.

Each generated election has 1–9 projects with small costs (so ties happen) and 0–30
voters, some with empty ballots. Compared: equal shares alone (winners in order),
equal shares with Add1 as pabutools iterates it (``voter_budget_increment=1``), Add1 as
Pabulib's ``equalshares/add1`` defines it (pabutools' own equal shares run at each share),
and greedy; on approval ballots with cost utilities, and on points ballots (greedy by
points; equal shares with the points as utilities). pabutools gets our declared
tie-break as its tie-breaking rule.
"""

from __future__ import annotations

import random

import pytest
from pabutools.election import (
    Additive_Cardinal_Sat,
    ApprovalBallot,
    ApprovalProfile,
    CardinalBallot,
    CardinalProfile,
    Cost_Sat,
    Instance,
    Project,
)
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from yankao.participation.tally import Election, TallyProject, equal_shares, greedy

ELECTIONS = 120


def generated(seed: int, *, points: bool = False) -> Election:
    rng = random.Random(seed)  # noqa: S311 - generated elections, not secrets
    m = rng.randint(1, 9)
    projects = tuple(TallyProject(f"p{j}", rng.choice([rng.randint(1, 10), rng.randint(1, 100)]))
                     for j in range(m))
    budget = rng.randint(1, sum(p.cost for p in projects) + 5)
    ballots = []
    for _ in range(rng.randint(1, 30)):
        chosen = rng.sample(projects, rng.randint(0, m))
        ballots.append({p.id: (rng.randint(1, 5) if points else 1) for p in chosen})
    return Election(budget, projects, ballots)


def _oracle(election: Election):
    by_id = {p.id: Project(p.id, p.cost) for p in election.projects}
    _points, supporters = election.scores()
    tie = TieBreakingRule(lambda inst, prof, p: (p.cost, -supporters.get(p.name, 0), p.name))
    return by_id, supporters, tie


def approval_profile(election, by_id, instance):
    profile = ApprovalProfile(instance=instance)
    for ballot in election.ballots:
        profile.append(ApprovalBallot({by_id[p] for p in ballot}))
    return profile


def cardinal_profile(election, by_id, instance, *, times_cost=False):
    profile = CardinalProfile(instance=instance)
    for ballot in election.ballots:
        profile.append(CardinalBallot({by_id[p]: v * (by_id[p].cost if times_cost else 1)
                                       for p, v in ballot.items()}))
    return profile


def names(allocation) -> list[str]:
    return [p.name for p in allocation]


def oracle_add1(election, by_id, profile_for, sat, tie) -> list[str]:
    """Pabulib's Add1 with pabutools' equal shares at each step: the share B/n, then
    floor(B/n) + 1, + 2, …; stop before the first outcome over the budget, or once every
    supported project is bought."""
    n, budget = len(election.ballots), election.budget
    supported = [p for p in by_id.values()
                 if any(p.name in b for b in election.ballots)]

    def run(total):
        instance = Instance(by_id.values(), budget_limit=total)
        return names(method_of_equal_shares(instance, profile_for(instance), sat_class=sat,
                                            tie_breaking=tie))

    kept, share = run(budget), budget // n + 1
    while len(kept) < len(supported):
        trial = run(share * n)
        if sum(by_id[p].cost for p in trial) > budget:
            break
        kept, share = trial, share + 1
    return kept


@pytest.mark.parametrize("seed", range(ELECTIONS))
def test_approval_ballots_equal_pabutools(seed):
    election = generated(seed)
    by_id, supporters, tie = _oracle(election)
    instance = Instance(by_id.values(), budget_limit=election.budget)
    profile = approval_profile(election, by_id, instance)

    plain = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
    assert equal_shares(election, completion="").winners == names(plain)

    iterated = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=tie,
                                      voter_budget_increment=1)
    assert sorted(equal_shares(election, completion="add1-exhaustive").winners) == sorted(
        names(iterated))

    add1 = oracle_add1(election, by_id, lambda inst: approval_profile(election, by_id, inst),
                       Cost_Sat, tie)
    assert sorted(equal_shares(election, completion="add1").winners) == sorted(add1)

    # Greedy: projects nobody voted for are never selected (pabutools would fill the
    # budget with them), so the oracle sees only the projects with votes.
    voted = Instance([p for p in by_id.values() if supporters.get(p.name)],
                     budget_limit=election.budget)
    expected = greedy_utilitarian_welfare(voted, approval_profile(election, by_id, voted),
                                          sat_class=Cost_Sat, tie_breaking=tie)
    assert sorted(greedy(election).winners) == sorted(names(expected))


@pytest.mark.parametrize("seed", range(ELECTIONS, ELECTIONS + 40))
def test_points_ballots_equal_pabutools(seed):
    election = generated(seed, points=True)
    by_id, supporters, tie = _oracle(election)
    instance = Instance(by_id.values(), budget_limit=election.budget)

    plain = method_of_equal_shares(instance, cardinal_profile(election, by_id, instance),
                                   sat_class=Additive_Cardinal_Sat, tie_breaking=tie)
    assert equal_shares(election, utility="points", completion="").winners == names(plain)

    # Most points first: pabutools ranks by satisfaction per unit of cost, so each
    # project's points are given to it multiplied by its cost.
    voted = Instance([p for p in by_id.values() if supporters.get(p.name)],
                     budget_limit=election.budget)
    points_tie = TieBreakingRule(
        lambda inst, prof, p: (-sum(b.get(p.name, 0) for b in election.ballots), p.cost,
                               -supporters.get(p.name, 0), p.name))
    expected = greedy_utilitarian_welfare(
        voted, cardinal_profile(election, by_id, voted, times_cost=True),
        sat_class=Additive_Cardinal_Sat, tie_breaking=points_tie)
    assert sorted(greedy(election).winners) == sorted(names(expected))


def test_greedy_threshold_leaves_out_projects_below_it():
    projects = (TallyProject("a", 50), TallyProject("b", 30), TallyProject("c", 10))
    ballots = [{"a": 1, "b": 1}, {"a": 1, "b": 1}, {"a": 1, "c": 1}]
    election = Election(100, projects, ballots)
    assert greedy(election).winners == ["a", "b", "c"]
    result = greedy(election, threshold=2)
    assert result.winners == ["a", "b"]
    assert [r.outcome for r in result.rounds] == ["selected", "selected", "below-threshold"]


def test_add1_stops_before_the_step_that_would_overspend():
    # Two camps: equal shares alone buys one project each; raising the shares would buy
    # the big project too and overspend, so Add1 keeps the last outcome that fits.
    projects = (TallyProject("x", 40), TallyProject("y", 40), TallyProject("big", 90))
    ballots = [{"x": 1, "big": 1}] * 5 + [{"y": 1}] * 5
    result = equal_shares(Election(100, projects, ballots))
    assert result.total_cost <= 100
    assert result.stop_reason in {"would-overspend", "all-bought"}
    assert all(i.cost <= 100 for i in result.iterations if i.feasible)
    if result.stop_reason == "would-overspend":
        assert result.iterations[-1].cost > 100
