"""The progress-report sheet (进度填报表): dispatch's rules on every row, across periods in the
file and in the database; scope; submitted status; undo; the stored plan and re-planning."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.intake.helpers import snapshot, xlsx
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch.models import ProgressReport, ProjectWarning, ReportingPeriod
from zonedesk.intake import services
from zonedesk.intake.export import template_xlsx
from zonedesk.intake.models import ImportBatch, ImportChange
from zonedesk.intake.sheets import get_spec

pytestmark = pytest.mark.django_db

HEADER = [
    "项目代码",
    "项目名称",
    "填报期次",
    "本期完成投资（万元）",
    "本年累计完成投资（万元）",
    "自开工累计完成投资（万元）",
    "形象进度",
    "完成百分比",
    "存在问题",
    "下期计划",
]


def month(zone, year: int, number: int, *, open_: bool = False) -> ReportingPeriod:
    start = dt.date(year, number, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    deadline = (
        timezone.now() + dt.timedelta(days=5)
        if open_
        else dt.datetime.combine(end, dt.time(17), tzinfo=timezone.get_current_timezone())
    )
    return ReportingPeriod.objects.create(
        zone=zone, kind="monthly", start=start, end=end, deadline=deadline
    )


@pytest.fixture
def periods(world):
    today = timezone.localdate()
    closed = [month(world.zone, 2026, m) for m in (1, 2, 3)]
    current = ReportingPeriod.objects.create(
        zone=world.zone,
        kind="monthly",
        start=today.replace(day=1),
        end=today,
        deadline=timezone.now() + dt.timedelta(days=5),
    )
    return closed, current


def row(code, name, period, p, y, t, image="主体施工", percent=50):
    return [code, name, period, p, y, t, image, percent, "", "继续施工"]


def preview(world, rows, user=None):
    return services.import_preview(
        kind="progress", by=user or world.leader, file_name="进度.xlsx", data=xlsx(rows)
    )


def reasons(batch):
    return [(p["row"], p["column"], p["reason"]) for p in batch.problems]


def test_a_leader_imports_several_periods_as_submitted_reports(world, periods):
    batch = preview(
        world,
        [
            HEADER,
            row("YQ-001", "智算中心项目", "2026年1月", 1000, 1000, 21000),
            row("YQ-001", "智算中心项目", "2026年2月", 800, 1800, 21800),
            row("", "储能电池项目", "2026-03-15", 500, 500, 3000),
        ],
    )
    assert batch.problems == []
    assert (batch.created_count, batch.updated_count, batch.error_count) == (3, 0, 0)
    assert ProgressReport.objects.count() == 0
    services.import_commit(batch=batch, by=world.leader)
    reports = list(ProgressReport.objects.order_by("period__start", "project_id"))
    assert [(r.project.code, r.period.label, r.invested_total, r.status) for r in reports] == [
        ("YQ-001", "2026年1月", Decimal("21000.00"), "submitted"),
        ("YQ-001", "2026年2月", Decimal("21800.00"), "submitted"),
        ("YQ-002", "2026年3月", Decimal("3000.00"), "submitted"),
    ]
    assert all(r.submitted_by == world.leader and r.created_by == world.leader for r in reports)
    events = AuditEvent.objects.filter(object_type="dispatch.progressreport")
    assert events.count() == 3
    first = events.get(object_id=str(reports[0].pk))
    assert first.actor == world.leader and first.zone == world.zone
    assert "Excel导入（批次#" in first.note and "第2行）报送进度" in first.note
    assert {"label": "自开工累计完成投资（万元）", "new": "21,000.00"}.items() <= {
        k: v for c in first.changes for k, v in c.items() if c["field"] == "invested_total"
    }.items()
    assert ImportChange.objects.filter(batch=batch, model="dispatch.progressreport").count() == 3
    assert ProjectWarning.objects.filter(project=world.project).exists()


def test_cumulative_figures_never_decrease_within_the_file(world, periods):
    batch = preview(
        world,
        [
            HEADER,
            row("YQ-001", "智算中心项目", "2026年1月", 1000, 1000, 21000),
            row("YQ-001", "智算中心项目", "2026年2月", 500, 900, 20900),
        ],
    )
    assert reasons(batch) == [
        (
            2,
            "自开工累计完成投资（万元）",
            "项目“智算中心项目”：自开工累计完成投资（21,000.00万元）不能大于之后2026年2月已报的20,900.00万元，累计数只增不减。",
        ),
        (
            2,
            "本年累计完成投资（万元）",
            "项目“智算中心项目”：本年累计完成投资（1,000.00万元）不能大于之后2026年2月已报的900.00万元，累计数只增不减。",
        ),
        (
            3,
            "自开工累计完成投资（万元）",
            "项目“智算中心项目”：自开工累计完成投资（20,900.00万元）不能小于2026年1月已报的21,000.00万元，累计数只增不减。",
        ),
        (
            3,
            "本年累计完成投资（万元）",
            "项目“智算中心项目”：本年累计完成投资（900.00万元）不能小于2026年1月已报的1,000.00万元，累计数只增不减。",
        ),
    ]
    with pytest.raises(services.ImportRefused):
        services.import_commit(batch=batch, by=world.leader)
    assert ProgressReport.objects.count() == 0


def test_figures_are_checked_against_reports_in_the_database_and_the_total(world, periods):
    closed, _ = periods
    ProgressReport.objects.create(
        period=closed[1],
        project=world.project,
        status="approved",
        invested_period=Decimal(100),
        invested_year=Decimal(2000),
        invested_total=Decimal(30000),
        percent_complete=Decimal(40),
        created_by=world.unit,
    )
    batch = preview(
        world,
        [
            HEADER,
            row("YQ-001", "智算中心项目", "2026年3月", 100, 2100, 29000),
            row("YQ-002", "储能电池项目", "2026年3月", 100, 100, 60000),
            row("YQ-002", "储能电池项目", "2026年1月", 300, 50, 40),
        ],
    )
    assert reasons(batch) == [
        (
            2,
            "自开工累计完成投资（万元）",
            "项目“智算中心项目”：自开工累计完成投资（29,000.00万元）不能小于2026年2月已报的30,000.00万元，累计数只增不减。",
        ),
        (
            3,
            "自开工累计完成投资（万元）",
            "项目“储能电池项目”：自开工累计完成投资（60,000.00万元）超过项目总投资（50,000.00万元）；"
            "如总投资已正式调整，请先由责任部门在项目库中修改总投资（修改留痕）后再报。",
        ),
        (
            4,
            "本年累计完成投资（万元）",
            "项目“储能电池项目”：本年累计完成投资（50.00万元）不能大于自开工累计完成投资（40.00万元）。",
        ),
        (
            4,
            "本期完成投资（万元）",
            "项目“储能电池项目”：本期完成投资（300.00万元）不能大于自开工累计完成投资（40.00万元）。",
        ),
        (
            4,
            "本期完成投资（万元）",
            "项目“储能电池项目”：本期完成投资（300.00万元）不能大于本年累计完成投资（50.00万元）。",
        ),
    ]


def test_a_unit_imports_only_its_own_projects_for_open_periods(world, periods):
    _, current = periods
    batch = preview(
        world,
        [
            HEADER,
            row("YQ-001", "智算中心项目", "2026年1月", 100, 100, 100),
            row("YQ-002", "储能电池项目", current.label, 100, 100, 100),
            row("YQ-001", "智算中心项目", current.label, 100, 100, 100),
        ],
        user=world.unit,
    )
    assert reasons(batch) == [
        (
            2,
            "项目代码",
            "项目“智算中心项目”：2026年1月的填报已于2026年1月31日17:00截止，不能再报；如需补报请联系责任部门。",
        ),
        (3, "项目代码", "项目“储能电池项目”：只能导入本单位负责填报的项目。"),
    ]
    ok = preview(
        world, [HEADER, row("YQ-001", "智算中心项目", current.label, 100, 100, 100)], world.unit
    )
    assert ok.error_count == 0
    services.import_commit(batch=ok, by=world.unit)
    report = ProgressReport.objects.get()
    assert (report.status, report.created_by, report.period) == ("submitted", world.unit, current)


def test_a_department_files_only_for_its_own_projects(world, periods):
    batch = preview(
        world,
        [HEADER, row("YQ-002", "储能电池项目", "2026年1月", 1, 1, 1)],
        user=world.econ,
    )
    assert reasons(batch) == [
        (2, "项目代码", "项目“储能电池项目”：无权填报该项目（责任部门：投资合作促进部）。")
    ]


def test_unknown_periods_and_projects_are_named(world, periods):
    batch = preview(
        world,
        [
            HEADER,
            row("YQ-404", "", "2026年1月", 1, 1, 1),
            row("YQ-001", "智算中心项目", "2025年6月", 1, 1, 1),
            row("", "不存在的项目", "2026年1月", 1, 1, 1),
        ],
    )
    assert reasons(batch) == [
        (2, "项目代码", "本开发区没有项目代码为YQ-404的项目。"),
        (
            3,
            "填报期次",
            "本开发区没有“2025年6月”这一填报期次（期次名称或期内日期，如“2026年3月”或 2026-03-20）。",
        ),
        (4, "项目名称", "本开发区没有名为“不存在的项目”的项目。"),
    ]


def test_the_same_file_twice_is_unchanged_and_a_submitted_report_is_not_overwritten(world, periods):
    rows = [HEADER, row("YQ-001", "智算中心项目", "2026年1月", 1000, 1000, 21000)]
    services.import_commit(batch=preview(world, rows), by=world.leader)
    again = preview(world, rows)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 1)
    changed = preview(
        world, [HEADER, row("YQ-001", "智算中心项目", "2026年1月", 1000, 1000, 22000)]
    )
    assert reasons(changed) == [
        (
            2,
            "项目代码",
            "项目“智算中心项目”的本期进度已报送，不能修改；如需更正，请责任部门退回。",
        )
    ]


def test_a_returned_report_is_updated_and_undo_restores_it(world, periods):
    closed, _ = periods
    report = ProgressReport.objects.create(
        period=closed[0],
        project=world.project,
        status="returned",
        return_reason="数据有误",
        invested_period=Decimal(100),
        invested_year=Decimal(100),
        invested_total=Decimal(20000),
        percent_complete=Decimal(40),
        created_by=world.unit,
        version=3,
    )
    batch = preview(
        world,
        [
            HEADER,
            row("YQ-001", "智算中心项目", "2026年1月", 120, 120, 20020),
            row("YQ-001", "智算中心项目", "2026年2月", 10, 130, 20030),
        ],
    )
    assert (batch.created_count, batch.updated_count) == (1, 1)
    services.import_commit(batch=batch, by=world.leader)
    report.refresh_from_db()
    assert (report.status, report.invested_total, report.version) == (
        "submitted",
        Decimal("20020.00"),
        4,
    )
    event = AuditEvent.objects.get(object_type="dispatch.progressreport", object_id=str(report.pk))
    assert {"field": "status", "label": "状态", "old": "已退回", "new": "已报送"} in event.changes
    services.import_undo(batch=batch, by=world.leader)
    report.refresh_from_db()
    assert (report.status, report.invested_total, report.version) == (
        "returned",
        Decimal("20000.00"),
        5,
    )
    assert ProgressReport.objects.count() == 1


def test_undo_is_refused_after_the_department_approved(world, periods):
    batch = preview(world, [HEADER, row("YQ-001", "智算中心项目", "2026年1月", 1, 1, 20000)])
    services.import_commit(batch=batch, by=world.leader)
    ProgressReport.objects.update(status="approved", version=2)
    with pytest.raises(ValidationError) as exc:
        services.import_undo(batch=batch, by=world.leader)
    assert "在导入后又被修改或审核过" in exc.value.messages[0]


def test_commit_plans_again_when_the_database_moved_on(world, periods):
    closed, _ = periods
    batch = preview(world, [HEADER, row("YQ-001", "智算中心项目", "2026年3月", 1, 1, 20000)])
    assert batch.error_count == 0 and batch.plan
    ProgressReport.objects.create(
        period=closed[1],
        project=world.project,
        status="submitted",
        invested_period=Decimal(1),
        invested_year=Decimal(1),
        invested_total=Decimal(25000),
        percent_complete=Decimal(40),
        created_by=world.unit,
    )
    before = snapshot()
    with pytest.raises(services.ImportRefused):
        services.import_commit(batch=batch, by=world.leader)
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.plan is None
    assert batch.problems[0]["reason"] == (
        "项目“智算中心项目”：自开工累计完成投资（20,000.00万元）不能小于2026年2月已报的25,000.00万元，累计数只增不减。"
    )


def test_commit_writes_the_stored_plan_without_reading_the_file_again(world, periods, monkeypatch):
    batch = preview(world, [HEADER, row("YQ-001", "智算中心项目", "2026年1月", 1, 1, 20000)])

    def fail(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(services, "plan_import", fail)
    services.import_commit(batch=batch, by=world.leader)
    assert ImportBatch.objects.get(pk=batch.pk).status == "committed"
    assert ProgressReport.objects.get().invested_total == Decimal("20000.00")


def test_the_template_has_the_columns_and_imports_back(world, periods):
    content = template_xlsx(get_spec("progress"))
    sheet = openpyxl.load_workbook(__import__("io").BytesIO(content))["进度填报"]
    headers = [c.value for c in sheet[2]]
    assert headers[:6] == [
        "项目代码",
        "项目名称",
        "填报期次",
        "本期完成投资（万元）",
        "本年累计完成投资（万元）",
        "自开工累计完成投资（万元）",
    ]
    sheet.append(["YQ-001", "智算中心项目", "2026年1月", 1, 1, 20000, "基础施工", 10])
    buffer = __import__("io").BytesIO()
    sheet.parent.save(buffer)
    batch = services.import_preview(
        kind="progress", by=world.leader, file_name="t.xlsx", data=buffer.getvalue()
    )
    assert batch.error_count == 0 and batch.created_count == 1


def test_a_two_row_header_with_units_and_percent_signs_is_read(world, periods):
    rows = [
        ["项目代码", "项目名称", "期次", "完成投资（亿元）", None, None, "形象进度", "完成比例", "存在的问题", "下步计划"],
        [None, None, None, "本期", "本年", "自开工累计", None, None, None, None],
        ["YQ-001", "智算中心项目", "2026年1月", 0.01, 0.02, 2.5, "主体封顶", "85%", "", ""],
    ]  # fmt: skip
    batch = preview(world, rows)
    assert batch.problems == []
    services.import_commit(batch=batch, by=world.leader)
    report = ProgressReport.objects.get()
    assert (
        report.invested_period,
        report.invested_year,
        report.invested_total,
        report.percent_complete,
    ) == (Decimal("100.00"), Decimal("200.00"), Decimal("25000.00"), Decimal("85.0"))


def test_a_percentage_over_100_is_refused_with_dispatch_message(world, periods):
    batch = preview(
        world, [HEADER, row("YQ-001", "智算中心项目", "2026年1月", 1, 1, 20000, percent=120)]
    )
    assert batch.problems == [
        {
            "row": 2,
            "column": "完成百分比",
            "value": "120",
            "reason": "项目“智算中心项目”：工程完成比例（%）确保该值小于或等于100。",
        }
    ]


def test_a_units_plan_expires_when_the_period_closes_before_the_commit(world, periods, monkeypatch):
    _, current = periods
    batch = preview(
        world, [HEADER, row("YQ-001", "智算中心项目", current.label, 1, 1, 20000)], world.unit
    )
    assert batch.error_count == 0 and batch.plan_valid_until == current.deadline
    # Only the clock moves: the period closes between preview and commit.
    later = current.deadline + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(services.ImportRefused):
        services.import_commit(batch=batch, by=world.unit)
    assert ProgressReport.objects.count() == 0
    reason = ImportBatch.objects.get(pk=batch.pk).problems[0]["reason"]
    assert reason.startswith(f"项目“智算中心项目”：{current.label}的填报已于") and reason.endswith(
        "截止，不能再报；如需补报请联系责任部门。"
    )


def test_the_upload_page_offers_the_sheet_and_its_template_to_units(world, periods):
    from django.urls import reverse

    from tests.conftest import login

    client = login(world.unit)
    page = client.get(reverse("intake:upload")).content.decode()
    assert 'value="progress"' in page and "进度填报" in page
    response = client.get(reverse("intake:template", args=["progress"]))
    assert response.status_code == 200
    disposition = urllib.parse.unquote(response["Content-Disposition"])
    assert disposition == "attachment; filename*=UTF-8''进度填报导入模板.xlsx"
    assert (
        login(world.auditor).get(reverse("intake:template", args=["progress"])).status_code == 403
    )


def test_a_unit_uploads_commits_and_undoes_through_the_pages(world, periods):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.conftest import login

    _, current = periods
    client = login(world.unit)
    data = xlsx([HEADER, row("YQ-001", "智算中心项目", current.label, 1, 1, 20000)])
    response = client.post(
        reverse("intake:upload"),
        {"kind": "progress", "file": SimpleUploadedFile("本周进度.xlsx", data)},
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("intake:batch", args=[batch.pk])
    assert "确认导入" in client.get(response["Location"]).content.decode()
    response = client.post(reverse("intake:commit", args=[batch.pk]), follow=True)
    assert "导入完成：新增1条" in response.content.decode()
    assert "智算中心项目" in response.content.decode()  # the change list names the report
    assert ProgressReport.objects.get().status == "submitted"
    response = client.post(reverse("intake:undo", args=[batch.pk]), follow=True)
    assert "进度填报已删除" in response.content.decode()
    assert ProgressReport.objects.count() == 0
