"""招商引资 at scale: the funnel page and API, the lead list and a large chain map for one zone
with 10,000 leads (8 chains × 15 nodes, 3,000 signed, 6,000 funding arrivals, 600 memberships,
1,200 targets), and the duplicate guard against those 10,000 investors.

Builds its own SQLite database under var/bench/ (or uses DATABASE_URL). Times requests through
Django's test client (server time, no network) and counts SQL queries. Prints median and p95.
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'investment.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from zonedesk.accounts.models import Role, User  # noqa: E402
from zonedesk.investment import services  # noqa: E402
from zonedesk.investment.models import (  # noqa: E402
    Chain,
    ChainNode,
    FundingArrival,
    Lead,
    LeadStage,
    Link,
    NodeMembership,
    TargetEnterprise,
    Team,
    TeamTarget,
)
from zonedesk.investment.names import company_key  # noqa: E402
from zonedesk.zones.models import Department, Organisation, Zone  # noqa: E402

LEADS, RUNS = 10_000, 10
STAGES = [LeadStage.LEAD, LeadStage.CONTACT, LeadStage.NEGOTIATING, LeadStage.SIGNED, LeadStage.REGISTERED, LeadStage.STARTED, LeadStage.PRODUCING, LeadStage.TERMINATED]  # fmt: skip


def ensure_data() -> tuple[Zone, User]:
    call_command("migrate", verbosity=0)
    zone = Zone.objects.filter(name="招商基准区").first()
    if zone is not None:
        return zone, User.objects.get(username="bench-leader")
    rng = random.Random(7)
    zone = Zone.objects.create(name="招商基准区", short_name="招商基准区")
    dept = Department.objects.create(zone=zone, name="投资合作促进部")
    leader = User.objects.create_user(
        username="bench-leader", password=None, role=Role.LEADER, zone=zone
    )
    staff = [User.objects.create_user(username=f"bench-zs{i}", password=None, role=Role.STAFF, zone=zone, department=dept) for i in range(6)]  # fmt: skip
    teams = []
    for i in range(3):
        team = Team.objects.create(
            zone=zone, name=f"第{i + 1}小分队", department=dept, leader=leader
        )
        team.members.set(staff[2 * i : 2 * i + 2])
        TeamTarget.objects.create(
            team=team,
            year=2026,
            signed_count=300,
            signed_amount=Decimal(3_000_000),
            funds_amount=Decimal(600_000),
        )
        teams.append(team)
    orgs = Organisation.objects.bulk_create(
        Organisation(zone=zone, name=f"本区企业{i}") for i in range(300)
    )
    nodes = []
    for c in range(8):
        chain = Chain.objects.create(zone=zone, name=f"产业链{c}")
        for n in range(15):
            nodes.append(
                ChainNode.objects.create(
                    chain=chain,
                    link=Link.values[n % 3],
                    name=f"节点{c}-{n}",
                    is_weak=n % 5 == 0,
                    weak_reason="缺配套" if n % 5 == 0 else "",
                )
            )
    NodeMembership.objects.bulk_create(NodeMembership(node=nodes[i % len(nodes)], organisation=orgs[i % 300], output=Decimal(rng.randint(100, 50000)), tax=Decimal(rng.randint(10, 3000)), above_scale=i % 2 == 0) for i in range(600))  # fmt: skip
    leads = []
    for i in range(LEADS):
        stage = STAGES[i % len(STAGES)]
        signed = stage in (
            LeadStage.SIGNED,
            LeadStage.REGISTERED,
            LeadStage.STARTED,
            LeadStage.PRODUCING,
        )
        name = f"基准投资方{i}号科技有限公司"
        team = teams[i % 3]
        leads.append(Lead(
            zone=zone, code=f"ZS-B-{i:05d}", name=f"基准项目{i}", opened_on=dt.date(2026, 1 + i % 12, 1 + i % 28),
            investor_name=name, investor_key=company_key(name), source="fair", team=team, owner=staff[(i % 3) * 2],
            created_by=leader, node=nodes[i % len(nodes)], stage=stage,
            terminated_from=LeadStage.CONTACT if stage == LeadStage.TERMINATED else "",
            termination_reason="撤资" if stage == LeadStage.TERMINATED else "",
            signed_date=dt.date(2026, 1 + i % 12, 1 + i % 28) if signed else None,
            contract_amount=Decimal(rng.randint(1000, 100000)) if signed else None,
        ))  # fmt: skip
    Lead.objects.bulk_create(leads, batch_size=2000)
    signed = [lead for lead in Lead.objects.filter(zone=zone, signed_date__isnull=False)]
    FundingArrival.objects.bulk_create(
        (FundingArrival(lead=lead, date=lead.signed_date, amount=Decimal(rng.randint(10, 1000)), kind="domestic_out") for lead in signed for _ in range(2)),
        batch_size=2000,
    )  # fmt: skip
    TargetEnterprise.objects.bulk_create(TargetEnterprise(node=nodes[i % len(nodes)], name=f"靶向{i}", lead=signed[i] if i < 300 else None) for i in range(1200))  # fmt: skip
    connection.cursor().execute("ANALYZE") if connection.vendor == "sqlite" else None
    return zone, leader


def measure(client: Client, url: str) -> tuple[float, float, int]:
    times, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries


def main() -> None:
    zone, leader = ensure_data()
    client = Client()
    client.force_login(leader)
    chain = Chain.objects.filter(zone=zone).first()
    from zonedesk.accounts.models import ApiToken

    key = "bench-investment-token"
    ApiToken.objects.get_or_create(
        user=leader, key_hash=ApiToken.hash_key(key), defaults={"prefix": key[:8]}
    )
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    print(
        f"{Lead.objects.filter(zone=zone).count()} leads, {FundingArrival.objects.filter(lead__zone=zone).count()} arrivals, {ChainNode.objects.filter(chain__zone=zone).count()} nodes"
    )
    print(f"{'case':40} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, c, url in [
        ("funnel page (year)", client, "/investment/funnel/?year=2026"),
        (
            "funnel page (quarter, one team)",
            client,
            f"/investment/funnel/?year=2026&quarter=2&team={Team.objects.filter(zone=zone).first().pk}",
        ),
        ("funnel API", api, "/api/investment/funnel?year=2026"),
        ("lead list (page 1)", client, "/investment/"),
        ("lead list click-through (started)", client, "/investment/?year=2026&metric=started"),
        ("lead API (100 rows)", api, "/api/investment/leads?limit=100"),
        (
            f"chain map page ({ChainNode.objects.filter(chain=chain).count()} nodes)",
            client,
            f"/investment/chains/{chain.pk}/",
        ),
        ("chain list", client, "/investment/chains/"),
    ]:
        median, p95, queries = measure(c, url)
        print(f"{label:40} {median:10.1f} {p95:8.1f} {queries:8d}")
    times = []
    for i in range(RUNS):
        started = time.perf_counter()
        services.find_duplicates(
            zone_id=zone.pk, investor_name=f"基准投资方{i * 7}号科技股份有限公司"
        )
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(
        f"{'duplicate guard over ' + str(LEADS) + ' investors':40} {statistics.median(times):10.1f} {times[-1]:8.1f} {1:8d}"
    )


if __name__ == "__main__":
    main()
