"""Key projects against the official 固定资产投资: the register's approved figures beside the
published series, 纳统 projects of 500万 and more apart; and key-project completion by zone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tests.conftest import make_project
from tests.dispatch.conftest import add_report
from tests.indicators.conftest import publish
from zonedesk.dispatch.models import ProgressReport, ReportingPeriod
from zonedesk.indicators.selectors import fai_comparison, project_progress_by_zone


def month_period(zone, year, month) -> ReportingPeriod:
    start = dt.date(year, month, 1)
    end = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return ReportingPeriod.objects.create(
        zone=zone, kind="monthly", start=start, end=end, deadline=timezone.now()
    )


def test_the_register_s_figures_stand_beside_the_official_series(world, catalogue):
    world.project.in_statistics, world.project.statistics_date = True, dt.date(2025, 4, 1)
    world.project.save()
    small = make_project(world.zone, "小型技改", department=world.econ_dept, code="YQ-009",
                         total=Decimal("300"), in_statistics=True, statistics_date=dt.date(2025, 4, 1))  # fmt: skip
    march, april = month_period(world.zone, 2026, 3), month_period(world.zone, 2026, 4)
    add_report(world.project, march, world.econ, year="3000")
    add_report(world.project, april, world.econ, year="4500")
    add_report(world.invest_project, march, world.econ, year="1000")  # not 纳统
    add_report(small, march, world.econ, year="200")  # 纳统 but under 500万
    add_report(
        world.invest_project,
        april,
        world.econ,
        year="9999",
        total="20000",
        status=ProgressReport.Status.SUBMITTED,
    )
    publish(world.zone, catalogue["FAI"], 2026, 3, value="1.2", growth="5")
    rows = {r.month: r for r in fai_comparison(world.zone, 2026)}
    assert rows[3].official_wan == Decimal("12000")
    assert rows[3].projects_all == Decimal("4200") and rows[3].projects_counted == Decimal("3000")
    assert rows[3].gap == Decimal("9000") and rows[3].counted_share == Decimal("25.00")
    assert rows[4].official is None and rows[4].projects_counted == Decimal("4500")
    assert rows[4].projects_all == Decimal("5700")  # the submitted, unapproved report is left out


def test_key_project_completion_by_zone(world):
    march = month_period(world.zone, 2026, 3)
    add_report(world.project, march, world.econ, year="3000")
    add_report(world.invest_project, march, world.econ, year="1200")
    out = project_progress_by_zone([world.zone.pk, world.other_zone.pk], 2026, 3)
    assert out[world.zone.pk] == {"plan": Decimal("24000"), "done": Decimal("4200"), "count": 2}
    assert out[world.other_zone.pk]["done"] == 0
    assert project_progress_by_zone([world.zone.pk], 2026, 2)[world.zone.pk]["done"] == 0
