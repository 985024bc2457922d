"""Reads of accounts: the audit log as its readers see it."""

from __future__ import annotations

from django.db.models import QuerySet

from zonedesk import access

from .models import AuditEvent


def audit_events_for(user, form) -> QuerySet[AuditEvent]:
    """The events the audit log shows this user (their zones' and the system's; every zone for a
    superuser), narrowed by the page's filter form when it is valid, newest first. The page and
    its .xlsx export both read it."""
    qs = AuditEvent.objects.select_related("zone")
    if not user.is_superuser:
        qs = qs.filter(zone_id__in=access.zone_ids_in_scope(user)) | qs.filter(zone__isnull=True)
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            qs = qs.filter(action=data["action"])
        if data["q"]:
            qs = qs.filter(actor_name__icontains=data["q"]) | qs.filter(
                object_label__icontains=data["q"]
            )
        if data["start"]:
            qs = qs.filter(at__date__gte=data["start"])
        if data["end"]:
            qs = qs.filter(at__date__lte=data["end"])
    return qs.order_by("-at", "-id")
