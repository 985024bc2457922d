"""Click through enterprise services: a clerk imports monthly figures, sees the firm become a
高企 candidate with its conditions, opens a request whose working-day deadline skips the Spring
Festival and counts the make-up Saturday, matches a policy and records a loan outcome; then the
funnel, 亩均 and finance pages."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.enterprises.conftest import add_years, last_years, make_enterprise
from tests.intake.helpers import xlsx
from zonedesk.enterprises import services
from zonedesk.enterprises.models import FinancingNeed, MonthlyFigure, ServiceRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def monthly_sheet(firm) -> bytes:
    rows = [
        [
            "统一社会信用代码",
            "企业名称",
            "月份",
            "营业收入（万元）",
            "税收（万元）",
            "用电量（万千瓦时）",
            "从业人员",
            "研发投入（万元）",
        ]
    ]
    for year in sorted(last_years(3)):
        for month in range(1, 13):
            rows.append(
                [
                    firm.organisation.credit_code,
                    firm.name,
                    f"{year}年{month}月",
                    "300",
                    "18",
                    "25",
                    100,
                    "20",
                ]
            )
    return xlsx(rows, title="企业月度经营数据")


def test_a_clerk_works_a_firm_from_figures_to_a_loan(world, page):
    firm = make_enterprise(world.zone, "山西晋阳智能装备有限公司", by=world.econ)
    bank = services.institution_create(zone=world.zone, by=world.econ, name="晋商银行阳泉分行")

    sign_in(page, "econ")
    page.goto(f"/enterprises/{firm.pk}/")
    expect(page.locator("[data-testid=status-high_tech]")).to_have_text("数据不全")

    # Import three years of monthly figures through the import pipeline.
    page.goto("/intake/?kind=enterprise_figures")
    page.select_option("select[name=kind]", label="企业月度经营数据")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "企业月报.xlsx", "mimeType": XLSX, "buffer": monthly_sheet(firm)}],
    )
    page.click("button:has-text('上传并检查')")
    expect(page.locator("[data-testid=errors]")).to_have_text("0")
    expect(page.locator("[data-testid=created]")).to_have_text("36")
    page.click("#commit")
    expect(page.locator("[data-testid=status]")).to_have_text("已导入")
    assert MonthlyFigure.objects.filter(enterprise=firm).count() == 36

    # The firm is now a 高企 candidate, with each condition's figure and threshold.
    page.goto(f"/enterprises/{firm.pk}/")
    expect(page.locator("[data-testid=status-high_tech]")).to_have_text("符合条件，可申报")
    card = page.locator("[data-testid=tier-high_tech]")
    expect(card).to_contain_text("科技人员占职工总数比例")
    expect(card).to_contain_text("30.00%")
    expect(card).to_contain_text("近3个会计年度研发费用占销售收入比例")
    expect(card).to_contain_text("6.67%")
    expect(card).to_contain_text("≥ 5%")
    screenshot(page, "enterprise-file")
    # The 月度数据 table exports the 24 months the page lists, newest first.
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx-figures]")
    assert info.value.suggested_filename.startswith(f"{firm.name}月度经营数据")
    with open(info.value.path(), "rb") as saved:
        sheet = openpyxl.load_workbook(io.BytesIO(saved.read())).active
    assert [c.value for c in sheet[3]][:3] == ["月份", "产值（万元）", "营业收入（万元）"]
    assert sheet.max_row - 3 == 24
    page.goto("/enterprises/funnel/")
    expect(page.locator("[data-testid=eligible-high_tech]")).to_have_text("1")
    page.click("[data-testid=eligible-high_tech]")
    expect(page.locator("#registry tbody tr")).to_have_count(1)
    expect(page.locator("#registry")).to_contain_text(firm.name)
    screenshot(page, "enterprise-registry-candidates")

    # A request received the day before the 2026 Spring Festival break.
    page.goto(f"/enterprises/requests/new/?enterprise={firm.pk}")
    page.select_option("select[name=category]", label="融资")
    page.fill("textarea[name=description]", "购置设备需贷款800万元")
    page.select_option("select[name=department]", label="经济发展部")
    page.fill("input[name=received_on]", "2026-02-12")
    page.fill("input[name=time_limit_days]", "5")
    page.click("button:has-text('受理')")
    expect(page.locator("[data-testid=due]")).to_contain_text("2026-02-26")
    explain = page.locator("#deadline-explain")
    expect(explain).to_contain_text("2026-02-14（星期六）调休上班，计入")
    expect(explain).to_contain_text("2026-02-16 春节，不计")
    screenshot(page, "enterprise-request")
    page.fill("textarea[name=reply]", "已对接晋商银行，安排客户经理上门")
    page.click("button:has-text('答复')")
    expect(page.locator("[data-testid=request-status]")).to_contain_text("已答复")
    assert ServiceRequest.objects.get().due_on == dt.date(2026, 2, 26)
    # The request list, filtered on screen, exports what it shows.
    page.goto("/enterprises/requests/")
    page.select_option("select[name=status]", label="已答复")
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    assert info.value.suggested_filename.startswith("企业诉求")
    with open(info.value.path(), "rb") as saved:  # the download has no .xlsx suffix
        sheet = openpyxl.load_workbook(io.BytesIO(saved.read())).active
    assert "状态：已答复" in sheet["A2"].value
    assert [c.value for c in sheet[3]][:5] == [
        "受理日期",
        "企业名称",
        "统一社会信用代码",
        "诉求类别",
        "诉求内容",
    ]
    assert [c.value for c in sheet[4]][1:5] == [
        firm.name,
        firm.organisation.credit_code,
        "融资",
        "购置设备需贷款800万元",
    ]
    assert sheet.max_row == 4

    # A policy written as rules over the firm's data: who qualifies and why.
    page.goto("/enterprises/policies/new/")
    page.fill("input[name=title]", "企业研发费用后补助")
    page.fill("input[name=issuer]", "阳泉高新区管委会")
    page.fill("input[name=benefit]", "按上年研发投入10%补助")
    page.fill(
        "textarea[name=conditions]",
        '[{"field": "rd", "op": ">=", "value": 100}, {"field": "tier", "op": "not_has", "value": "high_tech"}]',
    )
    page.click("button:has-text('保存')")
    expect(page.locator("[data-testid=count-fit]")).to_have_text("符合 1")
    expect(page.locator("#matches")).to_contain_text(firm.name)
    expect(page.locator("#matches")).to_contain_text(
        "上年研发投入（万元）：240.00（≥ 100.00）→ 符合"
    )
    screenshot(page, "enterprise-policy")

    # A financing need and its loan outcome.
    page.goto(f"/enterprises/{firm.pk}/")
    page.click("summary:has-text('登记融资需求')")
    page.fill("input[name=need-amount]", "800")
    page.fill("input[name=need-purpose]", "购置数控设备")
    page.click("#financing button:has-text('登记')")
    expect(page.locator("[data-testid=need-status]")).to_have_text("对接中")
    page.select_option("select[name=status]", label="已放款")
    page.select_option("select[name=institution]", label=bank.name)
    page.fill("input[name=granted_amount]", "600")
    page.fill("input[name=granted_on]", "2026-03-10")
    page.click("button:has-text('保存结果')")
    expect(page.locator("[data-testid=need-status]")).to_have_text("已放款")
    expect(page.locator("[data-testid=granted]")).to_contain_text("晋商银行阳泉分行 600.00万元")
    need = FinancingNeed.objects.get()
    assert (need.granted_amount, need.granted_on) == (Decimal("600.00"), dt.date(2026, 3, 10))
    page.goto("/enterprises/finance/")
    expect(page.locator("[data-testid=granted-total]")).to_have_text("600.00万元")
    screenshot(page, "enterprise-finance")


def test_a_leader_computes_and_publishes_the_mu_evaluation(world, page):
    year = last_years(1)[0]
    for i, (tax, land) in enumerate([("30", "40"), ("10", "60"), ("5", "80"), ("2", "2")]):
        firm = make_enterprise(world.zone, f"山西亩均{i}有限公司", land_area_mu=Decimal(land))
        add_years(firm, [year], tax=tax)
    sign_in(page, "leader")
    page.goto("/enterprises/mu/")
    page.fill("input[name=year]", str(year))
    page.click("button:has-text('计算')")
    expect(page.locator("[data-testid=mu-status]")).to_have_text("草稿")
    expect(page.locator("[data-testid=grade-T]")).to_have_text("1")
    expect(page.locator("#mu-results")).to_contain_text("用地面积2.00亩，不足3亩")
    expect(page.locator("#mu-chart canvas")).to_have_count(1)
    page.click("button:has-text('公示')")
    expect(page.locator("[data-testid=mu-status]")).to_have_text("公示中")
    screenshot(page, "enterprise-mu")
