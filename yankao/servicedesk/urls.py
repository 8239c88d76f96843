from django.urls import path

from yankao.servicedesk import views

app_name = "servicedesk"

urlpatterns = [
    path("staff/servicedesk/", views.home, name="home"),
    path("staff/servicedesk/intake/", views.intake, name="intake"),
    path("staff/servicedesk/intake/duplicates/", views.duplicates, name="duplicates"),
    path("staff/servicedesk/calls/", views.call_create, name="call-create"),
    path("staff/servicedesk/routing/", views.routing, name="routing"),
    path("staff/servicedesk/inbox/", views.inbox, name="inbox"),
    path("staff/servicedesk/statistics/", views.statistics, name="statistics"),
    path("staff/servicedesk/open311/", views.open311_clients, name="open311-clients"),
    path("staff/servicedesk/open311/<int:pk>/revoke/", views.open311_client_revoke,
         name="open311-client-revoke"),
    path("staff/servicedesk/cases/<str:number>/", views.case_detail, name="case"),
    path("staff/servicedesk/cases/<str:number>/reporter/", views.reporter_reveal,
         name="reporter"),
    path("staff/servicedesk/cases/<str:number>/files/<uuid:file_uuid>/", views.case_file,
         name="case-file"),
    path("staff/servicedesk/cases/<str:number>/<slug:action>/", views.case_action,
         name="case-action"),
    path("report/", views.citizen_report, name="citizen-report"),
    path("track/", views.citizen_track, name="citizen-track"),
    path("track/<str:number>/", views.citizen_case, name="citizen-case"),
]
