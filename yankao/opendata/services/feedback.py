"""What the public sends: data requests (我想要更多) and comments on datasets (我有話要說).

Each is held for moderation; once published it goes to the answering agency, which has a
number of working days on the city's calendar (``RequestPolicy``) to answer. The sender's
contact lives in the vault (core.services.vault) and is used only to send the answer.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from yankao.core.calendar import END_OF_DAY, TAIPEI, WorkingCalendar
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, Membership, Role
from yankao.core.services.audit import audit_record
from yankao.core.services.notifications import notification_queue
from yankao.core.services.vault import personal_contact_store
from yankao.opendata.access import require_manager, require_moderator
from yankao.opendata.audit import OpendataAction
from yankao.opendata.models import DataRequest, Dataset, DatasetComment, RequestPolicy
from yankao.opendata.services.common import actor_user, invalid, now, today_taipei

MAX_TEXT = 4000


def _number(model, prefix: str, moment: dt.datetime) -> str:
    stem = f"{prefix}{moment:%Y}-"
    last = (model.objects.select_for_update().filter(number__startswith=stem)
            .order_by("-number").values_list("number", flat=True).first())
    return f"{stem}{(int(last.rsplit('-', 1)[1]) + 1) if last else 1:05d}"


def answer_days(day: dt.date) -> int:
    policy = RequestPolicy.objects.filter(effective_from__lte=day).order_by(
        "-effective_from").first()
    if policy is None:
        raise DomainError(ErrorCode.INVALID_STATE, _("No answer deadline is set (open data → "
                                                     "answer deadlines)."))
    return policy.answer_working_days


def _check_text(body: str, display_name: str) -> tuple[str, str]:
    body, display_name = body.strip(), display_name.strip()
    if not body:
        raise invalid(_("Write what you would like to say."), "body")
    if len(body) > MAX_TEXT:
        raise invalid(_("At most %(count)s characters.") % {"count": MAX_TEXT}, "body")
    if len(display_name) > 60:
        raise invalid(_("At most 60 characters."), "display_name")
    return body, display_name


def data_request_submit(*, actor, title: str, body: str, display_name: str = "",
                        email: str = "", submitted_at: dt.datetime | None = None
                        ) -> DataRequest:
    """A member of the public asks for data; it waits for moderation."""
    body, display_name = _check_text(body, display_name)
    title = title.strip()
    if not title:
        raise invalid(_("Say what data you would like."), "title")
    if len(title) > 200:
        raise invalid(_("At most 200 characters."), "title")
    moment = submitted_at or now()
    with transaction.atomic():
        item = DataRequest(number=_number(DataRequest, "DR", moment), title=title, body=body,
                           display_name=display_name, submitted_at=moment)
        item.save(force_insert=True)
        _store_contact(actor, item, email)
        audit_record(actor=actor, action=OpendataAction.REQUEST_SUBMIT, obj=item,
                     to_state=item.status)
    return item


def dataset_comment_submit(*, actor, dataset: Dataset, body: str, display_name: str = "",
                           email: str = "", submitted_at: dt.datetime | None = None
                           ) -> DatasetComment:
    """A comment on a dataset everyone can see; it waits for moderation."""
    if not dataset.is_public:
        raise DomainError(ErrorCode.NOT_FOUND)
    body, display_name = _check_text(body, display_name)
    moment = submitted_at or now()
    with transaction.atomic():
        item = DatasetComment(number=_number(DatasetComment, "DC", moment), dataset=dataset,
                              body=body, display_name=display_name, submitted_at=moment,
                              agency=dataset.agency)
        item.save(force_insert=True)
        _store_contact(actor, item, email)
        audit_record(actor=actor, action=OpendataAction.COMMENT_SUBMIT, obj=item,
                     agency=dataset.agency, to_state=item.status)
    return item


def _store_contact(actor, item, email: str) -> None:
    email = email.strip()
    if not email:
        return
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(email)
    except ValidationError:
        raise invalid(_("Enter a valid e-mail address."), "email") from None
    item.contact = personal_contact_store(actor=actor, owner=item, email=email)
    item.save(update_fields=["contact"])


def _may_moderate(actor, item) -> None:
    if isinstance(item, DatasetComment) and actor is not None:
        try:
            require_moderator(actor)
        except DomainError:
            require_manager(actor, item.dataset.agency)
        return
    require_moderator(actor)


def feedback_moderate(*, actor, item: DataRequest | DatasetComment, publish: bool,
                      agency: Agency | None = None, reason: str = "",
                      moderated_at: dt.datetime | None = None):
    """Publish (and send to the answering agency, whose deadline starts now) or refuse.
    The commission moderates; an agency may moderate comments on its own datasets."""
    _may_moderate(actor, item)
    is_request = isinstance(item, DataRequest)
    model = DataRequest if is_request else DatasetComment
    moment = moderated_at or now()
    with transaction.atomic():
        item = model.objects.select_for_update().get(pk=item.pk)
        if item.status != item.Status.SUBMITTED:
            raise DomainError(ErrorCode.INVALID_STATE, _("It has already been moderated."))
        if publish:
            answering = agency if is_request else item.dataset.agency
            if answering is None:
                raise invalid(_("Choose the agency that answers."), "agency")
            days = answer_days(moment.date())
            item.agency = answering
            item.due_at = WorkingCalendar.load().deadline_in_working_days(moment, days)
            item.status = item.Status.OPEN
        else:
            reason = reason.strip()
            if not reason:
                raise invalid(_("Say why it is not published."), "reason")
            item.status, item.rejection_reason = item.Status.REJECTED, reason[:200]
        item.moderated_at, item.moderated_by = moment, actor_user(actor)
        item.save()
        action = OpendataAction.REQUEST_MODERATE if is_request else \
            OpendataAction.COMMENT_MODERATE
        audit_record(actor=actor, action=action, obj=item, agency=item.agency,
                     from_state=item.Status.SUBMITTED, to_state=item.status, reason=reason)
        if publish:
            _notify_agency(item, _("To answer by %(due)s") % {"due": f"{item.due_at:%Y-%m-%d}"})
    return item


def feedback_answer(*, actor, item: DataRequest | DatasetComment, answer: str,
                    dataset: Dataset | None = None, answered_at: dt.datetime | None = None):
    """The answering agency's reply, published with the item and sent to the sender."""
    if item.agency_id is None:
        raise DomainError(ErrorCode.INVALID_STATE, _("It has not been published yet."))
    require_manager(actor, item.agency_id)
    answer = answer.strip()
    if not answer:
        raise invalid(_("Write the answer."), "answer")
    is_request = isinstance(item, DataRequest)
    model = DataRequest if is_request else DatasetComment
    moment = answered_at or now()
    with transaction.atomic():
        item = model.objects.select_for_update().get(pk=item.pk)
        if item.status != item.Status.OPEN:
            raise DomainError(ErrorCode.INVALID_STATE, _("Only a published, unanswered item "
                                                         "can be answered."))
        item.answer, item.answered_at, item.answered_by = answer, moment, actor_user(actor)
        item.status = item.Status.ANSWERED
        if is_request and dataset is not None:
            if not dataset.is_public:
                raise invalid(_("Point to a published dataset."), "dataset")
            item.dataset = dataset
        item.save()
        action = OpendataAction.REQUEST_ANSWER if is_request else OpendataAction.COMMENT_ANSWER
        audit_record(actor=actor, action=action, obj=item, agency=item.agency,
                     from_state=item.Status.OPEN, to_state=item.status,
                     data={"on_time": item.answered_on_time})
        if item.contact_id:
            notification_queue(
                kind="opendata.answer", recipients=[item.contact.email],
                subject=_("Your message %(number)s has been answered") % {"number": item.number},
                body=answer, dedupe_key=f"opendata.answer:{item.number}", obj=item,
                agency=item.agency)
    return item


def _officer_emails(agency_id: int) -> list[str]:
    return sorted(set(Membership.objects.filter(
        agency_id=agency_id, role__in=[Role.OFFICER, Role.SECTION_CHIEF], active=True,
        user__is_active=True).exclude(user__email="").values_list("user__email", flat=True)))


def _notify_agency(item, note: str) -> None:
    label = getattr(item, "title", "") or item.number
    notification_queue(
        kind="opendata.feedback", recipients=_officer_emails(item.agency_id),
        subject=_("Open data: %(number)s awaits your answer") % {"number": item.number},
        body=f"{label}\n\n{item.body}\n\n{note}",
        dedupe_key=f"opendata.feedback:{item.number}:{today_taipei():%Y%m%d}", obj=item,
        agency=item.agency)


def answer_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind agencies of open items due within two working days, or overdue (once a day)."""
    calendar = WorkingCalendar.load()
    day = today or today_taipei()
    horizon = dt.datetime.combine(calendar.add_working_days(day, 2), END_OF_DAY, tzinfo=TAIPEI)
    sent = 0
    for model in (DataRequest, DatasetComment):
        for item in model.objects.filter(status=model.Status.OPEN, due_at__lte=horizon):
            _notify_agency(item, _("Due %(due)s") % {"due": f"{item.due_at:%Y-%m-%d}"})
            sent += 1
    return sent
