"""Keep a 系统管理员 inside their own zone in Django's admin: they see and assign only its users,
departments, organisations and parks. A superuser (installation-wide operator) sees all."""

from __future__ import annotations

from django.contrib import admin

from zonedesk import access


class ZoneScopedAdmin(admin.ModelAdmin):
    zone_path = "zone"  # lookup from the model to its Zone

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.zone_path}__in": access.zone_ids_in_scope(request.user)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if not request.user.is_superuser and field is not None:
            zone_ids = access.zone_ids_in_scope(request.user)
            model = db_field.related_model
            if model._meta.label == "zones.Zone":
                field.queryset = field.queryset.filter(id__in=zone_ids)
            elif hasattr(model, "zone"):
                field.queryset = field.queryset.filter(zone_id__in=zone_ids)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if not request.user.is_superuser and field is not None:
            zone_ids = access.zone_ids_in_scope(request.user)
            model = db_field.related_model
            if model._meta.label == "zones.Zone":
                field.queryset = field.queryset.filter(id__in=zone_ids)
            elif hasattr(model, "zone"):
                field.queryset = field.queryset.filter(zone_id__in=zone_ids)
        return field
