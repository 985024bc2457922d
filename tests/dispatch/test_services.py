"""Progress reports, their flow and rules, reminders and stored warnings, at the service layer."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from tests.conftest import make_project
from tests.dispatch.conftest import add_report, closed_period, figures, file_report, open_period
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch import services
from zonedesk.dispatch.models import (
    DispatchSettings,
    ProgressReport,
    Reminder,
    ReportingPeriod,
    WarningChange,
)
from zonedesk.dispatch.photos import clean_photo
from zonedesk.projects.models import Milestone

Status = ProgressReport.Status


def errors_of(exc) -> list[str]:
    return [m for messages in exc.value.message_dict.values() for m in messages]


def test_a_unit_submits_and_the_audit_log_names_it(world):
    period = open_period(world.zone)
    report = file_report(world.project, period, world.unit)
    assert (report.status, report.submitted_by, report.version) == (Status.SUBMITTED, world.unit, 1)
    event = AuditEvent.objects.get(object_type="dispatch.progressreport", object_id=str(report.pk))
    assert event.actor == world.unit and event.zone == world.zone and event.note == "报送进度"
    assert {
        "label": "本年累计完成投资（万元）",
        "old": "（空）",
        "new": "3,000.00",
    }.items() <= next(c for c in event.changes if c["field"] == "invested_year").items()


def test_a_draft_can_be_saved_half_filled_and_submitted_later(world):
    period = open_period(world.zone)
    row = services.ReportInput(
        project=world.project, values={"image_progress": "基础施工"}, expected_version=0
    )
    [draft] = services.progress_reports_save(period=period, rows=[row], by=world.unit, submit=False)
    assert draft.status == Status.DRAFT and draft.invested_year is None
    report = file_report(world.project, period, world.unit, version=1)
    assert report.status == Status.SUBMITTED and report.version == 2


def test_submitting_requires_the_figures_and_names_project_and_field(world):
    period = open_period(world.zone)
    row = services.ReportInput(
        project=world.project, values={"image_progress": "基础施工"}, expected_version=0
    )
    with pytest.raises(ValidationError) as exc:
        services.progress_reports_save(period=period, rows=[row], by=world.unit, submit=True)
    assert "项目“智算中心项目”：请填写本年累计完成投资（万元）。" in errors_of(exc)
    assert f"{world.project.pk}.invested_year" in exc.value.message_dict
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"year": "9000", "total": "8000"},
            "本年累计完成投资（9,000.00万元）不能大于自开工累计完成投资（8,000.00万元）。",
        ),
        (
            {"this": "4000", "year": "3000"},
            "本期完成投资（4,000.00万元）不能大于本年累计完成投资（3,000.00万元）。",
        ),
        (
            {"total": "50001"},
            "自开工累计完成投资（50,001.00万元）超过项目总投资（50,000.00万元）；如总投资已正式调整，请先由责任部门在项目库中修改总投资（修改留痕）后再报。",
        ),
        ({"percent_complete": Decimal("101")}, "工程完成比例（%）确保该值小于或等于100。"),
    ],
)
def test_figures_must_hang_together(world, values, message):
    period = open_period(world.zone)
    with pytest.raises(ValidationError) as exc:
        file_report(world.project, period, world.unit, **values)
    assert f"项目“智算中心项目”：{message}" in errors_of(exc)


def test_cumulative_figures_never_decrease(world):
    earlier = closed_period(world.zone)
    add_report(world.project, earlier, world.unit, year="3000", total="8000")
    period = open_period(world.zone)
    with pytest.raises(ValidationError) as exc:
        file_report(world.project, period, world.unit, year="2500", total="7000", this="0")
    messages = errors_of(exc)
    assert any(
        "自开工累计完成投资（7,000.00万元）不能小于" in m
        and "已报的8,000.00万元，累计数只增不减。" in m
        for m in messages
    )
    assert any("本年累计完成投资（2,500.00万元）不能小于" in m for m in messages)
    assert (
        file_report(world.project, period, world.unit, year="3500", total="8500").status
        == Status.SUBMITTED
    )


def test_a_corrected_earlier_report_may_not_exceed_a_later_one(world):
    earlier = closed_period(world.zone)
    period = open_period(world.zone)
    old = add_report(
        world.project,
        earlier,
        world.unit,
        status=Status.RETURNED,
        year="3000",
        total="8000",
        return_reason="数字有误",
    )
    add_report(
        world.project, period, world.unit, status=Status.SUBMITTED, year="3500", total="8500"
    )
    row = services.ReportInput(
        project=world.project,
        values=figures(year="3000", total="9000"),
        expected_version=old.version,
    )
    with pytest.raises(ValidationError) as exc:
        services.progress_reports_save(period=earlier, rows=[row], by=world.unit, submit=True)
    assert any("不能大于之后" in m and "8,500.00万元" in m for m in errors_of(exc))


def test_raising_the_total_investment_formally_lets_the_cumulative_pass(world):
    from zonedesk.projects import services as project_services

    period = open_period(world.zone)
    with pytest.raises(ValidationError):
        file_report(world.project, period, world.unit, total="52000")
    project_services.project_update(
        project=world.project,
        by=world.econ,
        data={"total_investment": Decimal("60000")},
        expected_version=1,
    )
    world.project.refresh_from_db()
    assert file_report(world.project, period, world.unit, total="52000").invested_total == Decimal(
        "52000"
    )
    adjustment = AuditEvent.objects.get(
        object_type="projects.project", object_id=str(world.project.pk)
    )
    assert (
        adjustment.changes[0]["old"] == "50,000.00" and adjustment.changes[0]["new"] == "60,000.00"
    )


def test_a_batch_is_all_or_nothing(world):
    second = make_project(
        world.zone,
        "数据中心二期",
        department=world.invest_dept,
        unit=world.kaichuang,
        code="YQ-010",
    )
    period = open_period(world.zone)
    rows = [
        services.ReportInput(project=world.project, values=figures(), expected_version=0),
        services.ReportInput(project=second, values=figures(year="9999"), expected_version=0),
    ]
    with pytest.raises(ValidationError) as exc:
        services.progress_reports_save(period=period, rows=rows, by=world.unit, submit=True)
    assert list(exc.value.message_dict) == [f"{second.pk}.invested_year"]
    assert "项目“数据中心二期”" in errors_of(exc)[0]
    assert not ProgressReport.objects.exists()
    rows[1] = services.ReportInput(project=second, values=figures(), expected_version=0)
    assert (
        len(services.progress_reports_save(period=period, rows=rows, by=world.unit, submit=True))
        == 2
    )


def test_blank_rows_are_skipped(world):
    period = open_period(world.zone)
    rows = [
        services.ReportInput(
            project=world.project, values=dict.fromkeys(figures()), expected_version=0
        )
    ]
    assert (
        services.progress_reports_save(period=period, rows=rows, by=world.unit, submit=True) == []
    )


def test_after_the_deadline_only_returned_reports_change(world):
    period = closed_period(world.zone)
    with pytest.raises(ValidationError) as exc:
        file_report(world.project, period, world.unit)
    assert "的填报已于" in errors_of(exc)[0] and "截止，不能再报" in errors_of(exc)[0]
    report = add_report(world.project, period, world.unit, status=Status.SUBMITTED)
    returned = services.progress_report_return(
        report=report, by=world.econ, reason="本年累计与财务数不符", expected_version=1
    )
    refiled = file_report(
        world.project, period, world.unit, version=returned.version, year="2800", total="7800"
    )
    assert refiled.status == Status.SUBMITTED and refiled.invested_year == Decimal("2800")


def test_a_submitted_report_changes_only_after_it_is_returned(world):
    period = open_period(world.zone)
    report = file_report(world.project, period, world.unit)
    with pytest.raises(ValidationError) as exc:
        file_report(world.project, period, world.unit, version=report.version, year="3100")
    assert "已报送，不能修改；如需更正，请责任部门退回。" in errors_of(exc)[0]


def test_a_stale_version_is_refused(world):
    period = open_period(world.zone)
    file_report(world.project, period, world.unit, submit=False)
    with pytest.raises(ValidationError) as exc:
        file_report(world.project, period, world.unit, version=0)
    assert "已被他人修改（现为第1版），本次保存未生效" in errors_of(exc)[0]


def test_approve_and_return_follow_the_flow(world):
    period = open_period(world.zone)
    report = file_report(world.project, period, world.unit)
    with pytest.raises(ValidationError, match="退回须填写原因"):
        services.progress_report_return(
            report=report, by=world.econ, reason=" ", expected_version=report.version
        )
    returned = services.progress_report_return(
        report=report, by=world.econ, reason="形象进度与照片不符", expected_version=report.version
    )
    assert (returned.status, returned.returned_by, returned.return_reason) == (
        Status.RETURNED,
        world.econ,
        "形象进度与照片不符",
    )
    with pytest.raises(ValidationError, match="只有已报送的进度可以审核"):
        services.progress_report_approve(
            report=returned, by=world.econ, expected_version=returned.version
        )
    refiled = file_report(
        world.project,
        period,
        world.unit,
        version=returned.version,
        image_progress="主体结构施工至二层",
    )
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.progress_report_approve(report=refiled, by=world.econ, expected_version=1)
    approved = services.progress_report_approve(
        report=refiled, by=world.econ, expected_version=refiled.version
    )
    assert (approved.status, approved.approved_by) == (Status.APPROVED, world.econ)
    notes = list(
        AuditEvent.objects.filter(object_type="dispatch.progressreport")
        .order_by("id")
        .values_list("note", flat=True)
    )
    assert notes == ["报送进度", "退回：形象进度与照片不符", "报送进度", "审核通过"]


def test_reached_milestones_are_written_back_with_history(world):
    period = open_period(world.zone)
    day = timezone.localdate() - dt.timedelta(days=1)
    row = services.ReportInput(
        project=world.project,
        values=figures(),
        milestones={world.milestone.pk: day},
        expected_version=0,
    )
    services.progress_reports_save(period=period, rows=[row], by=world.unit, submit=True)
    world.milestone.refresh_from_db()
    assert world.milestone.actual_date == day and world.milestone.version == 2
    event = AuditEvent.objects.get(
        object_type="projects.milestone", object_id=str(world.milestone.pk)
    )
    assert event.actor == world.unit and event.root_id == str(world.project.pk)


def test_milestone_dates_must_be_in_order(world):
    period = open_period(world.zone)
    other = Milestone.objects.create(
        project=world.invest_project, name="开工", order=1, planned_date=dt.date(2026, 3, 1)
    )
    late = period.end + dt.timedelta(days=1)
    rows = [
        services.ReportInput(
            project=world.project,
            values=figures(),
            milestones={world.milestone.pk: late, other.pk: period.start},
            expected_version=0,
        )
    ]
    with pytest.raises(ValidationError) as exc:
        services.progress_reports_save(period=period, rows=rows, by=world.unit, submit=True)
    messages = errors_of(exc)
    assert any(
        "节点“开工”的实际完成日期" in m and ("不能晚于今天" in m or "不能晚于本期结束日期" in m)
        for m in messages
    )
    assert "项目“智算中心项目”：所选节点不属于该项目。" in messages


def jpeg_with_gps() -> io.BytesIO:
    image = Image.new("RGB", (64, 48), "orange")
    exif = Image.Exif()
    exif[0x010F] = "Phone Maker"  # Make
    exif[0x8825] = {1: "N", 2: (37.0, 51.0, 30.0), 3: "E", 4: (113.0, 34.0, 12.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    buffer.seek(0)
    buffer.name = "现场.jpg"
    buffer.size = len(buffer.getvalue())
    return buffer


def test_photos_lose_their_location_and_are_stored_with_the_report(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = jpeg_with_gps()
    assert Image.open(upload).getexif().get_ifd(0x8825)  # the original carries GPS
    upload.seek(0)
    photo = clean_photo(upload)
    stripped = Image.open(io.BytesIO(photo.content))
    assert not stripped.getexif() and "exif" not in stripped.info
    assert (photo.ext, photo.width, photo.height) == ("jpg", 64, 48)
    period = open_period(world.zone)
    row = services.ReportInput(
        project=world.project, values=figures(), photos=[photo], expected_version=0
    )
    [report] = services.progress_reports_save(period=period, rows=[row], by=world.unit, submit=True)
    saved = report.photos.get()
    assert saved.original_name == "现场.jpg" and saved.content_type == "image/jpeg"
    assert not Image.open(saved.file.path).getexif()


def test_only_small_jpg_and_png_photos_are_accepted(world):
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    gif.seek(0)
    gif.name, gif.size = "动图.gif", len(gif.getvalue())
    with pytest.raises(
        ValidationError, match="照片“动图.gif”为GIF格式，只接受 jpg、png 格式的图片。"
    ):
        clean_photo(gif)
    junk = io.BytesIO(b"not an image")
    junk.name, junk.size = "说明.png", 12
    with pytest.raises(ValidationError, match="无法识别"):
        clean_photo(junk)
    big = io.BytesIO(b"0")
    big.name, big.size = "大图.jpg", 6 * 1024 * 1024
    with pytest.raises(ValidationError, match="超过5MB的上限"):
        clean_photo(big)


def test_a_reminder_is_kept_in_app_and_mailed_to_the_unit(world):
    world.unit.email = "sun@kaichuang.example"
    world.unit.save(update_fields=["email"])
    period = open_period(world.zone)
    reminder = services.reminder_send(period=period, organisation=world.kaichuang, by=world.econ)
    assert reminder.emailed_to == ["sun@kaichuang.example"]
    assert "智算中心项目" in reminder.message and "前报送" in reminder.message
    assert (
        mail.outbox[0].to == ["sun@kaichuang.example"] and "进度填报提醒" in mail.outbox[0].subject
    )
    file_report(world.project, period, world.unit)
    with pytest.raises(ValidationError, match="没有待报送或被退回的项目"):
        services.reminder_send(period=period, organisation=world.kaichuang, by=world.econ)
    assert Reminder.objects.count() == 1


# --- warnings ---------------------------------------------------------------------------------


def test_warnings_are_recomputed_when_reports_change_and_history_kept(world):
    today = timezone.localdate()
    DispatchSettings.objects.create(zone=world.zone, lag_points=Decimal("0"))
    project = world.project
    project.milestones.all().delete()
    project.planned_completion = today + dt.timedelta(days=400)
    project.save()
    period = open_period(world.zone)
    report = file_report(
        project, period, world.unit, year="0", this="0"
    )  # nothing invested yet: behind
    assert project.warning.colour == "red"
    assert "落后序时进度" in project.warning.reasons[0]["text"]
    change = WarningChange.objects.get(project=project)
    assert (change.from_colour, change.to_colour, change.trigger, change.triggered_by) == (
        "",
        "red",
        "进度填报报送",
        world.unit,
    )
    services.progress_report_return(
        report=report, by=world.econ, reason="补充", expected_version=report.version
    )
    refiled = file_report(
        project,
        period,
        world.unit,
        version=report.version + 1,
        year="12000",
        total="20000",
        this="500",
    )
    services.progress_report_approve(
        report=refiled, by=world.econ, expected_version=refiled.version
    )
    project.warning.refresh_from_db()
    assert project.warning.colour == "green"
    latest = WarningChange.objects.filter(project=project).first()
    assert (latest.from_colour, latest.to_colour) == ("red", "green")


def test_missed_periods_count_consecutive_closed_periods(world):
    DispatchSettings.objects.create(zone=world.zone, missed_periods=2, red_rules=[])
    project = world.invest_project
    project.annual_plan_investment = Decimal(0)
    project.save()
    three, two, one = (
        closed_period(world.zone, 3),
        closed_period(world.zone, 2),
        closed_period(world.zone, 1),
    )
    add_report(project, three, world.other_unit)
    warning = services.warnings_recompute([project.pk])[project.pk]
    assert warning.colour == "amber"
    assert warning.reasons[0]["text"].startswith("已连续2期未报送进度（最近一期：")
    assert one.label in warning.reasons[0]["text"]
    add_report(project, one, world.other_unit)
    assert services.warnings_recompute([project.pk])[project.pk].colour == "green"
    assert two  # the gap before the last report no longer counts


def test_recompute_costs_the_same_queries_for_many_projects(world, django_assert_max_num_queries):
    closed_period(world.zone)
    ids = [world.project.pk, world.invest_project.pk]
    services.warnings_recompute(ids)
    for i in range(20):
        ids.append(
            make_project(
                world.zone, f"批量项目{i}", department=world.econ_dept, code=f"B-{i:03d}"
            ).pk
        )
    with django_assert_max_num_queries(12):
        services.warnings_recompute(ids)


def test_warnings_refresh_recomputes_only_stale_ones(world):
    assert services.warnings_refresh(zone=world.zone) == 2  # never computed
    assert services.warnings_refresh(zone=world.zone) == 0  # fresh
    period = closed_period(world.zone)
    ReportingPeriod.objects.filter(pk=period.pk).update(
        deadline=timezone.now()
    )  # closes after them
    assert services.warnings_refresh(zone=world.zone) == 2


def test_refreshing_several_zones_goes_by_each_zones_own_period_close(world):
    zones = [world.zone, world.other_zone]
    assert services.warnings_refresh_zones(zones) == 3  # 2 in zone A, 1 in B, never computed
    assert services.warnings_refresh_zones(zones) == 0
    period = closed_period(world.other_zone)  # only B's period closes after its warnings
    ReportingPeriod.objects.filter(pk=period.pk).update(deadline=timezone.now())
    assert services.warnings_refresh_zones(zones) == 1
    assert services.warnings_refresh_zones([]) == 0


def test_settings_changes_are_audited_and_rescore_the_zone(world):
    DispatchSettings.objects.create(zone=world.zone)
    services.warnings_recompute([world.project.pk])
    updated = services.dispatch_settings_update(
        zone=world.zone,
        by=world.leader,
        data={"lag_points": Decimal("5"), "red_rules": ["missed_reports"]},
        expected_version=1,
    )
    assert updated.version == 2
    event = AuditEvent.objects.get(object_type="dispatch.dispatchsettings")
    labels = {c["label"] for c in event.changes}
    assert labels == {"落后序时进度预警线（百分点）", "红色预警规则"}
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.dispatch_settings_update(
            zone=world.zone, by=world.leader, data={"lag_points": Decimal("6")}, expected_version=1
        )
    with pytest.raises(ValidationError, match="未知的预警规则"):
        services.dispatch_settings_update(
            zone=world.zone, by=world.leader, data={"red_rules": ["nonsense"]}, expected_version=2
        )
