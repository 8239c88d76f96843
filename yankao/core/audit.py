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
    """Core's own actions (new ones; older code still passes the same strings)."""

    AGENCY_LOAD = "agency.load"
    DISTRICT_LOAD = "district.load"
    CITY_SETUP = "city.setup"
    STAFF_IMPORT = "staff.import"
