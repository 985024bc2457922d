"""各区调度一览: the zones a city or province reads, side by side, each figure the same as on the
zone's own cockpit; refused to whoever may not read the reports; exported and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import login, make_project
from tests.dispatch.conftest import add_report, raise_blocker
from tests.exports import export_count, sheet_of
from zonedesk.dispatch import warnings as rules
from zonedesk.dispatch.models import Meeting, SupervisionItem
from zonedesk.projects.models import Milestone, Stage
from zonedesk.reports import selectors
from zonedesk.zones.models import Department, Zone


def _province(week):
    """Zone A as in `week`, plus a project in A's park, an archived and a terminated project
    counted nowhere, and zone B with one project; the city viewer reads both zones."""
    w, today = week.world, timezone.localdate()
    park = make_project(w.zone, "园区孵化器", department=w.econ_dept, code="YQ-P01", park=w.park,
                        total=Decimal("2000"), annual_plan_investment=Decimal("1000"))  # fmt: skip
    add_report(park, week.last, w.unit, year="500", total="900", this="50")
    gone = make_project(w.zone, "已归档项目", department=w.econ_dept, code="YQ-X01")
    gone.archived_at = timezone.now()
    gone.save()
    make_project(w.zone, "终止项目", department=w.econ_dept, code="YQ-X02", stage=Stage.TERMINATED)
    raise_blocker(w.project, w.econ)
    meeting = Meeting.objects.create(zone=w.zone, kind="small", date=today - dt.timedelta(days=9))
    SupervisionItem.objects.create(
        meeting=meeting, zone=w.zone, seq=1, number="调度〔2026〕1号-1", content="协调用地",
        department=w.econ_dept, deadline=today - dt.timedelta(days=2), created_by=w.leader,
    )  # fmt: skip
    Milestone.objects.create(project=w.project, name="主体封顶", order=2,
                             planned_date=today + dt.timedelta(days=40),
                             baseline_date=today + dt.timedelta(days=10), plan_changes=1)  # fmt: skip
    w.viewer.viewer_zones.set([w.zone, w.other_zone])
    return w


def test_each_zone_in_one_row_with_its_parks_and_a_total(week):
    w = _province(week)
    page = login(w.viewer).get("/reports/zones/")
    assert page.status_code == 200
    rows = {r.zone.pk: r for r in page.context["rows"]}
    assert list(rows) == [w.zone.pk, w.other_zone.pk]
    a, b = rows[w.zone.pk], rows[w.other_zone.pk]
    # 智算中心, 储能电池, 物流园, 道路提升 and the park's 孵化器; not the archived or terminated one.
    assert a.projects == 5 and b.projects == 1
    assert a.total_investment == Decimal(50000 * 3 + 150000 + 2000)
    assert a.plan == Decimal(12000 + 12000 + 0 + 5000 + 1000)
    assert a.done == Decimal(3600 + 100 + 500)  # each project's latest counted report this year
    assert a.rate == rules.completion_rate(Decimal(4200), Decimal(30000))
    assert a.gap == a.rate - rules.schedule_share(timezone.localdate())
    assert (a.open_blockers, a.overdue_supervision) == (1, 1)
    assert a.overdue_milestones == 1  # the fixture's 开工 (2026-03-01), still open
    assert a.slipped_milestones == 1
    assert a.reported == 3  # 智算中心, 储能电池 and the park's project filed this year
    # Zone B filed nothing this year: its rate is unknown ("未填报"), not 0%.
    assert (b.done, b.reported, b.rate, b.gap) == (0, 0, None, None)
    assert (b.open_blockers, b.slipped_milestones) == (0, 0)
    # The colours are the cockpit's, but for the terminated project (green there, left out here).
    cockpit = selectors.colour_counts(w.zone)
    assert (a.red, a.amber, a.green) == (cockpit["red"], cockpit["amber"], cockpit["green"] - 1)
    assert a.red + a.amber + a.green == a.projects
    assert a.red >= 1  # 物流园 has not started 30 days after its planned start
    total = page.context["total"]
    assert total.projects == 6 and total.done == a.done
    assert total.rate == rules.completion_rate(a.done, a.plan + b.plan)
    html = page.content.decode()
    assert f'/reports/?zone={w.zone.pk}"' in html and 'data-testid="zone-total"' in html
    assert f"/dispatch/warnings/?zone={w.other_zone.pk}&amp;colour=red" in html
    assert html.count("未填报</span>") == 1
    assert f"/reports/weekly/?zone={w.zone.pk}#s-slipped" in html  # the list behind the count


def test_the_cockpit_links_here_only_for_more_than_one_zone(week):
    w = _province(week)
    assert 'data-testid="nav-zones"' in login(w.viewer).get("/reports/").content.decode()
    assert 'data-testid="nav-zones"' not in login(w.leader).get("/reports/").content.decode()
    rows = login(w.leader).get("/reports/zones/").context["rows"]
    assert [r.zone.pk for r in rows] == [w.zone.pk]  # a leader reads his own zone only


def test_who_may_not_read_reports_is_refused(week):
    w = _province(week)
    for user in (w.unit, w.admin, w.auditor):
        assert login(user).get("/reports/zones/").status_code == 403, user
        assert login(user).get("/reports/zones/", {"format": "xlsx"}).status_code == 403
    assert export_count() == 0


def test_the_export_is_the_table_with_its_total(week):
    w = _province(week)
    sheet = sheet_of(login(w.viewer).get("/reports/zones/", {"format": "xlsx"}))
    assert sheet["A1"].value == "各区调度一览"
    assert "不含已归档和已终止项目" in sheet["A2"].value
    header = [c.value for c in sheet[3]]
    assert header[:6] == ["开发区", "在库项目", "总投资（万元）", "年度计划投资（万元）",
                          "本年累计完成（万元）", "年度投资完成率（%）"]  # fmt: skip
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == [w.zone.label, w.other_zone.label, "合计"]
    assert rows[0][1] == 5 and rows[0][4] == 4200 and rows[-1][1] == 6
    assert rows[1][5] is None  # zone B: no completion rate without a single report
    assert rows[0][header.index("较基线推迟节点")] == 1
    assert export_count() == 1


def test_the_query_count_does_not_grow_with_zones_or_projects(week):
    w = _province(week)
    client = login(w.viewer)
    client.get("/reports/zones/")  # warnings evaluated once
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/zones/")
    for i in range(3):
        zone = Zone.objects.create(name=f"新区{i}", kind=w.zone.kind, region_code="140300")
        dept = Department.objects.create(zone=zone, name="经发局")
        for j in range(4):
            make_project(zone, f"项目{i}-{j}", department=dept, code=f"N{i}-{j}")
    w.viewer.viewer_zones.add(*Zone.objects.filter(name__startswith="新区"))
    client.get("/reports/zones/")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/reports/zones/")
    assert len(page.context["rows"]) == 5
    # The warnings-refresh check and the table are a fixed number of queries for all zones.
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
