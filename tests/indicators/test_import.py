"""The statistics bureau's monthly sheet through the import pipeline: preview, commit, undo."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.indicators.conftest import publish
from zonedesk.indicators.models import IndicatorValue
from zonedesk.indicators.periods import parse_period
from zonedesk.intake import services as intake


def bureau_sheet(header_period="2026年1-3月", rows=None, period_column=False) -> bytes:
    """The layout the bureau sends: a title, then 指标名称 | 计量单位 | 1-3月 | 同比增长（%）."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([f"阳泉高新区{header_period}主要经济指标完成情况"])
    head = ["指标名称", "计量单位", header_period, "同比增长（%）"]
    if period_column:
        head.append("统计期")
    sheet.append(head)
    for row in rows or [
        ["规上工业增加值", "%", "—", 6.8],
        ["固定资产投资", "亿元", 12.56, -3.2],
        ["  其中：工业投资", "亿元", 7.1, 4.5],
        ["一般公共预算收入", "万元", 15320, 8.1],
        ["社会消费品零售总额", "万元", 82000, 5.0],
    ]:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_periods_are_read_the_way_the_bureau_writes_them():
    assert parse_period("2026年1-3月") == (2026, 3)
    assert parse_period("1—11月") == (None, 11)
    assert parse_period("2026-03") == (2026, 3)
    assert parse_period("2026年3月") == (2026, 3)
    assert parse_period("202603") == (2026, 3)


def test_the_bureaus_sheet_is_imported_with_the_period_from_its_header(world, catalogue):
    batch = intake.import_preview(
        kind="indicator_values", by=world.econ, file_name="1-3月.xlsx", data=bureau_sheet()
    )
    assert batch.error_count == 0, batch.problems
    intake.import_commit(batch=batch, by=world.econ)
    values = {v.indicator.code: v for v in IndicatorValue.objects.filter(zone=world.zone)}
    assert values["FAI"].value == Decimal("12.56") and values["FAI"].growth == Decimal("-3.2")
    assert values["FAI"].year == 2026 and values["FAI"].month == 3
    assert values["IVA"].value is None and values["IVA"].growth == Decimal("6.8")
    assert values["RETAIL"].value == Decimal("8.2")  # 82000万元 → 8.2亿元, the catalogue's unit
    assert values["FAI_IND"].value == Decimal("7.1")


def test_problems_name_the_row_column_and_reason(world, catalogue):
    data = bureau_sheet(
        "2026年1月", rows=[["固定资产投资", "亿元", 1.2, 3], ["不存在的指标", "亿元", 1, 1]]
    )
    batch = intake.import_preview(
        kind="indicator_values", by=world.econ, file_name="x.xlsx", data=data
    )
    reasons = {p["row"]: p["reason"] for p in batch.problems}
    assert "1月不单独发布" in reasons[3]
    assert "指标目录中没有“不存在的指标”" in reasons[4]


def test_a_period_without_a_year_is_refused(world, catalogue):
    batch = intake.import_preview(
        kind="indicator_values", by=world.econ, file_name="x.xlsx", data=bureau_sheet("1-3月")
    )
    assert batch.error_count and "没有年份" in batch.problems[0]["reason"]


def test_reimport_updates_and_undo_puts_back(world, catalogue):
    publish(world.zone, catalogue["FAI"], 2026, 3, value=11, growth=-4)
    batch = intake.import_preview(
        kind="indicator_values", by=world.econ, file_name="x.xlsx", data=bureau_sheet()
    )
    assert batch.updated_count == 1 and batch.created_count == 4
    intake.import_commit(batch=batch, by=world.econ)
    assert IndicatorValue.objects.get(indicator__code="FAI").value == Decimal("12.56")
    intake.import_undo(batch=batch, by=world.econ)
    fai = IndicatorValue.objects.get(indicator__code="FAI")
    assert fai.value == Decimal("11") and fai.growth == Decimal("-4")
    assert IndicatorValue.objects.count() == 1


def test_a_viewer_and_a_unit_cannot_import(world, catalogue):
    from zonedesk.intake.sheets import get_spec

    spec = get_spec("indicator_values")
    assert spec.can_import(world.econ)
    assert not spec.can_import(world.viewer) and not spec.can_import(world.unit)


@settings(deadline=None)  # a loaded CI machine must not fail a parser test
@given(year=st.integers(2000, 2100), month=st.integers(1, 12), dash=st.sampled_from("-－—–~至"))
def test_any_period_written_the_bureau_s_ways_reads_back(year, month, dash):
    assert parse_period(f"{year}年{month}月") == (year, month)
    assert parse_period(f"{year}-{month:02d}") == (year, month)
    if month > 1:
        assert parse_period(f"{year}年1{dash}{month}月") == (year, month)


@settings(deadline=None)  # a loaded CI machine must not fail a parser test
@given(st.text(max_size=12))
def test_anything_else_is_refused_with_a_chinese_message_never_a_crash(text):
    from zonedesk.indicators.periods import PeriodError

    try:
        year, month = parse_period(text)
    except PeriodError as exc:
        assert "统计期" in str(exc)
    else:
        assert 1 <= month <= 12 and (year is None or 2000 <= year <= 2100)
