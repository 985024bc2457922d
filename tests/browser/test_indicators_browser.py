"""econ enters a month of indicators with the statistics bureau's sheet and sees the scorecard
turn; the detail page draws its trend; the city viewer compares two zones and edits nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.indicators.conftest import publish, target
from zonedesk.indicators.defaults import install_default_catalogue
from zonedesk.indicators.models import Indicator, IndicatorValue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def bureau_sheet() -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["阳泉高新区2026年1-3月主要经济指标"])
    ws.append(["指标名称", "计量单位", "2026年1-3月", "同比增长（%）"])
    ws.append(["规上工业增加值", "%", "—", 8.2])
    ws.append(["固定资产投资", "亿元", 12.56, 9.5])
    ws.append(["一般公共预算收入", "万元", 16800, 6.3])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.fixture
def catalogue(world):
    install_default_catalogue(Indicator)
    cat = {i.code: i for i in Indicator.objects.filter(zone__isnull=True)}
    target(world.zone, cat["FAI"], 2026, growth=8)
    target(world.zone, cat["IVA"], 2026, growth=7)
    target(world.zone, cat["BUDGET"], 2026, value=60000)
    # February's figures are in: FAI lags its growth target.
    publish(world.zone, cat["FAI"], 2026, 2, value=6.1, growth=2.0)
    publish(world.zone, cat["BUDGET"], 2026, 2, value=9000, growth=4)
    return cat


def test_econ_imports_the_bureau_sheet_and_the_scorecard_turns(world, catalogue, page):
    sign_in(page, "econ")
    page.goto("/indicators/?year=2026&month=3")
    fai = page.locator("#scorecard tr[data-code=FAI]")
    expect(fai).to_have_attribute("data-colour", "red")
    expect(fai).to_contain_text("低于目标8.00%")
    screenshot(page, "indicators-scorecard-before")

    page.click("text=Excel导入")
    page.select_option("select[name=kind]", label="月度经济指标")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "1-3月指标.xlsx", "mimeType": XLSX, "buffer": bureau_sheet()}],
    )
    page.click("button:has-text('上传并检查')")
    expect(page.locator("[data-testid=errors]")).to_have_text("0")
    expect(page.locator("[data-testid=created]")).to_have_text("3")
    page.click("#commit")
    expect(page.locator(".messages")).to_contain_text("导入完成")
    assert IndicatorValue.objects.get(indicator__code="FAI", month=3).value == Decimal("12.56")

    page.goto("/indicators/?year=2026&month=3")
    expect(fai).to_have_attribute("data-colour", "green")
    expect(fai).to_contain_text("高于目标8.00%共1.50个百分点")
    iva = page.locator("#scorecard tr[data-code=IVA]")
    expect(iva).to_have_attribute("data-colour", "green")
    expect(page.locator("#scorecard tr[data-code=BUDGET]")).to_contain_text("7800")  # single month
    screenshot(page, "indicators-scorecard-after")

    page.click("#scorecard tr[data-code=FAI] a")
    expect(page.locator("h1")).to_contain_text("固定资产投资")
    expect(page.locator("#chart-value canvas")).to_have_count(1)
    expect(page.locator("#fai")).to_contain_text("纳统")
    screenshot(page, "indicators-detail")


def test_econ_enters_a_month_by_form(world, catalogue, page):
    sign_in(page, "econ")
    page.goto("/indicators/entry/?year=2026&month=4")
    fai = catalogue["FAI"]
    page.fill(f"[name=v{fai.pk}]", "15.2")
    page.fill(f"[name=g{fai.pk}]", "-1.5")
    page.click("#entry-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已保存2026年4月数据1项")
    expect(page.locator("#scorecard tr[data-code=FAI]")).to_have_attribute("data-colour", "red")


def test_city_compares_two_zones_and_cannot_edit(world, catalogue, page):
    world.viewer.viewer_zones.add(world.other_zone)
    publish(world.other_zone, catalogue["FAI"], 2026, 2, value=4.0, growth=11.0)
    sign_in(page, "city")
    page.goto("/indicators/zones/?year=2026&month=2")
    expect(page.locator("#overview tbody tr")).to_have_count(2)
    expect(page.locator("#overview thead")).to_contain_text("招商签约项目")
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    sheet = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    assert "统计期：2026年1-2月" in sheet["A2"].value
    header = [c.value for c in sheet[3]]
    assert header[0] == "开发区" and "招商签约项目（个）" in header
    assert {r[0] for r in sheet.iter_rows(min_row=4, values_only=True)} == {
        "阳泉高新区", "屯留经开区",
    }  # fmt: skip
    page.goto("/indicators/compare/")
    page.select_option("select[name=a]", label="阳泉高新区")
    page.select_option("select[name=b]", label="屯留经开区")
    page.fill("input[name=year]", "2026")
    page.select_option("select[name=month]", value="2")
    page.click("#compare-form button")
    row = page.locator("#compare tr[data-code=FAI]")
    expect(row).to_contain_text("2.0")
    expect(row).to_contain_text("11.0")
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    assert info.value.suggested_filename.startswith("两区对比阳泉高新区与屯留经开区2026年1-2月")
    sheet = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    header = [c.value for c in sheet[3]]
    fai = next(
        r
        for r in sheet.iter_rows(min_row=4, values_only=True)
        if r[0] == "固定资产投资（不含农户）"
    )
    assert fai[header.index("屯留经开区同比（%）")] == 11
    screenshot(page, "indicators-compare")
    # Nothing to edit: no entry link, and the entry page is refused.
    expect(page.locator("nav.subnav")).not_to_contain_text("按月填报")
    page.goto("/indicators/targets/")
    expect(page.locator("button:has-text('保存目标')")).to_have_count(0)
    response = page.goto(f"/indicators/entry/?zone={world.zone.pk}")
    assert response.status == 403
    page.goto("/indicators/rank/")
    expect(page.locator("#rank")).to_contain_text("固定资产投资")


def test_econ_adds_an_own_indicator_sets_thresholds_and_reads_the_project_comparison(
    world, catalogue, page
):
    sign_in(page, "econ")
    page.goto("/indicators/catalogue/")
    expect(page.locator("#catalogue")).to_contain_text("规上工业增加值增速")
    page.fill("#indicator-form [name=code]", "YQ_STD")
    page.fill("#indicator-form [name=name]", "标准化厂房出租率")
    page.fill("#indicator-form [name=unit]", "%")
    page.select_option("#indicator-form [name=kind]", label="时点值")
    page.click("#indicator-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已新增指标“标准化厂房出租率”")
    expect(page.locator("#catalogue")).to_contain_text("本区")
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    assert info.value.suggested_filename.startswith("阳泉高新区指标目录")
    sheet = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    assert [c.value for c in sheet[3]][:3] == ["代码", "指标名称", "单位"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["YQ_STD"][1:3] == ("标准化厂房出租率", "%") and rows["YQ_STD"][8] == "本区"
    assert len(rows) == Indicator.objects.filter(zone__isnull=True).count() + 1
    page.goto("/indicators/targets/?year=2026")
    page.fill("#thresholds-form [name=amber_points]", "3")
    page.click("#thresholds-form button")
    expect(page.locator(".messages")).to_contain_text("已保存预警阈值")
    page.click("nav.subnav >> text=项目与统计对照")
    page.goto(page.url + "&year=2026")
    expect(page.locator("#fai")).to_contain_text("1-2月")
    screenshot(page, "indicators-fai")
