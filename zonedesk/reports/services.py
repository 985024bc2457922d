"""Writes of the reports module: freezing a closed period's weekly report (周报固化).

A period's report is computed from the live tables while the period runs. Once the period has
closed it is computed one last time and stored as a `ReportSnapshot`; from then on every page,
download and API call for that period reads the snapshot, so a report regenerated a year later
shows the figures, lag lists and colours as they were when the period closed.

`manage.py reports_freeze` (run from cron shortly after each deadline, e.g. hourly) freezes every
closed period without a snapshot; a request for a closed, unfrozen period freezes it too.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, User
from zonedesk.dispatch import services as dispatch_services
from zonedesk.dispatch.models import ReportingPeriod

from .models import ReportSnapshot
from .selectors import FORMAT_VERSION, compute_weekly_report


def report_snapshot_freeze(
    *,
    period: ReportingPeriod,
    by: User | None = None,
    trigger: str = "",
    now: dt.datetime | None = None,
) -> ReportSnapshot:
    """Store the report of a closed period; return the existing snapshot if there is one."""
    now = now or timezone.now()
    existing = ReportSnapshot.objects.filter(period=period).first()
    if existing is not None:
        return existing
    if period.deadline > now:
        raise ValueError("only a closed period's report is frozen")
    # The colours kept in the report are those of the close: re-evaluate the stale ones first.
    dispatch_services.warnings_refresh(zone=period.zone, now=now)
    data = compute_weekly_report(period.zone, period, now=now)
    try:
        with transaction.atomic():
            snapshot = ReportSnapshot.objects.create(
                zone=period.zone,
                period=period,
                data=data,
                format_version=FORMAT_VERSION,
                frozen_at=now,
                frozen_by=by if getattr(by, "is_authenticated", False) else None,
                trigger=trigger,
            )
            audit_record(
                actor=by,
                actor_name="" if by is not None else "系统",
                action=AuditEvent.Action.CREATE,
                target=snapshot,
                zone=period.zone,
                note=f"固化{period.label}调度周报（{trigger or '期次截止'}）",
            )
    except IntegrityError:  # frozen by a concurrent request meanwhile
        return ReportSnapshot.objects.get(period=period)
    return snapshot


def weekly_report_for(
    period: ReportingPeriod, *, by: User | None = None, now: dt.datetime | None = None
) -> dict:
    """The report of `period`: the snapshot of a closed period (frozen now if missing), or the
    live computation of a running one. The dict says which in `frozen` / `frozen_at`."""
    now = now or timezone.now()
    snapshot = ReportSnapshot.objects.filter(period=period).first()
    if snapshot is None and period.deadline <= now:
        snapshot = report_snapshot_freeze(period=period, by=by, trigger="首次查看时固化", now=now)
    if snapshot is not None:
        data = dict(snapshot.data)
        data["frozen"] = True
        data["frozen_at"] = timezone.localtime(snapshot.frozen_at).isoformat(timespec="seconds")
        return data
    data = compute_weekly_report(period.zone, period, now=now)
    data["frozen"] = False
    data["frozen_at"] = None
    return data


def snapshots_freeze_due(*, now: dt.datetime | None = None, zone=None) -> int:
    """Freeze every closed period (of the last 400 days) that has no snapshot yet."""
    now = now or timezone.now()
    due = ReportingPeriod.objects.filter(
        deadline__lte=now,
        report_snapshot__isnull=True,
        start__gte=timezone.localdate(now) - dt.timedelta(days=400),
    ).select_related("zone")
    if zone is not None:
        due = due.filter(zone=zone)
    count = 0
    for period in due.order_by("zone_id", "start"):
        report_snapshot_freeze(period=period, trigger="定时固化", now=now)
        count += 1
    return count
