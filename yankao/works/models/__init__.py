"""Public works oversight: policy, tenders and progress, inspections, citizen works
reports (全民督工), training."""

from yankao.works.models.citizen import CitizenReport, ReportExtension, TrainingSession
from yankao.works.models.inspections import (
    Defect,
    DefectPhoto,
    Inspection,
    InspectionConsequence,
    InspectorScore,
    MaterialTest,
)
from yankao.works.models.policy import (
    ConsequenceTemplate,
    DeductionRate,
    DefectCode,
    GradeBand,
    MinimumAdjustment,
    MinimumFormula,
    MinimumFormulaBand,
    PriorityCategory,
    WorksPolicy,
)
from yankao.works.models.tenders import (
    Arrangement,
    MonthlyProgress,
    PriorityFlag,
    ProgressCheck,
    Tender,
    month_key,
)

__all__ = [
    "Arrangement",
    "CitizenReport",
    "ConsequenceTemplate",
    "DeductionRate",
    "Defect",
    "DefectCode",
    "DefectPhoto",
    "GradeBand",
    "Inspection",
    "InspectionConsequence",
    "InspectorScore",
    "MaterialTest",
    "MinimumAdjustment",
    "MinimumFormula",
    "MinimumFormulaBand",
    "MonthlyProgress",
    "PriorityCategory",
    "PriorityFlag",
    "ProgressCheck",
    "ReportExtension",
    "Tender",
    "TrainingSession",
    "WorksPolicy",
    "month_key",
]
