"""要素保障问题: raising, the status flow with reopen keeping history, escalation on the lead's
confirmation only, days at each level, and the blocker warning rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.dispatch.conftest import raise_blocker
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch import selectors, services
from zonedesk.dispatch.models import Blocker, BlockerEvent, DispatchSettings, ProjectWarning
from zonedesk.projects.models import Milestone, Project

Status = Blocker.Status


def test_it_raises_a_blocker_with_the_projects_department_and_lead(world):
    b = raise_blocker(world.project, world.unit)
    assert (b.department, b.lead_official, b.status, b.level) == (
        world.econ_dept,
        world.leader,
        Status.OPEN,
        1,
    )
    assert b.zone == world.zone
    assert [e.kind for e in b.events.all()] == ["raise"]
    event = AuditEvent.objects.get(object_type="dispatch.blocker", object_id=str(b.pk))
    assert event.actor == world.unit and "用地" in event.note


def test_it_refuses_a_blocker_with_bad_fields_naming_each(world):
    with pytest.raises(ValidationError) as exc:
        services.blocker_raise(
            project=world.project,
            by=world.econ,
            data={
                "category": "land",
                "description": " ",
                "deadline": timezone.localdate() - dt.timedelta(days=1),
                "department": world.other_dept,
                "lead_official": world.econ,
            },
        )
    errors = exc.value.message_dict
    assert "责任部门必须属于项目所在开发区" in errors["department"][0]
    assert "不是本开发区的主要领导或分管领导" in errors["lead_official"][0]
    assert "不能早于今天" in errors["deadline"][0]
    assert "请填写问题描述" in errors["description"][0]
    assert not Blocker.objects.exists()


def test_resolve_needs_a_note_and_reopen_keeps_the_history(world):
    b = raise_blocker(world.project, world.econ)
    b = services.blocker_start(blocker=b, by=world.econ, expected_version=1)
    with pytest.raises(ValidationError, match="请填写解决情况"):
        services.blocker_resolve(blocker=b, by=world.econ, note=" ", expected_version=2)
    b = services.blocker_resolve(
        blocker=b, by=world.econ, note="已协调自然资源局调剂指标", expected_version=2
    )
    assert b.status == Status.RESOLVED and b.resolved_at is not None
    b = services.blocker_close(blocker=b, by=world.leader, expected_version=3)
    assert b.status == Status.CLOSED and b.closed_at is not None
    b = services.blocker_reopen(
        blocker=b, by=world.econ, reason="指标调剂被市局退回", expected_version=4
    )
    assert (b.status, b.resolution_note, b.resolved_at, b.closed_at) == (
        Status.OPEN,
        "",
        None,
        None,
    )
    kinds = list(b.events.values_list("kind", "note"))
    assert [k for k, _ in kinds] == ["raise", "progress", "resolve", "close", "reopen"]
    assert ("resolve", "已协调自然资源局调剂指标") in kinds


def test_a_stale_version_is_refused(world):
    b = raise_blocker(world.project, world.econ)
    services.blocker_start(blocker=b, by=world.econ, expected_version=1)
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.blocker_resolve(blocker=b, by=world.leader, note="好了", expected_version=1)


def test_closing_an_unresolved_blocker_needs_a_reason(world):
    b = raise_blocker(world.project, world.econ)
    with pytest.raises(ValidationError, match="须说明原因"):
        services.blocker_close(blocker=b, by=world.leader, expected_version=1)
    b = services.blocker_close(
        blocker=b, by=world.leader, expected_version=1, note="项目终止，问题不再存在"
    )
    assert b.status == Status.CLOSED and b.resolution_note == "项目终止，问题不再存在"


def test_only_an_overdue_blocker_escalates_and_only_one_rung(world):
    fresh = raise_blocker(world.project, world.econ)
    with pytest.raises(ValidationError, match="尚未逾期"):
        services.blocker_escalate(blocker=fresh, by=world.leader, expected_version=1)
    old = raise_blocker(world.project, world.econ, days_ago=20, deadline_in=10)
    assert old.is_overdue()
    # Nothing moves by itself: a day passing and a warnings refresh leave the level alone.
    services.warnings_refresh(zone=world.zone)
    old.refresh_from_db()
    assert old.level == 1
    new_deadline = timezone.localdate() + dt.timedelta(days=7)
    old = services.blocker_escalate(
        blocker=old,
        by=world.leader,
        expected_version=1,
        note="请分管领导协调",
        new_deadline=new_deadline,
    )
    assert (old.level, old.deadline) == (2, new_deadline)
    event = old.events.get(kind=BlockerEvent.Kind.ESCALATE)
    assert (event.from_level, event.to_level, event.by) == (1, 2, world.leader)
    assert "逾期10天" in event.note and "在部门层级历时20天" in event.note
    # Not overdue any more at its new deadline: no second escalation until that passes.
    with pytest.raises(ValidationError, match="尚未逾期"):
        services.blocker_escalate(blocker=old, by=world.leader, expected_version=2)


def test_days_at_each_level(world):
    b = raise_blocker(world.project, world.econ, days_ago=30, deadline_in=5)
    services.blocker_escalate(
        blocker=b, by=world.leader, expected_version=1, now=b.raised_at + dt.timedelta(days=12)
    )
    b.refresh_from_db()
    Blocker.objects.filter(pk=b.pk).update(
        deadline=timezone.localdate(b.raised_at) + dt.timedelta(days=15)
    )
    b.refresh_from_db()
    services.blocker_escalate(
        blocker=b, by=world.leader, expected_version=2, now=b.raised_at + dt.timedelta(days=20)
    )
    b.refresh_from_db()
    spans = selectors.level_spans(b, list(b.events.all()))
    now = b.raised_at + dt.timedelta(days=30)
    assert [(s.label, s.days(now)) for s in spans] == [
        ("部门", 12),
        ("分管领导", 8),
        ("主要领导", 10),
    ]
    b = services.blocker_resolve(
        blocker=b,
        by=world.leader,
        note="已解决",
        expected_version=3,
        now=b.raised_at + dt.timedelta(days=25),
    )
    spans = selectors.level_spans(b, list(b.events.all()))
    assert spans[-1].days(now) == 5  # the clock stopped when it was resolved


def test_a_city_level_blocker_does_not_escalate_further(world):
    b = raise_blocker(world.project, world.econ, days_ago=20, deadline_in=1)
    Blocker.objects.filter(pk=b.pk).update(level=4)
    b.refresh_from_db()
    with pytest.raises(ValidationError, match="已上报市级"):
        services.blocker_escalate(blocker=b, by=world.leader, expected_version=1)


def quiet(project):
    """No other rule fires: no annual plan to lag behind, milestones reached."""
    Project.objects.filter(pk=project.pk).update(annual_plan_investment=0)
    Milestone.objects.filter(project=project).update(actual_date=dt.date(2026, 3, 1))


def test_a_blocker_open_longer_than_the_zones_days_makes_the_project_amber(world):
    quiet(world.project)
    DispatchSettings.objects.create(zone=world.zone, blocker_days=15, red_rules=[])
    services.warnings_recompute([world.project.pk])
    assert ProjectWarning.objects.get(project=world.project).colour == "green"
    b = raise_blocker(world.project, world.econ, days_ago=16, deadline_in=30)
    w = ProjectWarning.objects.get(project=world.project)
    assert w.colour == "amber"
    assert any("用地问题" in t and "超过15天仍未解决" in t for t in w.reason_texts)
    services.blocker_resolve(blocker=b, by=world.econ, note="已落实", expected_version=1)
    w.refresh_from_db()
    assert w.colour == "green"
    change = world.project.warning_changes.first()
    assert change.to_colour == "green" and "解决" in change.trigger


def test_the_blocker_rule_can_be_red_and_honours_the_threshold(world):
    quiet(world.project)
    DispatchSettings.objects.create(zone=world.zone, blocker_days=40, red_rules=["blocker_open"])
    raise_blocker(world.project, world.econ, days_ago=30)
    assert ProjectWarning.objects.get(project=world.project).colour == "green"
    services.dispatch_settings_update(
        zone=world.zone, by=world.leader, data={"blocker_days": 20}, expected_version=1
    )
    assert ProjectWarning.objects.get(project=world.project).colour == "red"


def test_blocker_stats_for_the_weekly_report(world):
    now = timezone.now()
    a = raise_blocker(world.project, world.econ, days_ago=100, category="power")
    raise_blocker(world.project, world.econ, days_ago=45, category="power")
    c = raise_blocker(
        world.invest_project, world.invest, days_ago=2, deadline_in=-0, category="funds"
    )
    raise_blocker(world.other_project, world.other_staff, days_ago=1)
    services.blocker_resolve(blocker=c, by=world.invest, note="资金已拨付", expected_version=1)
    week_start = now - dt.timedelta(days=7)
    stats = selectors.blocker_stats(
        [world.zone.pk, world.park.pk], start=week_start, end=now + dt.timedelta(seconds=1), now=now
    )
    assert [b.pk for b in stats["opened"]] == [c.pk]
    assert [b.pk for b in stats["closed"]] == [c.pk]
    assert stats["open_count"] == 2
    assert stats["overdue_count"] == 2  # both power blockers are past their 10-day deadline
    assert stats["by_category"] == {"电力": {"0-30天": 0, "31-90天": 1, "90天以上": 1}}
    assert a in selectors.blocker_list(world.leader, selectors.BlockerFilters(overdue=True))
