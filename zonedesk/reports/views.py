"""Pages of the reports module: the cockpit (驾驶舱), the weekly dispatch report (调度周报) with its
.docx and .xlsx downloads, and the Gantt battle map (挂图作战)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from zonedesk import access
from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, Role, User
from zonedesk.dispatch import selectors as dispatch_selectors
from zonedesk.dispatch import services as dispatch_services
from zonedesk.dispatch.models import ReportingPeriod
from zonedesk.projects.models import Stage
from zonedesk.zones.models import Department

from . import selectors, services, text
from .docx import render_docx
from .xlsx import render_xlsx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _zones(user):
    return list(dispatch_selectors.root_zones_for(user))


def default_period(zone, now) -> ReportingPeriod:
    """The week a report is usually about: the latest closed period, else the running one."""
    current = dispatch_services.periods_ensure(zone=zone, today=timezone.localdate(now))
    closed = ReportingPeriod.objects.filter(zone=zone, deadline__lte=now).order_by("-start").first()
    return closed or current


@require_GET
def cockpit(request):
    """驾驶舱: the zone's year at a glance; every figure links to the list behind it."""
    user = request.user
    zone = access.get_report_zone_for_user(user, _int(request, "zone"), request=request)
    now = timezone.now()
    current = dispatch_services.periods_ensure(zone=zone, today=timezone.localdate(now))
    dispatch_services.warnings_refresh(zone=zone, now=now)
    data = selectors.cockpit_data(user, zone, current, now)
    context = {"zone": zone, "zones": _zones(user), "data": data, "period": current}
    return render(request, "reports/cockpit.html", context)


def _weekly_context(request):
    user = request.user
    now = timezone.now()
    period_id = _int(request, "period")
    if period_id:
        period = access.get_report_period_for_user(user, period_id, request=request)
        zone = period.zone
    else:
        zone = access.get_report_zone_for_user(user, _int(request, "zone"), request=request)
        period = default_period(zone, now)
    data = services.weekly_report_for(period, by=user, now=now)
    return zone, period, data


@require_GET
def weekly(request):
    """调度周报: one period's report on a page that prints as it reads."""
    zone, period, data = _weekly_context(request)
    context = {
        "zone": zone,
        "zones": _zones(request.user),
        "period": period,
        "periods": dispatch_selectors.recent_periods(zone, limit=104),
        "data": data,
        "title": text.title(data),
        "headline": text.headline(data),
        "starts_sentence": text.starts_sentence(data),
        "reporting_sentence": text.reporting_sentence(data),
        "colours_sentence": text.colours_sentence(data),
        "wow_sentences": text.wow_sentences(data),
        "blockers_sentence": text.blockers_sentence(data),
        "supervision_sentence": text.supervision_sentence(data),
    }
    return render(request, "reports/weekly.html", context)


def _download(request, period_pk: int, kind: str) -> HttpResponse:
    user: User = request.user
    period = access.get_report_period_for_user(user, period_pk, request=request)
    data = services.weekly_report_for(period, by=user)
    body, content_type = (render_docx(data), DOCX) if kind == "docx" else (render_xlsx(data), XLSX)
    name = f"{text.title(data)}（{period.label}）.{kind}"
    audit_record(
        actor=user,
        action=AuditEvent.Action.EXPORT,
        target=period,
        zone=period.zone,
        note=f"下载调度周报 {name}",
        request=request,
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="weekly-report-{period.start:%Y%m%d}.{kind}"; '
        f"filename*=UTF-8''{quote(name)}"
    )
    return response


@require_GET
def weekly_docx(request, period_pk: int):
    return _download(request, period_pk, "docx")


@require_GET
def weekly_xlsx(request, period_pk: int):
    return _download(request, period_pk, "xlsx")


@require_GET
def gantt(request):
    """挂图作战: projects and milestones, plan (baseline) against actual, on a projector."""
    user = request.user
    zone = access.get_report_zone_for_user(user, _int(request, "zone"), request=request)
    filters = selectors.GanttFilters(
        department=_int(request, "department"),
        lead=_int(request, "lead"),
        stage=request.GET.get("stage", "") if request.GET.get("stage") in Stage.values else "",
        milestones=request.GET.get("milestones", "1") != "0",
    )
    today = timezone.localdate()
    data = selectors.gantt_data(user, zone, filters, today)
    zone_ids = selectors.zone_ids_of(zone)
    context = {
        "zone": zone,
        "zones": _zones(user),
        "filters": filters,
        "data": data,
        "today": today,
        "limit": selectors.GANTT_LIMIT,
        "departments": Department.objects.filter(zone_id__in=zone_ids).order_by("sort_order", "id"),
        "leads": User.objects.filter(
            zone_id__in=zone_ids, role__in=[Role.LEADER, Role.DEPUTY], is_active=True
        ).order_by("id"),
        "stages": Stage.choices,
    }
    return render(request, "reports/gantt.html", context)
