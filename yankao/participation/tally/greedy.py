"""Greedy (最高票優先): the most points first; a project that no longer fits is skipped and
the next one is tried; an optional threshold leaves out projects with fewer points."""

from __future__ import annotations

from collections.abc import Callable

from yankao.participation.tally.model import Election, Round, TallyResult, tie_break_key

Progress = Callable[[int, int], None]


def greedy(election: Election, *, threshold: int = 0, progress: Progress | None = None
           ) -> TallyResult:
    points, supporters = election.scores()
    order = sorted(
        election.projects,
        key=lambda project: (-points[project.id], tie_break_key(project, supporters)),
    )
    left = election.budget
    winners: list[str] = []
    rounds: list[Round] = []
    for number, project in enumerate(order, start=1):
        score = points[project.id]
        if score <= 0 or score < threshold:
            outcome = "below-threshold"
        elif project.cost <= left:
            outcome = "selected"
            winners.append(project.id)
            left -= project.cost
        else:
            outcome = "does-not-fit"
        rounds.append(Round(number=number, project_id=project.id, cost=project.cost,
                            outcome=outcome, points=score,
                            supporters=supporters[project.id]))
        if progress:
            progress(number, len(order))
    return TallyResult(
        rule="greedy", budget=election.budget, voters=election.voters, winners=winners,
        total_cost=election.budget - left, rounds=rounds,
        stop_reason="threshold" if threshold else "",
    )
