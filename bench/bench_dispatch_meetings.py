"""要素保障, 调度会 and 督办 at the size of a busy zone: 500 projects, 1,500 blockers (a third
open, many overdue, some escalated) and a year of weekly meetings with 8 decisions each.

Builds its own SQLite database under var/bench/ (or uses DATABASE_URL). Times pages through
Django's test client (server time, no network), the agenda candidates, the stats the weekly
report uses and a warnings recompute of every project (which now reads the blockers). Prints
median and p95 per case and the SQL query count.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zonedesk.settings")
(ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'dispatch_meetings.sqlite3'}"
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from zonedesk.accounts.models import Role, User  # noqa: E402
from zonedesk.demo import generate  # noqa: E402
from zonedesk.dispatch import agenda, selectors, services  # noqa: E402
from zonedesk.dispatch.models import (  # noqa: E402
    Blocker,
    BlockerCategory,
    Meeting,
    SupervisionItem,
)
from zonedesk.projects.models import Project  # noqa: E402
from zonedesk.zones.models import Department, Zone  # noqa: E402

PROJECTS, BLOCKERS, WEEKS, DECISIONS, RUNS = 500, 1500, 52, 8, 10


def ensure_data() -> Zone:
    call_command("migrate", verbosity=0)
    zone = Zone.objects.filter(short_name__startswith="生成区", parent__isnull=True).first()
    if zone is not None and Blocker.objects.filter(zone=zone).exists():
        return zone
    started = time.perf_counter()
    generate(zones=1, projects_per_zone=PROJECTS, seed=23)
    zone = Zone.objects.filter(short_name__startswith="生成区", parent__isnull=True).first()
    rng = random.Random(23)
    user = User.objects.filter(zone=zone).first()
    projects = list(Project.objects.filter(zone=zone))
    depts = list(Department.objects.filter(zone=zone))
    now = timezone.now()
    today = timezone.localdate()
    statuses = ["open", "in_progress", "resolved", "closed"]
    blockers = []
    for i in range(BLOCKERS):
        raised = now - dt.timedelta(days=rng.randint(0, 360))
        status = "open" if i % 3 == 0 else rng.choice(statuses)
        done = status in ("resolved", "closed")
        blockers.append(
            Blocker(
                zone=zone, project=rng.choice(projects), category=rng.choice(BlockerCategory.values),
                description="演示问题", raised_by=user, raised_at=raised, department=rng.choice(depts),
                deadline=timezone.localdate(raised) + dt.timedelta(days=rng.randint(5, 60)),
                status=status, level=rng.choice([1, 1, 1, 2, 2, 3, 4]), level_since=raised,
                resolution_note="已解决" if done else "", resolved_at=raised + dt.timedelta(days=9) if done else None,
                closed_at=raised + dt.timedelta(days=12) if status == "closed" else None,
            )
        )  # fmt: skip
    Blocker.objects.bulk_create(blockers, batch_size=1000)
    meetings = Meeting.objects.bulk_create(
        Meeting(
            zone=zone, kind="large" if w % 2 else "small", date=today - dt.timedelta(weeks=w, days=1),
            status="held", year=(today - dt.timedelta(weeks=w, days=1)).year, number=WEEKS - w,
        )
        for w in range(1, WEEKS + 1)
    )  # fmt: skip
    items = []
    for m in meetings:
        for seq in range(1, DECISIONS + 1):
            deadline = m.date + dt.timedelta(days=rng.randint(3, 40))
            done = deadline < today and rng.random() < 0.8
            items.append(
                SupervisionItem(
                    meeting=m, zone=zone, seq=seq, number=f"{m.number_label}-{seq}", content="议定事项",
                    department=rng.choice(depts), deadline=deadline, created_by=user,
                    status="done" if done else "open", confirmed_at=now if done else None,
                )
            )  # fmt: skip
    SupervisionItem.objects.bulk_create(items, batch_size=1000)
    services.warnings_recompute([p.pk for p in projects])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"generated {PROJECTS} projects, {BLOCKERS} blockers, {len(meetings)} meetings, "
        f"{len(items)} 督办 items in {time.perf_counter() - started:.1f} s"
    )
    return zone


def timed(fn, runs: int = RUNS) -> tuple[float, float, int]:
    fn()
    times, queries = [], 0
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
    today = timezone.localdate()
    meeting = Meeting.objects.filter(zone=zone, date__lte=today).order_by("-date").first()
    if not meeting.agenda_items.exists():
        services.agenda_build(meeting=meeting, by=leader)
    ids = list(Project.objects.filter(zone=zone).values_list("pk", flat=True))
    # A 小调度 chaired by a deputy takes only his or her 分管部门 (two departments, as the
    # demo's deputy has).
    deputy, created = User.objects.get_or_create(
        username=f"bench-deputy-{zone.pk}",
        defaults={"role": Role.DEPUTY, "zone": zone, "display_name": "分管副主任"},
    )
    if created:
        deputy.supervised_departments.set(Department.objects.filter(zone=zone).order_by("pk")[:2])
    portfolio = set(deputy.supervised_departments.values_list("pk", flat=True))
    small, _ = Meeting.objects.get_or_create(
        zone=zone, kind="small", date=today + dt.timedelta(days=1), defaults={"chair": deputy}
    )
    if not small.agenda_items.exists():
        services.agenda_build(meeting=small, by=deputy)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{connection.vendor}; {len(ids)} projects, {Blocker.objects.filter(zone=zone).count()} blockers, "
        f"{SupervisionItem.objects.filter(zone=zone).count()} 督办, latest agenda "
        f"{meeting.agenda_items.count()} items; a deputy's 小调度 ({len(portfolio)} of "
        f"{Department.objects.filter(zone=zone).count()} departments) {small.agenda_items.count()} items"
    )

    def get(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return run

    week_ago = timezone.now() - dt.timedelta(days=7)
    cases = [
        ("agenda.candidates (大调度)", lambda: agenda.candidates(zone, today, "large")),
        ("agenda.candidates (小调度, the chair's 分管部门)", lambda: agenda.candidates(zone, today, "small", departments=portfolio)),
        ("selectors.blocker_stats (one week)", lambda: selectors.blocker_stats([zone.pk], start=week_ago)),
        ("selectors.supervision_stats", lambda: selectors.supervision_stats([zone.pk])),
        ("warnings_recompute (all projects, with blockers)", lambda: services.warnings_recompute(ids)),
        ("page /dispatch/blockers/ (open ones)", get("/dispatch/blockers/")),
        ("page /dispatch/blockers/?status= (all, first 500)", get("/dispatch/blockers/?status=")),
        ("page /dispatch/meetings/", get("/dispatch/meetings/")),
        (f"page /dispatch/meetings/{{id}}/ (agenda {meeting.agenda_items.count()} items)", get(f"/dispatch/meetings/{meeting.pk}/")),
        (f"page /dispatch/meetings/{{id}}/ (小调度, agenda {small.agenda_items.count()} items)", get(f"/dispatch/meetings/{small.pk}/")),
        ("page /dispatch/supervision/ (open ones)", get("/dispatch/supervision/")),
    ]  # fmt: skip
    print("\n| case | median / p95 (ms) | SQL queries |\n|---|---|---|")
    for label, fn in cases:
        median, p95, queries = timed(fn)
        print(f"| {label} | {median:.1f} / {p95:.1f} | {queries} |")


if __name__ == "__main__":
    main()
