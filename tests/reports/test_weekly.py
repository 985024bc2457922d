"""The weekly dispatch report (调度周报): figures, lag lists, week-over-week, snapshots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tests.dispatch.conftest import add_report
from zonedesk.dispatch import warnings as rules
from zonedesk.dispatch.models import ProgressReport
from zonedesk.projects.models import Stage
from zonedesk.reports import services
from zonedesk.reports.models import ReportSnapshot
from zonedesk.reports.selectors import compute_weekly_report, report_as_of


def names(rows):
    return [r["name"] for r in rows]


def test_it_totals_by_level_and_stage_with_completion_against_schedule(week):
    w = week.world
    data = compute_weekly_report(w.zone, week.last)
    as_of = dt.date.fromisoformat(data["as_of"])
    assert as_of == week.last.end
    share = rules.schedule_share(as_of)
    assert data["schedule_share"] == str(share.quantize(Decimal("0.1")))

    totals = data["totals"]
    assert totals["count"] == 4
    assert totals["total_investment"] == "300000.00"  # 3 × 50000 + 150000
    assert totals["annual_plan"] == "29000.00"  # 12000 + 12000 + 0 + 5000
    # 智算中心's latest report is this week's 3600; 储能电池's is last week's 100.
    assert totals["invested_year"] == "3700.00"
    rate = Decimal(3700) * 100 / Decimal(29000)
    assert totals["rate"] == str(rate.quantize(Decimal("0.1")))
    assert totals["gap"] == str((rate - share).quantize(Decimal("0.1")))

    by_level = {g["key"]: g for g in data["by_level"]}
    assert by_level["province"]["count"] == 1
    assert by_level["province"]["invested_year"] == "3600.00"
    assert by_level["province"]["rate"] == "30.0"
    assert by_level["district"]["count"] == 3
    by_stage = {g["key"]: g["count"] for g in data["by_stage"]}
    assert by_stage == {Stage.SIGNED: 1, Stage.CONSTRUCTION: 3}
    assert data["invested_period"] == "600.00"


def test_it_lists_the_three_kinds_of_lagging_project(week):
    w = week.world
    data = compute_weekly_report(w.zone, week.last)
    lags = data["lags"]
    assert names(lags["start_overdue"]["rows"]) == ["物流园项目"]
    start_row = lags["start_overdue"]["rows"][0]
    assert start_row["days_late"] == (week.last.end - week.late_start.planned_start).days
    assert start_row["unit"] == "路达市政"
    assert names(lags["completion_overdue"]["rows"]) == ["道路提升工程"]
    # Every started project is far behind a November schedule with these small figures.
    assert set(names(lags["behind_schedule"]["rows"])) == {
        "智算中心项目",
        "储能电池项目",
        "道路提升工程",
    }
    behind = {r["name"]: r for r in lags["behind_schedule"]["rows"]}
    assert behind["智算中心项目"]["rate"] == "30.0"
    assert behind["智算中心项目"]["image_progress"] == "主体结构施工至三层"


def test_a_project_on_schedule_is_not_behind(week):
    w = week.world
    # 12000 × the schedule share is what 智算中心 should have done; report more than that.
    add_report(w.project, week.current, w.unit, year="11990", total="16990", this="8390")
    data = compute_weekly_report(w.zone, week.current)
    assert "智算中心项目" not in names(data["lags"]["behind_schedule"]["rows"])


def test_starts_against_plan_give_the_start_rate(week):
    w = week.world
    today = timezone.localdate()
    w.invest_project.planned_start = dt.date(today.year, 1, 10)
    w.invest_project.actual_start = dt.date(today.year, 1, 20)
    w.invest_project.save(update_fields=["planned_start", "actual_start"])
    data = compute_weekly_report(w.zone, week.last)
    start = data["starts"]["start"]
    # Planned this year: 储能电池 (started), 物流园 (not), 道路提升 (started, if this year).
    planned = [p for p in (w.invest_project, week.late_start, week.late_finish)
               if p.planned_start.year == today.year]  # fmt: skip
    done = [p for p in planned if p.actual_start and p.actual_start <= week.last.end]
    assert start["planned"] == len(planned)
    assert start["done"] == len(done)
    assert start["rate"] == str((Decimal(len(done)) * 100 / len(planned)).quantize(Decimal("0.1")))


def test_reporting_lists_the_projects_that_did_not_report(week):
    w = week.world
    data = compute_weekly_report(w.zone, week.last)
    r = data["reporting"]
    assert (r["expected"], r["reported"], r["missing"]) == (3, 1, 2)
    assert set(names(r["missing_rows"])) == {"储能电池项目", "道路提升工程"}


def test_week_over_week_shows_what_changed(week):
    w = week.world
    data = compute_weekly_report(w.zone, week.last)
    wow = data["wow"]
    assert wow["previous_period"]["id"] == week.before.pk
    assert wow["invested_year_previous"] == "3100.00"
    assert wow["invested_year_delta"] == "600.00"
    assert wow["invested_period_previous"] == "600.00"  # 500 + 100
    assert wow["reported_delta"] == 1 - 2
    # The late start was already late the week before; nothing added or cleared.
    assert wow["lags"]["start_overdue"]["added"] == []


def test_a_lag_that_appeared_this_week_is_listed_as_new(week):
    w = week.world
    w.invest_project.planned_completion = week.last.start + dt.timedelta(days=1)
    w.invest_project.save(update_fields=["planned_completion"])
    wow = compute_weekly_report(w.zone, week.last)["wow"]
    assert wow["lags"]["completion_overdue"]["added"] == ["储能电池项目"]


def test_a_running_period_is_evaluated_on_today(week):
    today = timezone.localdate()
    assert report_as_of(week.current, today) == today
    data = services.weekly_report_for(week.current)
    assert data["frozen"] is False
    assert data["as_of"] == today.isoformat()
    assert not ReportSnapshot.objects.exists()


def test_a_closed_period_is_frozen_and_reads_the_same_after_the_data_change(week):
    w = week.world
    first = services.weekly_report_for(week.last)
    assert first["frozen"] is True
    snapshot = ReportSnapshot.objects.get(period=week.last)
    assert snapshot.trigger == "首次查看时固化"

    # Afterwards: the report is returned and corrected, a project completes, one is archived.
    ProgressReport.objects.filter(project=w.project, period=week.last).update(
        invested_year=Decimal("9000"), invested_total=Decimal("14000")
    )
    week.late_finish.actual_completion = timezone.localdate()
    week.late_finish.stage = Stage.COMPLETED
    week.late_finish.save(update_fields=["actual_completion", "stage"])
    w.invest_project.archived_at = timezone.now()
    w.invest_project.save(update_fields=["archived_at"])

    again = services.weekly_report_for(week.last)
    assert again == first
    live = compute_weekly_report(w.zone, week.last)
    assert live["totals"]["invested_year"] != first["totals"]["invested_year"]
    assert ReportSnapshot.objects.count() == 1


def test_the_freeze_command_freezes_every_closed_period_once(week):
    from django.core.management import call_command

    call_command("reports_freeze", stdout=open("/dev/null", "w"))  # noqa: SIM115
    frozen = set(ReportSnapshot.objects.values_list("period_id", flat=True))
    assert frozen == {week.before.pk, week.last.pk}
    call_command("reports_freeze", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ReportSnapshot.objects.count() == 2
    snap = ReportSnapshot.objects.get(period=week.last)
    assert snap.trigger == "定时固化" and snap.frozen_by is None


def test_the_frozen_report_keeps_the_warning_colours_of_the_close(week):
    w = week.world
    data = services.weekly_report_for(week.last)
    # warnings were refreshed before freezing: the late projects are red.
    assert data["colours"]["red"] >= 2
    assert {"物流园项目", "道路提升工程"} <= set(names(data["red"]))
    assert all(r["reasons"] for r in data["red"])
    assert w.zone.pk == data["zone"]["id"]


def test_blockers_and_supervision_come_from_the_dispatch_module(week):
    data = compute_weekly_report(week.world.zone, week.last)
    assert data["blockers"] is not None
    assert data["blockers"]["opened"] == [] and data["blockers"]["open_count"] == 0
    assert data["supervision"] == {
        "open": 0,
        "overdue": 0,
        "done_in_window": 0,
        "overdue_items": [],
    }


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def test_blockers_opened_and_closed_in_the_period_and_overdue_supervision(week):
    from zonedesk.dispatch.models import Blocker, Meeting, SupervisionItem

    w = week.world
    inside = _at(week.last.start + dt.timedelta(days=1))
    before = _at(week.before.start)
    opened = Blocker.objects.create(
        zone=w.zone, project=w.project, category="land", description="用地指标未落实",
        raised_by=w.econ, raised_at=inside, department=w.econ_dept,
        deadline=week.last.end + dt.timedelta(days=30),
    )  # fmt: skip
    Blocker.objects.create(
        zone=w.zone, project=w.invest_project, category="power", description="电力增容",
        raised_by=w.invest, raised_at=before, department=w.invest_dept,
        deadline=week.before.end, status=Blocker.Status.RESOLVED, resolution_note="已送电",
        resolved_at=inside,
    )  # fmt: skip
    meeting = Meeting.objects.create(
        zone=w.zone, kind="small", date=week.before.end, chair=w.deputy
    )
    SupervisionItem.objects.create(
        meeting=meeting, zone=w.zone, seq=1, number="调度〔2026〕1号-1",
        content="协调落实用地指标", department=w.econ_dept, deadline=week.before.end,
        project=w.project, created_by=w.leader,
    )  # fmt: skip
    data = compute_weekly_report(w.zone, week.last)
    b = data["blockers"]
    assert [x["title"] for x in b["opened"]] == ["用地指标未落实"]
    assert b["opened"][0]["category"] == "用地" and b["opened"][0]["project"] == "智算中心项目"
    assert [x["title"] for x in b["closed"]] == ["电力增容"]
    assert b["open_count"] == 1
    assert opened.pk == b["opened"][0]["id"]
    s = data["supervision"]
    assert s["overdue"] == 1 and s["open"] == 1
    assert s["overdue_items"][0]["number"] == "调度〔2026〕1号-1"
    assert s["overdue_items"][0]["department"] == "经济发展部"
