from django.urls import path

from yankao.citydata import views

app_name = "citydata"

urlpatterns = [
    path("citydata/", views.public_map, name="map"),
    path("citydata/latest.json", views.latest_json, name="latest"),
    path("citydata/datastreams/<int:pk>/", views.datastream_week, name="datastream"),
    path("staff/citydata/", views.staff_home, name="staff-home"),
    path("staff/citydata/keys/<int:pk>/revoke/", views.key_revoke, name="key-revoke"),
]
