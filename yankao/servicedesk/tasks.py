"""Periodic jobs of the service desk (huey): reminders before the due time, escalations
after it. "Due soon" and "overdue" are computed by the selectors at the moment the job
runs; nothing is stored on the case. Each email is recorded (core Notification) and sent
once per assignment, however often the job runs."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from yankao.core.models import Membership, Role
from yankao.core.services.notifications import notification_queue
from yankao.servicedesk.models import ACTIVE_ASSIGNMENT, Assignment
from yankao.servicedesk.selectors import due_flags


def agency_recipients(agency_id: int, role: str) -> list[str]:
    return list(Membership.objects.filter(agency_id=agency_id, role=role, active=True,
                                          user__is_active=True).exclude(user__email="")
                .values_list("user__email", flat=True))


def deadline_reminders_send(*, now=None) -> dict[str, int]:
    """Remind the officers of assignments due soon; escalate overdue ones to the section
    chiefs. Returns how many notifications were recorded now."""
    now = now or timezone.now()
    sent = {"reminders": 0, "escalations": 0}
    open_assignments = Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT).select_related(
        "case", "agency").annotate(**due_flags(prefix="case__", now=now))
    for assignment in open_assignments.filter(is_due_soon=True).iterator():
        recipients = ([assignment.officer.email] if assignment.officer_id and
                      assignment.officer.email else agency_recipients(assignment.agency_id,
                                                                Role.OFFICER))
        sent["reminders"] += len(notification_queue(
            kind="servicedesk.reminder", recipients=recipients,
            subject=_("Case %(number)s is due at %(due)s") % {
                "number": assignment.case.number,
                "due": timezone.localtime(assignment.due_at).strftime("%Y-%m-%d %H:%M")},
            body=_("Please answer case %(number)s before it is due.") % {
                "number": assignment.case.number},
            dedupe_key=f"sd-reminder:{assignment.pk}:{assignment.due_at:%Y%m%d%H%M}",
            obj=assignment.case, agency=assignment.agency))
    for assignment in open_assignments.filter(due_at__lt=now).iterator():
        sent["escalations"] += len(notification_queue(
            kind="servicedesk.escalation",
            recipients=agency_recipients(assignment.agency_id, Role.SECTION_CHIEF),
            subject=_("Case %(number)s is overdue") % {"number": assignment.case.number},
            body=_("Case %(number)s of %(agency)s passed its due time without an answer.")
            % {"number": assignment.case.number, "agency": assignment.agency.name_zh},
            dedupe_key=f"sd-escalation:{assignment.pk}:{assignment.due_at:%Y%m%d%H%M}",
            obj=assignment.case, agency=assignment.agency))
    return sent


@db_periodic_task(crontab(minute="*/10"))
def deadline_reminders() -> None:
    deadline_reminders_send()


# The notice jobs send nothing twice (each notification has its dedupe key), so a job that
# failed (the database restarting, the mail queue out of reach) runs again.
NOTICE_RETRIES, NOTICE_RETRY_DELAY = 3, 60


@db_task(retries=NOTICE_RETRIES, retry_delay=NOTICE_RETRY_DELAY)
def assignment_notify_job(assignment_id: int) -> None:
    """The officers' e-mail of a new assignment, off the request that routed the case."""
    from yankao.servicedesk.services.cases import assignment_notify

    assignment_notify(assignment_id=assignment_id)


@db_task(retries=NOTICE_RETRIES, retry_delay=NOTICE_RETRY_DELAY)
def update_notify_job(update_ids: list[int], assignment_id: int | None = None) -> None:
    """The e-mails of public updates (reporter, followers), in order, off the request; an
    intake adds the officers' notice of its assignment (one job per intake)."""
    from yankao.servicedesk.services.cases import assignment_notify
    from yankao.servicedesk.services.citizen import update_notify

    for update_id in update_ids:
        update_notify(update_id=update_id)
    if assignment_id is not None:
        assignment_notify(assignment_id=assignment_id)
