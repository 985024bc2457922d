"""The three outputs of one computation: .docx in the 公文 look, .xlsx ledger, HTML page."""

from __future__ import annotations

import io

import openpyxl
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from hypothesis import given, settings
from hypothesis import strategies as st

from zonedesk.reports import services
from zonedesk.reports.docx import render_docx
from zonedesk.reports.selectors import compute_weekly_report
from zonedesk.reports.xlsx import LEDGER_HEADER, render_xlsx


def east_asian(run_or_style) -> str | None:
    rpr = run_or_style._element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_the_docx_has_the_gbt_9704_page_fonts_and_numbered_headings(week):
    data = compute_weekly_report(week.world.zone, week.last)
    doc = Document(io.BytesIO(render_docx(data)))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)  # stored in twips
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    assert abs(section.top_margin - Mm(37)) < Mm(0.1)
    assert abs(section.bottom_margin - Mm(35)) < Mm(0.1)
    assert abs(section.left_margin - Mm(28)) < Mm(0.1)
    assert abs(section.right_margin - Mm(26)) < Mm(0.1)

    title = doc.paragraphs[0]
    assert title.text == "阳泉高新区重点项目调度周报"
    assert east_asian(title.runs[0]) == "方正小标宋简体"
    assert title.runs[0].font.size == Pt(22)
    assert doc.paragraphs[1].text == f"（{week.last.label}）"

    h1 = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in h1] == [
        "一、总体情况", "二、开工竣工情况", "三、滞后项目", "四、要素保障问题", "五、督办事项",
        "六、进度填报情况", "七、与上期比较",
    ]  # fmt: skip
    assert all(east_asian(p.runs[0]) == "黑体" for p in h1)
    h2 = [p for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h2[0].text == "（一）按项目级别"
    assert "（一）计划开工未开工（1个）" in [p.text for p in h2]
    assert all(east_asian(p.runs[0]) == "楷体_GB2312" for p in h2)
    h3 = [p.text for p in doc.paragraphs if p.style.name == "Heading 3"]
    assert "1.物流园项目" in h3

    body = next(p for p in doc.paragraphs if p.text.startswith("截至"))
    assert east_asian(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert east_asian(doc.styles["Normal"]) == "仿宋_GB2312"
    assert "本年累计完成投资3,700.00万元" in body.text
    assert "总投资30.00亿元" in body.text  # 300000万元 shown in 亿元

    level_table = doc.tables[0]
    assert [c.text for c in level_table.rows[0].cells][:2] == ["类别", "项目数"]
    assert [c.text for c in level_table.rows[-1].cells][:2] == ["合计", "4"]


def test_the_xlsx_ledger_is_a_proper_table(week):
    w = week.world
    w.project.name = '=HYPERLINK("http://x")项目'
    w.project.save(update_fields=["name"])
    data = compute_weekly_report(w.zone, week.last)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(data)))
    assert book.sheetnames[:4] == ["汇总", "项目台账", "滞后项目", "填报情况"]
    ledger = book["项目台账"]
    assert [c.value for c in ledger[1]] == LEDGER_HEADER
    assert ledger.freeze_panes == "A2"
    assert ledger.auto_filter.ref.startswith("A1:")
    rows = {r[2]: r for r in ledger.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 4
    name = '=HYPERLINK("http://x")项目'
    assert name in rows  # written as text, not a formula
    cell = next(c for c in ledger["C"] if c.value == name)
    assert cell.data_type == "s"
    row = rows[name]
    col = LEDGER_HEADER.index
    assert row[col("本年累计完成投资（万元）")] == 3600
    assert row[col("年度投资完成率（%）")] == 30.0
    money_cell = ledger.cell(row=2, column=col("总投资（万元）") + 1)
    assert money_cell.number_format == "#,##0.00"
    assert ledger.column_dimensions["C"].width >= 12  # names fit

    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True) if r and r[0]}
    assert summary["项目数"] == 4
    assert summary["本年累计完成投资（万元）"] == 3700
    lags = [r[0] for r in book["滞后项目"].iter_rows(min_row=2, values_only=True)]
    assert lags.count("计划开工未开工") == 1 and lags.count("计划竣工未竣工") == 1
    assert "要素保障" in book.sheetnames and "督办" in book.sheetnames


def test_all_three_outputs_show_the_same_figures(week, as_user):
    data = services.weekly_report_for(week.last)
    client = as_user(week.world.leader)
    page = client.get(f"/reports/weekly/?period={week.last.pk}").content.decode()
    docx = Document(io.BytesIO(client.get(f"/reports/weekly/{week.last.pk}.docx").content))
    xlsx = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/reports/weekly/{week.last.pk}.xlsx").content)
    )
    headline = next(p.text for p in docx.paragraphs if p.text.startswith("截至"))
    assert headline in page
    assert data["totals"]["rate"] + "%" in headline
    summary = {r[0]: r[1] for r in xlsx["汇总"].iter_rows(values_only=True) if r and r[0]}
    assert f"{summary['年度投资完成率（%）']:.1f}" == data["totals"]["rate"]


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip() == s and s.isprintable()))
def test_any_text_stays_text_in_the_ledger(text):
    """Formula injection: whatever a project name holds (=, +, -, @ first), it is a string cell."""
    import xlsxwriter

    from zonedesk.reports.xlsx import Sheet

    for value in (text, "=" + text, "+" + text, "-" + text, "@" + text):
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
        sheet = Sheet(book, "t", {})
        sheet.line([value])
        sheet.finish()
        book.close()
        cell = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["t"]["A1"]
        assert cell.data_type == "s"
        assert cell.value == value


def test_milestones_moved_past_their_baseline_are_listed_in_all_three_outputs(week, as_user):
    import datetime as dt

    from django.utils import timezone

    from zonedesk.projects.models import Milestone
    from zonedesk.reports.models import ReportSnapshot

    w, today = week.world, timezone.localdate()
    Milestone.objects.create(project=w.project, name="主体封顶", order=2,
                             baseline_date=today + dt.timedelta(days=5),
                             planned_date=today + dt.timedelta(days=65), plan_changes=2)  # fmt: skip
    Milestone.objects.create(project=w.invest_project, name="设备安装", order=1,
                             baseline_date=today, planned_date=today + dt.timedelta(days=10),
                             plan_changes=1)  # fmt: skip
    Milestone.objects.create(project=w.invest_project, name="已完成的", order=2, baseline_date=today,
                             planned_date=today + dt.timedelta(days=9),
                             actual_date=today)  # reached: not listed  # fmt: skip
    data = compute_weekly_report(w.zone, week.current)
    assert [(r["name"], r["milestone"], r["days"], r["changes"]) for r in data["slipped"]] == [
        ("智算中心项目", "主体封顶", 60, 2),
        ("储能电池项目", "设备安装", 10, 1),
    ]
    client = as_user(w.leader)
    page = client.get(f"/reports/weekly/?period={week.current.pk}").content.decode()
    assert "节点计划较基线推迟（2个）" in page and 'data-testid="slipped"' in page
    docx = Document(io.BytesIO(client.get(f"/reports/weekly/{week.current.pk}.docx").content))
    assert any(p.text.endswith("节点计划较基线推迟（2个）") for p in docx.paragraphs)
    assert any(c.text == "主体封顶" for t in docx.tables for row in t.rows for c in row.cells)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/reports/weekly/{week.current.pk}.xlsx").content)
    )
    rows = list(book["节点推迟"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[5], r[6]) for r in rows] == [("主体封顶", 60, 2), ("设备安装", 10, 1)]
    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True) if r and r[0]}
    assert summary["节点计划较基线推迟（个）"] == 2

    # A week frozen before baselines existed has no such key: all three outputs still render.
    old = compute_weekly_report(w.zone, week.last)
    del old["slipped"]
    ReportSnapshot.objects.create(zone=w.zone, period=week.last, data=old,
                                  frozen_at=timezone.now())  # fmt: skip
    assert client.get(f"/reports/weekly/?period={week.last.pk}").status_code == 200
    assert "节点计划较基线推迟" not in "".join(
        p.text for p in Document(io.BytesIO(render_docx(old))).paragraphs
    )
    assert "节点推迟" not in openpyxl.load_workbook(io.BytesIO(render_xlsx(old))).sheetnames
