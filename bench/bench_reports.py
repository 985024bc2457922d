"""Weekly dispatch report (all three outputs) and cockpit for one zone with 500 projects and two
years of weekly progress reports.

Builds its own SQLite database under var/bench/ (or uses DATABASE_URL): one zone made by
`generate`, 104 weekly periods ending this week, an approved report per period for every project
that had started by then. Times requests through Django's test client (server time, no network)
and counts SQL queries. Prints median and p95 per case.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zonedesk.settings")
(ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'reports.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from zonedesk.accounts.models import Role, User  # noqa: E402
from zonedesk.demo import generate  # noqa: E402
from zonedesk.dispatch import services as dispatch_services  # noqa: E402
from zonedesk.dispatch.models import ProgressReport, ReportingPeriod  # noqa: E402
from zonedesk.projects.models import Project  # noqa: E402
from zonedesk.reports.demo import weekly_periods  # noqa: E402
from zonedesk.reports.models import ReportSnapshot  # noqa: E402
from zonedesk.reports.selectors import compute_weekly_report  # noqa: E402
from zonedesk.zones.models import Zone  # noqa: E402

PROJECTS, WEEKS, RUNS = 500, 104, 10


def ensure_data() -> Zone:
    call_command("migrate", verbosity=0)
    zone = Zone.objects.filter(short_name__startswith="生成区", parent__isnull=True).first()
    if zone is not None and ProgressReport.objects.filter(project__zone=zone).exists():
        return zone
    started = time.perf_counter()
    generate(zones=1, projects_per_zone=PROJECTS, seed=11)
    zone = Zone.objects.filter(short_name__startswith="生成区", parent__isnull=True).first()
    today = timezone.localdate()
    periods = weekly_periods(zone, today - dt.timedelta(weeks=WEEKS - 1), today)
    unit = User.objects.filter(zone=zone).first()
    now = timezone.now()
    reports = []
    for p in Project.objects.filter(zone=zone, actual_start__isnull=False):
        plan = p.annual_plan_investment or Decimal(1000)
        total = Decimal(0)
        year, year_done = None, Decimal(0)
        for period in periods:
            if period.end < p.actual_start or period.deadline > now:
                continue
            if period.end.year != year:
                year, year_done = period.end.year, Decimal(0)
            this = (plan / 52).quantize(Decimal("0.01"))
            year_done += this
            total += this
            reports.append(
                ProgressReport(
                    period=period, project=p, status=ProgressReport.Status.APPROVED,
                    invested_period=this, invested_year=year_done, invested_total=total,
                    image_progress="主体结构施工", percent_complete=Decimal(50),
                    created_by=unit, submitted_by=unit, submitted_at=period.deadline,
                )
            )  # fmt: skip
    ProgressReport.objects.bulk_create(reports, batch_size=2000)
    dispatch_services.warnings_recompute(
        list(Project.objects.filter(zone=zone).values_list("pk", flat=True))
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"generated {PROJECTS} projects, {len(periods)} periods, {len(reports)} reports "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return zone


def timed(fn, runs: int = RUNS) -> tuple[float, float, int]:
    fn()  # warm
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        queries = len(ctx)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, queries


def main() -> None:
    zone = ensure_data()
    leader = User.objects.filter(zone=zone, role=Role.LEADER).first()
    leader.is_active = True
    leader.save(update_fields=["is_active"])
    client = Client()
    client.force_login(leader)
    now = timezone.now()
    current = dispatch_services.periods_ensure(zone=zone)
    last = ReportingPeriod.objects.filter(zone=zone, deadline__lte=now).order_by("-start").first()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{connection.vendor}; zone {zone.label}: "
        f"{Project.objects.filter(zone=zone).count()} projects, "
        f"{ReportingPeriod.objects.filter(zone=zone).count()} periods, "
        f"{ProgressReport.objects.filter(project__zone=zone).count()} reports"
    )

    ReportSnapshot.objects.filter(zone=zone).delete()
    t = time.perf_counter()
    call_command("reports_freeze", stdout=open(os.devnull, "w"))  # noqa: SIM115
    frozen = ReportSnapshot.objects.filter(zone=zone).count()
    print(f"reports_freeze: {frozen} closed periods frozen in {time.perf_counter() - t:.1f} s")

    def get(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return run

    cases = [
        ("compute_weekly_report (live, one period)", lambda: compute_weekly_report(zone, last)),
        ("page /reports/weekly/ (running period, live)", get(f"/reports/weekly/?period={current.pk}")),
        ("page /reports/weekly/ (closed period, snapshot)", get(f"/reports/weekly/?period={last.pk}")),
        (".docx (snapshot)", get(f"/reports/weekly/{last.pk}.docx")),
        (".xlsx (snapshot)", get(f"/reports/weekly/{last.pk}.xlsx")),
        (".docx (running period, live)", get(f"/reports/weekly/{current.pk}.docx")),
        (".xlsx (running period, live)", get(f"/reports/weekly/{current.pk}.xlsx")),
        ("page /reports/ (cockpit)", get("/reports/")),
        ("page /reports/gantt/ (150 of 500 projects, milestones)", get("/reports/gantt/")),
    ]  # fmt: skip
    print("\n| case | median / p95 (ms) | SQL queries |\n|---|---|---|")
    for label, fn in cases:
        median, p95, queries = timed(fn)
        print(f"| {label} | {median:.1f} / {p95:.1f} | {queries} |")


if __name__ == "__main__":
    main()
