from django.urls import path

from yankao.core import views

app_name = "core"

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/agencies/", views.agency_list, name="agency-list"),
    path("staff/calendar/", views.calendar_view, name="calendar"),
    path("staff/calendar/deadline/", views.deadline_calculate, name="deadline"),
    path("staff/tokens/", views.token_list, name="token-list"),
    path("staff/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("staff/audit/", views.audit_log, name="audit-log"),
    path("attachments/<uuid:uuid>/", views.attachment_download, name="attachment"),
    path("map/districts.geojson", views.map_districts, name="map-districts"),
    path("healthz", views.healthz, name="healthz"),
]
