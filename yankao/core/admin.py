"""Back office for administrators. Every save goes through a service and is audited; the
history link of each record shows its audit events."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from yankao.core.audit import CoreAction
from yankao.core.errors import DomainError
from yankao.core.models import (
    Agency,
    ApiToken,
    Attachment,
    AuditEvent,
    City,
    ClosureDay,
    District,
    Membership,
    Notification,
)
from yankao.core.permissions import can_administer
from yankao.core.services.people import (
    master_record_delete,
    master_record_save,
    membership_end,
    membership_grant,
)
from yankao.core.services.tokens import api_token_revoke

User = get_user_model()


class AuditedAdmin(admin.ModelAdmin):
    """Administrators may view, add and change; deleting is off unless a subclass allows it.
    Saves go through master_record_save, which validates and writes an audit event."""

    allow_delete = False

    def has_module_permission(self, request) -> bool:
        return can_administer(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_administer(request.user)

    def has_add_permission(self, request) -> bool:
        return can_administer(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return can_administer(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.allow_delete and can_administer(request.user)

    def save_model(self, request, obj, form, change) -> None:
        master_record_save(actor=request.user, instance=obj, changed_fields=form.changed_data)

    def delete_model(self, request, obj) -> None:
        master_record_delete(actor=request.user, instance=obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            master_record_delete(actor=request.user, instance=obj)

    # The audit trail replaces Django's admin log.
    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletions(self, request, queryset):
        return None

    def history_view(self, request, object_id, extra_context=None):
        obj = get_object_or_404(self.model, pk=object_id)
        events = AuditEvent.objects.filter(
            object_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).order_by("created_at", "id")
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(object)s") % {"object": obj},
            "object": obj,
            "events": events,
            "opts": self.model._meta,
        }
        return render(request, "admin/core/audit_history.html", context)


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en", "kind", "parent", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name_zh", "name_en", "short_name_zh")
    autocomplete_fields = ("parent",)
    ordering = ("sort_order", "code")


@admin.register(City)
class CityAdmin(AuditedAdmin):
    """The city this installation serves: set up by ``yankao city setup`` (or the demo),
    never added here; its names may be corrected."""

    list_display = ("code", "name_zh", "name_en", "government_zh", "demo", "set_up_at")
    fields = ("code", "name_zh", "name_en", "government_zh", "demo", "loaded_from",
              "set_up_at")
    readonly_fields = ("code", "demo", "loaded_from", "set_up_at")

    def has_add_permission(self, request) -> bool:
        return False  # `yankao city setup` loads a city; one city per data folder

    def save_model(self, request, obj, form, change) -> None:
        master_record_save(actor=request.user, instance=obj, changed_fields=form.changed_data,
                           action=CoreAction.CITY_CHANGE)


@admin.register(District)
class DistrictAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en", "office", "latitude", "longitude")
    search_fields = ("code", "name_zh", "name_en")


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "agency", "role", "active", "created_at")
    list_filter = ("role", "active", "agency__kind")
    search_fields = ("user__username", "user__first_name", "user__last_name", "agency__name_zh")
    autocomplete_fields = ("user", "agency")

    def get_readonly_fields(self, request, obj=None):
        return ("user", "agency", "role") if obj is not None else ()

    def save_model(self, request, obj, form, change) -> None:
        try:
            if not change or (obj.active and "active" in form.changed_data):
                saved = membership_grant(
                    actor=request.user, user=obj.user, agency=obj.agency, role=obj.role
                )
                obj.pk = saved.pk
            elif not obj.active and "active" in form.changed_data:
                membership_end(actor=request.user, membership=obj)
        except DomainError as error:
            messages.error(request, error.message)


@admin.register(ClosureDay)
class ClosureDayAdmin(AuditedAdmin):
    allow_delete = True
    list_display = ("date", "reason", "created_at")
    date_hierarchy = "date"
    search_fields = ("reason",)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at",
                       "revoked_at")
    exclude = ("key_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        # Tokens are created on the staff page, which shows the key once.
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token, reason="revoked in administration")
            revoked += 1
        self.message_user(request, _("%(count)d tokens revoked.") % {"count": revoked})


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "action", "object_repr", "agency",
                    "from_state", "to_state", "ip")
    list_filter = ("action", "agency__kind")
    search_fields = ("actor_label", "action", "object_repr", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("agency",)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "content_type", "size", "agency", "created_at")
    list_filter = ("content_type",)
    search_fields = ("original_name", "sha256")


admin.site.unregister(Group)
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class YankaoUserAdmin(AuditedAdmin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()
    list_filter = ("is_active", "is_staff")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "recipient", "subject", "sent_at", "attempts")
    list_filter = ("kind", "sent_at")
    search_fields = ("recipient", "subject")
    date_hierarchy = "created_at"


# PersonalContact is deliberately not registered: administrators do not read reporter data.
