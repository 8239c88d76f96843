"""Writes for participatory budgets: processes and their phases, pots and their rules,
proposals and their review and execution, eligibility (one-time codes, verified
residents), ballots (online and paper), tallies and their publication."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.core.calendar import TAIPEI, today_taipei
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, District
from yankao.core.services.audit import audit_record
from yankao.core.services.writes import full_clean, refusals_audited
from yankao.participation.access import require_agency_staff, require_commission
from yankao.participation.audit import ParticipationAction as Action
from yankao.participation.models import (
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
from yankao.participation.tally import Election, TallyProject, equal_shares, greedy

CITIZEN = "citizen"
# Rules of a pot that freeze when voting opens.
RULE_FIELDS = ("budget", "ballot_kind", "max_choices", "max_points", "rule", "completion",
               "vote_threshold", "eligibility", "min_age", "max_age", "age_on", "residence")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
CODE_LENGTH = 10


# --- processes, pots, proposals -------------------------------------------------------------


def process_create(*, actor, code: str, name_zh: str, year: int, agency: Agency, unit: str,
                   name_en: str = "", description: str = "", country: str = "Taiwan",
                   imported: bool = False) -> Process:
    require_agency_staff(actor, agency)
    with transaction.atomic():
        process = Process(code=code, name_zh=name_zh, name_en=name_en, year=year,
                          agency=agency, description=description, unit=unit, country=country,
                          imported=imported)
        full_clean(process)
        process.save()
        audit_record(actor=actor, action=Action.PROCESS_CREATE, obj=process, agency=agency,
                     to_state=process.phase)
    return process


PHASE_ORDER = [phase for phase, _label in Process.Phase.choices]


def process_phase_set(*, actor, process: Process, phase: str, reason: str = "") -> Process:
    """Move a process to its next phase (or back one, with a reason)."""
    require_agency_staff(actor, process.agency)
    with transaction.atomic():
        process = Process.objects.select_for_update().get(pk=process.pk)
        if phase not in PHASE_ORDER:
            raise DomainError(ErrorCode.INVALID, _("Unknown phase."), field="phase")
        before = process.phase
        step = PHASE_ORDER.index(phase) - PHASE_ORDER.index(before)
        if step not in (1, -1) or (step == -1 and not reason.strip()):
            raise DomainError(ErrorCode.INVALID_STATE, _(
                "A process moves one phase forward, or one back with a reason."))
        if phase == Process.Phase.RESULTS and process.pots.exclude(
                tallies__official=True).exists():
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("Publish a tally of every pot before the results phase."))
        process.phase = phase
        process.save(update_fields=["phase"])
        audit_record(actor=actor, action=Action.PROCESS_PHASE, obj=process,
                     agency=process.agency, from_state=before, to_state=phase, reason=reason)
    return process


def pot_create(*, actor, process: Process, code: str, name_zh: str, budget: int,
               name_en: str = "", **rules) -> Pot:
    require_agency_staff(actor, process.agency)
    unknown = set(rules) - {*RULE_FIELDS, "district", "theme", "currency", "opens_at",
                            "closes_at", "pabulib_meta"}
    if unknown:
        raise DomainError(ErrorCode.INVALID, f"unknown pot fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        pot = Pot(process=process, code=code, name_zh=name_zh, name_en=name_en, budget=budget,
                  **rules)
        _validate_rules(pot)
        full_clean(pot)
        pot.save()
        audit_record(actor=actor, action=Action.POT_CREATE, obj=pot, agency=process.agency,
                     data={"budget": budget, "rule": pot.rule, "ballot": pot.ballot_kind})
    return pot


def _validate_rules(pot: Pot) -> None:
    if pot.ballot_kind == Pot.BallotKind.K_APPROVAL and not pot.max_choices:
        raise DomainError(ErrorCode.INVALID, _("A k-approval ballot needs k."),
                          field="max_choices")
    if pot.ballot_kind == Pot.BallotKind.POINTS and not pot.max_points:
        raise DomainError(ErrorCode.INVALID, _("A points ballot needs the points to share."),
                          field="max_points")
    if (pot.min_age or pot.max_age) and not pot.age_on:
        raise DomainError(ErrorCode.INVALID, _("An age limit needs the day age is counted on."),
                          field="age_on")
    if pot.min_age and pot.max_age and pot.min_age > pot.max_age:
        raise DomainError(ErrorCode.INVALID, _("The youngest age is above the oldest."),
                          field="min_age")
    if pot.rule == Pot.Rule.GREEDY and pot.completion:
        pot.completion = ""


def pot_rules_update(*, actor, pot: Pot, **changes) -> Pot:
    """Change a pot's rules before voting opens. Once open they are frozen: the change is
    refused, nothing is saved, and the refusal is audited."""
    require_agency_staff(actor, pot.process.agency)
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise DomainError(ErrorCode.INVALID, f"not a rule of a pot: {', '.join(sorted(unknown))}")
    with (refusals_audited(actor=actor, action=Action.POT_RULES_REFUSED, obj=pot,
                           agency=pot.process.agency, data={"fields": sorted(changes)}),
          transaction.atomic()):
        pot = Pot.objects.select_for_update().get(pk=pot.pk)
        if pot.frozen:
            opened = timezone.localtime(pot.rules_frozen_at, TAIPEI)
            raise DomainError(ErrorCode.INVALID_STATE, _(
                "The rules of this pot were frozen when voting opened on %(when)s; "
                "they cannot change now.") % {"when": opened.strftime("%Y-%m-%d %H:%M")})
        before = {name: str(getattr(pot, name)) for name in changes}
        for name, value in changes.items():
            setattr(pot, name, value)
        _validate_rules(pot)
        full_clean(pot)
        pot.save()
        audit_record(actor=actor, action=Action.POT_RULES, obj=pot,
                     agency=pot.process.agency,
                     data={"before": before,
                           "after": {name: str(getattr(pot, name)) for name in changes}})
    return pot


def pot_open(*, actor, pot: Pot) -> Pot:
    """Open voting: the rules freeze from this moment."""
    require_agency_staff(actor, pot.process.agency)
    with transaction.atomic():
        pot = Pot.objects.select_for_update().select_related("process").get(pk=pot.pk)
        if pot.status != Pot.Status.DRAFT:
            raise DomainError(ErrorCode.INVALID_STATE, _("Voting in this pot was already opened."))
        if not pot.proposals.filter(feasibility=Proposal.Feasibility.FEASIBLE).exists():
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("No feasible proposal is on the ballot yet."))
        if pot.process.phase != Process.Phase.BALLOT:
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("The process is not in its voting phase."))
        pot.status = Pot.Status.VOTING
        pot.rules_frozen_at = timezone.now()
        pot.opens_at = pot.opens_at or pot.rules_frozen_at
        pot.save(update_fields=["status", "rules_frozen_at", "opens_at"])
        audit_record(actor=actor, action=Action.POT_OPEN, obj=pot, agency=pot.process.agency,
                     from_state=Pot.Status.DRAFT, to_state=pot.status,
                     data={name: str(getattr(pot, name)) for name in RULE_FIELDS})
    return pot


def pot_close(*, actor, pot: Pot) -> Pot:
    require_agency_staff(actor, pot.process.agency)
    with transaction.atomic():
        pot = Pot.objects.select_for_update().get(pk=pot.pk)
        if pot.status != Pot.Status.VOTING:
            raise DomainError(ErrorCode.INVALID_STATE, _("Voting in this pot is not open."))
        pot.status = Pot.Status.CLOSED
        pot.closes_at = timezone.now() if not pot.closes_at or pot.closes_at > timezone.now() \
            else pot.closes_at
        pot.save(update_fields=["status", "closes_at"])
        audit_record(actor=actor, action=Action.POT_CLOSE, obj=pot, agency=pot.process.agency,
                     from_state=Pot.Status.VOTING, to_state=pot.status)
    return pot


def proposal_create(*, actor, pot: Pot, code: str, title_zh: str, cost: int,
                    agency: Agency | None = None, title_en: str = "", summary: str = "",
                    proposer: str = "", category: str = "", beneficiaries: str = "") -> Proposal:
    require_agency_staff(actor, pot.process.agency)
    with transaction.atomic():
        pot = Pot.objects.select_for_update().get(pk=pot.pk)
        if pot.frozen:
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("Voting has opened: the ballot cannot change."))
        proposal = Proposal(pot=pot, code=code, title_zh=title_zh, title_en=title_en,
                            summary=summary, cost=cost, agency=agency, proposer=proposer,
                            category=category, beneficiaries=beneficiaries,
                            sort_order=pot.proposals.count() + 1)
        full_clean(proposal)
        proposal.save()
        audit_record(actor=actor, action=Action.PROPOSAL_CREATE, obj=proposal,
                     agency=proposal.agency_for_scope, data={"cost": cost})
    return proposal


def proposal_review(*, actor, proposal: Proposal, feasible: bool, reason: str = "",
                    cost: int | None = None) -> Proposal:
    """The responsible agency's feasibility review; a reason is required when not feasible.
    The agency may correct the cost estimate."""
    proposal = Proposal.objects.select_related("pot__process").get(pk=proposal.pk)
    require_agency_staff(actor, proposal.agency_for_scope)
    if not feasible and not reason.strip():
        raise DomainError(ErrorCode.INVALID, _("Say why the proposal is not feasible."),
                          field="reason")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.pot.frozen:
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("Voting has opened: the ballot cannot change."))
        before = proposal.feasibility
        proposal.feasibility = (Proposal.Feasibility.FEASIBLE if feasible
                                else Proposal.Feasibility.UNFEASIBLE)
        proposal.feasibility_reason = reason.strip()
        if cost is not None:
            proposal.cost = cost
        full_clean(proposal)
        proposal.save()
        audit_record(actor=actor, action=Action.PROPOSAL_REVIEW, obj=proposal,
                     agency=proposal.agency_for_scope, from_state=before,
                     to_state=proposal.feasibility, reason=proposal.feasibility_reason)
    return proposal


def proposal_execution_report(*, actor, proposal: Proposal, status: str, note: str = "",
                              completed_on: dt.date | None = None) -> Proposal:
    proposal = Proposal.objects.select_related("pot__process").get(pk=proposal.pk)
    require_agency_staff(actor, proposal.agency_for_scope)
    if not proposal.selected:
        raise DomainError(ErrorCode.INVALID_STATE, _("Only selected proposals are executed."))
    if status not in Proposal.Execution.values:
        raise DomainError(ErrorCode.INVALID, _("Unknown execution status."), field="status")
    if status == Proposal.Execution.DONE and completed_on is None:
        completed_on = today_taipei()
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        before = proposal.execution
        proposal.execution, proposal.execution_note = status, note.strip()
        proposal.completed_on = completed_on if status == Proposal.Execution.DONE else None
        proposal.save(update_fields=["execution", "execution_note", "completed_on"])
        audit_record(actor=actor, action=Action.PROPOSAL_EXECUTION, obj=proposal,
                     agency=proposal.agency_for_scope, from_state=before, to_state=status,
                     reason=proposal.execution_note)
    return proposal


# --- eligibility ------------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _voter_key(pot: Pot, identity: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"pb:{pot.pk}:{identity}".encode(), hashlib.sha256).hexdigest()


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def eligibility_check(pot: Pot, *, birth_date: dt.date | None,
                      district: District | None) -> None:
    """Age on the pot's day and district of residence; raises with the reason."""
    if pot.min_age or pot.max_age:
        if birth_date is None:
            raise DomainError(ErrorCode.INVALID, _("This pot needs the voter's birth date."),
                              field="birth_date")
        age = age_on(birth_date, pot.age_on)
        if (pot.min_age and age < pot.min_age) or (pot.max_age and age > pot.max_age):
            raise DomainError(ErrorCode.FORBIDDEN, _(
                "Only voters aged %(low)s to %(high)s on %(day)s may vote in this pot.") % {
                "low": pot.min_age or 0, "high": pot.max_age or "—", "day": pot.age_on})
    if pot.residence_id and (district is None or district.pk != pot.residence_id):
        raise DomainError(ErrorCode.FORBIDDEN, _(
            "Only residents of %(district)s may vote in this pot.") % {
            "district": pot.residence.name})


def voter_code_issue(*, actor, pot: Pot, birth_date: dt.date | None = None,
                     district: District | None = None, batch: str = "") -> str:
    """Hand one code to a voter whose eligibility staff checked in person (the birth date
    and district are checked, never stored). Returns the code, shown once."""
    require_agency_staff(actor, pot.process.agency)
    with refusals_audited(actor=actor, action=Action.CODE_REFUSED, obj=pot,
                          agency=pot.process.agency):
        eligibility_check(pot, birth_date=birth_date, district=district)
        return voter_codes_generate(actor=actor, pot=pot, count=1, batch=batch or "in-person")[0]


def voter_codes_generate(*, actor, pot: Pot, count: int, batch: str) -> list[str]:
    """Codes to print on paper ballots handed out at polling stations, where eligibility
    is checked in person. Returns the codes (shown or printed once)."""
    require_agency_staff(actor, pot.process.agency)
    if not 1 <= count <= 100_000:
        raise DomainError(ErrorCode.INVALID, _("Between 1 and 100,000 codes at a time."),
                          field="count")
    if pot.eligibility == Pot.Eligibility.ACCOUNT:
        raise DomainError(ErrorCode.INVALID_STATE, _("This pot is voted with accounts only."))
    codes = ["".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
             for _n in range(count)]
    with transaction.atomic():
        VoterCode.objects.bulk_create(
            [VoterCode(pot=pot, code_hash=_code_hash(code), batch=batch[:60]) for code in codes])
        audit_record(actor=actor, action=Action.CODES_ISSUE, obj=pot, agency=pot.process.agency,
                     data={"count": count, "batch": batch})
    return codes


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def resident_verify(*, actor, user, birth_date: dt.date, district: District) -> Resident:
    """Staff record an account holder's verified birth date and district."""
    require_commission(actor) if district is None else require_agency_staff(actor, district.office)
    with transaction.atomic():
        resident, _created = Resident.objects.update_or_create(
            user=user, defaults={"birth_date": birth_date, "district": district})
        audit_record(actor=actor, action=Action.RESIDENT_VERIFY, obj=resident,
                     agency=district.office)
    return resident


# --- ballots ----------------------------------------------------------------------------------


def _validate_choices(pot: Pot, choices: Mapping[int, int],
                      on_ballot: Mapping[int, Proposal] | None = None) -> dict[int, Proposal]:
    if not choices:
        raise DomainError(ErrorCode.INVALID, _("Choose at least one project."), field="choices")
    if on_ballot is None:
        on_ballot = {p.pk: p for p in pot.proposals.filter(
            pk__in=list(choices), feasibility=Proposal.Feasibility.FEASIBLE)}
    proposals = {pk: on_ballot[pk] for pk in choices if pk in on_ballot}
    if len(proposals) != len(choices):
        raise DomainError(ErrorCode.INVALID, _("A chosen project is not on this ballot."),
                          field="choices")
    if any(points < 1 for points in choices.values()):
        raise DomainError(ErrorCode.INVALID, _("Points are whole numbers of 1 or more."),
                          field="choices")
    kind = pot.ballot_kind
    if kind != Pot.BallotKind.POINTS and any(points != 1 for points in choices.values()):
        raise DomainError(ErrorCode.INVALID, _("This ballot takes one mark per project."),
                          field="choices")
    if kind == Pot.BallotKind.K_APPROVAL and len(choices) > pot.max_choices:
        raise DomainError(ErrorCode.INVALID, _(
            "Choose at most %(k)s projects; you chose %(n)s.") % {
            "k": pot.max_choices, "n": len(choices)}, field="choices")
    if kind == Pot.BallotKind.KNAPSACK:
        total = sum(proposal.cost for proposal in proposals.values())
        if total > pot.budget:
            raise DomainError(ErrorCode.INVALID, _(
                "The projects you chose cost NT$%(total)s, more than the budget of "
                "NT$%(budget)s.") % {"total": f"{total:,}", "budget": f"{pot.budget:,}"},
                field="choices")
    if kind == Pot.BallotKind.POINTS and sum(choices.values()) > pot.max_points:
        raise DomainError(ErrorCode.INVALID, _(
            "You gave %(given)s points; each voter has %(total)s.") % {
            "given": sum(choices.values()), "total": pot.max_points}, field="choices")
    return proposals


def ballot_cast(*, pot: Pot, choices: Mapping[int, int], code: str = "", user=None,
                channel: str = Ballot.Channel.ONLINE, actor=None) -> Ballot:
    """Cast one ballot. ``choices`` maps proposal ids to points (1 on approval ballots).

    The voter is a one-time ``code`` or a signed-in ``user`` (a verified resident). Paper
    ballots are entered by staff (``actor``) with the code printed on them. A second
    ballot, a voter outside eligibility, a spent or unknown code and a ballot over its
    limits are refused with the reason; nothing is saved and the refusal is audited
    (without the code or the choices)."""
    label = actor.get_username() if actor is not None else CITIZEN
    with refusals_audited(actor=actor, action=Action.BALLOT_REFUSED, obj=pot,
                          agency=pot.process.agency, actor_label=label,
                          data={"channel": channel}):
        if channel == Ballot.Channel.PAPER:
            if actor is None:
                raise DomainError(ErrorCode.UNAUTHENTICATED,
                                  _("Paper ballots are entered by staff."))
            require_agency_staff(actor, pot.process.agency)
            if not code:
                raise DomainError(ErrorCode.INVALID, _("Enter the code printed on the ballot."),
                                  field="code")
        try:
            with transaction.atomic():
                return _ballot_cast(pot=pot, choices=choices, code=code, user=user,
                                    channel=channel, actor=actor, label=label)
        except IntegrityError:
            raise DomainError(ErrorCode.CONFLICT, _(
                "This voter has already voted in this pot; a second ballot is not "
                "accepted.")) from None


def _ballot_cast(*, pot, choices, code, user, channel, actor, label) -> Ballot:
    pot = Pot.objects.select_for_update(of=("self",)).select_related("process", "residence").get(
        pk=pot.pk)
    now = timezone.now()
    if pot.status != Pot.Status.VOTING or (pot.closes_at and now > pot.closes_at and
                                           channel == Ballot.Channel.ONLINE):
        raise DomainError(ErrorCode.INVALID_STATE, _("Voting in this pot is not open."))
    if code:
        voter_code = _code_unspent(pot, VoterCode.objects.select_for_update().filter(
            code_hash=_code_hash(code), pot=pot).first())
        identity = f"code:{voter_code.code_hash}"
    elif user is not None and getattr(user, "is_authenticated", False):
        if pot.eligibility == Pot.Eligibility.CODE:
            raise DomainError(ErrorCode.INVALID, _("This pot is voted with a one-time code."),
                              field="code")
        resident = Resident.objects.filter(user=user).select_related("district").first()
        if resident is None and (pot.min_age or pot.max_age or pot.residence_id):
            raise DomainError(ErrorCode.FORBIDDEN, _(
                "Your account has no verified birth date and district; ask a district "
                "office, or vote with a one-time code."))
        eligibility_check(pot, birth_date=resident and resident.birth_date,
                          district=resident and resident.district)
        identity = f"user:{user.pk}"
    else:
        raise DomainError(ErrorCode.INVALID, _("Enter your one-time code."), field="code")
    proposals = _validate_choices(pot, choices)
    Participation.objects.create(pot=pot, voter_key=_voter_key(pot, identity),
                                 day=now.astimezone(TAIPEI).date())
    if code:
        VoterCode.objects.filter(pk=voter_code.pk).update(used=True)
    ballot = Ballot.objects.create(pot=pot, channel=channel)
    ranked = pot.ballot_kind != Pot.BallotKind.POINTS
    BallotChoice.objects.bulk_create([
        BallotChoice(ballot=ballot, proposal=proposals[pk], points=points,
                     rank=rank if ranked else None)
        for rank, (pk, points) in enumerate(choices.items(), start=1)])
    # The event says a ballot was cast in this pot, never by whom or for what.
    audit_record(actor=actor, action=Action.BALLOT_CAST, obj=pot, agency=pot.process.agency,
                 actor_label=label, data={"channel": channel})
    return ballot


def _code_unspent(pot: Pot, voter_code: VoterCode | None) -> VoterCode:
    if pot.eligibility == Pot.Eligibility.ACCOUNT:
        raise DomainError(ErrorCode.INVALID, _("This pot is voted with an account."),
                          field="code")
    if voter_code is None:
        raise DomainError(ErrorCode.INVALID, _("This code is not a code of this pot."),
                          field="code")
    if voter_code.used:
        raise DomainError(ErrorCode.CONFLICT, _(
            "This code has already been used; a second ballot is not accepted."),
            field="code")
    return voter_code


@dataclass(frozen=True)
class BallotEntry:
    """One ballot of a batch: the one-time code on it, its choices, how it was cast."""

    code: str
    choices: Mapping[int, int]
    channel: str = Ballot.Channel.PAPER


def ballots_cast_batch(*, actor, pot: Pot, entries: Sequence[BallotEntry]) -> int:
    """Ballots counted together in one transaction: a stack of paper ballots entered by
    staff, or the ballots a polling station kept. Each is checked as ``ballot_cast``
    checks one (its code of this pot and unspent, its choices within the ballot's limits,
    one participation per voter by the same database constraint). One refusal refuses
    the whole batch, naming the ballot; nothing is saved and the refusal is audited.

    The ballots are written in a shuffled order, so neither their order nor their place
    in the table follows the voters'. Returns the number of ballots counted."""
    label = actor.get_username() if actor is not None else CITIZEN
    with refusals_audited(actor=actor, action=Action.BALLOT_REFUSED, obj=pot,
                          agency=pot.process.agency, actor_label=label,
                          data={"batch": len(entries)}):
        if any(entry.channel == Ballot.Channel.PAPER for entry in entries):
            if actor is None:
                raise DomainError(ErrorCode.UNAUTHENTICATED,
                                  _("Paper ballots are entered by staff."))
            require_agency_staff(actor, pot.process.agency)
        if not entries or len(entries) > 100_000:
            raise DomainError(ErrorCode.INVALID, _("Between 1 and 100,000 ballots at a time."))
        try:
            with transaction.atomic():
                return _ballots_cast_batch(actor=actor, pot=pot, entries=entries, label=label)
        except IntegrityError:
            raise DomainError(ErrorCode.CONFLICT, _(
                "A voter of this batch has already voted in this pot; a second ballot is "
                "not accepted.")) from None


def _ballots_cast_batch(*, actor, pot, entries, label) -> int:
    pot = Pot.objects.select_for_update(of=("self",)).select_related("process").get(pk=pot.pk)
    now = timezone.now()
    if pot.status != Pot.Status.VOTING:
        raise DomainError(ErrorCode.INVALID_STATE, _("Voting in this pot is not open."))
    hashes = [_code_hash(entry.code) for entry in entries]
    codes = {voter_code.code_hash: voter_code for voter_code in VoterCode.objects
             .select_for_update().filter(pot=pot, code_hash__in=set(hashes))}
    on_ballot = {p.pk: p for p in pot.proposals.filter(
        feasibility=Proposal.Feasibility.FEASIBLE)}
    seen: set[str] = set()
    chosen = []
    for number, (entry, code_hash) in enumerate(zip(entries, hashes, strict=True), start=1):
        try:
            if entry.channel not in (Ballot.Channel.ONLINE, Ballot.Channel.PAPER):
                raise DomainError(ErrorCode.INVALID, _("A ballot is cast online or on paper."))
            if entry.channel == Ballot.Channel.ONLINE and pot.closes_at and now > pot.closes_at:
                raise DomainError(ErrorCode.INVALID_STATE, _("Voting in this pot is not open."))
            if code_hash in seen:
                raise DomainError(ErrorCode.CONFLICT, _(
                    "This code has already been used; a second ballot is not accepted."),
                    field="code")
            seen.add(code_hash)
            _code_unspent(pot, codes.get(code_hash))
            chosen.append(_validate_choices(pot, entry.choices, on_ballot))
        except DomainError as error:
            raise DomainError(error.code, _("Ballot %(number)s: %(reason)s") % {
                "number": number, "reason": error.message}, field=error.field) from None
    day = now.astimezone(TAIPEI).date()
    Participation.objects.bulk_create([
        Participation(pot=pot, voter_key=_voter_key(pot, f"code:{code_hash}"), day=day)
        for code_hash in hashes])
    VoterCode.objects.filter(pk__in=[codes[h].pk for h in hashes]).update(used=True)
    order = list(range(len(entries)))
    secrets.SystemRandom().shuffle(order)
    ballots = [Ballot(pot=pot, channel=entries[n].channel) for n in order]
    Ballot.objects.bulk_create(ballots)
    ranked = pot.ballot_kind != Pot.BallotKind.POINTS
    BallotChoice.objects.bulk_create([
        BallotChoice(ballot=ballot, proposal=chosen[n][pk], points=points,
                     rank=rank if ranked else None)
        for ballot, n in zip(ballots, order, strict=True)
        for rank, (pk, points) in enumerate(entries[n].choices.items(), start=1)])
    channels = {channel: sum(1 for e in entries if e.channel == channel)
                for channel in (Ballot.Channel.ONLINE, Ballot.Channel.PAPER)}
    # As for one ballot: how many were cast in this pot and how, never by whom or for what.
    audit_record(actor=actor, action=Action.BALLOTS_BATCH, obj=pot, agency=pot.process.agency,
                 actor_label=label, data={str(k): v for k, v in channels.items()})
    return len(entries)


# --- tallies ----------------------------------------------------------------------------------


def pot_election(pot: Pot) -> Election:
    """The pot's feasible proposals and all its ballots (online, paper, imported)."""
    proposals = list(pot.proposals.filter(feasibility=Proposal.Feasibility.FEASIBLE)
                     .order_by("sort_order", "code").values_list("pk", "code", "cost"))
    codes = {pk: code for pk, code, _cost in proposals}
    ballots: dict = {ballot_id: {} for ballot_id in
                     Ballot.objects.filter(pot=pot).values_list("pk", flat=True).iterator()}
    rows = (BallotChoice.objects.filter(ballot__pot=pot)
            .values_list("ballot_id", "proposal_id", "points").iterator(chunk_size=20_000))
    for ballot_id, proposal_id, points in rows:
        if proposal_id in codes:
            ballots[ballot_id][codes[proposal_id]] = points
    return Election(budget=pot.budget,
                    projects=tuple(TallyProject(code, cost) for _pk, code, cost in proposals),
                    ballots=list(ballots.values()))


def tally_request(*, actor, pot: Pot, rule: str = "", completion: str | None = None,
                  vote_threshold: int | None = None, run_later: bool = False) -> Tally:
    """Queue a tally of a closed pot (its own rule unless another is asked for, to
    compare). ``run_later`` hands it to the background worker after commit."""
    pot = Pot.objects.select_related("process").get(pk=pot.pk)
    require_agency_staff(actor, pot.process.agency)
    if pot.status != Pot.Status.CLOSED:
        raise DomainError(ErrorCode.INVALID_STATE, _("Close voting before counting."))
    rule = rule or pot.rule
    if rule not in Pot.Rule.values:
        raise DomainError(ErrorCode.INVALID, _("Unknown rule."), field="rule")
    completion = pot.completion if completion is None else completion
    with transaction.atomic():
        tally = Tally.objects.create(
            pot=pot, rule=rule, completion=completion if rule == Pot.Rule.MES else "",
            vote_threshold=pot.vote_threshold if vote_threshold is None else vote_threshold,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit_record(actor=actor, action=Action.TALLY_START, obj=tally,
                     agency=pot.process.agency, to_state=tally.status,
                     data={"rule": rule, "completion": tally.completion})
        if run_later:
            from yankao.participation.tasks import tally_run

            transaction.on_commit(lambda: tally_run(tally.pk))
    return tally


def tally_compute(*, tally: Tally, progress: Callable[[int, int], None] | None = None) -> Tally:
    """Count: read the ballots, run the rule, store the winners and the explanation."""
    Tally.objects.filter(pk=tally.pk).update(status=Tally.Status.RUNNING, progress=1)
    tally = Tally.objects.select_related("pot__process").get(pk=tally.pk)
    election = pot_election(tally.pot)
    if tally.rule == Pot.Rule.GREEDY:
        result = greedy(election, threshold=tally.vote_threshold, progress=progress)
    else:
        result = equal_shares(election, completion=tally.completion, progress=progress)
    with transaction.atomic():
        tally = Tally.objects.select_for_update().get(pk=tally.pk)
        tally.status = Tally.Status.DONE
        tally.progress = 100
        tally.ballots = election.voters
        tally.winners = result.winners
        tally.total_cost = result.total_cost
        tally.explanation = explanation_json(result)
        tally.finished_at = timezone.now()
        tally.save()
        audit_record(actor=None, action=Action.TALLY_DONE, obj=tally,
                     agency=tally.pot.process.agency, from_state=Tally.Status.RUNNING,
                     to_state=tally.status,
                     data={"winners": len(result.winners), "total_cost": result.total_cost})
    return tally


def explanation_json(result) -> dict:
    def number(value):
        return None if value is None else f"{value.numerator}/{value.denominator}"

    return {
        "rule": result.rule, "budget": result.budget, "voters": result.voters,
        "stop_reason": result.stop_reason, "per_voter": number(result.per_voter),
        "rounds": [{
            "number": r.number, "project": r.project_id, "cost": r.cost, "outcome": r.outcome,
            "points": r.points, "supporters": r.supporters, "rho": number(r.rho),
            "share": number(r.share), "paid_in_full": r.paid_in_full, "paid_all": r.paid_all,
            "left": number(r.left), "dropped": list(r.dropped)} for r in result.rounds],
        "iterations": [{
            "per_voter": number(i.per_voter), "winners": i.winners, "cost": i.cost,
            "feasible": i.feasible, "exhaustive": i.exhaustive} for i in result.iterations],
    }


def tally_publish(*, actor, tally: Tally) -> Tally:
    """Make a finished tally the pot's published result: its winners are selected."""
    tally = Tally.objects.select_related("pot__process").get(pk=tally.pk)
    require_agency_staff(actor, tally.pot.process.agency)
    with transaction.atomic():
        tally = Tally.objects.select_for_update().get(pk=tally.pk)
        if tally.status != Tally.Status.DONE:
            raise DomainError(ErrorCode.INVALID_STATE, _("The tally has not finished."))
        if tally.rule != tally.pot.rule:
            raise DomainError(ErrorCode.INVALID_STATE, _(
                "Only a tally by the pot's declared rule can be published."))
        Tally.objects.filter(pot=tally.pot, official=True).update(official=False)
        tally.official = True
        tally.save(update_fields=["official"])
        proposals = tally.pot.proposals.all()
        proposals.update(selected=False)
        proposals.filter(code__in=tally.winners).update(selected=True)
        audit_record(actor=actor, action=Action.TALLY_PUBLISH, obj=tally,
                     agency=tally.pot.process.agency,
                     data={"winners": tally.winners, "total_cost": tally.total_cost})
    return tally
