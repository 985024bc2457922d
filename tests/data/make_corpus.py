"""Write the corpus of bad files (问题文件样本) the import tests read.

Run `.venv/bin/python tests/data/make_corpus.py` to regenerate; the small files it writes are
committed. Each file goes wrong the way real ledgers do; tests/intake/test_corpus.py asserts the
exact messages for each and that the database is unchanged. A file over the size limit is made
by the test at run time (not committed). Needs openpyxl, xlsxwriter, xlwt, python-docx and
msoffcrypto-tool (the last two only for the renamed .docx and the password-protected file).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter

HERE = Path(__file__).resolve().parent
HEADER = [
    "项目代码",
    "项目名称",
    "项目类别",
    "总投资（万元）",
    "年度计划投资（万元）",
    "责任部门",
    "计划开工",
    "计划竣工",
]


def book(rows, *, title=None, sheet="重点项目", merges=(), hidden_first=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if hidden_first is not None:
        ws.title = "旧表"
        for row in hidden_first:
            ws.append(row)
        ws.sheet_state = "hidden"
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_text(rows) -> str:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def files() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    out["money_as_people_type_it.xlsx"] = book(
        [
            HEADER,
            ["YQ-101", "甲项目", "产业", "约1.2亿", "", "经济发展部", "", ""],
            ["YQ-102", "乙项目", "产业", "1-2亿", "", "经济发展部", "", ""],
            ["YQ-103", "丙项目", "产业", "300万美元", "", "经济发展部", "", ""],
            ["YQ-104", "丁项目", "产业", "-500", "", "经济发展部", "", ""],
            ["YQ-105", "戊项目", "产业", "一亿二千万", "3,000万元", "经济发展部", "", ""],
        ],
        title="2026年重点项目台账",
    )
    out["dates_as_text.xlsx"] = book(
        [
            HEADER,
            ["YQ-101", "甲项目", "产业", 1000, "", "经济发展部", "2025.13.1", ""],
            ["YQ-102", "乙项目", "产业", 1000, "", "经济发展部", "25/3/1", ""],
            ["YQ-103", "丙项目", "产业", 1000, "", "经济发展部", "2025年2月30日", ""],
            ["YQ-104", "丁项目", "产业", 1000, "", "经济发展部", "2025.3.1", "2025.10"],
            ["YQ-105", "戊项目", "产业", 1000, "", "经济发展部", 45717, "2026年元月"],
        ]
    )
    out["numbers_as_text_with_units.xlsx"] = book(
        [
            [
                "项目代码",
                "项目名称",
                "项目类别",
                "总投资（亿元）",
                "用地面积（亩）",
                "建筑面积（㎡）",
                "责任部门",
            ],
            ["YQ-101", "甲项目", "产业", "1.2亿元", "3000平米", "1.6万平方米", "经济发展部"],
            ["YQ-102", "乙项目", "产业", "２.５", "50吨", "", "经济发展部"],
            ["YQ-103", "丙项目", "产业", "0.5", "十二公顷", "12个", "经济发展部"],
        ]
    )
    out["duplicate_rows.xlsx"] = book(
        [
            HEADER,
            ["YQ-101", "甲项目", "产业", 1000, "", "经济发展部", "", ""],
            ["YQ-102", "乙项目", "产业", 2000, "", "经济发展部", "", ""],
            ["YQ-101", "甲项目", "产业", 1000, "", "经济发展部", "", ""],
            ["", "丙项目", "产业", 3000, "", "经济发展部", "", ""],
            ["", "丙 项目", "产业", 3000, "", "经济发展部", "", ""],
        ]
    )
    out["archived_record.xlsx"] = book(
        [
            HEADER,
            ["YQ-002", "储能电池项目", "产业", 60000, "", "投资合作促进部", "", ""],
            ["YQ-101", "甲项目", "产业", 1000, "", "经济发展部", "", ""],
        ]
    )
    out["hidden_sheet.xlsx"] = book(
        [HEADER, ["YQ-101", "甲项目", "产业", 1000, "", "规划建设部", "", ""]],
        hidden_first=[HEADER, ["YQ-999", "旧表里的项目", "产业", 1, "", "经济发展部", "", ""]],
    )
    out["merged_section_rows.xlsx"] = book(
        [
            ["序号", *HEADER],
            ["一、产业项目（2个）"],
            [1, "YQ-101", "甲项目", "产业", 1000, "", "经济发展部", "", ""],
            [2, "YQ-102", "乙项目", "产业", 2000, "", None, "", ""],
            ["二、基础设施项目（1个）"],
            [3, "YQ-103", "丙路", "基础设施", 3000, "", "财政局", "", ""],
        ],
        merges=["A2:I2", "A5:I5", "G3:G4"],
    )
    two_row = [
        ["项目代码", "项目名称", "项目类别", "投资情况（万元）", None, "责任部门"],
        [None, None, None, "总投资", "年度计划投资", None],
        ["YQ-101", "甲项目", "产业", 1000, 2000, "经济发展部"],
        ["YQ-102", "乙项目", "产业", 5000, 2000, "经济发展部"],
    ]
    out["two_row_merged_header.xlsx"] = book(
        two_row, title="重点项目调度表", merges=["A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3"]
    )
    out["totals_and_instructions.xlsx"] = book(
        [
            ["项目代码", "项目名称", "总投资（万元）", "责任部门"],
            ["YQ-101", "甲项目", 1000, "经济发展部"],
            ["合计", "", 1000, ""],
            [],
            ["填报说明：1. 金额单位为万元；2. 日期格式为2026-01-01。"],
            ["2. 本表由各部门于每月5日前报送。"],
        ]
    )
    out["missing_required_column.xlsx"] = book(
        [
            ["项目代码", "项目类别", "总投资（万元）", "责任部门"],
            ["YQ-101", "产业", 1000, "经济发展部"],
        ]
    )
    out["unknown_choices.xlsx"] = book(
        [
            [
                "项目代码",
                "项目名称",
                "项目类别",
                "项目阶段",
                "是否入库",
                "总投资（万元）",
                "责任部门",
            ],
            ["YQ-101", "甲项目", "工业园", "谋划", "否", 1000, "经济发展部"],
            ["YQ-102", "乙项目", "产业", "施工中", "待定", 1000, "经济发展部"],
        ]
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        ["项目代码", "项目名称", "项目类别", "总投资（万元）", "年度计划投资（万元）", "责任部门"]
    )
    ws.append(["YQ-101", "甲项目", "产业", 1000, "=D2*0.2", "经济发展部"])
    ws.append(["YQ-102", "乙项目", "产业", "=SUM(1000,2000)", 100, "经济发展部"])
    buffer = io.BytesIO()
    wb.save(buffer)
    out["formulas_without_cached_values.xlsx"] = buffer.getvalue()

    buffer = io.BytesIO()
    xb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    xs = xb.add_worksheet("重点项目")
    for col, text in enumerate(
        [
            "项目代码",
            "项目名称",
            "项目类别",
            "总投资（万元）",
            "年度计划投资（万元）",
            "责任部门",
            "建设内容",
        ]
    ):
        xs.write_string(0, col, text)
    xs.write_row(1, 0, ["YQ-101", "甲项目", "产业", 1000])
    xs.write_formula(1, 4, "=D2*3", None, 3000)
    xs.write_string(1, 5, "经济发展部")
    xs.write_formula(1, 6, '=HYPERLINK("http://example.invalid","点击")', None, "点击")
    xb.close()
    out["formulas_cached_over_total.xlsx"] = buffer.getvalue()

    from docx import Document

    doc = Document()
    doc.add_paragraph("重点项目情况汇报")
    buffer = io.BytesIO()
    doc.save(buffer)
    out["word_document_renamed.xlsx"] = buffer.getvalue()

    good = book(
        [
            HEADER,
            *[
                [f"YQ-{i:03d}", f"项目{i}", "产业", 1000 + i, "", "经济发展部", "", ""]
                for i in range(100, 400)
            ],
        ]
    )
    out["truncated.xlsx"] = good[: len(good) // 2]

    out["password_protected.xlsx"] = _encrypted(
        book([HEADER, ["YQ-101", "甲项目", "产业", 1000, "", "经济发展部", "", ""]])
    )
    out["zip_bomb.xlsx"] = _bomb()
    out["web_page_saved_as.xls"] = (
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head><body>'
        "<table><tr><td>项目代码</td><td>项目名称</td></tr><tr><td>YQ-101</td><td>甲项目</td></tr></table></body></html>"
    ).encode()
    out["pdf_renamed.xlsx"] = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    out["empty.csv"] = b""
    out["gbk.csv"] = csv_text(
        [
            ["项目代码", "项目名称", "项目类别", "总投资(万元)", "责任部门", "包保领导"],
            ["YQ-101", "甲项目", "产业", "1,200", "经济发展部", "王主任"],
            ["YQ-102", "乙项目", "产业", "800", "招商局", "张三"],
        ]
    ).encode("gbk")
    out["utf8_bom.csv"] = csv_text(
        [
            ["项目名称", "项目代码", "项目类别", "总投资", "责任部门", "实际开工", "项目阶段"],
            ["甲项目", "YQ-101", "产业", "1.5亿", "经济发展部", "", "在建"],
            ["乙项目", "YQ-102", "产业", "3000", "经济发展部", "2025/3/1", "在建"],
        ]
    ).encode("utf-8-sig")
    rng = random.Random(7)
    out["binary.csv"] = bytes(rng.randrange(256) for _ in range(2048))
    out["legacy.xls"] = _xls()
    out["organisations_bad_codes.xlsx"] = book(
        [
            ["单位名称", "统一社会信用代码", "单位类型"],
            ["山西智算科技有限公司", "91140300MA0K3YUR64", "企业"],
            ["坏校验位公司", "91140300MA0K3YUR6X", "企业"],
            ["短代码公司", "91140300MA0K3YUR6", "企业"],
            ["字母O公司", "9114030OMA0K3YUR6Y", "民营企业"],
            ["开创集团", "", "区属国有企业"],
            ["路达市政", "", "街道办"],
        ],
        title="实施单位名录",
    )
    out["milestones_problems.xlsx"] = book(
        [
            ["项目代码", "项目名称", "节点名称", "计划完成日期", "实际完成日期", "责任单位"],
            ["YQ-001", "智算中心项目", "主体封顶", "2026-09-30", "", "开创集团"],
            ["YQ-001", "智算中心项目", "开工", "2026-03-01", "2099-01-01", ""],
            ["YQ-404", "不存在的项目", "开工", "2026-03-01", "", ""],
            ["YQ-002", "储能电池项目", "竣工验收", "", "", "不存在的单位"],
        ]
    )
    out["duplicate_columns.xlsx"] = book(
        [
            ["项目代码", "项目名称", "名称", "项目类别", "总投资（万元）", "责任部门"],
            ["YQ-101", "甲项目", "甲", "产业", 1000, "经济发展部"],
        ]
    )
    out["no_header.xlsx"] = book(
        [["张三", 13800000000, "2025-03-01"], ["李四", 13900000000, "2025-04-01"]]
    )
    out["wrong_unit_in_header.xlsx"] = book(
        [
            ["项目代码", "项目名称", "项目类别", "总投资（亩）", "责任部门"],
            ["YQ-101", "甲项目", "产业", 1000, "经济发展部"],
        ]
    )
    out["fullwidth_and_chinese_numerals.xlsx"] = book(
        [
            HEADER,
            [
                "ＹＱ－１０１",
                "甲项目",
                "产业",
                "１２０００",
                "贰仟万元",
                "经济发展部",
                "二〇二六年三月一日",
                "2205年1月1日",
            ],
        ]
    )
    out["header_only.xlsx"] = book([HEADER, [], []], title="2026年重点项目台账")
    out["rules_broken.xlsx"] = book(
        [
            [*HEADER, "项目阶段", "实际开工", "行业代码"],
            [
                "YQ-101",
                "甲项目",
                "产业",
                1000,
                2000,
                "经济发展部",
                "2026-05-01",
                "2026-01-01",
                "",
                "",
                "",
            ],
            ["YQ-102", "乙项目", "产业", 1000, "", "经济发展部", "", "", "在建", "", "12345"],
            ["YQ-103", "", "产业", 1000, "", "经济发展部", "", "", "", "", ""],
        ]
    )
    return out


def _encrypted(plain: bytes) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    source = OOXMLFile(io.BytesIO(plain))
    target = io.BytesIO()
    source.encrypt("Zonedesk@2026", target)
    return target.getvalue()


def _bomb() -> bytes:
    """A real workbook whose sheet XML carries 60 MB of padding: packs to about 60 KB."""
    buffer = io.BytesIO()
    plain = book([HEADER, ["YQ-101", "甲项目", "产业", 1000, "", "经济发展部", "", ""]])
    with (
        zipfile.ZipFile(io.BytesIO(plain)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (60 * 1024 * 1024), 1)
            target.writestr(item.filename, data)
    return buffer.getvalue()


def _xls() -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("重点项目")
    rows = [
        ["项目代码", "项目名称", "项目类别", "总投资（万元）", "责任部门", "计划开工"],
        ["YQ-101", "甲项目", "产业", 1000, "经济发展部", dt.date(2025, 3, 1)],
        ["YQ-102", "乙项目", "产业", "一千万", "经济发展部", "2025年3月"],
        ["YQ-103", "丙项目", "产业", "abc", "经济发展部", ""],
    ]
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write(r, c, value, date_style)
            else:
                ws.write(r, c, value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    for name, data in files().items():
        (HERE / name).write_bytes(data)
        print(f"{name:45} {len(data):>9,} bytes")


if __name__ == "__main__":
    main()
