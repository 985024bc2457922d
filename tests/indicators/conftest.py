"""Indicator fixtures: the shipped catalogue, and helpers to publish figures and set targets."""

from __future__ import annotations

import json
import secrets
from decimal import Decimal

import pytest
from django.test import Client

from zonedesk.accounts.models import ApiToken
from zonedesk.indicators.defaults import install_default_catalogue
from zonedesk.indicators.models import Indicator, IndicatorValue, Target


@pytest.fixture
def catalogue(db) -> dict[str, Indicator]:
    install_default_catalogue(Indicator)
    return {i.code: i for i in Indicator.objects.filter(zone__isnull=True)}


def publish(zone, ind, year, month, value=None, growth=None, **extra) -> IndicatorValue:
    return IndicatorValue.objects.create(
        zone=zone,
        indicator=ind,
        year=year,
        month=month,
        value=None if value is None else Decimal(str(value)),
        growth=None if growth is None else Decimal(str(growth)),
        **extra,
    )


def target(zone, ind, year, assessor="city", value=None, growth=None, weight=None) -> Target:
    return Target.objects.create(
        zone=zone,
        indicator=ind,
        year=year,
        assessor=assessor,
        target_value=None if value is None else Decimal(str(value)),
        target_growth=None if growth is None else Decimal(str(growth)),
        weight=weight,
    )


def api(user) -> Client:
    key = secrets.token_urlsafe(16)
    ApiToken.objects.create(user=user, prefix=key[:8], key_hash=ApiToken.hash_key(key))
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def send(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
