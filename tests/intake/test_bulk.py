"""What makes large imports fast and still safe: a fixed number of queries to check a file
whatever its length, the stored plan written at commit when nothing moved, and a new plan when
anything in the zone did."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.intake.helpers import HEADER, snapshot, xlsx
from zonedesk.accounts.models import AuditEvent
from zonedesk.intake import services
from zonedesk.intake.bulk import fingerprint
from zonedesk.intake.models import ImportChange
from zonedesk.projects.models import Project
from zonedesk.zones.models import Department, Organisation

pytestmark = pytest.mark.django_db


def rows(n: int, start: int = 0) -> list[list[object]]:
    return [HEADER] + [
        [
            f"BK-{i:04d}",
            f"批量项目{i}",
            "产业",
            1000 + i,
            100,
            "经济发展部",
            "2026-03-01",
            "2027-06-30",
        ]
        for i in range(start, start + n)
    ]


def preview(world, data, user=None):
    return services.import_preview(
        kind="projects", by=user or world.leader, file_name="批量.xlsx", data=data
    )


def test_checking_a_file_takes_the_same_queries_for_3_rows_and_for_120(world):
    small, large = xlsx(rows(3)), xlsx(rows(120, start=100))
    with CaptureQueriesContext(connection) as few:
        preview(world, small)
    with CaptureQueriesContext(connection) as many:
        batch = preview(world, large)
    assert batch.error_count == 0 and batch.created_count == 120
    assert len(many) == len(few)


def test_committing_writes_in_bulk(world, django_assert_max_num_queries):
    batch = preview(world, xlsx(rows(120)))
    # Inserts go in batches (SQLite takes 999 parameters a statement, so 27 projects of 36
    # columns), never one statement or one audit row per project.
    with django_assert_max_num_queries(40):
        services.import_commit(batch=batch, by=world.leader)
    assert Project.objects.filter(code__startswith="BK-").count() == 120
    assert AuditEvent.objects.filter(object_type="projects.project", action="create").count() == 120
    assert ImportChange.objects.filter(batch=batch).count() == 120


def test_a_write_in_another_zone_leaves_the_stored_plan_valid(world, monkeypatch):
    batch = preview(world, xlsx(rows(5)))
    before = fingerprint(world.zone, world.leader)
    Organisation.objects.create(zone=world.other_zone, name="别处的新单位")
    assert fingerprint(world.zone, world.leader) == before

    def fail(*args, **kwargs):
        raise AssertionError("planned again")

    monkeypatch.setattr(services, "plan_import", fail)
    services.import_commit(batch=batch, by=world.leader)
    assert Project.objects.filter(code__startswith="BK-").count() == 5


@pytest.mark.parametrize(
    "change",
    [
        "department",
        "project_save",
        "project_update",
        "user_role",
        "audited_write",
    ],
)
def test_any_write_in_the_zone_makes_the_commit_plan_again(world, change, monkeypatch):
    batch = preview(world, xlsx(rows(5)))
    before = fingerprint(world.zone, world.leader)
    if change == "department":
        Department.objects.create(zone=world.zone, name="新部门")
    elif change == "project_save":
        world.project.content = "改了"
        world.project.save()
    elif change == "project_update":
        Project.objects.filter(pk=world.project.pk).update(version=9)
    elif change == "user_role":
        world.econ.role = "deputy"
        world.econ.save()
    else:
        AuditEvent.objects.create(zone=world.zone, action="update", note="某项修改")
    assert fingerprint(world.zone, world.leader) != before
    called = []
    original = services.plan_import

    def spy(*args, **kwargs):
        called.append(kwargs.get("lock"))
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "plan_import", spy)
    services.import_commit(batch=batch, by=world.leader)
    assert called == [True]
    assert Project.objects.filter(code__startswith="BK-").count() == 5


def test_a_stored_update_whose_record_moved_is_planned_again(world, monkeypatch):
    data = xlsx([HEADER, ["YQ-001", "智算中心项目", "产业", 60000, 100, "经济发展部", "", ""]])
    batch = preview(world, data)
    assert batch.updated_count == 1
    # A version bump that the fingerprint would catch; bypass it to exercise the lock check.
    monkeypatch.setattr(services, "fingerprint", lambda zone, user: batch.fingerprint)
    Project.objects.filter(pk=world.project.pk).update(version=7)
    services.import_commit(batch=batch, by=world.leader)
    world.project.refresh_from_db()
    assert world.project.version == 8 and world.project.total_investment == 60000


def test_a_refused_commit_drops_the_stored_plan_and_writes_nothing(world):
    data = xlsx([HEADER, ["YQ-001", "智算中心项目", "产业", 60000, 100, "经济发展部", "", ""]])
    batch = preview(world, data)
    assert batch.plan
    Department.objects.filter(pk=world.econ_dept.pk).update(name="经济发展局")
    world.econ_dept.refresh_from_db()
    before = snapshot()
    with pytest.raises(services.ImportRefused):
        services.import_commit(batch=batch, by=world.leader)
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.plan is None and batch.status == "preview"
    assert batch.problems[0]["reason"] == "本开发区没有名为“经济发展部”的部门。"


def test_a_new_project_without_a_department_is_reported_not_crashed(world):
    batch = preview(world, xlsx([HEADER, ["BK-9", "无部门项目", "产业", 100, 10, "", "", ""]]))
    assert [(p["row"], p["column"], p["reason"]) for p in batch.problems] == [
        (2, "责任部门", "请填写责任部门。")
    ]


def test_the_bulk_validation_gives_the_same_errors_as_the_single_one(world):
    from django.core.exceptions import ValidationError

    from zonedesk.projects.services import ProjectChecks, validate_project

    cases = [
        Project(zone=world.zone, code="N-1", name="无部门", category="industry", total_investment=1),
        Project(
            zone=world.zone, code="YQ-001", name="代码冲突", category="industry",
            total_investment=100, annual_plan_investment=200, department=world.econ_dept,
            industry_code="12", location_code="999999",
        ),
        Project(
            zone=world.zone, code="N-3", name="别区部门", category="industry", total_investment=1,
            department=world.other_dept, owner=world.other_org, stage="started",
        ),
    ]  # fmt: skip
    checks = ProjectChecks.for_zone(world.zone.pk)
    for project in cases:
        with pytest.raises(ValidationError) as single:
            validate_project(project)
        with pytest.raises(ValidationError) as bulk:
            validate_project(project, checked=checks)
        assert bulk.value.message_dict == single.value.message_dict
