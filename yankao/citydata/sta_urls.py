from django.urls import path, re_path

from yankao.citydata.sta import views

urlpatterns = [
    path("", views.endpoint, name="sta-root"),
    re_path(r"^(?P<path>.+)$", views.endpoint, name="sta"),
]
