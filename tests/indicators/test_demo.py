"""The demo's indicators and ledgers: several Shanxi zones with a year of figures and targets,
the seed page's own figures as printed, and a "5+2" campaign with items in every state."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zonedesk.demo import build_demo
from zonedesk.indicators.models import Indicator, IndicatorValue, Target
from zonedesk.indicators.selectors import default_period, scorecard
from zonedesk.ledgers.models import Campaign, ItemEvent, LedgerItem, Status
from zonedesk.zones.models import Zone


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            users = build_demo()
            yield users
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_demo_zone_has_a_year_of_figures_and_targets(demo):
    zones = Zone.objects.filter(parent__isnull=True)
    assert zones.count() >= 7
    for zone in zones:
        year, month = default_period([zone.pk])
        months = set(
            IndicatorValue.objects.filter(zone=zone, year__gte=year - 1).values_list(
                "year", "month"
            )
        )
        assert len(months) >= 12, zone
        assert Target.objects.filter(zone=zone, year=year).count() >= 6
        lines = scorecard(zone, year, month)
        assert {line.colour for line in lines} - {"grey"}, zone


@pytest.mark.django_db
def test_the_seed_pages_figures_are_stored_as_printed(demo):
    shenchi = Zone.objects.get(short_name="神池示范区")
    avg = IndicatorValue.objects.get(zone=shenchi, indicator__code="SC_FAI_AVG")
    assert avg.growth == Decimal("134.2") and avg.value is None
    total = IndicatorValue.objects.get(zone=shenchi, indicator__code="SC_FAI_TOTAL")
    assert total.value == Decimal("23.46") and total.indicator.unit == "亿元"
    tunliu = Zone.objects.get(short_name="屯留经开区")
    signed = IndicatorValue.objects.get(zone=tunliu, indicator__code="TL_SIGNED_AMT", year=2025)
    assert signed.value == Decimal("97.63")
    assert Indicator.objects.get(zone=tunliu, code="TL_SIGNED").values.get().value == 41


@pytest.mark.django_db
def test_the_five_plus_two_campaign_has_items_in_every_state(demo):
    campaign = Campaign.objects.get(zone__short_name="阳泉高新区", name__contains="5+2")
    items = LedgerItem.objects.filter(campaign=campaign)
    assert set(items.values_list("status", flat=True)) == set(Status.values)
    assert ItemEvent.objects.filter(item__campaign=campaign, kind="check_failed").exists()
    assert items.filter(reopen_count__gt=0).exists()
    assert any(i.is_overdue for i in items)
    # Every closed item was checked by somebody outside the department that fixed it.
    for item in items.filter(status=Status.CLOSED).select_related("checked_by"):
        assert item.checked_by.department_id != item.responsible_department_id
    assert set(items.values_list("category", flat=True)) >= {"扬尘", "餐饮油烟", "劣质油品"}
