"""Writes of the staff innovation awards (市政創新提案評審)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency
from yankao.core.permissions import actor_scope
from yankao.core.services.audit import audit_record
from yankao.core.services.writes import full_clean, refusals_audited
from yankao.participation import awards_rules
from yankao.participation.access import require_agency_staff, require_commission
from yankao.participation.audit import ParticipationAction as Action
from yankao.participation.models import (
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

Stage = AwardRound.Stage
STAGES = [stage for stage, _label in Stage.choices]


def _round_locked(award_round: AwardRound, *stages: str) -> AwardRound:
    award_round = AwardRound.objects.select_for_update().get(pk=award_round.pk)
    if stages and award_round.stage not in stages:
        raise DomainError(ErrorCode.INVALID_STATE, _(
            "The round is at its %(stage)s stage.") % {
            "stage": award_round.get_stage_display()})
    return award_round


def award_round_create(*, actor, year: int, name_zh: str, criteria: Sequence[tuple[str, str, int]],
                       tiers: Sequence[tuple[str, str, int]], aggregation: str = "mean",
                       name_en: str = "", min_score: int = 0, max_score: int = 100,
                       outlier_gap: int = 20) -> AwardRound:
    """A round with its weighted criteria (name, English name, weight %, summing to 100)
    and its tiers with quotas, best first."""
    require_commission(actor)
    if sum(weight for _zh, _en, weight in criteria) != 100:
        raise DomainError(ErrorCode.INVALID, _("The criteria's weights must add up to 100."),
                          field="criteria")
    with transaction.atomic():
        award_round = AwardRound(year=year, name_zh=name_zh, name_en=name_en,
                                 aggregation=aggregation, min_score=min_score,
                                 max_score=max_score, outlier_gap=outlier_gap)
        full_clean(award_round)
        award_round.save()
        AwardCriterion.objects.bulk_create([
            AwardCriterion(round=award_round, name_zh=zh, name_en=en, weight=weight, order=n)
            for n, (zh, en, weight) in enumerate(criteria)])
        AwardTier.objects.bulk_create([
            AwardTier(round=award_round, name_zh=zh, name_en=en, quota=quota, order=n)
            for n, (zh, en, quota) in enumerate(tiers)])
        audit_record(actor=actor, action=Action.AWARD_ROUND_CREATE, obj=award_round,
                     to_state=award_round.stage, data={"aggregation": aggregation})
    return award_round


def award_rule_declare(*, actor, award_round: AwardRound, aggregation: str) -> AwardRound:
    """Change the declared aggregation rule; refused (and audited) once scoring opened."""
    require_commission(actor)
    with (refusals_audited(actor=actor, action=Action.AWARD_RULE_REFUSED, obj=award_round,
                           data={"aggregation": aggregation}),
          transaction.atomic()):
        award_round = _round_locked(award_round)
        if award_round.rule_declared_at is not None:
            raise DomainError(ErrorCode.INVALID_STATE, _(
                "The aggregation rule was declared before scoring opened and cannot change."))
        if aggregation not in AwardRound.Aggregation.values:
            raise DomainError(ErrorCode.INVALID, _("Unknown aggregation rule."),
                              field="aggregation")
        before = award_round.aggregation
        award_round.aggregation = aggregation
        award_round.save(update_fields=["aggregation"])
        audit_record(actor=actor, action=Action.AWARD_ROUND_STAGE, obj=award_round,
                     from_state=before, to_state=aggregation, reason="aggregation rule")
    return award_round


def award_stage_advance(*, actor, award_round: AwardRound) -> AwardRound:
    """Move to the next stage. Opening scoring declares the aggregation rule for good."""
    require_commission(actor)
    with transaction.atomic():
        award_round = _round_locked(award_round)
        before = award_round.stage
        if before in (Stage.RESULTS, Stage.PUBLISHED):
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("Results are drafted and published by their own steps."))
        if before == Stage.FIRST_REVIEW:
            if award_round.proposals.filter(status=InnovationProposal.Status.SUBMITTED).exists():
                raise DomainError(ErrorCode.INVALID_STATE,
                                  _("Every proposal needs its written first review first."))
            if award_round.judges.count() < 3:
                raise DomainError(ErrorCode.INVALID_STATE,
                                  _("A panel needs at least three judges."))
            award_round.rule_declared_at = timezone.now()
        award_round.stage = STAGES[STAGES.index(before) + 1]
        award_round.save(update_fields=["stage", "rule_declared_at"])
        audit_record(actor=actor, action=Action.AWARD_ROUND_STAGE, obj=award_round,
                     from_state=before, to_state=award_round.stage,
                     data={"aggregation": award_round.aggregation})
    return award_round


def award_proposal_submit(*, actor, award_round: AwardRound, agency: Agency, title: str,
                          summary: str, team: str = "") -> InnovationProposal:
    require_agency_staff(actor, agency)
    with transaction.atomic():
        award_round = _round_locked(award_round, Stage.SUBMISSION)
        number = (award_round.proposals.aggregate(n=Max("number"))["n"] or 0) + 1
        proposal = InnovationProposal(round=award_round, number=number, agency=agency,
                                      title=title.strip(), summary=summary.strip(),
                                      team=team.strip())
        full_clean(proposal)
        proposal.save()
        audit_record(actor=actor, action=Action.AWARD_SUBMIT, obj=proposal, agency=agency,
                     to_state=proposal.status)
    return proposal


def award_first_review(*, actor, proposal: InnovationProposal, passed: bool,
                       note: str) -> InnovationProposal:
    """The written first review (書面初審): a written opinion is required either way."""
    require_commission(actor)
    if not note.strip():
        raise DomainError(ErrorCode.INVALID, _("Write the first review's opinion."),
                          field="note")
    with transaction.atomic():
        _round_locked(proposal.round, Stage.FIRST_REVIEW)
        proposal = InnovationProposal.objects.select_for_update().get(pk=proposal.pk)
        before = proposal.status
        proposal.status = (InnovationProposal.Status.PASSED if passed
                           else InnovationProposal.Status.NOT_PASSED)
        proposal.first_review_note = note.strip()
        proposal.save(update_fields=["status", "first_review_note"])
        audit_record(actor=actor, action=Action.AWARD_FIRST_REVIEW, obj=proposal,
                     agency=proposal.agency, from_state=before, to_state=proposal.status,
                     reason=proposal.first_review_note)
    return proposal


def _letter(award_round: AwardRound, user_pk: int) -> str:
    """Letters are handed out in an order that a judge's account does not reveal."""
    taken = set(award_round.judges.values_list("letter", flat=True))
    free = [chr(ord("A") + n) for n in range(26) if chr(ord("A") + n) not in taken]
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{award_round.pk}:{user_pk}".encode())
    return free[int(digest.hexdigest(), 16) % len(free)]


def award_judge_add(*, actor, award_round: AwardRound, user, outside: bool = False,
                    affiliation: str = "") -> Judge:
    require_commission(actor)
    with transaction.atomic():
        award_round = _round_locked(award_round, Stage.SUBMISSION, Stage.FIRST_REVIEW)
        judge = Judge.objects.create(round=award_round, user=user, outside=outside,
                                     affiliation=affiliation,
                                     letter=_letter(award_round, user.pk))
        audit_record(actor=actor, action=Action.AWARD_JUDGE_ADD, obj=judge,
                     data={"outside": outside})
    return judge


def award_recusal_declare(*, actor, judge: Judge, proposal: InnovationProposal,
                          reason: str) -> Recusal:
    """A conflict of interest, declared by the judge or recorded by the commission."""
    if actor is not None and actor.pk != judge.user_id:
        require_commission(actor)
    if not reason.strip():
        raise DomainError(ErrorCode.INVALID, _("Say what the conflict of interest is."),
                          field="reason")
    with transaction.atomic():
        if Score.objects.filter(judge=judge, proposal=proposal).exists():
            Score.objects.filter(judge=judge, proposal=proposal).delete()
        recusal = Recusal.objects.create(judge=judge, proposal=proposal, reason=reason.strip())
        audit_record(actor=actor, action=Action.AWARD_RECUSAL, obj=proposal,
                     agency=proposal.agency, reason=recusal.reason,
                     data={"judge": judge.letter})
    return recusal


def award_score_record(*, actor, proposal: InnovationProposal,
                       scores: Mapping[int, int]) -> list[Score]:
    """A judge's scores for one proposal, one per criterion. A recused judge, a score out
    of the round's range, a missing criterion or a closed panel: refused with the reason,
    nothing saved, audited."""
    award_round = proposal.round
    with (refusals_audited(actor=actor, action=Action.AWARD_SCORE_REFUSED, obj=proposal,
                           agency=proposal.agency),
          transaction.atomic()):
        award_round = _round_locked(award_round, Stage.SCORING)
        # The proposal as it stands now, not as the caller last read it.
        proposal = InnovationProposal.objects.get(pk=proposal.pk)
        judge = Judge.objects.filter(round=award_round, user=actor).first() if actor else None
        if judge is None:
            raise DomainError(ErrorCode.FORBIDDEN, _("Only the panel's judges score."))
        if Recusal.objects.filter(judge=judge, proposal=proposal).exists():
            raise DomainError(ErrorCode.FORBIDDEN, _(
                "You declared a conflict of interest with this proposal and cannot score it."))
        if proposal.status != InnovationProposal.Status.PASSED:
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("Only proposals that passed the first review are scored."))
        criteria = {c.pk: c for c in award_round.criteria.all()}
        if set(scores) != set(criteria):
            raise DomainError(ErrorCode.INVALID, _("Give a score for every criterion."),
                              field="scores")
        low, high = award_round.min_score, award_round.max_score
        for criterion_id, value in scores.items():
            if not isinstance(value, int) or not low <= value <= high:
                raise DomainError(ErrorCode.INVALID, _(
                    "%(criterion)s: a score is a whole number from %(low)s to %(high)s, "
                    "not %(value)s.") % {"criterion": criteria[criterion_id].name,
                                          "low": low, "high": high, "value": value},
                    field="scores")
        saved = []
        for criterion_id, value in scores.items():
            score, _created = Score.objects.update_or_create(
                judge=judge, proposal=proposal, criterion_id=criterion_id,
                defaults={"value": value})
            saved.append(score)
        audit_record(actor=actor, action=Action.AWARD_SCORE, obj=proposal,
                     agency=proposal.agency, data={"judge": judge.letter})
    return saved


def _totals(award_round: AwardRound, *, excluded: bool = True):
    weights = dict(award_round.criteria.values_list("pk", "weight"))
    marks: dict = {}
    for judge_id, proposal_id, criterion_id, value in Score.objects.filter(
            judge__round=award_round).values_list("judge_id", "proposal_id", "criterion_id",
                                                  "value"):
        marks.setdefault((judge_id, proposal_id), {})[criterion_id] = value
    totals = {key: awards_rules.weighted_total(m, weights) for key, m in marks.items()
              if len(m) == len(weights)}
    if excluded:
        for judge_id, proposal_id in OutlierFlag.objects.filter(
                proposal__round=award_round, excluded=True).values_list("judge_id",
                                                                        "proposal_id"):
            totals.pop((judge_id, proposal_id), None)
    return totals


def _decimal(value) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def award_scoring_close(*, actor, award_round: AwardRound) -> list[OutlierFlag]:
    """Close scoring and flag outliers for a written resolution."""
    require_commission(actor)
    with transaction.atomic():
        award_round = _round_locked(award_round, Stage.SCORING)
        found = awards_rules.outliers(_totals(award_round, excluded=False),
                                      award_round.outlier_gap)
        flags = [OutlierFlag.objects.create(
            proposal_id=proposal, judge_id=judge,
            total=_decimal(total).quantize(Decimal("0.01"), ROUND_HALF_UP),
            others_mean=_decimal(mean).quantize(Decimal("0.01"), ROUND_HALF_UP))
            for judge, proposal, total, mean in found]
        award_round.stage = Stage.RESULTS
        award_round.save(update_fields=["stage"])
        audit_record(actor=actor, action=Action.AWARD_ROUND_STAGE, obj=award_round,
                     from_state=Stage.SCORING, to_state=Stage.RESULTS,
                     data={"outliers": len(flags)})
    return flags


def award_outlier_resolve(*, actor, flag: OutlierFlag, resolution: str,
                          exclude: bool) -> OutlierFlag:
    require_commission(actor)
    if not resolution.strip():
        raise DomainError(ErrorCode.INVALID, _("Write how the outlier is resolved."),
                          field="resolution")
    with transaction.atomic():
        flag = OutlierFlag.objects.select_for_update().get(pk=flag.pk)
        flag.resolution, flag.excluded = resolution.strip(), exclude
        flag.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
        flag.resolved_at = timezone.now()
        flag.save()
        audit_record(actor=actor, action=Action.AWARD_OUTLIER_RESOLVE, obj=flag.proposal,
                     agency=flag.proposal.agency, reason=flag.resolution,
                     data={"judge": flag.judge.letter, "excluded": exclude})
    return flag


def award_results_publish(*, actor, award_round: AwardRound) -> AwardRound:
    """Aggregate by the declared rule, rank (ties: higher mean total, then number), fill
    the tiers by quota and publish. Refused while an outlier has no written resolution."""
    require_commission(actor)
    with transaction.atomic():
        award_round = _round_locked(award_round, Stage.RESULTS)
        if OutlierFlag.objects.filter(proposal__round=award_round,
                                      resolved_at__isnull=True).exists():
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("Every flagged outlier needs a written resolution first."))
        totals = _totals(award_round)
        final = awards_rules.aggregate(totals, award_round.aggregation)
        means = awards_rules.aggregate(totals, "mean")
        numbers = dict(award_round.proposals.values_list("pk", "number"))
        ranked = sorted(final, key=lambda p: (-final[p], -means[p], numbers[p]))
        tiers = awards_rules.fill_tiers(
            ranked, list(award_round.tiers.order_by("order").values_list("pk", "quota")))
        award_round.proposals.update(final_score=None, rank=None, tier=None)
        for rank, proposal_id in enumerate(ranked, start=1):
            InnovationProposal.objects.filter(pk=proposal_id).update(
                final_score=_decimal(final[proposal_id]).quantize(Decimal("0.0001"),
                                                                  ROUND_HALF_UP),
                rank=rank, tier_id=tiers[proposal_id])
        award_round.stage = Stage.PUBLISHED
        award_round.published_at = timezone.now()
        award_round.save(update_fields=["stage", "published_at"])
        audit_record(actor=actor, action=Action.AWARD_PUBLISH, obj=award_round,
                     from_state=Stage.RESULTS, to_state=Stage.PUBLISHED,
                     data={"ranked": len(ranked), "rule": award_round.aggregation})
    return award_round


def adoption_request(*, actor, proposal: InnovationProposal, agency: Agency,
                     sent_on: dt.date) -> Adoption:
    """Send an awarded proposal to an agency for adoption (函請參採)."""
    require_commission(actor)
    if proposal.tier_id is None:
        raise DomainError(ErrorCode.INVALID_STATE, _("Only awarded proposals are sent."))
    with transaction.atomic():
        adoption = Adoption.objects.create(proposal=proposal, agency=agency, sent_on=sent_on)
        audit_record(actor=actor, action=Action.AWARD_ADOPTION, obj=adoption, agency=agency,
                     to_state="sent")
    return adoption


def adoption_reply(*, actor, adoption: Adoption, reply: str, adopted: bool,
                   replied_on: dt.date) -> Adoption:
    require_agency_staff(actor, adoption.agency)
    if not reply.strip():
        raise DomainError(ErrorCode.INVALID, _("Write the agency's reply."), field="reply")
    with transaction.atomic():
        adoption = Adoption.objects.select_for_update().get(pk=adoption.pk)
        adoption.reply, adoption.adopted, adoption.replied_on = reply.strip(), adopted, replied_on
        adoption.save(update_fields=["reply", "adopted", "replied_on"])
        audit_record(actor=actor, action=Action.AWARD_ADOPTION, obj=adoption,
                     agency=adoption.agency, from_state="sent",
                     to_state="adopted" if adopted else "not adopted", reason=adoption.reply)
    return adoption


def is_judge(user, award_round: AwardRound) -> bool:
    return actor_scope(user).authenticated and award_round.judges.filter(user=user).exists()
