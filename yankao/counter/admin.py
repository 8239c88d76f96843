"""Back office of the counter services: sites and services (administrators); bookings
and visits change only through their services."""

from __future__ import annotations

from django.contrib import admin

from yankao.core.admin import AuditedAdmin, ReadOnlyAdmin
from yankao.counter.models import ConsultationSession, CounterService, Site


@admin.register(Site)
class SiteAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en", "agency", "active")


@admin.register(CounterService)
class CounterServiceAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en", "bookable")


@admin.register(ConsultationSession)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("starts_at", "site", "service", "capacity", "cancelled")
    list_filter = ("site", "service")
