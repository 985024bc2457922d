"""Click through a reporting period: a unit files a batch, one report is returned and filed
again, the department approves, and a lagging project shows red on the warnings page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import make_project
from tests.dispatch.conftest import open_period
from zonedesk.dispatch.models import DispatchSettings, ProgressReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_row(page, project, *, this, year, total, percent, progress):
    p = f"p{project.pk}"
    page.fill(f"[name={p}-invested_period]", this)
    page.fill(f"[name={p}-invested_year]", year)
    page.fill(f"[name={p}-invested_total]", total)
    page.fill(f"[name={p}-percent_complete]", percent)
    page.fill(f"[name={p}-image_progress]", progress)


def sign_out(page):
    page.click("button:has-text('退出')")
    page.wait_for_load_state("networkidle")


def test_a_period_from_batch_filing_to_a_red_warning(world, page):
    DispatchSettings.objects.create(zone=world.zone, lag_points=Decimal("0"))  # any lag warns
    far = dt.date.today() + dt.timedelta(days=500)
    second = make_project(
        world.zone,
        "数据中心二期",
        department=world.econ_dept,
        unit=world.kaichuang,
        code="YQ-010",
        planned_completion=far,
    )
    period = open_period(world.zone)

    # 开创集团 fills both of its projects on one page; one cumulative figure is impossible.
    sign_in(page, "unit")
    page.goto("/dispatch/fill/")
    expect(page.locator("h1")).to_contain_text(period.label)
    expect(page.locator(".report-row")).to_have_count(2)
    fill_row(
        page,
        world.project,
        this="10",
        year="10",
        total="8000",
        percent="35",
        progress="主体结构施工至三层",
    )
    fill_row(page, second, this="500", year="1.2亿", total="1亿", percent="60", progress="主体封顶")
    page.click("button:has-text('全部报送')")
    expect(page.locator("#errors")).to_contain_text(
        "项目“数据中心二期”：本年累计完成投资（12,000.00万元）不能大于"
    )
    assert not ProgressReport.objects.exists()
    screenshot(page, "dispatch-fill-errors")
    fill_row(page, second, this="500", year="1.2亿", total="2亿", percent="60", progress="主体封顶")
    page.click("button:has-text('全部报送')")
    expect(page.locator(".messages")).to_contain_text("已报送2个项目")
    expect(page.locator("[data-testid=status]").first).to_have_text("已报送")
    screenshot(page, "dispatch-fill")
    sign_out(page)

    # 经济发展部 sees both reported and returns one with a reason.
    sign_in(page, "econ")
    page.goto("/dispatch/")
    expect(page.locator("[data-testid=count-reported]")).to_have_text("2")
    expect(page.locator("[data-testid=count-missing]")).to_have_text("1")  # 路达市政's project
    screenshot(page, "dispatch-board")
    page.click("text=数据中心二期")
    page.fill("#return-form textarea[name=reason]", "形象进度与现场照片不符，请核实")
    page.click("#return-form button")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已退回")
    sign_out(page)

    # The unit sees the reason, corrects the row and files it again.
    sign_in(page, "unit")
    page.goto("/dispatch/fill/")
    row = page.locator(f"#row-{second.pk}")
    expect(row).to_contain_text("形象进度与现场照片不符，请核实")
    page.fill(f"[name=p{second.pk}-image_progress]", "主体结构施工至八层")
    page.click("button:has-text('全部报送')")
    expect(row.locator("[data-testid=status]")).to_have_text("已报送")
    sign_out(page)

    # The department approves both; the lagging project is red on the warnings page.
    sign_in(page, "econ")
    for project in (world.project, second):
        report = ProgressReport.objects.get(project=project, period=period)
        page.goto(f"/dispatch/reports/{report.pk}/")
        page.click("#approve-form button")
        expect(page.locator("[data-testid=report-status]")).to_have_text("已审核")
    page.goto("/dispatch/warnings/")
    lagging = page.locator("#warnings tr", has_text="智算中心项目")
    expect(lagging.locator(".light")).to_have_text("红色")
    expect(lagging).to_contain_text("落后序时进度")
    page.select_option("select[name=colour]", label="红色")
    page.click("#filters button")
    expect(page.locator("#warnings tbody tr[data-colour=red]")).to_have_count(
        2
    )  # 储能电池项目 has no report
    expect(page.locator("#warnings")).not_to_contain_text("数据中心二期")  # on schedule
    screenshot(page, "dispatch-warnings")
    page.click("#warnings a:has-text('智算中心项目')")
    expect(page.locator("[data-testid=warning-colour]")).to_have_text("红色")
    expect(page.locator("#project-warning")).to_contain_text("进度填报报送（孙开创）")
