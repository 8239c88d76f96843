from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from yankao.api import api
from yankao.core import auth as core_auth

# Django tries these in order and takes the first route that matches. The machine APIs,
# which other systems call at rate, come first: a request to them then does not try the
# pages' routes (about 160 of them) before its own (decision 0152). Any order must keep
# every route reachable: core/tests/test_urls.py checks each named route.
urlpatterns = [
    path("open311/v2/", include("yankao.servicedesk.open311.urls", namespace="open311")),
    path("api/v1/", api.urls),
    path("sta/v1.1/", include("yankao.citydata.sta_urls")),
    path("", include("yankao.core.urls")),
    path("reports/", include("yankao.reports.urls")),
    path("dashboards/", include("yankao.reports.dashboard_urls")),
    path("", include("yankao.works.urls")),
    path("", include("yankao.opendata.urls")),
    path("staff/programs/", include("yankao.programs.urls")),
    path("", include("yankao.participation.urls")),
    path("", include("yankao.research.urls")),
    path("", include("yankao.servicedesk.urls")),
    path("", include("yankao.citydata.urls")),
    path("", include("yankao.assistant.urls")),
    path("", include("yankao.counter.urls")),
    path("accounts/login/", core_auth.LoginView.as_view(), name="login"),
    path("", include("yankao.sso.urls")),
    path("accounts/logout/", core_auth.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

handler400 = "yankao.core.errorviews.bad_request"
handler403 = "yankao.core.errorviews.forbidden"
handler404 = "yankao.core.errorviews.not_found"
handler500 = "yankao.core.errorviews.server_error"
