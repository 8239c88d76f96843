"""Participation: participatory budgets, staff innovation awards, events and hackathons."""

from yankao.participation.models.budgets import (
    Ballot,
    BallotChoice,
    Participation,
    Pot,
    Process,
    Proposal,
    Resident,
    Tally,
    VoterCode,
)

__all__ = [
    "Ballot",
    "BallotChoice",
    "Participation",
    "Pot",
    "Process",
    "Proposal",
    "Resident",
    "Tally",
    "VoterCode",
]
