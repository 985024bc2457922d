"""Pages and API of the reports module: who may see them, what they show, and query counts that
do not grow with the number of projects."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import login, make_project
from tests.dispatch.conftest import add_report
from zonedesk.accounts.models import ApiToken, AuditEvent
from zonedesk.projects.models import Milestone, Stage
from zonedesk.reports.models import ReportSnapshot
from zonedesk.reports.selectors import compute_weekly_report

READERS = ["leader", "deputy", "econ", "invest", "viewer"]
REFUSED = ["unit", "other_unit", "auditor", "admin"]


def urls(week) -> list[str]:
    p = week.last.pk
    return [
        "/reports/",
        "/reports/weekly/",
        f"/reports/weekly/?period={p}",
        f"/reports/weekly/{p}.docx",
        f"/reports/weekly/{p}.xlsx",
        "/reports/gantt/",
    ]


@pytest.mark.parametrize("who", READERS)
def test_the_zone_and_its_viewers_read_every_page(week, who):
    client = login(getattr(week.world, who))
    for url in urls(week):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("who", REFUSED)
def test_units_the_administrator_and_the_auditor_are_refused_and_audited(week, who):
    user = getattr(week.world, who)
    client = login(user)
    for url in urls(week):
        assert client.get(url).status_code == 403, url
    assert AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.DENIED).count() == len(
        urls(week)
    )


def test_another_zone_is_refused(week):
    client = login(week.world.other_staff)
    zone = week.world.zone.pk
    for url in [
        f"/reports/?zone={zone}",
        f"/reports/weekly/?zone={zone}",
        f"/reports/weekly/?period={week.last.pk}",
        f"/reports/weekly/{week.last.pk}.docx",
        f"/reports/weekly/{week.last.pk}.xlsx",
        f"/reports/gantt/?zone={zone}",
    ]:
        assert client.get(url).status_code == 403, url
    assert client.get("/reports/weekly/999999.docx").status_code == 404
    assert not ReportSnapshot.objects.filter(period=week.last).exists()


def test_signed_out_visitors_are_sent_to_sign_in(week):
    response = Client().get("/reports/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_weekly_page_defaults_to_the_last_closed_period_and_offers_downloads(week):
    response = login(week.world.econ).get("/reports/weekly/")
    page = response.content.decode()
    assert response.context["period"] == week.last
    assert "阳泉高新区重点项目调度周报" in page
    assert f"/reports/weekly/{week.last.pk}.docx" in page
    assert "已于" in page and "固化" in page
    assert "物流园项目" in page


def test_a_download_is_named_and_audited(week):
    response = login(week.world.leader).get(f"/reports/weekly/{week.last.pk}.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, actor=week.world.leader)
    assert "下载调度周报" in event.note


def test_the_cockpit_links_every_figure_to_its_list(week):
    response = login(week.world.leader).get("/reports/")
    data = response.context["data"]
    zone = week.world.zone.pk
    assert data["links"]["projects"] == f"/projects/?zone={zone}"
    assert data["links"]["warnings"] == f"/dispatch/warnings/?zone={zone}"
    assert data["links"]["board"].startswith(f"/dispatch/?zone={zone}&period=")
    assert data["links"]["weekly"] == f"/reports/weekly/?zone={zone}"
    stages = {s["key"] for s in data["stages"]["stages"]}
    assert stages == {Stage.SIGNED, Stage.CONSTRUCTION}
    assert sum(data["colours"].values()) == 4
    invest = data["invest"]
    assert len(invest["months"]) == len(invest["schedule"]) == len(invest["rate"])
    # November's figure is the latest 本年累计 of each project (3600 + 100).
    assert invest["done"][-1] == 3700.0
    page = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in page and "js/reports-cockpit.js" in page
    assert 'id="cockpit-data"' in page


def test_the_gantt_filters_by_department_lead_and_stage(week):
    w = week.world
    client = login(w.leader)
    data = client.get("/reports/gantt/").context["data"]
    assert data["total"] == 4
    ids = {t["id"] for t in data["tasks"]}
    assert f"p{w.project.pk}-plan" in ids and f"p{w.project.pk}-actual" in ids
    assert f"m{w.milestone.pk}" in ids
    assert f"p{week.late_start.pk}-actual" not in ids  # not started: only the plan
    late = next(t for t in data["tasks"] if t["id"] == f"p{week.late_finish.pk}-actual")
    assert late["custom_class"] == "zd-late"
    only = client.get(f"/reports/gantt/?department={w.invest_dept.pk}").context["data"]
    assert {p.name for p in only["projects"]} == {"储能电池项目", "物流园项目"}
    led = client.get(f"/reports/gantt/?lead={w.leader.pk}").context["data"]
    assert [p.name for p in led["projects"]] == ["智算中心项目"]
    signed = client.get("/reports/gantt/?stage=signed&milestones=0").context["data"]
    assert [t["id"] for t in signed["tasks"]] == [f"p{week.late_start.pk}-plan"]


# --- query counts ---------------------------------------------------------------------------


def add_projects(week, n: int, start: int) -> None:
    w = week.world
    for i in range(start, start + n):
        p = make_project(
            w.zone,
            f"批量项目{i}",
            department=w.econ_dept if i % 2 else w.invest_dept,
            unit=w.kaichuang if i % 2 else w.luda,
            code=f"B-{i:04d}",
            lead=w.leader if i % 3 else None,
            planned_completion=dt.date.today() - dt.timedelta(days=i % 5),
        )
        Milestone.objects.create(
            project=p, name="主体封顶", order=1, planned_date=dt.date(2026, 6, 1)
        )
        add_report(p, week.before, w.unit, year="100", total="200", this="50")
        add_report(p, week.last, w.unit, year="150", total="250", this="50")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_query_counts_do_not_grow_with_the_number_of_projects(week):
    n = 6
    add_projects(week, n, 0)
    client = login(week.world.leader)
    live = f"/reports/weekly/?period={week.current.pk}"
    pages = [
        "/reports/", live, f"/reports/weekly/{week.current.pk}.docx",
        f"/reports/weekly/{week.current.pk}.xlsx", "/reports/gantt/",
    ]  # fmt: skip
    for url in pages:
        client.get(url)  # warm: session, periods, warnings
    few = {url: count_queries(client, url) for url in pages}
    with CaptureQueriesContext(connection) as ctx:
        compute_weekly_report(week.world.zone, week.last)
    few_compute = len(ctx)

    add_projects(week, 2 * n, n)  # 3N
    for url in pages:
        client.get(url)  # the new projects' warnings are computed once
    many = {url: count_queries(client, url) for url in pages}
    with CaptureQueriesContext(connection) as ctx:
        compute_weekly_report(week.world.zone, week.last)
    assert len(ctx) == few_compute
    assert many == few


# --- API --------------------------------------------------------------------------------------


def api_client(user) -> Client:
    key = secrets.token_urlsafe(16)
    ApiToken.objects.create(user=user, prefix=key[:8], key_hash=ApiToken.hash_key(key))
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_the_api_gives_the_report_data(week):
    response = api_client(week.world.leader).get(f"/api/reports/weekly?period_id={week.last.pk}")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["period"]["id"] == week.last.pk
    assert body["frozen"] is True
    assert body["totals"]["invested_year"] == "3700.00"
    assert Decimal(body["totals"]["total_investment"]) == Decimal(300000)
    latest = api_client(week.world.viewer).get(f"/api/reports/weekly?zone_id={week.world.zone.pk}")
    assert json.loads(latest.content)["period"]["id"] == week.last.pk
    cockpit = api_client(week.world.econ).get("/api/reports/cockpit")
    assert cockpit.status_code == 200
    assert "invest" in json.loads(cockpit.content)


def test_the_api_refuses_units_other_zones_and_missing_tokens(week):
    zone = week.world.zone.pk
    for user in (week.world.unit, week.world.auditor):
        response = api_client(user).get(f"/api/reports/weekly?period_id={week.last.pk}")
        assert response.status_code == 403
        assert json.loads(response.content)["detail"]
    other = api_client(week.world.other_staff)
    assert other.get(f"/api/reports/weekly?period_id={week.last.pk}").status_code == 403
    assert other.get(f"/api/reports/weekly?zone_id={zone}").status_code == 403
    assert other.get(f"/api/reports/cockpit?zone_id={zone}").status_code == 403
    assert api_client(week.world.unit).get("/api/reports/cockpit").status_code == 403
    assert Client().get("/api/reports/weekly").status_code == 401
    assert (
        api_client(week.world.leader).get("/api/reports/weekly?period_id=99999").status_code == 404
    )
