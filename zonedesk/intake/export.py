"""Excel export (导出Excel) and import templates (导入模板), written with xlsxwriter.

Every export has a title row, a line saying which filters were on screen, a frozen header row with
an autofilter, money in 万元 with two decimals, and column widths that fit the content (a CJK
character counts as two). Text is always written with `write_string`, so a cell starting with
`=`, `+`, `-` or `@` is stored as text and no spreadsheet runs it as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent

from .reader import Column

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WIDTH = 60


@dataclass(frozen=True)
class ExportColumn:
    label: str
    kind: str = "text"  # text, money, decimal, int, date, datetime, bool
    width: int | None = None


def display_width(text: str) -> int:
    """Width in Excel's character units: East Asian wide/full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _cell_width(value: object, kind: str) -> int:
    if value is None or value == "":
        return 0
    if kind == "money" and isinstance(value, int | float | Decimal):
        return len(f"{value:,.2f}")
    if isinstance(value, dt.datetime) and kind == "datetime":
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, bool):
        return 2
    longest = max((display_width(line) for line in str(value).splitlines()), default=0)
    return longest


def write_xlsx(
    columns: Sequence[ExportColumn],
    rows: Iterable[Sequence[object]],
    *,
    title: str,
    filters_text: str = "",
    sheet_name: str = "",
) -> bytes:
    """An .xlsx of `rows` under `columns`: title, filter line, frozen header, autofilter."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet(
        (sheet_name or title)[:31].translate(str.maketrans("[]:*?/\\", "（）：＊？／＼"))
    )
    title_fmt = book.add_format({"bold": True, "font_size": 14})
    note_fmt = book.add_format({"font_color": "#66768a"})
    head_fmt = book.add_format(
        {"bold": True, "bg_color": "#EAF0F8", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    formats = {
        "text": book.add_format({"border": 1, "text_wrap": False}),
        "money": book.add_format({"border": 1, "num_format": "#,##0.00"}),
        "decimal": book.add_format({"border": 1, "num_format": "#,##0.00"}),
        "int": book.add_format({"border": 1, "num_format": "0"}),
        "date": book.add_format({"border": 1, "num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"border": 1, "num_format": "yyyy-mm-dd hh:mm"}),
        "bool": book.add_format({"border": 1, "align": "center"}),
    }
    sheet.write_string(0, 0, title, title_fmt)
    exported = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    sheet.write_string(
        1, 0, f"筛选条件：{filters_text or '全部'}；导出时间：{exported}；金额单位：万元", note_fmt
    )
    header_row = 2
    widths = [display_width(c.label) for c in columns]
    for col, column in enumerate(columns):
        sheet.write_string(header_row, col, column.label, head_fmt)
    count = 0
    for count, values in enumerate(rows, start=1):
        r = header_row + count
        for col, (column, value) in enumerate(zip(columns, values, strict=True)):
            _write(sheet, r, col, value, column.kind, formats)
            if column.width is None and count <= 2000:
                widths[col] = max(widths[col], _cell_width(value, column.kind))
    last = header_row + count
    sheet.freeze_panes(header_row + 1, 0)
    if columns:
        sheet.autofilter(header_row, 0, max(last, header_row), len(columns) - 1)
    for col, column in enumerate(columns):
        width = column.width or min(MAX_WIDTH, max(6, widths[col] + 2))
        sheet.set_column(col, col, width)
    book.close()
    return buffer.getvalue()


def _write(sheet, row: int, col: int, value: object, kind: str, formats) -> None:
    fmt = formats.get(kind, formats["text"])
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否", formats["bool"])
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(
            row,
            col,
            timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value,
            formats["datetime" if kind == "datetime" else "date"],
        )
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, formats["date"])
    elif isinstance(value, Decimal | int | float) and kind in ("money", "decimal", "int"):
        sheet.write_number(row, col, float(value), fmt)
    else:
        # Text is always text: write_string never creates a formula, whatever the first character.
        sheet.write_string(row, col, str(value), formats["text"])


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_xlsx(
    request,
    *,
    columns: Sequence[ExportColumn],
    rows: Iterable[Sequence[object]],
    title: str,
    filters_text: str = "",
    count: int | None = None,
) -> HttpResponse:
    """Write, audit (action 导出, naming the filters) and send an export."""
    content = write_xlsx(columns, rows, title=title, filters_text=filters_text)
    user = request.user
    audit_record(
        actor=user,
        action=AuditEvent.Action.EXPORT,
        zone=getattr(user, "zone", None),
        note=f"导出{title}{'' if count is None else f'（{count}行）'}；筛选条件：{filters_text or '全部'}",
        request=request,
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(content, f"{title}-{stamp}.xlsx")


# --- import templates --------------------------------------------------------------------------------


def template_xlsx(spec) -> bytes:
    """The import template of a sheet: header with notes, drop-down lists for choices, an
    example row (marked 示例 so the import skips it) and a 填报说明 sheet."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(spec.title)
    head = book.add_format(
        {"bold": True, "bg_color": "#EAF0F8", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    required = book.add_format(
        {"bold": True, "bg_color": "#FDECEA", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    example = book.add_format({"italic": True, "font_color": "#8a8a8a"})
    example_date = book.add_format(
        {"italic": True, "font_color": "#8a8a8a", "num_format": "yyyy-mm-dd"}
    )
    example_money = book.add_format(
        {"italic": True, "font_color": "#8a8a8a", "num_format": "#,##0.00"}
    )
    title = book.add_format({"bold": True, "font_size": 14})
    sheet.write_string(0, 0, f"{spec.title}导入模板（第3行为示例，可删除；表头行请勿修改）", title)
    columns: list[Column] = spec.columns
    for col, column in enumerate(columns):
        sheet.write_string(1, col, column.header, required if column.required else head)
        if column.note:
            sheet.write_comment(1, col, column.note, {"x_scale": 2, "y_scale": 1.5})
        value = column.example
        if value is None:
            sheet.write_blank(2, col, None, example)
        elif isinstance(value, dt.date):
            sheet.write_datetime(2, col, value, example_date)
        elif isinstance(value, Decimal | int | float):
            sheet.write_number(2, col, float(value), example_money)
        else:
            sheet.write_string(2, col, str(value), example)
        options = list(column.choices)
        if options:
            sheet.data_validation(
                3,
                col,
                5002,
                col,
                {
                    "validate": "list",
                    "source": options,
                    "error_message": f"请从下拉列表中选择{column.label}。",
                },
            )
        elif column.kind == "date":
            sheet.data_validation(
                3,
                col,
                5002,
                col,
                {"validate": "any", "input_title": column.label, "input_message": "如 2026-03-01"},
            )
        width = column.width or max(10, display_width(column.header) + 4)
        fmt = None
        if column.kind == "date":
            fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        elif column.kind == "money":
            fmt = book.add_format({"num_format": "#,##0.00"})
        elif column.kind in ("code", "uscc"):
            fmt = book.add_format({"num_format": "@"})  # keep leading zeros and long codes as text
        sheet.set_column(col, col, width, fmt)
    sheet.freeze_panes(2, 0)
    notes = book.add_worksheet("填报说明")
    notes.set_column(0, 0, 100)
    lines = [
        f"{spec.title}导入说明",
        "",
        f"匹配规则：{spec.key_help}",
        *spec.instructions,
        "",
        "各列说明：",
    ]
    lines += [f"{c.header}{'（必填列）' if c.required else ''}：{c.note or '—'}" for c in columns]
    for index, line in enumerate(lines):
        notes.write_string(index, 0, line, title if index == 0 else None)
    book.close()
    return buffer.getvalue()


# --- list exports ------------------------------------------------------------------------------------


def filters_text(form, texts: dict[str, str] | None = None) -> str:
    """The filters on screen, as people read them: "阶段：在建；责任部门：经济发展部". `texts`
    gives the text of filters whose value is an id without choices (a hidden field a link
    from another page sets, e.g. the chain node a map's count links to)."""
    if not form.is_bound or not form.is_valid():
        return ""
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", False) or name in ("sort", "page"):
            continue
        if texts and name in texts:
            parts.append(f"{field.label}：{texts[name]}")
            continue
        if value is True:
            parts.append(str(field.label))
            continue
        # keyed by text: a TypedChoiceField(coerce=int) cleans "3" to 3 but lists (3, "名称")
        choices = {str(k): v for k, v in (getattr(field, "choices", []) or [])}
        shown = (
            choices.get(str(value), value) if isinstance(value, str | int) and choices else value
        )
        parts.append(f"{field.label}：{shown}")
    return "；".join(parts)


PROJECT_EXPORT = [
    ("项目代码", "text", lambda p: p.code),
    ("项目名称", "text", lambda p: p.name),
    ("所属园区", "text", lambda p: p.park.name if p.park_id else ""),
    ("项目级别", "text", lambda p: p.get_level_display()),
    ("项目类别", "text", lambda p: p.get_category_display()),
    ("建设性质", "text", lambda p: p.get_nature_display()),
    ("项目阶段", "text", lambda p: p.get_stage_display()),
    ("总投资（万元）", "money", lambda p: p.total_investment),
    ("年度计划投资（万元）", "money", lambda p: p.annual_plan_investment),
    ("计划开工", "date", lambda p: p.planned_start),
    ("实际开工", "date", lambda p: p.actual_start),
    ("计划竣工", "date", lambda p: p.planned_completion),
    ("计划投产", "date", lambda p: p.planned_production),
    ("责任部门", "text", lambda p: p.department.name),
    ("包保领导", "text", lambda p: p.lead_official.name if p.lead_official_id else ""),
    ("建设单位", "text", lambda p: p.owner.name if p.owner_id else ""),
    ("实施单位", "text", lambda p: p.implementing_unit.name if p.implementing_unit_id else ""),
    ("是否入库", "bool", lambda p: p.in_statistics),
    ("入库日期", "date", lambda p: p.statistics_date),
    ("行业代码", "text", lambda p: p.industry_code),
    ("建设地点区划代码", "text", lambda p: p.location_code),
    ("建设内容", "text", lambda p: p.content),
]


def project_list_export(request, qs, form, *, multi_zone: bool = False) -> HttpResponse:
    """The project list as .xlsx, with the filters on screen and a 合计 row."""
    spec = list(PROJECT_EXPORT)
    if multi_zone:
        spec.insert(2, ("开发区", "text", lambda p: p.zone.label))
    columns = [
        ExportColumn(label, kind, 40 if label == "建设内容" else None) for label, kind, _ in spec
    ]
    projects = list(qs.select_related("park"))
    total = sum((p.total_investment for p in projects), Decimal(0))
    annual = sum((p.annual_plan_investment for p in projects), Decimal(0))
    rows: list[list[object]] = [[get(p) for _, _, get in spec] for p in projects]
    totals: list[object] = [""] * len(spec)
    totals[0] = f"合计（{len(projects)}个项目）"
    labels = [label for label, _, _ in spec]
    totals[labels.index("总投资（万元）")] = total
    totals[labels.index("年度计划投资（万元）")] = annual
    rows.append(totals)
    return export_xlsx(
        request,
        columns=columns,
        rows=rows,
        title="重点项目库",
        filters_text=filters_text(form),
        count=len(projects),
    )
