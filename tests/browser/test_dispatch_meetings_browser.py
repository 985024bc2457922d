"""Click through 要素保障 (raise on the project page, the lead confirms escalation, the
department resolves) and a dispatch meeting (agenda from the data, add and drop, minutes, a
decision numbered as 督办, the department's feedback, the office's confirmation)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.dispatch.conftest import past_meeting, raise_blocker
from zonedesk.dispatch.models import AgendaItem, Blocker, SupervisionItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.click("button:has-text('退出')")
    page.wait_for_load_state("networkidle")


def test_a_blocker_is_raised_escalated_and_resolved(world, page):
    sign_in(page, "econ")
    page.goto(f"/projects/{world.project.pk}/")
    page.click("#project-blockers summary")
    form = page.locator("#blocker-form")
    form.locator("select[name=category]").select_option(label="电力")
    form.locator("textarea[name=description]").fill("临时用电容量不足，需新建箱变一台")
    deadline = timezone.localdate() + dt.timedelta(days=10)
    form.locator("input[name=deadline]").fill(deadline.isoformat())
    form.locator("button").click()
    expect(page.locator("[data-testid=blocker-status]")).to_have_text("待解决")
    expect(page.locator("[data-testid=blocker-level]")).to_have_text("部门")
    blocker = Blocker.objects.get()
    # Ten days later the deadline has passed: nothing moves until the lead confirms.
    Blocker.objects.filter(pk=blocker.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=3)
    )
    page.reload()
    expect(page.locator("#escalation")).to_contain_text("等待牵头领导王主任确认")
    sign_out(page)

    sign_in(page, "leader")
    page.goto("/dispatch/blockers/")
    expect(page.locator(f"tr[data-blocker='{blocker.pk}']")).to_have_class("overdue")
    screenshot(page, "dispatch-blockers")
    page.click(f"tr[data-blocker='{blocker.pk}'] td:nth-child(3) a")
    page.fill("#escalate-form input[name=note]", "请分管领导协调供电公司")
    page.click("#escalate-form button")
    expect(page.locator(".messages")).to_contain_text("已确认升级")
    expect(page.locator("[data-testid=blocker-level]")).to_have_text("分管领导")
    expect(page.locator("#blocker-events")).to_contain_text("部门 → 分管领导")
    screenshot(page, "dispatch-blocker")
    sign_out(page)

    sign_in(page, "econ")
    page.goto(f"/dispatch/blockers/{blocker.pk}/")
    page.fill("#resolve-form textarea[name=note]", "供电公司已完成箱变安装并送电")
    page.click("#resolve-form button")
    expect(page.locator("[data-testid=blocker-status]")).to_have_text("已解决")
    expect(page.locator("#escalation .rung")).to_have_count(2)


def test_a_meeting_from_agenda_to_a_confirmed_supervision_item(world, page):
    late = raise_blocker(world.project, world.econ, days_ago=20, deadline_in=5)
    meeting = past_meeting(world.zone, days_ago=0, chair=world.deputy)

    sign_in(page, "deputy")
    page.goto("/dispatch/meetings/")
    expect(page.locator(f"tr[data-meeting='{meeting.pk}']")).to_be_visible()
    page.click(f"tr[data-meeting='{meeting.pk}'] a")
    page.click("#build-agenda")
    item = page.locator(f".agenda-item[data-key='blocker:{late.pk}']")
    expect(item).to_contain_text("已超过解决时限")
    page.fill("#agenda-add input[name=title]", "冬季施工安全部署")
    page.click("#agenda-add button")
    manual = page.locator(".agenda-item", has_text="冬季施工安全部署")
    manual.locator("button:has-text('撤下')").click()
    expect(page.locator(".agenda-item", has_text="冬季施工安全部署")).to_have_count(0)
    item = page.locator(f".agenda-item[data-key='blocker:{late.pk}']")
    item.locator("textarea[name^=discussion]").fill("自然资源局本周内完成指标调剂")
    page.fill("textarea[name=attendees]", "李副主任、赵经发、钱投促")
    page.click("#record")
    expect(page.locator("[data-testid=meeting-status]")).to_have_text("已召开")
    item = page.locator(f".agenda-item[data-key='blocker:{late.pk}']")
    item.locator("summary:has-text('形成督办事项')").click()
    item.locator("textarea[name=content]").fill("三个工作日内完成用地指标调剂")
    item.locator("select[name=department]").select_option(label="经济发展部")
    item.locator("input[name=deadline]").fill(
        (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    )
    item.locator("button:has-text('下达督办')").click()
    number = f"调度〔{meeting.date.year}〕1号-1"
    expect(page.locator(".messages")).to_contain_text(number)
    expect(page.locator("#agenda")).to_contain_text(number)
    screenshot(page, "dispatch-meeting")
    # The meeting's own export: its agenda with the 督办 decided on each item.
    meeting.refresh_from_db()  # numbered when the minutes were recorded
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    assert info.value.suggested_filename.startswith(f"{meeting.title}议程及督办")
    with open(info.value.path(), "rb") as download:
        sheet = openpyxl.load_workbook(download).active
    assert [c.value for c in sheet[3]] == [
        "序号", "议程事项", "理由", "类别", "讨论情况", "督办编号", "督办内容", "承办部门",
        "办结时限", "状态",
    ]  # fmt: skip
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    decided = [r for r in rows if r[5] == number]
    blocker_item = AgendaItem.objects.get(meeting=meeting, key=f"blocker:{late.pk}")
    assert decided == [
        [decided[0][0], blocker_item.title, blocker_item.reason, "要素保障问题（红）",
         "自然资源局本周内完成指标调剂", number, "三个工作日内完成用地指标调剂", "经济发展部",
         decided[0][8], "办理中"],
    ]  # fmt: skip
    assert "冬季施工安全部署" not in [r[1] for r in rows]  # dropped: not on the agenda
    assert len(rows) == AgendaItem.objects.filter(meeting=meeting, dropped=False).count()
    # The meetings list exports what it shows: the meeting held, with its number and 督办.
    page.goto("/dispatch/meetings/")
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    assert info.value.suggested_filename.startswith("阳泉高新区调度会")
    with open(info.value.path(), "rb") as download:  # saved without an extension
        sheet = openpyxl.load_workbook(download).active
    assert [c.value for c in sheet[3]][:4] == ["会议日期", "原定日期", "会议", "会议编号"]
    held = [
        [c.value for c in row]
        for row in sheet.iter_rows(min_row=4)
        if row[3].value == f"调度〔{meeting.date.year}〕1号"
    ]
    assert held == [[held[0][0], None, "小调度会", f"调度〔{meeting.date.year}〕1号", "李副主任", held[0][5], 1, "已召开"]]  # fmt: skip
    # the manual item was dropped: only the items still on the agenda are counted
    assert held[0][5] == AgendaItem.objects.filter(meeting=meeting, dropped=False).count()
    sign_out(page)

    sign_in(page, "econ")
    page.goto("/dispatch/supervision/?mine=on")
    page.click(f"#supervision a:has-text('{number}')")
    page.fill("#feedback-form textarea[name=text]", "已完成调剂，批复已下达")
    page.check("#feedback-form input[name=request_completion]")
    page.click("#feedback-form button")
    expect(page.locator("[data-testid=supervision-status]")).to_have_text("已报办结")
    sign_out(page)

    sign_in(page, "leader")
    page.goto(f"/dispatch/supervision/{SupervisionItem.objects.get().pk}/")
    page.click("#confirm-form button")
    expect(page.locator("[data-testid=supervision-status]")).to_have_text("已办结")
    expect(page.locator("#feedback")).to_contain_text("确认办结")
    screenshot(page, "dispatch-supervision")
