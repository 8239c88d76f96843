"""Writes for tenders and their monthly progress, the late-update reminders, and the tender
importer (``yankao import tenders csv FILE``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.imports import ImportResult, no_progress, read_rows, require_columns
from yankao.core.models import Agency, District
from yankao.core.permissions import can_administer, require_role
from yankao.core.services.attachments import attachment_create
from yankao.core.services.audit import audit_record
from yankao.core.services.notifications import notification_queue
from yankao.core.validation import full_clean
from yankao.works.access import AGENCY_ROLES, TEAM_ROLES, team_agency
from yankao.works.audit import WorksAction
from yankao.works.models import (
    Arrangement,
    MonthlyProgress,
    PriorityFlag,
    ProgressCheck,
    Tender,
    month_key,
)
from yankao.works.policy import policy_on
from yankao.works.rules import month_end, month_start, progress_due_at
from yankao.works.services.common import (
    PHOTO_KINDS,
    agency_officer_emails,
    now_taipei,
    validate_photos,
)


def _require_tender_writer(actor, agency: Agency) -> None:
    if actor is None or can_administer(actor):
        return
    require_role(actor, *AGENCY_ROLES, agency=agency)


def tender_save(*, actor, agency: Agency, pcc_number: str, title: str, budget_amount: int,
                contract_amount: int, awarded_on: dt.date, contractor: str, supervisor: str,
                start_date: dt.date, end_date: dt.date, status: str = Tender.Status.IN_PROGRESS,
                planned_curve: list | None = None, location: str = "",
                district: District | None = None, latitude: Decimal | None = None,
                longitude: Decimal | None = None, arrangement: str = Arrangement.OWN,
                new: bool = False) -> Tender:
    """Create a tender, or update the one with this PCC number (as registered in the PCC
    tender system). Administrators, or officers of the agency. ``new``: refuse a number
    that is already registered (a form for a new tender must not overwrite another).
    A tender needs its budget amount: the yearly minimum of inspections counts tenders by
    it (§4)."""
    if new and Tender.objects.filter(pcc_number=pcc_number.strip()).exists():
        raise DomainError(ErrorCode.CONFLICT, _("A tender with this PCC number is already "
                                                "registered; open it to correct it."),
                          field="pcc_number")
    tender, _state = _tender_save(
        actor=actor, agency=agency, pcc_number=pcc_number, title=title,
        budget_amount=budget_amount, contract_amount=contract_amount, awarded_on=awarded_on,
        contractor=contractor, supervisor=supervisor, start_date=start_date, end_date=end_date,
        status=status, planned_curve=planned_curve, location=location, district=district,
        latitude=latitude, longitude=longitude, arrangement=arrangement)
    return tender


def _tender_save(*, actor, agency: Agency, pcc_number: str, district: District | None,
                 planned_curve: list | None, **fields) -> tuple[Tender, str]:
    """(tender, "created" | "updated" | "unchanged")."""
    _require_tender_writer(actor, agency)
    budget = fields.get("budget_amount")
    if budget is None or isinstance(budget, bool) or not isinstance(budget, int) or budget <= 0:
        raise DomainError(ErrorCode.INVALID, _("A tender needs its budget amount (NT$, more "
                                               "than 0): the yearly minimum of inspections "
                                               "counts tenders by it."), field="budget_amount")
    if fields.get("arrangement", Arrangement.OWN) not in Arrangement.values:
        raise DomainError(ErrorCode.INVALID, _("Carried out as: own, subsidised or "
                                               "delegated."), field="arrangement")
    with transaction.atomic():
        tender = Tender.objects.select_for_update().filter(pcc_number=pcc_number.strip()).first()
        created = tender is None
        if tender is None:
            tender = Tender(pcc_number=pcc_number.strip())
        elif tender.agency_id != agency.pk:
            _require_tender_writer(actor, tender.agency)
        before = tender.status if not created else ""
        values = {name: value.strip() if isinstance(value, str) else value
                  for name, value in fields.items()}
        values["planned_curve"] = planned_curve or []
        changed = created or tender.agency_id != agency.pk or tender.district_id != (
            district.pk if district else None) or any(
            getattr(tender, name) != value for name, value in values.items())
        if not changed:
            return tender, "unchanged"
        tender.agency, tender.district = agency, district
        for name, value in values.items():
            setattr(tender, name, value)
        full_clean(tender)
        tender.save()
        audit_record(actor=actor,
                     action=WorksAction.TENDER_CREATE if created else WorksAction.TENDER_UPDATE,
                     obj=tender, from_state=before, to_state=tender.status)
    return tender, "created" if created else "updated"


def progress_check_record(*, actor, tender: Tender, month: dt.date, finding: str,
                          note: str = "", checked_at: dt.datetime | None = None
                          ) -> ProgressCheck:
    """進度書面查核: the inspection team's written check of ``tender``'s progress in
    ``month`` (a month that has begun). Asking the agency to act, or putting the tender
    forward for an inspection, needs a note saying why. Recording the same tender and month
    again corrects the check."""
    if actor is not None:
        require_role(actor, *TEAM_ROLES)
    now = checked_at or now_taipei()
    month = month_start(month)
    if month > month_start(now.date()):
        raise DomainError(ErrorCode.INVALID, _("That month has not begun."), field="month")
    if finding not in ProgressCheck.Finding.values:
        raise DomainError(ErrorCode.INVALID, _("Choose a finding."), field="finding")
    note = note.strip()
    if finding in (ProgressCheck.Finding.ACTION, ProgressCheck.Finding.INSPECT) and not note:
        raise DomainError(ErrorCode.INVALID, _("Say what the agency must do, or why the site "
                                               "is to be inspected."), field="note")
    with transaction.atomic():
        check = ProgressCheck.objects.select_for_update().filter(tender=tender,
                                                                 month=month).first()
        action = (WorksAction.PROGRESS_CHECK_UPDATE if check
                  else WorksAction.PROGRESS_CHECK_RECORD)
        before = check.finding if check else ""
        check = check or ProgressCheck(tender=tender, month=month)
        check.finding, check.note, check.checked_at = finding, note, now
        check.checked_by = actor if actor is not None and actor.is_authenticated else None
        full_clean(check)
        check.save()
        audit_record(actor=actor, action=action, obj=check, agency=tender.agency,
                     from_state=before, to_state=finding, data={"month": month_key(month)})
    return check


def priority_flag_record(*, actor, tender: Tender, source: str, note: str,
                         noted_on: dt.date | None = None, reference: str = "") -> PriorityFlag:
    """Record why ``tender`` should be inspected first: a media report or a contractor's
    report (工程施工查核小組作業辦法 §4 ¶3 item 1, from 2023-08-09), a designation by the
    competent authority or the team's agency (item 4) — the inspection team — or the
    agency's own request for an inspection (§4 ¶4) — its officers. It stays on the
    priority list for a year from its date."""
    if source not in PriorityFlag.Source.values:
        raise DomainError(ErrorCode.INVALID, _("Choose where the reason comes from."),
                          field="source")
    if actor is not None:
        if source == PriorityFlag.Source.AGENCY_REQUEST:
            require_role(actor, *AGENCY_ROLES, agency=tender.agency)
        else:
            require_role(actor, *TEAM_ROLES)
    note = (note or "").strip()
    if not note:
        raise DomainError(ErrorCode.INVALID, _("Say what the report or request says."),
                          field="note")
    now = now_taipei()
    noted_on = noted_on or now.date()
    if noted_on > now.date():
        raise DomainError(ErrorCode.INVALID, _("The date is in the future."), field="noted_on")
    with transaction.atomic():
        flag = PriorityFlag(tender=tender, source=source, noted_on=noted_on,
                            reference=reference.strip(), note=note, recorded_at=now,
                            recorded_by=actor if actor is not None
                            and actor.is_authenticated else None)
        full_clean(flag)
        flag.save()
        # A request is the agency's own; the team's reasons stay the team's (unannounced).
        request = source == PriorityFlag.Source.AGENCY_REQUEST
        audit_record(actor=actor, action=WorksAction.PRIORITY_FLAG_RECORD, obj=flag,
                     agency=(tender.agency if request else
                             team_agency(actor) if actor is not None else None),
                     to_state=source,
                     data={"tender": tender.pcc_number, "noted_on": noted_on.isoformat()})
    return flag


def progress_submit(
    *,
    actor,
    tender: Tender,
    month: dt.date,
    actual_percent: Decimal,
    amount_spent: int,
    delay_reason: str = "",
    stopped: bool = False,
    stoppage_days: int = 0,
    stoppage_reason: str = "",
    design_change: bool = False,
    design_change_note: str = "",
    regression_reason: str = "",
    planned_percent: Decimal | None = None,
    photos: Sequence[UploadedFile] = (),
    submitted_at: dt.datetime | None = None,
) -> MonthlyProgress:
    """每月進度填報: the progress of ``month`` (a month that has begun), by an officer of the
    tender's agency. Behind schedule needs a reason; so does an actual % lower than the
    month before, a stoppage and a design change. Photos must be images. Re-submitting a
    month updates it; the first submission time decides whether it was on time."""
    if actor is not None:
        require_role(actor, *AGENCY_ROLES, agency=tender.agency)
    now = submitted_at or now_taipei()
    month = month_start(month)
    try:
        actual = Decimal(str(actual_percent)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise DomainError(ErrorCode.INVALID, _("The actual progress must be a number."),
                          field="actual_percent") from None
    if not Decimal("0") <= actual <= Decimal("100"):
        raise DomainError(ErrorCode.INVALID,
                          _("The actual progress must be from 0% to 100%."),
                          field="actual_percent")
    if month > month_start(now.date()):
        raise DomainError(ErrorCode.INVALID, _("That month has not begun yet."), field="month")
    if month < month_start(tender.start_date):
        raise DomainError(ErrorCode.INVALID, _("The tender had not started in that month."),
                          field="month")
    if amount_spent is None or amount_spent < 0:
        raise DomainError(ErrorCode.INVALID, _("The amount spent cannot be negative."),
                          field="amount_spent")
    planned = planned_percent if planned_percent is not None else tender.planned_percent(month)
    if planned is None:
        raise DomainError(ErrorCode.INVALID,
                          _("The tender has no planned curve; give the planned progress."),
                          field="planned_percent")
    planned = Decimal(str(planned)).quantize(Decimal("0.01"))
    if not Decimal("0") <= planned <= Decimal("100"):
        raise DomainError(ErrorCode.INVALID, _("The planned progress must be from 0% to 100%."),
                          field="planned_percent")
    if actual < planned and not delay_reason.strip():
        raise DomainError(ErrorCode.INVALID,
                          _("The tender is behind schedule: give the reason for the delay."),
                          field="delay_reason")
    previous = (MonthlyProgress.objects.filter(tender=tender, month__lt=month)
                .order_by("-month").first())
    if previous is not None and actual < previous.actual_percent and not regression_reason.strip():
        raise DomainError(
            ErrorCode.INVALID,
            _("The actual progress is lower than the %(previous)s%% reported for %(month)s: "
              "give the reason.") % {"previous": previous.actual_percent,
                                     "month": month_key(previous.month)},
            field="regression_reason")
    if stopped and not stoppage_reason.strip():
        raise DomainError(ErrorCode.INVALID, _("Give the reason for the stoppage."),
                          field="stoppage_reason")
    if stoppage_days and not stopped:
        raise DomainError(ErrorCode.INVALID, _("Days stopped are given, but no stoppage."),
                          field="stoppage_days")
    if design_change and not design_change_note.strip():
        raise DomainError(ErrorCode.INVALID, _("Describe the design change."),
                          field="design_change_note")
    validate_photos(photos)
    policy = policy_on(month)
    with transaction.atomic():
        row = MonthlyProgress.objects.select_for_update().filter(tender=tender,
                                                                  month=month).first()
        created = row is None
        before = "" if created else str(row.actual_percent)
        if created:
            row = MonthlyProgress(tender=tender, month=month, submitted_at=now,
                                  due_at=progress_due_at(month, policy.progress_update_day))
        row.planned_percent, row.actual_percent = planned, actual
        row.amount_spent = amount_spent
        row.delay_reason = delay_reason.strip() if actual < planned else ""
        row.stopped, row.stoppage_days = stopped, stoppage_days if stopped else 0
        row.stoppage_reason = stoppage_reason.strip() if stopped else ""
        row.design_change = design_change
        row.design_change_note = design_change_note.strip() if design_change else ""
        row.regression_reason = regression_reason.strip()
        row.updated_at = now
        row.submitted_by = actor if actor is not None else None
        full_clean(row, exclude=["tender", "submitted_by"])
        row.save()
        for photo in photos:
            attachment_create(actor=actor, upload=photo, owner=row, agency=tender.agency,
                              kinds=PHOTO_KINDS)
        audit_record(actor=actor,
                     action=WorksAction.PROGRESS_SUBMIT if created else WorksAction.PROGRESS_UPDATE,
                     obj=row, agency=tender.agency, from_state=before,
                     to_state=str(row.actual_percent),
                     data={"month": month_key(month), "planned": str(planned),
                           "on_time": row.on_time})
    return row


def progress_reminders_send(*, today: dt.date) -> int:
    """催報: remind each agency's officers of the tenders whose progress of last month is
    missing after the update day. Safe to run every day: each reminder goes once."""
    month = month_start(month_start(today) - dt.timedelta(days=1))
    policy = policy_on(month)
    if today.day <= policy.progress_update_day:
        return 0
    active = Tender.objects.filter(start_date__lte=month_end(month)).exclude(
        status__in=[Tender.Status.COMPLETED, Tender.Status.PLANNED]
    ).exclude(progress__month=month).select_related("agency").order_by("agency_id", "pcc_number")
    late: dict[int, list[Tender]] = defaultdict(list)
    for tender in active:
        late[tender.agency_id].append(tender)
    sent = 0
    for agency_id, tenders in late.items():
        agency = tenders[0].agency
        lines = "\n".join(f"- {tender.pcc_number} {tender.title}" for tender in tenders)
        created = notification_queue(
            kind="works.progress_late",
            recipients=agency_officer_emails(agency_id),
            subject=f"[研考] {agency.name_zh} {month:%Y-%m} 標案進度尚未填報 ({len(tenders)})",
            body=(f"下列標案 {month:%Y-%m} 之執行進度，應於 {policy.progress_update_day} "
                  f"日前填報，尚未填報：\n{lines}\n\n"
                  f"The progress of {month:%Y-%m} of these tenders was due by day "
                  f"{policy.progress_update_day} and is missing."),
            dedupe_key=f"works.progress_late:{agency_id}:{month_key(month)}",
            agency=agency,
        )
        sent += len(created)
    return sent


ARRANGEMENT_WORDS = {"": Arrangement.OWN, "own": Arrangement.OWN, "自辦": Arrangement.OWN,
                     "subsidised": Arrangement.SUBSIDISED, "補助": Arrangement.SUBSIDISED,
                     "delegated": Arrangement.DELEGATED, "委託": Arrangement.DELEGATED,
                     "委託其他機關辦理": Arrangement.DELEGATED}


def _whole(row: dict, name: str) -> int:
    text = row.get(name, "").replace(",", "").strip()
    if not text:
        raise ValueError(f"{name}: missing")
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{name}: not a whole number") from None


def _day(row: dict, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(row.get(name, "").strip())
    except ValueError:
        raise ValueError(f"{name}: not a date (YYYY-MM-DD)") from None


def tenders_import(path: Path, *, actor, progress=no_progress) -> ImportResult:
    """Tenders from a CSV or XLSX export of the PCC tender system. Columns: pcc_number,
    agency_code, title, budget_amount, contract_amount, awarded_on, contractor, supervisor,
    start_date, end_date; optional status, location, district_code, latitude, longitude,
    arrangement (own / subsidised / delegated, or 自辦 / 補助 / 委託). A row without a budget
    amount is refused, naming the field."""
    required = ["pcc_number", "agency_code", "title", "budget_amount", "contract_amount",
                "awarded_on", "contractor", "supervisor", "start_date", "end_date"]
    headers, rows = read_rows(path)
    require_columns(headers, required, path)
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    districts = {district.code: district for district in District.objects.all()}
    result = ImportResult()
    for done, (number, row) in enumerate(rows, start=1):
        progress(done)
        agency = agencies.get(row["agency_code"])
        if agency is None:
            result.reject(number, "agency_code: unknown agency")
            continue
        arrangement = ARRANGEMENT_WORDS.get(row.get("arrangement", "").strip().lower())
        if arrangement is None:
            result.reject(number, "arrangement: not own, subsidised or delegated")
            continue
        try:
            values = dict(
                pcc_number=row["pcc_number"], title=row["title"],
                budget_amount=_whole(row, "budget_amount"),
                contract_amount=_whole(row, "contract_amount"),
                awarded_on=_day(row, "awarded_on"),
                contractor=row["contractor"], supervisor=row["supervisor"],
                start_date=_day(row, "start_date"), end_date=_day(row, "end_date"),
                status=row.get("status") or Tender.Status.IN_PROGRESS,
                location=row.get("location", ""),
                district=districts.get(row.get("district_code", "")),
                latitude=Decimal(row["latitude"]) if row.get("latitude") else None,
                longitude=Decimal(row["longitude"]) if row.get("longitude") else None,
                arrangement=arrangement,
            )
        except ValueError as error:
            result.reject(number, str(error))
            continue
        except InvalidOperation:
            result.reject(number, "latitude or longitude: not a number")
            continue
        existing = Tender.objects.filter(pcc_number=values["pcc_number"]).first()
        try:
            _tender, state = _tender_save(
                actor=actor, agency=agency,
                planned_curve=existing.planned_curve if existing else [], **values)
        except DomainError as error:
            result.reject(number, f"{error.field}: {error.message}" if error.field
                          else error.message)
            continue
        setattr(result, state, getattr(result, state) + 1)
    return result
