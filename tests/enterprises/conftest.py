"""Helpers for the enterprise tests: firms with valid credit codes, years of monthly figures and
a bearer-token API client."""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from zonedesk.accounts.models import ApiToken
from zonedesk.enterprises import services
from zonedesk.enterprises.models import Enterprise, MonthlyFigure
from zonedesk.lib.uscc import generate_uscc

_rng = random.Random(7)


def new_code(region: str = "140300") -> str:
    return generate_uscc(_rng, region=region)


def make_enterprise(zone, name: str, *, by=None, **data) -> Enterprise:
    defaults = {
        "industry_code": "3841",
        "founded_on": dt.date(2018, 5, 1),
        "land_area_mu": Decimal("50"),
        "tech_staff": 30,
        "high_tech_income_ratio": Decimal("70"),
        "ip_class1": 2,
        "ip_class2": 3,
        "total_assets": Decimal("8000"),
    }
    defaults.update(data)
    return services.enterprise_register(
        by=by,
        zone=zone,
        data=defaults,
        org_data={"name": name, "credit_code": new_code(zone.region_code or "140300")},
    )


def add_years(
    enterprise,
    years,
    *,
    revenue="500",
    rd="30",
    tax="25",
    output="550",
    electricity="40",
    employees=120,
    months=12,
) -> None:
    """Monthly figures written straight to the table (setup, not the behaviour under test)."""
    rows = []
    for year in years:
        for month in range(1, months + 1):
            rows.append(
                MonthlyFigure(
                    enterprise=enterprise, year=year, month=month, revenue=Decimal(revenue),
                    rd_spending=Decimal(rd), tax=Decimal(tax), output=Decimal(output),
                    electricity=Decimal(electricity), employees=employees,
                )
            )  # fmt: skip
    MonthlyFigure.objects.bulk_create(rows)


def last_years(n: int = 3) -> list[int]:
    year = timezone.localdate().year
    return [year - i for i in range(1, n + 1)]


@pytest.fixture
def firm(world):
    return make_enterprise(world.zone, "山西智能装备有限公司", by=world.econ)


@pytest.fixture
def other_firm(world):
    return make_enterprise(world.other_zone, "屯留鼎恒能源有限公司", by=world.other_staff)


@pytest.fixture
def api_client():
    def make(user) -> Client:
        key = secrets.token_urlsafe(32)
        ApiToken.objects.create(user=user, prefix=key[:8], key_hash=ApiToken.hash_key(key))
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    return make


def send(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
