from django.urls import path

from yankao.research import views

app_name = "research"

urlpatterns = [
    path("research/", views.public, name="public"),
    path("glossary/", views.glossary, name="glossary"),
    path("staff/research/", views.home, name="home"),
    path("staff/research/new/<slug:kind>/", views.record_new, name="record-new"),
    path("staff/research/glossary/", views.glossary_review, name="glossary-review"),
    path("staff/research/courtesy/<int:year>/", views.courtesy, name="courtesy"),
]
