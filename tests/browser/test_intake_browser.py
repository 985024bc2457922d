"""Import a messy ledger as 经济发展部's clerk: see the problems, fix the sheet, commit, undo."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.intake.helpers import HEADER, xlsx
from zonedesk.projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ledger(total: str, start: str) -> bytes:
    return xlsx(
        [
            ["填报单位：经济发展部", None, None, "金额单位：万元"],
            [*HEADER, "备注"],
            [
                "YQ-001",
                "智算中心项目",
                "产业",
                "6亿",
                "1.2亿",
                "经济发展部",
                "2025.3.1",
                "2026/12/31",
                "",
            ],
            [
                "YQ-101",
                "钙基新材料产业园",
                "产业",
                total,
                "3,000万元",
                "经济发展部",
                start,
                "2027-06-30",
                "新签约",
            ],
            ["合计", None, None, "9亿"],
        ],
        title="2026年重点项目台账",
    )


def upload(page, data: bytes, name: str) -> None:
    page.goto("/intake/")
    page.select_option("select[name=kind]", label="重点项目")
    page.set_input_files(
        "input[name=file]", files=[{"name": name, "mimeType": XLSX, "buffer": data}]
    )
    page.click("button:has-text('上传并检查')")


def test_econ_imports_a_messy_ledger_fixes_it_commits_and_undoes(world, page):
    sign_in(page, "econ")
    upload(page, ledger("约3亿", "2026.13.1"), "台账（初稿）.xlsx")
    expect(page.locator("[data-testid=errors]")).to_have_text("2")
    problems = page.locator("#problems tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("第5行")
    expect(problems.nth(0)).to_contain_text("总投资（万元）")
    expect(problems.nth(0)).to_contain_text("金额须为确数，不能含“约”：“约3亿”")
    expect(problems.nth(1)).to_contain_text("日期不合法：2025年13月".replace("2025", "2026"))
    expect(page.locator("#notes")).to_contain_text("以下列不属于本表，已忽略：备注。")
    expect(page.locator("#notes")).to_contain_text("第6行为合计行，已跳过。")
    expect(page.locator("#commit")).to_have_count(0)
    screenshot(page, "intake-preview-errors")
    # The clerk downloads the problem list to fix the sheet against it.
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    assert info.value.suggested_filename.startswith("台账（初稿） 问题清单")
    with open(info.value.path(), "rb") as download:  # saved without an extension
        sheet = openpyxl.load_workbook(download).active
    assert [c.value for c in sheet[3]] == ["行号", "列", "单元格内容", "问题"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [r[:3] for r in rows] == [[5, "总投资（万元）", "约3亿"], [5, "计划开工", "2026.13.1"]]
    assert "金额须为确数" in rows[0][3] and "日期不合法" in rows[1][3]
    assert not Project.objects.filter(code="YQ-101").exists()

    upload(page, ledger("3亿", "2026.3.1"), "台账（修改后）.xlsx")
    expect(page.locator("[data-testid=errors]")).to_have_text("0")
    expect(page.locator("[data-testid=created]")).to_have_text("1")
    expect(page.locator("[data-testid=updated]")).to_have_text("1")
    screenshot(page, "intake-preview-clean")
    page.click("#commit")
    expect(page.locator(".messages")).to_contain_text("导入完成：新增1条，更新1条，未变化0条。")
    expect(page.locator("[data-testid=status]")).to_have_text("已导入")
    expect(page.locator("#changes tbody tr")).to_have_count(2)
    assert Project.objects.get(code="YQ-101").total_investment == 30000
    assert Project.objects.get(code="YQ-001").total_investment == 60000

    # The project's history shows the import.
    page.goto(f"/projects/{world.project.pk}/")
    expect(page.locator("body")).to_contain_text("Excel导入")

    page.goto("/intake/log/")
    page.click("text=台账（修改后）.xlsx")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#undo")
    expect(page.locator(".messages")).to_contain_text("已撤销本次导入")
    expect(page.locator("[data-testid=status]")).to_have_text("已撤销")
    screenshot(page, "intake-undone")
    assert Project.objects.get(code="YQ-001").total_investment == 50000
    assert Project.objects.get(code="YQ-101").archived_at is not None


def test_the_project_list_exports_what_is_on_screen(world, page):
    sign_in(page, "econ")
    page.goto("/projects/")
    page.select_option("select[name=department]", label="投资合作促进部")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#export-link")).to_have_attribute(
        "href", re.compile(rf"^/projects/export/\?.*department={world.invest_dept.pk}")
    )
    with page.expect_download() as info:
        page.click("#export-link")
    assert info.value.suggested_filename.startswith("重点项目库-")
