""".xlsx exports of 跨区对比, 两区对比, 排名变化 and 项目与统计对照: what the page shows, with
its filters named on row 2, the same refusals as the page, text never a formula, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import login
from tests.dispatch.conftest import add_report
from tests.exports import export_count, sheet_of, table_of
from tests.indicators.conftest import publish, target
from tests.indicators.test_projects_vs_official import month_period
from zonedesk.accounts.models import AuditEvent
from zonedesk.indicators.models import Indicator

FORMULA = '=HYPERLINK("x")'


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
    sheet = sheet_of(response)
    assert sheet["A1"].value == "跨区对比2026年1-3月"
    assert "统计期：2026年1-3月" in sheet["A2"].value
    header, rows = table_of(sheet)
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
    assert export_count() == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert "跨区对比" in event.note and "2行" in event.note


def test_the_overview_export_follows_the_period_and_the_sort_on_screen(two_zones, catalogue):
    w = two_zones
    client = login(w.viewer)
    fai = catalogue["FAI"].name
    ranked = sheet_of(client.get("/indicators/zones/", {"year": 2026, "month": 3,
                                                      "sort": "ind:FAI", "format": "xlsx"}))  # fmt: skip
    assert [r[0] for r in ranked.iter_rows(min_row=4, values_only=True)] == [
        w.other_zone.label, w.zone.label,
    ]  # fmt: skip
    assert f"按{fai}排名" in ranked["A2"].value
    february = sheet_of(
        client.get("/indicators/zones/", {"year": 2026, "month": 2, "format": "xlsx"})
    )
    assert "2026年1-2月" in february["A2"].value
    _, rows = table_of(february)
    assert rows[w.zone.label][f"{fai}（%）"] == 5
    assert rows[w.other_zone.label][f"{fai}（%）"] is None  # 屯留 had not published by February


def test_a_zone_named_like_a_formula_stays_text_in_the_overview(two_zones):
    w = two_zones
    w.other_zone.short_name = FORMULA
    w.other_zone.save()
    sheet = sheet_of(login(w.viewer).get("/indicators/zones/", {"year": 2026, "month": 3,
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
    assert export_count() == 0


# --- 两区对比 -------------------------------------------------------------------------------------


def test_compare_exports_both_zones_side_by_side(two_zones, catalogue):
    w = two_zones
    own = Indicator.objects.create(zone=w.other_zone, code="TL_X", name=FORMULA, unit="个")
    publish(w.other_zone, own, 2026, 3, value=41)
    query = {"a": w.zone.pk, "b": w.other_zone.pk, "year": 2026, "month": 3, "format": "xlsx"}
    sheet = sheet_of(login(w.viewer).get("/indicators/compare/", query))
    assert f"甲：{w.zone.label}；乙：{w.other_zone.label}；统计期：2026年1-3月" in sheet["A2"].value
    header, rows = table_of(sheet)
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
    february = sheet_of(login(w.viewer).get("/indicators/compare/", {**query, "month": 2}))
    assert "统计期：2026年1-2月" in february["A2"].value
    _, rows = table_of(february)
    assert rows[catalogue["FAI"].name][f"{b}累计值"] is None
    assert export_count() == 2


def test_compare_export_refuses_a_zone_out_of_scope(two_zones):
    w = two_zones
    response = login(w.econ).get(
        "/indicators/compare/", {"a": w.zone.pk, "b": w.other_zone.pk, "format": "xlsx"}
    )
    assert response.status_code == 403 and export_count() == 0


# --- 排名变化 -------------------------------------------------------------------------------------


def test_rank_exports_the_zone_s_rank_month_by_month(two_zones, catalogue):
    w = two_zones
    client = login(w.viewer)
    sheet = sheet_of(client.get("/indicators/rank/", {"zone": w.zone.pk, "year": 2026,
                                                    "format": "xlsx"}))  # fmt: skip
    assert sheet["A1"].value == f"{w.zone.label}2026年排名变化"
    assert f"开发区：{w.zone.label}；年度：2026" in sheet["A2"].value
    header, rows = table_of(sheet)
    assert header == ["指标", "1月", *[f"1-{m}月" for m in range(2, 13)]]
    fai = catalogue["FAI"].name
    assert rows[fai]["1-2月"] == 1 and rows[fai]["1-3月"] == 2 and rows[fai]["1-4月"] is None
    other = sheet_of(client.get("/indicators/rank/", {"zone": w.other_zone.pk, "year": 2026,
                                                    "format": "xlsx"}))  # fmt: skip
    assert f"开发区：{w.other_zone.label}" in other["A2"].value
    _, rows = table_of(other)
    assert rows[fai]["1-2月"] is None and rows[fai]["1-3月"] == 1
    # econ's scope is its own zone only: 屯留's ranks are refused.
    refused = login(w.econ).get("/indicators/rank/", {"zone": w.other_zone.pk, "format": "xlsx"})
    assert refused.status_code == 403 and export_count() == 2


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
    sheet = sheet_of(client.get("/indicators/fai/", {"zone": world.zone.pk, "year": 2026,
                                                   "format": "xlsx"}))  # fmt: skip
    assert sheet["A2"].value.startswith(f"筛选条件：开发区：{world.zone.label}；年度：2026")
    header, rows = table_of(sheet)
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
    last_year = sheet_of(client.get("/indicators/fai/", {"year": 2025, "format": "xlsx"}))
    assert "年度：2025" in last_year["A2"].value
    assert [r[0] for r in last_year.iter_rows(min_row=4, values_only=True)] == ["1-6月"]
    assert export_count() == 2
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
    sheet = sheet_of(login(world.econ).get("/indicators/fai/", {"year": 2026, "format": "xlsx"}))
    assert sheet["A1"].value.startswith(FORMULA) and sheet["A1"].data_type == "s"


# --- one indicator's page, 年度目标, 指标目录 ----------------------------------------------------


def test_an_indicator_page_exports_its_published_figures(world, catalogue):
    fai = catalogue["FAI"]
    publish(world.zone, fai, 2024, 12, value="30", growth="4")  # not on the 2026 page
    publish(world.zone, fai, 2025, 12, value="40.5", growth="6.2", source="市统计局",
            published_on=dt.date(2026, 1, 20), entered_by=world.econ)  # fmt: skip
    publish(world.zone, fai, 2026, 2, value="6", growth="5", source=FORMULA)
    publish(world.zone, fai, 2026, 3, value="12", growth="7", note="更正")
    publish(world.other_zone, fai, 2026, 3, value="99", growth="1")  # another zone's
    url = f"/indicators/{fai.pk}/"
    page = login(world.econ).get(url, {"zone": world.zone.pk, "year": 2026}).content.decode()
    assert (
        'data-testid="export-xlsx-values"' in page and 'data-testid="export-xlsx-targets"' in page
    )
    response = login(world.viewer).get(
        url, {"zone": world.zone.pk, "year": 2026, "table": "values", "format": "xlsx"}
    )
    sheet = sheet_of(response)
    assert sheet["A1"].value == f"{world.zone.label}{fai.name}公布数据"
    assert f"开发区：{world.zone.label}；指标：{fai.name}；年度：2025—2026" in sheet["A2"].value
    header, rows = table_of(sheet)
    assert header == [
        "统计期",
        "累计值（亿元）",
        "同比（%）",
        "来源",
        "发布日期",
        "录入人",
        "更正说明",
    ]
    assert list(rows) == ["2026年1-3月", "2026年1-2月", "2025年1-12月"]  # newest first, as listed
    assert rows["2026年1-3月"]["累计值（亿元）"] == 12 and rows["2026年1-3月"]["更正说明"] == "更正"
    last = rows["2025年1-12月"]
    assert (last["同比（%）"], last["来源"], last["录入人"]) == (6.2, "市统计局", "赵经发")
    assert last["发布日期"] == dt.datetime(2026, 1, 20)
    source = next(row[3] for row in sheet.iter_rows(min_row=4) if row[3].value == FORMULA)
    assert source.data_type == "s"
    # The year on screen decides the rows; the default table is 公布数据.
    earlier = sheet_of(login(world.viewer).get(url, {"zone": world.zone.pk, "year": 2025,
                                                   "format": "xlsx"}))  # fmt: skip
    assert "年度：2024—2025" in earlier["A2"].value
    assert [r[0] for r in earlier.iter_rows(min_row=4, values_only=True)] == [
        "2025年1-12月", "2024年1-12月",
    ]  # fmt: skip
    assert export_count() == 2
    first = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("id").first()
    assert "公布数据（3行）" in first.note and "年度：2025—2026" in first.note


def test_an_indicator_page_exports_its_targets_and_refuses_as_the_page(world, catalogue):
    fai = catalogue["FAI"]
    target(world.zone, fai, 2026, growth=8, weight=Decimal("10"))
    target(world.zone, fai, 2026, assessor="province", value=100, growth=7)
    target(world.zone, fai, 2025, growth=9)
    target(world.other_zone, fai, 2026, growth=1)
    url = f"/indicators/{fai.pk}/"
    query = {"zone": world.zone.pk, "year": 2026, "table": "targets", "format": "xlsx"}
    sheet = sheet_of(login(world.econ).get(url, query))
    assert sheet["A1"].value == f"{world.zone.label}{fai.name}2026年度目标"
    assert "年度：2026" in sheet["A2"].value
    header, rows = table_of(sheet)
    assert header == ["考核主体", "目标值（亿元）", "目标增速（%）", "权重"]
    assert rows == {
        "市考核": {"考核主体": "市考核", "目标值（亿元）": None, "目标增速（%）": 8, "权重": 10},
        "省考核": {"考核主体": "省考核", "目标值（亿元）": 100, "目标增速（%）": 7, "权重": None},
    }
    _, rows = table_of(sheet_of(login(world.econ).get(url, {**query, "year": 2025})))
    assert list(rows) == ["市考核"] and rows["市考核"]["目标增速（%）"] == 9
    assert export_count() == 2
    # Refused the page, refused the file: no business role, another zone's staff; a zone's own
    # indicator is not found from another zone.
    for user in (world.admin, world.auditor, world.other_staff):
        assert login(user).get(url, query).status_code == 403, user
    own = Indicator.objects.create(zone=world.other_zone, code="TL_X", name="屯留自设", unit="个")
    assert login(world.econ).get(f"/indicators/{own.pk}/", query).status_code == 404
    assert export_count() == 2


def test_the_targets_page_exports_every_indicator_with_both_assessors(world, catalogue):
    fai, gdp = catalogue["FAI"], catalogue["RETAIL"]
    own = Indicator.objects.create(zone=world.zone, code="YQ_X", name=FORMULA, unit="个",
                                   has_growth=False, sort_order=999)  # fmt: skip
    target(world.zone, fai, 2026, growth=8, weight=Decimal("10"))
    target(world.zone, fai, 2026, assessor="province", value=100, growth=7)
    target(world.zone, own, 2026, value=5)
    target(world.zone, gdp, 2025, growth=6)
    target(world.other_zone, gdp, 2026, growth=1)
    page = login(world.viewer).get("/indicators/targets/", {"zone": world.zone.pk, "year": 2026})
    assert 'data-testid="export-xlsx"' in page.content.decode()
    response = login(world.viewer).get(
        "/indicators/targets/", {"zone": world.zone.pk, "year": 2026, "format": "xlsx"}
    )
    sheet = sheet_of(response)
    assert sheet["A1"].value == f"{world.zone.label}2026年度目标"
    assert f"开发区：{world.zone.label}；年度：2026" in sheet["A2"].value
    header, rows = table_of(sheet)
    assert header == ["指标", "单位", "市考核目标值", "市考核目标增速（%）", "市考核权重",
                      "省考核目标值", "省考核目标增速（%）", "省考核权重"]  # fmt: skip
    # Every indicator of the zone's catalogue, in catalogue order, as the grid lists them.
    names = [r[0] for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert names == [i.name for i in Indicator.objects.filter(zone__isnull=True)
                     .order_by("sort_order", "id")] + [FORMULA]  # fmt: skip
    assert list(rows[fai.name].values())[1:] == ["亿元", None, 8, 10, 100, 7, None]
    assert list(rows[FORMULA].values())[1:] == ["个", 5, None, None, None, None, None]
    assert all(v is None for v in list(rows[gdp.name].values())[2:])  # 2025's and 屯留's are not
    assert (
        next(row[0] for row in sheet.iter_rows(min_row=4) if row[0].value == FORMULA).data_type
        == "s"
    )
    # Another year: that year's targets.
    earlier = sheet_of(login(world.viewer).get("/indicators/targets/", {"zone": world.zone.pk,
                                                                      "year": 2025, "format": "xlsx"}))  # fmt: skip
    assert "年度：2025" in earlier["A2"].value
    _, rows = table_of(earlier)
    assert (
        rows[gdp.name]["市考核目标增速（%）"] == 6 and rows[fai.name]["市考核目标增速（%）"] is None
    )
    assert export_count() == 2
    for user in (world.admin, world.auditor, world.other_staff):
        response = login(user).get(
            "/indicators/targets/", {"zone": world.zone.pk, "format": "xlsx"}
        )
        assert response.status_code == 403, user
    assert export_count() == 2


def test_the_catalogue_exports_the_shipped_and_the_zone_s_own(world, catalogue):
    fai = catalogue["FAI"]
    Indicator.objects.create(zone=world.zone, code="YQ_X", name=FORMULA, unit="个", parent=fai,
                             january_reported=False, has_level=False, sort_order=999,
                             note="本区自设")  # fmt: skip
    Indicator.objects.create(zone=world.other_zone, code="TL_X", name="屯留自设", unit="个")
    page = login(world.econ).get("/indicators/catalogue/", {"zone": world.zone.pk})
    assert 'data-testid="export-xlsx"' in page.content.decode()
    response = login(world.econ).get(
        "/indicators/catalogue/", {"zone": world.zone.pk, "format": "xlsx"}
    )
    sheet = sheet_of(response)
    assert sheet["A1"].value == f"{world.zone.label}指标目录"
    assert f"开发区：{world.zone.label}" in sheet["A2"].value
    header, rows = table_of(sheet)
    assert header == ["代码", "指标名称", "单位", "频率", "价格口径", "累计/时点", "发布", "1月发布",
                      "适用", "说明"]  # fmt: skip
    shipped = Indicator.objects.filter(zone__isnull=True).count()
    assert len(rows) == shipped + 1 and "TL_X" not in rows
    assert rows["YQ_X"] == {
        "代码": "YQ_X", "指标名称": f"{fai.name} › {FORMULA}", "单位": "个", "频率": "月度",
        "价格口径": "现价（名义）", "累计/时点": "累计值", "发布": "增速", "1月发布": "否",
        "适用": "本区", "说明": "本区自设",
    }  # fmt: skip
    assert rows["FAI"]["适用"] == "全省通用" and rows["FAI"]["发布"] == "绝对值、增速"
    assert export_count() == 1
    for user in (world.admin, world.auditor, world.other_staff):
        response = login(user).get(
            "/indicators/catalogue/", {"zone": world.zone.pk, "format": "xlsx"}
        )
        assert response.status_code == 403, user
    assert export_count() == 1
