"""Audit actions of the counter services."""

from yankao.core.audit import AuditAction


class CounterAction(AuditAction):
    SESSION_CREATE = "counter.session_create"
    SESSION_CANCEL = "counter.session_cancel"
    BOOKING_CREATE = "counter.booking_create"
    BOOKING_REFUSED = "counter.booking_refused"
    BOOKING_CANCEL = "counter.booking_cancel"
    BOOKING_ATTENDED = "counter.booking_attended"
    BOOKING_NO_SHOW = "counter.booking_no_show"
    VISIT_RECORD = "counter.visit_record"
    SITE_SAVE = "counter.site_save"
