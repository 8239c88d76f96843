"""The works module's audit actions (see ``yankao.core.audit``)."""

from __future__ import annotations

from yankao.core.audit import AuditAction


class WorksAction(AuditAction):
    WORKS_POLICY_LOAD = "works_policy.load"
