"""The service desk's audit actions (see ``yankao.core.audit``)."""

from __future__ import annotations

from yankao.core.audit import AuditAction


class ServiceDeskAction(AuditAction):
    CASE_IMPORT = "case.import"
    CASE_IMPORT_FINISH = "case.import.finish"
    CALL_IMPORT = "call.import"
    SURVEY_IMPORT = "survey.import"
    MAPPING_SET = "import_mapping.set"
    CATEGORY_LOAD = "category.load"
    CATALOGUE_LOAD = "catalogue.load"
