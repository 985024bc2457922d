"""Enterprise services at zone scale: the register, the funnel, a candidate filter, one 一企一档
page and the 亩均 computation for a zone of N enterprises with three years of monthly figures.

Builds its own SQLite database under var/bench/ (or uses DATABASE_URL), times requests through
Django's test client (server time, no network) and counts SQL queries at two sizes to show they do
not grow with the number of firms. `python bench/bench_enterprises.py [N]` (default 2000).
"""

from __future__ import annotations

import datetime as dt
import os
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'enterprises.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from zonedesk.accounts.models import Role, User  # noqa: E402
from zonedesk.enterprises import services  # noqa: E402
from zonedesk.enterprises.models import Certificate, Enterprise, MonthlyFigure  # noqa: E402
from zonedesk.lib.uscc import generate_uscc  # noqa: E402
from zonedesk.zones.models import Organisation, Zone  # noqa: E402

RUNS = 15
CODES = ["3441", "3443", "3511", "3841", "3985", "6450", "2720", "5179", "3089", "3240"]


@transaction.atomic
def build(zone: Zone, n: int, rng: random.Random) -> None:
    have = Enterprise.objects.filter(zone=zone).count()
    if have >= n:
        return
    orgs = [
        Organisation(
            zone=zone,
            name=f"基准企业{zone.pk}-{i:05d}有限公司",
            credit_code=generate_uscc(rng),
            kind=Organisation.Kind.ENTERPRISE,
        )
        for i in range(have, n)
    ]
    Organisation.objects.bulk_create(orgs, batch_size=1000)
    ents = [
        Enterprise(
            organisation=o,
            zone=zone,
            industry_code=rng.choice(CODES),
            founded_on=dt.date(rng.randint(2005, 2022), 1, 1),
            land_area_mu=Decimal(rng.randint(1, 200)),
            tech_staff=rng.randint(0, 80),
            high_tech_income_ratio=Decimal(rng.randint(0, 90)),
            ip_class1=rng.randint(0, 3),
            ip_class2=rng.randint(0, 8),
            total_assets=Decimal(rng.randint(500, 30000)),
        )
        for o in orgs
    ]
    Enterprise.objects.bulk_create(ents, batch_size=1000)
    year = timezone.localdate().year
    figures, certs = [], []
    for e in ents:
        base = Decimal(rng.randint(20, 2000))
        for y in range(year - 3, year):
            for m in range(1, 13):
                figures.append(
                    MonthlyFigure(
                        enterprise=e, year=y, month=m, revenue=base, tax=base / 20,
                        rd_spending=base * Decimal(rng.randint(0, 8)) / 100, output=base,
                        electricity=base / 10, employees=rng.randint(10, 400),
                    )
                )  # fmt: skip
        if rng.random() < 0.3:
            certs.append(Certificate(enterprise=e, kind="tech_sme"))
        if rng.random() < 0.1:
            certs.append(Certificate(enterprise=e, kind="high_tech"))
    MonthlyFigure.objects.bulk_create(figures, batch_size=5000)
    Certificate.objects.bulk_create(certs, batch_size=5000)


def measure(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(ctx.captured_queries)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 2000
    call_command("migrate", verbosity=0)
    rng = random.Random(11)
    small, _ = Zone.objects.get_or_create(
        name="基准开发区（小）", defaults={"region_code": "140300"}
    )
    big, _ = Zone.objects.get_or_create(name="基准开发区（大）", defaults={"region_code": "140300"})
    started = time.perf_counter()
    build(small, 50, rng)
    build(big, n, rng)
    print(f"data: {Enterprise.objects.count()} enterprises, {MonthlyFigure.objects.count()} monthly rows "
          f"(built in {time.perf_counter() - started:.1f} s)")  # fmt: skip
    print(f"{'case':<34}{'firms':>7}{'median ms':>11}{'p95 ms':>9}{'queries':>9}")
    for zone in (small, big):
        user = User.objects.filter(
            username=f"bench-ent-{zone.pk}"
        ).first() or User.objects.create_user(
            username=f"bench-ent-{zone.pk}", password=None, role=Role.LEADER, zone=zone
        )
        client = Client()
        client.force_login(user)
        firms = Enterprise.objects.filter(zone=zone).count()
        first = Enterprise.objects.filter(zone=zone).first()
        for label, url in [
            ("register page 1", "/enterprises/"),
            ("register ?candidate=high_tech", "/enterprises/?candidate=high_tech"),
            ("funnel", "/enterprises/funnel/"),
            ("一企一档 page", f"/enterprises/{first.pk}/"),
        ]:
            median, p95, queries = measure(client, url)
            print(f"{label:<34}{firms:>7}{median:>11.1f}{p95:>9.1f}{queries:>9}")
        year = timezone.localdate().year - 1
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            evaluation = services.mu_evaluation_compute(zone=zone, year=year, by=user)
        took = (time.perf_counter() - started) * 1000
        print(
            f"{'亩均 compute (write)':<34}{firms:>7}{took:>11.1f}{'':>9}{len(ctx.captured_queries):>9}"
        )
        median, p95, queries = measure(client, f"/enterprises/mu/{evaluation.pk}/")
        print(f"{'亩均 results page':<34}{firms:>7}{median:>11.1f}{p95:>9.1f}{queries:>9}")
        evaluation.delete()


if __name__ == "__main__":
    main()
