"""Participation pages: thin views over selectors (reads) and services (writes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.exports import table_response
from yankao.core.ratelimit import rate_limit
from yankao.participation import selectors, services
from yankao.participation.forms import BallotForm, CodesForm, TallyForm
from yankao.participation.models import Ballot, Pot
from yankao.participation.services.budgets import format_code


def _found(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except DomainError as error:
        if error.code in (ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN):
            raise Http404 from None
        raise


# --- public -----------------------------------------------------------------------------------


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/public_index.html",
                  {"pots": selectors.public_pots()})


@require_GET
def public_pot(request: HttpRequest, process: str, pot: str) -> HttpResponse:
    found = _found(selectors.public_pot_get, process_code=process, pot_code=pot)
    return render(request, "participation/public_pot.html", {
        "pot": found, "proposals": selectors.ballot_proposals(found),
        "tally": selectors.published_tally(found)})


@require_http_methods(["GET", "POST"])
def public_vote(request: HttpRequest, process: str, pot: str) -> HttpResponse:
    found = _found(selectors.public_pot_get, process_code=process, pot_code=pot)
    if found.status != Pot.Status.VOTING:
        return redirect("participation:public-pot", process=process, pot=pot)
    proposals = selectors.ballot_proposals(found)
    account = request.user.is_authenticated and found.eligibility != Pot.Eligibility.CODE
    form = BallotForm(request.POST or None, pot=found, proposals=proposals, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit(request, group="pb-ballot", rate="20/m")
            code = form.cleaned_data.get("code", "")
            services.ballot_cast(pot=found, choices=form.choices(), code=code,
                                 user=None if code else request.user)
        except DomainError as error:
            form.add_error("code" if error.field == "code" and "code" in form.fields
                           else None, error.message)
        else:
            return redirect("participation:public-voted", process=process, pot=pot)
    return render(request, "participation/public_vote.html",
                  {"pot": found, "form": form, "proposals": proposals,
                   "chosen": set(request.POST.getlist("choice"))}, status=200
                  if not form.errors else 422)


@require_GET
def public_voted(request: HttpRequest, process: str, pot: str) -> HttpResponse:
    found = _found(selectors.public_pot_get, process_code=process, pot_code=pot)
    return render(request, "participation/public_voted.html", {"pot": found})


@require_GET
def public_results(request: HttpRequest, process: str, pot: str) -> HttpResponse:
    found = _found(selectors.public_pot_get, process_code=process, pot_code=pot)
    tally = selectors.published_tally(found)
    if tally is None:
        raise Http404
    return render(request, "participation/tally_explained.html", {
        "pot": found, "tally": tally, "explained": selectors.tally_explained(tally),
        "public": True})


# --- staff ------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/home.html",
                  {"processes": selectors.process_list(actor=request.user)})


@login_required
@require_GET
def pot_detail(request: HttpRequest, pot_id: int) -> HttpResponse:
    pot = _found(selectors.pot_get, actor=request.user, pot_id=pot_id)
    proposals = selectors.ballot_proposals(pot)
    return render(request, "participation/pot_detail.html", {
        "pot": pot, **selectors.pot_overview(pot), "codes_form": CodesForm(),
        "tally_form": TallyForm(initial={"rule": pot.rule}),
        "paper_form": BallotForm(pot=pot, proposals=proposals, account=False,
                                 auto_id="paper_%s")})


@login_required
@require_POST
def pot_action(request: HttpRequest, pot_id: int, action: str) -> HttpResponse:
    pot = _found(selectors.pot_get, actor=request.user, pot_id=pot_id)
    try:
        if action == "open":
            services.pot_open(actor=request.user, pot=pot)
            messages.success(request, _("Voting is open; the rules are now frozen."))
        elif action == "close":
            services.pot_close(actor=request.user, pot=pot)
            messages.success(request, _("Voting is closed."))
        elif action == "codes":
            form = CodesForm(request.POST)
            if not form.is_valid():
                raise DomainError(ErrorCode.INVALID, " ".join(
                    str(e) for errors in form.errors.values() for e in errors))
            codes = services.voter_codes_generate(actor=request.user, pot=pot,
                                                  **form.cleaned_data)
            return table_response(headers=[_("Pot"), _("Batch"), _("Code")],
                                  rows=[[pot.code, form.cleaned_data["batch"], format_code(c)]
                                        for c in codes],
                                  filename=f"codes-{pot.code}", fmt="csv")
        elif action == "paper":
            form = BallotForm(request.POST, pot=pot, proposals=selectors.ballot_proposals(pot),
                              account=False, auto_id="paper_%s")
            if not form.is_valid():
                raise DomainError(ErrorCode.INVALID, _("The ballot is not complete."))
            services.ballot_cast(pot=pot, choices=form.choices(),
                                 code=form.cleaned_data.get("code", ""),
                                 channel=Ballot.Channel.PAPER, actor=request.user)
            messages.success(request, _("The paper ballot is counted."))
        elif action == "tally":
            form = TallyForm(request.POST)
            rule = form.cleaned_data["rule"] if form.is_valid() else ""
            tally = services.tally_request(actor=request.user, pot=pot, rule=rule,
                                           run_later=True)
            return redirect("participation:tally", tally_id=tally.pk)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("participation:pot", pot_id=pot.pk)


@login_required
@require_GET
def pot_export(request: HttpRequest, pot_id: int) -> HttpResponse:
    pot = _found(selectors.pot_get, actor=request.user, pot_id=pot_id)
    response = HttpResponse(services.pot_pabulib(pot).encode("utf-8"),
                            content_type="text/plain; charset=utf-8")
    name = f"{pot.process.code}_{pot.code}.pb"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tally_detail(request: HttpRequest, tally_id: int) -> HttpResponse:
    tally = _found(selectors.tally_get, actor=request.user, tally_id=tally_id)
    if request.method == "POST":
        try:
            services.tally_publish(actor=request.user, tally=tally)
            messages.success(request, _("The result is published."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("participation:tally", tally_id=tally.pk)
    context = {"pot": tally.pot, "tally": tally, "public": False,
               "explained": selectors.tally_explained(tally)}
    if request.htmx:
        return render(request, "participation/_tally_progress.html", context)
    return render(request, "participation/tally_explained.html", context)
