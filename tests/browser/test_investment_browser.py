"""Click through 招商引资: `invest` turns a chain node's target into a lead, logs two follow-ups,
signs it, records funding and converts it into a key project, and the funnel's numbers move; a
colleague's lead for the same investor is flagged; a user outside the team sees masked contacts;
the team page, the chain list and the printable chain map render."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.investment.conftest import inv  # noqa: F401 (fixture)
from zonedesk.investment.models import DuplicateFlag, Lead

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.click("button:has-text('退出')")
    page.wait_for_load_state("networkidle")


def funnel_numbers(page, year):
    page.goto(f"/investment/funnel/?year={year}")
    return (
        page.locator("[data-testid=signed]").inner_text(),
        page.locator("[data-testid=signed-amount]").inner_text(),
        page.locator("[data-testid=funds-rate]").inner_text(),
    )


def test_from_a_chain_target_to_a_key_project(inv, page):  # noqa: F811
    year = dt.date.today().year
    sign_in(page, "invest")
    assert funnel_numbers(page, year) == ("0", "0.00", "—")

    # The chain map: the weak node and its target, turned into a lead in one action.
    page.goto("/investment/chains/")
    with page.expect_download() as info:  # the chain list as on screen, with its counts
        page.click("[data-testid=export-xlsx]")
    assert info.value.suggested_filename.startswith("招商图谱（产业链）")
    with open(info.value.path(), "rb") as download:  # saved without an extension
        sheet = openpyxl.load_workbook(download).active
    assert [c.value for c in sheet[3]][:4] == ["产业链", "开发区", "发展目标", "节点（个）"]
    assert [row[0].value for row in sheet.iter_rows(min_row=4)] == ["新能源电池"]
    page.click("#chains a:has-text('新能源电池')")
    node = page.locator(f"#node-{inv.node.pk}")
    expect(node).to_contain_text("薄弱环节")
    expect(node).to_contain_text("湖南长远锂科股份有限公司")
    expect(page.locator("#chain-chart svg")).to_be_visible()
    screenshot(page, "investment-chain")
    node.locator("a:has-text('转为线索')").click()
    expect(page.locator("input[name=investor_name]")).to_have_value("湖南长远锂科股份有限公司")
    page.fill("input[name=contact_name]", "刘建华")
    page.fill("input[name=contact_phone]", "13907311234")
    page.fill("input[name=intended_investment]", "6亿")
    page.click("button:has-text('保存')")
    expect(page.locator(".messages")).to_contain_text("已登记招商项目")
    lead = Lead.objects.get(investor_name="湖南长远锂科股份有限公司")
    expect(page.locator("[data-testid=stage]")).to_have_text("线索")

    # Two follow-ups; the first moves the lead to 接触.
    for day, kind, outcome in (
        (dt.date.today() - dt.timedelta(days=20), "走访", "赴长沙拜访，介绍正极材料配套政策"),
        (dt.date.today() - dt.timedelta(days=10), "会谈", "企业来区考察地块，就用电价格达成一致"),
    ):
        form = page.locator("#followup-form")
        form.locator("select[name=kind]").select_option(label=kind)
        form.locator("input[name=date]").fill(day.isoformat())
        form.locator("input[name=place]").fill("长沙")
        form.locator("textarea[name=outcome]").fill(outcome)
        form.locator("button").click()
        expect(page.locator(".messages")).to_contain_text("已记录跟进")
    expect(page.locator("#followups tr.followup")).to_have_count(2)
    expect(page.locator("[data-testid=stage]")).to_have_text("接触")

    # Signing: the agreement with its committed dates.
    signed = dt.date.today() - dt.timedelta(days=5)
    form = page.locator("#sign-form")
    form.locator("input[name=signed_date]").fill(signed.isoformat())
    form.locator("input[name=contract_amount]").fill("5.2亿")
    form.locator("input[name=committed_start]").fill((signed + dt.timedelta(days=90)).isoformat())
    form.locator("input[name=committed_production]").fill(
        (signed + dt.timedelta(days=400)).isoformat()
    )
    form.locator("button").click()
    expect(page.locator("[data-testid=stage]")).to_have_text("签约")
    expect(page.locator("[data-testid=contract]")).to_contain_text("52,000.00 万元")

    # Funding arrives, with its evidence file.
    form = page.locator("#arrival-form")
    form.locator("input[name=date]").fill(dt.date.today().isoformat())
    form.locator("input[name=amount]").fill("5200")
    form.locator("select[name=kind]").select_option(label="境内省外")
    form.locator("input[name=evidence]").set_input_files(
        files=[{"name": "进账单.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    form.locator("button").click()
    expect(page.locator("[data-testid=arrived]")).to_contain_text("5,200.00")
    expect(page.locator("#funding tr.arrival")).to_have_count(1)

    # One action makes it a key project; both sides show the link.
    page.locator("#convert-form button").click()
    expect(page.locator(".messages")).to_contain_text("已转为重点项目")
    link = page.locator("[data-testid=project-link] a")
    expect(link).to_contain_text(lead.name)
    screenshot(page, "investment-lead")
    link.click()
    expect(page.locator("h1")).to_contain_text(lead.name)
    expect(page.locator("[data-testid=total]")).to_contain_text("52,000.00")

    # The funnel moved: one signed project, 5.20亿元, 10% of the money in.
    assert funnel_numbers(page, year) == ("1", "5.20", "10.0%")
    expect(page.locator("#funnel-chart svg")).to_be_visible()
    screenshot(page, "investment-funnel")
    # The funnel exports what it shows, with the year on screen.
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    assert info.value.suggested_filename.startswith(f"招商漏斗{year}年")
    with open(info.value.path(), "rb") as download:  # saved without an extension
        sheet = openpyxl.load_workbook(download).active
    assert sheet["A2"].value.startswith(f"筛选条件：年度：{year}；")
    assert [c.value for c in sheet[4]][:3] == ["合计", "合计", 1]
    assert sheet["F4"].value == 52000  # 签约金额 in 万元
    page.click("#by-team tr[data-row=total] a[data-metric=signed]")
    expect(page.locator("#leads tbody tr")).to_have_count(1)
    expect(page.locator("#leads")).to_contain_text(lead.name)
    sign_out(page)

    # A colleague of another team registers the same investor: flagged before saving.
    sign_in(page, "invest2")
    page.goto("/investment/leads/new/")
    page.fill("input[name=name]", "正极材料二期")
    page.fill("input[name=investor_name]", "长远锂科（湖南）有限公司")
    page.select_option("select[name=source]", label="中介")
    page.click("button:has-text('保存')")
    expect(page.locator("#duplicates")).to_contain_text("钱投促")
    expect(page.locator("#duplicates")).to_contain_text(lead.code)
    assert not Lead.objects.filter(name="正极材料二期").exists()
    screenshot(page, "investment-duplicate")
    page.check("input[name=confirm_duplicate]")
    page.click("button:has-text('保存')")
    expect(page.locator(".messages")).to_contain_text("疑似撞单项目的负责人发出提醒")
    assert DuplicateFlag.objects.filter(other=lead).exists()

    # Outside the team the investor's contacts are masked.
    page.goto(f"/investment/leads/{lead.pk}/")
    expect(page.locator("[data-testid=contact]")).to_contain_text("刘**")
    expect(page.locator("[data-testid=contact]")).to_contain_text("139****1234")
    expect(page.locator("[data-testid=contact]")).not_to_contain_text("13907311234")
    # Its 到位资金 table exports as shown here: the evidence as 有, without a link.
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx-funding]")
    assert info.value.suggested_filename.startswith(f"{lead.name}到位资金")
    with open(info.value.path(), "rb") as download:  # saved without an extension
        sheet = openpyxl.load_workbook(download).active
    assert lead.code in sheet["A2"].value
    assert [c.value for c in sheet[4]][1:4] == [5200, "境内省外", "有"]
    assert [c.value for c in sheet[5]][:2] == ["合计", 5200]
    sign_out(page)

    # The owner sees the flag on the earlier lead, settles it; teams and lists render.
    sign_in(page, "invest")
    page.goto(f"/investment/leads/{lead.pk}/")
    flags = page.locator("#flags")
    expect(flags).to_contain_text("正极材料二期")
    flags.locator("input[name=note]").fill("已与孙招商协商，由第一小分队继续跟进")
    flags.locator("button").click()
    expect(page.locator("#flags")).to_contain_text("已处理")
    page.goto("/investment/teams/")
    expect(page.locator(f"#team-{inv.team.pk}")).to_contain_text("第一招商小分队")
    page.goto("/investment/")
    expect(page.locator("#leads")).to_contain_text("正极材料二期")
