"""The demo's 招商 data: the seed page's chains, 屯留's 2025 results, a real funnel shape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zonedesk.demo import build_demo
from zonedesk.investment import services
from zonedesk.investment.models import Chain, Lead, LeadStage, TargetEnterprise
from zonedesk.investment.selectors import Period, funnel
from zonedesk.zones.models import Zone


@pytest.fixture
def demo(db):
    return build_demo(projects_in_main_zone=20)


def test_the_demo_has_the_seed_pages_chains_and_tunliu_results(demo):
    yq = Zone.objects.get(short_name="阳泉高新区")
    tl = Zone.objects.get(short_name="屯留经开区")
    assert {"新能源电池", "数字经济", "泵阀装备"} <= set(
        Chain.objects.filter(zone=yq).values_list("name", flat=True)
    )
    assert set(Chain.objects.filter(zone=tl).values_list("name", flat=True)) == {
        "装备制造",
        "固废利用",
        "生物医药",
    }
    result = funnel(demo["city"], period=Period(2025), zone_ids=[tl.pk])
    assert (result.total.signed, result.total.signed_amount) == (41, Decimal("976300"))
    assert result.total.started == 19
    started = Lead.objects.filter(zone=tl, signed_date__year=2025, stage=LeadStage.STARTED)
    assert sum(lead.contract_amount for lead in started) == Decimal("301200")
    assert Lead.objects.filter(zone=tl, producing_date__year=2025).count() == 31
    assert Lead.objects.filter(zone=tl).count() > 100


def test_the_demo_funnel_of_the_main_zone_has_every_stage(demo):
    year = timezone.localdate().year
    result = funnel(demo["invest"], period=Period(year))
    counts = [n for _s, _l, n in result.stages]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[3] > 0
    assert result.total.signed > 0 and result.total.target_count
    assert TargetEnterprise.objects.filter(lead__isnull=False).exists()
    seed = Lead.objects.get(name="新能源电池产业园正极材料项目")
    assert seed.project is not None and seed.node.name == "正极材料"


def test_the_demo_data_passes_the_products_own_rules(demo):
    for lead in Lead.objects.select_related("zone", "node__chain", "team", "owner", "event")[:400]:
        services.validate_lead(lead)
    assert not Lead.objects.filter(opened_on__gt=timezone.localdate()).exists()
    assert not Lead.objects.filter(signed_date__gt=timezone.localdate()).exists()
    assert (
        dt.date(2025, 1, 1)
        <= Lead.objects.filter(zone__short_name="屯留经开区", signed_date__isnull=False)
        .order_by("signed_date")
        .last()
        .signed_date
    )
