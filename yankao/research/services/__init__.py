"""Every write of research and publications (keyword-only, actor first, atomic, audited).
The commission (RDEC evaluators) keeps these records; agencies answer the recommendations
of overseas-trip reports sent to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from yankao.core.calendar import today_taipei
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency
from yankao.core.permissions import actor_scope
from yankao.core.services.audit import audit_record
from yankao.core.services.writes import full_clean, refusals_audited
from yankao.research.audit import ResearchAction as Action
from yankao.research.models import (
    Article,
    CourtesyCall,
    CourtesyItem,
    CourtesyPlan,
    GlossaryTerm,
    JournalIssue,
    Milestone,
    NominationReview,
    ResearchProject,
    ServiceAwardNomination,
    ThesisGrant,
    TripRecommendation,
    TripReport,
)


def require_commission(actor) -> None:
    if actor is None:
        return
    scope = actor_scope(actor)
    if not scope.authenticated:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    if not scope.sees_all:
        raise DomainError(ErrorCode.FORBIDDEN)


def _save(actor, instance, action, **audit):
    full_clean(instance)
    instance.save()
    audit_record(actor=actor, action=action, obj=instance, **audit)
    return instance


def research_project_save(*, actor, milestones=(), **fields) -> ResearchProject:
    require_commission(actor)
    with transaction.atomic():
        project = _save(actor, ResearchProject(**fields), Action.PROJECT_SAVE,
                        to_state=fields.get("status", "contracted"))
        Milestone.objects.bulk_create([Milestone(project=project, name=name, due_on=due,
                                                 done_on=done) for name, due, done in milestones])
    return project


def thesis_grant_save(*, actor, **fields) -> ThesisGrant:
    require_commission(actor)
    with transaction.atomic():
        return _save(actor, ThesisGrant(**fields), Action.THESIS_SAVE,
                     to_state=fields.get("status", "applied"))


def trip_report_save(*, actor, recommendations: Mapping[str, Agency] = (), **fields
                     ) -> TripReport:
    require_commission(actor)
    with transaction.atomic():
        report = _save(actor, TripReport(**fields), Action.TRIP_SAVE,
                       agency=fields.get("agency"), to_state=fields.get("status", "submitted"))
        for text, agency in dict(recommendations).items():
            TripRecommendation.objects.create(report=report, text=text, agency=agency)
    return report


def recommendation_reply(*, actor, recommendation: TripRecommendation, reply: str,
                         adopted: bool, replied_on: dt.date) -> TripRecommendation:
    """The asked agency's reply (研究參採情形)."""
    scope = actor_scope(actor) if actor is not None else None
    if scope is not None and not (scope.sees_all or scope.has_role(
            agency=recommendation.agency)):
        raise DomainError(ErrorCode.FORBIDDEN)
    if not reply.strip():
        raise DomainError(ErrorCode.INVALID, _("Write the agency's reply."), field="reply")
    with transaction.atomic():
        recommendation = TripRecommendation.objects.select_for_update().get(pk=recommendation.pk)
        before = recommendation.status
        recommendation.reply, recommendation.replied_on = reply.strip(), replied_on
        recommendation.status = (TripRecommendation.Status.ADOPTED if adopted
                                 else TripRecommendation.Status.NOT_ADOPTED)
        recommendation.save()
        audit_record(actor=actor, action=Action.RECOMMENDATION_REPLY, obj=recommendation,
                     agency=recommendation.agency, from_state=before,
                     to_state=recommendation.status, reason=recommendation.reply)
    return recommendation


def journal_issue_save(*, actor, number: int, theme: str, published_on: dt.date,
                       articles=()) -> JournalIssue:
    require_commission(actor)
    with transaction.atomic():
        issue = _save(actor, JournalIssue(number=number, theme=theme,
                                          published_on=published_on), Action.JOURNAL_SAVE)
        Article.objects.bulk_create([Article(issue=issue, **article) for article in articles])
    return issue


def glossary_propose(*, actor, kind: str, zh: str, en: str) -> GlossaryTerm:
    """Anyone on staff may propose an English name."""
    if actor is not None and not actor_scope(actor).authenticated:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    with transaction.atomic():
        term = GlossaryTerm(kind=kind, zh=zh.strip(), en=en.strip(),
                            proposed_by=actor if actor is not None else None)
        return _save(actor, term, Action.GLOSSARY_PROPOSE, to_state=term.status)


def glossary_review(*, actor, term: GlossaryTerm, approve: bool, note: str = "",
                    en: str = "", on: dt.date | None = None) -> GlossaryTerm:
    """The committee's decision; an approved term replaces an earlier approved one."""
    require_commission(actor)
    if not approve and not note.strip():
        raise DomainError(ErrorCode.INVALID, _("Say why the term is rejected."), field="note")
    with transaction.atomic():
        term = GlossaryTerm.objects.select_for_update().get(pk=term.pk)
        if term.status != GlossaryTerm.Status.PROPOSED:
            raise DomainError(ErrorCode.INVALID_STATE, _("The term was already reviewed."))
        if approve:
            GlossaryTerm.objects.filter(zh=term.zh, status=GlossaryTerm.Status.APPROVED).update(
                status=GlossaryTerm.Status.REJECTED, note=_("Replaced by a newer approved term."))
        term.status = GlossaryTerm.Status.APPROVED if approve else GlossaryTerm.Status.REJECTED
        term.en = en.strip() or term.en
        term.note = note.strip()
        term.reviewed_by = actor
        term.approved_on = (on or today_taipei()) if approve else None
        term.save()
        audit_record(actor=actor, action=Action.GLOSSARY_REVIEW, obj=term,
                     from_state=GlossaryTerm.Status.PROPOSED, to_state=term.status,
                     reason=term.note)
    from yankao.core.glossary import glossary_changed

    transaction.on_commit(glossary_changed)
    return term


def nomination_submit(*, actor, year: int, agency: Agency,
                      category: str) -> ServiceAwardNomination:
    """An agency nominated for the Government Service Award; its written review comes next.
    The same agency twice in a category of a year is refused."""
    require_commission(actor)
    with transaction.atomic():
        if ServiceAwardNomination.objects.filter(year=year, agency=agency,
                                                 category=category.strip()).exists():
            raise DomainError(ErrorCode.CONFLICT, _(
                "This agency is already nominated in this category this year."),
                field="agency")
        return _save(actor, ServiceAwardNomination(year=year, agency=agency,
                                                   category=category.strip()),
                     Action.NOMINATION_SAVE, agency=agency,
                     to_state=ServiceAwardNomination.Stage.WRITTEN)


def nomination_review(*, actor, nomination: ServiceAwardNomination, score: int,
                      passed: bool, note: str = "") -> ServiceAwardNomination:
    """One stage's review (written, first, site): a nomination that passes moves on; one
    that passes the site review is recommended."""
    require_commission(actor)
    stages = [ServiceAwardNomination.Stage.WRITTEN, ServiceAwardNomination.Stage.FIRST,
              ServiceAwardNomination.Stage.SITE]
    if not 0 <= score <= 100:
        raise DomainError(ErrorCode.INVALID, _("A score is from 0 to 100."), field="score")
    with transaction.atomic():
        nomination = ServiceAwardNomination.objects.select_for_update().get(pk=nomination.pk)
        if nomination.stage not in stages:
            raise DomainError(ErrorCode.INVALID_STATE, _("The nomination was decided."))
        before = nomination.stage
        NominationReview.objects.create(nomination=nomination, stage=before, score=score,
                                        passed=passed, note=note)
        if not passed:
            nomination.stage = ServiceAwardNomination.Stage.NOT_RECOMMENDED
        elif before == ServiceAwardNomination.Stage.SITE:
            nomination.stage = ServiceAwardNomination.Stage.RECOMMENDED
        else:
            nomination.stage = stages[stages.index(before) + 1]
        nomination.save(update_fields=["stage"])
        audit_record(actor=actor, action=Action.NOMINATION_REVIEW, obj=nomination,
                     agency=nomination.agency, from_state=before, to_state=nomination.stage,
                     data={"score": score})
    return nomination


def courtesy_plan_create(*, actor, year: int, rounds: int, calls_per_round: int,
                         agencies, items) -> CourtesyPlan:
    """The sampling plan: agencies × calls × rounds, and the items a call is scored on
    (their points add up to 100)."""
    require_commission(actor)
    if sum(points for _zh, _en, points in items) != 100:
        raise DomainError(ErrorCode.INVALID, _("The items' points must add up to 100."))
    if calls_per_round < len(agencies):
        raise DomainError(ErrorCode.INVALID, _("Every agency needs at least one call a round."))
    with transaction.atomic():
        plan = _save(actor, CourtesyPlan(year=year, rounds=rounds,
                                         calls_per_round=calls_per_round),
                     Action.COURTESY_PLAN, data={"agencies": len(agencies)})
        plan.agencies.set(agencies)
        CourtesyItem.objects.bulk_create([
            CourtesyItem(plan=plan, name_zh=zh, name_en=en, points=points, order=n)
            for n, (zh, en, points) in enumerate(items)])
    return plan


def courtesy_call_record(*, actor, plan: CourtesyPlan, round: int, agency: Agency,
                         called_at, points: Mapping[int, int]) -> CourtesyCall:
    """One scored test call. A call outside the plan (agency, round, one call too many)
    or points out of an item's range is refused, nothing saved, audited."""
    require_commission(actor)
    with (refusals_audited(actor=actor, action=Action.COURTESY_REFUSED, obj=plan,
                           data={"round": round}),
          transaction.atomic()):
        plan = CourtesyPlan.objects.select_for_update().get(pk=plan.pk)
        if not 1 <= round <= plan.rounds:
            raise DomainError(ErrorCode.INVALID, _("The plan has no round %(n)s.") % {"n": round})
        if not plan.agencies.filter(pk=agency.pk).exists():
            raise DomainError(ErrorCode.INVALID, _("This agency is not in the plan."))
        if plan.calls.filter(round=round).count() >= plan.calls_per_round:
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("The round already has all its planned calls."))
        items = {item.pk: item for item in plan.items.all()}
        if set(points) != set(items):
            raise DomainError(ErrorCode.INVALID, _("Score every item."))
        for item_id, value in points.items():
            if not 0 <= value <= items[item_id].points:
                raise DomainError(ErrorCode.INVALID, _(
                    "%(item)s: from 0 to %(max)s points.") % {
                    "item": items[item_id].name_zh, "max": items[item_id].points})
        call = CourtesyCall.objects.create(plan=plan, round=round, agency=agency,
                                           called_at=called_at,
                                           points={str(k): v for k, v in points.items()},
                                           total=sum(points.values()))
        audit_record(actor=actor, action=Action.COURTESY_CALL, obj=call, agency=agency,
                     data={"total": call.total})
    return call
