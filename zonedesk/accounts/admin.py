"""The 系统管理员's screens: users and roles of their zone. The audit log is not here for them:
only the 审计员 reads it, on its own page (等保 separation of duties)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from zonedesk.admin_scope import ZoneScopedAdmin

from .models import AuditEvent, Role, User


@admin.register(User)
class UserAdmin(ZoneScopedAdmin, BaseUserAdmin):
    list_display = [
        "username",
        "display_name",
        "role",
        "zone",
        "department",
        "organisation",
        "is_active",
    ]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    filter_horizontal = ["viewer_zones", "supervised_departments"]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        (
            "开发区与角色",
            {"fields": ["display_name", "role", "zone", "department", "organisation"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        scope = (
            "开发区与角色",
            {
                "fields": [
                    "display_name",
                    "role",
                    "zone",
                    "department",
                    "organisation",
                    "viewer_zones",
                    "supervised_departments",
                    "phone",
                ]
            },
        )
        account = (
            None,
            {"fields": ["username", "password", "is_active", "last_login", "date_joined"]},
        )
        if request.user.is_superuser:
            return [account, scope, ("权限", {"fields": ["is_staff", "is_superuser", "groups"]})]
        return [account, scope]

    def get_readonly_fields(self, request, obj=None):
        return ["last_login", "date_joined"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not request.user.is_superuser:
            qs = qs.exclude(is_superuser=True).exclude(role=Role.VIEWER)
        return qs


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only, and only for an installation superuser; the 审计员 uses /account/audit/."""

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

    def has_module_permission(self, request):
        return request.user.is_superuser
