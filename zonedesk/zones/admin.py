from django.contrib import admin

from zonedesk.admin_scope import ZoneScopedAdmin

from .models import Department, Organisation, Zone


@admin.register(Zone)
class ZoneAdmin(ZoneScopedAdmin):
    zone_path = "id"
    list_display = ["name", "kind", "region_code", "parent"]
    list_filter = ["kind"]


@admin.register(Department)
class DepartmentAdmin(ZoneScopedAdmin):
    list_display = ["name", "zone", "sort_order"]


@admin.register(Organisation)
class OrganisationAdmin(ZoneScopedAdmin):
    list_display = ["name", "zone", "kind", "credit_code"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]
