"""Helpers for the dispatch tests: periods placed around today, reports, and an API client."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from zonedesk.accounts.models import ApiToken
from zonedesk.dispatch import services
from zonedesk.dispatch.models import ProgressReport, ReportingPeriod


def make_period(
    zone, *, days_ago_start: int, length: int = 7, closes_in: dt.timedelta, kind: str = "weekly"
) -> ReportingPeriod:
    """A period that started `days_ago_start` days ago and closes `closes_in` from now."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=days_ago_start)
    return ReportingPeriod.objects.create(
        zone=zone,
        kind=kind,
        start=start,
        end=start + dt.timedelta(days=length - 1),
        deadline=timezone.now() + closes_in,
    )


def open_period(zone) -> ReportingPeriod:
    """The period containing today, closing tomorrow."""
    return make_period(zone, days_ago_start=3, closes_in=dt.timedelta(days=1))


def closed_period(zone, weeks_back: int = 1) -> ReportingPeriod:
    """A finished week `weeks_back` weeks before the open one, closed an hour after it ended."""
    return make_period(
        zone, days_ago_start=3 + 7 * weeks_back, closes_in=-dt.timedelta(days=7 * weeks_back - 1)
    )


def figures(this=None, year=None, total=None, **extra) -> dict:
    values = {
        "invested_period": Decimal(this if this is not None else "500"),
        "invested_year": Decimal(year if year is not None else "3000"),
        "invested_total": Decimal(total if total is not None else "8000"),
        "image_progress": "主体结构施工至三层",
        "percent_complete": Decimal("35"),
        "problems": "",
        "next_plan": "完成四层主体",
    }
    values.update(extra)
    return values


def file_report(project, period, by, *, submit=True, version=0, **values) -> ProgressReport:
    row = services.ReportInput(project=project, values=figures(**values), expected_version=version)
    return services.progress_reports_save(period=period, rows=[row], by=by, submit=submit)[0]


def add_report(
    project, period, by, *, status=ProgressReport.Status.APPROVED, **values
) -> ProgressReport:
    """A report written straight to the table (for history the test does not walk through)."""
    return ProgressReport.objects.create(
        project=project, period=period, created_by=by, status=status, **figures(**values)
    )


@pytest.fixture
def api_client(settings):
    """A bearer-token client for /api/dispatch/…, whether or not the lead has mounted the router
    on the site API yet (tests/dispatch/api_urls.py mounts it on a test API otherwise)."""
    settings.ROOT_URLCONF = "tests.dispatch.api_urls"

    def make(user) -> Client:
        key = secrets.token_urlsafe(16)
        ApiToken.objects.create(user=user, prefix=key[:8], key_hash=ApiToken.hash_key(key))
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    return make


def send(client, method, url, body):
    return getattr(client, method)(
        url, data=json.dumps(body, default=str), content_type="application/json"
    )


def raise_blocker(project, by, *, days_ago: int = 0, deadline_in: int = 10, **data):
    """A blocker raised `days_ago` days ago with its deadline `deadline_in` days after that."""
    from zonedesk.dispatch.models import BlockerCategory

    now = timezone.now() - dt.timedelta(days=days_ago)
    values = {
        "category": BlockerCategory.LAND,
        "description": "用地指标未落实，无法办理土地证",
        "deadline": timezone.localdate(now) + dt.timedelta(days=deadline_in),
    }
    values.update(data)
    return services.blocker_raise(project=project, by=by, data=values, now=now)


def past_meeting(zone, *, days_ago: int = 3, kind: str = "small", chair=None):
    from zonedesk.dispatch.models import Meeting

    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return Meeting.objects.create(zone=zone, kind=kind, date=day, chair=chair)
