"""Demo indicators: three years of monthly figures and this year's targets for every demo zone.

The seed page (科学导报's development-zone page) publishes no monthly series, so the monthly
figures are generated, deterministic and plausible for each zone's size. Where the page does give
figures they are entered as the zones' own indicators, exactly as printed: 神池示范区 "累计入驻企业
55家", "累计完成固定资产投资23.46亿元", "固定资产投资年均增速134.2%"; 屯留经开区 2025年 "新签约项目
41个，总投资额97.63亿元；签约并开工项目19个，投资额30.12亿元；投产项目31个".
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from zonedesk.zones.models import Zone

from .defaults import install_default_catalogue
from .models import Assessor, Indicator, IndicatorValue, ScorecardSettings, Target

# Annual size of each series for a zone of scale 1 (in the indicator's unit).
BASE = {
    "IOUT": 180, "FAI": 45, "FAI_IND": 27, "FAI_PROJ": 38, "RETAIL": 30, "BUDGET": 62000,
    "TAX": 47000, "TRADE": 85000, "FDI": 1800, "OUTSIDE": 24, "POWER": 95000, "HNTE": 48,
    "RD": 36000,
}  # fmt: skip
SCALE = {
    "阳泉高新区": 1.0, "综改示范区": 3.2, "屯留经开区": 0.7, "神池示范区": 0.25, "临汾经开区": 1.3,
    "上党经开区": 0.8, "太谷经开区": 0.6,
}  # fmt: skip
# Seasonal share of the year's total by the end of month m (cumulative), typical of FAI.
SEASON = [0.03, 0.08, 0.16, 0.25, 0.34, 0.45, 0.54, 0.63, 0.72, 0.81, 0.90, 1.0]

SEED_OWN = {
    "神池示范区": [
        # code, name, unit, kind, year, month, value, growth, note
        ("SC_ENT", "累计入驻企业数", "家", "point", 2025, 12, Decimal("55"), None,
         "科学导报：截至目前示范区累计入驻企业55家"),
        ("SC_FAI_TOTAL", "建区以来累计完成固定资产投资", "亿元", "point", 2025, 12, Decimal("23.46"),
         None, "科学导报：示范区累计完成固定资产投资23.46亿元"),
        ("SC_FAI_AVG", "固定资产投资年均增速", "%", "point", 2025, 12, None, Decimal("134.2"),
         "科学导报：固定资产投资年均增速高达134.2%（按公布数存储，不重新计算）"),
    ],
    "屯留经开区": [
        ("TL_SIGNED", "新签约项目数", "个", "cumulative", 2025, 12, Decimal("41"), None,
         "科学导报：2025年经开区新签约项目41个"),
        ("TL_SIGNED_AMT", "新签约项目总投资", "亿元", "cumulative", 2025, 12, Decimal("97.63"), None,
         "科学导报：总投资额97.63亿元"),
        ("TL_STARTED", "签约并开工项目数", "个", "cumulative", 2025, 12, Decimal("19"), None,
         "科学导报：签约并开工项目19个，投资额30.12亿元"),
        ("TL_PRODUCING", "投产项目数", "个", "cumulative", 2025, 12, Decimal("31"), None,
         "科学导报：投产项目31个"),
    ],
}  # fmt: skip


def _q(value: float, places: int = 2) -> Decimal:
    return Decimal(str(round(value, places)))


def build_indicators_demo(*, seed: int = 2026, today: dt.date | None = None) -> int:
    """Figures for every demo zone: two full previous years and this year to last month.
    Returns the number of figures made."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    install_default_catalogue(Indicator)
    shipped = list(Indicator.objects.filter(zone__isnull=True))
    zones = list(Zone.objects.filter(parent__isnull=True).order_by("id"))
    this_year, last_month = today.year, today.month - 1
    if last_month == 0:
        this_year, last_month = today.year - 1, 12
    values: list[IndicatorValue] = []
    targets: list[Target] = []
    for zone in zones:
        scale = SCALE.get(zone.label, 0.5 + rng.random())
        zone_growth = rng.uniform(-2, 9)  # how well this zone does this year
        previous_total: dict[str, float] = {}
        for year in (this_year - 2, this_year - 1, this_year):
            months = range(1, 13) if year < this_year else range(1, last_month + 1)
            for ind in shipped:
                base = BASE.get(ind.code, 10) * scale
                trend = 1 + (year - this_year) * 0.07
                total = base * trend
                growth_base = 6 + (zone_growth if year == this_year else rng.uniform(-1, 6))
                for m in months:
                    if m not in ind.months():
                        continue
                    g = growth_base + rng.uniform(-1.5, 1.5)
                    if ind.code == "IVA":
                        values.append(_value(zone, ind, year, m, None, _q(g, 1)))
                        continue
                    if ind.kind == Indicator.Kind.POINT:
                        level = round(total * (0.9 + 0.1 * m / 12))
                        values.append(_value(zone, ind, year, m, Decimal(level), None))
                        continue
                    cum = total * (1 + g / 100 - 0.06) * SEASON[m - 1]
                    values.append(
                        _value(
                            zone, ind, year, m, _q(cum, 2 if ind.unit == "亿元" else 0), _q(g, 1)
                        )
                    )
                previous_total[ind.code] = total
        # This year's targets: the city sets growth and level targets, the province a few with weights.
        for ind in shipped:
            prev = previous_total.get(ind.code, 0)
            if ind.code in ("IVA", "FAI", "RETAIL", "BUDGET", "IOUT", "OUTSIDE"):
                growth = Decimal({"IVA": "7.0", "FAI": "8.0", "RETAIL": "6.0"}.get(ind.code, "7.5"))
                value = None
                if ind.has_level and ind.code in ("BUDGET", "OUTSIDE", "IOUT"):
                    value = _q(prev * 1.13, 2 if ind.unit == "亿元" else 0)
                targets.append(Target(zone=zone, indicator=ind, year=this_year, assessor=Assessor.CITY,
                                      target_value=value, target_growth=growth if ind.has_growth else None))  # fmt: skip
            if ind.code in ("IVA", "FAI", "FDI", "HNTE"):
                targets.append(
                    Target(
                        zone=zone, indicator=ind, year=this_year, assessor=Assessor.PROVINCE,
                        target_growth=Decimal("6.5") if ind.code in ("IVA", "FAI", "FDI") else None,
                        target_value=_q(prev * 1.15, 0) if ind.code == "HNTE" else None,
                        weight=Decimal({"IVA": "10", "FAI": "10", "FDI": "6", "HNTE": "5"}[ind.code]),
                    )
                )  # fmt: skip
        ScorecardSettings.objects.get_or_create(zone=zone)
        for code, name, unit, kind, year, month, value, growth, note in SEED_OWN.get(
            zone.label, []
        ):
            own = Indicator.objects.create(
                zone=zone, code=code, name=name, unit=unit, kind=kind, frequency="annual",
                has_level=value is not None, has_growth=growth is not None, note=note, sort_order=900,
            )  # fmt: skip
            values.append(_value(zone, own, year, month, value, growth, source="科学导报"))
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    Target.objects.bulk_create(targets, batch_size=2000)
    return len(values)


def _value(zone, ind, year, month, value, growth, source="市统计局") -> IndicatorValue:
    published = dt.date(year, month, 1) + dt.timedelta(days=48)
    return IndicatorValue(
        zone=zone, indicator=ind, year=year, month=month, value=value, growth=growth,
        source=source, published_on=published.replace(day=18),
    )  # fmt: skip
