from django.urls import path

from yankao.participation import views

app_name = "participation"

urlpatterns = [
    path("staff/participation/", views.home, name="home"),
]
