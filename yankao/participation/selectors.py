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


# --- innovation awards ------------------------------------------------------------------------

from yankao.participation.models import (  # noqa: E402 - grouped with the awards' reads
    AwardRound,
    InnovationProposal,
    Judge,
    OutlierFlag,
    Score,
)


def award_rounds() -> QuerySet[AwardRound]:
    return AwardRound.objects.annotate(proposal_count=Count("proposals")).order_by("-year")


def award_round_get(*, year: int) -> AwardRound:
    found = AwardRound.objects.filter(year=year).first()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return found


def award_proposals(*, actor, award_round: AwardRound) -> QuerySet[InnovationProposal]:
    """The commission and the panel see every proposal; an agency its own."""
    proposals = award_round.proposals.select_related("agency", "tier").order_by("number")
    from yankao.core.permissions import actor_scope

    scope = actor_scope(actor)
    if scope.sees_all or award_round.judges.filter(user_id=scope.user_id).exists():
        return proposals
    return proposals.filter(agency__in=scope.agency_ids())


def award_proposal_get(*, actor, award_round: AwardRound, number: int) -> InnovationProposal:
    found = award_proposals(actor=actor, award_round=award_round).filter(number=number).first()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return found


def judge_for(*, actor, award_round: AwardRound) -> Judge | None:
    return award_round.judges.filter(user_id=getattr(actor, "pk", None)).first()


def my_scores(*, judge: Judge, proposal: InnovationProposal) -> dict[int, int]:
    return dict(Score.objects.filter(judge=judge, proposal=proposal)
                .values_list("criterion_id", "value"))


def open_outliers(*, award_round: AwardRound) -> QuerySet[OutlierFlag]:
    return OutlierFlag.objects.filter(proposal__round=award_round).select_related(
        "proposal", "judge").order_by("proposal__number", "judge__letter")


@dataclass(frozen=True)
class MatrixRow:
    number: int
    title: str
    agency: str
    tier: str
    final_score: object
    totals: list  # one per judge letter: a number, "—" (recused) or "" (not scored)


def award_score_matrix(award_round: AwardRound) -> tuple[list[str], list[MatrixRow]]:
    """The published, anonymised score matrix: judges by letter only, each cell the
    judge's weighted total (two decimals), recusals marked."""
    if award_round.stage != AwardRound.Stage.PUBLISHED:
        raise DomainError(ErrorCode.NOT_FOUND)
    from decimal import ROUND_HALF_UP, Decimal

    weights = dict(award_round.criteria.values_list("pk", "weight"))
    letters = list(award_round.judges.order_by("letter").values_list("pk", "letter"))
    marks: dict = {}
    for judge_id, proposal_id, criterion_id, value in Score.objects.filter(
            judge__round=award_round).values_list("judge_id", "proposal_id", "criterion_id",
                                                  "value"):
        marks.setdefault((judge_id, proposal_id), {})[criterion_id] = value
    recused = set(award_round.judges.values_list("pk", "recusals__proposal_id"))
    rows = []
    for proposal in award_round.proposals.filter(
            status=InnovationProposal.Status.PASSED).select_related("agency", "tier").order_by(
            "rank", "number"):
        cells = []
        for judge_id, _letter in letters:
            if (judge_id, proposal.pk) in recused:
                cells.append("—")
            elif (judge_id, proposal.pk) in marks:
                total = Fraction(sum(weights[c] * v for c, v in
                                     marks[(judge_id, proposal.pk)].items()),
                                 sum(weights.values()))
                cells.append((Decimal(total.numerator) / Decimal(total.denominator)).quantize(
                    Decimal("0.01"), ROUND_HALF_UP))
            else:
                cells.append("")
        rows.append(MatrixRow(proposal.number, proposal.title, proposal.agency.name,
                              proposal.tier.name if proposal.tier else "",
                              proposal.final_score, cells))
    return [letter for _pk, letter in letters], rows


@dataclass(frozen=True)
class TierCount:
    name: str
    quota: int
    awarded: int


def award_tier_counts(*, year: int) -> list[TierCount]:
    """How many proposals each tier received in a published round (report figure)."""
    award_round = AwardRound.objects.filter(year=year, stage=AwardRound.Stage.PUBLISHED).first()
    if award_round is None:
        return []
    return [TierCount(tier.name, tier.quota, tier.proposals.count())
            for tier in award_round.tiers.order_by("order")]


# --- figures for the annual report (section 壹 and 陸) -----------------------------------------

from yankao.participation.models import Event  # noqa: E402


@dataclass(frozen=True)
class BudgetFigures:
    year: int
    processes: int
    pots: int
    themes: int
    proposals: int
    on_ballot: int
    selected: int
    completed: int
    ballots: int


def budget_figures(*, year: int, code_prefix: str = "") -> BudgetFigures:
    """Participatory budgets of a year (the city's own, not imported elections)."""
    processes = Process.objects.filter(year=year, imported=False,
                                       code__startswith=code_prefix)
    pots = Pot.objects.filter(process__in=processes)
    proposals = Proposal.objects.filter(pot__in=pots)
    return BudgetFigures(
        year=year, processes=processes.count(), pots=pots.count(),
        themes=pots.exclude(theme="").values("theme").distinct().count(),
        proposals=proposals.count(),
        on_ballot=proposals.filter(feasibility=Proposal.Feasibility.FEASIBLE).count(),
        selected=proposals.filter(selected=True).count(),
        completed=proposals.filter(execution=Proposal.Execution.DONE).count(),
        ballots=Ballot.objects.filter(pot__in=pots).count())


@dataclass(frozen=True)
class AwardFigures:
    year: int
    proposals: int
    judges: int
    outside_judges: int
    tiers: list
    adopted: int


def award_figures(*, year: int) -> AwardFigures | None:
    award_round = AwardRound.objects.filter(year=year).first()
    if award_round is None:
        return None
    return AwardFigures(
        year=year, proposals=award_round.proposals.count(),
        judges=award_round.judges.count(),
        outside_judges=award_round.judges.filter(outside=True).count(),
        tiers=award_tier_counts(year=year),
        adopted=award_round.proposals.filter(adoptions__adopted=True).distinct().count())


@dataclass(frozen=True)
class EventFigures:
    year: int
    presidents_meetings_to_date: int
    hackathon_agencies: int
    hackathon_teams: int
    hackathon_semifinal_teams: int


def event_figures(*, year: int) -> EventFigures:
    hackathons = Event.objects.filter(kind=Event.Kind.HACKATHON, held_on__year=year)
    from yankao.participation.models import HackathonChallenge, HackathonTeam

    teams = HackathonTeam.objects.filter(event__in=hackathons)
    return EventFigures(
        year=year,
        presidents_meetings_to_date=Event.objects.filter(
            kind=Event.Kind.PRESIDENTS, held_on__year__lte=year).count(),
        hackathon_agencies=HackathonChallenge.objects.filter(event__in=hackathons)
        .values("agency").distinct().count(),
        hackathon_teams=teams.count(),
        hackathon_semifinal_teams=teams.exclude(stage=HackathonTeam.Stage.REGISTERED).count())


# --- choices of the staff's record forms, scoped to the actor ------------------------------------


def staff_agencies(*, actor):
    """Agencies the actor records for: every agency for the commission, else their own."""
    from yankao.core.models import Agency
    from yankao.core.permissions import actor_scope
    from yankao.participation.access import STAFF_ROLES

    scope = actor_scope(actor)
    agencies = Agency.objects.order_by("sort_order", "code")
    if not scope.authenticated:
        return agencies.none()
    return agencies if scope.sees_all else agencies.filter(
        pk__in=scope.agency_ids(*STAFF_ROLES))


def staff_processes(*, actor) -> QuerySet[Process]:
    return process_scope(Process.objects.filter(imported=False), actor).order_by("-year", "code")


def staff_draft_pots(*, actor) -> QuerySet[Pot]:
    """Pots whose ballot may still change (voting has not opened)."""
    return Pot.objects.filter(
        status=Pot.Status.DRAFT, process__in=staff_processes(actor=actor)).select_related(
        "process").order_by("-process__year", "process__code", "code")


def proposals_to_review(*, actor) -> QuerySet[Proposal]:
    """Proposals of pots not yet voting, in the actor's agencies (all for the commission)."""
    proposals = Proposal.objects.filter(pot__status=Pot.Status.DRAFT).select_related(
        "pot__process", "agency").order_by("-pot__process__year", "pot__code", "sort_order")
    from yankao.core.permissions import actor_scope

    scope = actor_scope(actor)
    if scope.sees_all:
        return proposals
    return proposals.filter(Q(agency__in=staff_agencies(actor=actor)) | Q(
        agency__isnull=True, pot__process__agency__in=staff_agencies(actor=actor)))


def staff_hackathons(*, actor) -> QuerySet[Event]:
    return Event.objects.filter(kind=Event.Kind.HACKATHON,
                                agency__in=staff_agencies(actor=actor)).order_by("-held_on")


def staff_challenges(*, actor):
    from yankao.participation.models import HackathonChallenge

    return HackathonChallenge.objects.filter(
        event__in=staff_hackathons(actor=actor)).select_related("event", "agency").order_by(
        "-event__held_on", "pk")


def judge_rounds() -> QuerySet[AwardRound]:
    """Award rounds whose panel may still change (before scoring)."""
    return AwardRound.objects.filter(stage__in=[AwardRound.Stage.SUBMISSION,
                                                AwardRound.Stage.FIRST_REVIEW]).order_by("-year")


def user_by_username(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).first()
