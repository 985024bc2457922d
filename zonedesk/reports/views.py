"""Pages of the reports module: the cockpit (驾驶舱), the weekly dispatch report (调度周报) with its
.docx and .xlsx downloads, and the Gantt battle map (挂图作战)."""

from __future__ import annotations

import datetime as dt
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
from zonedesk.dispatch import warnings as rules
from zonedesk.dispatch.models import ReportingPeriod
from zonedesk.intake.export import ExportColumn, export_xlsx
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
    if request.GET.get("format") == "xlsx":
        return _cockpit_xlsx(request, zone, now)
    current = dispatch_services.periods_ensure(zone=zone, today=timezone.localdate(now))
    dispatch_services.warnings_refresh(zone=zone, now=now)
    data = selectors.cockpit_data(user, zone, current, now)
    context = {"zone": zone, "zones": _zones(user), "data": data, "period": current}
    return render(request, "reports/cockpit.html", context)


COCKPIT_SUPERVISION_COLUMNS = [
    ExportColumn("编号"),
    ExportColumn("议定事项", width=50),
    ExportColumn("相关项目"),
    ExportColumn("承办部门"),
    ExportColumn("办结时限", "date"),
    ExportColumn("逾期天数", "int"),
]


def _cockpit_xlsx(request, zone, now):
    """The cockpit's table as on screen: 逾期督办事项, the same rows the page lists (the full
    list with its filters is the 督办 list's own export)."""
    section = selectors.cockpit_supervision(selectors.zone_ids_of(zone), now) or {"items": []}
    rows = [
        [
            s["number"],
            s["title"],
            s["project"],
            s["department"],
            dt.date.fromisoformat(s["due"]) if s["due"] else None,
            s["days"],
        ]
        for s in section["items"]
    ]
    return export_xlsx(
        request,
        columns=COCKPIT_SUPERVISION_COLUMNS,
        rows=rows,
        title=f"{zone.label}驾驶舱逾期督办事项",
        filters_text=f"开发区：{zone.label}",
        count=len(rows),
    )


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
    zone_ids = selectors.zone_ids_of(zone)
    departments = Department.objects.filter(zone_id__in=zone_ids).order_by("sort_order", "id")
    leads = User.objects.filter(
        zone_id__in=zone_ids, role__in=[Role.LEADER, Role.DEPUTY], is_active=True
    ).order_by("id")
    if request.GET.get("format") == "xlsx":
        return _gantt_xlsx(request, zone, filters, today, departments, leads)
    context = {
        "zone": zone,
        "zones": _zones(user),
        "filters": filters,
        "data": selectors.gantt_data(user, zone, filters, today),
        "today": today,
        "limit": selectors.GANTT_LIMIT,
        "departments": departments,
        "leads": leads,
        "stages": Stage.choices,
    }
    return render(request, "reports/gantt.html", context)


GANTT_PROJECT_COLUMNS = [
    ExportColumn("项目代码"),
    ExportColumn("项目名称", width=30),
    ExportColumn("责任部门"),
    ExportColumn("包保领导"),
    ExportColumn("项目阶段"),
    ExportColumn("计划开工", "date"),
    ExportColumn("实际开工", "date"),
    ExportColumn("计划竣工", "date"),
    ExportColumn("实际竣工", "date"),
    ExportColumn("项目进度"),
]
GANTT_MILESTONE_COLUMNS = [
    ExportColumn("节点序号", "int"),
    ExportColumn("节点名称", width=20),
    ExportColumn("节点基线日期", "date"),
    ExportColumn("节点计划日期", "date"),
    ExportColumn("较基线推迟天数", "int"),
    ExportColumn("节点实际完成日期", "date"),
    ExportColumn("节点状态"),
    ExportColumn("滞后天数", "int"),
]


def _gantt_xlsx(request, zone, filters, today, departments, leads):
    """The plan table behind the Gantt with the filters on screen: one row per milestone (or
    per project when only projects are shown): baseline, plan and actual, with status."""
    rows = []
    for p, m in selectors.gantt_plan_rows(request.user, zone, filters, today):
        line = [
            p.code, p.name, p.department.name,
            p.lead_official.name if p.lead_official_id else "", p.get_stage_display(),
            p.planned_start, p.actual_start, p.planned_completion, p.actual_completion,
            selectors.project_state(p, today),
        ]  # fmt: skip
        if filters.milestones:
            if m is None:
                line += [None, "（无节点）", None, None, None, None, "", None]
            else:
                line += [m.order, m.name, m.baseline_date, m.planned_date, m.slip_days, m.actual_date,
                         selectors.MILESTONE_STATES[selectors.milestone_state(m, today)],
                         selectors.milestone_delay(m, today)]  # fmt: skip
        rows.append(line)
    shown = [f"开发区：{zone.label}"]
    if filters.department:
        shown.append(
            f"责任部门：{next((d.name for d in departments if d.pk == filters.department), '')}"
        )
    if filters.lead:
        shown.append(f"包保领导：{next((u.name for u in leads if u.pk == filters.lead), '')}")
    if filters.stage:
        shown.append(f"项目阶段：{Stage(filters.stage).label}")
    if not filters.milestones:
        shown.append("只看项目")
    columns = GANTT_PROJECT_COLUMNS + (GANTT_MILESTONE_COLUMNS if filters.milestones else [])
    return export_xlsx(
        request,
        columns=columns,
        rows=rows,
        title=f"{zone.label}挂图作战计划表",
        filters_text="；".join(shown),
        count=len(rows),
    )


ZONES_COLUMNS = [
    ExportColumn("开发区", width=24),
    ExportColumn("在库项目", "int"),
    ExportColumn("总投资（万元）", "money"),
    ExportColumn("年度计划投资（万元）", "money"),
    ExportColumn("本年累计完成（万元）", "money"),
    ExportColumn("年度投资完成率（%）", "decimal"),
    ExportColumn("超（−落后）序时进度（百分点）", "decimal"),
    ExportColumn("红色预警", "int"),
    ExportColumn("黄色预警", "int"),
    ExportColumn("未解决要素保障问题", "int"),
    ExportColumn("逾期督办", "int"),
    ExportColumn("逾期节点", "int"),
    ExportColumn("较基线推迟节点", "int"),
]


@require_GET
def zones(request):
    """各区调度一览: every zone the user reads side by side — for a city or province viewer,
    or a leader of several zones — each row linking to that zone's cockpit and lists."""
    user = request.user
    access.require_report_reader(user, request)
    now = timezone.now()
    today = timezone.localdate(now)
    # The colours must be today's, as on each zone's own pages.
    dispatch_services.warnings_refresh_zones(_zones(user), now=now)
    rows = selectors.zones_overview(user, today)
    total = selectors.zones_total(rows, today)
    share = selectors.percent(rules.schedule_share(today))
    if request.GET.get("format") == "xlsx":
        return export_xlsx(
            request,
            columns=ZONES_COLUMNS,
            rows=[
                [
                    r.zone.label if r.zone else "合计",
                    r.projects,
                    r.total_investment,
                    r.plan,
                    r.done,
                    selectors.percent(r.rate),
                    selectors.percent(r.gap),
                    r.red,
                    r.amber,
                    r.open_blockers,
                    r.overdue_supervision,
                    r.overdue_milestones,
                    r.slipped_milestones,
                ]
                for r in [*rows, total]
            ],
            title="各区调度一览",
            filters_text=f"截至{today:%Y-%m-%d}，序时进度{share}%；不含已归档和已终止项目",
            count=len(rows),
        )
    context = {
        "rows": rows,
        "total": total,
        "share": share,
        "today": today,
        "zones": [r.zone for r in rows],
    }
    return render(request, "reports/zones.html", context)
