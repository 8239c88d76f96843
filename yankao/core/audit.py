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
    background jobs."""

    JOB_START = "job.start"
    JOB_FINISH = "job.finish"
    JOB_FAIL = "job.fail"
