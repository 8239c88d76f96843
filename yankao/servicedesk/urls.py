from django.urls import path

from yankao.servicedesk import citizen_views as citizen
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
    # The citizen's side (citizen_views): report, track, my reports, public reports.
    path("report/", citizen.report, name="citizen-report"),
    path("track/", citizen.track, name="citizen-track"),
    path("track/<str:number>/", citizen.tracked_case, name="citizen-case"),
    path("track/<str:number>/files/<uuid:file_uuid>/", citizen.tracked_file,
         name="citizen-file"),
    path("my/", citizen.my_reports, name="my-reports"),
    path("cases/", citizen.public_list, name="public-list"),
    path("cases/district/<str:code>/feed/", citizen.DistrictFeed(), name="district-feed"),
    path("cases/district/<str:code>/follow/", citizen.follow_district,
         name="follow-district"),
    path("cases/<str:number>/", citizen.public_case, name="public-case"),
    path("cases/<str:number>/feed/", citizen.CaseFeed(), name="case-feed"),
    path("cases/<str:number>/follow/", citizen.follow_case, name="follow-case"),
    path("cases/<str:number>/files/<uuid:file_uuid>/", citizen.public_file,
         name="public-file"),
    path("follow/<str:token>/", citizen.follow_confirm, name="follow-confirm"),
    path("unsubscribe/<str:token>/", citizen.unsubscribe, name="unsubscribe"),
    path("survey/<str:token>/", citizen.survey, name="survey"),
]
