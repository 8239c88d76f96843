"""The Method of Equal Shares at 100 projects × 50,000 voters: ours against pabutools in
the same run (docs/performance.md).

    .venv/bin/python benchmarks/mes.py [--voters 50000] [--projects 100] [--add1]

Approval ballots of 1–8 projects drawn with skewed popularity, costs NT$10,000–500,000,
budget NT$8,000,000, cost utilities, the declared tie-break given to both. Prints the
seconds of each and the ratio; checks both select the same projects in the same order.
"""

from __future__ import annotations

import argparse
import random
import time

from yankao.participation.tally import Election, TallyProject, equal_shares


def election(voters: int, projects: int, seed: int = 1) -> Election:
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    items = tuple(TallyProject(f"p{j}", rng.randint(10, 500) * 1000) for j in range(projects))
    weights = [rng.random() ** 2 for _ in items]
    ballots = [{p.id: 1 for p in rng.choices(items, weights=weights, k=rng.randint(1, 8))}
               for _ in range(voters)]
    return Election(8_000_000, items, ballots)


def pabutools_mes(e: Election):
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
    from pabutools.rules import method_of_equal_shares
    from pabutools.tiebreaking import TieBreakingRule

    by_id = {p.id: Project(p.id, p.cost) for p in e.projects}
    instance = Instance(by_id.values(), budget_limit=e.budget)
    profile = ApprovalProfile(instance=instance)
    for ballot in e.ballots:
        profile.append(ApprovalBallot({by_id[p] for p in ballot}))
    _points, supporters = e.scores()
    tie = TieBreakingRule(lambda i, pr, p: (p.cost, -supporters.get(p.name, 0), p.name))
    started = time.perf_counter()
    result = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
    return [p.name for p in result], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=50_000)
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--add1", action="store_true", help="also time ours with Add1")
    args = parser.parse_args()
    e = election(args.voters, args.projects)
    started = time.perf_counter()
    ours = equal_shares(e, completion="")
    ours_seconds = time.perf_counter() - started
    theirs, theirs_seconds = pabutools_mes(e)
    print(f"{args.projects} projects × {args.voters:,} voters, equal shares alone")
    print(f"  ours      {ours_seconds:8.2f} s  {len(ours.winners)} winners, "
          f"NT${ours.total_cost:,}")
    print(f"  pabutools {theirs_seconds:8.2f} s  same winners in the same order: "
          f"{ours.winners == theirs}")
    print(f"  ratio     {theirs_seconds / ours_seconds:8.1f}× faster")
    if args.add1:
        started = time.perf_counter()
        completed = equal_shares(e, completion="add1")
        print(f"  ours with Add1 {time.perf_counter() - started:8.2f} s  "
              f"{len(completed.iterations)} runs, {len(completed.winners)} winners, "
              f"NT${completed.total_cost:,} ({completed.stop_reason})")


if __name__ == "__main__":
    main()
