"""Participation: participatory budgets, staff innovation awards, events and hackathons."""

from yankao.participation.models.awards import (
    Adoption,
    AwardCriterion,
    AwardRound,
    AwardTier,
    InnovationProposal,
    Judge,
    OutlierFlag,
    Recusal,
    Score,
)
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
from yankao.participation.models.events import Event, HackathonChallenge, HackathonTeam

__all__ = [
    "Adoption",
    "AwardCriterion",
    "AwardRound",
    "AwardTier",
    "Ballot",
    "BallotChoice",
    "Event",
    "HackathonChallenge",
    "HackathonTeam",
    "InnovationProposal",
    "Judge",
    "OutlierFlag",
    "Participation",
    "Pot",
    "Process",
    "Proposal",
    "Recusal",
    "Resident",
    "Score",
    "Tally",
    "VoterCode",
]
