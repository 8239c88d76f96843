"""The programs module's audit actions (see ``yankao.core.audit``)."""

from __future__ import annotations

from yankao.core.audit import AuditAction


class ProgramsAction(AuditAction):
    CONTROL_POLICY_LOAD = "control_policy.load"
