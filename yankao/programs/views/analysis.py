"""The commission's monthly analysis: page, printable report (HTML, PDF) and XLSX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from yankao.core.charts import chart_svg
from yankao.core.context_processors import HTML_LANG
from yankao.core.documents import render_pdf
from yankao.core.exports import table_response
from yankao.programs import selectors
from yankao.programs.charts import as_spec, overview_chart, trend_chart
from yankao.programs.forms import AnalysisFilterForm
from yankao.programs.models import ProgressReport
from yankao.programs.selectors import (
    BEHIND,
    DELAY_CLASSES,
    NOT_REPORTED,
    ON_TRACK,
    SEVERELY_BEHIND,
)
from yankao.programs.selectors._figures import points_text


def _period(request: HttpRequest) -> tuple[AnalysisFilterForm, int, int]:
    """The year and month asked for; by default the latest month with reports."""
    years = selectors.program_years(actor=request.user) or [timezone.localdate().year]
    data = request.GET.copy()
    if "year" not in data:
        data["year"] = str(years[0])
    form = AnalysisFilterForm(data, years=years)
    year = form.cleaned_data["year"] if form.is_valid() else years[0]
    if form.is_valid() and "month" in request.GET:
        month = form.cleaned_data["month"]
    else:
        months = selectors.program_list(actor=request.user, year=year).filter(
            reports__isnull=False).values_list("reports__month", flat=True)
        month = max(months, default=12)
        data["month"] = str(month)
        form = AnalysisFilterForm(data, years=years)
        form.is_valid()
    return form, year, month


def analysis_context(actor, year: int, month: int, *, chart_width="container") -> dict:
    """Every figure of the monthly analysis, each from its one selector."""
    counts = selectors.delay_class_counts(actor=actor, year=year, month=month)
    policy = selectors.policy_for_month(year, month)
    labels = selectors.delay_class_labels(policy)
    overview = selectors.agency_month_overview(actor=actor, year=year, through_month=month)
    trend = selectors.delay_class_trend(actor=actor, year=year, through_month=month)
    quarter = (month - 1) // 3 + 1
    risks = selectors.quarterly_risk_ratings(actor=actor, year=year, quarter=quarter)
    risk_counts = {level: sum(1 for r in risks if r.rating == level)
                   for level in (selectors.HIGH, selectors.MEDIUM, selectors.LOW)}
    summary = _(
        "%(year)s-%(month)02d: %(total)s programs; %(on_track)s on schedule or less than "
        "%(minor)s points behind (%(on_track_share)s%%), %(behind)s %(minor)s points or more "
        "behind (%(behind_share)s%%), of which %(severe)s %(severe_points)s points or more; "
        "%(missing)s not reported.") % {
        "year": year, "month": month, "total": counts.total, "on_track": counts.on_track,
        "minor": points_text(policy.delay_minor_points),
        "on_track_share": counts.share(ON_TRACK) or 0, "behind": counts.behind_total,
        "behind_share": counts.share("behind_total") or 0, "severe": counts.severely_behind,
        "severe_points": points_text(policy.delay_severe_points),
        "missing": counts.not_reported}
    worst = [row.agency_name for row in overview
             if row.months and row.months[-1].severely_behind]
    overview_description = _(
        "Agencies by month, each cell coloured by the worst delay class of the agency's "
        "programs and labelled behind/reported. In month %(month)s, %(count)s agencies have "
        "a program %(severe)s points or more behind%(names)s.") % {
        "month": month, "count": len(worst),
        "severe": points_text(policy.delay_severe_points),
        "names": (": " + "、".join(worst[:12]) + ("…" if len(worst) > 12 else "")) if worst
        else ""}
    trend_description = "; ".join(
        _("month %(month)s: %(on_track)s on track, %(behind)s behind, %(severe)s severely "
          "behind, %(missing)s not reported") % {
            "month": c.month, "on_track": c.on_track, "behind": c.behind,
            "severe": c.severely_behind, "missing": c.not_reported}
        for c in trend)
    return {
        "year": year, "month": month, "quarter": quarter, "counts": counts, "policy": policy,
        "labels": labels, "classes": [*DELAY_CLASSES, NOT_REPORTED],
        "class_rows": [
            (name, labels[name],
             counts.not_reported if name == NOT_REPORTED else getattr(counts, name),
             counts.share(name))
            for name in (ON_TRACK, BEHIND, SEVERELY_BEHIND, NOT_REPORTED)],
        "by_agency": selectors.delay_class_by_agency(actor=actor, year=year, month=month),
        "overview": overview,
        "overview_chart": as_spec(overview_chart(overview, labels, width=chart_width)),
        "overview_description": overview_description,
        "trend": trend,
        "trend_chart": as_spec(trend_chart(trend, labels, width=chart_width)),
        "trend_description": trend_description,
        "late": selectors.late_reports(actor=actor, year=year, month=month),
        "risks": [r for r in risks if r.rating != selectors.LOW],
        "risk_counts": risk_counts,
        "summary": summary,
        "generated_at": timezone.localtime(),
        "minor_points": points_text(policy.delay_minor_points),
        "charts": True,
    }


@login_required
@require_GET
def analysis(request: HttpRequest) -> HttpResponse:
    form, year, month = _period(request)
    context = analysis_context(request.user, year, month)
    context["form"] = form
    context["pending"] = selectors.review_queue(actor=request.user).filter(
        status=ProgressReport.Status.UNIT_APPROVED).count()
    return render(request, "programs/analysis.html", context)


def _xlsx(context: dict) -> HttpResponse:
    labels = context["labels"]
    headers = [_("Agency"), _("Programs"), labels[ON_TRACK], labels[BEHIND],
               labels[SEVERELY_BEHIND], labels[NOT_REPORTED],
               _("Share on track (%)"), _("Share behind (%)")]
    rows = [[row.agency_name, row.total, row.on_track, row.behind, row.severely_behind,
             row.not_reported, row.share(ON_TRACK), row.share("behind_total")]
            for row in context["by_agency"]]
    counts = context["counts"]
    rows.append([_("All agencies"), counts.total, counts.on_track, counts.behind,
                 counts.severely_behind, counts.not_reported, counts.share(ON_TRACK),
                 counts.share("behind_total")])
    year, month = context["year"], context["month"]
    return table_response(headers=headers, rows=rows, fmt="xlsx",
                          filename=_("monthly-analysis-%(year)s-%(month)02d")
                          % {"year": year, "month": month},
                          title=f"{year}-{month:02d}")


@login_required
@require_GET
def analysis_report(request: HttpRequest, fmt: str) -> HttpResponse:
    """月分析報告 as a printable page (html), a PDF or a spreadsheet (xlsx)."""
    if fmt not in ("html", "pdf", "xlsx"):
        raise Http404
    _form, year, month = _period(request)
    context = analysis_context(request.user, year, month, chart_width=640)
    if fmt == "xlsx":
        return _xlsx(context)
    context.update(printable=True, html_lang=HTML_LANG.get(get_language(), "zh-Hant-TW"),
                   overview_svg=chart_svg(context["overview_chart"]),
                   trend_svg=chart_svg(context["trend_chart"]))
    if fmt == "html":
        return render(request, "programs/analysis_report.html", context)
    pdf = render_pdf("programs/analysis_report.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="monthly-analysis-{year}-{month:02d}.pdf"')
    return response
