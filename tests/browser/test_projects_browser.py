"""Click through the key-project register as 经济发展部's clerk and as a project unit."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from zonedesk.accounts.models import AuditEvent
from zonedesk.projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_econ_registers_a_project_moves_it_and_sees_its_history(world, page):
    sign_in(page, "econ")
    expect(page.locator("h1")).to_have_text("重点项目库")
    expect(page.locator("#results tbody tr")).to_have_count(2)

    # Filtering swaps the results in place (HTMX) and keeps the filter in the address.
    page.select_option("select[name=department]", label="投资合作促进部")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("储能电池项目")
    expect(page).to_have_url(re.compile(r"department="))
    page.select_option("select[name=department]", label="全部部门")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    screenshot(page, "project-list")

    # Register a project, with money typed the way people type it.
    page.click("text=登记项目")
    page.fill("#id_name", "钙基新材料产业园")
    page.select_option("#id_category", label="产业")
    page.fill("#id_total_investment", "1.5亿")
    page.fill("#id_annual_plan_investment", "3,000万元")
    page.select_option("#id_department", label="经济发展部")
    page.fill("#id_planned_start", "2026-12-01")
    page.fill("#id_planned_completion", "2027-01-01")
    page.fill("#id_planned_production", "2026-11-01")
    page.click("button:has-text('保存')")
    # The production date before completion is refused, naming the field; nothing is saved.
    expect(page.locator(".has-error")).to_contain_text(
        "计划投产（2026-11-01）不能早于计划竣工（2027-01-01）。"
    )
    assert not Project.objects.filter(name="钙基新材料产业园").exists()
    page.fill("#id_planned_production", "2027-03-01")
    page.click("button:has-text('保存')")
    expect(page.locator("h1")).to_contain_text("钙基新材料产业园")
    expect(page.locator("[data-testid=total]")).to_contain_text("15,000.00 万元（1.50 亿元）")
    expect(page.locator("#milestones tbody tr")).to_have_count(8)

    # Two stage changes: 谋划 → 签约 (needs the signing date) → 新开工 (needs the start date).
    page.select_option("#stage-form select[name=stage]", label="签约")
    page.click("#stage-form button")
    expect(page.locator("#stage-form .error")).to_contain_text("进入“签约”阶段须先填写签约日期。")
    page.select_option("#stage-form select[name=stage]", label="签约")
    page.fill("#stage-form input[name=date]", "2026-10-20")
    page.click("#stage-form button")
    expect(page.locator("[data-testid=stage]")).to_have_text("签约")
    page.select_option("#stage-form select[name=stage]", label="新开工")
    page.fill("#stage-form input[name=date]", "2026-11-02")
    page.click("#stage-form button")
    expect(page.locator("[data-testid=stage]")).to_have_text("新开工")

    # Edit a milestone inline.
    first = page.locator("#milestones tbody tr").first
    first.locator("text=编辑").click()
    page.locator("#milestones input[name$=actual_date]").fill("2026-11-10")
    page.click("text=保存节点")
    expect(page.locator("#milestones tbody tr").first).to_contain_text("2026-11-10")

    # The history shows both stage changes and the milestone edit, with old and new values.
    page.reload()
    history = page.locator("#history")
    expect(history).to_contain_text("阶段变更")
    expect(history).to_contain_text("谋划")
    expect(history.locator("tr", has_text="节点“立项备案”")).to_contain_text("2026-11-10")
    screenshot(page, "project-detail")
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx-milestones]")
    assert info.value.suggested_filename.startswith("钙基新材料产业园节点计划")
    sheet = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    assert [c.value for c in sheet[3]][:8] == [
        "序号", "节点", "基线日期", "计划完成日期", "较基线推迟天数", "基线后调整次数",
        "实际完成日期", "状态",
    ]  # fmt: skip
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 8 and rows[0][1] == "立项备案"
    assert rows[0][6] == dt.datetime(2026, 11, 10) and rows[0][7] in ("已完成", "逾期完成")
    project = Project.objects.get(name="钙基新材料产业园")
    assert project.stage == "started" and str(project.actual_start) == "2026-11-02"


def test_a_unit_cannot_open_another_units_project(world, page):
    sign_in(page, "unit")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("智算中心项目")
    response = page.goto(f"/projects/{world.invest_project.pk}/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("无权访问")
    assert AuditEvent.objects.filter(action="denied", actor=world.unit).exists()


def test_login_page_refuses_a_wrong_password(world, page):
    page.goto("/login/")
    page.fill("input[name=username]", "econ")
    page.fill("input[name=password]", "Wrong@password1")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_contain_text("用户名或密码不正确")
    screenshot(page, "login")


def test_a_unit_moves_a_milestone_with_a_reason_and_the_leader_rebaselines(world, page):
    """The unit may move its plan but must say why; the slip stays visible until the 主要领导
    re-sets the baseline on a meeting's decision."""
    sign_in(page, "unit")
    page.goto(f"/projects/{world.project.pk}/")
    row = page.locator(f"#milestone-{world.milestone.pk}")
    row.locator("text=编辑").click()
    page.locator("#milestones input[name$=planned_date]").fill("2026-04-15")
    page.click("text=保存节点")
    expect(row.locator(".error")).to_contain_text("修改计划完成日期须填写调整原因")
    page.locator("#milestones input[name$=plan_change_reason]").fill("规划许可延后")
    page.click("text=保存节点")
    expect(row.locator("[data-testid=plan-change]")).to_have_text("较基线推迟45天，调整1次")
    page.reload()
    expect(page.locator("[data-testid=slipped-note]")).to_contain_text(
        "1个未完成节点的计划较基线推迟"
    )
    expect(page.locator("details.rebaseline")).to_have_count(0)  # not the unit's to re-set
    screenshot(page, "milestone-baseline")

    page.context.clear_cookies()
    sign_in(page, "leader")
    page.goto(f"/projects/{world.project.pk}/")
    page.click("details.rebaseline summary")
    page.fill("details.rebaseline input[name=reason]", "第3期大调度会议纪要")
    page.click("details.rebaseline button")
    expect(page.locator("body")).to_contain_text("已以当前计划重定1个节点的基线。")
    expect(page.locator("[data-testid=slipped-note]")).to_have_count(0)
    expect(page.locator(f"#milestone-{world.milestone.pk}")).to_contain_text("2026-04-15")
    history = page.locator("#history")
    expect(history).to_contain_text("重定基线：第3期大调度会议纪要")


def test_a_unit_attaches_a_permit_to_a_milestone(world, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, "unit")
    page.goto(f"/projects/{world.project.pk}/")
    box = page.locator(f"[data-testid=evidence-{world.milestone.pk}]")
    box.locator("summary").click()
    box.locator("input[type=file]").set_input_files(
        [{"name": "施工许可证.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"},
         {"name": "说明.txt", "mimeType": "text/plain", "buffer": b"hello"}]
    )  # fmt: skip
    box.locator("button:has-text('上传')").click()
    # The text file is refused by name and nothing is saved; then the permit alone goes in.
    expect(page.locator("body")).to_contain_text("印证资料“说明.txt”的格式不被接受")
    box = page.locator(f"[data-testid=evidence-{world.milestone.pk}]")
    box.locator("summary").click()
    box.locator("input[type=file]").set_input_files(
        [{"name": "施工许可证.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}]
    )
    box.locator("button:has-text('上传')").click()
    expect(page.locator("body")).to_contain_text("已为节点“开工”上传1份印证资料。")
    box = page.locator(f"[data-testid=evidence-{world.milestone.pk}]")
    expect(box.locator("summary")).to_have_text("1份")
    box.locator("summary").click()
    with page.expect_download() as info:
        box.locator("a:has-text('施工许可证.pdf')").click()
    assert info.value.suggested_filename == "施工许可证.pdf"
    assert info.value.path().read_bytes() == b"%PDF-1.7\n%%EOF\n"
    expect(page.locator("#history")).to_contain_text("上传印证资料：施工许可证.pdf")
