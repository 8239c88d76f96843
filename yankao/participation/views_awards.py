"""Innovation award pages: submission, written first review, scoring by the panel with
recusal, outlier resolution, publication and the public tiers with the anonymised
matrix."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yankao.core.calendar import today_taipei
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency
from yankao.core.permissions import actor_scope
from yankao.participation import selectors
from yankao.participation.models import OutlierFlag
from yankao.participation.services import awards as services
from yankao.participation.views import _found


@login_required
@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/award_rounds.html",
                  {"rounds": selectors.award_rounds()})


@login_required
@require_GET
def round_detail(request: HttpRequest, year: int) -> HttpResponse:
    award_round = _found(selectors.award_round_get, year=year)
    scope = actor_scope(request.user)
    return render(request, "participation/award_round.html", {
        "round": award_round,
        "proposals": selectors.award_proposals(actor=request.user, award_round=award_round),
        "judge": selectors.judge_for(actor=request.user, award_round=award_round),
        "commission": scope.sees_all,
        "agencies": Agency.objects.filter(pk__in=scope.agency_ids()).order_by("sort_order")
        if not scope.sees_all else Agency.objects.none(),
        "outliers": selectors.open_outliers(award_round=award_round),
        "criteria": list(award_round.criteria.all()),
    })


@login_required
@require_POST
def round_action(request: HttpRequest, year: int, action: str) -> HttpResponse:
    award_round = _found(selectors.award_round_get, year=year)
    user, data = request.user, request.POST
    try:
        if action == "advance":
            services.award_stage_advance(actor=user, award_round=award_round)
        elif action == "close":
            flags = services.award_scoring_close(actor=user, award_round=award_round)
            messages.info(request, _("Scoring is closed; %(n)s outliers need a written "
                                     "resolution.") % {"n": len(flags)})
        elif action == "publish":
            services.award_results_publish(actor=user, award_round=award_round)
            messages.success(request, _("The results are published."))
        elif action == "rule":
            services.award_rule_declare(actor=user, award_round=award_round,
                                        aggregation=data.get("aggregation", ""))
        elif action == "submit":
            agency = Agency.objects.filter(pk=data.get("agency") or 0).first()
            if agency is None:
                raise DomainError(ErrorCode.INVALID, _("Choose the submitting agency."))
            proposal = services.award_proposal_submit(
                actor=user, award_round=award_round, agency=agency, title=data.get("title", ""),
                summary=data.get("summary", ""), team=data.get("team", ""))
            messages.success(request, _("Proposal %(n)s is submitted.") % {"n": proposal.number})
        elif action == "outlier":
            flag = OutlierFlag.objects.filter(pk=data.get("flag") or 0,
                                              proposal__round=award_round).first()
            if flag is None:
                raise Http404
            services.award_outlier_resolve(actor=user, flag=flag,
                                           resolution=data.get("resolution", ""),
                                           exclude=data.get("exclude") == "1")
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("participation:award-round", year=year)


@login_required
@require_GET
def proposal_detail(request: HttpRequest, year: int, number: int) -> HttpResponse:
    award_round = _found(selectors.award_round_get, year=year)
    proposal = _found(selectors.award_proposal_get, actor=request.user,
                      award_round=award_round, number=number)
    judge = selectors.judge_for(actor=request.user, award_round=award_round)
    return render(request, "participation/award_proposal.html", {
        "round": award_round, "proposal": proposal, "judge": judge,
        "recused": judge is not None and proposal.recusals.filter(judge=judge).exists(),
        "scores": selectors.my_scores(judge=judge, proposal=proposal) if judge else {},
        "criteria": list(award_round.criteria.all()),
        "commission": actor_scope(request.user).sees_all,
        "adoptions": proposal.adoptions.select_related("agency"),
    })


@login_required
@require_POST
def proposal_action(request: HttpRequest, year: int, number: int, action: str) -> HttpResponse:
    award_round = _found(selectors.award_round_get, year=year)
    proposal = _found(selectors.award_proposal_get, actor=request.user,
                      award_round=award_round, number=number)
    user, data = request.user, request.POST
    try:
        if action == "review":
            services.award_first_review(actor=user, proposal=proposal,
                                        passed=data.get("passed") == "1",
                                        note=data.get("note", ""))
        elif action == "score":
            scores = {}
            for criterion in award_round.criteria.all():
                raw = data.get(f"criterion_{criterion.pk}", "").strip()
                try:
                    scores[criterion.pk] = int(raw)
                except ValueError:
                    scores[criterion.pk] = raw or None
            services.award_score_record(actor=user, proposal=proposal, scores=scores)
            messages.success(request, _("Your scores are saved."))
        elif action == "recuse":
            judge = selectors.judge_for(actor=user, award_round=award_round)
            if judge is None:
                raise DomainError(ErrorCode.FORBIDDEN)
            services.award_recusal_declare(actor=user, judge=judge, proposal=proposal,
                                           reason=data.get("reason", ""))
        elif action == "adopt":
            agency = Agency.objects.filter(pk=data.get("agency") or 0).first()
            if agency is None:
                raise DomainError(ErrorCode.INVALID, _("Choose the receiving agency."))
            services.adoption_request(actor=user, proposal=proposal, agency=agency,
                                      sent_on=today_taipei())
        elif action == "reply":
            adoption = proposal.adoptions.filter(pk=data.get("adoption") or 0).first()
            if adoption is None:
                raise Http404
            services.adoption_reply(actor=user, adoption=adoption, reply=data.get("reply", ""),
                                    adopted=data.get("adopted") == "1",
                                    replied_on=today_taipei())
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("participation:award-proposal", year=year, number=number)


@require_GET
def public_awards(request: HttpRequest, year: int) -> HttpResponse:
    award_round = _found(selectors.award_round_get, year=year)
    letters, rows = _found(selectors.award_score_matrix, award_round)
    return render(request, "participation/award_public.html",
                  {"round": award_round, "letters": letters, "rows": rows,
                   "tiers": selectors.award_tier_counts(year=year)})
