"""The other tracked items: subsidy cases, recommendations, council resolutions (sharing
release from control), enterprise evaluations and the budget pre-review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean
from yankao.programs.access import require_commission, require_officer
from yankao.programs.audit import ProgramsAction
from yankao.programs.models import (
    BudgetPreReview,
    BudgetRequest,
    ControlStatus,
    CouncilResolution,
    EnterpriseEvaluation,
    EnterpriseIndicator,
    PreReviewMeeting,
    Recommendation,
    RecommendationTopic,
    ResolutionCategory,
    SubsidyCase,
    SupervisionMeeting,
)
from yankao.programs.models.tracked import ControlledItem
from yankao.programs.reference import ENTERPRISE_GRADES
from yankao.programs.selectors.policy import grade_bands, grade_for
from yankao.programs.services._common import amount_value, require_text, score_value
from yankao.programs.services.evaluation import weighted_score
from yankao.programs.states import CONTROLLED_ITEM, ENTERPRISE_EVALUATION


def _label(item: ControlledItem) -> str:
    return item._meta.model_name


def _require_tracking(item: ControlledItem) -> None:
    """Agencies answer only while the commission still tracks the item."""
    if item.control_status != ControlStatus.TRACKING:
        raise DomainError(ErrorCode.INVALID_STATE, _("The item is released from control."))


# The shared mechanism: release from control (解除列管) and putting back under control.

def controlled_item_release(*, actor, item: ControlledItem, released_on: dt.date,
                            reason: str) -> ControlledItem:
    """解除列管: the commission stops tracking an item, with the reason."""
    require_commission(actor)
    reason = require_text(reason, field="reason", message=_("Say why it is released."))
    if released_on > timezone.localdate():
        raise DomainError(ErrorCode.INVALID, _("The release date cannot be in the future."),
                          field="released_on")
    with transaction.atomic():
        item = type(item).objects.select_for_update().get(pk=item.pk)
        before = item.control_status
        item.control_status = CONTROLLED_ITEM.target("release", before)
        item.released_on = released_on
        item.release_reason = reason
        item.save(update_fields=["control_status", "released_on", "release_reason"])
        audit_record(actor=actor, action=ProgramsAction(f"{_label(item)}.release"), obj=item,
                     from_state=before, to_state=item.control_status, reason=reason)
    return item


def controlled_item_resume(*, actor, item: ControlledItem, reason: str) -> ControlledItem:
    """Put a released item back under control (a reply proved insufficient)."""
    require_commission(actor)
    reason = require_text(reason, field="reason", message=_("Say why it is tracked again."))
    with transaction.atomic():
        item = type(item).objects.select_for_update().get(pk=item.pk)
        before = item.control_status
        item.control_status = CONTROLLED_ITEM.target("resume", before)
        item.released_on = None
        item.save(update_fields=["control_status", "released_on"])
        audit_record(actor=actor, action=ProgramsAction(f"{_label(item)}.resume"), obj=item,
                     from_state=before, to_state=item.control_status, reason=reason)
    return item


# Basic-infrastructure subsidy cases (基本設施補助計畫).

def subsidy_case_create(*, actor, year: int, code: str, title: str, agency: Agency,
                        budget: int) -> SubsidyCase:
    require_commission(actor)
    case = full_clean(SubsidyCase(year=year, code=code.strip(), title=title.strip(),
                                 agency=agency, budget=amount_value(budget, field="budget")))
    with transaction.atomic():
        case.save()
        audit_record(actor=actor, action=ProgramsAction.SUBSIDYCASE_CREATE, obj=case,
                     to_state=case.control_status, data={"budget": case.budget})
    return case


def subsidy_case_record_execution(*, actor, case: SubsidyCase, executed: int) -> SubsidyCase:
    """The agency records how much of the case's budget it has spent (cumulative NT$)."""
    require_officer(actor, case.agency)
    amount = amount_value(executed, field="executed")
    with transaction.atomic():
        case = SubsidyCase.objects.select_for_update().get(pk=case.pk)
        if case.closed_on is not None:
            raise DomainError(ErrorCode.INVALID_STATE, _("The case is closed."))
        if amount > case.budget:
            raise DomainError(ErrorCode.INVALID, _("Spending cannot exceed the case's budget."),
                              field="executed")
        before = case.executed
        case.executed = amount
        case.save(update_fields=["executed"])
        audit_record(actor=actor, action=ProgramsAction.SUBSIDYCASE_EXECUTION, obj=case,
                     from_state=str(before), to_state=str(amount))
    return case


def subsidy_case_close(*, actor, case: SubsidyCase, closed_on: dt.date,
                       reason: str = "") -> SubsidyCase:
    """結案解除列管: the case is finished; it is closed and released from control."""
    require_commission(actor)
    with transaction.atomic():
        case = SubsidyCase.objects.select_for_update().get(pk=case.pk)
        if case.closed_on is not None:
            raise DomainError(ErrorCode.INVALID_STATE, _("The case is already closed."))
        case.closed_on = closed_on
        case.save(update_fields=["closed_on"])
        audit_record(actor=actor, action=ProgramsAction.SUBSIDYCASE_CLOSE, obj=case,
                     to_state="closed", data={"executed": case.executed, "budget": case.budget})
        return controlled_item_release(actor=actor, item=case, released_on=closed_on,
                                       reason=reason or _("Closed."))


def supervision_meeting_record(*, actor, year: int, held_on: dt.date, title: str,
                               notes: str = "", cases: Iterable[SubsidyCase] = ()) -> (
    SupervisionMeeting
):
    require_commission(actor)
    meeting = full_clean(SupervisionMeeting(year=year, held_on=held_on, title=title.strip(),
                                           notes=notes))
    with transaction.atomic():
        meeting.save()
        meeting.cases.set(list(cases))
        audit_record(actor=actor, action=ProgramsAction.SUPERVISIONMEETING_RECORD, obj=meeting,
                     data={"cases": meeting.cases.count()})
    return meeting


# Recommendations (委員建議事項), e.g. road safety.

def recommendation_create(*, actor, topic: RecommendationTopic, year: int, source: str,
                          item: str, agency: Agency) -> Recommendation:
    require_commission(actor)
    recommendation = full_clean(Recommendation(topic=topic, year=year, source=source.strip(),
                                              item=item.strip(), agency=agency))
    with transaction.atomic():
        recommendation.save()
        audit_record(actor=actor, action=ProgramsAction.RECOMMENDATION_CREATE, obj=recommendation,
                     to_state=recommendation.control_status)
    return recommendation


def recommendation_respond(*, actor, recommendation: Recommendation, response: str,
                           responded_on: dt.date | None = None) -> Recommendation:
    require_officer(actor, recommendation.agency)
    response = require_text(response, field="response",
                            message=_("Write what the agency did about it."))
    with transaction.atomic():
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        _require_tracking(recommendation)
        recommendation.response = response
        recommendation.responded_on = responded_on or timezone.localdate()
        recommendation.save(update_fields=["response", "responded_on"])
        audit_record(actor=actor, action=ProgramsAction.RECOMMENDATION_RESPOND, obj=recommendation,
                     to_state="responded")
    return recommendation


def recommendation_adopt(*, actor, recommendation: Recommendation,
                         adopted_on: dt.date) -> Recommendation:
    """The commission records that the agency adopted the recommendation (參採)."""
    require_commission(actor)
    with transaction.atomic():
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if not recommendation.response:
            raise DomainError(ErrorCode.INVALID_STATE, _(
                "The agency has not responded yet."))
        if recommendation.adopted_on is not None:
            raise DomainError(ErrorCode.CONFLICT, _("It is already recorded as adopted."))
        recommendation.adopted_on = adopted_on
        recommendation.save(update_fields=["adopted_on"])
        audit_record(actor=actor, action=ProgramsAction.RECOMMENDATION_ADOPT, obj=recommendation,
                     from_state="responded", to_state="adopted")
    return recommendation


# Council resolutions (議會議決案).

def council_resolution_create(*, actor, session: str, number: int,
                              category: ResolutionCategory, proposer: str, subject: str,
                              agency: Agency, resolved_on: dt.date | None) -> CouncilResolution:
    """議會議決案 put under control; ``resolved_on`` is the day the council adopted it
    (the annual report counts resolutions by its year)."""
    require_commission(actor)
    if resolved_on is None:
        raise DomainError(ErrorCode.INVALID, _("Give the day the council adopted it."),
                          field="resolved_on")
    if CouncilResolution.objects.filter(session=session, number=number).exists():
        raise DomainError(ErrorCode.CONFLICT, _("Resolution %(number)s of this session exists.")
                          % {"number": number}, field="number")
    resolution = full_clean(CouncilResolution(
        session=session.strip(), number=number, category=category, proposer=proposer.strip(),
        subject=subject.strip(), agency=agency, resolved_on=resolved_on))
    with transaction.atomic():
        resolution.save()
        audit_record(actor=actor, action=ProgramsAction.COUNCILRESOLUTION_CREATE, obj=resolution,
                     to_state=resolution.control_status)
    return resolution


def council_resolution_reply(*, actor, resolution: CouncilResolution, reply: str,
                             replied_on: dt.date | None = None) -> CouncilResolution:
    """函復: the agency's reply to the council, copied to the proposer and the commission."""
    require_officer(actor, resolution.agency)
    reply = require_text(reply, field="reply", message=_("Write the reply."))
    with transaction.atomic():
        resolution = CouncilResolution.objects.select_for_update().get(pk=resolution.pk)
        _require_tracking(resolution)
        before = "replied" if resolution.replied_on else "awaiting reply"
        resolution.reply = reply
        resolution.replied_on = replied_on or timezone.localdate()
        resolution.save(update_fields=["reply", "replied_on"])
        audit_record(actor=actor, action=ProgramsAction.COUNCILRESOLUTION_REPLY, obj=resolution,
                     from_state=before, to_state="replied")
    return resolution


# Municipal enterprise evaluations (所屬事業機構經營績效考核).

@dataclass(frozen=True)
class IndicatorIn:
    name_zh: str
    weight: int
    target: str
    name_en: str = ""


def enterprise_evaluation_create(*, actor, enterprise: Agency, year: int,
                                 indicators: Iterable[IndicatorIn],
                                 fixed_on: dt.date) -> EnterpriseEvaluation:
    """Fix an enterprise's indicators for ``year``; they must be fixed before it starts."""
    require_commission(actor)
    if enterprise.kind != Agency.Kind.ENTERPRISE:
        raise DomainError(ErrorCode.INVALID, _("%(agency)s is not a municipal enterprise.")
                          % {"agency": enterprise}, field="enterprise")
    rows = list(indicators)
    if not rows or sum(row.weight for row in rows) != 100:
        raise DomainError(ErrorCode.INVALID, _("The indicators' weights must add up to 100."),
                          field="indicators")
    evaluation = full_clean(EnterpriseEvaluation(enterprise=enterprise, year=year,
                                                indicators_fixed_on=fixed_on))
    with transaction.atomic():
        evaluation.save()
        EnterpriseIndicator.objects.bulk_create([
            EnterpriseIndicator(evaluation=evaluation, name_zh=row.name_zh,
                                name_en=row.name_en, weight=row.weight, target=row.target)
            for row in rows
        ])
        audit_record(actor=actor, action=ProgramsAction.ENTERPRISEEVALUATION_CREATE, obj=evaluation,
                     to_state=evaluation.status, data={"indicators": len(rows)})
    return evaluation


def enterprise_evaluation_approve(*, actor, evaluation: EnterpriseEvaluation,
                                  scores: Mapping[int, object], reviewed_on: dt.date,
                                  comment: str = "") -> EnterpriseEvaluation:
    """複評 and approval: scores per indicator (by id); the grade follows the scale."""
    require_commission(actor)
    with transaction.atomic():
        evaluation = EnterpriseEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        before = evaluation.status
        target = ENTERPRISE_EVALUATION.target("approve", before)
        indicators = {i.pk: i for i in evaluation.indicators.all()}
        if set(scores) != set(indicators):
            raise DomainError(ErrorCode.INVALID, _("Score every indicator."), field="scores")
        values = {pk: score_value(value, field=f"score_{pk}") for pk, value in scores.items()}
        for pk, indicator in indicators.items():
            indicator.score = values[pk]
        EnterpriseIndicator.objects.bulk_update(indicators.values(), ["score"])
        score = weighted_score({str(pk): v for pk, v in values.items()},
                               {str(pk): i.weight for pk, i in indicators.items()})
        evaluation.status = target
        evaluation.final_score = score
        evaluation.grade = grade_for(score, grade_bands(ENTERPRISE_GRADES))
        evaluation.reviewed_on = reviewed_on
        evaluation.comment = comment
        evaluation.save(update_fields=["status", "final_score", "grade", "reviewed_on",
                                       "comment"])
        audit_record(actor=actor, action=ProgramsAction.ENTERPRISEEVALUATION_APPROVE,
                     obj=evaluation,
                     from_state=before, to_state=target,
                     data={"final_score": str(score), "grade": evaluation.grade.label_zh})
    return evaluation


# Budget pre-review (重要施政計畫先期作業).

def budget_pre_review_create(*, actor, budget_year: int, title: str) -> BudgetPreReview:
    require_commission(actor)
    if BudgetPreReview.objects.filter(budget_year=budget_year).exists():
        raise DomainError(ErrorCode.CONFLICT, _("The pre-review for %(year)s exists.")
                          % {"year": budget_year})
    review = full_clean(BudgetPreReview(budget_year=budget_year, title=title.strip()))
    with transaction.atomic():
        review.save()
        audit_record(actor=actor, action=ProgramsAction.BUDGETPREREVIEW_CREATE, obj=review)
    return review


def budget_request_submit(*, actor, review: BudgetPreReview, agency: Agency, title: str,
                          requested: int) -> BudgetRequest:
    require_officer(actor, agency)
    request = full_clean(BudgetRequest(review=review, agency=agency, title=title.strip(),
                                      requested=amount_value(requested, field="requested")))
    with transaction.atomic():
        request.save()
        audit_record(actor=actor, action=ProgramsAction.BUDGETREQUEST_SUBMIT, obj=request,
                     to_state="requested", data={"requested": request.requested})
    return request


def budget_request_decide(*, actor, request: BudgetRequest, approved_public: int,
                          approved_fund: int) -> BudgetRequest:
    """核列: the amounts approved in the public and the fund budget."""
    require_commission(actor)
    public = amount_value(approved_public, field="approved_public")
    fund = amount_value(approved_fund, field="approved_fund")
    with transaction.atomic():
        request = BudgetRequest.objects.select_for_update().get(pk=request.pk)
        if public + fund > request.requested:
            raise DomainError(ErrorCode.INVALID, _(
                "More was approved than was requested."), field="approved_public")
        request.approved_public, request.approved_fund = public, fund
        request.save(update_fields=["approved_public", "approved_fund"])
        audit_record(actor=actor, action=ProgramsAction.BUDGETREQUEST_DECIDE, obj=request,
                     to_state="decided", data={"approved_public": public, "approved_fund": fund})
    return request


def pre_review_meeting_record(*, actor, review: BudgetPreReview, kind: str, held_on: dt.date,
                              subject: str) -> PreReviewMeeting:
    require_commission(actor)
    meeting = full_clean(PreReviewMeeting(review=review, kind=kind, held_on=held_on,
                                         subject=subject.strip()))
    with transaction.atomic():
        meeting.save()
        audit_record(actor=actor, action=ProgramsAction.PREREVIEWMEETING_RECORD, obj=meeting,
                     data={"kind": kind})
    return meeting
