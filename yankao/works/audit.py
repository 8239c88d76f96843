"""The works module's audit actions (see ``yankao.core.audit``)."""

from __future__ import annotations

from yankao.core.audit import AuditAction


class WorksAction(AuditAction):
    WORKS_POLICY_SEED = "works_policy.seed"
    TENDER_CREATE = "tender.create"
    TENDER_UPDATE = "tender.update"
    PROGRESS_SUBMIT = "progress.submit"
    PROGRESS_UPDATE = "progress.update"
    PROGRESS_CHECK_RECORD = "progress_check.record"
    PROGRESS_CHECK_UPDATE = "progress_check.update"
    INSPECTION_PLAN = "inspection.plan"
    INSPECTION_RECORD = "inspection.record"
    MATERIAL_TEST_RESULT = "material_test.result"
    INSPECTION_SEND = "inspection.send"
    INSPECTION_CLOSE = "inspection.close"
    INSPECTION_CONSEQUENCE_DONE = "inspection.consequence_done"
    DEFECT_IMPROVE = "defect.improve"
    DEFECT_VERIFY = "defect.verify"
    DEFECT_RETURN = "defect.return"
    CITIZEN_REPORT_SUBMIT = "citizen_report.submit"
    CITIZEN_REPORT_ROUTE = "citizen_report.route"
    CITIZEN_REPORT_HANDLE = "citizen_report.handle"
    CITIZEN_REPORT_EXTEND = "citizen_report.extend"
    CITIZEN_REPORT_IMPROVE = "citizen_report.improve"
    CITIZEN_REPORT_VERIFY = "citizen_report.verify"
    CITIZEN_REPORT_RETURN = "citizen_report.return"
    CITIZEN_REPORT_SURVEY = "citizen_report.survey"
    CITIZEN_REPORT_DISSATISFACTION_RESPOND = "citizen_report.dissatisfaction_respond"
    CITIZEN_REPORT_DISSATISFACTION_CONCLUDE = "citizen_report.dissatisfaction_conclude"
    TRAINING_RECORD = "training.record"
    WORKS_POLICY_LOAD = "works_policy.load"
    MINIMUM_ADJUSTMENT_RECORD = "minimum_adjustment.record"
    PRIORITY_FLAG_RECORD = "priority_flag.record"
