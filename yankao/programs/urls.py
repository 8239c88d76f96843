from django.urls import path

from yankao.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.program_home, name="home"),
    path("new/", views.program_new, name="program-new"),
    path("<int:program_id>/", views.program_detail, name="program-detail"),
    path("<int:program_id>/report/<int:month>/", views.report_form, name="report-form"),
    path("<int:program_id>/plan/", views.plan_edit, name="plan"),
    path("<int:program_id>/checkpoints/", views.checkpoint_add, name="checkpoint-add"),
    path("checkpoints/<int:checkpoint_id>/done/", views.checkpoint_complete,
         name="checkpoint-complete"),
    path("plans/<int:plan_id>/submit/", views.plan_submit, name="plan-submit"),
    path("plans/<int:plan_id>/decide/", views.plan_decide, name="plan-decide"),
    path("reports/", views.review_queue, name="review-queue"),
    path("reports/<int:report_id>/", views.report_detail, name="report-detail"),
    path("analysis/", views.analysis, name="analysis"),
    path("analysis/report.<str:fmt>", views.analysis_report, name="analysis-report"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/<int:evaluation_id>/", views.evaluation_detail, name="evaluation-detail"),
    path("evaluations/<int:evaluation_id>/approve/", views.evaluation_approve,
         name="evaluation-approve"),
    path("evaluations/<int:evaluation_id>/return/", views.evaluation_return,
         name="evaluation-return"),
    path("kpis/", views.kpis, name="kpis"),
    path("kpis/<int:kpi_id>/", views.kpi_detail, name="kpi-detail"),
    path("tracked/", views.tracked, name="tracked"),
    path("tracked/<str:kind>/", views.tracked_list, name="tracked-list"),
    path("tracked/<str:kind>/<int:item_id>/", views.tracked_detail, name="tracked-detail"),
    path("documents/", views.documents, name="documents"),
    path("import/", views.import_file, name="import"),
    path("export/<str:kind>.<str:fmt>", views.export, name="export"),
]
