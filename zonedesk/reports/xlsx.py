"""The weekly report as an .xlsx ledger (台账), with xlsxwriter.

Sheets: 汇总 (headline figures, by level, by stage), 项目台账 (one row per project), 滞后项目,
填报情况, and 要素保障 / 督办 when the dispatch module provides them. Chinese headers; money in
万元 with two decimals; header row frozen, autofilter on, column widths fitted to the content
(CJK characters count double). Every text cell is written with write_string, so a project name
beginning with = + - @ stays text and never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from decimal import Decimal

import xlsxwriter

from . import text

MONEY_FMT = "#,##0.00"
PCT_FMT = "0.0"


def display_width(value) -> int:
    if value is None:
        return 0
    s = str(value)
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)


class Sheet:
    """A worksheet written row by row that remembers each column's widest cell."""

    def __init__(self, book, name: str, formats: dict):
        self.ws = book.add_worksheet(name)
        self.f = formats
        self.row = 0
        self.widths: dict[int, int] = {}

    def _fit(self, col: int, shown) -> None:
        self.widths[col] = max(self.widths.get(col, 0), display_width(shown))

    def cell(self, col: int, value, kind: str = "text", fmt=None) -> None:
        r = self.row
        if value is None or value == "":
            self.ws.write_blank(r, col, None, fmt)
            return
        if kind == "money":
            number = Decimal(str(value))
            self.ws.write_number(r, col, float(number), fmt or self.f["money"])
            self._fit(col, f"{number:,.2f}")
        elif kind == "pct":
            self.ws.write_number(r, col, float(Decimal(str(value))), fmt or self.f["pct"])
            self._fit(col, str(value))
        elif kind == "int":
            self.ws.write_number(r, col, int(value), fmt)
            self._fit(col, str(value))
        elif kind == "date":
            day = dt.date.fromisoformat(value) if isinstance(value, str) else value
            self.ws.write_datetime(r, col, day, fmt or self.f["date"])  # a date: no time, no zone
            self._fit(col, "2026-01-01")
        else:
            self.ws.write_string(r, col, str(value), fmt)
            self._fit(col, value)

    def header(self, labels: list[str]) -> None:
        for col, label in enumerate(labels):
            self.ws.write_string(self.row, col, label, self.f["header"])
            self._fit(col, label)
        self.row += 1

    def line(self, values: list[tuple], fmt=None) -> None:
        for col, item in enumerate(values):
            value, kind = item if isinstance(item, tuple) else (item, "text")
            self.cell(col, value, kind, fmt if kind == "text" else None)
        self.row += 1

    def finish(self, *, table_top: int | None = None, columns: int = 0, wrap_cap: int = 50):
        for col, width in self.widths.items():
            self.ws.set_column(col, col, min(max(width + 2, 6), wrap_cap))
        if table_top is not None and columns:
            self.ws.freeze_panes(table_top + 1, 0)
            self.ws.autofilter(table_top, 0, max(self.row - 1, table_top), columns - 1)


GROUP_HEADER = [
    "类别", "项目数", "总投资（万元）", "年度计划投资（万元）", "本年累计完成投资（万元）",
    "年度投资完成率（%）", "超(−落后)序时进度（百分点）",
]  # fmt: skip

LEDGER_HEADER = [
    "序号", "项目代码", "项目名称", "项目级别", "项目阶段", "责任部门", "包保领导", "实施单位",
    "总投资（万元）", "年度计划投资（万元）", "本期完成投资（万元）", "本年累计完成投资（万元）",
    "年度投资完成率（%）", "超(−落后)序时进度（百分点）", "计划开工", "实际开工", "计划竣工",
    "实际竣工", "形象进度", "存在问题", "本期填报状态", "预警",
]  # fmt: skip


def _group_line(g: dict) -> list[tuple]:
    return [
        (g["label"], "text"),
        (g["count"], "int"),
        (g["total_investment"], "money"),
        (g["annual_plan"], "money"),
        (g["invested_year"], "money"),
        (g["rate"], "pct"),
        (g["gap"], "pct"),
    ]


def render_xlsx(data: dict) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties({"title": text.title(data), "subject": data["period"]["label"]})
    base = {"font_name": "宋体", "font_size": 11}
    f = {
        "header": book.add_format({**base, "bold": True, "bg_color": "#DDE6F2", "border": 1}),
        "money": book.add_format({**base, "num_format": MONEY_FMT}),
        "pct": book.add_format({**base, "num_format": PCT_FMT}),
        "date": book.add_format({**base, "num_format": "yyyy-mm-dd"}),
        "title": book.add_format({**base, "bold": True, "font_size": 14}),
        "bold": book.add_format({**base, "bold": True}),
    }

    # 汇总
    s = Sheet(book, "汇总", f)
    s.ws.write_string(0, 0, f"{text.title(data)}（{data['period']['label']}）", f["title"])
    s.row = 2
    for label, value, kind in [
        ("统计截至", data["as_of"], "date"),
        ("序时进度（%）", data["schedule_share"], "pct"),
        ("项目数", data["totals"]["count"], "int"),
        ("总投资（万元）", data["totals"]["total_investment"], "money"),
        ("年度计划投资（万元）", data["totals"]["annual_plan"], "money"),
        ("本年累计完成投资（万元）", data["totals"]["invested_year"], "money"),
        ("本期完成投资（万元）", data["invested_period"], "money"),
        ("年度投资完成率（%）", data["totals"]["rate"], "pct"),
        ("超(−落后)序时进度（百分点）", data["totals"]["gap"], "pct"),
        ("计划新开工（个）", data["starts"]["start"]["planned"], "int"),
        ("已开工（个）", data["starts"]["start"]["done"], "int"),
        ("开工率（%）", data["starts"]["start"]["rate"], "pct"),
        ("计划竣工（个）", data["starts"]["completion"]["planned"], "int"),
        ("已竣工（个）", data["starts"]["completion"]["done"], "int"),
        ("红色预警（个）", data["colours"]["red"], "int"),
        ("黄色预警（个）", data["colours"]["amber"], "int"),
        ("绿色（个）", data["colours"]["green"], "int"),
        *(
            [("节点计划较基线推迟（个）", len(data["slipped"]), "int")]
            if data.get("slipped") is not None
            else []
        ),
        ("应报送（个）", data["reporting"]["expected"], "int"),
        ("已报送（个）", data["reporting"]["reported"], "int"),
        ("未报送（个）", data["reporting"]["missing"], "int"),
    ]:
        s.line([(label, "text"), (value, kind)])
    s.row += 1
    s.ws.write_string(s.row, 0, "按项目级别", f["bold"])
    s.row += 1
    s.header(GROUP_HEADER)
    for g in data["by_level"] + [data["totals"]]:
        s.line(_group_line(g))
    s.row += 1
    s.ws.write_string(s.row, 0, "按项目阶段", f["bold"])
    s.row += 1
    s.header(GROUP_HEADER)
    for g in data["by_stage"] + [data["totals"]]:
        s.line(_group_line(g))
    s.widths[0] = max(s.widths.get(0, 0), 28)
    s.finish()

    # 项目台账
    s = Sheet(book, "项目台账", f)
    s.header(LEDGER_HEADER)
    for i, r in enumerate(data["ledger"], start=1):
        s.line(
            [
                (i, "int"), r["code"], r["name"], r["level"], r["stage"], r["department"],
                r["lead"], r["unit"], (r["total_investment"], "money"),
                (r["annual_plan"], "money"), (r["invested_period"], "money"),
                (r["invested_year"], "money"), (r["rate"], "pct"), (r["gap"], "pct"),
                (r["planned_start"], "date"), (r["actual_start"], "date"),
                (r["planned_completion"], "date"), (r["actual_completion"], "date"),
                r["image_progress"], r["problems"], r["report_status"], r["colour"],
            ]
        )  # fmt: skip
    s.finish(table_top=0, columns=len(LEDGER_HEADER))

    # 滞后项目
    s = Sheet(book, "滞后项目", f)
    header = ["类别", "项目代码", "项目名称", "责任部门", "包保领导", "实施单位", "情况",
              "年度投资完成率（%）", "形象进度", "存在问题"]  # fmt: skip
    s.header(header)
    for lag in data["lags"].values():
        for r in lag["rows"]:
            s.line(
                [
                    lag["title"], r["code"], r["name"], r["department"], r["lead"], r["unit"],
                    r["note"], (r["rate"], "pct"), r["image_progress"], r["problems"],
                ]
            )  # fmt: skip
    s.finish(table_top=0, columns=len(header))

    # 填报情况
    s = Sheet(book, "填报情况", f)
    header = ["项目代码", "项目名称", "责任部门", "实施单位", "阶段"]
    s.header(header)
    for r in data["reporting"]["missing_rows"]:
        s.line([r["code"], r["name"], r["department"], r["unit"], r["stage"]])
    s.finish(table_top=0, columns=len(header))

    blockers = data.get("blockers")
    if blockers is not None:
        s = Sheet(book, "要素保障", f)
        header = ["本期", "问题", "项目", "类别", "责任部门", "提出", "时限", "解决", "状态"]
        s.header(header)
        for label, key in (("新增", "opened"), ("解决", "closed")):
            for b in blockers[key]:
                s.line([label, b["title"], b["project"], b["category"], b["department"],
                        b["raised"], b["due"], b["closed"], b["status"]])  # fmt: skip
        s.finish(table_top=0, columns=len(header))

    slipped = data.get("slipped")  # not in snapshots frozen before baselines existed
    if slipped is not None:
        s = Sheet(book, "节点推迟", f)
        header = ["项目代码", "项目名称", "节点", "基线日期", "现计划日期", "较基线推迟天数",
                  "基线后调整次数", "责任部门", "实施单位"]  # fmt: skip
        s.header(header)
        for r in slipped:
            s.line([r["code"], r["name"], r["milestone"], (r["baseline"], "date"),
                    (r["planned"], "date"), (r["days"], "int"), (r["changes"], "int"),
                    r["department"], r["unit"]])  # fmt: skip
        s.finish(table_top=0, columns=len(header))

    supervision = data.get("supervision")
    if supervision is not None:
        s = Sheet(book, "督办", f)
        header = ["逾期督办事项", "项目", "承办人", "责任部门", "时限", "状态"]
        s.header(header)
        for item in supervision["overdue_items"]:
            s.line([item["title"], item["project"], item["assignee"], item["department"],
                    item["due"], item["status"]])  # fmt: skip
        s.finish(table_top=0, columns=len(header))

    book.close()
    return out.getvalue()
