"""Click through the cockpit (驾驶舱), the weekly report (调度周报) and the Gantt (挂图作战)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.reports.conftest import week  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click_chart(page, chart: str, series: int, index: int, value: float) -> None:
    """Click the bar of `series` at category `index` (ECharts draws SVG; find its pixel)."""
    page.wait_for_function(f"window.zdCharts && window.zdCharts['{chart}']")
    x, y = page.evaluate(
        f"window.zdCharts['{chart}'].convertToPixel({{seriesIndex: {series}}}, [{index}, {value}])"
    )
    page.locator(f"#chart-{chart}").scroll_into_view_if_needed()
    box = page.locator(f"#chart-{chart}").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y + 3)


def test_the_cockpit_clicks_through_to_the_lists_behind_it(week, page):  # noqa: F811
    w = week.world
    sign_in(page, "leader")
    page.click("header nav a:has-text('驾驶舱')")
    expect(page.locator("h1")).to_contain_text("驾驶舱")
    page.wait_for_function("document.querySelectorAll('#chart-invest svg path').length > 3")
    screenshot(page, "reports-cockpit")

    # 项目阶段与级别: the 省重点 part of the 在建 bar → the project list filtered by both.
    stages = page.evaluate("JSON.parse(document.getElementById('cockpit-data').textContent)")
    keys = [s["key"] for s in stages["stages"]["stages"]]
    click_chart(page, "stages", 0, keys.index("construction"), 0.5)
    page.wait_for_url(lambda url: "/projects/" in url and "stage=construction" in url)
    assert "level=province" in page.url
    expect(page.locator("body")).to_contain_text(w.project.name)

    # The red tile → the warnings list of red projects.
    page.go_back()
    page.click("[data-testid=tile-red]")
    page.wait_for_url(lambda url: "/dispatch/warnings/" in url and "colour=red" in url)

    # The cockpit's table (逾期督办事项) downloads as on screen.
    page.goto("/reports/")
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    assert info.value.suggested_filename.startswith("阳泉高新区驾驶舱逾期督办事项")
    with open(info.value.path(), "rb") as download:  # saved without an extension
        sheet = openpyxl.load_workbook(download).active
    assert [c.value for c in sheet[3]] == [
        "编号", "议定事项", "相关项目", "承办部门", "办结时限", "逾期天数",
    ]  # fmt: skip
    assert sheet.max_row - 3 == page.locator("#overdue-supervision tbody tr:has(a)").count()

    # From the cockpit to the weekly report and its Word file.
    page.goto("/reports/")
    page.click(".page-head a:has-text('调度周报')")
    expect(page.locator("h1.doc-title")).to_have_text("阳泉高新区重点项目调度周报")
    expect(page.locator("[data-testid=lag-start_overdue]")).to_contain_text("物流园项目")
    expect(page.locator("[data-testid=frozen]")).to_contain_text("固化")
    screenshot(page, "reports-weekly")
    with page.expect_download() as info:
        page.click("#download-docx")
    doc = Document(io.BytesIO(open(info.value.path(), "rb").read()))
    assert doc.paragraphs[0].text == "阳泉高新区重点项目调度周报"


def test_the_gantt_shows_plan_against_actual_and_filters(week, page):  # noqa: F811
    w = week.world
    sign_in(page, "econ")
    page.goto("/dispatch/")
    page.click("#dispatch-nav a:has-text('挂图作战')")
    expect(page.locator("h1")).to_contain_text("挂图作战")
    page.wait_for_selector("#gantt .bar-wrapper")
    expect(page.locator("#gantt .bar-wrapper.zd-plan")).to_have_count(4)
    expect(page.locator("#gantt .bar-wrapper.zd-late")).to_have_count(1)  # 道路提升工程
    screenshot(page, "reports-gantt")
    page.select_option("select[name=department]", str(w.invest_dept.pk))
    page.click("#gantt-filters button[type=submit]")
    expect(page.locator("[data-testid=gantt-count]")).to_contain_text("共2个项目")
    expect(page.locator("#gantt .bar-wrapper.zd-plan")).to_have_count(2)
    # The plan table as .xlsx, with the department chosen on screen.
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    assert info.value.suggested_filename.startswith(f"{w.zone.label}挂图作战计划表")
    sheet = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    assert "责任部门：投资合作促进部" in sheet["A2"].value
    assert {r[0] for r in sheet.iter_rows(min_row=4, values_only=True)} == {"YQ-002", "YQ-003"}
    page.locator(f"#gantt .bar-wrapper[data-id='p{w.invest_project.pk}-plan'] .bar-label").click()
    page.wait_for_url(f"**/projects/{w.invest_project.pk}/")


def test_the_city_reads_its_zones_side_by_side(week, page):  # noqa: F811
    w = week.world
    w.viewer.viewer_zones.set([w.zone, w.other_zone])
    sign_in(page, "city")
    page.click("header nav a:has-text('驾驶舱')")
    page.click("[data-testid=nav-zones]")
    expect(page.locator("h1")).to_have_text("各区调度一览")
    rows = page.locator("[data-testid=zone-row]")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(w.zone.label)
    expect(page.locator("[data-testid=zone-total]")).to_contain_text("合计")
    screenshot(page, "reports-zones")
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    sheet = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    assert [r[0] for r in sheet.iter_rows(min_row=4, values_only=True)] == [
        w.zone.label, w.other_zone.label, "合计",
    ]  # fmt: skip
    # A zone's red count opens that zone's red warnings.
    red = rows.first.locator("[data-testid=zone-red]")
    count = int(red.inner_text())
    red.click()
    expect(page).to_have_url(re.compile(rf"zone={w.zone.pk}&colour=red"))
    expect(page.locator("table.grid tbody tr")).to_have_count(count)


def test_a_unit_gets_no_cockpit(week, page):  # noqa: F811
    sign_in(page, "unit")
    assert page.locator("header nav a:has-text('驾驶舱')").count() == 0
    response = page.goto("/reports/")
    assert response.status == 403
