"""Budget tallies written in the project: greedy and the Method of Equal Shares.

Pure functions over plain data (no Django): an :class:`Election` in, a :class:`TallyResult`
out, with every round recorded so a page can explain the result. Decision 0601 says why
they are our own and how they are checked against pabutools (a test oracle only).
"""

from yankao.participation.tally.greedy import greedy
from yankao.participation.tally.mes import equal_shares
from yankao.participation.tally.model import (
    Election,
    TallyProject,
    TallyResult,
    tie_break_key,
)

__all__ = ["Election", "TallyProject", "TallyResult", "equal_shares", "greedy", "tie_break_key"]
