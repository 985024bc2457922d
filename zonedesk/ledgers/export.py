"""The ledger as .xlsx in its usual 台账 layout (序号, 问题来源, 问题描述, 点位, 类别, 责任单位,
责任人, 督办部门, 整改措施, 时限, 状态, 销号日期); the campaigns list and each table of the
statistics page as .xlsx, with what the page shows."""

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


# --- the campaigns list and the statistics page ------------------------------------------------------

CAMPAIGN_COLUMNS = [
    ExportColumn("专项行动", width=30),
    ExportColumn("领域"),
    ExportColumn("来源"),
    ExportColumn("牵头部门"),
    ExportColumn("开始日期", "date"),
    ExportColumn("结束日期", "date"),
    ExportColumn("排查问题", "int"),
    ExportColumn("已整改", "int"),
    ExportColumn("已销号", "int"),
    ExportColumn("销号率（%）", "decimal"),
    ExportColumn("逾期", "int"),
]


def _count_cells(n) -> list:
    return [n.found, n.rectified, n.closed, n.closure_rate, n.overdue]


def campaigns_xlsx(request, zone, campaigns, total):
    """专项行动 as listed, with the 合计 line the page states above the table."""
    rows = [
        [c.name, c.theme, c.get_source_display(),
         c.lead_department.name if c.lead_department_id else "", c.start, c.end,
         *_count_cells(c.counts)]
        for c in campaigns
    ]  # fmt: skip
    rows.append(["合计", "", "", "", None, None, *_count_cells(total)])
    return export_xlsx(
        request,
        columns=CAMPAIGN_COLUMNS,
        rows=rows,
        title=f"{zone.label}专项行动",
        filters_text=f"开发区：{zone.label}",
        count=len(campaigns),
    )


def _counts_table(first: str, last: tuple[str, str]):
    return [
        ExportColumn(first, width=30),
        ExportColumn("排查", "int"),
        ExportColumn("整改", "int"),
        ExportColumn("销号", "int"),
        ExportColumn(*last),
    ]


def _repeat_table(first: str):
    return [
        ExportColumn(first, width=30),
        ExportColumn("问题数", "int"),
        ExportColumn("重复", "int"),
        ExportColumn("重复率（%）", "decimal"),
    ]


# The tables of the statistics page, each exported on its own: key → (title, columns).
STATS_TABLES = {
    "campaigns": ("按专项行动", _counts_table("专项行动", ("销号率（%）", "decimal"))),
    "departments": ("按责任部门", _counts_table("责任部门", ("逾期", "int"))),
    "repeat-place": ("重复问题率（按点位）", _repeat_table("点位/企业")),
    "repeat-category": ("重复问题率（按类别）", _repeat_table("问题类别")),
    "overdue": (
        "逾期事项",
        [
            ExportColumn("编号", width=14),
            ExportColumn("专项行动", width=24),
            ExportColumn("问题", width=40),
            ExportColumn("责任部门", width=14),
            ExportColumn("整改时限", "date"),
            ExportColumn("逾期天数", "int"),
            ExportColumn("整改状态"),
        ],
    ),
}


def stats_rows(table: str, stats: dict, today) -> list[list]:
    """The rows of one table of the statistics page, from the page's own context."""
    match table:
        case "campaigns":
            return [[c.name, n.found, n.rectified, n.closed, n.closure_rate]
                    for c, n in stats["by_campaign"]]  # fmt: skip
        case "departments":
            return [[d.name, n.found, n.rectified, n.closed, n.overdue]
                    for d, n in stats["by_department"]]  # fmt: skip
        case "repeat-place" | "repeat-category":
            key = table.removeprefix("repeat-")
            return [[r.label, r.items, r.repeats, r.rate] for r in stats["repeats"][key]]
        case "overdue":
            return [
                [i.number, i.campaign.name, i.problem, i.responsible_department.name, i.deadline,
                 (today - i.deadline).days, i.get_status_display()]
                for i in stats["overdue"]
            ]  # fmt: skip
    raise KeyError(table)


def stats_xlsx(request, zone, table: str, stats: dict, period_label: str, today):
    name, columns = STATS_TABLES[table]
    rows = stats_rows(table, stats, today)
    # Only the count tables follow the period on the page; the others cover every item.
    period = (
        f"统计期间：{period_label}"
        if table in ("campaigns", "departments")
        else "统计期间：全部（本表不按期间统计）"
    )
    return export_xlsx(
        request,
        columns=columns,
        rows=rows,
        title=f"{zone.label}整改统计（{name}）",
        filters_text=f"开发区：{zone.label}；{period}",
        count=len(rows),
    )
