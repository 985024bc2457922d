"""基线日期: a milestone keeps the date first planned; moving the plan needs a reason and is
counted; only the 主要领导 or the 调度办 re-set the baseline; the warning names the slip."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import login
from zonedesk import access
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch.models import MeetingSchedule, ProjectWarning
from zonedesk.projects import services
from zonedesk.projects.models import Category, Milestone, MilestoneTemplate

MARCH_1, APRIL_15 = dt.date(2026, 3, 1), dt.date(2026, 4, 15)


def _move(world, by, day, reason="", version=None):
    m = Milestone.objects.get(pk=world.milestone.pk)
    return services.milestone_update(
        milestone=m,
        by=by,
        data={"planned_date": day},
        expected_version=m.version if version is None else version,
        reason=reason,
    )


def test_a_new_milestone_takes_its_plan_as_baseline(world):
    m = services.milestone_create(
        project=world.project, by=world.econ, data={"name": "施工许可", "planned_date": APRIL_15}
    )
    assert (m.baseline_date, m.plan_changes, m.plan_change_text) == (APRIL_15, 0, "")
    assert world.milestone.baseline_date == MARCH_1  # Milestone.save fills it too


def test_moving_the_plan_needs_a_reason_and_keeps_the_baseline(world):
    with pytest.raises(ValidationError) as exc:
        _move(world, world.unit, APRIL_15, reason="  ")
    assert exc.value.message_dict["plan_change_reason"] == [
        "修改计划完成日期须填写调整原因（原计划2026-03-01，基线2026-03-01）。"
    ]
    assert Milestone.objects.get(pk=world.milestone.pk).planned_date == MARCH_1  # nothing written

    m = _move(world, world.unit, APRIL_15, reason="施工许可延后")
    assert (m.planned_date, m.baseline_date, m.plan_changes) == (APRIL_15, MARCH_1, 1)
    assert (m.slip_days, m.plan_change_text) == (45, "较基线推迟45天，调整1次")
    event = (
        AuditEvent.objects.filter(object_id=str(m.pk), object_type="projects.milestone")
        .order_by("pk")
        .last()
    )
    assert event.note == "调整计划（基线2026-03-01，基线后第1次）：施工许可延后"
    assert event.changes[0]["new"] == "2026-04-15" and event.actor == world.unit

    # Brought back before the baseline: still a change, counted, with its own reason.
    m = _move(world, world.unit, dt.date(2026, 2, 20), reason="提前进场")
    assert (m.plan_changes, m.plan_change_text) == (2, "较基线提前9天，调整2次")
    # Other fields need no reason and leave the count alone.
    m = services.milestone_update(
        milestone=m, by=world.unit, data={"note": "已办"}, expected_version=m.version
    )
    assert m.plan_changes == 2


def test_replanning_from_the_template_keeps_each_steps_baseline(world):
    template = MilestoneTemplate.objects.get(category=Category.INDUSTRY, zone__isnull=True)
    project = world.project
    project.milestones.all().delete()
    project.planned_production = dt.date(2027, 6, 30)
    project.save()
    first = {
        m.name: m
        for m in services.milestones_plan(project=project, template=template, by=world.econ)
    }
    assert all(m.baseline_date == m.planned_date and m.plan_changes == 0 for m in first.values())
    services.milestones_plan(
        project=project, template=template, by=world.econ, target=dt.date(2027, 9, 30)
    )
    for m in project.milestones.all():
        assert m.baseline_date == first[m.name].baseline_date
        assert m.planned_date == first[m.name].planned_date + dt.timedelta(days=92)
        assert m.plan_changes == 1
    note = AuditEvent.objects.filter(object_type="projects.project").order_by("pk").last().note
    assert note.endswith(f"其中{len(first)}个节点计划与基线不同（基线保留）")


def test_only_the_leader_and_the_meeting_office_rebaseline(world):
    MeetingSchedule.objects.create(zone=world.zone, office_department=world.invest_dept)
    assert access.can_rebaseline(world.leader, world.project)
    assert access.can_rebaseline(world.invest, world.project)  # the 调度办
    for user in (
        world.unit,
        world.econ,
        world.deputy,
        world.viewer,
        world.admin,
        world.other_staff,
    ):
        assert not access.can_rebaseline(user, world.project), user
    assert not access.can_rebaseline(world.leader, world.other_project)


def test_rebaselining_takes_the_plan_as_baseline_and_restarts_the_count(world):
    _move(world, world.unit, APRIL_15, reason="延后")
    done = services.milestone_create(
        project=world.project, by=world.econ, data={"name": "土地摘牌", "planned_date": MARCH_1}
    )
    services.milestone_update(
        milestone=done, by=world.econ, expected_version=1, reason="早摘牌",
        data={"planned_date": dt.date(2026, 2, 1), "actual_date": dt.date(2026, 2, 1)},
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.milestones_rebaseline(project=world.project, by=world.leader, reason=" ")
    assert exc.value.message_dict["reason"] == ["重定基线须写明依据，如调度会议纪要文号。"]

    assert (
        services.milestones_rebaseline(
            project=world.project, by=world.leader, reason="第3期大调度纪要"
        )
        == 1
    )
    m = Milestone.objects.get(pk=world.milestone.pk)
    assert (m.baseline_date, m.plan_changes, m.plan_change_text) == (APRIL_15, 0, "")
    done.refresh_from_db()  # a reached milestone keeps the baseline it was measured against
    assert (done.baseline_date, done.plan_changes) == (MARCH_1, 1)
    event = (
        AuditEvent.objects.filter(object_id=str(m.pk), object_type="projects.milestone")
        .order_by("pk")
        .last()
    )
    assert event.note == "重定基线：第3期大调度纪要" and event.actor == world.leader
    assert event.changes == [
        {"field": "baseline_date", "label": "基线日期", "old": "2026-03-01", "new": "2026-04-15"}
    ]
    with pytest.raises(ValidationError) as exc:  # nothing left to re-set
        services.milestones_rebaseline(project=world.project, by=world.leader, reason="再来")
    assert exc.value.messages == ["各未完成节点的计划均与基线一致，无需重定基线。"]


def test_the_warning_names_the_slip_until_the_baseline_is_reset(world, settings):
    future = dt.date.today() + dt.timedelta(days=60)
    world.milestone.planned_date = world.milestone.baseline_date = future
    world.milestone.save()
    _move(world, world.unit, future + dt.timedelta(days=30), reason="设备到货延迟")
    warning = ProjectWarning.objects.get(project=world.project)
    slipped = [r for r in warning.reasons if r["rule"] == "milestone_slipped"]
    assert slipped and "推迟30天" in slipped[0]["text"], warning.reasons
    services.milestones_rebaseline(project=world.project, by=world.leader, reason="纪要")
    warning.refresh_from_db()
    assert not [r for r in warning.reasons if r["rule"] == "milestone_slipped"]


def test_the_page_shows_the_baseline_and_lets_the_leader_rebaseline(world):
    _move(world, world.unit, APRIL_15, reason="延后")
    url = f"/projects/{world.project.pk}/"
    page = login(world.unit).get(url).content.decode()
    assert "较基线推迟45天，调整1次" in page and 'data-testid="slipped-note"' in page
    assert f"projects/{world.project.pk}/rebaseline/" not in page  # not the unit's to do
    assert login(world.unit).post(f"{url}rebaseline/", {"reason": "x"}).status_code == 403
    leader = login(world.leader)
    assert f"/projects/{world.project.pk}/rebaseline/" in leader.get(url).content.decode()
    assert f"/projects/{world.invest_project.pk}/rebaseline/" not in (
        leader.get(f"/projects/{world.invest_project.pk}/").content.decode()
    )  # nothing moved there: nothing to re-set
    response = leader.post(f"{url}rebaseline/", {"reason": ""}, follow=True)
    assert "重定基线须写明依据" in response.content.decode()
    response = leader.post(f"{url}rebaseline/", {"reason": "第3期大调度纪要"}, follow=True)
    assert "已以当前计划重定1个节点的基线。" in response.content.decode()
    assert Milestone.objects.get(pk=world.milestone.pk).baseline_date == APRIL_15


def test_the_inline_edit_asks_for_a_reason_when_the_date_moves(world):
    m = world.milestone
    client = login(world.unit)
    form = {f"m{m.pk}-name": "开工", f"m{m.pk}-planned_date": "2026-04-15", f"m{m.pk}-version": 1}
    page = client.post(f"/projects/milestones/{m.pk}/edit/", form, HTTP_HX_REQUEST="true")
    assert "调整原因：修改计划完成日期须填写调整原因" in page.content.decode()
    form[f"m{m.pk}-plan_change_reason"] = "规划许可延后"
    row = client.post(f"/projects/milestones/{m.pk}/edit/", form, HTTP_HX_REQUEST="true")
    assert "较基线推迟45天，调整1次" in row.content.decode()
