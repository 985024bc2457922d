"""The project page's 节点计划（倒排工期） export: the milestones the page lists, with the state
and days behind by the Gantt's rules, refused to whoever may not read the project, audited."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.conftest import login
from tests.exports import export_count, sheet_of
from zonedesk.accounts.models import AuditEvent
from zonedesk.projects.models import Milestone, MilestoneEvidence

FORMULA = '=HYPERLINK("x")'
HEADER = ["序号", "节点", "基线日期", "计划完成日期", "较基线推迟天数", "基线后调整次数",
          "实际完成日期", "状态", "滞后天数", "责任单位", "备注", "印证资料（份）"]  # fmt: skip


def _day(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day)


def _plan(world):
    """One milestone in each state, next to the fixture's 开工 (2026-03-01, open)."""
    today = timezone.localdate()
    p = world.project
    m = world.milestone
    m.planned_date = m.baseline_date = today - dt.timedelta(days=30)
    m.actual_date = None
    m.save()  # 逾期未完成, 30 days behind
    land = Milestone.objects.create(project=p, name="土地摘牌", order=2, responsible_unit=world.kaichuang,
                                    planned_date=today - dt.timedelta(days=20),
                                    actual_date=today - dt.timedelta(days=25))  # fmt: skip
    for name, removed in (("成交确认书.pdf", None), ("撤下的.pdf", timezone.now())):
        MilestoneEvidence.objects.create(milestone=land, file="x.pdf", original_name=name,
                                         content_type="application/pdf", size=1,
                                         uploaded_by=world.unit, removed_at=removed)  # fmt: skip
    Milestone.objects.create(project=p, name="施工许可", order=3, note=FORMULA,
                             planned_date=today - dt.timedelta(days=10),
                             actual_date=today - dt.timedelta(days=4))  # fmt: skip
    Milestone.objects.create(project=p, name="竣工验收", order=4,  # moved a month past its baseline
                             planned_date=today + dt.timedelta(days=60),
                             baseline_date=today + dt.timedelta(days=30), plan_changes=2)  # fmt: skip
    Milestone.objects.create(project=world.invest_project, name="别的项目", order=1,
                             planned_date=today)  # fmt: skip
    return today


def test_the_milestone_plan_exports_as_on_the_page(world):
    today = _plan(world)
    url = f"/projects/{world.project.pk}/"
    page = login(world.econ).get(url).content.decode()
    assert 'data-testid="export-xlsx-milestones"' in page
    response = login(world.unit).get(url, {"format": "xlsx", "table": "milestones"})
    sheet = sheet_of(response)
    assert sheet["A1"].value == "智算中心项目节点计划"
    assert f"项目：YQ-001 智算中心项目；状态与滞后天数截至{today:%Y-%m-%d}" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == HEADER
    rows = [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)]
    d = lambda n: _day(today + dt.timedelta(days=n))  # noqa: E731
    assert rows == [
        [1, "开工", d(-30), d(-30), 0, 0, None, "逾期未完成", 30, None, None, 0],
        [2, "土地摘牌", d(-20), d(-20), 0, 0, d(-25), "已完成", None, "开创集团", None, 1],
        [3, "施工许可", d(-10), d(-10), 0, 0, d(-4), "逾期完成", 6, None, FORMULA, 0],
        [4, "竣工验收", d(30), d(60), 30, 2, None, "未到期", None, None, None, 0],
    ]
    assert [r[1] for r in rows] == [m.name for m in world.project.milestones.all()]
    note = next(c for c in sheet[6] if c.value == FORMULA)
    assert note.data_type == "s"
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref
    assert export_count() == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert "智算中心项目节点计划（4行）" in event.note and event.actor_id == world.unit.pk
    # Another project: its own plan only; without table= the plan is the default.
    other = sheet_of(login(world.econ).get(f"/projects/{world.invest_project.pk}/",
                                         {"format": "xlsx"}))  # fmt: skip
    assert [r[1] for r in other.iter_rows(min_row=4, values_only=True)] == ["别的项目"]
    assert "YQ-002" in other["A2"].value


def test_who_may_not_read_the_project_may_not_export_its_plan(world):
    _plan(world)
    url = f"/projects/{world.project.pk}/"
    for user in (world.other_unit, world.other_staff, world.admin, world.auditor):
        assert login(user).get(url).status_code == 403, user
        assert login(user).get(url, {"format": "xlsx"}).status_code == 403, user
    assert export_count() == 0
    assert login(world.econ).get(url, {"format": "xlsx", "table": "nope"}).status_code == 404
    assert login(world.econ).get("/projects/999999/", {"format": "xlsx"}).status_code == 404
    assert export_count() == 0


def test_an_archived_project_still_exports_its_plan(world):
    _plan(world)
    world.project.archived_at = timezone.now()
    world.project.save()
    sheet = sheet_of(login(world.leader).get(f"/projects/{world.project.pk}/", {"format": "xlsx"}))
    assert len(list(sheet.iter_rows(min_row=4))) == 4
