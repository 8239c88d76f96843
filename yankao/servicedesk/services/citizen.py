"""The citizen's side of the service desk: public updates, following by e-mail, moderation.

Every public step of a case writes one :class:`CaseUpdate` (inside the step's own
transaction). After the commit, the update goes by e-mail to the reporter and to whoever
follows the case or its district, each in their language and with a one-click
unsubscribe. Addresses live in the vault; reading one to send a notice is logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.inserts import insert_new
from yankao.core.masking import mask_personal_data, mask_phrase
from yankao.core.models import Agency, District, Notification, Role
from yankao.core.permissions import has_role
from yankao.core.services.audit import audit_record
from yankao.core.services.notifications import bounce_handlers, notification_queue
from yankao.core.services.vault import personal_contact_for_notice, personal_contact_store
from yankao.servicedesk.audit import ServicedeskAction
from yankao.servicedesk.models import (
    DESCRIPTION_MAX,
    AssignmentStatus,
    Case,
    CaseUpdate,
    Subscription,
    UpdateKind,
)

NOTICE_KIND = "servicedesk.update"
CONFIRM_KIND = "servicedesk.follow"
SURVEY_SALT = "yankao.servicedesk.survey"
LANGUAGES = ("zh-hant", "en")


def is_public(case: Case) -> bool:
    """Whether the case is on the public pages (and Open311): not confidential, of a
    category offered to the public."""
    return not case.confidential and case.category.public


def public_description(case: Case) -> str:
    """The description as the public sees it: the moderator's version, or the original with
    personal data masked."""
    return case.public_description or mask_personal_data(case.description)


def public_update_text(update: CaseUpdate) -> str:
    return update.public_text or mask_personal_data(update.text)


def _email_hash(email: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), email.strip().lower().encode(),
                    hashlib.sha256).hexdigest()


def _language(language: str | None) -> str:
    language = (language or "").lower()
    return "en" if language.startswith("en") else "zh-hant"


def _absolute(path: str) -> str:
    return f"{settings.YANKAO_BASE_URL.rstrip('/')}{path}"


# --- updates ----------------------------------------------------------------------------


def update_record(*, case: Case, kind: str, text: str = "", agency: Agency | None = None,
                  at: dt.datetime | None = None) -> CaseUpdate:
    """Write one public update of ``case`` (call inside the step's transaction, after the
    case is saved); its e-mails go after the commit."""
    update = CaseUpdate.objects.create(
        case=case, kind=kind, status=case.status, text=(text or "").strip()[:DESCRIPTION_MAX],
        agency=agency, created_at=at or timezone.now())
    transaction.on_commit(lambda: update_notify_later(update_ids=[update.pk]))
    return update


def updates_record(*, case: Case, updates: list[tuple[str, str, Agency | None]],
                   at: dt.datetime, assignment_id: int | None = None) -> list[CaseUpdate]:
    """Write several public updates of a new ``case`` in one INSERT: (kind, status,
    agency) each, in order (intake: received, then assigned). Their e-mails, and the
    officers' notice of the new assignment ``assignment_id`` if given, are one job."""
    rows = [CaseUpdate(case=case, kind=kind, status=status, text="", agency=agency,
                       created_at=at) for kind, status, agency in updates]
    insert_new(rows)
    # The keys are read after the commit: in a pipelined intake they arrive at its end.
    transaction.on_commit(lambda: update_notify_later(update_ids=[row.pk for row in rows],
                                                      assignment_id=assignment_id))
    return rows


def update_notify_later(*, update_ids: list[int], assignment_id: int | None = None) -> None:
    """Queue the e-mails of these updates (and of a new assignment) for the job worker
    (after the commit), as one job."""
    from yankao.servicedesk.tasks import update_notify_job

    update_notify_job(update_ids, assignment_id)


def update_notify(*, update_id: int) -> int:
    """E-mail one update to the reporter and the followers of its case and district.
    Returns how many e-mails were recorded. Safe to run twice (each is recorded once)."""
    update = CaseUpdate.objects.select_related("case", "case__category", "case__district") \
        .filter(pk=update_id).first()
    if update is None:
        return 0
    case = update.case
    if update.kind == UpdateKind.ASSIGNED and case.kind == "dispatch":
        return 0  # routed at once with the report: the receipt already says who handles it
    subscriptions = list(Subscription.objects.filter(case=case, status=Subscription.Status.ACTIVE)
                         .select_related("contact"))
    if case.district_id and is_public(case) and update.kind == UpdateKind.RECEIVED:
        # District followers hear of each new public report there, then follow it if they
        # want its further updates.
        subscriptions += list(Subscription.objects.filter(
            district_id=case.district_id, status=Subscription.Status.ACTIVE)
            .select_related("contact"))
    sent = 0
    for subscription in subscriptions:
        contact = personal_contact_for_notice(contact=subscription.contact,
                                              purpose=f"case {case.number} update")
        if not contact.email:
            continue
        subject, body, headers = _update_message(update, subscription)
        sent += len(notification_queue(
            kind=NOTICE_KIND, recipients=[contact.email], subject=subject, body=body,
            dedupe_key=f"sd-update:{update.pk}:{subscription.pk}", obj=case,
            agency=case.agency, headers=headers))
    return sent


def _unsubscribe_headers(subscription: Subscription) -> tuple[str, dict[str, str]]:
    url = _absolute(reverse("servicedesk:unsubscribe", args=[subscription.token]))
    # RFC 8058: a mail program may unsubscribe with one POST to this address.
    return url, {"List-Unsubscribe": f"<{url}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def survey_token(case: Case) -> str:
    return signing.dumps(case.number, salt=SURVEY_SALT)


def survey_case_number(token: str, max_age_days: int = 90) -> str | None:
    try:
        return signing.loads(token, salt=SURVEY_SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None


def _update_message(update: CaseUpdate, subscription: Subscription):
    case = update.case
    unsubscribe, headers = _unsubscribe_headers(subscription)
    with translation.override(subscription.language):
        text = update.text if subscription.is_reporter else public_update_text(update)
        context = {
            "case": case, "update": update, "kind": update.get_kind_display(), "text": text,
            "is_reporter": subscription.is_reporter, "unsubscribe": unsubscribe,
            "district_follow": subscription.district_id is not None,
            "public_url": _absolute(reverse("servicedesk:public-case", args=[case.number]))
            if is_public(case) else "",
            "track_url": _absolute(reverse("servicedesk:citizen-track")),
            "survey_url": _absolute(reverse("servicedesk:survey", args=[survey_token(case)]))
            if subscription.is_reporter and update.kind == UpdateKind.CLOSED
            and case.close_reason == "handled" else "",
        }
        subject = _("Case %(number)s: %(what)s") % {"number": case.number,
                                                    "what": update.get_kind_display()}
        body = render_to_string("servicedesk/email/update.txt", context)
    return subject, body, headers


# --- following --------------------------------------------------------------------------


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(ErrorCode.INVALID, _("Enter a valid e-mail address."),
                          field="email") from None
    return email


def reporter_subscribe(*, case: Case, contact, language: str) -> Subscription | None:
    """The reporter follows their own case from the start (called by case_register, in its
    transaction, when the reporter gave an e-mail)."""
    if not contact.email:
        return None
    now = timezone.now()
    subscription = Subscription(
        case=case, contact=contact, email_hash=_email_hash(contact.email), is_reporter=True,
        language=_language(language), token=secrets.token_urlsafe(32),
        status=Subscription.Status.ACTIVE, created_at=now, confirmed_at=now)
    insert_new([subscription])
    return subscription


def follow_request(*, case: Case | None = None, district: District | None = None,
                   email: str, language: str = "zh-hant") -> Subscription:
    """追蹤: follow a public case (or every new report in a district) by e-mail. Nothing is
    sent until the address confirms (a link in the e-mail), so no one can subscribe a
    stranger. Asking again for the same address and target sends the link again."""
    if (case is None) == (district is None):
        raise DomainError(ErrorCode.INVALID, _("Follow a case or a district."))
    if case is not None and not is_public(case):
        raise DomainError(ErrorCode.NOT_FOUND, _("No such public case."))
    email = _clean_email(email)
    digest = _email_hash(email)
    language = _language(language)
    with transaction.atomic():
        existing = Subscription.objects.select_for_update().filter(
            case=case, district=district, email_hash=digest, is_reporter=False).first()
        if existing is not None and existing.status == Subscription.Status.ACTIVE:
            return existing
        if existing is None:
            existing = Subscription(case=case, district=district, email_hash=digest,
                                    language=language, token=secrets.token_urlsafe(32),
                                    created_at=timezone.now())
            existing.contact = personal_contact_store(actor=None, owner=case or district,
                                                      email=email)
        existing.status = Subscription.Status.PENDING
        existing.language = language
        existing.save()
        audit_record(actor=None, action=ServicedeskAction.CASE_FOLLOW, obj=case or district,
                     agency=case.agency if case else None, actor_label="citizen",
                     data={"subscription": existing.pk,
                           "target": "case" if case else "district"})
        transaction.on_commit(lambda: _confirmation_send(existing))
    return existing


def _confirmation_send(subscription: Subscription) -> None:
    contact = personal_contact_for_notice(contact=subscription.contact,
                                          purpose="follow confirmation")
    with translation.override(subscription.language):
        context = {
            "subscription": subscription, "case": subscription.case,
            "district": subscription.district,
            "confirm_url": _absolute(reverse("servicedesk:follow-confirm",
                                             args=[subscription.token])),
        }
        subject = (_("Confirm: follow case %(number)s") % {"number": subscription.case.number}
                   if subscription.case_id else
                   _("Confirm: follow new reports in %(district)s")
                   % {"district": subscription.district.name})
        body = render_to_string("servicedesk/email/confirm.txt", context)
    notification_queue(kind=CONFIRM_KIND, recipients=[contact.email], subject=subject,
                       body=body, dedupe_key=f"sd-follow:{subscription.pk}:"
                       f"{timezone.now():%Y%m%d%H%M%S%f}", obj=subscription.case)


def _by_token(token: str) -> Subscription:
    subscription = Subscription.objects.select_for_update().filter(
        token=(token or "")[:64]).first()
    if subscription is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("This link is not valid."))
    return subscription


def follow_confirm(*, token: str) -> Subscription:
    """The address confirms it wants the e-mails."""
    with transaction.atomic():
        subscription = _by_token(token)
        if subscription.status == Subscription.Status.ACTIVE:
            return subscription
        if subscription.status != Subscription.Status.PENDING:
            raise DomainError(ErrorCode.INVALID_STATE,
                              _("This subscription has ended; follow again to restart it."))
        subscription.status = Subscription.Status.ACTIVE
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["status", "confirmed_at"])
        audit_record(actor=None, action=ServicedeskAction.SUBSCRIPTION_CONFIRM,
                     obj=subscription, agency=None, actor_label="citizen")
    return subscription


def unsubscribe(*, token: str) -> Subscription:
    """退訂 in one click. A second click says it is already done and changes nothing."""
    with transaction.atomic():
        subscription = _by_token(token)
        if subscription.status in (Subscription.Status.STOPPED, Subscription.Status.BOUNCED):
            raise DomainError(ErrorCode.CONFLICT,
                              _("You are already unsubscribed: no more e-mails will come."))
        subscription.status = Subscription.Status.STOPPED
        subscription.stopped_at = timezone.now()
        subscription.save(update_fields=["status", "stopped_at"])
        audit_record(actor=None, action=ServicedeskAction.SUBSCRIPTION_STOP, obj=subscription,
                     agency=None, actor_label="citizen")
    return subscription


def _bounced(notification: Notification) -> None:
    """The mail server refused an address for good: stop its subscriptions here, so no
    more mail goes to it (the notice stays on the case's public page)."""
    key = notification.dedupe_key.split(":")
    if notification.kind != NOTICE_KIND or len(key) < 3 or not key[2].isdigit():
        return
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=int(key[2])).first()
        if subscription is None or subscription.status != Subscription.Status.ACTIVE:
            return
        subscription.status = Subscription.Status.BOUNCED
        subscription.stopped_at = timezone.now()
        subscription.save(update_fields=["status", "stopped_at"])
        audit_record(actor=None, action=ServicedeskAction.SUBSCRIPTION_BOUNCE,
                     obj=subscription, agency=None, reason=notification.last_error[:200])


bounce_handlers[NOTICE_KIND] = _bounced


# --- staff: public notes and moderation -----------------------------------------------


def _may_moderate(actor, case: Case) -> bool:
    if has_role(actor, Role.REGISTRAR):
        return True
    handling = case.assignments.exclude(status=AssignmentStatus.TRANSFERRED).values_list(
        "agency_id", flat=True)
    return any(has_role(actor, Role.OFFICER, Role.SECTION_CHIEF, agency=agency)
               for agency in Agency.objects.filter(pk__in=list(handling)))


def public_note_add(*, actor, case: Case, text: str) -> CaseUpdate:
    """公開進度: the handling agency tells the public how the work is going, without
    changing the case's state."""
    text = (text or "").strip()
    if not text:
        raise DomainError(ErrorCode.INVALID, _("Write the update."), field="text")
    if len(text) > DESCRIPTION_MAX:
        raise DomainError(ErrorCode.INVALID, _("The update is too long."), field="text")
    if not _may_moderate(actor, case):
        raise DomainError(ErrorCode.FORBIDDEN)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status == "closed":
            raise DomainError(ErrorCode.INVALID_STATE, _("The case is closed."))
        case.updated_at = timezone.now()
        case.save(update_fields=["updated_at"])
        update = update_record(case=case, kind=UpdateKind.NOTE, text=text,
                               agency=case.agency)
        audit_record(actor=actor, action=ServicedeskAction.CASE_NOTE, obj=case,
                     agency=case.agency, data={"update": update.pk})
    return update


def public_text_mask(*, actor, case: Case, phrase: str,
                     update: CaseUpdate | None = None) -> int:
    """遮蔽: a moderator masks a phrase (a name, a licence plate) in the published text of
    the case or of one of its updates. The original stays for staff; each masking is
    audited. Masking what is no longer there says so and changes nothing."""
    if not _may_moderate(actor, case):
        raise DomainError(ErrorCode.FORBIDDEN)
    phrase = (phrase or "").strip()
    if not phrase:
        raise DomainError(ErrorCode.INVALID, _("Give the text to mask."), field="phrase")
    with transaction.atomic():
        if update is None:
            target = Case.objects.select_for_update().get(pk=case.pk)
            masked, count = mask_phrase(public_description(target), phrase)
        else:
            target = CaseUpdate.objects.select_for_update().get(pk=update.pk, case=case)
            masked, count = mask_phrase(public_update_text(target), phrase)
        if count == 0:
            raise DomainError(ErrorCode.INVALID,
                              _("That text is not in the published text (already masked?)."),
                              field="phrase")
        if update is None:
            target.public_description = masked
            target.save(update_fields=["public_description"])
        else:
            target.public_text = masked
            target.save(update_fields=["public_text"])
        audit_record(actor=actor, action=ServicedeskAction.CASE_MODERATE, obj=case,
                     agency=case.agency, data={"update": update.pk if update else None,
                                               "masked": count, "length": len(phrase)})
    return count

