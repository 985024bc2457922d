"""Helpers for the reports tests: a zone with two finished weeks of reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import make_project
from tests.dispatch.conftest import add_report, closed_period, open_period
from zonedesk.dispatch.models import ProgressReport
from zonedesk.projects.models import Level, Stage


class Week:
    pass


@pytest.fixture
def week(world) -> Week:
    """Two closed weeks (`before`, `last`) and the running one (`current`) in zone A, with:
    - world.project (智算中心, 省重点, plan 12000): 3000 last week, 3600 this week;
    - world.invest_project (储能电池, 区重点, plan 12000): reported 100 once, last week;
    - a project planned to start 30 days ago that has not started;
    - a project planned to complete 20 days ago, still 在建, never reported."""
    w = Week()
    w.world = world
    today = timezone.localdate()
    w.before = closed_period(world.zone, weeks_back=2)
    w.last = closed_period(world.zone, weeks_back=1)
    w.current = open_period(world.zone)
    world.project.level = Level.PROVINCE
    world.project.save(update_fields=["level"])
    add_report(world.project, w.before, world.unit, year="3000", total="8000", this="500")
    add_report(world.project, w.last, world.unit, year="3600", total="8600", this="600")
    add_report(
        world.invest_project, w.before, world.other_unit, year="100", total="100", this="100"
    )
    w.late_start = make_project(
        world.zone,
        "物流园项目",
        department=world.invest_dept,
        unit=world.luda,
        code="YQ-003",
        stage=Stage.SIGNED,
        planned_start=today - dt.timedelta(days=30),
        actual_start=None,
        planned_completion=today + dt.timedelta(days=400),
        annual_plan_investment=Decimal("0"),
    )
    w.late_finish = make_project(
        world.zone,
        "道路提升工程",
        department=world.econ_dept,
        unit=world.kaichuang,
        code="YQ-004",
        planned_start=today - dt.timedelta(days=300),
        actual_start=today - dt.timedelta(days=290),
        planned_completion=today - dt.timedelta(days=20),
        annual_plan_investment=Decimal("5000"),
        total=Decimal("150000"),
    )
    return w


__all__ = ["ProgressReport", "Week", "add_report"]
