"""Reporting periods: week / 旬 / month arithmetic, automatic creation, closing at the deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.dispatch.conftest import closed_period, open_period
from zonedesk.dispatch import periods, services
from zonedesk.dispatch.models import DispatchSettings, ReportingPeriod


@pytest.mark.parametrize(
    ("kind", "day", "bounds", "label"),
    [
        (
            "weekly",
            dt.date(2026, 11, 22),
            (dt.date(2026, 11, 21), dt.date(2026, 11, 27)),
            "2026年第48周（11月21日—11月27日）",
        ),
        (
            "weekly",
            dt.date(2026, 11, 20),
            (dt.date(2026, 11, 14), dt.date(2026, 11, 20)),
            "2026年第47周（11月14日—11月20日）",
        ),
        (
            "dekad",
            dt.date(2026, 2, 25),
            (dt.date(2026, 2, 21), dt.date(2026, 2, 28)),
            "2026年2月下旬",
        ),
        (
            "dekad",
            dt.date(2026, 2, 11),
            (dt.date(2026, 2, 11), dt.date(2026, 2, 20)),
            "2026年2月中旬",
        ),
        (
            "dekad",
            dt.date(2026, 2, 1),
            (dt.date(2026, 2, 1), dt.date(2026, 2, 10)),
            "2026年2月上旬",
        ),
        ("monthly", dt.date(2028, 2, 14), (dt.date(2028, 2, 1), dt.date(2028, 2, 29)), "2028年2月"),
    ],
)
def test_period_bounds_and_labels(kind, day, bounds, label):
    assert periods.period_bounds(kind, day, week_end_weekday=4) == bounds
    assert periods.period_label(kind, *bounds) == label


def test_a_period_clipped_by_a_change_of_rhythm_is_named_by_its_dates():
    assert (
        periods.period_label("monthly", dt.date(2026, 11, 28), dt.date(2026, 11, 30))
        == "2026年11月28日—11月30日"
    )


def test_periods_are_created_weekly_by_default_and_close_at_the_deadline(world):
    today = dt.date(2026, 11, 18)  # a Wednesday
    period = services.periods_ensure(zone=world.zone, today=today)
    assert (period.start, period.end, period.kind) == (
        dt.date(2026, 11, 14),
        dt.date(2026, 11, 20),
        "weekly",
    )
    deadline = timezone.localtime(period.deadline)
    assert (deadline.date(), deadline.hour) == (dt.date(2026, 11, 20), 17)
    assert services.periods_ensure(zone=world.zone, today=today) == period  # created once
    assert period.is_closed  # its deadline, 20 November 2026 17:00, is in the past


def test_gaps_are_filled_so_missed_periods_are_consecutive(world):
    services.periods_ensure(zone=world.zone, today=dt.date(2026, 10, 1))
    services.periods_ensure(zone=world.zone, today=dt.date(2026, 10, 30))
    starts = list(
        ReportingPeriod.objects.filter(zone=world.zone)
        .order_by("start")
        .values_list("start", flat=True)
    )
    assert starts == [
        dt.date(2026, 9, 26),
        dt.date(2026, 10, 3),
        dt.date(2026, 10, 10),
        dt.date(2026, 10, 17),
        dt.date(2026, 10, 24),
    ]


def test_the_zone_settings_choose_the_rhythm_and_deadline(world):
    DispatchSettings.objects.create(
        zone=world.zone, period_kind="monthly", deadline_hour=12, deadline_days_after=5
    )
    period = services.periods_ensure(zone=world.zone, today=dt.date(2026, 11, 18))
    assert (period.start, period.end, period.label) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
        "2026年11月",
    )
    deadline = timezone.localtime(period.deadline)
    assert (deadline.date(), deadline.hour) == (dt.date(2026, 12, 5), 12)


def test_a_new_rhythm_starts_after_the_last_existing_period(world):
    services.periods_ensure(zone=world.zone, today=dt.date(2026, 11, 18))  # weekly, to 20 November
    DispatchSettings.objects.create(zone=world.zone, period_kind="dekad")
    period = services.periods_ensure(zone=world.zone, today=dt.date(2026, 11, 22))
    assert (period.start, period.end) == (dt.date(2026, 11, 21), dt.date(2026, 11, 30))
    assert period.label == "2026年11月下旬"


def test_the_filling_period_moves_on_once_the_current_one_has_closed(world):
    closed = open_period(world.zone)
    ReportingPeriod.objects.filter(pk=closed.pk).update(
        deadline=timezone.now() - dt.timedelta(hours=1)
    )
    [period] = services.periods_open(zone=world.zone)
    assert period.start == closed.end + dt.timedelta(days=1)
    assert not period.is_closed


def test_an_earlier_period_still_open_comes_first(world):
    earlier = closed_period(world.zone)
    ReportingPeriod.objects.filter(pk=earlier.pk).update(
        deadline=timezone.now() + dt.timedelta(hours=5)
    )
    current = open_period(world.zone)
    assert [p.pk for p in services.periods_open(zone=world.zone)] == [earlier.pk, current.pk]


def test_the_command_ensures_periods_and_refreshes_warnings(world, capsys):
    call_command("ensure_periods")
    out = capsys.readouterr().out
    assert "阳泉高新区：当前期次" in out and "屯留经开区" in out
    assert ReportingPeriod.objects.filter(zone=world.zone).count() == 1
    assert world.project.warning.colour in ("red", "amber", "green")
