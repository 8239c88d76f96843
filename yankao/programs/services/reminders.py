"""Reminders to agency officers: a month's report due within three days, or overdue."""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _

from yankao.core.models import Membership, Role
from yankao.core.services.notifications import notification_queue
from yankao.programs.models import Program, ProgressReport
from yankao.programs.selectors.policy import report_due_on

DUE_SOON_DAYS = 3


def report_reminders_queue(*, today: dt.date) -> int:
    """Queue one email per officer and program for last month's missing report: once when
    it is due within three days, once when it is overdue. Returns the emails queued."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    due_on = report_due_on(year=year, month=month)
    if today > due_on:
        kind = "overdue"
    elif (due_on - today).days <= DUE_SOON_DAYS:
        kind = "due_soon"
    else:
        return 0
    reported = ProgressReport.objects.filter(program__year=year, month=month).values(
        "program_id")
    programs = Program.objects.filter(year=year, plans__status="approved").exclude(
        pk__in=reported).select_related("agency").distinct()
    emails: dict[int, list[str]] = {}
    for agency_id, email in Membership.objects.filter(
        role=Role.OFFICER, active=True, user__is_active=True
    ).exclude(user__email="").values_list("agency_id", "user__email"):
        emails.setdefault(agency_id, []).append(email)
    queued = 0
    with translation.override("zh-hant"):
        for program in programs:
            recipients = emails.get(program.agency_id, [])
            if not recipients:
                continue
            values = {"code": program.code, "name": program.name_zh, "year": year,
                      "month": month, "due": due_on.isoformat()}
            subject = (_("Overdue: progress report %(year)s-%(month)02d of %(code)s")
                       if kind == "overdue" else
                       _("Due soon: progress report %(year)s-%(month)02d of %(code)s")) % values
            body = _("The progress report of %(code)s %(name)s for %(year)s-%(month)02d is "
                     "due on %(due)s and has not been submitted.") % values
            queued += len(notification_queue(
                kind=f"programs.report_{kind}", recipients=recipients, subject=subject,
                body=body, dedupe_key=f"programs:report:{program.pk}:{year}-{month}:{kind}",
                obj=program, agency=program.agency))
    return queued
