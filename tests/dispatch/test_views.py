"""The dispatch pages: status board, batch filling, report approval, reminders, warnings, settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login, make_project
from tests.dispatch.conftest import add_report, closed_period, file_report, open_period
from tests.dispatch.test_services import jpeg_with_gps
from zonedesk.dispatch import services
from zonedesk.dispatch.models import DispatchSettings, ProgressReport, Reminder, WarningChange

Status = ProgressReport.Status


def row_data(project, *, version=0, **values):
    p = f"p{project.pk}"
    data = {
        f"{p}-invested_period": "500",
        f"{p}-invested_year": "3,000万元",
        f"{p}-invested_total": "0.8亿",
        f"{p}-percent_complete": "35%",
        f"{p}-image_progress": "主体结构施工至三层",
        f"{p}-problems": "",
        f"{p}-next_plan": "完成四层主体",
        f"{p}-version": version,
    }
    data.update({f"{p}-{k}": v for k, v in values.items()})
    return data


def test_the_board_shows_who_reported_who_did_not_and_who_was_returned(world):
    period = open_period(world.zone)
    third = make_project(
        world.zone, "数据中心二期", department=world.econ_dept, unit=world.kaichuang, code="YQ-010"
    )
    add_report(world.project, period, world.unit, status=Status.SUBMITTED)
    add_report(third, period, world.unit, status=Status.RETURNED, return_reason="数字有误")
    response = login(world.econ).get(reverse("dispatch:board"))
    board = response.context["board"]
    assert (board.total, board.reported, board.missing, board.returned) == (3, 1, 1, 1)
    [econ, invest] = board.departments
    assert econ.department == world.econ_dept and [u.organisation for u in econ.units] == [
        world.kaichuang
    ]
    assert [e.project.name for e in invest.units[0].missing] == ["储能电池项目"]
    body = response.content.decode()
    assert "一键催报" in body and "数据中心二期" in body and period.label in body


def test_the_board_query_count_does_not_grow_with_projects(world):
    period = open_period(world.zone)
    client = login(world.leader)
    client.get(reverse("dispatch:board"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dispatch:board"))
    for i in range(15):
        unit = world.kaichuang if i % 2 else world.luda
        p = make_project(
            world.zone,
            f"批量项目{i}",
            department=world.econ_dept if i % 3 else world.invest_dept,
            unit=unit,
            code=f"B-{i:03d}",
        )
        if i % 4 == 0:
            add_report(p, period, world.unit, status=Status.APPROVED)
    services.reminder_send(period=period, organisation=world.luda, by=world.leader)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dispatch:board"))
    assert len(many) == len(few)


def test_a_unit_sees_only_its_own_projects_on_the_board(world):
    open_period(world.zone)
    response = login(world.unit).get(reverse("dispatch:board"))
    assert response.context["board"].total == 1
    assert "一键催报" not in response.content.decode()


def test_one_click_reminder_records_and_mails(world):
    world.other_unit.email = "zhou@luda.example"
    world.other_unit.save(update_fields=["email"])
    period = open_period(world.zone)
    response = login(world.invest).post(
        reverse("dispatch:remind", args=[period.pk, world.luda.pk]), follow=True
    )
    assert "已提醒路达市政，并发送邮件1封。" in response.content.decode()
    assert Reminder.objects.get().sent_by == world.invest and mail.outbox[0].to == [
        "zhou@luda.example"
    ]
    fill = login(world.other_unit).get(reverse("dispatch:fill"))
    assert "【催报】" in fill.content.decode()


def test_the_batch_page_saves_every_row_or_none(world):
    second = make_project(
        world.zone,
        "数据中心二期",
        department=world.invest_dept,
        unit=world.kaichuang,
        code="YQ-010",
    )
    period = open_period(world.zone)
    client = login(world.unit)
    page = client.get(reverse("dispatch:fill"))
    assert [row.project for row in page.context["rows"]] == [world.project, second]
    data = {
        **row_data(world.project),
        **row_data(second, invested_year="很多", invested_total="60000"),
        "action": "submit",
    }
    response = client.post(reverse("dispatch:fill"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "本次未保存任何内容" in body
    assert "项目“数据中心二期”的本年累计完成投资（万元）：金额须为确数" in body
    assert not ProgressReport.objects.exists()
    data.update(row_data(second, invested_total="60000"))
    response = client.post(reverse("dispatch:fill"), data)
    assert response.status_code == 400
    assert (
        "项目“数据中心二期”：自开工累计完成投资（60,000.00万元）超过项目总投资（50,000.00万元）"
        in response.content.decode()
    )
    data.update(row_data(second))
    response = client.post(reverse("dispatch:fill"), data, follow=True)
    assert "已报送2个项目的" in response.content.decode()
    report = ProgressReport.objects.get(project=world.project, period=period)
    assert (
        report.status,
        report.invested_year,
        report.invested_total,
        report.percent_complete,
    ) == (
        Status.SUBMITTED,
        Decimal("3000.00"),
        Decimal("8000.00"),
        Decimal("35.0"),
    )


def test_drafts_blank_rows_milestones_and_photos_on_the_batch_page(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    open_period(world.zone)
    client = login(world.unit)
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    photo = jpeg_with_gps()
    data = {
        **row_data(world.project),
        f"p{world.project.pk}-ms{world.milestone.pk}": day,
        f"p{world.project.pk}-photos": photo,
        "action": "draft",
    }
    response = client.post(reverse("dispatch:fill"), data, follow=True)
    assert "已保存1个项目的草稿" in response.content.decode()
    report = ProgressReport.objects.get()
    assert (
        report.status == Status.DRAFT
        and report.photos.count() == 1
        and report.milestones_reached.count() == 1
    )
    world.milestone.refresh_from_db()
    assert world.milestone.actual_date is None  # written back on submit, not on a draft
    client.post(
        reverse("dispatch:fill"), {**row_data(world.project, version=1), "action": "submit"}
    )
    world.milestone.refresh_from_db()
    assert str(world.milestone.actual_date) == day
    photo_response = client.get(reverse("dispatch:photo", args=[report.photos.get().pk]))
    assert photo_response["Content-Type"] == "image/jpeg"


def test_the_batch_page_query_count_does_not_grow_with_projects(world):
    period = open_period(world.zone)
    earlier = closed_period(world.zone)

    def add(count, start):
        for i in range(start, start + count):
            p = make_project(
                world.zone,
                f"批量项目{i}",
                department=world.econ_dept,
                unit=world.kaichuang,
                code=f"B-{i:03d}",
            )
            p.milestones.create(name="主体封顶", order=1, planned_date=dt.date(2026, 9, 1))
            add_report(p, earlier, world.unit)
            if i % 3 == 0:
                add_report(p, period, world.unit, status=Status.RETURNED, return_reason="补充照片")

    add(3, 0)
    client = login(world.unit)
    client.get(reverse("dispatch:fill"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dispatch:fill"))
    add(12, 3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("dispatch:fill"))
    assert len(response.context["rows"]) == 16
    assert len(many) == len(few)


def test_a_returned_report_is_refiled_after_the_deadline(world):
    period = closed_period(world.zone)
    open_period(world.zone)
    report = add_report(
        world.project,
        period,
        world.unit,
        status=Status.RETURNED,
        return_reason="本年累计与财务数不符",
    )
    client = login(world.unit)
    page = client.get(reverse("dispatch:fill"))
    assert "其他期次被退回、待修改重报" in page.content.decode()
    page = client.get(reverse("dispatch:fill"), {"period": period.pk})
    assert "本年累计与财务数不符" in page.content.decode()
    response = client.post(
        f"{reverse('dispatch:fill')}?period={period.pk}",
        {**row_data(world.project, version=1, invested_year="2800"), "action": "submit"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.invested_year == Decimal("2800")


def test_the_department_approves_or_returns_on_the_report_page(world):
    period = open_period(world.zone)
    report = file_report(world.project, period, world.unit)
    client = login(world.econ)
    url = reverse("dispatch:report", args=[report.pk])
    body = client.get(url).content.decode()
    assert "审核通过" in body and "退回" in body
    response = client.post(
        reverse("dispatch:return", args=[report.pk]), {"reason": "", "version": report.version}
    )
    assert response.status_code == 400 and "请填写退回原因。" in response.content.decode()
    client.post(
        reverse("dispatch:return", args=[report.pk]),
        {"reason": "照片缺失", "version": report.version},
    )
    report.refresh_from_db()
    assert report.status == Status.RETURNED
    stale = client.post(reverse("dispatch:approve", args=[report.pk]), {"version": 1})
    assert stale.status_code == 400
    body = login(world.unit).get(url).content.decode()
    assert "修改并重新报送" in body and "照片缺失" in body


def test_the_warnings_page_filters_by_colour_and_department(world):
    DispatchSettings.objects.create(zone=world.zone, lag_points=Decimal("0"))
    world.invest_project.annual_plan_investment = Decimal(0)
    world.invest_project.planned_completion = dt.date.today() + dt.timedelta(days=400)
    world.invest_project.save()
    world.project.planned_completion = dt.date.today() + dt.timedelta(days=400)
    world.project.save()
    open_period(world.zone)
    client = login(world.viewer)
    response = client.get(reverse("dispatch:warnings"))
    rows = {w.project.name: w.colour for w in response.context["warnings"]}
    assert rows == {"智算中心项目": "red", "储能电池项目": "green"}
    assert "落后序时进度" in response.content.decode()
    assert [
        w.project.name
        for w in client.get(reverse("dispatch:warnings"), {"colour": "green"}).context["warnings"]
    ] == ["储能电池项目"]
    filtered = client.get(reverse("dispatch:warnings"), {"department": world.econ_dept.pk}).context[
        "warnings"
    ]
    assert [w.project.name for w in filtered] == ["智算中心项目"]


def test_the_project_page_shows_the_colour_and_its_history(world):
    DispatchSettings.objects.create(zone=world.zone, lag_points=Decimal("0"))
    services.warnings_recompute([world.project.pk], by=world.econ, trigger="项目修改")
    body = (
        login(world.econ).get(reverse("projects:detail", args=[world.project.pk])).content.decode()
    )
    assert 'id="project-warning"' in body and "落后序时进度" in body
    assert "项目修改（赵经发）" in body
    assert WarningChange.objects.filter(project=world.project).count() == 1


def test_a_leader_edits_the_zone_settings(world):
    client = login(world.leader)
    page = client.get(reverse("dispatch:settings"))
    assert "落后序时进度预警线（百分点）" in page.content.decode()
    data = {
        "period_kind": "dekad",
        "deadline_weekday": 4,
        "deadline_hour": 12,
        "deadline_days_after": 2,
        "lag_points": "8",
        "missed_periods": 3,
        "milestone_grace_days": 7,
        "blocker_days": 45,
        "red_rules": ["completion_overdue"],
        "version": 1,
    }
    response = client.post(reverse("dispatch:settings"), data, follow=True)
    assert "调度设置已保存" in response.content.decode()
    s = DispatchSettings.objects.get(zone=world.zone)
    assert (s.period_kind, s.lag_points, s.blocker_days, s.red_rules) == (
        "dekad",
        Decimal("8.0"),
        45,
        ["completion_overdue"],
    )
    bad = client.post(reverse("dispatch:settings"), {**data, "deadline_hour": 30, "version": 2})
    assert "确保该值小于或等于23" in bad.content.decode()


def test_the_warnings_page_query_count_does_not_grow_with_projects(world):
    open_period(world.zone)
    client = login(world.leader)
    client.get(reverse("dispatch:warnings"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dispatch:warnings"))
    ids = [
        make_project(
            world.zone,
            f"批量项目{i}",
            department=world.econ_dept,
            unit=world.luda,
            code=f"B-{i:03d}",
        ).pk
        for i in range(15)
    ]
    services.warnings_recompute(ids)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("dispatch:warnings"))
    assert len(response.context["warnings"]) == 17
    assert len(many) == len(few)


def test_a_project_not_yet_evaluated_says_so(world):
    body = (
        login(world.econ)
        .get(reverse("projects:detail", args=[world.invest_project.pk]))
        .content.decode()
    )
    assert "尚未评估" in body and "暂无变化" in body
