"""Staff pages for what the public sends: the moderation queue and the answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from yankao.core.errors import DomainError
from yankao.core.forms import form_error
from yankao.core.views import selector_or_404
from yankao.opendata.access import is_moderator, may_manage
from yankao.opendata.forms import AnswerForm, ModerateForm
from yankao.opendata.selectors import catalogue as reads
from yankao.opendata.selectors import feedback as feedback_reads
from yankao.opendata.services.feedback import feedback_answer, feedback_moderate

KINDS = ("request", "comment")


@login_required
@require_GET
def queue(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    status = request.GET.get("status", "")
    items = feedback_reads.feedback_queue(actor=request.user, kind=kind, status=status)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    from yankao.opendata.models import DataRequest

    return render(request, "opendata/feedback_queue.html", {
        "kind": kind, "page": page, "status": status, "statuses": DataRequest.Status.choices})


@login_required
@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, kind: str, number: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    entry = selector_or_404(feedback_reads.feedback_get, actor=request.user, kind=kind,
                            number=number)
    moderate = ModerateForm(request.POST if request.POST.get("form") == "moderate" else None)
    answer = AnswerForm(request.POST if request.POST.get("form") == "answer" else None)
    if request.method == "POST":
        try:
            if moderate.is_bound and moderate.is_valid():
                data = moderate.cleaned_data
                feedback_moderate(actor=request.user, item=entry,
                                  publish=data["decision"] == "publish", agency=data["agency"],
                                  reason=data["reason"])
                messages.success(request, _("Saved."))
                return redirect("opendata:feedback-item", kind=kind, number=number)
            if answer.is_bound and answer.is_valid():
                dataset = None
                if answer.cleaned_data["dataset"].strip():
                    dataset = selector_or_404(reads.dataset_get, actor=request.user,
                                              key=answer.cleaned_data["dataset"].strip())
                feedback_answer(actor=request.user, item=entry,
                                answer=answer.cleaned_data["answer"], dataset=dataset)
                messages.success(request, _("Answered."))
                return redirect("opendata:feedback-item", kind=kind, number=number)
        except DomainError as error:
            form_error(moderate if moderate.is_bound else answer, error)
    can_moderate = entry.status == entry.Status.SUBMITTED and (
        is_moderator(request.user) or (kind == "comment"
                                       and may_manage(request.user, entry.dataset.agency)))
    can_answer = entry.status == entry.Status.OPEN and entry.agency_id and may_manage(
        request.user, entry.agency_id)
    return render(request, "opendata/feedback_item.html", {
        "kind": kind, "item": entry, "moderate": moderate if can_moderate else None,
        "answer": answer if can_answer else None})
