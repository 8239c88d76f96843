"""The reports app's audit actions (see yankao.core.audit)."""

from yankao.core.audit import AuditAction


class ReportsAction(AuditAction):
    NARRATIVE_CREATE = "narrative.create"
    NARRATIVE_SAVE = "narrative.save"
    NARRATIVE_SUBMIT = "narrative.submit"
    NARRATIVE_APPROVE = "narrative.approve"
    NARRATIVE_RETURN = "narrative.return"
    REPORT_REQUEST = "report.request"
