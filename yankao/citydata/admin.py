"""Back office of the city data platform: alert rules (policy: thresholds, recovery times,
the service-desk category) and each datastream's access tier and reader agencies, saved
and audited through core's master_record_save; keys and episodes are shown, and change
only through their services and pages."""

from __future__ import annotations

from django.contrib import admin

from yankao.citydata.models import AccessKey, AlertEpisode, AlertRule, Datastream
from yankao.core.admin import AuditedAdmin
from yankao.core.services.people import master_record_save


@admin.register(AlertRule)
class AlertRuleAdmin(AuditedAdmin):
    list_display = ("name", "observed_property", "kind", "threshold", "recovery_minutes",
                    "category_code", "active")
    list_filter = ("kind", "active")


@admin.register(Datastream)
class DatastreamAccessAdmin(AuditedAdmin):
    """Only the access tier and the agencies that may read a restricted datastream are
    edited here; everything else belongs to the SensorThings API."""

    list_display = ("name", "thing", "observed_property", "access")
    list_filter = ("access", "observed_property")
    search_fields = ("name", "thing__name")
    fields = ("name", "access", "reader_agencies")
    readonly_fields = ("name",)
    filter_horizontal = ("reader_agencies",)

    def has_add_permission(self, request) -> bool:
        return False

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if "reader_agencies" in form.changed_data:
            master_record_save(actor=request.user, instance=form.instance,
                               changed_fields=["reader_agencies"])


class ShownOnly(AuditedAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccessKey)
class AccessKeyAdmin(ShownOnly):
    list_display = ("name", "kind", "prefix", "agency", "thing", "rate_per_minute",
                    "created_at", "revoked_at", "last_used_at")
    list_filter = ("kind",)
    exclude = ("key_hash",)


@admin.register(AlertEpisode)
class AlertEpisodeAdmin(ShownOnly):
    list_display = ("rule", "datastream", "opened_at", "closed_at", "peak", "case_number")
    list_filter = ("rule",)
