"""/api/v1/participation: participatory-budget processes and pots the user manages, a
pot's tallies with their winners, and the published innovation-award tiers."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Router, Schema

from yankao.core.api.params import INT_MAX, YEAR_MAX, YEAR_MIN
from yankao.core.errors import DomainError, ErrorCode
from yankao.participation import selectors

router = Router(tags=["participation"])


class PotOut(Schema):
    id: int
    code: str
    name: str
    budget: int
    ballot_kind: str
    rule: str
    completion: str
    status: str
    rules_frozen_at: str | None


class ProcessOut(Schema):
    code: str
    name: str
    year: int
    phase: str
    imported: bool
    pots: list[PotOut]


class TallyOut(Schema):
    id: int
    rule: str
    completion: str
    status: str
    ballots: int
    winners: list[str]
    total_cost: int
    official: bool


class TierOut(Schema):
    name: str
    quota: int
    awarded: int


def _pot(pot) -> dict:
    return {"id": pot.pk, "code": pot.code, "name": pot.name, "budget": pot.budget,
            "ballot_kind": pot.ballot_kind, "rule": pot.rule, "completion": pot.completion,
            "status": pot.status,
            "rules_frozen_at": pot.rules_frozen_at.isoformat() if pot.rules_frozen_at else None}


@router.get("/processes", response=list[ProcessOut])
def processes(request: HttpRequest):
    """Processes the user manages (the commission: all), each with its pots."""
    return [{"code": p.code, "name": p.name, "year": p.year, "phase": p.phase,
             "imported": p.imported, "pots": [_pot(pot) for pot in p.pots.all()]}
            for p in selectors.process_list(actor=request.auth).prefetch_related("pots")]


@router.get("/pots/{pot_id}/tallies", response=list[TallyOut])
def pot_tallies(request: HttpRequest, pot_id: int = Path(..., ge=1, le=INT_MAX)):
    """A pot's tallies, newest first; the published one has ``official``."""
    pot = selectors.pot_get(actor=request.auth, pot_id=pot_id)
    return [{"id": t.pk, "rule": t.rule, "completion": t.completion, "status": t.status,
             "ballots": t.ballots, "winners": t.winners, "total_cost": t.total_cost,
             "official": t.official} for t in selectors.pot_overview(pot)["tallies"]]


@router.get("/awards/{year}/tiers", response=list[TierOut])
def award_tiers(request: HttpRequest, year: int = Path(..., ge=YEAR_MIN, le=YEAR_MAX)):
    """Each tier of a published innovation-award round: its quota and awards."""
    tiers = selectors.award_tier_counts(year=year)
    if not tiers:
        raise DomainError(ErrorCode.NOT_FOUND, "No published round for this year.")
    return [{"name": t.name, "quota": t.quota, "awarded": t.awarded} for t in tiers]
