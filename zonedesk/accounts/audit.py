"""Writing the audit log (审计日志). Every service that changes government data calls
`audit_record` with the acting user inside its transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    root: models.Model | None = None,
    zone=None,
    changes: list[dict[str, Any]] | None = None,
    note: str = "",
    version: int | None = None,
    request=None,
    actor_name: str = "",
) -> AuditEvent:
    """Record one event. `root` is the record whose history page should show it (defaults to
    `target`); `changes` is a list of {"field", "label", "old", "new"} with display values."""
    root = root if root is not None else target
    if zone is None and target is not None:
        zone = getattr(target, "zone", None)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=actor_name or (user.name if user else ""),
        zone=zone,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_label=str(target)[:200] if target is not None else "",
        root_type=root._meta.label_lower if root is not None else "",
        root_id=str(root.pk) if root is not None else "",
        version=version,
        changes=changes or [],
        note=note[:300],
        ip=client_ip(request),
    )


def history_for(obj: models.Model):
    """Every event whose root is `obj`, newest first, for its history panel."""
    return AuditEvent.objects.filter(
        root_type=obj._meta.label_lower, root_id=str(obj.pk)
    ).select_related("actor")
