"""The register's rules, at the service layer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zonedesk.accounts.models import AuditEvent
from zonedesk.projects import services
from zonedesk.projects.models import Category, Milestone, MilestoneTemplate, Project, Stage


def base_data(w, **extra):
    data = {
        "name": "钙基新材料项目",
        "category": Category.INDUSTRY,
        "total_investment": Decimal("23000"),
        "annual_plan_investment": Decimal("8000"),
        "department": w.econ_dept,
        "implementing_unit": w.kaichuang,
        "planned_start": dt.date(2026, 4, 1),
        "planned_completion": dt.date(2027, 6, 30),
    }
    data.update(extra)
    return data


def test_it_creates_a_project_with_a_code_and_an_audit_row(world):
    project = services.project_create(by=world.econ, zone=world.zone, data=base_data(world))
    assert project.code.startswith("ZD-")
    event = AuditEvent.objects.get(object_type="projects.project", object_id=str(project.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == world.econ


def test_it_plans_milestones_backwards_from_the_target_date(world):
    template = MilestoneTemplate.objects.get(category=Category.INDUSTRY, zone__isnull=True)
    data = base_data(world, planned_production=dt.date(2027, 9, 30))
    project = services.project_create(by=world.econ, zone=world.zone, data=data, template=template)
    milestones = list(project.milestones.order_by("order"))
    steps = list(template.steps.order_by("order"))
    assert [m.name for m in milestones] == [s.name for s in steps]
    for m, s in zip(milestones, steps, strict=True):
        assert m.planned_date == dt.date(2027, 9, 30) - dt.timedelta(days=s.days_before_target)
    assert milestones[-1].name == "投产" and milestones[-1].planned_date == dt.date(2027, 9, 30)


def test_replanning_keeps_reached_milestones(world):
    template = MilestoneTemplate.objects.get(category=Category.INDUSTRY, zone__isnull=True)
    project = world.project
    project.planned_production = dt.date(2027, 6, 30)
    project.save()
    services.milestones_plan(project=project, template=template, by=world.econ)
    first = project.milestones.order_by("order").first()
    first.actual_date = dt.date(2025, 1, 1)
    first.save()
    services.milestones_plan(
        project=project, template=template, by=world.econ, target=dt.date(2028, 6, 30)
    )
    names = list(project.milestones.values_list("name", flat=True))
    assert names.count(first.name) == 1
    assert project.milestones.get(name=first.name).actual_date == dt.date(2025, 1, 1)


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"planned_completion": dt.date(2026, 1, 1)},
            "planned_completion",
            "计划竣工（2026-01-01）不能早于计划开工（2026-04-01）。",
        ),
        ({"stage": Stage.STARTED}, "actual_start", "进入“新开工”阶段须先填写实际开工。"),
        ({"stage": Stage.SUSPENDED}, "stage_note", "项目停缓建须填写原因。"),
        ({"in_statistics": True}, "statistics_date", "已入库项目须填写入库日期。"),
        (
            {"annual_plan_investment": Decimal("30000")},
            "annual_plan_investment",
            "年度计划投资不能大于总投资。",
        ),
        (
            {"industry_code": "38A1"},
            "industry_code",
            "行业代码应为4位数字的国民经济行业分类小类代码，如 3841。",
        ),
        (
            {"location_code": "14030"},
            "location_code",
            "行政区划代码应为6位数字（或12位统计用区划代码）。",
        ),
    ],
)
def test_it_refuses_bad_records_with_a_chinese_message_naming_the_field(
    world, extra, field, message
):
    with pytest.raises(ValidationError) as exc:
        services.project_create(by=world.econ, zone=world.zone, data=base_data(world, **extra))
    assert message in exc.value.message_dict[field]
    assert not Project.objects.filter(name="钙基新材料项目").exists()


def test_dates_must_follow_sign_start_complete_produce(world):
    data = base_data(
        world,
        signed_date=dt.date(2025, 5, 1),
        actual_start=dt.date(2025, 4, 1),
        stage=Stage.STARTED,
    )
    with pytest.raises(ValidationError) as exc:
        services.project_create(by=world.econ, zone=world.zone, data=data)
    assert exc.value.message_dict["actual_start"] == [
        "实际开工（2025-04-01）不能早于签约日期（2025-05-01）。"
    ]


def test_units_and_departments_must_belong_to_the_zone(world):
    data = base_data(world, department=world.other_dept, implementing_unit=world.other_org)
    with pytest.raises(ValidationError) as exc:
        services.project_create(by=world.econ, zone=world.zone, data=data)
    assert "责任部门必须属于本开发区。" in exc.value.message_dict["department"]
    assert "实施单位必须是本开发区登记的单位。" in exc.value.message_dict["implementing_unit"]


def test_an_update_records_each_fields_old_and_new_value(world):
    p = world.project
    services.project_update(
        project=p,
        by=world.econ,
        expected_version=p.version,
        data={"total_investment": Decimal("52000.5"), "content": "新增算力"},
    )
    event = AuditEvent.objects.filter(object_id=str(p.pk), action=AuditEvent.Action.UPDATE).get()
    changes = {c["field"]: (c["old"], c["new"]) for c in event.changes}
    assert changes == {
        "total_investment": ("50,000.00", "52,000.50"),
        "content": ("（空）", "新增算力"),
    }
    assert event.actor_name == "赵经发"


def test_a_second_save_on_a_stale_version_is_refused_and_shows_what_changed(world):
    p = world.project
    opened = p.version
    services.project_update(
        project=p,
        by=world.leader,
        expected_version=opened,
        data={"total_investment": Decimal("60000")},
    )
    with pytest.raises(services.EditConflict) as exc:
        services.project_update(
            project=p, by=world.econ, expected_version=opened, data={"content": "我的修改"}
        )
    message = exc.value.messages[0]
    assert "已被他人修改，本次保存未生效" in message
    assert "王主任" in message and "“总投资（万元）”由“50,000.00”改为“60,000.00”" in message
    p.refresh_from_db()
    assert p.content == "" and p.total_investment == Decimal("60000")


def test_a_save_without_changes_does_not_bump_the_version(world):
    p = world.project
    services.project_update(
        project=p, by=world.econ, expected_version=p.version, data={"name": p.name}
    )
    p.refresh_from_db()
    assert p.version == 1


def test_a_stage_change_needs_its_date_and_keeps_history(world):
    p = world.project
    with pytest.raises(ValidationError) as exc:
        services.project_change_stage(
            project=p, by=world.econ, stage=Stage.COMPLETED, expected_version=p.version
        )
    assert exc.value.message_dict["actual_completion"] == ["进入“竣工”阶段须先填写实际竣工。"]
    services.project_change_stage(
        project=p,
        by=world.econ,
        stage=Stage.COMPLETED,
        date=dt.date(2026, 10, 1),
        expected_version=p.version,
    )
    p.refresh_from_db()
    assert p.stage == Stage.COMPLETED and p.actual_completion == dt.date(2026, 10, 1)
    event = AuditEvent.objects.get(object_id=str(p.pk), action=AuditEvent.Action.STAGE)
    assert {"field": "stage", "label": "项目阶段", "old": "在建", "new": "竣工"} in event.changes


def test_archive_keeps_the_record_and_blocks_edits_until_restored(world):
    p = world.project
    with pytest.raises(ValidationError):
        services.project_archive(project=p, by=world.econ, reason=" ")
    services.project_archive(project=p, by=world.econ, reason="重复录入")
    p.refresh_from_db()
    assert p.is_archived
    with pytest.raises(ValidationError, match="已归档的项目不能修改"):
        services.project_update(
            project=p, by=world.econ, expected_version=p.version, data={"content": "x"}
        )
    services.project_restore(project=p, by=world.econ)
    p.refresh_from_db()
    assert not p.is_archived


def test_milestone_updates_are_versioned_and_show_on_the_project(world):
    m = world.milestone
    services.milestone_update(
        milestone=m, by=world.unit, expected_version=1, data={"actual_date": dt.date(2026, 3, 5)}
    )
    with pytest.raises(services.EditConflict):
        services.milestone_update(
            milestone=m, by=world.econ, expected_version=1, data={"note": "x"}
        )
    event = AuditEvent.objects.get(object_type="projects.milestone", object_id=str(m.pk))
    assert event.root_type == "projects.project" and event.root_id == str(world.project.pk)
    assert event.changes == [
        {"field": "actual_date", "label": "实际完成日期", "old": "（空）", "new": "2026-03-05"}
    ]


def test_a_milestone_cannot_be_reached_in_the_future(world):
    with pytest.raises(ValidationError) as exc:
        services.milestone_update(
            milestone=world.milestone,
            by=world.econ,
            expected_version=1,
            data={"actual_date": dt.date(2099, 1, 1)},
        )
    assert exc.value.message_dict["actual_date"] == ["实际完成日期不能晚于今天。"]
    assert Milestone.objects.get(pk=world.milestone.pk).actual_date is None


def test_audit_rows_cannot_be_changed_or_deleted(world):
    event = AuditEvent.objects.create(action=AuditEvent.Action.LOGIN, actor_name="x")
    event.note = "改写"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
