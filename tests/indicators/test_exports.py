""".xlsx exports of 跨区对比, 两区对比, 排名变化 and 项目与统计对照: what the page shows, with
its filters named on row 2, the same refusals as the page, text never a formula, audited."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from tests.conftest import login
from tests.dispatch.conftest import add_report
from tests.indicators.conftest import publish, target
from tests.indicators.test_projects_vs_official import month_period
from zonedesk.accounts.models import AuditEvent
from zonedesk.indicators.models import Indicator

FORMULA = '=HYPERLINK("x")'


def _sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _table(sheet) -> tuple[list, dict]:
    """Header (row 3) and the data rows (from row 4) keyed by their first cell."""
    header = [c.value for c in sheet[3]]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=4, values_only=True)
    }
    return header, rows


def _exports() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()


@pytest.fixture
def two_zones(world, catalogue):
    """The city viewer reads both zones; FAI growth 7% here, 9% in 屯留 (March), 5% here in
    February only."""
    world.viewer.viewer_zones.add(world.other_zone)
    fai = catalogue["FAI"]
    target(world.zone, fai, 2026, growth=8)
    publish(world.zone, fai, 2026, 2, value=6, growth=5)
    publish(world.zone, fai, 2026, 3, value=12, growth=7)
    publish(world.other_zone, fai, 2026, 3, value=8, growth=9)
    return world


# --- 跨区对比 -------------------------------------------------------------------------------------


def test_the_overview_exports_one_row_per_zone_with_the_funnel(two_zones, catalogue):
    from zonedesk.investment.models import Lead, LeadStage

    w = two_zones
    for name, stage, amount in (
        ("甲", LeadStage.PRODUCING, "30000"),
        ("乙", LeadStage.SIGNED, "20000"),
    ):
        Lead.objects.create(zone=w.zone, code=f"ZS-{name}", name=name, investor_name=f"{name}公司",
                            stage=stage, signed_date=dt.date(2026, 2, 1),
                            contract_amount=Decimal(amount), owner=w.invest)  # fmt: skip
    response = login(w.viewer).get(
        "/indicators/zones/", {"year": 2026, "month": 3, "format": "xlsx"}
    )
    sheet = _sheet(response)
    assert sheet["A1"].value == "跨区对比2026年1-3月"
    assert "统计期：2026年1-3月" in sheet["A2"].value
    header, rows = _table(sheet)
    fai = catalogue["FAI"].name
    assert header[0] == "开发区"
    i = header.index(f"{fai}（%）")
    assert header[i + 1] == f"{fai}名次"
    assert {"重点项目投资完成率（%）", "问题整改销号率（%）", "招商签约项目（个）",
            "其中开工（个）", "其中投产（个）", "签约金额（万元）", "招商签约项目名次"} <= set(header)  # fmt: skip
    assert set(rows) == {w.zone.label, w.other_zone.label}
    here, there = rows[w.zone.label], rows[w.other_zone.label]
    assert (here[f"{fai}（%）"], here[f"{fai}名次"]) == (7, 2)
    assert (there[f"{fai}（%）"], there[f"{fai}名次"]) == (9, 1)
    assert (here["招商签约项目（个）"], here["其中开工（个）"], here["其中投产（个）"]) == (2, 1, 1)
    assert here["签约金额（万元）"] == 50000 and here["招商签约项目名次"] == 1
    assert there["招商签约项目（个）"] is None  # no lead signed there: blank, as "—" on screen
    assert _exports() == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert "跨区对比" in event.note and "2行" in event.note


def test_the_overview_export_follows_the_period_and_the_sort_on_screen(two_zones, catalogue):
    w = two_zones
    client = login(w.viewer)
    fai = catalogue["FAI"].name
    ranked = _sheet(client.get("/indicators/zones/", {"year": 2026, "month": 3,
                                                      "sort": "ind:FAI", "format": "xlsx"}))  # fmt: skip
    assert [r[0] for r in ranked.iter_rows(min_row=4, values_only=True)] == [
        w.other_zone.label, w.zone.label,
    ]  # fmt: skip
    assert f"按{fai}排名" in ranked["A2"].value
    february = _sheet(
        client.get("/indicators/zones/", {"year": 2026, "month": 2, "format": "xlsx"})
    )
    assert "2026年1-2月" in february["A2"].value
    _, rows = _table(february)
    assert rows[w.zone.label][f"{fai}（%）"] == 5
    assert rows[w.other_zone.label][f"{fai}（%）"] is None  # 屯留 had not published by February


def test_a_zone_named_like_a_formula_stays_text_in_the_overview(two_zones):
    w = two_zones
    w.other_zone.short_name = FORMULA
    w.other_zone.save()
    sheet = _sheet(login(w.viewer).get("/indicators/zones/", {"year": 2026, "month": 3,
                                                               "format": "xlsx"}))  # fmt: skip
    cells = [row[0] for row in sheet.iter_rows(min_row=4) if row[0].value == FORMULA]
    assert len(cells) == 1 and cells[0].data_type == "s"


@pytest.mark.parametrize(
    "url",
    ["/indicators/zones/", "/indicators/compare/", "/indicators/rank/", "/indicators/fai/"],
)
def test_who_may_not_read_the_page_may_not_export_it(world, catalogue, url):
    for user in (world.admin, world.auditor):
        assert login(user).get(url, {"format": "xlsx"}).status_code == 403
    assert _exports() == 0


# --- 两区对比 -------------------------------------------------------------------------------------


def test_compare_exports_both_zones_side_by_side(two_zones, catalogue):
    w = two_zones
    own = Indicator.objects.create(zone=w.other_zone, code="TL_X", name=FORMULA, unit="个")
    publish(w.other_zone, own, 2026, 3, value=41)
    query = {"a": w.zone.pk, "b": w.other_zone.pk, "year": 2026, "month": 3, "format": "xlsx"}
    sheet = _sheet(login(w.viewer).get("/indicators/compare/", query))
    assert f"甲：{w.zone.label}；乙：{w.other_zone.label}；统计期：2026年1-3月" in sheet["A2"].value
    header, rows = _table(sheet)
    a, b = w.zone.label, w.other_zone.label
    assert header == ["指标", "单位", f"{a}累计值", f"{a}同比（%）", f"{a}评价", f"{a}原因",
                      f"{b}累计值", f"{b}同比（%）", f"{b}评价", f"{b}原因"]  # fmt: skip
    fai = rows[catalogue["FAI"].name]
    assert (fai["单位"], fai[f"{a}累计值"], fai[f"{a}同比（%）"]) == ("亿元", 12, 7)
    assert (fai[f"{b}累计值"], fai[f"{b}同比（%）"]) == (8, 9)
    assert fai[f"{a}评价"] in ("红", "黄") and "低于目标" in fai[f"{a}原因"]
    assert fai[f"{b}评价"] == "—" and fai[f"{b}原因"] == "未设年度目标"
    # 屯留's own indicator: a blank with the page's words on 阳泉's side, and the name stays text.
    assert rows[FORMULA][f"{a}评价"] == "（无此指标）" and rows[FORMULA][f"{b}累计值"] == 41
    cell = next(row[0] for row in sheet.iter_rows(min_row=4) if row[0].value == FORMULA)
    assert cell.data_type == "s"
    # Another month: the figures of that month, named on row 2.
    february = _sheet(login(w.viewer).get("/indicators/compare/", {**query, "month": 2}))
    assert "统计期：2026年1-2月" in february["A2"].value
    _, rows = _table(february)
    assert rows[catalogue["FAI"].name][f"{b}累计值"] is None
    assert _exports() == 2


def test_compare_export_refuses_a_zone_out_of_scope(two_zones):
    w = two_zones
    response = login(w.econ).get(
        "/indicators/compare/", {"a": w.zone.pk, "b": w.other_zone.pk, "format": "xlsx"}
    )
    assert response.status_code == 403 and _exports() == 0


# --- 排名变化 -------------------------------------------------------------------------------------


def test_rank_exports_the_zone_s_rank_month_by_month(two_zones, catalogue):
    w = two_zones
    client = login(w.viewer)
    sheet = _sheet(client.get("/indicators/rank/", {"zone": w.zone.pk, "year": 2026,
                                                    "format": "xlsx"}))  # fmt: skip
    assert sheet["A1"].value == f"{w.zone.label}2026年排名变化"
    assert f"开发区：{w.zone.label}；年度：2026" in sheet["A2"].value
    header, rows = _table(sheet)
    assert header == ["指标", "1月", *[f"1-{m}月" for m in range(2, 13)]]
    fai = catalogue["FAI"].name
    assert rows[fai]["1-2月"] == 1 and rows[fai]["1-3月"] == 2 and rows[fai]["1-4月"] is None
    other = _sheet(client.get("/indicators/rank/", {"zone": w.other_zone.pk, "year": 2026,
                                                    "format": "xlsx"}))  # fmt: skip
    assert f"开发区：{w.other_zone.label}" in other["A2"].value
    _, rows = _table(other)
    assert rows[fai]["1-2月"] is None and rows[fai]["1-3月"] == 1
    # econ's scope is its own zone only: 屯留's ranks are refused.
    refused = login(w.econ).get("/indicators/rank/", {"zone": w.other_zone.pk, "format": "xlsx"})
    assert refused.status_code == 403 and _exports() == 2


# --- 项目与统计对照 --------------------------------------------------------------------------------


def test_fai_exports_the_official_figure_beside_the_projects(world, catalogue):
    world.project.in_statistics, world.project.statistics_date = True, dt.date(2025, 4, 1)
    world.project.save()
    march = month_period(world.zone, 2026, 3)
    add_report(world.project, march, world.econ, year="3000")
    add_report(world.invest_project, march, world.econ, year="1000")  # not 纳统
    publish(world.zone, catalogue["FAI"], 2026, 3, value="1.2", growth="5")
    publish(world.zone, catalogue["FAI"], 2025, 6, value="2", growth="1")
    client = login(world.econ)
    sheet = _sheet(client.get("/indicators/fai/", {"zone": world.zone.pk, "year": 2026,
                                                   "format": "xlsx"}))  # fmt: skip
    assert sheet["A2"].value.startswith(f"筛选条件：开发区：{world.zone.label}；年度：2026")
    header, rows = _table(sheet)
    assert header == ["统计期", "固定资产投资（统计公布，万元）", "同比（%）",
                      "重点项目本年累计完成（万元）", "有审核通过填报的项目数",
                      "其中已纳统项目（万元）", "纳统项目占比（%）", "差额（万元）"]  # fmt: skip
    assert list(rows) == ["1-3月"]
    march = rows["1-3月"]
    assert march["固定资产投资（统计公布，万元）"] == 12000 and march["同比（%）"] == 5
    assert march["重点项目本年累计完成（万元）"] == 4000 and march["有审核通过填报的项目数"] == 2
    assert march["其中已纳统项目（万元）"] == 3000 and march["纳统项目占比（%）"] == 25
    assert march["差额（万元）"] == 9000
    assert sheet.cell(4, 2).number_format == "#,##0.00"
    # The year on screen decides the rows: 2025 has June only.
    last_year = _sheet(client.get("/indicators/fai/", {"year": 2025, "format": "xlsx"}))
    assert "年度：2025" in last_year["A2"].value
    assert [r[0] for r in last_year.iter_rows(min_row=4, values_only=True)] == ["1-6月"]
    assert _exports() == 2
    assert (
        login(world.other_staff)
        .get("/indicators/fai/", {"zone": world.zone.pk, "format": "xlsx"})
        .status_code
        == 403
    )


def test_the_fai_export_keeps_a_formula_like_zone_name_as_text(world, catalogue):
    world.zone.short_name = FORMULA
    world.zone.save()
    publish(world.zone, catalogue["FAI"], 2026, 3, value="1.2", growth="5")
    sheet = _sheet(login(world.econ).get("/indicators/fai/", {"year": 2026, "format": "xlsx"}))
    assert sheet["A1"].value.startswith(FORMULA) and sheet["A1"].data_type == "s"
