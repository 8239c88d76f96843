"""Every write of the counter services: sites, sessions, bookings (citizens on the web,
staff for phone and counter), attendance, reminders, no-shows and walk-in visits.

A refused booking (full, a second one by the same person, a past or cancelled session) is
audited and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency
from yankao.core.services.audit import audit_record
from yankao.core.services.notifications import notification_queue
from yankao.core.services.vault import personal_contact_store
from yankao.core.validation import full_clean
from yankao.counter.access import require_counter
from yankao.counter.audit import CounterAction
from yankao.counter.models import (
    ACTIVE_BOOKING,
    Booking,
    BookingStatus,
    Channel,
    ConsultationSession,
    CounterService,
    Site,
    Visit,
)

CITIZEN = "citizen"
MATTER_MAX = 200


def person_key(*, phone: str = "", email: str = "") -> str:
    """A keyed hash of the digits of the phone (or the lower-cased e-mail): the same person
    is found again without the number being kept beside the booking."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("886"):
        digits = "0" + digits[3:]
    basis = f"tel:{digits}" if digits else f"mail:{email.strip().lower()}"
    return hmac.new(settings.SECRET_KEY.encode(), basis.encode(), hashlib.sha256).hexdigest()


def _number(session: ConsultationSession) -> str:
    """L<session>-<n>: unique while the session row is locked (booking_create holds it)."""
    return f"L{session.pk:06d}-{session.bookings.count() + 1:03d}"


def site_save(*, actor, code: str, name_zh: str, name_en: str, agency: Agency,
              address_zh: str = "", sort_order: int = 0) -> Site:
    if actor is not None:
        from yankao.core.permissions import can_administer

        if not can_administer(actor):
            raise DomainError(ErrorCode.FORBIDDEN)
    with transaction.atomic():
        site = Site.objects.filter(code=code).first() or Site(code=code)
        site.name_zh, site.name_en, site.agency = name_zh, name_en, agency
        site.address_zh, site.sort_order = address_zh, sort_order
        full_clean(site)
        site.save()
        audit_record(actor=actor, action=CounterAction.SITE_SAVE, obj=site)
    return site


def service_ensure(*, code: str, name_zh: str, name_en: str, bookable: bool) -> CounterService:
    service, _created = CounterService.objects.get_or_create(
        code=code, defaults={"name_zh": name_zh, "name_en": name_en, "bookable": bookable})
    return service


def session_create(*, actor, site: Site, service: CounterService, starts_at: dt.datetime,
                   ends_at: dt.datetime, capacity: int, lawyer: str = ""
                   ) -> ConsultationSession:
    """Open a session of a bookable service at a site."""
    require_counter(actor, site)
    if not service.bookable:
        raise DomainError(ErrorCode.INVALID, _("This service is not booked into sessions."),
                          field="service")
    if ends_at <= starts_at:
        raise DomainError(ErrorCode.INVALID, _("A session must end after it starts."),
                          field="ends_at")
    if not 1 <= capacity <= 200:
        raise DomainError(ErrorCode.INVALID, _("A session has 1 to 200 places."),
                          field="capacity")
    with transaction.atomic():
        if ConsultationSession.objects.filter(site=site, service=service,
                                              starts_at=starts_at).exists():
            raise DomainError(ErrorCode.CONFLICT, _("This site already has a session at that "
                                                    "time."), field="starts_at")
        session = ConsultationSession.objects.create(
            site=site, service=service, starts_at=starts_at, ends_at=ends_at,
            capacity=capacity, lawyer=lawyer.strip()[:100])
        audit_record(actor=actor, action=CounterAction.SESSION_CREATE, obj=session,
                     to_state=str(capacity))
    return session


def _refused(*, actor, session: ConsultationSession, code: ErrorCode, message: str,
             reason: str, field: str | None = None) -> DomainError:
    with transaction.atomic():
        audit_record(actor=actor, actor_label=None if actor else CITIZEN,
                     action=CounterAction.BOOKING_REFUSED, obj=session, reason=reason)
    return DomainError(code, message, field=field)


def booking_create(*, actor, session: ConsultationSession, channel: str, name: str,
                   phone: str = "", email: str = "", matter: str = "",
                   now: dt.datetime | None = None) -> Booking:
    """預約: a place in a session. Citizens book on the web (``actor=None``); staff of the
    site book for callers and visitors (phone, counter). Full sessions, a second booking
    by the same person and past or cancelled sessions are refused, audited."""
    now = now or timezone.now()
    if actor is not None:
        require_counter(actor, session.site)
    elif channel != Channel.WEB:
        raise DomainError(ErrorCode.FORBIDDEN)
    if channel not in Channel.values:
        raise DomainError(ErrorCode.INVALID, field="channel")
    name, phone, email, matter = name.strip(), phone.strip(), email.strip(), matter.strip()
    if not name:
        raise DomainError(ErrorCode.INVALID, _("Give the name of the person who will come."),
                          field="name")
    if len(re.sub(r"\D", "", phone)) < 8 and not email:
        raise DomainError(ErrorCode.INVALID, _("Give a phone number (or an e-mail address) "
                                               "for the reminder."), field="phone")
    if len(matter) > MATTER_MAX:
        raise DomainError(ErrorCode.INVALID, _("Say what it is about in at most %(max)s "
                                               "characters.") % {"max": MATTER_MAX},
                          field="matter")
    key = person_key(phone=phone, email=email)
    with transaction.atomic():
        locked = ConsultationSession.objects.select_for_update().select_related(
            "site__agency").get(pk=session.pk)
        problem = None
        if locked.cancelled:
            problem = (ErrorCode.INVALID_STATE, _("This session was cancelled."), "cancelled")
        elif locked.starts_at <= now:
            problem = (ErrorCode.INVALID_STATE, _("This session has already started."), "past")
        elif locked.bookings.filter(ACTIVE_BOOKING, person_key=key).exists():
            problem = (ErrorCode.CONFLICT, _("This person already has a place in this "
                                             "session."), "twice")
        elif locked.bookings.filter(ACTIVE_BOOKING).count() >= locked.capacity:
            problem = (ErrorCode.CONFLICT, _("This session is full; choose another."), "full")
        if problem is None:
            try:
                with transaction.atomic():
                    booking = Booking.objects.create(
                        number=_number(locked), session=locked, channel=channel,
                        person_key=key, matter=matter, created_at=now,
                        created_by=actor if actor is not None else None)
            except IntegrityError:
                problem = (ErrorCode.CONFLICT, _("This person already has a place in this "
                                                 "session."), "twice")
    if problem is not None:
        code, message, reason = problem
        raise _refused(actor=actor, session=session, code=code, message=message,
                       reason=reason, field="session")
    with transaction.atomic():
        booking.contact = personal_contact_store(actor=actor, owner=booking, name=name,
                                                 phone=phone, email=email)
        booking.save(update_fields=["contact"])
        audit_record(actor=actor, actor_label=None if actor else CITIZEN,
                     action=CounterAction.BOOKING_CREATE, obj=booking,
                     to_state=BookingStatus.BOOKED, data={"channel": channel})
    return booking


def booking_cancel(*, actor, booking: Booking, phone: str = "", email: str = "") -> Booking:
    """Cancel a booking: staff of the site, or the citizen with the phone (or e-mail) they
    booked with. The place is free again."""
    if actor is None:
        if not hmac.compare_digest(person_key(phone=phone, email=email), booking.person_key):
            raise DomainError(ErrorCode.NOT_FOUND)
    else:
        require_counter(actor, booking.session.site)
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != BookingStatus.BOOKED:
            raise DomainError(ErrorCode.INVALID_STATE, _("Only a booking still to come can be "
                                                         "cancelled."))
        booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status"])
        audit_record(actor=actor, actor_label=None if actor else CITIZEN,
                     action=CounterAction.BOOKING_CANCEL, obj=booking,
                     from_state=BookingStatus.BOOKED, to_state=BookingStatus.CANCELLED)
    return booking


def booking_attendance(*, actor, booking: Booking, attended: bool,
                       now: dt.datetime | None = None) -> Booking:
    """到場 or 未到: recorded by the site's staff once the session has begun."""
    require_counter(actor, booking.session.site)
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("session").get(
            pk=booking.pk)
        if booking.session.starts_at > now:
            raise DomainError(ErrorCode.INVALID_STATE, _("Attendance is recorded once the "
                                                         "session has begun."))
        if booking.status == BookingStatus.CANCELLED:
            raise DomainError(ErrorCode.INVALID_STATE, _("The booking was cancelled."))
        before = booking.status
        booking.status = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
        booking.decided_at = now
        booking.save(update_fields=["status", "decided_at"])
        audit_record(actor=actor, action=CounterAction.BOOKING_ATTENDED if attended
                     else CounterAction.BOOKING_NO_SHOW, obj=booking, from_state=before,
                     to_state=booking.status)
    return booking


def no_shows_mark(*, now: dt.datetime | None = None) -> int:
    """Bookings of sessions that ended over a day ago and were never marked: 未到."""
    now = now or timezone.now()
    count = 0
    for booking in Booking.objects.filter(status=BookingStatus.BOOKED,
                                          session__ends_at__lt=now - dt.timedelta(days=1)):
        with transaction.atomic():
            updated = Booking.objects.filter(pk=booking.pk, status=BookingStatus.BOOKED
                                             ).update(status=BookingStatus.NO_SHOW,
                                                      decided_at=now)
            if updated:
                count += 1
                audit_record(actor=None, action=CounterAction.BOOKING_NO_SHOW, obj=booking,
                             from_state=BookingStatus.BOOKED, to_state=BookingStatus.NO_SHOW,
                             reason="not marked by the day after")
    return count


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail everyone booked for a session that starts within the next 30 hours, once.
    Phone bookings without an e-mail appear on the staff's call list instead."""
    now = now or timezone.now()
    due = (Booking.objects.filter(status=BookingStatus.BOOKED, reminded_at__isnull=True,
                                  session__starts_at__gt=now,
                                  session__starts_at__lte=now + dt.timedelta(hours=30))
           .select_related("session__site", "contact"))
    sent = 0
    for booking in due:
        contact = booking.contact
        if contact is None or not contact.email:
            continue
        start = timezone.localtime(booking.session.starts_at)
        site = booking.session.site
        notification_queue(
            kind="counter.reminder", recipients=[contact.email],
            subject=f"法律諮詢預約提醒 Legal consultation reminder {start:%Y-%m-%d %H:%M}",
            body=(f"{contact.name} 您好：\n\n您預約的免費法律諮詢在 {start:%Y-%m-%d %H:%M}，"
                  f"地點：{site.name_zh}（{site.address_zh}）。預約編號 {booking.number}。\n"
                  "請攜帶身分證件及相關文件；如不能前來，請撥1999取消。\n\n"
                  f"Your free legal consultation is at {start:%Y-%m-%d %H:%M}, "
                  f"{site.name_en}. Booking {booking.number}."),
            dedupe_key=f"counter-reminder:{booking.number}", obj=booking, agency=site.agency,
        )
        Booking.objects.filter(pk=booking.pk).update(reminded_at=now)
        sent += 1
    return sent


def visit_record(*, actor, site: Site, service: CounterService, people: int = 1,
                 served_at: dt.datetime | None = None) -> Visit:
    """A walk-in service given (a blood-pressure check): counted per site and month."""
    require_counter(actor, site)
    if service.bookable:
        raise DomainError(ErrorCode.INVALID, _("This service is booked into sessions; record "
                                               "attendance there."), field="service")
    if not 1 <= people <= 500:
        raise DomainError(ErrorCode.INVALID, _("Record 1 to 500 people at a time."),
                          field="people")
    served_at = served_at or timezone.now()
    if served_at > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError(ErrorCode.INVALID, _("A visit cannot be in the future."),
                          field="served_at")
    with transaction.atomic():
        visit = Visit.objects.create(site=site, service=service, people=people,
                                     served_at=served_at,
                                     recorded_by=actor if actor is not None else None)
        audit_record(actor=actor, action=CounterAction.VISIT_RECORD, obj=visit,
                     to_state=str(people))
    return visit
