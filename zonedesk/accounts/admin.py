"""The 系统管理员's screens: users and roles. The audit log is shown read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AuditEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "zone", "department", "organisation", "is_active"]
    list_filter = ["role", "zone", "is_active"]
    search_fields = ["username", "display_name"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("开发区与角色", {"fields": ["display_name", "role", "zone", "department", "organisation", "viewer_zones", "supervised_departments", "phone"]}),
    ]
    filter_horizontal = ["viewer_zones", "supervised_departments", "groups", "user_permissions"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "object_label", "note"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
