"""The weekly report as a .docx in the 公文 look (GB/T 9704-2012).

A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title in 方正小标宋简体 二号 (22 pt)
centred; body in 仿宋_GB2312 三号 (16 pt) with 28 pt fixed line spacing and a two-character first
line indent; headings 一、 in 黑体, （一） in 楷体_GB2312, 1. in 仿宋_GB2312 bold; page numbers
"— 1 —" in 宋体 四号 at the foot. Fonts are named (East Asian names in rFonts w:eastAsia), not
embedded: the office machines that open the file have them; others substitute.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from . import text

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_TABLE = Pt(10.5)  # 五号, so a nine-column table fits the type area
CN_NUMBERS = "一二三四五六七八九十"


def set_font(target, name: str, size=None, bold: bool | None = None) -> None:
    """Latin and East Asian font names on a run or a style (python-docx sets only the Latin)."""
    font = target.font
    font.name = name
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = target._element.get_or_add_rPr()  # a run's w:r or a style's w:style
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _fixed_spacing(paragraph_format, points: int = 28) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(points)
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def _setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    styles = document.styles
    normal = styles["Normal"]
    set_font(normal, BODY_FONT, SIZE_3)
    _fixed_spacing(normal.paragraph_format)
    title = styles["Title"]
    set_font(title, TITLE_FONT, SIZE_2, bold=False)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fixed_spacing(title.paragraph_format, 36)
    title.paragraph_format.space_after = Pt(16)
    # Word's Title style draws a bottom border; a 公文 title has none.
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    for level, font, bold in ((1, H1_FONT, False), (2, H2_FONT, False), (3, BODY_FONT, True)):
        style = styles[f"Heading {level}"]
        set_font(style, font, SIZE_3, bold=bold)
        style.font.italic = False
        _fixed_spacing(style.paragraph_format)
        style.paragraph_format.first_line_indent = Pt(32)
        style.paragraph_format.keep_with_next = True
    _page_numbers(section)


def _page_numbers(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(paragraph.add_run("— "), PAGE_FONT, SIZE_4)
    run = paragraph.add_run()
    set_font(run, PAGE_FONT, SIZE_4)
    for kind, body in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = body
        run._r.append(el)
    set_font(paragraph.add_run(" —"), PAGE_FONT, SIZE_4)


def _para(document, content: str, *, indent: bool = True, align=None):
    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    if align is not None:
        paragraph.alignment = align
    set_font(paragraph.add_run(content), BODY_FONT, SIZE_3)
    return paragraph


def _heading(document, content: str, level: int):
    # Set the style id directly: python-docx resolves a style (by name or object) by scanning
    # every style for the default, which costs milliseconds per paragraph.
    paragraph = document.add_paragraph()
    paragraph._p.style = document._zd_headings[level]
    font = {1: H1_FONT, 2: H2_FONT, 3: BODY_FONT}[level]
    set_font(paragraph.add_run(content), font, SIZE_3, bold=level == 3)
    return paragraph


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(label)
        set_font(run, H1_FONT, SIZE_TABLE)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            run = cell.paragraphs[0].add_run(str(value))
            set_font(run, BODY_FONT, SIZE_TABLE)
    for row in table.rows:
        for cell in row.cells:
            _fixed_spacing(cell.paragraphs[0].paragraph_format, 16)
            cell.paragraphs[0].paragraph_format.first_line_indent = Pt(0)


GROUP_HEADER = ["类别", "项目数", "总投资", "年度计划投资", "本年累计完成", "完成率", "较序时进度"]


def _group_rows(groups: list[dict]) -> list[list[str]]:
    return [
        [
            g["label"],
            str(g["count"]),
            text.amount(g["total_investment"]),
            text.amount(g["annual_plan"]),
            text.amount(g["invested_year"]),
            text.pct(g["rate"]),
            text.signed(g["gap"], "个百分点") if g["gap"] is not None else "—",
        ]
        for g in groups
    ]


def render_docx(data: dict) -> bytes:
    """The report as .docx bytes."""
    document = Document()
    _setup(document)
    document._zd_headings = {n: document.styles[f"Heading {n}"].style_id for n in (1, 2, 3)}
    document.core_properties.title = text.title(data)
    document.core_properties.author = data["zone"]["label"]

    title = document.add_paragraph(style=document.styles["Title"])
    set_font(title.add_run(text.title(data)), TITLE_FONT, SIZE_2)
    sub = _para(document, f"（{data['period']['label']}）", indent=False)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.paragraph_format.space_after = Pt(16)

    n = iter(CN_NUMBERS)

    _heading(document, f"{next(n)}、总体情况", 1)
    _para(document, text.headline(data))
    _para(document, text.colours_sentence(data))
    _heading(document, "（一）按项目级别", 2)
    _table(document, GROUP_HEADER, _group_rows(data["by_level"] + [data["totals"]]))
    _heading(document, "（二）按项目阶段", 2)
    _table(document, GROUP_HEADER, _group_rows(data["by_stage"] + [data["totals"]]))

    _heading(document, f"{next(n)}、开工竣工情况", 1)
    _para(document, text.starts_sentence(data))

    _heading(document, f"{next(n)}、滞后项目", 1)
    for i, lag in enumerate(data["lags"].values()):
        _heading(document, f"（{CN_NUMBERS[i]}）{lag['title']}（{len(lag['rows'])}个）", 2)
        if not lag["rows"]:
            _para(document, "无。")
            continue
        for j, row in enumerate(lag["rows"], start=1):
            _heading(document, f"{j}.{row['name']}", 3)
            detail = f"{row['note']}。责任部门：{row['department']}"
            if row["lead"]:
                detail += f"；包保领导：{row['lead']}"
            if row["unit"]:
                detail += f"；实施单位：{row['unit']}"
            detail += "。"
            if row["image_progress"]:
                detail += f"形象进度：{row['image_progress']}。"
            if row["problems"]:
                detail += f"存在问题：{row['problems']}"
            _para(document, detail)
    if data["red"]:
        _heading(document, f"（四）红色预警项目（{len(data['red'])}个）", 2)
        for j, row in enumerate(data["red"], start=1):
            _para(document, f"{j}.{row['name']}：{''.join(row['reasons'])}")
    slipped = data.get("slipped")  # not in snapshots frozen before baselines existed
    if slipped:
        number = "五" if data["red"] else "四"
        _heading(document, f"（{number}）节点计划较基线推迟（{len(slipped)}个）", 2)
        _table(
            document,
            ["项目", "节点", "基线", "现计划", "推迟天数", "调整次数"],
            [
                [r["name"], r["milestone"], r["baseline"], r["planned"], str(r["days"]),
                 str(r["changes"])]
                for r in slipped
            ],
        )  # fmt: skip

    _heading(document, f"{next(n)}、要素保障问题", 1)
    _para(document, text.blockers_sentence(data))
    blockers = data.get("blockers")
    if blockers:
        for label, key in (("本期新增", "opened"), ("本期解决", "closed")):
            if blockers[key]:
                _heading(document, f"（{CN_NUMBERS[0 if key == 'opened' else 1]}）{label}", 2)
                _table(
                    document,
                    ["问题", "项目", "类别", "责任部门", "时限"],
                    [
                        [b["title"], b["project"], b["category"], b["department"], b["due"]]
                        for b in blockers[key]
                    ],
                )

    _heading(document, f"{next(n)}、督办事项", 1)
    _para(document, text.supervision_sentence(data))
    supervision = data.get("supervision")
    if supervision and supervision["overdue_items"]:
        _table(
            document,
            ["逾期督办事项", "项目", "承办人", "责任部门", "时限"],
            [
                [s["title"], s["project"], s["assignee"], s["department"], s["due"]]
                for s in supervision["overdue_items"]
            ],
        )

    _heading(document, f"{next(n)}、进度填报情况", 1)
    _para(document, text.reporting_sentence(data))
    missing = data["reporting"]["missing_rows"]
    if missing:
        _para(
            document,
            "未报送或被退回的项目："
            + "；".join(f"{r['name']}（{r['unit'] or r['department']}）" for r in missing)
            + "。",
        )

    _heading(document, f"{next(n)}、与上期比较", 1)
    for line in text.wow_sentences(data):
        _para(document, line)

    stamp = f"{data['zone']['label']}  {text.cn_date(data['as_of'])}"
    _para(document, stamp, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
