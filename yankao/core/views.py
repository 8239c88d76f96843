"""Thin HTML views for the shell: home pages, directory, calendar, tokens, audit, files."""

from __future__ import annotations

import datetime as dt
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import yankao
from yankao.core import selectors
from yankao.core.calendar import TAIPEI, WorkingCalendar, deadline_in_hours
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.forms import AgencyFilterForm, AuditFilterForm, DeadlineForm, TokenCreateForm
from yankao.core.jobs import job_kinds
from yankao.core.models import Agency
from yankao.core.modules import staff_home_modules
from yankao.core.services.tokens import api_token_create, api_token_revoke
from yankao.core.tasks import worker_last_seen


def selector_or_404(selector, **kwargs):
    """Call a selector from a view: a missing or hidden record is a 404, a refusal a 403."""
    from django.core.exceptions import PermissionDenied

    try:
        return selector(**kwargs)
    except DomainError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.message) from None
        raise PermissionDenied(error.message) from None


def public_home(request: HttpRequest) -> HttpResponse:
    counts = selectors.agency_kind_counts()
    return render(
        request,
        "core/public_home.html",
        {
            "agency_count": sum(counts.values()),
            "district_count": counts.get(Agency.Kind.DISTRICT_OFFICE, 0),
        },
    )


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    available, planned = staff_home_modules(request.user)
    return render(
        request,
        "core/staff_home.html",
        {
            "memberships": selectors.membership_list(actor=request.user),
            "modules": available,
            "planned": planned,
        },
    )


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    form = AgencyFilterForm(request.GET or None)
    agencies = selectors.agency_list()
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            agencies = agencies.filter(
                Q(name_zh__icontains=query)
                | Q(name_en__icontains=query)
                | Q(short_name_zh__icontains=query)
                | Q(code__icontains=query)
            )
        if form.cleaned_data["kind"]:
            agencies = agencies.filter(kind=form.cleaned_data["kind"])
    context = {"form": form, "agencies": agencies}
    template = "core/_agency_rows.html" if request.htmx else "core/agency_list.html"
    return render(request, template, context)


def _month_from(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        dt.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    if not 1900 <= year <= 2200:
        return today.year, today.month
    return year, month


@login_required
@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    year, month = _month_from(request)
    language = "en_US" if (get_language() or "").startswith("en") else "zh_TW"
    days = selectors.calendar_month(year=year, month=month, language=language)
    first = dt.date(year, month, 1)
    previous = first - dt.timedelta(days=1)
    following = first + dt.timedelta(days=32)
    form = DeadlineForm(
        initial={
            "start": timezone.localtime(timezone.now(), TAIPEI).replace(second=0, microsecond=0),
            "amount": 6,
            "unit": "working_days",
        }
    )
    return render(
        request,
        "core/calendar.html",
        {
            "days": days,
            "leading_blanks": range(first.weekday()),
            "month_start": first,
            "previous": previous,
            "following": following.replace(day=1),
            "form": form,
        },
    )


@login_required
@require_GET
def deadline_calculate(request: HttpRequest) -> HttpResponse:
    form = DeadlineForm(request.GET)
    due = None
    if form.is_valid():
        start = form.cleaned_data["start"]
        amount = form.cleaned_data["amount"]
        if form.cleaned_data["unit"] == "hours":
            due = deadline_in_hours(start, amount)
        else:
            due = WorkingCalendar.load().deadline_in_working_days(start, amount)
    context = {"form": form, "due": due}
    template = "core/_deadline_result.html" if request.htmx else "core/deadline.html"
    return render(request, template, context, status=200 if form.is_valid() else 422)


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    new_key = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = api_token_create(
                actor=request.user, user=request.user, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            form = TokenCreateForm()
    return render(
        request,
        "core/token_list.html",
        {"form": form, "tokens": selectors.api_token_list(actor=request.user), "new_key": new_key},
        status=422 if request.method == "POST" and new_key is None else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = selectors.api_token_get(actor=request.user, token_id=token_id)
        api_token_revoke(actor=request.user, token=token)
    except DomainError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.message) from None
        messages.error(request, error.message)
    else:
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("core:token-list")


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_event_list(
        actor=request.user,
        action=filters.get("action", ""),
        agency_code=filters.get("agency", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def attachment_response(attachment) -> FileResponse:
    """A stored file: images shown inline, other files downloaded, with headers that stop
    the browser from reading it as anything else. Modules serve their own files through
    this after their own permission check."""
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type or mimetypes.guess_type(attachment.file.name)[0],
        as_attachment=not attachment.content_type.startswith("image/"),
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/job_list.html",
                  {"jobs": selectors.job_list(actor=request.user)})


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """A background job's page: progress in real steps while it runs (htmx polls the
    fragment), then a heading saying how it ended and its result."""
    try:
        job = selectors.job_get(actor=request.user, job_id=job_id)
    except DomainError:
        raise Http404 from None
    kind = job_kinds().get(job.kind)
    template = "core/_job_progress.html" if request.htmx else "core/job_detail.html"
    response = render(request, template, {
        "job": job, "result_template": kind.result_template if kind else "",
    })
    # A job's result may name people or hold figures not yet published.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def job_file(request: HttpRequest, job_id: int) -> FileResponse:
    try:
        job = selectors.job_get(actor=request.user, job_id=job_id)
    except DomainError:
        raise Http404 from None
    if not job.result_file:
        raise Http404
    response = FileResponse(job.result_file.open("rb"), as_attachment=True,
                            filename=job.result_name or job.result_file.name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def attachment_download(request: HttpRequest, uuid) -> FileResponse:
    try:
        attachment = selectors.attachment_get(actor=request.user, uuid=uuid)
    except DomainError:
        raise Http404 from None
    return attachment_response(attachment)


@require_GET
def map_districts(request: HttpRequest) -> JsonResponse:
    """The district boundaries every map draws (no tile server needed)."""
    document = selectors.district_boundaries()
    if document is None:
        raise Http404
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False,
                                                         "separators": (",", ":")})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the database answers; when did the worker last run?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        database = "unavailable"
    # Jobs waiting in the database for the queue (Redis) to answer again (decision 0149).
    held = selectors.held_jobs_count() if database == "ok" else None
    last_seen = worker_last_seen()
    body = {
        "database": database,
        "worker_last_seen": last_seen.isoformat() if last_seen else None,
        "held_jobs": held,
        "version": yankao.__version__,
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)
