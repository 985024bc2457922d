"""Preview, commit and undo of the key-project sheet, end to end through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.intake.helpers import HEADER, csv_bytes, snapshot, xlsx
from zonedesk.accounts.audit import history_for
from zonedesk.accounts.models import AuditEvent
from zonedesk.intake import services
from zonedesk.intake.models import ImportBatch, ImportChange
from zonedesk.projects.models import Project

pytestmark = pytest.mark.django_db

GOOD = [
    HEADER,
    ["YQ-001", "智算中心项目", "产业", "6亿", "1.2亿", "经济发展部", "2025.3.1", "2026/12/31"],
    [
        "YQ-101",
        "钙基新材料产业园",
        "产业",
        "3,000万元",
        "一千二百万",
        "经济发展部",
        "2026年3月",
        "2027-06-30",
    ],
]


def preview(world, rows, user=None, **kw):
    data = rows if isinstance(rows, bytes) else xlsx(rows, **kw)
    return services.import_preview(
        kind="projects", by=user or world.leader, file_name="台账.xlsx", data=data
    )


def test_it_previews_without_writing_and_counts_creates_and_updates(world):
    before = snapshot()
    batch = preview(world, GOOD, title="2026年重点项目台账")
    assert batch.status == ImportBatch.Status.PREVIEW
    assert (batch.created_count, batch.updated_count, batch.unchanged_count, batch.error_count) == (
        1,
        1,
        0,
        0,
    )
    assert batch.problems == []
    assert snapshot() == before


def test_it_commits_in_one_go_and_records_history_and_version(world):
    batch = preview(world, GOOD)
    services.import_commit(batch=batch, by=world.leader)
    project = Project.objects.get(pk=world.project.pk)
    assert project.total_investment == Decimal("60000.00")
    assert project.annual_plan_investment == Decimal("12000.00")
    assert project.version == 2
    created = Project.objects.get(code="YQ-101")
    assert created.total_investment == Decimal("3000.00")
    assert created.planned_start == dt.date(2026, 3, 1)
    assert created.department == world.econ_dept
    event = history_for(project).first()
    assert event.action == AuditEvent.Action.UPDATE
    assert {
        "field": "total_investment",
        "label": "总投资（万元）",
        "old": "50,000.00",
        "new": "60,000.00",
    } in event.changes
    assert "Excel导入" in event.note
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert batch.changes.count() == 2


def test_the_same_file_twice_changes_nothing_the_second_time(world):
    data = xlsx(GOOD)
    services.import_commit(batch=preview(world, data), by=world.leader)
    before = snapshot()
    second = preview(world, data)
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 2)
    assert services.previous_import(second) is not None
    services.import_commit(batch=second, by=world.leader)
    after = snapshot()
    assert after["projects"] == before["projects"]
    assert after["audit"] == before["audit"]


def test_undo_restores_updated_projects_and_archives_created_ones(world):
    batch = services.import_commit(batch=preview(world, GOOD), by=world.leader)
    services.import_undo(batch=batch, by=world.leader)
    project = Project.objects.get(pk=world.project.pk)
    assert project.total_investment == Decimal("50000")
    assert project.version == 3  # import + undo, both in the history
    created = Project.objects.get(code="YQ-101")
    assert created.archived_at is not None
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE and batch.undone_by == world.leader
    with pytest.raises(ValidationError):
        services.import_undo(batch=batch, by=world.leader)


def test_undo_is_refused_when_a_record_was_edited_after_the_import(world):
    from zonedesk.projects.services import project_update

    batch = services.import_commit(batch=preview(world, GOOD), by=world.leader)
    project = Project.objects.get(pk=world.project.pk)
    project_update(
        project=project,
        by=world.econ,
        data={"content": "后来的修改"},
        expected_version=project.version,
    )
    with pytest.raises(ValidationError) as exc:
        services.import_undo(batch=batch, by=world.leader)
    assert "智算中心项目" in exc.value.messages[0] and "导入后又被修改过" in exc.value.messages[0]
    assert Project.objects.get(pk=world.project.pk).content == "后来的修改"


def test_commit_rechecks_and_refuses_when_the_database_moved_on(world):
    batch = preview(world, GOOD)
    world.project.archived_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    world.project.save()
    before = snapshot()
    with pytest.raises(services.ImportRefused):
        services.import_commit(batch=batch, by=world.leader)
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW
    assert batch.problems[0]["reason"].startswith("项目“智算中心项目”（YQ-001）已归档")


def test_a_department_clerk_creates_only_for_their_department_and_edits_only_its_projects(world):
    rows = [
        HEADER,
        ["YQ-002", "储能电池项目", "产业", "9亿", "", "投资合作促进部", "", ""],
        ["YQ-201", "新项目甲", "产业", "1亿", "", "投资合作促进部", "", ""],
        ["YQ-202", "新项目乙", "产业", "1亿", "", "", "", ""],
    ]
    batch = preview(world, rows, user=world.econ)
    reasons = [(p["row"], p["reason"]) for p in batch.problems]
    assert reasons == [
        (2, "无权修改项目“储能电池项目”（责任部门：投资合作促进部）。"),
        (3, "部门人员只能登记本部门（经济发展部）的项目。"),
    ]
    assert batch.created_count == 1


def test_a_unit_updates_figures_of_its_own_projects_only(world):
    rows = [
        HEADER[:4] + ["责任部门"],
        ["YQ-001", "智算中心项目", "产业", "7亿", "投资合作促进部"],
        ["YQ-002", "储能电池项目", "产业", "1亿", "投资合作促进部"],
        ["YQ-301", "单位新项目", "产业", "1亿", ""],
    ]
    batch = preview(world, rows, user=world.unit)
    reasons = [(p["row"], p["reason"]) for p in batch.problems]
    assert reasons == [
        (2, "项目单位填报员不能修改责任部门。"),
        (3, "无权修改项目“储能电池项目”（责任部门：投资合作促进部）。"),
        (4, "您的角色不能新增项目，只能更新本单位已有项目的数据（请填写项目代码）。"),
    ]


def test_csv_in_gbk_is_detected(world):
    batch = preview(world, csv_bytes(GOOD, "gbk"))
    assert (batch.created_count, batch.updated_count, batch.error_count) == (1, 1, 0)


def test_rows_without_a_code_get_one_and_match_by_name_next_time(world):
    rows = [HEADER, ["", "无代码项目", "产业", "1亿", "", "经济发展部", "", ""]]
    services.import_commit(batch=preview(world, rows), by=world.leader)
    project = Project.objects.get(name="无代码项目")
    assert project.code.startswith("ZD-")
    again = preview(world, rows)
    assert (again.created_count, again.unchanged_count) == (0, 1)


def test_import_changes_keep_the_previous_values(world):
    batch = services.import_commit(batch=preview(world, GOOD), by=world.leader)
    change = ImportChange.objects.get(batch=batch, action="update")
    assert change.before == {"total_investment": "50000.00"}
    assert change.after == {"total_investment": "60000.00"}
