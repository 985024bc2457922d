"""对标情报 in the browser: 经济发展部's clerk reads a peer zone's .docx report, saves three of its
figures for that zone and one as a suggested change to a project; the project's unit accepts it;
the comparison table shows the peer beside our zone, each figure with its source."""

from __future__ import annotations

import re
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.peers.conftest import REPORT, docx_bytes
from zonedesk.peers.models import Figure, SuggestedChange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def save_row(page, index: int, *, zone: str | None = None, measure: str | None = None) -> None:
    form = page.get_by_test_id(f"fact-form-{index}")
    if zone:
        form.locator("select[name=zone]").select_option(label=zone)
    if measure:
        form.locator("input[name=measure]").fill(measure)
    form.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存")


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state("networkidle")


def test_peer_report_to_comparison(page, world):
    sign_in(page, "econ")
    page.get_by_role("link", name="对标情报").click()
    page.get_by_role("link", name="对标区域").click()
    page.fill("#peer-form input[name=name]", "长治高新区")
    page.get_by_role("button", name="新增").click()
    expect(page.locator(".messages")).to_contain_text("已新增对标区域“长治高新区”")

    page.get_by_role("link", name="读取文档").click()
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "长治高新区2025年工作报告.docx",
                "mimeType": DOCX,
                "buffer": docx_bytes(REPORT),
            }
        ],
    )
    page.fill("input[name=published_on]", "2026-01-20")
    page.get_by_role("button", name="读取").click()
    expect(page.locator("h1")).to_have_text("长治高新区2025年工作报告.docx")
    expect(page.locator(".doc-text mark")).to_have_count(6)
    expect(page.locator("mark#at-35")).to_have_text("312.5亿元")

    save_row(page, 0, zone="长治高新区")
    save_row(page, 2, zone="长治高新区")
    save_row(page, 3, zone="长治高新区", measure="新签约项目总投资")
    form = page.get_by_test_id("fact-form-4")
    form.locator("select[name=action]").select_option(label="建议修改项目")
    form.locator("select[name=project]").select_option(label="YQ-001 智算中心项目")
    form.locator("select[name=field]").select_option(label="总投资（万元）")
    form.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已向“智算中心项目”提出修改建议")
    screenshot(page, "peers-document")
    # The 数据 table exports as read, marking the facts saved as figures.
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    assert info.value.suggested_filename.startswith("长治高新区2025年工作报告.docx数据")
    with open(info.value.path(), "rb") as download:  # saved without an extension
        sheet = openpyxl.load_workbook(download).active
    assert [c.value for c in sheet[4]][2:6] == ["312.5亿元", "否", 3125000, "万元"]
    assert [r[9] for r in sheet.iter_rows(min_row=4, values_only=True)] == [
        "是", "否", "是", "是", "否", "否",
    ]  # fmt: skip

    # Our own zone's figures, from a pasted briefing.
    page.get_by_role("link", name="读取文档").click()
    page.fill(
        "textarea[name=text]", "2025年，阳泉高新区规上工业总产值完成210亿元，新签约项目35个。"
    )
    page.get_by_role("button", name="读取").click()
    save_row(page, 0)
    save_row(page, 1)
    assert Figure.objects.filter(peer__name="长治高新区").count() == 3
    assert Figure.objects.filter(peer__isnull=True).count() == 2
    sign_out(page)

    sign_in(page, "unit")
    page.get_by_role("link", name="修改建议").click()
    row = page.locator("#suggestions tbody tr").first
    expect(row).to_contain_text("智算中心项目")
    expect(row).to_contain_text("68000")
    row.get_by_role("button", name="采纳", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        "已采纳：“智算中心项目”的总投资（万元）已改为 68000"
    )
    world.project.refresh_from_db()
    assert world.project.total_investment == Decimal("68000")
    assert SuggestedChange.objects.get().status == "accepted"
    # The list of accepted suggestions exports with its status.
    page.get_by_role("link", name="已采纳").click()
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    assert info.value.suggested_filename.startswith("修改建议")
    with open(info.value.path(), "rb") as download:  # saved without an extension
        sheet = openpyxl.load_workbook(download).active
    assert sheet["A2"].value.startswith("筛选条件：状态：已采纳；")
    assert [c.value for c in sheet[4]][2:6] == ["智算中心项目", "总投资（万元）", 50000, 68000]
    assert sheet["K4"].value == "已采纳"
    page.goto(f"/projects/{world.project.pk}/")
    expect(page.locator("body")).to_contain_text("68,000")
    sign_out(page)

    sign_in(page, "econ")
    page.goto("/peers/compare/")
    page.get_by_label("阳泉高新区").check()
    page.get_by_label("长治高新区").check()
    page.get_by_label("规上工业总产值").check()
    page.get_by_label("新签约项目", exact=True).check()
    page.select_option("select[name=year]", label="2025年")
    page.get_by_role("button", name="对比").click()
    table = page.locator("#compare-table")
    expect(table.locator("thead")).to_contain_text("阳泉高新区")
    expect(table.locator("thead")).to_contain_text("长治高新区")
    output = table.get_by_role("row", name=re.compile("^规上工业总产值"))
    expect(output).to_contain_text("2,100,000")
    expect(output).to_contain_text("3,125,000")
    expect(output).to_contain_text("长治高新区2025年工作报告.docx（2026-01-20）")
    expect(table.get_by_role("row", name=re.compile("^新签约项目 "))).to_contain_text("41")
    expect(page.locator("#compare-chart svg").first).to_be_visible()
    screenshot(page, "peers-compare")
    with page.expect_download() as download:
        page.get_by_test_id("compare-xlsx").click()
    assert download.value.suggested_filename.startswith("对标表2025年")
