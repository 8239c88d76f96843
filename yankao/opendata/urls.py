from django.urls import path, re_path

from yankao.opendata.api import ckan
from yankao.opendata.views import feedback, machine, public, sharing, staff

app_name = "opendata"

urlpatterns = [
    # The CKAN Action API: versioned and unversioned, with or without a trailing slash (a
    # redirect would lose a POST's body, and ckanapi does not follow one).
    re_path(r"^api/(?:(?P<version>[0-9])/)?action/(?P<name>[A-Za-z_]+)/?$", ckan.action_view,
            name="ckan-action"),
    # Public
    path("opendata/", public.catalogue, name="catalogue"),
    path("opendata/datasets/<slug:name>/", public.dataset_page, name="dataset"),
    path("opendata/datasets/<slug:name>.jsonld", machine.dataset_jsonld, name="dataset-jsonld"),
    path("opendata/datasets/<slug:name>.ttl", machine.dataset_turtle, name="dataset-turtle"),
    path("opendata/catalog.jsonld", machine.catalog_jsonld, name="catalog-jsonld"),
    path("opendata/catalog.ttl", machine.catalog_turtle, name="catalog-turtle"),
    path("opendata/resources/<uuid:resource_id>/", public.resource_preview, name="resource"),
    path("opendata/resources/<uuid:resource_id>/download/", public.resource_download,
         name="download"),
    path("opendata/requests/", public.requests_page, name="requests"),
    path("opendata/requests/<str:number>/", public.request_page, name="request"),
    path("opendata/statistics/", public.statistics, name="statistics"),
    path("opendata/shared/<str:token>/", public.shared, name="shared"),
    path("opendata/shared/<str:token>/<uuid:resource_id>/", public.shared_download,
         name="shared-download"),
    # The national metadata, read the way the cross-platform exchange reads it
    path("opendata/api/v1/rest/dataset", machine.national_list, name="national-list"),
    path("opendata/api/v1/rest/dataset/<str:identifier>", machine.national_dataset,
         name="national-dataset"),
    # Staff
    path("staff/opendata/", staff.staff_home, name="staff-home"),
    path("staff/opendata/datasets/", staff.dataset_list, name="staff-datasets"),
    path("staff/opendata/datasets/new/", staff.dataset_new, name="staff-dataset-new"),
    path("staff/opendata/datasets/<slug:key>/", staff.dataset_detail, name="staff-dataset"),
    path("staff/opendata/datasets/<slug:key>/edit/", staff.dataset_edit,
         name="staff-dataset-edit"),
    path("staff/opendata/datasets/<slug:key>/resources/new/", staff.resource_new,
         name="staff-resource-new"),
    path("staff/opendata/datasets/<slug:key>/resources/<uuid:resource_id>/fields/",
         staff.resource_fields, name="staff-resource-fields"),
    path("staff/opendata/datasets/<slug:key>/resources/<uuid:resource_id>/remove/",
         staff.resource_remove, name="staff-resource-remove"),
    path("staff/opendata/datasets/<slug:key>/grants/", sharing.grant_new, name="grant-new"),
    path("staff/opendata/datasets/<slug:key>/<slug:action>/", staff.dataset_action,
         name="staff-dataset-action"),
    path("staff/opendata/grants/<int:grant_id>/", sharing.grant_detail, name="grant"),
    path("staff/opendata/grants/<int:grant_id>/revoke/", sharing.grant_revoke,
         name="grant-revoke"),
    path("staff/opendata/links/<int:link_id>/revoke/", sharing.link_revoke, name="link-revoke"),
    path("staff/opendata/publishers/", staff.publishers, name="publishers"),
    path("staff/opendata/national/", staff.push_log, name="push-log"),
    path("staff/opendata/feedback/<slug:kind>/", feedback.queue, name="feedback"),
    path("staff/opendata/feedback/<slug:kind>/<str:number>/", feedback.item, name="feedback-item"),
]
