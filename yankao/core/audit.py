"""Audit actions are enums, never free strings, so a typo cannot silently empty a history.

Each app declares its own actions in ``<app>/audit.py`` as a subclass of
:class:`AuditAction` (an enum with no members of its own can be subclassed)::

    class OpendataAction(AuditAction):
        DATASET_PUBLISH = "dataset.publish"

and passes the members to ``core.services.audit.audit_record``. Members are strings, so the
stored value and every filter on it stay plain text.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """The base of every app's audit actions."""


class CoreAction(AuditAction):
    """What core records: sign-ins, people, tokens, the city's agencies, files, the vault,
    back-office saves, background jobs."""

    LOGIN = "auth.login"
    LOGIN_FAILED = "auth.login_failed"
    LOGOUT = "auth.logout"
    LOCKED_OUT = "auth.locked_out"
    API_TOKEN_CREATE = "api_token.create"
    API_TOKEN_REVOKE = "api_token.revoke"
    AGENCY_SEED = "agency.seed"
    DISTRICT_SEED = "district.seed"
    AGENCY_IMPORT = "agency.import"
    ATTACHMENT_CREATE = "attachment.create"
    CLOSURE_DAY_CREATE = "closure_day.create"
    MEMBERSHIP_GRANT = "membership.grant"
    MEMBERSHIP_END = "membership.end"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    # A back-office (admin) save of any record; the event's object type names the model.
    RECORD_CREATE = "record.create"
    RECORD_UPDATE = "record.update"
    RECORD_DELETE = "record.delete"
    CONTACT_STORE = "personal_contact.store"
    CONTACT_REVEAL = "personal_contact.reveal"
    CONTACT_REVEAL_DENIED = "personal_contact.reveal_denied"
    VAULT_ROTATE = "vault.rotate"
    JOB_START = "job.start"
    JOB_FINISH = "job.finish"
    JOB_FAIL = "job.fail"
    # A city set up from its data folder (core.services.city), staff from a file.
    AGENCY_LOAD = "agency.load"
    DISTRICT_LOAD = "district.load"
    CITY_SETUP = "city.setup"
    CITY_CHANGE = "city.update"
    STAFF_IMPORT = "staff.import"
    # The system read a contact to send its owner a notice they asked for (no person saw it).
    CONTACT_USE = "personal_contact.use"
