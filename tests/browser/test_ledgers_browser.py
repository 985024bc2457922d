"""A ledger item from 待整改 to 已销号 by its pages: the fixing department starts, uploads
evidence and applies; it is refused the check; the supervising department fails the check (继续
挂账), the item is fixed again and passes. The city viewer reads and cannot act."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.ledgers.conftest import item_data, png
from zonedesk.ledgers import services
from zonedesk.ledgers.models import LedgerItem, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.click("button:has-text('退出')")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def item(world):
    import datetime as dt

    campaign = services.campaign_save(
        zone=world.zone, by=world.leader,
        data={"name": "2026年生态环境“5+2”专项行动", "theme": "生态环境", "source": "assigned",
              "lead_department": world.econ_dept, "start": dt.date(2026, 1, 15)},
    )  # fmt: skip
    return services.item_create(campaign=campaign, by=world.leader, data=item_data(world))


def test_an_item_from_pending_to_closed_through_a_failed_and_a_passed_check(world, item, page):
    sign_in(page, "econ")  # 经济发展部: the fixing department
    page.goto("/ledgers/")
    expect(page.locator("[data-testid=total-sentence]")).to_contain_text(
        "排查问题1个，整改0个，销号0个"
    )
    page.click("#campaigns a")
    page.click(f"#items a:has-text('{item.number}')")
    expect(page.locator("[data-testid=item-status]")).to_have_text("待整改")
    page.fill("#form-start textarea", "已安排苫盖")
    page.click("#form-start button")
    expect(page.locator("[data-testid=item-status]")).to_have_text("整改中")
    page.set_input_files(
        "#form-evidence input[type=file]",
        files=[{"name": "整改后照片.png", "mimeType": "image/png", "buffer": png().content}],
    )
    page.click("#form-evidence button")
    expect(page.locator("#evidence")).to_contain_text("整改后照片.png")
    page.fill("#form-apply textarea", "已全部苫盖")
    page.click("#form-apply button")
    expect(page.locator("[data-testid=item-status]")).to_have_text("申请销号")
    # The fixing department is offered no check, and a forged request is refused.
    expect(page.locator("#form-check")).to_have_count(0)
    expect(page.locator("[data-testid=check-refusal]")).to_contain_text("不能核查本部门整改的事项")
    status = page.evaluate(
        """async ([url, token]) => (await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token,
            'Content-Type': 'application/x-www-form-urlencoded'}, body: 'passed=1&version=4'})).status""",
        [
            f"/ledgers/items/{item.pk}/check/",
            page.locator("[name=csrfmiddlewaretoken]").first.input_value(),
        ],
    )
    assert status == 403
    screenshot(page, "ledgers-applied")
    sign_out(page)

    sign_in(page, "invest")  # 投资合作促进部: the supervising department
    page.goto(f"/ledgers/items/{item.pk}/")
    page.click("#form-check-start button")
    expect(page.locator("[data-testid=item-status]")).to_have_text("核查中")
    page.check("#form-check input[value='0']")
    page.fill("#form-check textarea", "东侧仍有物料未苫盖")
    page.click("#form-check button")
    expect(page.locator(".messages")).to_contain_text("继续挂账")
    expect(page.locator("[data-testid=item-status]")).to_have_text("整改中")
    expect(page.locator("[data-testid=last-failure]")).to_have_text("东侧仍有物料未苫盖")
    sign_out(page)

    sign_in(page, "econ")
    page.goto(f"/ledgers/items/{item.pk}/")
    page.fill("#form-apply textarea", "东侧已补充苫盖")
    page.click("#form-apply button")
    expect(page.locator("[data-testid=item-status]")).to_have_text("申请销号")
    sign_out(page)

    sign_in(page, "invest")
    page.goto(f"/ledgers/items/{item.pk}/")
    page.check("#form-check input[value='1']")
    page.fill("#form-check textarea", "现场核查，整改到位")
    page.click("#form-check button")
    expect(page.locator("[data-testid=item-status]")).to_have_text("已销号")
    timeline = page.locator("#timeline li")
    expect(timeline).to_have_count(8)
    expect(page.locator("#timeline")).to_contain_text("核查未通过（继续挂账）")
    screenshot(page, "ledgers-closed")
    assert LedgerItem.objects.get().status == Status.CLOSED
    page.goto("/ledgers/stats/")
    expect(page.locator("[data-testid=stats-sentence]")).to_contain_text(
        "排查问题1个，整改1个，销号1个"
    )


def test_city_reads_the_ledger_and_cannot_act(world, item, page):
    sign_in(page, "city")
    page.goto("/ledgers/")
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    sheet = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    assert [c.value for c in sheet[3]][:2] == ["专项行动", "领域"]
    assert sheet["A4"].value == item.campaign.name and sheet["G4"].value == 1
    expect(page.locator("a:has-text('新建专项行动')")).to_have_count(0)
    page.click("#campaigns a")
    expect(page.locator("a:has-text('登记问题')")).to_have_count(0)
    page.click(f"#items a:has-text('{item.number}')")
    expect(page.locator("#actions form")).to_have_count(0)
    response = page.goto(f"/ledgers/campaigns/{item.campaign_id}/items/new/")
    assert response.status == 403


def test_econ_registers_a_campaign_and_an_item_by_the_forms(world, page):
    sign_in(page, "econ")
    page.goto("/ledgers/")
    page.click("text=新建专项行动")
    page.fill("[name=name]", "餐饮油烟专项整治")
    page.fill("[name=theme]", "餐饮油烟")
    page.select_option("[name=source]", label="自查")
    page.select_option("[name=lead_department]", label="经济发展部")
    page.fill("[name=start]", "2026-03-01")
    page.click("#campaign-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("餐饮油烟专项整治")
    page.click(".page-head a:has-text('修改')")
    page.fill("[name=end]", "2026-12-31")
    page.click("#campaign-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已保存")

    page.click("text=登记问题")
    page.fill("[name=problem]", "晋保路商业街餐饮店油烟净化器未运行")
    page.fill("[name=place]", "晋保路商业街")
    page.fill("[name=category]", "餐饮油烟")
    page.select_option("[name=source]", label="自查")
    page.select_option("[name=responsible_department]", label="经济发展部")
    page.fill("[name=responsible_person]", "李四")
    page.select_option("[name=supervising_department]", label="经济发展部")  # refused: same unit
    page.fill("[name=measures]", "安装并定期清洗油烟净化设施")
    page.select_option("[name=deadline_class]", label="短期")
    page.fill("[name=found_on]", "2026-03-02")
    page.fill("[name=deadline]", "2026-04-30")
    page.click("#item-form button[type=submit]")
    expect(page.locator("#item-form")).to_contain_text("督办部门不能与责任部门相同")
    page.select_option("[name=supervising_department]", label="投资合作促进部")
    page.click("#item-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已登记整改事项")
    expect(page.locator("[data-testid=item-status]")).to_have_text("待整改")
    page.click(".page-head a:has-text('修改')")
    page.fill("[name=responsible_person]", "王五")
    page.click("#item-form button[type=submit]")
    expect(page.locator("#timeline")).to_contain_text("责任人：李四→王五")
    screenshot(page, "ledgers-item-registered")
    with page.expect_download() as info:
        page.goto("/ledgers/")
        page.click("#campaigns a")
        page.click("text=导出台账")
    assert info.value.suggested_filename.startswith("餐饮油烟专项整治问题整改台账")


def test_each_statistics_table_exports_with_the_period_on_screen(world, item, page):
    sign_in(page, "econ")
    page.goto("/ledgers/stats/")
    page.select_option("select[name=period]", value="2026")
    page.click("form.filters button")
    expect(page.locator("h1")).to_contain_text("2026年全年")
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx-campaigns]")
    assert info.value.suggested_filename.startswith("阳泉高新区整改统计（按专项行动）")
    sheet = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    assert "统计期间：2026年全年" in sheet["A2"].value
    assert list(sheet.iter_rows(min_row=4, values_only=True)) == [(item.campaign.name, 1, 0, 0, 0)]
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx-overdue]")
    sheet = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    assert [c.value for c in sheet[3]][:3] == ["编号", "专项行动", "问题"]
