from django.urls import path

from yankao.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("jobs/<int:job_id>/", views.job, name="job"),
    path("jobs/<int:job_id>/download/", views.job_download, name="job-download"),
    # Before the report's routes: "texts" is a slug, and texts/1/ would read a report.
    path("texts/<int:block_id>/", views.narrative, name="narrative"),
    path("texts/versions/<int:version_id>/<slug:action>/", views.narrative_action,
         name="narrative-action"),
    path("<slug:structure>/<int:year>/", views.read, name="read"),
    path("<slug:structure>/<int:year>/<int:month>/", views.read, name="read-month"),
    path("<slug:structure>/<int:year>/texts/", views.narratives, name="narratives"),
]
