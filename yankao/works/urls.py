from django.urls import path

from yankao.works.api import ocds
from yankao.works.views import inspections, reports, tenders

app_name = "works"

urlpatterns = [
    path("staff/works/", tenders.home, name="home"),
    path("staff/works/tenders/", tenders.tender_list, name="tender-list"),
    path("staff/works/tenders/new/", tenders.tender_form, name="tender-new"),
    path("staff/works/tenders/map/", tenders.tender_map, name="tender-map"),
    path("staff/works/tenders/<int:pk>/", tenders.tender_detail, name="tender-detail"),
    path("staff/works/tenders/<int:pk>/edit/", tenders.tender_form, name="tender-edit"),
    path("staff/works/tenders/<int:pk>/progress/", tenders.progress_new, name="progress-new"),
    path("staff/works/compliance/", tenders.compliance, name="compliance"),
    path("staff/works/priority/", tenders.priority, name="priority"),
    path("staff/works/checks/", tenders.progress_checks, name="progress-checks"),
    path("staff/works/inspections/", inspections.inspection_list, name="inspection-list"),
    path("staff/works/inspections/new/", inspections.inspection_new, name="inspection-new"),
    path("staff/works/inspections/plan/", inspections.inspection_plan_new,
         name="inspection-plan"),
    path("staff/works/inspections/<str:number>/", inspections.inspection_detail,
         name="inspection-detail"),
    path("staff/works/inspections/<str:number>/send/", inspections.inspection_send_view,
         name="inspection-send"),
    path("staff/works/tests/<int:pk>/result/", inspections.test_result, name="test-result"),
    path("staff/works/defects/<int:pk>/improve/", inspections.defect_improve,
         name="defect-improve"),
    path("staff/works/defects/<int:pk>/verify/", inspections.defect_verify_view,
         name="defect-verify"),
    path("staff/works/checklist/<int:pk>/done/", inspections.consequence_done_view,
         name="consequence-done"),
    path("staff/works/photos/<uuid:uuid>/", reports.works_photo, name="photo"),
    path("staff/works/board/", inspections.defect_board, name="board"),
    path("staff/works/reports/", reports.report_list, name="report-list"),
    path("staff/works/reports/new/", reports.report_new, name="report-new"),
    path("staff/works/reports/<str:number>/", reports.report_detail, name="report-detail"),
    path("staff/works/reports/<str:number>/contact/", reports.report_contact,
         name="report-contact"),
    path("staff/works/reports/<str:number>/<slug:action>/", reports.report_action,
         name="report-action"),
    path("staff/works/training/", reports.training, name="training"),
    path("works/report/", reports.public_report, name="public-report"),
    path("works/report/thanks/", reports.public_report_thanks, name="public-report-thanks"),
    path("works/ocds/<int:year>.json", ocds.release_package_view, name="ocds-year"),
    path("works/ocds/tenders/<str:pcc_number>.json", ocds.tender_releases_view,
         name="ocds-tender"),
]
