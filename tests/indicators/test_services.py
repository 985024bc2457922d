"""Entering figures and targets: the rules of published figures, all-or-nothing saves, audit,
optimistic locking."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.indicators.conftest import publish
from zonedesk.accounts.models import AuditEvent
from zonedesk.indicators import services
from zonedesk.indicators.models import Indicator, IndicatorValue, Target
from zonedesk.projects.services import EditConflict

E = services.ValueEntry


def save(world, year, month, *entries):
    return services.values_save(
        zone=world.zone, year=year, month=month, entries=list(entries), by=world.econ
    )


def test_a_month_is_saved_with_its_audit_rows(world, catalogue):
    saved = save(
        world,
        2026,
        3,
        E(catalogue["FAI"], value=Decimal("12.5"), growth=Decimal("-3.2"), source="市统计局"),
    )
    assert saved[0].growth == Decimal("-3.2") and saved[0].entered_by == world.econ
    event = AuditEvent.objects.get(object_type="indicators.indicatorvalue")
    assert event.actor == world.econ and "2026年1-3月" in event.note


def test_january_is_refused_for_series_first_published_for_january_february(world, catalogue):
    with pytest.raises(ValidationError) as exc:
        save(world, 2026, 1, E(catalogue["FAI"], value=Decimal("1")))
    assert "1月不单独发布" in str(exc.value) and "1-2月" in str(exc.value)
    save(world, 2026, 1, E(catalogue["BUDGET"], value=Decimal("5000")))  # budget revenue: fine


def test_growth_only_series_refuse_a_level_and_annual_ones_refuse_months(world, catalogue):
    with pytest.raises(ValidationError, match="只发布增速"):
        save(world, 2026, 3, E(catalogue["IVA"], value=Decimal("10")))
    with pytest.raises(ValidationError, match="年度指标只在年末"):
        save(world, 2026, 6, E(catalogue["RD"], value=Decimal("10")))


def test_a_cumulative_figure_may_not_fall_without_a_correction_note(world, catalogue):
    budget = catalogue["BUDGET"]
    publish(world.zone, budget, 2026, 4, value=2000)
    with pytest.raises(ValidationError) as exc:
        save(world, 2026, 5, E(budget, value=Decimal("1900")))
    assert "累计数不应下降" in str(exc.value) and "2026年1-4月" in str(exc.value)
    save(world, 2026, 5, E(budget, value=Decimal("1900"), note="市统计局更正4月数"))
    assert IndicatorValue.objects.get(month=5).note == "市统计局更正4月数"


def test_one_bad_figure_saves_nothing(world, catalogue):
    with pytest.raises(ValidationError):
        save(
            world,
            2026,
            3,
            E(catalogue["BUDGET"], value=Decimal("10")),
            E(catalogue["FAI"], value=Decimal("-1")),
        )
    assert not IndicatorValue.objects.exists()


def test_a_stale_edit_conflicts(world, catalogue):
    v = publish(world.zone, catalogue["BUDGET"], 2026, 3, value=100)
    save(world, 2026, 3, E(catalogue["BUDGET"], value=Decimal("120"), version=v.version))
    with pytest.raises(EditConflict):
        save(world, 2026, 3, E(catalogue["BUDGET"], value=Decimal("130"), version=v.version))


def test_targets_are_set_per_assessor_and_replaced_with_history(world, catalogue):
    fai = catalogue["FAI"]
    t = services.target_save(
        zone=world.zone,
        indicator=fai,
        year=2026,
        assessor="city",
        by=world.econ,
        target_growth=Decimal("8"),
    )
    services.target_save(
        zone=world.zone,
        indicator=fai,
        year=2026,
        assessor="province",
        by=world.econ,
        target_growth=Decimal("6.5"),
        weight=Decimal("10"),
    )
    services.target_save(
        zone=world.zone,
        indicator=fai,
        year=2026,
        assessor="city",
        by=world.econ,
        target_growth=Decimal("9"),
        expected_version=t.version,
    )
    assert Target.objects.count() == 2
    assert Target.objects.get(assessor="city").version == 2
    change = (
        AuditEvent.objects.filter(object_type="indicators.target").order_by("id").last().changes[0]
    )
    assert change["old"] == "8.00" and change["new"] == "9.00"
    with pytest.raises(ValidationError, match="只发布增速"):
        services.target_save(
            zone=world.zone,
            indicator=catalogue["IVA"],
            year=2026,
            assessor="city",
            by=world.econ,
            target_value=Decimal("1"),
        )


def test_a_zone_adds_its_own_indicator_but_cannot_change_shipped_ones(world, catalogue):
    own = services.indicator_save(
        zone=world.zone,
        by=world.econ,
        data={"code": "YQ_PARK", "name": "园区入驻企业数", "unit": "家", "kind": "point"},
    )
    assert own.zone == world.zone
    with pytest.raises(ValidationError, match="已被使用"):
        services.indicator_save(zone=world.zone, by=world.econ, data={"code": "FAI", "name": "x"})
    with pytest.raises(ValidationError, match="全省通用指标不能修改"):
        services.indicator_save(
            zone=world.zone, by=world.econ, data={"name": "改名"}, indicator=catalogue["FAI"]
        )
    # Another zone does not see it.
    assert not Indicator.objects.filter(zone=world.other_zone).exists()
