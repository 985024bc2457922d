"""Writing many records at once (批量写入): audit rows built in memory and inserted in batches,
and the fingerprint (数据指纹) that tells a commit whether the database moved since its preview.

`audit_event` builds the same row as `zonedesk.accounts.audit.audit_record` without saving it, so
an import of 50,000 projects writes its 50,000 history rows in 50 INSERTs instead of 50,000.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import models
from django.db.models import Count, Max, Sum
from django.utils import timezone

from zonedesk.accounts.models import AuditEvent, User

BATCH = 1000
# Audit rows that record no change of data (logins, exports, refusals) do not move the fingerprint.
QUIET = [
    AuditEvent.Action.LOGIN,
    AuditEvent.Action.LOGIN_FAILED,
    AuditEvent.Action.LOCKED_OUT,
    AuditEvent.Action.LOGOUT,
    AuditEvent.Action.EXPORT,
    AuditEvent.Action.DENIED,
]


def audit_event(
    *,
    actor: User,
    action: str,
    target: models.Model,
    zone,
    root: models.Model | None = None,
    changes: list[dict[str, Any]] | None = None,
    note: str = "",
    version: int | None = None,
    at=None,
) -> AuditEvent:
    """An unsaved AuditEvent with exactly the fields `audit_record` fills (no request: an import
    runs on the uploader's behalf; the batch is named in the note)."""
    root = root if root is not None else target
    return AuditEvent(
        at=at or timezone.now(),
        actor=actor,
        actor_name=actor.name,
        zone=zone,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        object_label=str(target)[:200],
        root_type=root._meta.label_lower,
        root_id=str(root.pk),
        version=version,
        changes=changes or [],
        note=note[:300],
    )


def audit_bulk(events: list[AuditEvent]) -> None:
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)


def chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fingerprint(zone, user: User) -> str:
    """A digest of everything an import's checks read about a zone: its projects and progress
    reports (count, last id, last change time, sum of versions), reporting periods, the names
    of its departments, parks and organisations, its users, its audit log's last row, and the
    importing user's own role and departments. Any write through the services, the admin or a bare `save()` changes it;
    equal digests at preview and commit mean the preview's plan still holds."""
    from zonedesk.dispatch.models import ProgressReport, ReportingPeriod
    from zonedesk.projects.models import Project
    from zonedesk.zones.models import Department, Organisation, Zone

    def agg(qs, *extra: str) -> tuple:
        fields: dict[str, Any] = {"n": Count("pk"), "last": Max("pk")}
        for name in extra:
            fields[name] = Max(name) if name != "version" else Sum(name)
        row = qs.aggregate(**fields)
        return tuple(str(row[k]) for k in fields)

    def rows(qs, *names: str) -> str:
        digest = hashlib.sha256()
        for row in qs.order_by("pk").values_list("pk", *names):
            digest.update(repr(row).encode())
        return digest.hexdigest()

    parts = [
        agg(Project.objects.filter(zone=zone), "updated_at", "version"),
        # Names are what rows are matched by, so the (few) rows themselves, not just counts:
        # a rename with a bare UPDATE must move the fingerprint too.
        rows(Department.objects.filter(zone=zone), "name"),
        rows(Zone.objects.filter(parent=zone), "name", "short_name"),
        rows(Organisation.objects.filter(zone=zone), "name", "credit_code"),
        tuple(
            User.objects.filter(zone=zone)
            .order_by("pk")
            .values_list(
                "pk", "role", "is_active", "department_id", "organisation_id", "display_name"
            )
        ),
        agg(ReportingPeriod.objects.filter(zone=zone), "deadline"),
        agg(ProgressReport.objects.filter(project__zone=zone), "updated_at", "version"),
        agg(AuditEvent.objects.filter(zone=zone).exclude(action__in=QUIET)),
        (
            user.role,
            str(user.zone_id),
            str(user.department_id),
            str(user.organisation_id),
            str(user.is_active),
            ",".join(
                str(i) for i in sorted(user.supervised_departments.values_list("id", flat=True))
            ),
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()
