""".xlsx exports of the cross-zone pages (跨区对比, 两区对比, 排名变化), of the key projects
against the official 固定资产投资 (项目与统计对照), of one indicator's page (公布数据, 年度目标),
of the year's targets (年度目标) and of the catalogue (指标目录). Each takes exactly what its
page shows, read by the same selector, and goes through `intake.export.export_xlsx` (audited)."""

from __future__ import annotations

from zonedesk.intake.export import ExportColumn, export_xlsx

from .models import Assessor


def span_label(month: int) -> str:
    return f"1-{month}月" if month > 1 else "1月"


def _shown(cell):
    """A cell's figure as a number when it is one, else the text on screen ("12.5亿元"), else
    blank for "—"."""
    if cell.value is not None:
        return cell.value
    return "" if cell.text == "—" else cell.text


def overview_xlsx(request, data, rows, *, sort: str = ""):
    """跨区对比: one row per zone in the page's order; per measure its figure and rank. The
    funnel's "签约/开工/投产" is split into its numbers, with the signed amount in 万元."""
    columns = [ExportColumn("开发区", width=18)]
    for m in data.measures:
        if m.key == "funnel":
            columns += [
                ExportColumn(f"{m.label}（个）", "int"),
                ExportColumn("其中开工（个）", "int"),
                ExportColumn("其中投产（个）", "int"),
                ExportColumn("签约金额（万元）", "money"),
            ]
        else:
            columns.append(ExportColumn(f"{m.label}{f'（{m.unit}）' if m.unit else ''}", "decimal"))
        columns.append(ExportColumn(f"{m.label}名次", "int"))
    out = []
    for zone, cells in rows:
        line: list[object] = [zone.label]
        for m, cell in zip(data.measures, cells, strict=True):
            if m.key == "funnel":
                f = cell.figures
                line += [f.get("signed"), f.get("started"), f.get("producing")]
                line.append(f.get("signed_amount") if f else None)
            else:
                line.append(_shown(cell))
            line.append(cell.rank)
        out.append(line)
    sorted_by = next((m.label for m in data.measures if m.key == sort), "")
    filters = f"统计期：{data.year}年{span_label(data.month)}；开发区{len(data.zones)}个" + (
        f"；按{sorted_by}排名" if sorted_by else ""
    )
    return export_xlsx(
        request,
        columns=columns,
        rows=out,
        title=f"跨区对比{data.year}年{span_label(data.month)}",
        filters_text=filters,
        count=len(out),
    )


def compare_xlsx(request, a, b, year: int, month: int, pairs):
    """两区对比: per indicator, each zone's cumulative figure, growth, colour and reason."""
    columns = [ExportColumn("指标", width=24), ExportColumn("单位")]
    for zone in (a, b):
        columns += [
            ExportColumn(f"{zone.label}累计值", "decimal"),
            ExportColumn(f"{zone.label}同比（%）", "decimal"),
            ExportColumn(f"{zone.label}评价"),
            ExportColumn(f"{zone.label}原因", width=40),
        ]
    rows = []
    for left, right in pairs:
        ind = (left or right).indicator
        line: list[object] = [ind.name, ind.unit]
        for side in (left, right):
            if side is None:
                line += [None, None, "（无此指标）", ""]
                continue
            v = side.value
            line += [v.value if v else None, v.growth if v else None, side.colour_label,
                     "；".join(side.reasons)]  # fmt: skip
        rows.append(line)
    span = span_label(month)
    return export_xlsx(
        request,
        columns=columns,
        rows=rows,
        title=f"两区对比{a.label}与{b.label}{year}年{span}",
        filters_text=f"甲：{a.label}；乙：{b.label}；统计期：{year}年{span}",
        count=len(rows),
    )


def rank_xlsx(request, zone, zones, year: int, history):
    """排名变化: per headline indicator, the zone's rank month by month."""
    columns = [ExportColumn("指标", width=24)] + [
        ExportColumn(span_label(m), "int") for m in range(1, 13)
    ]
    rows = [[h["indicator"].name, *h["ranks"]] for h in history]
    return export_xlsx(
        request,
        columns=columns,
        rows=rows,
        title=f"{zone.label}{year}年排名变化",
        filters_text=(
            f"开发区：{zone.label}；年度：{year}；按公布的同比增速在可查看的{len(zones)}个开发区中排名"
        ),
        count=len(rows),
    )


FAI_COLUMNS = [
    ExportColumn("统计期"),
    ExportColumn("固定资产投资（统计公布，万元）", "money"),
    ExportColumn("同比（%）", "decimal"),
    ExportColumn("重点项目本年累计完成（万元）", "money"),
    ExportColumn("有审核通过填报的项目数", "int"),
    ExportColumn("其中已纳统项目（万元）", "money"),
    ExportColumn("纳统项目占比（%）", "decimal"),
    ExportColumn("差额（万元）", "money"),
]


def fai_xlsx(request, zone, year: int, months):
    """项目与统计对照: month by month, the official figure beside the key projects' own."""
    rows = [
        [
            span_label(r.month),
            r.official_wan,
            r.official.growth if r.official else None,
            r.projects_all,
            r.projects_reporting,
            r.projects_counted,
            r.counted_share,
            r.gap,
        ]
        for r in months
    ]
    return export_xlsx(
        request,
        columns=FAI_COLUMNS,
        rows=rows,
        title=f"{zone.label}{year}年重点项目投资与统计公布固定资产投资对照",
        filters_text=f"开发区：{zone.label}；年度：{year}",
        count=len(rows),
    )


# --- one indicator, the year's targets, the catalogue --------------------------------------------


def _unit(indicator) -> str:
    return f"（{indicator.unit}）" if indicator.unit else ""


def indicator_values_xlsx(request, zone, indicator, year: int, history):
    """An indicator page's 公布数据: the figures as published, the year on screen and the one
    before, newest first, as the page lists them."""
    columns = [
        ExportColumn("统计期"),
        ExportColumn(f"累计值{_unit(indicator)}", "decimal"),
        ExportColumn("同比（%）", "decimal"),
        ExportColumn("来源"),
        ExportColumn("发布日期", "date"),
        ExportColumn("录入人"),
        ExportColumn("更正说明", width=30),
    ]
    rows = [
        [
            v.period_label,
            v.value,
            v.growth,
            v.source,
            v.published_on,
            v.entered_by.name if v.entered_by_id else "",
            v.note,
        ]
        for v in history
    ]
    return export_xlsx(
        request,
        columns=columns,
        rows=rows,
        title=f"{zone.label}{indicator.name}公布数据",
        filters_text=f"开发区：{zone.label}；指标：{indicator.name}；年度：{year - 1}—{year}",
        count=len(rows),
    )


def indicator_targets_xlsx(request, zone, indicator, year: int, targets):
    """An indicator page's 年度目标 card: one row per assessor with a target that year."""
    columns = [
        ExportColumn("考核主体"),
        ExportColumn(f"目标值{_unit(indicator)}", "decimal"),
        ExportColumn("目标增速（%）", "decimal"),
        ExportColumn("权重", "decimal"),
    ]
    rows = [[t.get_assessor_display(), t.target_value, t.target_growth, t.weight] for t in targets]
    return export_xlsx(
        request,
        columns=columns,
        rows=rows,
        title=f"{zone.label}{indicator.name}{year}年度目标",
        filters_text=f"开发区：{zone.label}；指标：{indicator.name}；年度：{year}",
        count=len(rows),
    )


def targets_xlsx(request, zone, year: int, indicators, current):
    """年度目标: every indicator of the catalogue, the city's and the province's target value,
    growth and weight; a figure the indicator does not publish stays blank ("—" on screen)."""
    columns = [ExportColumn("指标", width=24), ExportColumn("单位")]
    for _assessor, label in Assessor.choices:
        columns += [
            ExportColumn(f"{label}目标值", "decimal"),
            ExportColumn(f"{label}目标增速（%）", "decimal"),
            ExportColumn(f"{label}权重", "decimal"),
        ]
    rows = []
    for ind in indicators:
        line: list[object] = [ind.name, ind.unit]
        for assessor in Assessor.values:
            t = current.get((ind.pk, assessor))
            line += [
                t.target_value if t and ind.has_level else None,
                t.target_growth if t and ind.has_growth else None,
                t.weight if t else None,
            ]
        rows.append(line)
    return export_xlsx(
        request,
        columns=columns,
        rows=rows,
        title=f"{zone.label}{year}年度目标",
        filters_text=f"开发区：{zone.label}；年度：{year}",
        count=len(rows),
    )


def catalogue_xlsx(request, zone, indicators):
    """指标目录: the shipped indicators and the zone's own, in catalogue order."""
    columns = [
        ExportColumn("代码"),
        ExportColumn("指标名称", width=30),
        ExportColumn("单位"),
        ExportColumn("频率"),
        ExportColumn("价格口径"),
        ExportColumn("累计/时点"),
        ExportColumn("发布"),
        ExportColumn("1月发布"),
        ExportColumn("适用"),
        ExportColumn("说明", width=40),
    ]
    rows = []
    for i in indicators:
        published = "、".join(
            label for flag, label in ((i.has_level, "绝对值"), (i.has_growth, "增速")) if flag
        )
        rows.append(
            [
                i.code,
                f"{i.parent.name} › {i.name}" if i.parent_id else i.name,
                i.unit,
                i.get_frequency_display(),
                i.get_pricing_display(),
                i.get_kind_display(),
                published,
                "是" if i.january_reported else "否",
                "本区" if i.zone_id else "全省通用",
                i.note,
            ]
        )
    return export_xlsx(
        request,
        columns=columns,
        rows=rows,
        title=f"{zone.label}指标目录",
        filters_text=f"开发区：{zone.label}",
        count=len(rows),
    )
