"""The Gantt's plan table as .xlsx (挂图作战计划表): one row per project milestone, planned
(baseline) against actual with status, with the Gantt's filters; the same refusals as the page;
text never a formula; audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import login
from tests.exports import export_count, sheet_of
from zonedesk.accounts.models import AuditEvent
from zonedesk.projects.models import Milestone, Stage

FORMULA = '=HYPERLINK("x")'
PROJECT_HEADER = ["项目代码", "项目名称", "责任部门", "包保领导", "项目阶段", "计划开工",
                  "实际开工", "计划竣工", "实际竣工", "项目进度"]  # fmt: skip
MILESTONE_HEADER = ["节点序号", "节点名称", "节点基线日期", "节点计划日期", "较基线推迟天数",
                    "节点实际完成日期", "节点状态", "滞后天数"]  # fmt: skip


def _rows(sheet) -> tuple[list, list[dict]]:
    header = [c.value for c in sheet[3]]
    return header, [
        dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=4, values_only=True)
    ]


@pytest.fixture
def plan(week):
    """道路提升工程 (late) gets four milestones: on time, done late, late and open, not yet due."""
    today = timezone.localdate()

    def ms(order, name, planned, actual=None, baseline=None):
        return Milestone.objects.create(
            project=week.late_finish, name=name, order=order,
            planned_date=today + dt.timedelta(days=planned),
            baseline_date=today + dt.timedelta(days=planned if baseline is None else baseline),
            actual_date=None if actual is None else today + dt.timedelta(days=actual),
        )  # fmt: skip

    ms(1, "开工", -100, -100)
    ms(2, "主体封顶", -80, -70)
    ms(3, "竣工验收", -20)
    ms(4, "投产", 30, baseline=10)  # the unit moved it 20 days past its baseline
    return week


def test_the_plan_table_has_one_row_per_milestone_with_its_status(plan):
    w, today = plan.world, timezone.localdate()
    sheet = sheet_of(login(w.leader).get("/reports/gantt/", {"format": "xlsx"}))
    assert sheet["A1"].value == f"{w.zone.label}挂图作战计划表"
    assert sheet["A2"].value.startswith(f"筛选条件：开发区：{w.zone.label}；")
    header, rows = _rows(sheet)
    assert header == PROJECT_HEADER + MILESTONE_HEADER
    # Every project the filters select, each milestone on its own row; none: one row.
    assert sorted({r["项目代码"] for r in rows}) == ["YQ-001", "YQ-002", "YQ-003", "YQ-004"]
    assert len(rows) == 1 + 1 + 1 + 4
    road = {r["节点名称"]: r for r in rows if r["项目代码"] == "YQ-004"}
    assert list(road) == ["开工", "主体封顶", "竣工验收", "投产"]
    assert (road["开工"]["节点状态"], road["开工"]["滞后天数"]) == ("已完成", None)
    assert (road["主体封顶"]["节点状态"], road["主体封顶"]["滞后天数"]) == ("逾期完成", 10)
    assert (road["竣工验收"]["节点状态"], road["竣工验收"]["滞后天数"]) == ("逾期未完成", 20)
    assert road["投产"]["节点状态"] == "未到期"
    assert road["投产"]["节点计划日期"].date() == today + dt.timedelta(days=30)
    assert road["投产"]["节点基线日期"].date() == today + dt.timedelta(days=10)
    assert (road["投产"]["较基线推迟天数"], road["竣工验收"]["较基线推迟天数"]) == (20, 0)
    assert road["主体封顶"]["节点实际完成日期"].date() == today - dt.timedelta(days=70)
    first = road["开工"]
    assert (first["项目名称"], first["责任部门"], first["项目阶段"]) == (
        "道路提升工程",
        "经济发展部",
        "在建",
    )
    assert first["项目进度"] == "实际晚于计划"
    assert first["计划竣工"].date() == plan.late_finish.planned_completion
    assert first["实际竣工"] is None
    unstarted = next(r for r in rows if r["项目代码"] == "YQ-003")
    assert (unstarted["项目进度"], unstarted["节点名称"]) == ("逾期未开工", "（无节点）")
    led = next(r for r in rows if r["项目代码"] == "YQ-001")
    assert (led["包保领导"], led["节点名称"]) == (w.leader.name, w.milestone.name)
    assert sheet.freeze_panes == "A4"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert "挂图作战计划表（7行）" in event.note


def test_the_gantt_s_filters_narrow_the_file_and_are_named(plan):
    w = plan.world
    client = login(w.leader)
    dept = sheet_of(client.get("/reports/gantt/", {"department": w.econ_dept.pk, "format": "xlsx"}))
    assert "责任部门：经济发展部" in dept["A2"].value
    assert {r["项目代码"] for r in _rows(dept)[1]} == {"YQ-001", "YQ-004"}
    led = sheet_of(client.get("/reports/gantt/", {"lead": w.leader.pk, "format": "xlsx"}))
    assert f"包保领导：{w.leader.name}" in led["A2"].value
    assert [r["项目代码"] for r in _rows(led)[1]] == ["YQ-001"]
    only = sheet_of(client.get("/reports/gantt/", {"stage": "signed", "milestones": "0",
                                                 "format": "xlsx"}))  # fmt: skip
    assert f"项目阶段：{Stage.SIGNED.label}；只看项目" in only["A2"].value
    header, rows = _rows(only)
    assert header == PROJECT_HEADER and [r["项目代码"] for r in rows] == ["YQ-003"]
    projects = sheet_of(client.get("/reports/gantt/", {"milestones": "0", "format": "xlsx"}))
    assert len(_rows(projects)[1]) == 4  # one row per project
    assert export_count() == 4


def test_the_export_has_every_project_not_only_those_the_chart_draws(plan, monkeypatch):
    from zonedesk.reports import selectors

    monkeypatch.setattr(selectors, "GANTT_LIMIT", 2)
    client = login(plan.world.leader)
    assert client.get("/reports/gantt/").context["data"]["shown"] == 2
    rows = _rows(sheet_of(client.get("/reports/gantt/", {"format": "xlsx"})))[1]
    assert len({r["项目代码"] for r in rows}) == 4


def test_a_project_named_like_a_formula_stays_text(plan):
    w = plan.world
    w.project.name = FORMULA
    w.project.save(update_fields=["name"])
    sheet = sheet_of(login(w.viewer).get("/reports/gantt/", {"format": "xlsx"}))
    cells = [row[1] for row in sheet.iter_rows(min_row=4) if row[1].value == FORMULA]
    assert len(cells) == 1 and cells[0].data_type == "s"


@pytest.mark.parametrize("who", ["unit", "other_unit", "auditor", "admin"])
def test_who_may_not_see_the_gantt_may_not_export_it(plan, who):
    response = login(getattr(plan.world, who)).get("/reports/gantt/", {"format": "xlsx"})
    assert response.status_code == 403 and export_count() == 0


def test_another_zone_s_gantt_is_refused(plan):
    w = plan.world
    response = login(w.other_staff).get("/reports/gantt/", {"zone": w.zone.pk, "format": "xlsx"})
    assert response.status_code == 403 and export_count() == 0


def test_the_gantt_page_offers_the_export_in_its_filter_form(plan):
    page = login(plan.world.leader).get("/reports/gantt/").content.decode()
    assert 'name="format" value="xlsx" data-testid="export-xlsx"' in page


def test_the_map_marks_a_milestone_moved_past_its_baseline(plan):
    tasks = login(plan.world.leader).get("/reports/gantt/").context["data"]["tasks"]
    moved = next(t for t in tasks if t["name"].startswith("◆ 投产"))
    base = timezone.localdate() + dt.timedelta(days=10)
    assert moved["name"] == f"◆ 投产（基线{base.month}月{base.day}日，推迟20天）"
    assert moved["custom_class"] == "zd-ms-open-slipped"
    kept = next(t for t in tasks if t["name"] == "◆ 竣工验收")
    assert kept["custom_class"] == "zd-ms-late"
    # frappe-gantt adds custom_class with classList.add: one token, never a space.
    assert all(" " not in t["custom_class"] for t in tasks)
