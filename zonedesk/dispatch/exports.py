"""Excel exports of the dispatch pages (导出Excel): the period status board (填报情况), the
warnings list (项目预警), blockers, 督办 and meetings (调度会), with the zone, period and filters
on screen, in the style of every export (`zonedesk.intake.export`: Chinese headers, money in
万元 with two decimals, frozen header, autofilter, fitted widths, text never run as a formula;
each export audited)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.views.decorators.http import require_GET

from zonedesk import access
from zonedesk.intake.export import ExportColumn, export_xlsx, filters_text

from . import selectors, services
from .forms import WarningFilterForm


def _zone(request):
    """The zone a page is about: ?zone= among the user's zones, else their first (as the pages)."""
    zones = list(selectors.root_zones_for(request.user))
    if not zones:
        raise access.deny(request.user, what="没有可查看的开发区", request=request)
    wanted = request.GET.get("zone", "")
    return next((z for z in zones if str(z.pk) == wanted), zones[0]), zones


STATE_LABELS = {"reported": "已报", "missing": "未报", "returned": "退回"}

BOARD_COLUMNS = [
    ExportColumn("责任部门"),
    ExportColumn("填报单位"),
    ExportColumn("项目代码"),
    ExportColumn("项目名称"),
    ExportColumn("项目阶段"),
    ExportColumn("填报情况"),
    ExportColumn("状态"),
    ExportColumn("本期完成投资（万元）", "money"),
    ExportColumn("本年累计完成投资（万元）", "money"),
    ExportColumn("自开工累计完成投资（万元）", "money"),
    ExportColumn("工程完成比例（%）", "decimal"),
    ExportColumn("形象进度", width=30),
    ExportColumn("存在问题", width=30),
    ExportColumn("报送时间", "datetime"),
    ExportColumn("退回原因", width=24),
    ExportColumn("催报次数", "int"),
]


@require_GET
def board_export(request):
    """填报情况 of one period as .xlsx: one row per expected project, as the board groups them."""
    access.require_business_role(request.user, request)
    zone, _ = _zone(request)
    value = request.GET.get("period", "")
    if value.isdigit():
        period = access.get_period_for_user(request.user, int(value), request=request)
        zone = period.zone
    else:
        period = services.periods_ensure(zone=zone)
    board = selectors.board(request.user, period)
    rows: list[list[object]] = []
    sums = [Decimal(0), Decimal(0), Decimal(0)]
    for block in board.departments:
        for unit in block.units:
            for entry in unit.entries:
                report = entry.report
                figures = (
                    [report.invested_period, report.invested_year, report.invested_total]
                    if report
                    else [None, None, None]
                )
                for i, figure in enumerate(figures):
                    sums[i] += figure or 0
                rows.append(
                    [
                        block.department.name,
                        unit.organisation.name if unit.organisation else "（未指定单位）",
                        entry.project.code,
                        entry.project.name,
                        entry.project.get_stage_display(),
                        STATE_LABELS[entry.state],
                        report.get_status_display() if report else "未填报",
                        *figures,
                        report.percent_complete if report else None,
                        report.image_progress if report else "",
                        report.problems if report else "",
                        report.submitted_at if report else None,
                        report.return_reason if report else "",
                        unit.reminders,
                    ]
                )
    totals: list[object] = [""] * len(BOARD_COLUMNS)
    totals[0] = (
        f"合计：应报{board.total}个，已报{board.reported}个，未报{board.missing}个，"
        f"退回{board.returned}个"
    )
    totals[7:10] = sums
    rows.append(totals)
    return export_xlsx(
        request,
        columns=BOARD_COLUMNS,
        rows=rows,
        title="进度填报情况",
        filters_text=f"开发区：{zone.name}；期次：{period.label}",
        count=board.total,
    )


WARNING_COLUMNS = [
    ExportColumn("预警等级"),
    ExportColumn("项目代码"),
    ExportColumn("项目名称"),
    ExportColumn("项目阶段"),
    ExportColumn("责任部门"),
    ExportColumn("实施单位"),
    ExportColumn("总投资（万元）", "money"),
    ExportColumn("年度计划投资（万元）", "money"),
    ExportColumn("预警原因", width=60),
    ExportColumn("评估时间", "datetime"),
]


@require_GET
def warnings_export(request):
    """项目预警 as .xlsx, with the colour and department filters on screen."""
    access.require_business_role(request.user, request)
    zone, _ = _zone(request)
    services.periods_ensure(zone=zone)
    services.warnings_refresh(zone=zone)
    form = WarningFilterForm(
        request.GET, departments=access.departments_for(request.user).filter(zone=zone)
    )
    filters = selectors.WarningFilters(zone=zone.pk)
    if form.is_valid():
        department = form.cleaned_data["department"]
        filters.colour = form.cleaned_data["colour"]
        filters.department = department.pk if department else None
    warnings = list(selectors.warning_list(request.user, filters))
    rows: list[list[object]] = []
    for w in warnings:
        project = w.project
        unit = project.implementing_unit or project.owner
        rows.append(
            [
                w.get_colour_display(),
                project.code,
                project.name,
                project.get_stage_display(),
                project.department.name,
                unit.name if unit else "",
                project.total_investment,
                project.annual_plan_investment,
                "；".join(w.reason_texts),
                w.computed_at,
            ]
        )
    shown = filters_text(form)
    return export_xlsx(
        request,
        columns=WARNING_COLUMNS,
        rows=rows,
        title="项目预警",
        filters_text=f"开发区：{zone.name}" + (f"；{shown}" if shown else ""),
        count=len(warnings),
    )


BLOCKER_COLUMNS = [
    ExportColumn("项目代码"),
    ExportColumn("项目名称"),
    ExportColumn("问题类别"),
    ExportColumn("问题描述", width=40),
    ExportColumn("责任部门"),
    ExportColumn("包保领导"),
    ExportColumn("当前层级"),
    ExportColumn("状态"),
    ExportColumn("提出人"),
    ExportColumn("提出时间", "datetime"),
    ExportColumn("解决时限", "date"),
    ExportColumn("逾期天数", "int"),
    ExportColumn("解决情况", width=30),
]


def blockers_xlsx(request, zone, blockers, form):
    """要素保障问题 as on the list page (its filters), one row per problem."""
    today = timezone.localdate()
    rows = [
        [
            b.project.code,
            b.project.name,
            b.get_category_display(),
            b.description,
            b.department.name if b.department_id else "",
            b.lead_official.name if b.lead_official_id else "",
            b.get_level_display(),
            b.get_status_display(),
            b.raised_by.name,
            b.raised_at,
            b.deadline,
            b.overdue_days(today) if b.is_overdue(today) else None,
            b.resolution_note,
        ]
        for b in blockers
    ]
    return export_xlsx(
        request,
        columns=BLOCKER_COLUMNS,
        rows=rows,
        title=f"{zone.label}要素保障问题",
        filters_text=filters_text(form),
        count=len(rows),
    )


SUPERVISION_COLUMNS = [
    ExportColumn("督办编号"),
    ExportColumn("议定事项", width=50),
    ExportColumn("承办部门"),
    ExportColumn("相关项目"),
    ExportColumn("办结时限", "date"),
    ExportColumn("状态"),
    ExportColumn("逾期天数", "int"),
]


def supervision_xlsx(request, zone, items, form):
    """督办事项 as on the list page (its filters), one row per item."""
    today = timezone.localdate()
    rows = [
        [
            item.number,
            item.content,
            item.department.name if item.department_id else "",
            item.project.name if item.project_id else "",
            item.deadline,
            item.get_status_display(),
            (today - item.deadline).days if item.is_overdue(today) else None,
        ]
        for item in items
    ]
    return export_xlsx(
        request,
        columns=SUPERVISION_COLUMNS,
        rows=rows,
        title=f"{zone.label}督办事项",
        filters_text=filters_text(form),
        count=len(rows),
    )


MEETING_COLUMNS = [
    ExportColumn("会议日期", "date"),
    ExportColumn("原定日期", "date"),
    ExportColumn("会议"),
    ExportColumn("会议编号"),
    ExportColumn("主持人"),
    ExportColumn("议程事项（项）", "int"),
    ExportColumn("督办事项（项）", "int"),
    ExportColumn("状态"),
]


def meetings_xlsx(request, zone, meetings):
    """调度会 as on the list page, upcoming and past in one sheet, newest first; the 原定日期
    only where the meeting was moved from the date the rhythm gave it."""
    rows = [
        [
            m.date,
            m.slot if m.slot and m.slot != m.date else None,
            f"{m.get_kind_display()}会",
            m.number_label,
            m.chair.name if m.chair_id else "",
            m.agenda_count,
            m.decision_count,
            m.get_status_display(),
        ]
        for m in meetings
    ]
    return export_xlsx(
        request,
        columns=MEETING_COLUMNS,
        rows=rows,
        title=f"{zone.label}调度会",
        filters_text=f"开发区：{zone.name}",
        count=len(rows),
    )


AGENDA_COLUMNS = [
    ExportColumn("序号", "int"),
    ExportColumn("议程事项", width=36),
    ExportColumn("理由", width=36),
    ExportColumn("类别"),
    ExportColumn("讨论情况", width=40),
    ExportColumn("督办编号"),
    ExportColumn("督办内容", width=40),
    ExportColumn("承办部门"),
    ExportColumn("办结时限", "date"),
    ExportColumn("状态"),
]

# AgendaItem.kind is free text (other apps register sources); the known ones in words.
AGENDA_KINDS = {
    "project": "预警项目",
    "blocker": "要素保障问题",
    "supervision": "督办事项",
    "ledger": "工作台账",
    "enterprise_request": "企业诉求",
    "manual": "临时动议",
}
COLOUR_WORDS = {"red": "红", "amber": "黄"}


def _agenda_kind(item) -> str:
    label = AGENDA_KINDS.get(item.kind, item.kind)
    colour = COLOUR_WORDS.get(item.colour)
    return f"{label}（{colour}）" if colour else label


def _decision(d) -> list[object]:
    return [
        d.number,
        d.content,
        d.department.name if d.department_id else "",
        d.deadline,
        d.get_status_display(),
    ]


def meeting_agenda_xlsx(request, meeting, agenda: selectors.Agenda):
    """A meeting's agenda as on its page (dropped items left out), with the 督办 decided on each
    item: one row per decision, one row for an item without any; decisions taken on no item
    follow under 其他议定事项 (as the page lists them)."""
    rows: list[list[object]] = []
    for seq, item in enumerate(agenda.items, start=1):
        head = [seq, item.title, item.reason, _agenda_kind(item), item.discussion]
        decisions = list(item.decisions.all())
        if not decisions:
            rows.append([*head, "", "", "", None, ""])
        rows.extend([*head, *_decision(d)] for d in decisions)
    rows.extend([None, "其他议定事项", "", "", "", *_decision(d)] for d in agenda.loose_decisions)
    return export_xlsx(
        request,
        columns=AGENDA_COLUMNS,
        rows=rows,
        title=f"{meeting.title}议程及督办",
        filters_text=f"开发区：{meeting.zone.name}；会议：{meeting.title}",
        count=len(rows),
    )
