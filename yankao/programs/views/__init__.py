"""Thin HTML views of program control; every write goes through ``programs.services``."""

from yankao.programs.views.analysis import analysis, analysis_report
from yankao.programs.views.documents import documents
from yankao.programs.views.evaluation import (
    evaluation_approve,
    evaluation_detail,
    evaluation_return,
    evaluations,
)
from yankao.programs.views.kpis import kpi_detail, kpis
from yankao.programs.views.programs import (
    checkpoint_add,
    checkpoint_complete,
    plan_decide,
    plan_edit,
    plan_submit,
    program_detail,
    program_home,
    program_new,
    report_form,
)
from yankao.programs.views.reviews import report_detail, review_queue
from yankao.programs.views.tracked import tracked, tracked_detail, tracked_list
from yankao.programs.views.transfer import export, import_file

__all__ = [
    "analysis", "analysis_report", "checkpoint_add", "checkpoint_complete", "documents",
    "evaluation_approve", "evaluation_detail", "evaluation_return", "evaluations", "export",
    "import_file", "kpi_detail", "kpis", "plan_decide", "plan_edit", "plan_submit",
    "program_detail", "program_home", "program_new", "report_detail", "report_form", "review_queue",
    "tracked", "tracked_detail", "tracked_list",
]
