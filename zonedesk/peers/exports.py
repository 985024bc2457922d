"""Excel exports (导出Excel) of the 对标情报 pages: the documents, a document's facts, the peer
zones, the comparison table (对标表) and the suggested changes. Each takes what its page shows
(the views check the permission first) and writes it with `intake.export.export_xlsx`, which
audits the export naming the filters."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse

from zonedesk.intake.export import ExportColumn, export_xlsx

from . import selectors
from .models import SuggestedChange

DOCUMENT_COLUMNS = [
    ExportColumn("文档", width=40),
    ExportColumn("来源"),
    ExportColumn("发布日期", "date"),
    ExportColumn("读取人"),
    ExportColumn("读取时间", "datetime"),
    ExportColumn("开发区"),
]


def documents_xlsx(request) -> HttpResponse:
    """Every document the user may read, newest first (the page shows the latest 20); the zone
    is added because a viewer may read several zones' documents."""
    documents = selectors.documents_for(request.user).select_related("created_by", "zone")
    rows = [
        [
            d.name,
            d.get_origin_display(),
            d.published_on,
            d.created_by.name,
            d.created_at,
            d.zone.label,
        ]
        for d in documents
    ]
    return export_xlsx(
        request, columns=DOCUMENT_COLUMNS, rows=rows, title="对标情报文档", count=len(rows)
    )


FACT_COLUMNS = [
    ExportColumn("序号", "int"),
    ExportColumn("类别"),
    ExportColumn("原文", width=24),
    ExportColumn("约数", "bool"),
    ExportColumn("数值", "decimal"),
    ExportColumn("单位"),
    ExportColumn("指标"),
    ExportColumn("主体"),
    ExportColumn("所在句子", width=60),
    ExportColumn("已保存为对标数据", "bool"),
]


def facts_xlsx(request, document, facts) -> HttpResponse:
    """The 数据 table of a document as read on screen: every fact in text order, its value in
    the base unit (units differ by row, hence a 单位 column), and whether a figure still stands
    saved from it (withdrawn ones do not count, as on the page)."""
    saved = set(selectors.document_figures(document).values_list("char_start", flat=True))
    rows = [
        [
            i,
            selectors.FACT_KINDS.get(f.kind, f.kind),
            f.text,
            f.approx,
            Decimal(str(f.value)),
            f.unit,
            f.metric or "",
            f.subject or "",
            f.sentence,
            f.char_start in saved,
        ]
        for i, f in enumerate(facts, start=1)
    ]
    return export_xlsx(
        request,
        columns=FACT_COLUMNS,
        rows=rows,
        title=f"{document.name}数据",
        filters_text=f"文档：{document.name}（{document.zone.label}）",
        count=len(rows),
    )


PEER_COLUMNS = [
    ExportColumn("名称"),
    ExportColumn("类型"),
    ExportColumn("所在地区"),
    ExportColumn("关注方"),
    ExportColumn("数据条数", "int"),
]


def peers_xlsx(request, peers) -> HttpResponse:
    rows = [
        [p.name, p.get_kind_display(), p.region, p.observer.label, p.figure_count] for p in peers
    ]
    return export_xlsx(request, columns=PEER_COLUMNS, rows=rows, title="对标区域", count=len(rows))


def compare_xlsx(request, columns, rows, year) -> HttpResponse:
    header = [ExportColumn("指标", "text"), ExportColumn("单位", "text")]
    for column in columns:
        header += [
            ExportColumn(column.label, "decimal"),
            ExportColumn(f"{column.label}来源", "text"),
        ]
    lines = []
    for row in rows:
        values: list[object] = [row.measure, row.unit]
        for cell in row.line:
            values += [cell.value, f"{cell.period_label} {cell.source}"] if cell else [None, ""]
        lines.append(values)
    names = "、".join(c.label for c in columns)
    return export_xlsx(
        request,
        columns=header,
        rows=lines,
        title=f"对标表{year}年",
        filters_text=f"开发区：{names}；年份：{year}",
        count=len(lines),
    )


SUGGESTION_COLUMNS = [
    ExportColumn("类别"),
    ExportColumn("项目编号"),
    ExportColumn("项目名称", width=30),
    ExportColumn("字段"),
    ExportColumn("现值", "decimal"),
    ExportColumn("建议值", "decimal"),
    ExportColumn("来源文档", width=30),
    ExportColumn("原句", width=60),
    ExportColumn("提出人"),
    ExportColumn("提出时间", "datetime"),
    ExportColumn("状态"),
    ExportColumn("处理人"),
    ExportColumn("处理时间", "datetime"),
    ExportColumn("处理说明", width=30),
]


def suggestions_xlsx(request, qs, status) -> HttpResponse:
    """Every suggestion of the status on screen (all pages); the unit of 现值/建议值 is in the
    字段 column, as each field has its own."""
    rows = [
        [
            "重点项目" if s.project_id else "招商项目",
            s.target.code,
            s.target.name,
            s.get_field_display(),
            s.current_then,
            s.proposed,
            s.document.name,
            s.sentence,
            s.suggested_by.name,
            s.suggested_at,
            s.get_status_display(),
            s.decided_by.name if s.decided_by_id else "",
            s.decided_at,
            s.decision_note,
        ]
        for s in qs
    ]
    label = SuggestedChange.Status(status).label if status in SuggestedChange.Status.values else ""
    return export_xlsx(
        request,
        columns=SUGGESTION_COLUMNS,
        rows=rows,
        title="修改建议",
        filters_text=f"状态：{label}" if label else "",
        count=len(rows),
    )
