"""/api/v1/research: the approved bilingual glossary and the phone courtesy results."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from yankao.core.api.params import YEAR_MAX, YEAR_MIN
from yankao.core.errors import DomainError, ErrorCode
from yankao.research import selectors

router = Router(tags=["research"])


class TermOut(Schema):
    kind: str
    zh: str
    en: str
    approved_on: str | None


class GlossaryQuery(Schema):
    q: str = ""
    kind: str = ""


class RoundOut(Schema):
    round: int
    calls: int
    mean: str | None


class CourtesyOut(Schema):
    year: int
    agencies: int
    calls_per_round: int
    samples: int
    rounds: list[RoundOut]
    trend: str | None


@router.get("/glossary", response=list[TermOut])
def glossary(request: HttpRequest, query: Query[GlossaryQuery]):
    return [{"kind": t.kind, "zh": t.zh, "en": t.en,
             "approved_on": t.approved_on.isoformat() if t.approved_on else None}
            for t in selectors.glossary_public(query=query.q[:100], kind=query.kind[:10])]


@router.get("/courtesy/{year}", response=CourtesyOut)
def courtesy(request: HttpRequest, year: int = Path(..., ge=YEAR_MIN, le=YEAR_MAX)):
    figures = selectors.courtesy_figures(year=year) if 1900 <= year <= 2200 else None
    if figures is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No courtesy test plan for this year.")
    return {"year": figures.year, "agencies": figures.agencies,
            "calls_per_round": figures.calls_per_round, "samples": figures.samples,
            "rounds": [{"round": r.round, "calls": r.calls,
                        "mean": None if r.mean is None else str(r.mean)}
                       for r in figures.rounds],
            "trend": None if figures.trend is None else str(figures.trend)}
