"""The ledger as .xlsx in its usual 台账 layout (序号, 问题来源, 问题描述, 点位, 类别, 责任单位,
责任人, 督办部门, 整改措施, 时限, 状态, 销号日期)."""

from __future__ import annotations

from zonedesk.intake.export import ExportColumn, export_xlsx

from .selectors import counts_total

COLUMNS = [
    ExportColumn("序号", "int", 6),
    ExportColumn("编号", width=14),
    ExportColumn("问题来源", width=10),
    ExportColumn("问题描述", width=40),
    ExportColumn("点位/企业", width=22),
    ExportColumn("问题类别", width=10),
    ExportColumn("发现日期", "date"),
    ExportColumn("责任部门", width=14),
    ExportColumn("责任单位", width=18),
    ExportColumn("责任人", width=8),
    ExportColumn("督办部门", width=14),
    ExportColumn("整改措施", width=40),
    ExportColumn("时限类别", width=8),
    ExportColumn("整改时限", "date"),
    ExportColumn("整改状态", width=10),
    ExportColumn("整改进展", width=30),
    ExportColumn("销号日期", "date"),
    ExportColumn("是否逾期", width=8),
    ExportColumn("备注", width=24),
]


def ledger_xlsx(request, campaign, items):
    rows = []
    for i, item in enumerate(items, start=1):
        rows.append(
            [
                i, item.number, item.get_source_display(), item.problem, item.place, item.category,
                item.found_on, item.responsible_department.name,
                item.responsible_unit.name if item.responsible_unit_id else "",
                item.responsible_person,
                item.supervising_department.name if item.supervising_department_id else "",
                item.measures, item.get_deadline_class_display(), item.deadline,
                item.get_status_display(), item.progress, item.closed_on,
                "是" if item.is_overdue else "否",
                f"核查未通过：{item.last_failure}" if item.last_failure and item.status != "closed" else "",
            ]
        )  # fmt: skip
    counts = counts_total(campaign.items.all())
    return export_xlsx(
        request,
        columns=COLUMNS,
        rows=rows,
        title=f"{campaign.name}问题整改台账",
        filters_text=f"{campaign.zone.name}；{counts.sentence}",
        count=len(rows),
    )
