"""JSON endpoints of the reports module under /api/reports (the page's figures, as data)."""

from __future__ import annotations

from django.utils import timezone
from ninja import Router

from zonedesk import access

from . import selectors, services
from .views import default_period

router = Router(tags=["调度周报"])


@router.get("/weekly", summary="调度周报数据（已截止期次为固化快照）")
def weekly_report(request, zone_id: int | None = None, period_id: int | None = None):
    """The weekly report of a period (or the zone's latest closed one) as the same plain data
    the page, the .docx and the .xlsx are rendered from: money in 万元 as strings with two
    decimals, percentages as strings with one decimal, dates ISO 8601."""
    user = request.auth
    if period_id is not None:
        period = access.get_report_period_for_user(user, period_id, request=request)
    else:
        zone = access.get_report_zone_for_user(user, zone_id, request=request)
        period = default_period(zone, timezone.now())
    return services.weekly_report_for(period, by=user)


@router.get("/cockpit", summary="驾驶舱数据")
def cockpit(request, zone_id: int | None = None):
    user = request.auth
    zone = access.get_report_zone_for_user(user, zone_id, request=request)
    now = timezone.now()
    from zonedesk.dispatch import services as dispatch_services

    period = dispatch_services.periods_ensure(zone=zone, today=timezone.localdate(now))
    return selectors.cockpit_data(user, zone, period, now)
