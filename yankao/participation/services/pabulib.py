"""Pabulib files in and out: ``yankao import ballots pb FILE`` loads an election as a
closed pot; each pot exports as a ``.pb`` file that pabulib-checker accepts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.imports import ImportResult, no_progress
from yankao.core.models import Agency
from yankao.core.services.audit import audit_record
from yankao.participation import pabulib
from yankao.participation.audit import ParticipationAction as Action
from yankao.participation.models import Ballot, BallotChoice, Pot, Process, Proposal

VOTE_TYPE_TO_BALLOT = {
    "approval": Pot.BallotKind.APPROVAL,
    "choose-1": Pot.BallotKind.K_APPROVAL,
    "ordinal": Pot.BallotKind.APPROVAL,
    "cumulative": Pot.BallotKind.POINTS,
    "scoring": Pot.BallotKind.POINTS,
}
RULES = {"greedy": ("greedy", ""), "equalshares": ("mes", ""),
         "equalshares/add1": ("mes", "add1")}
BATCH = 5_000


@dataclass
class PotImportResult(ImportResult):
    pot_key: str = ""

    def summary_lines(self, limit: int = 20) -> list[str]:
        lines = super().summary_lines(limit)
        if self.pot_key:
            lines.append(f"pot: {self.pot_key}  (yankao tally {self.pot_key} --rule mes)")
        return lines


def pot_key(pot: Pot) -> str:
    return f"{pot.process.code}/{pot.code}"


def election_code(meta: dict[str, str], path: Path) -> str:
    parts = [meta.get("country", ""), meta.get("unit", ""), meta.get("instance", ""),
             meta.get("subunit", "") or meta.get("district", "")]
    code = slugify("-".join(part for part in parts if part)) or slugify(path.stem)
    return code[:60] or "pabulib"


def ballots_import(path: Path, *, actor=None, progress=no_progress,
                   agency: Agency | None = None) -> PotImportResult:
    """Load a Pabulib election as a closed pot of a process marked imported. Importing
    the same file again changes nothing."""
    try:
        pb = pabulib.read(Path(path).read_text(encoding="utf-8"))
        ballots = pb.ballots()
        budget = pb.budget
    except (pabulib.PabulibError, UnicodeDecodeError) as error:
        raise DomainError(ErrorCode.INVALID, f"{Path(path).name}: {error}") from None
    meta = pb.meta
    code = election_code(meta, Path(path))
    result = PotImportResult()
    existing = Process.objects.filter(code=code).first()
    if existing is not None:
        result.unchanged = existing.pots.get().ballots.count()
        result.pot_key = f"{code}/main"
        return result
    agency = agency or Agency.objects.filter(code="rdec").first() or Agency.objects.first()
    if agency is None:
        raise DomainError(ErrorCode.INVALID_STATE, "load the city's agencies first")
    rule, completion = RULES.get(meta.get("rule", ""), ("greedy", ""))
    vote_type = pb.vote_type
    total = len(ballots)
    with transaction.atomic():
        process = Process.objects.create(
            code=code, name_zh=meta.get("description", code)[:200],
            name_en=meta.get("description", code)[:200], year=_year(meta), agency=agency,
            unit=meta.get("unit", "")[:100], country=meta.get("country", "")[:60],
            description=meta.get("comment", ""), phase=Process.Phase.RESULTS, imported=True)
        pot = Pot.objects.create(
            process=process, code="main", name_zh=meta.get("subunit") or meta.get("unit") or code,
            budget=budget, currency=meta.get("currency", "")[:3],
            ballot_kind=VOTE_TYPE_TO_BALLOT[vote_type],
            max_choices=(1 if vote_type == "choose-1" else _int(meta.get("max_length"))),
            max_points=_int(meta.get("max_sum_points")) or (
                max((sum(b.values()) for b in ballots), default=1)
                if vote_type in ("cumulative", "scoring") else None),
            rule=rule, completion=completion, status=Pot.Status.CLOSED,
            eligibility=Pot.Eligibility.CODE, pabulib_meta=meta)
        if pot.ballot_kind == Pot.BallotKind.K_APPROVAL and not pot.max_choices:
            pot.ballot_kind = Pot.BallotKind.APPROVAL
            pot.save(update_fields=["ballot_kind"])
        proposals = Proposal.objects.bulk_create([
            Proposal(pot=pot, code=row["project_id"], title_zh=(row.get("name") or
                     row["project_id"])[:300], cost=pabulib._number(row["cost"], "cost"),
                     category=row.get("category", "")[:200],
                     beneficiaries=row.get("beneficiaries", "")[:200],
                     feasibility=Proposal.Feasibility.FEASIBLE, sort_order=number,
                     official_selected=(row["selected"] == "1") if row.get("selected")
                     else None)
            for number, row in enumerate(pb.projects, start=1)])
        ids = {proposal.code: proposal.pk for proposal in
               Proposal.objects.filter(pot=pot).only("pk", "code")}
        del proposals
        ordinal = vote_type == "ordinal"
        for start in range(0, total, BATCH):
            chunk = list(zip(pb.votes[start:start + BATCH], ballots[start:start + BATCH],
                             strict=True))
            made = Ballot.objects.bulk_create([
                Ballot(pot=pot, channel=Ballot.Channel.IMPORTED,
                       external_id=vote["voter_id"][:60]) for vote, _ballot in chunk])
            BallotChoice.objects.bulk_create([
                BallotChoice(ballot=ballot, proposal_id=ids[project_id], points=points,
                             rank=rank if ordinal else None)
                for ballot, (_vote, choices) in zip(made, chunk, strict=True)
                for rank, (project_id, points) in enumerate(choices.items(), start=1)])
            result.created += len(chunk)
            progress(result.created, total)
        audit_record(actor=actor, action=Action.PABULIB_IMPORT, obj=pot, agency=agency,
                     data={"file": Path(path).name, "ballots": total,
                           "projects": len(pb.projects), "rule": meta.get("rule", "")})
    result.pot_key = f"{code}/main"
    return result


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _year(meta: dict[str, str]) -> int:
    for key in ("instance", "date_end", "date_begin"):
        digits = "".join(ch for ch in meta.get(key, "") if ch.isdigit())
        for start in range(len(digits) - 3):
            year = int(digits[start:start + 4])
            if 1990 <= year <= 2100:
                return year
    return 2000


BALLOT_TO_VOTE_TYPE = {
    Pot.BallotKind.APPROVAL: "approval", Pot.BallotKind.K_APPROVAL: "approval",
    Pot.BallotKind.KNAPSACK: "approval", Pot.BallotKind.POINTS: "cumulative",
}


def pot_pabulib(pot: Pot) -> str:
    """The pot as a Pabulib file. Voter ids are ballot ids (never accounts or codes);
    projects are the feasible proposals; ``selected`` comes from the published tally."""
    pot = Pot.objects.select_related("process").get(pk=pot.pk)
    process = pot.process
    proposals = list(pot.proposals.filter(feasibility=Proposal.Feasibility.FEASIBLE)
                     .order_by("sort_order", "code"))
    codes = {proposal.pk: proposal.code for proposal in proposals}
    votes: dict = {}
    for ballot_id, external_id in Ballot.objects.filter(pot=pot).values_list(
            "pk", "external_id").order_by("external_id", "pk").iterator():
        votes[ballot_id] = {"voter_id": external_id or str(ballot_id), "vote": [],
                            "points": []}
    order = ("ballot_id", "rank", "proposal_id")
    for ballot_id, proposal_id, points in BallotChoice.objects.filter(
            ballot__pot=pot).order_by(*order).values_list(
            "ballot_id", "proposal_id", "points").iterator(chunk_size=20_000):
        if proposal_id in codes:
            votes[ballot_id]["vote"].append(codes[proposal_id])
            votes[ballot_id]["points"].append(str(points))
    counted: dict[str, int] = dict.fromkeys(codes.values(), 0)
    scored: dict[str, int] = dict.fromkeys(codes.values(), 0)
    rows = []
    for vote in votes.values():
        if not vote["vote"]:
            continue  # Pabulib has no empty votes
        for project_id, points in zip(vote["vote"], vote["points"], strict=True):
            counted[project_id] += 1
            scored[project_id] += int(points)
        rows.append(vote)
    vote_type = BALLOT_TO_VOTE_TYPE[pot.ballot_kind]
    if pot.pabulib_meta.get("vote_type") in ("ordinal", "choose-1", "scoring"):
        vote_type = pot.pabulib_meta["vote_type"]
    official = pot.tallies.filter(official=True).first()
    winners = set(official.winners) if official else None
    meta = _meta(pot, process, vote_type, len(proposals), len(rows))
    wanted = {"project_id", "cost", "votes", "name"}
    if vote_type in ("cumulative", "scoring"):
        wanted.add("score")
    if any(p.category for p in proposals):
        wanted.add("category")
    if any(p.beneficiaries for p in proposals):
        wanted.add("beneficiaries")
    if winners is not None or any(p.official_selected is not None for p in proposals):
        wanted.add("selected")
    project_columns = [name for name in pabulib.PROJECT_ORDER if name in wanted]
    projects = []
    for proposal in proposals:
        selected = (proposal.code in winners) if winners is not None else bool(
            proposal.official_selected)
        projects.append({
            "project_id": proposal.code, "cost": str(proposal.cost),
            "votes": str(counted[proposal.code]), "score": str(scored[proposal.code]),
            "name": proposal.title_zh.replace("\n", " "), "category": proposal.category,
            "beneficiaries": proposal.beneficiaries, "selected": "1" if selected else "0"})
    vote_columns = ["voter_id", "vote"] + (["points"] if vote_type in ("cumulative", "scoring")
                                           else [])
    return pabulib.write(pabulib.PabulibFile(
        meta=meta, projects=projects,
        votes=[{"voter_id": v["voter_id"], "vote": ",".join(v["vote"]),
                "points": ",".join(v["points"])} for v in rows],
        project_columns=project_columns, vote_columns=vote_columns))


def _meta(pot: Pot, process: Process, vote_type: str, projects: int, votes: int) -> dict:
    kept = dict(pot.pabulib_meta)
    rule = {"greedy": "greedy", "mes": "equalshares" + ("/add1" if pot.completion == "add1"
                                                         else "")}[pot.rule]
    if pot.rule == Pot.Rule.MES and pot.completion == "add1-exhaustive":
        rule = "unknown"  # Pabulib names no exhaustive variant of Add1
    if pot.rule == Pot.Rule.GREEDY and pot.vote_threshold:
        rule = "greedy-threshold"
    begin = pot.opens_at or pot.rules_frozen_at
    end = pot.closes_at or begin
    meta = {
        "description": kept.get("description") or f"{process.name_en or process.name_zh} — "
                                                  f"{pot.name_en or pot.name_zh}",
        "country": kept.get("country") or process.country,
        "unit": kept.get("unit") or process.unit,
    }
    if pot.district_id and "district" not in kept:
        meta["district"] = pot.district.name_en
    if "subunit" in kept or pot.theme:
        meta["subunit"] = kept.get("subunit") or pot.theme
    meta.update({
        "instance": kept.get("instance") or str(process.year),
        "num_projects": str(projects),
        "num_votes": str(votes),
        "budget": str(pot.budget),
        "vote_type": vote_type,
        "rule": rule,
        "date_begin": kept.get("date_begin") or (begin.strftime("%d.%m.%Y") if begin
                                                 else f"01.01.{process.year}"),
        "date_end": kept.get("date_end") or (end.strftime("%d.%m.%Y") if end
                                             else f"31.12.{process.year}"),
    })
    if pot.ballot_kind == Pot.BallotKind.K_APPROVAL and pot.max_choices:
        meta["max_length"] = str(pot.max_choices)
    if pot.ballot_kind == Pot.BallotKind.KNAPSACK:
        meta["max_sum_cost"] = str(pot.budget)
    if pot.ballot_kind == Pot.BallotKind.POINTS and pot.max_points:
        meta["max_sum_points"] = str(pot.max_points)
    if pot.rule == Pot.Rule.GREEDY and pot.vote_threshold:
        meta["min_project_score_threshold"] = str(pot.vote_threshold)
    for key in ("district", "min_length", "max_length", "edition", "language", "currency",
                "comment"):
        if kept.get(key) and key not in meta:
            meta[key] = kept[key]
    if "currency" not in meta and pot.currency:
        meta["currency"] = pot.currency
    return meta
