"""Every change to a case: intake, routing, handling, extension, transfer, merge, closing.

The state machine (CaseStatus):

    registered → assigned → in_progress → replied | field_reported → closed
                    ↑            ↕ supplement
                    └── transferred (art. 172, with notice)
    registered | assigned | in_progress | supplement → closed   (merged; filed, art. 173)

Each function checks the actor's role, validates, writes in one transaction and records
exactly one audit event per state change. No case is ever deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.contrib.auth.hashers import check_password, make_password
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from psycopg.errors import UniqueViolation

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.hashers import SERVER_SECRET_HASHER
from yankao.core.inserts import insert_new, pipelined, reserve_keys
from yankao.core.models import Agency, Attachment, District, PersonalContact, Role
from yankao.core.permissions import require_role
from yankao.core.services.attachments import attachment_create, attachment_validate
from yankao.core.services.audit import audit_batch, audit_record
from yankao.core.services.notifications import notification_queue
from yankao.core.services.vault import (
    personal_contact_bind,
    personal_contact_reveal,
    personal_contact_store,
)
from yankao.core.validation import clean_text, full_clean
from yankao.servicedesk import access
from yankao.servicedesk.audit import ServicedeskAction as Action
from yankao.servicedesk.models import (
    ACTIVE_ASSIGNMENT,
    DESCRIPTION_MAX,
    OPEN_STATUSES,
    Assignment,
    AssignmentStatus,
    Case,
    CaseKind,
    CaseStatus,
    Category,
    CloseReason,
    Extension,
    ExtensionStatus,
    FilingGround,
    Subscription,
    Survey,
    UpdateKind,
)
from yankao.servicedesk.services.citizen import (
    reporter_subscribe,
    update_record,
    updates_record,
)
from yankao.servicedesk.services.policy import (
    deadline_rule_for,
    due_time,
    location_check,
    nearest_district,
    new_case_number,
    new_case_password,
    route_for,
)

PHOTO_MAX_BYTES = 5 * 1024 * 1024


def _save(obj, exclude: list[str] | None = None) -> None:
    """Validate the fields, then save. Related rows are the service's own lookups (no
    existence query per foreign key), and check constraints are left to the database,
    which enforces them on the INSERT: an intake then costs about half the queries."""
    related = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    full_clean(obj, exclude=[*(exclude or []), *related], validate_constraints=False)
    obj.save()


def _locked(case: Case) -> Case:
    """The case row, locked for this transaction, so two officers cannot both move it."""
    return Case.objects.select_for_update().get(pk=case.pk)


def _audit(actor, action: Action, case: Case, *, from_state: str = "",
           to_state: str = "",
           reason: str = "", data: dict | None = None, actor_label: str | None = None,
           obj=None) -> None:
    audit_record(actor=actor, action=action, obj=obj or case, agency=case.agency,
                 from_state=from_state, to_state=to_state, reason=reason, data=data,
                 actor_label=actor_label)


# --- intake ---------------------------------------------------------------------------------


def case_register(
    *,
    actor,
    category: Category,
    description: str,
    channel: str,
    kind: str | None = None,
    petition_kind: str = "",
    latitude=None,
    longitude=None,
    address: str = "",
    district: District | None = None,
    confidential: bool = False,
    media_url: str = "",
    attributes: dict | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    reporter_address: str = "",
    photos: Sequence[UploadedFile] = (),
    with_password: bool = False,
    submission_key: str | None = None,
    actor_label: str | None = None,
    registered_at: dt.datetime | None = None,
    language: str | None = None,
) -> tuple[Case, str]:
    """登錄: register a case; dispatch cases are routed at once (派工), others wait for the
    registrar. Returns (case, password); the password is "" unless ``with_password``.

    Staff callers need the operator or registrar role. ``actor=None`` is the citizen portal,
    Open311 or an import (named by ``actor_label``). A second call with the same
    ``submission_key`` returns the first case instead of creating another. A reporter who
    gives an e-mail follows the case from the start (in ``language``, by default the
    request's): the acknowledgement and every public update reach them.
    """
    access.require_intake(actor)
    if not category.active or category.parent_id is None:
        raise DomainError(ErrorCode.INVALID, _("Choose an active sub-category."),
                          field="category")
    description = clean_text(description or "").strip()
    if not description:
        raise DomainError(ErrorCode.INVALID, _("Describe the problem."), field="description")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            ErrorCode.INVALID,
            _("The description is longer than %(max)s characters.") % {"max": DESCRIPTION_MAX},
            field="description",
        )
    latitude, longitude = location_check(latitude, longitude)
    address = (address or "").strip()
    if latitude is None and not address:
        raise DomainError(ErrorCode.INVALID, _("Give a location: a map point or an address."),
                          field="address")
    if district is None and latitude is not None:
        district = nearest_district(latitude, longitude)
        if district is None:
            raise DomainError(ErrorCode.INVALID, _("The location is outside the city."),
                              field="lat")
    for photo in photos:
        attachment_validate(photo, kinds=("image",), max_bytes=PHOTO_MAX_BYTES)
    kind = kind or category.kind
    now = timezone.now()
    registered_at = registered_at or now
    password = new_case_password() if with_password else ""
    # Dispatch cases are routed with the report (派工): agency and due time go into the
    # case's INSERT, so nothing is read back or updated after it.
    route = None
    if kind == CaseKind.DISPATCH and (agency := route_for(category, district)) is not None:
        route = (agency, due_time(deadline_rule_for(kind, category, registered_at.date()),
                                  registered_at))
    fields = {
        "kind": kind, "channel": channel,
        "petition_kind": petition_kind if kind in (CaseKind.PETITION, CaseKind.MAILBOX) else "",
        "category": category, "description": description, "latitude": latitude,
        "longitude": longitude, "address": address[:200], "district": district,
        "confidential": confidential, "media_url": media_url or "",
        "attributes": attributes or {},
        "password_hash": make_password(password, hasher=SERVER_SECRET_HASHER)
        if password else "",
        "submission_key": submission_key or None,
        "created_by": actor if not access.is_system(actor) else None,
        "registered_at": registered_at, "updated_at": now,
    }
    reporter = {"name": reporter_name, "phone": reporter_phone, "email": reporter_email,
                "address": reporter_address}
    # The unique constraints on number and submission key decide races: a clash rolls the
    # whole intake back (no probe before the INSERT, no savepoint around it); a second
    # submission of the same form then finds the first case, a clash of the random number
    # takes another.
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                case = _intake_write(actor, fields, route=route, reporter=reporter,
                                     photos=photos, actor_label=actor_label,
                                     language=language)
            return case, password
        except (_NumberTaken, IntegrityError) as error:
            # In the pipeline a clash of the case's number or submission key is raised by
            # a later statement or at its end, with the table it concerns.
            if not isinstance(error, _NumberTaken) and not _clashed_on_case(error):
                raise
            if submission_key:
                existing = Case.objects.filter(submission_key=submission_key).first()
                if existing is not None:
                    return existing, ""
    raise DomainError(ErrorCode.CONFLICT, _("Could not number the case; try again."))


# Draws of a case number before the intake gives up. With a fraction f of the day's million
# numbers taken, all draws clash with probability f ** 10: once in ten million intakes when a
# fifth of them are taken (200,000 cases in one day, eighty times Kaohsiung's average).
NUMBER_ATTEMPTS = 10


# The case's fields an intake takes from its caller, validated before the INSERT; the
# server sets the others (number, status, routing, times, keys) or leaves their defaults.
INTAKE_FIELDS = frozenset({
    "kind", "channel", "petition_kind", "description", "latitude", "longitude", "address",
    "confidential", "media_url", "attributes", "submission_key", "registered_at",
})


class _NumberTaken(Exception):
    """The case's INSERT met a unique constraint (number or submission key)."""


def _intake_write(actor, fields: dict, *, route, reporter: dict,
                  photos: Sequence[UploadedFile], actor_label: str | None,
                  language: str | None) -> Case:
    """The writes of one intake, inside its transaction: the case (routed, when ``route``
    is an (agency, due time)), its reporter in the vault, the reporter's subscription, its
    public updates, its assignment and its audit events, each table in one INSERT.

    On PostgreSQL the keys of the case, contact and assignment are reserved first (with
    the BEGIN, one round trip), and the INSERTs then go to the server as one statement
    (decisions 0147 and 0151); on SQLite they run in order, each new key read back."""
    case = Case(number=new_case_number(fields["registered_at"]), **fields)
    if route is not None:
        agency, due = route
        case.status, case.agency, case.dispatched_at, case.due_at = (
            CaseStatus.ASSIGNED, agency, case.registered_at, due)
    full_clean(case, fields=INTAKE_FIELDS, validate_unique=False, validate_constraints=False)
    registered_at = case.registered_at
    with_contact = any(reporter.values())
    # Only the rows others point at need a key before the pipeline ends (none on SQLite).
    keyed = [Case, *([PersonalContact] if with_contact else []),
             *([Assignment] if route is not None else [])]
    with pipelined(), audit_batch():
        # Drawn with the transaction's BEGIN, in the pipeline's first round trip.
        keys = dict(zip(keyed, reserve_keys(*keyed) or [], strict=False))
        case.pk = keys.get(Case)
        # The reporter's contact first, so the case's INSERT carries its pointer: the
        # new case is never updated (an UPDATE would write all its indexes again).
        contact = None
        if with_contact:
            contact = personal_contact_store(actor=actor, owner=case, bind_later=True,
                                             key=keys.get(PersonalContact), **reporter)
            case.contact = contact
        try:
            # In a pipeline a clash is raised later, at its end (see case_register).
            insert_new([case])
        except IntegrityError as error:
            raise _NumberTaken from error
        _audit(actor, Action.CASE_REGISTER, case, to_state=CaseStatus.REGISTERED,
               data={"channel": case.channel, "kind": case.kind,
                     "category": case.category.code},
               actor_label=actor_label)
        if contact is not None:
            if not contact.owner_id:
                personal_contact_bind(contact, case)
            reporter_subscribe(case=case, contact=contact,
                               language=language or get_language() or "zh-hant")
        updates = [(UpdateKind.RECEIVED, CaseStatus.REGISTERED, None)]
        assignment = None
        if route is not None:
            agency, due = route
            assignment = Assignment(pk=keys.get(Assignment), case=case, agency=agency,
                                    is_lead=True, assigned_at=registered_at, due_at=due)
            # Every value of the assignment is the server's own: nothing to validate.
            insert_new([assignment])
            _audit(actor, Action.CASE_ASSIGN, case, from_state=CaseStatus.REGISTERED,
                   to_state=CaseStatus.ASSIGNED,
                   data={"agencies": [agency.code], "due_at": due.isoformat()},
                   actor_label=actor_label)
            updates.append((UpdateKind.ASSIGNED, CaseStatus.ASSIGNED, agency))
        # The e-mails of the updates and the officers' notice: one job, after the commit.
        updates_record(case=case, updates=updates, at=registered_at,
                       assignment_id=assignment.pk if assignment is not None else None)
        for photo in photos:
            attachment_create(actor=actor, upload=photo, owner=case, kinds=("image",),
                              max_bytes=PHOTO_MAX_BYTES)
    return case


def _clashed_on_case(error: IntegrityError) -> bool:
    """Whether PostgreSQL refused the case's own INSERT as a duplicate (its number or
    submission key: the only unique keys a new case can meet)."""
    cause = error.__cause__
    return isinstance(cause, UniqueViolation) and cause.diag.table_name == Case._meta.db_table


# --- routing --------------------------------------------------------------------------------


def _assign(actor, case: Case, agencies: Iterable[Agency], *, lead: Agency,
            actor_label: str | None = None, at: dt.datetime | None = None) -> Case:
    case = _locked(case)
    if case.status not in (CaseStatus.REGISTERED, CaseStatus.ASSIGNED):
        raise DomainError(ErrorCode.INVALID_STATE,
                          _("Only a new or assigned case can be routed."))
    at = at or timezone.now()
    rule = deadline_rule_for(case.kind, case.category, at.date())
    # Dispatch: the 4-hour clock runs from dispatch. Others: from registration.
    start = at if case.kind == CaseKind.DISPATCH else case.registered_at
    due = due_time(rule, start)
    existing = set(case.assignments.filter(status__in=ACTIVE_ASSIGNMENT)
                   .values_list("agency_id", flat=True))
    created = []
    for agency in dict.fromkeys(agencies):
        if agency.pk in existing:
            continue
        assignment = Assignment(case=case, agency=agency, is_lead=agency == lead,
                                assigned_at=at, due_at=due)
        _save(assignment, exclude=["case"])
        created.append(assignment)
    if not created:
        raise DomainError(ErrorCode.CONFLICT, _("These agencies already handle the case."))
    previous = case.status
    case.status = CaseStatus.ASSIGNED
    case.agency = case.agency or lead
    case.dispatched_at = case.dispatched_at or at
    case.due_at = case.assignments.filter(status__in=ACTIVE_ASSIGNMENT).aggregate(
        due=Max("due_at"))["due"]
    case.updated_at = timezone.now()
    case.save(update_fields=["status", "agency", "dispatched_at", "due_at", "updated_at"])
    # Files reach the handling agency with the case.
    Attachment.objects.filter(owner_id=str(case.pk), agency__isnull=True,
                              owner_type__model="case").update(agency=case.agency)
    _audit(actor, Action.CASE_ASSIGN, case, from_state=previous, to_state=CaseStatus.ASSIGNED,
           data={"agencies": [a.agency.code for a in created], "due_at": due.isoformat()},
           actor_label=actor_label)
    update_record(case=case, kind=UpdateKind.ASSIGNED, agency=lead, at=at)
    for assignment in created:
        transaction.on_commit(
            lambda pk=assignment.pk: assignment_notify_later(assignment_id=pk))
    return case


def assignment_notify_later(*, assignment_id: int) -> None:
    """Queue the officers' e-mail of a new assignment for the job worker (after the
    commit)."""
    from yankao.servicedesk.tasks import assignment_notify_job

    assignment_notify_job(assignment_id)


def assignment_notify(*, assignment_id: int) -> int:
    """Tell the officers of the agency a new case is theirs, and when it is due."""
    from yankao.servicedesk.tasks import agency_recipients

    assignment = Assignment.objects.select_related("case", "agency", "case__category") \
        .filter(pk=assignment_id).first()
    if assignment is None:
        return 0
    due = timezone.localtime(assignment.due_at).strftime("%Y-%m-%d %H:%M")
    return len(notification_queue(
        kind="servicedesk.assigned",
        recipients=agency_recipients(assignment.agency_id, Role.OFFICER),
        subject=_("New case %(number)s for %(agency)s, due %(due)s") % {
            "number": assignment.case.number, "agency": assignment.agency.label_zh,
            "due": due},
        body=_("Case %(number)s (%(category)s) is assigned to %(agency)s and is due at "
               "%(due)s. Open it in the service desk's inbox.") % {
            "number": assignment.case.number, "category": assignment.case.category.name_zh,
            "agency": assignment.agency.label_zh, "due": due},
        dedupe_key=f"sd-assigned:{assignment.pk}", obj=assignment.case,
        agency=assignment.agency))


def case_assign(*, actor, case: Case, agencies: Sequence[Agency],
                lead: Agency | None = None) -> Case:
    """分案: route a case to one or more agencies, each with its own due time."""
    access.require_registrar(actor)
    if not agencies:
        raise DomainError(ErrorCode.INVALID, _("Choose at least one agency."), field="agencies")
    with transaction.atomic():
        return _assign(actor, case, agencies, lead=lead or agencies[0])


def case_bulk_assign(*, actor, cases: Sequence[Case], agency: Agency | None = None
                     ) -> list[Case]:
    """Route several cases at once: to ``agency``, or each by its routing rule."""
    access.require_registrar(actor)
    routed = []
    with transaction.atomic():
        for case in cases:
            target = agency or route_for(case.category, case.district)
            if target is None:
                raise DomainError(
                    ErrorCode.INVALID,
                    _("No routing rule for case %(number)s; choose an agency.")
                    % {"number": case.number},
                )
            routed.append(_assign(actor, case, [target], lead=target))
    return routed


# --- handling -------------------------------------------------------------------------------


def assignment_accept(*, actor, assignment: Assignment, officer=None) -> Assignment:
    """承辦: the agency takes the case (optionally naming the officer); in progress."""
    access.require_handler(actor, assignment.agency)
    with transaction.atomic():
        case = _locked(assignment.case)
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.status not in ACTIVE_ASSIGNMENT:
            raise DomainError(ErrorCode.INVALID_STATE, _("This assignment is finished."))
        if officer is not None and not access.handles(officer, assignment.agency):
            raise DomainError(ErrorCode.INVALID, _("The officer is not of this agency."),
                              field="officer")
        assignment.status = AssignmentStatus.IN_PROGRESS
        assignment.accepted_at = assignment.accepted_at or timezone.now()
        assignment.officer = officer or assignment.officer or (
            actor if not access.is_system(actor) else None)
        assignment.save(update_fields=["status", "accepted_at", "officer"])
        if case.status == CaseStatus.ASSIGNED:
            case.status = CaseStatus.IN_PROGRESS
            case.updated_at = timezone.now()
            case.save(update_fields=["status", "updated_at"])
            _audit(actor, Action.CASE_ACCEPT, case, from_state=CaseStatus.ASSIGNED,
                   to_state=CaseStatus.IN_PROGRESS, data={"agency": assignment.agency.code})
            update_record(case=case, kind=UpdateKind.OPENED, agency=assignment.agency)
        else:
            _audit(actor, Action.ASSIGNMENT_ACCEPT, case, data={"agency": assignment.agency.code},
                   obj=assignment)
    return assignment


def assignment_bulk_accept(*, actor, assignments: Sequence[Assignment], officer=None
                           ) -> list[Assignment]:
    """Take several cases at once in the inbox, optionally for one officer."""
    with transaction.atomic():
        return [assignment_accept(actor=actor, assignment=a, officer=officer)
                for a in assignments]


def assignment_reply(*, actor, assignment: Assignment, reply: str,
                     at: dt.datetime | None = None,
                     photos: Sequence[UploadedFile] = ()) -> Case:
    """回覆 (or 現場回報 for dispatch): the agency's answer, with photos of the repaired
    site (public). When every handling agency has answered, the case is replied
    (field-reported) and its handling time is recorded."""
    access.require_handler(actor, assignment.agency)
    reply = (reply or "").strip()
    if not reply:
        raise DomainError(ErrorCode.INVALID, _("Write the reply."), field="reply")
    if len(reply) > DESCRIPTION_MAX:
        raise DomainError(ErrorCode.INVALID, _("The reply is too long."), field="reply")
    for photo in photos:
        attachment_validate(photo, kinds=("image",), max_bytes=PHOTO_MAX_BYTES)
    with transaction.atomic():
        case = _locked(assignment.case)
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.status not in ACTIVE_ASSIGNMENT or case.status not in (
                CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS):
            raise DomainError(ErrorCode.INVALID_STATE, _("This case cannot be answered now."))
        now = at or timezone.now()
        assignment.status = AssignmentStatus.REPLIED
        assignment.replied_at = now
        assignment.accepted_at = assignment.accepted_at or now
        assignment.reply = reply
        if assignment.officer_id is None and not access.is_system(actor):
            assignment.officer = actor
        assignment.save(update_fields=["status", "replied_at", "accepted_at", "reply",
                                       "officer"])
        _audit(actor, Action.ASSIGNMENT_REPLY, case, data={"agency": assignment.agency.code},
               obj=assignment)
        if not case.assignments.filter(status__in=ACTIVE_ASSIGNMENT).exists():
            previous = case.status
            case.status = (CaseStatus.FIELD_REPORTED if case.kind == CaseKind.DISPATCH
                           else CaseStatus.REPLIED)
            case.answered_at = now
            start = case.dispatched_at if case.kind == CaseKind.DISPATCH else case.registered_at
            case.handling_seconds = max(0, int((now - start).total_seconds()))
            case.status_notes = reply
            case.updated_at = timezone.now()
            case.save(update_fields=["status", "answered_at", "handling_seconds",
                                     "status_notes", "updated_at"])
            _audit(actor, Action.CASE_ANSWER, case, from_state=previous, to_state=case.status)
        update_record(case=case, kind=UpdateKind.ANSWERED, text=reply,
                      agency=assignment.agency, at=now)
        for photo in photos:
            attachment_create(actor=actor, upload=photo, owner=case, kinds=("image",),
                              max_bytes=PHOTO_MAX_BYTES, is_public=True)
    return case


def supplement_request(*, actor, assignment: Assignment, request_text: str) -> Case:
    """補正: ask the citizen for more information; the case waits for it."""
    access.require_handler(actor, assignment.agency)
    if not (request_text or "").strip():
        raise DomainError(ErrorCode.INVALID, _("Say what is missing."), field="request_text")
    with transaction.atomic():
        case = _locked(assignment.case)
        if case.status not in (CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS):
            raise DomainError(ErrorCode.INVALID_STATE, _("This case cannot wait for a "
                                                         "supplement now."))
        previous = case.status
        case.status = CaseStatus.SUPPLEMENT
        case.status_notes = request_text.strip()
        case.updated_at = timezone.now()
        case.save(update_fields=["status", "status_notes", "updated_at"])
        _audit(actor, Action.CASE_SUPPLEMENT_REQUEST, case, from_state=previous,
               to_state=CaseStatus.SUPPLEMENT, reason=request_text.strip())
        update_record(case=case, kind=UpdateKind.SUPPLEMENT, text=request_text,
                      agency=assignment.agency)
    return case


def supplement_provide(*, case: Case, text: str) -> Case:
    """The citizen answers a supplement request (on the tracking page, after the password)."""
    text = (text or "").strip()
    if not text:
        raise DomainError(ErrorCode.INVALID, _("Write your answer."), field="text")
    with transaction.atomic():
        case = _locked(case)
        if case.status != CaseStatus.SUPPLEMENT:
            raise DomainError(ErrorCode.INVALID_STATE, _("No supplement is requested."))
        if len(case.description) + len(text) + 2 > DESCRIPTION_MAX:
            raise DomainError(ErrorCode.INVALID, _("The answer is too long."), field="text")
        case.description = f"{case.description}\n\n{text}"
        case.status = CaseStatus.IN_PROGRESS
        case.updated_at = timezone.now()
        case.save(update_fields=["description", "status", "updated_at"])
        _audit(None, Action.CASE_SUPPLEMENT_PROVIDE, case, from_state=CaseStatus.SUPPLEMENT,
               to_state=CaseStatus.IN_PROGRESS, actor_label="citizen")
        # The citizen's own words may hold personal data: the update only says it came.
        update_record(case=case, kind=UpdateKind.SUPPLEMENT_PROVIDED)
    return case


# --- extensions, transfers, merges -----------------------------------------------------------


def extension_request(*, actor, assignment: Assignment, reason: str, notice: str,
                      new_due_at: dt.datetime) -> Extension:
    """申請展延: ask the section chief for a later due time, with the notice to the citizen."""
    require_role(actor, *access.HANDLER_ROLES, agency=assignment.agency)  # a person
    if not (reason or "").strip():
        raise DomainError(ErrorCode.INVALID, _("Give the reason."), field="reason")
    if not (notice or "").strip():
        raise DomainError(ErrorCode.INVALID, _("Write the notice to the citizen."),
                          field="notice")
    if new_due_at <= assignment.due_at:
        raise DomainError(ErrorCode.INVALID, _("The new due time must be later."),
                          field="new_due_at")
    if assignment.case.kind in (CaseKind.PETITION, CaseKind.MAILBOX):
        limit = assignment.case.registered_at + dt.timedelta(days=60)
        if new_due_at > limit:
            raise DomainError(ErrorCode.INVALID, _("A petition may be extended once, to at "
                                                   "most 60 days."), field="new_due_at")
    with transaction.atomic():
        if not Assignment.objects.select_for_update().filter(
                pk=assignment.pk, status__in=ACTIVE_ASSIGNMENT).exists():
            raise DomainError(ErrorCode.INVALID_STATE, _("This assignment is finished."))
        if assignment.extensions.filter(status=ExtensionStatus.PENDING).exists():
            raise DomainError(ErrorCode.CONFLICT, _("An extension is already waiting."))
        extension = Extension(
            assignment=assignment, requested_by=actor, requested_at=timezone.now(),
            reason=reason.strip(), notice=notice.strip(), new_due_at=new_due_at,
        )
        _save(extension)
        _audit(actor, Action.EXTENSION_REQUEST, assignment.case, obj=extension,
               to_state=ExtensionStatus.PENDING, reason=extension.reason,
               data={"new_due_at": new_due_at.isoformat()})
    return extension


def extension_decide(*, actor, extension: Extension, approve: bool, note: str = ""
                     ) -> Extension:
    """A section chief of the handling agency approves or rejects; not their own request."""
    require_role(actor, Role.SECTION_CHIEF, agency=extension.assignment.agency)  # a person
    if extension.requested_by_id == actor.pk:
        raise DomainError(ErrorCode.FORBIDDEN, _("Someone else must approve your own request."))
    with transaction.atomic():
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        if extension.status != ExtensionStatus.PENDING:
            raise DomainError(ErrorCode.INVALID_STATE, _("This request is already decided."))
        extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        extension.decided_by = actor
        extension.decided_at = timezone.now()
        extension.save(update_fields=["status", "decided_by", "decided_at"])
        case = _locked(extension.assignment.case)
        if approve:
            assignment = extension.assignment
            assignment.due_at = extension.new_due_at
            assignment.save(update_fields=["due_at"])
            case.due_at = case.assignments.filter(status__in=ACTIVE_ASSIGNMENT).aggregate(
                due=Max("due_at"))["due"]
            case.status_notes = extension.notice
            case.updated_at = timezone.now()
            case.save(update_fields=["due_at", "status_notes", "updated_at"])
        _audit(actor, Action.EXTENSION_DECIDE, case, obj=extension,
               from_state=ExtensionStatus.PENDING, to_state=extension.status, reason=note)
        if approve:
            update_record(case=case, kind=UpdateKind.EXTENDED, text=extension.notice,
                          agency=extension.assignment.agency)
    return extension


def case_transfer(*, actor, assignment: Assignment, to_agency: Agency, notice: str) -> Case:
    """移送 (行政程序法 art. 172): hand the case to the competent agency, telling the citizen."""
    access.require_registrar_or_handler(actor, assignment.agency)
    if not (notice or "").strip():
        raise DomainError(ErrorCode.INVALID, _("Write the notice to the citizen."),
                          field="notice")
    if to_agency == assignment.agency:
        raise DomainError(ErrorCode.INVALID, _("Choose another agency."), field="to_agency")
    with transaction.atomic():
        case = _locked(assignment.case)
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.status not in ACTIVE_ASSIGNMENT:
            raise DomainError(ErrorCode.INVALID_STATE, _("This assignment is finished."))
        now = timezone.now()
        rule = deadline_rule_for(case.kind, case.category, now.date())
        start = now if case.kind == CaseKind.DISPATCH else case.registered_at
        successor = Assignment(case=case, agency=to_agency, is_lead=assignment.is_lead,
                               assigned_at=now, due_at=max(due_time(rule, start),
                                                           assignment.due_at))
        _save(successor, exclude=["case"])
        assignment.status = AssignmentStatus.TRANSFERRED
        assignment.transferred_to = successor
        assignment.save(update_fields=["status", "transferred_to"])
        previous = case.status
        case.status = CaseStatus.ASSIGNED
        if assignment.is_lead:
            case.agency = to_agency
        case.due_at = case.assignments.filter(status__in=ACTIVE_ASSIGNMENT).aggregate(
            due=Max("due_at"))["due"]
        case.status_notes = notice.strip()
        case.updated_at = now
        case.save(update_fields=["status", "agency", "due_at", "status_notes", "updated_at"])
        Attachment.objects.filter(owner_id=str(case.pk), owner_type__model="case").update(
            agency=case.agency)
        _audit(actor, Action.CASE_TRANSFER, case, from_state=previous,
               to_state=CaseStatus.ASSIGNED, reason=notice.strip(),
               data={"from": assignment.agency.code, "to": to_agency.code})
        update_record(case=case, kind=UpdateKind.TRANSFERRED, text=notice, agency=to_agency)
        transaction.on_commit(
            lambda: assignment_notify_later(assignment_id=successor.pk))
    return case


def _close_unhandled(case: Case, reason: str, notes: str, *, extra_fields: list[str]) -> None:
    """Close an open case that gets no answer of its own (merged, filed): its open
    assignments end, and it is closed now."""
    now = timezone.now()
    case.assignments.filter(status__in=ACTIVE_ASSIGNMENT).update(
        status=AssignmentStatus.TRANSFERRED)
    case.status = CaseStatus.CLOSED
    case.close_reason = reason
    case.closed_at = now
    case.updated_at = now
    case.status_notes = notes
    case.save(update_fields=["status", "close_reason", "closed_at", "updated_at",
                             "status_notes", *extra_fields])


def case_merge(*, actor, case: Case, into: Case, reason: str = "") -> Case:
    """併案: close a duplicate into the case that is being handled."""
    access.require_registrar(actor)
    if case.pk == into.pk:
        raise DomainError(ErrorCode.INVALID, _("A case cannot be merged into itself."))
    with transaction.atomic():
        case = _locked(case)
        into = _locked(into)
        if case.status not in OPEN_STATUSES:
            raise DomainError(ErrorCode.INVALID_STATE, _("Only an open case can be merged."))
        if into.merged_into_id:
            raise DomainError(ErrorCode.INVALID, _("That case was itself merged."),
                              field="into")
        previous = case.status
        case.merged_into = into
        _close_unhandled(case, CloseReason.MERGED,
                         _("Merged into case %(number)s.") % {"number": into.number},
                         extra_fields=["merged_into"])
        _audit(actor, Action.CASE_MERGE, case, from_state=previous, to_state=CaseStatus.CLOSED,
               reason=reason, data={"into": into.number})
        update_record(case=case, kind=UpdateKind.MERGED, text=case.status_notes)
        # Whoever followed the duplicate now follows the case that is being handled.
        following = set(into.subscriptions.values_list("email_hash", flat=True))
        Subscription.objects.filter(case=case, status=Subscription.Status.ACTIVE).exclude(
            email_hash__in=following).update(case=into)
    return case


def case_downgrade(*, actor, case: Case, reason: str) -> Case:
    """A dispatch report that is no immediate hazard: handled as a petition-style case, and
    counted apart from the 4-hour rate."""
    access.require_registrar_or_handler(actor, case.agency)
    if not (reason or "").strip():
        raise DomainError(ErrorCode.INVALID, _("Give the reason."), field="reason")
    with transaction.atomic():
        case = _locked(case)
        if case.kind != CaseKind.DISPATCH or case.downgraded or case.status not in OPEN_STATUSES:
            raise DomainError(ErrorCode.INVALID_STATE, _("Only an open dispatch case can be "
                                                         "downgraded."))
        case.downgraded = True
        case.updated_at = timezone.now()
        case.save(update_fields=["downgraded", "updated_at"])
        _audit(actor, Action.CASE_DOWNGRADE, case, reason=reason.strip())
    return case


# --- closing --------------------------------------------------------------------------------


def case_close(*, actor, case: Case, note: str = "") -> Case:
    """結案 after the answer; offers the satisfaction survey."""
    access.require_registrar_or_handler(actor, case.agency)
    with transaction.atomic():
        case = _locked(case)
        if case.status not in (CaseStatus.REPLIED, CaseStatus.FIELD_REPORTED):
            raise DomainError(ErrorCode.INVALID_STATE, _("Only an answered case can be "
                                                         "closed."))
        previous = case.status
        now = timezone.now()
        case.status = CaseStatus.CLOSED
        case.close_reason = CloseReason.HANDLED
        case.closed_at = now
        case.updated_at = now
        if note.strip():
            case.status_notes = note.strip()
        case.save(update_fields=["status", "close_reason", "closed_at", "updated_at",
                                 "status_notes"])
        Survey.objects.get_or_create(case=case, defaults={"invited_at": now})
        _audit(actor, Action.CASE_CLOSE, case, from_state=previous, to_state=CaseStatus.CLOSED,
               reason=note.strip())
        update_record(case=case, kind=UpdateKind.CLOSED, text=note)
    return case


def case_file_without_handling(*, actor, case: Case, ground: str, note: str = "") -> Case:
    """存查 (行政程序法 art. 173): registered, then closed without handling — never deleted."""
    access.require_registrar(actor)
    if ground not in FilingGround.values:
        raise DomainError(ErrorCode.INVALID, _("Choose the ground of art. 173."), field="ground")
    with transaction.atomic():
        case = _locked(case)
        if case.status not in OPEN_STATUSES:
            raise DomainError(ErrorCode.INVALID_STATE, _("This case is already answered."))
        previous = case.status
        case.filing_ground = ground
        _close_unhandled(case, CloseReason.FILED, str(FilingGround(ground).label),
                         extra_fields=["filing_ground"])
        _audit(actor, Action.CASE_FILE, case, from_state=previous, to_state=CaseStatus.CLOSED,
               reason=note, data={"ground": ground})
        update_record(case=case, kind=UpdateKind.FILED, text=case.status_notes)
    return case


# --- the citizen ----------------------------------------------------------------------------


def case_password_check(case: Case, password: str) -> bool:
    return bool(case.password_hash) and check_password(password or "", case.password_hash)


def survey_answer(*, case: Case, score: int, comment: str = "") -> Survey:
    """The citizen's satisfaction with a closed case, once."""
    if score not in range(1, 6):
        raise DomainError(ErrorCode.INVALID, _("Choose a score from 1 to 5."), field="score")
    with transaction.atomic():
        survey = Survey.objects.select_for_update().filter(case=case).first()
        if survey is None:
            raise DomainError(ErrorCode.INVALID_STATE, _("The survey opens when the case "
                                                         "closes."))
        if survey.answered_at:
            raise DomainError(ErrorCode.CONFLICT, _("You have already answered."))
        survey.score = score
        survey.comment = (comment or "").strip()[:1000]
        survey.answered_at = timezone.now()
        survey.save(update_fields=["score", "comment", "answered_at"])
        _audit(None, Action.SURVEY_ANSWER, case, obj=survey, actor_label="citizen",
               data={"score": score})
    return survey


def reporter_contact_reveal(*, actor, case: Case, reason: str = "") -> PersonalContact:
    """The reporter's contact, to an officer of an agency handling the case (logged)."""
    if case.contact_id is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("The reporter left no contact details."))
    handling = list(case.assignments.exclude(status=AssignmentStatus.TRANSFERRED)
                    .values_list("agency_id", flat=True))
    return personal_contact_reveal(actor=actor, contact=case.contact,
                                   handling_agencies=handling, reason=reason)

