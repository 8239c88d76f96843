"""Staff pages for sharing a restricted dataset: grants and their signed links."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yankao.core.calendar import END_OF_DAY, TAIPEI
from yankao.core.errors import DomainError
from yankao.core.forms import form_error
from yankao.core.views import selector_or_404
from yankao.opendata.access import may_manage
from yankao.opendata.forms import GrantForm, LinkForm, ReasonForm
from yankao.opendata.selectors import catalogue as reads
from yankao.opendata.selectors import sharing as sharing_reads
from yankao.opendata.services import sharing as writes


def _end_of(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=TAIPEI) if day else None


@login_required
@require_http_methods(["GET", "POST"])
def grant_new(request: HttpRequest, key: str) -> HttpResponse:
    dataset = selector_or_404(reads.dataset_manageable, actor=request.user, key=key)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = writes.share_grant(actor=request.user, dataset=dataset,
                                       agency=data["agency"], purpose=data["purpose"],
                                       expires_at=_end_of(data["expires_on"]))
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Shared with %(agency)s.") % {"agency": grant.agency})
            return redirect("opendata:grant", grant_id=grant.pk)
    return render(request, "opendata/grant_form.html", {"form": form, "dataset": dataset})


@login_required
@require_http_methods(["GET", "POST"])
def grant_detail(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = selector_or_404(sharing_reads.grant_get, actor=request.user, grant_id=grant_id)
    form = LinkForm(request.POST or None)
    new_link = ""
    if request.method == "POST" and form.is_valid():
        try:
            _link, token = writes.share_link_create(
                actor=request.user, grant=grant,
                expires_at=_end_of(form.cleaned_data["expires_on"]))
        except DomainError as error:
            form_error(form, error)
        else:
            new_link = request.build_absolute_uri(reverse("opendata:shared", args=[token]))
    return render(request, "opendata/grant.html", {
        "grant": grant, "form": form, "new_link": new_link,
        "links": grant.links.order_by("-created_at"),
        "owner": may_manage(request.user, grant.dataset.agency),
        "revoke_form": ReasonForm(), "active": writes.grant_active(grant)})


@login_required
@require_POST
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = selector_or_404(sharing_reads.grant_get, actor=request.user, grant_id=grant_id)
    try:
        writes.share_revoke(actor=request.user, grant=grant,
                            reason=request.POST.get("reason", ""))
        messages.success(request, _("Revoked: its links no longer work."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("opendata:grant", grant_id=grant.pk)


@login_required
@require_POST
def link_revoke(request: HttpRequest, link_id: int) -> HttpResponse:
    link = selector_or_404(sharing_reads.link_get, actor=request.user, link_id=link_id)
    try:
        writes.share_link_revoke(actor=request.user, link=link)
        messages.success(request, _("The link no longer works."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("opendata:grant", grant_id=link.grant_id)
