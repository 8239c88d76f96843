"""Every read of participation that users see, scoped to the reader.

Public reads (citizens, no account) return only what is public: pots open for voting or
with a published result, their proposals on the ballot, and published tallies.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count, Q, QuerySet

from yankao.core.errors import DomainError, ErrorCode
from yankao.participation.access import process_scope
from yankao.participation.models import Ballot, Pot, Process, Proposal, Tally

PUBLIC_POT = Q(status=Pot.Status.VOTING) | Q(tallies__official=True)


def pot_by_key(key: str) -> Pot:
    """A pot by PROCESS/POT, or PROCESS when the process has one pot (command line)."""
    process_code, _slash, pot_code = key.partition("/")
    pots = Pot.objects.select_related("process").filter(process__code=process_code)
    if pot_code:
        pots = pots.filter(code=pot_code)
    found = list(pots[:2])
    if len(found) != 1:
        raise DomainError(ErrorCode.NOT_FOUND, f"no pot {key}" if not found else
                          f"{key} has several pots; name one as PROCESS/POT")
    return found[0]


# --- public -----------------------------------------------------------------------------------


def public_pots() -> QuerySet[Pot]:
    return (Pot.objects.filter(PUBLIC_POT, process__imported=False).distinct()
            .select_related("process", "district").order_by("-process__year", "process__code",
                                                            "code"))


def public_pot_get(*, process_code: str, pot_code: str) -> Pot:
    pot = public_pots().filter(process__code=process_code, code=pot_code).first()
    if pot is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return pot


def ballot_proposals(pot: Pot) -> list[Proposal]:
    return list(pot.proposals.filter(feasibility=Proposal.Feasibility.FEASIBLE)
                .select_related("agency").order_by("sort_order", "code"))


def published_tally(pot: Pot) -> Tally | None:
    return pot.tallies.filter(official=True, status=Tally.Status.DONE).first()


# --- staff ------------------------------------------------------------------------------------


def process_list(*, actor) -> QuerySet[Process]:
    return process_scope(Process.objects.all(), actor).select_related("agency").annotate(
        pot_count=Count("pots", distinct=True)).order_by("-year", "code")


def pot_get(*, actor, pot_id: int) -> Pot:
    pot = Pot.objects.filter(pk=pot_id, process__in=process_scope(Process.objects.all(), actor)
                             ).select_related("process", "district", "residence").first()
    if pot is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return pot


def pot_overview(pot: Pot) -> dict:
    ballots = Ballot.objects.filter(pot=pot).values("channel").annotate(n=Count("pk"))
    return {
        "ballots": {row["channel"]: row["n"] for row in ballots},
        "codes": pot.codes.count(),
        "codes_used": pot.codes.filter(used=True).count(),
        "proposals": list(pot.proposals.select_related("agency").order_by("sort_order", "code")),
        "tallies": list(pot.tallies.order_by("-created_at")[:20]),
    }


def tally_get(*, actor, tally_id: int) -> Tally:
    tally = Tally.objects.filter(
        pk=tally_id, pot__process__in=process_scope(Process.objects.all(), actor)
    ).select_related("pot__process").first()
    if tally is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return tally


# --- the explanation of a tally ---------------------------------------------------------------


@dataclass(frozen=True)
class ExplainedRound:
    number: int
    code: str
    title: str
    cost: int
    outcome: str
    points: int
    supporters: int
    share: int | None  # NT$ a supporter paid in full, rounded down for reading
    paid_in_full: int
    paid_all: int
    left: int | None
    dropped: list[str]


def _fraction(text: str | None) -> Fraction | None:
    if not text:
        return None
    numerator, _slash, denominator = text.partition("/")
    return Fraction(int(numerator), int(denominator or 1))


def tally_explained(tally: Tally) -> dict:
    """The tally's rounds with the proposals' titles, money in whole NT$ for reading (the
    count itself is exact)."""
    titles = dict(tally.pot.proposals.values_list("code", "title_zh"))
    data = tally.explanation or {}
    rounds = []
    for item in data.get("rounds", []):
        share, left = _fraction(item.get("share")), _fraction(item.get("left"))
        rounds.append(ExplainedRound(
            number=item["number"], code=item["project"], title=titles.get(item["project"], ""),
            cost=item["cost"], outcome=item["outcome"], points=item.get("points", 0),
            supporters=item.get("supporters", 0),
            share=None if share is None else int(share), paid_in_full=item.get("paid_in_full", 0),
            paid_all=item.get("paid_all", 0), left=None if left is None else int(left),
            dropped=item.get("dropped", [])))
    per_voter = _fraction(data.get("per_voter"))
    iterations = data.get("iterations", [])
    return {
        "rounds": rounds,
        "winners": [(code, titles.get(code, "")) for code in tally.winners],
        "per_voter": None if per_voter is None else int(per_voter),
        "equal_share": (tally.pot.budget // tally.ballots) if tally.ballots else None,
        "iterations": len(iterations),
        "last_iteration": iterations[-1] if iterations else None,
        "stop_reason": data.get("stop_reason", ""),
    }
