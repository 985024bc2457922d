from django.contrib import admin

from .models import Department, Organisation, Zone


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region_code", "parent"]
    list_filter = ["kind"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "zone", "sort_order"]
    list_filter = ["zone"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "zone", "kind", "credit_code"]
    list_filter = ["zone", "kind"]
    search_fields = ["name", "credit_code"]
