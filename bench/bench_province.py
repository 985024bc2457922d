"""The view across zones at province scale: 100 zones, each with 300 projects, 1,000 enterprises
(zones.Organisation records), three years of monthly indicator values, this year's targets,
approved progress reports and a rectification ledger.

Builds its own SQLite database under var/bench/ (or uses DATABASE_URL), then times the
cross-zone pages through Django's test client (server time, no network) and counts SQL queries
for a viewer of 10 zones and a viewer of all 100, to show the count does not grow with zones.
Prints median and p95 per case.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zonedesk.settings")
(ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'province.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from zonedesk.accounts.models import Role, User  # noqa: E402
from zonedesk.demo import generate  # noqa: E402
from zonedesk.dispatch.models import ProgressReport, ReportingPeriod  # noqa: E402
from zonedesk.indicators.defaults import install_default_catalogue  # noqa: E402
from zonedesk.indicators.models import Indicator, IndicatorValue, Target  # noqa: E402
from zonedesk.ledgers.models import Campaign, LedgerItem  # noqa: E402
from zonedesk.projects.models import Project  # noqa: E402
from zonedesk.zones.models import Department, Organisation, Zone  # noqa: E402

ZONES, PER_ZONE, ENTERPRISES, RUNS = 100, 300, 1000, 15
YEAR = 2026
MONTH = 10  # figures published up to 1-10月


def ensure_data() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if Zone.objects.count() < ZONES:
        generate(zones=ZONES - Zone.objects.count(), projects_per_zone=PER_ZONE, seed=11)
        print(
            f"generated {Project.objects.count()} projects in {time.perf_counter() - started:.1f} s"
        )
    rng = random.Random(11)
    zones = list(Zone.objects.order_by("id"))
    if Organisation.objects.count() < ZONES * ENTERPRISES:
        for zone in zones:
            have = Organisation.objects.filter(zone=zone).count()
            Organisation.objects.bulk_create(
                [
                    Organisation(zone=zone, name=f"{zone.short_name}企业{i:04d}")
                    for i in range(have, ENTERPRISES)
                ],
                batch_size=2000,
            )
        print(f"organisations: {Organisation.objects.count()}")
    if not IndicatorValue.objects.exists():
        install_default_catalogue(Indicator)
        inds = list(Indicator.objects.filter(zone__isnull=True))
        values, targets = [], []
        for zone in zones:
            for year in (YEAR - 2, YEAR - 1, YEAR):
                for ind in inds:
                    for m in ind.months():
                        if year == YEAR and m > MONTH:
                            continue
                        values.append(IndicatorValue(
                            zone=zone, indicator=ind, year=year, month=m,
                            value=Decimal(m * 10 + rng.randint(0, 9)) if ind.has_level else None,
                            growth=Decimal(rng.randint(-50, 150)) / 10 if ind.has_growth else None,
                        ))  # fmt: skip
            for ind in inds:
                targets.append(Target(zone=zone, indicator=ind, year=YEAR, assessor="city",
                                      target_value=Decimal(150) if ind.has_level else None,
                                      target_growth=Decimal("7") if ind.has_growth else None))  # fmt: skip
        IndicatorValue.objects.bulk_create(values, batch_size=5000)
        Target.objects.bulk_create(targets, batch_size=5000)
        print(f"indicator values: {len(values)}")
    if not ProgressReport.objects.exists():
        creator = User.objects.filter(role=Role.LEADER).first()
        now = timezone.now()
        for zone in zones:
            with transaction.atomic():
                periods = []
                for m in (3, 6, 9, MONTH):
                    start = dt.date(YEAR, m, 1)
                    end = dt.date(YEAR, m + 1, 1) - dt.timedelta(days=1)
                    periods.append(ReportingPeriod(zone=zone, kind="monthly", start=start, end=end,
                                                   deadline=now))  # fmt: skip
                ReportingPeriod.objects.bulk_create(periods)
                reports = []
                for p in (
                    Project.objects.filter(zone=zone)
                    .exclude(annual_plan_investment=0)
                    .only("pk", "annual_plan_investment")
                ):
                    for i, period in enumerate(periods, start=1):
                        reports.append(ProgressReport(
                            period=period, project=p, status="approved", created_by=creator,
                            invested_year=p.annual_plan_investment * Decimal(i) / 5,
                                invested_period=p.annual_plan_investment / 5,
                                invested_total=p.annual_plan_investment * Decimal(i) / 5,
                                percent_complete=Decimal(i * 10),
                        ))  # fmt: skip
                ProgressReport.objects.bulk_create(reports, batch_size=2000)
        print(f"progress reports: {ProgressReport.objects.count()}")
    if not LedgerItem.objects.exists():
        creator = User.objects.filter(role=Role.LEADER).first()
        items = []
        for zone in zones:
            dept = Department.objects.filter(zone=zone).first()
            c = Campaign.objects.create(zone=zone, name="生态环境专项行动", lead_department=dept,
                                        start=dt.date(YEAR, 1, 1), created_by=creator)  # fmt: skip
            for i in range(50):
                closed = i % 3 == 0
                items.append(LedgerItem(
                    campaign=c, zone=zone, number=f"{i:03d}", problem="扬尘", place=f"点位{i % 17}",
                    category="扬尘", source="self", found_on=dt.date(YEAR, 2, 1), responsible_department=dept,
                    responsible_person="张三", measures="苫盖", deadline_class="short",
                    deadline=dt.date(YEAR, 3 + i % 10, 1), status="closed" if closed else "in_progress",
                    closed_on=dt.date(YEAR, 6, 1) if closed else None, created_by=creator,
                ))  # fmt: skip
        LedgerItem.objects.bulk_create(items, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"data ready in {time.perf_counter() - started:.1f} s")


def viewer(name: str, zones) -> Client:
    user = User.objects.filter(username=name).first() or User.objects.create_user(
        username=name, password=None, role=Role.VIEWER
    )
    user.viewer_zones.set(zones)
    client = Client()
    client.force_login(user)
    return client


def measure(label: str, client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    med = statistics.median(times)
    print(f"{label:<52} median {med:7.1f} ms   p95 {p95:7.1f} ms   queries {len(queries)}")
    return med, p95, len(queries)


def main() -> None:
    ensure_data()
    zones = list(Zone.objects.filter(parent__isnull=True).order_by("id"))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{connection.vendor}; {len(zones)} zones, {Project.objects.count()} projects, "
        f"{Organisation.objects.count()} organisations, {IndicatorValue.objects.count()} indicator values, "
        f"{ProgressReport.objects.count()} progress reports, {LedgerItem.objects.count()} ledger items"
    )
    few, every = viewer("bench-viewer-10", zones[:10]), viewer("bench-viewer-100", zones)
    pages = [
        ("跨区对比 /indicators/zones/", f"/indicators/zones/?year={YEAR}&month={MONTH}"),
        ("两区对比 /indicators/compare/", f"/indicators/compare/?a={zones[0].pk}&b={zones[1].pk}&year={YEAR}&month={MONTH}"),
        ("排名变化 /indicators/rank/", f"/indicators/rank/?zone={zones[0].pk}&year={YEAR}"),
        ("指标完成情况 /indicators/", f"/indicators/?zone={zones[0].pk}&year={YEAR}&month={MONTH}"),
        ("整改台账 /ledgers/", f"/ledgers/?zone={zones[0].pk}"),
        ("各区调度一览 /reports/zones/", "/reports/zones/"),
    ]  # fmt: skip
    for label, url in pages:
        _, _, q10 = measure(f"{label} — 10 zones", few, url)
        _, _, q100 = measure(f"{label} — 100 zones", every, url)
        assert q100 <= q10, f"{label}: {q10} queries at 10 zones, {q100} at 100"


if __name__ == "__main__":
    main()
