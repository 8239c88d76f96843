from django.urls import path

from yankao.reports import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard_index, name="index"),
    path("<slug:key>/", views.dashboard, name="detail"),
]
