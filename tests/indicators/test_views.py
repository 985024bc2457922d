"""Indicator pages: who sees and who changes what; the city viewer reads every zone in scope and
edits nothing; the cross-zone pages read a fixed number of queries whatever the number of zones."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import login
from tests.indicators.conftest import publish, target
from zonedesk.accounts.models import AuditEvent
from zonedesk.indicators.models import IndicatorValue, Target
from zonedesk.zones.models import Department, Zone

READ_PAGES = [
    "/indicators/", "/indicators/targets/", "/indicators/catalogue/", "/indicators/fai/",
    "/indicators/zones/", "/indicators/compare/", "/indicators/rank/",
]  # fmt: skip


@pytest.mark.parametrize("url", READ_PAGES)
def test_business_roles_read_every_page(world, catalogue, url):
    for user in (world.leader, world.econ, world.viewer):
        assert login(user).get(url).status_code == 200, (user, url)


@pytest.mark.parametrize("url", [*READ_PAGES, "/indicators/entry/"])
def test_admin_and_auditor_are_refused(world, catalogue, url):
    for user in (world.admin, world.auditor):
        assert login(user).get(url).status_code == 403


def test_the_detail_page_shows_three_years_and_the_project_comparison(world, catalogue):
    fai = catalogue["FAI"]
    for year in (2024, 2025, 2026):
        publish(world.zone, fai, year, 3, value=10 + year - 2024, growth=5)
    page = login(world.econ).get(f"/indicators/{fai.pk}/?zone={world.zone.pk}&year=2026")
    assert page.status_code == 200
    trend = page.context["trend"]
    assert trend["years"] == [2024, 2025, 2026] and trend["series"]["2024"]["value"][2] == 10.0
    assert page.context["fai"] is not None and "纳统" in page.content.decode()


def test_a_zone_s_own_indicator_is_not_found_from_another_zone(world, catalogue):
    from zonedesk.indicators.models import Indicator

    own = Indicator.objects.create(zone=world.other_zone, code="X", name="屯留自有指标")
    assert login(world.econ).get(f"/indicators/{own.pk}/").status_code == 404


def test_a_user_cannot_open_a_zone_out_of_scope(world, catalogue):
    response = login(world.econ).get(f"/indicators/?zone={world.other_zone.pk}")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()


def test_econ_enters_a_month_by_form(world, catalogue):
    fai, budget = catalogue["FAI"], catalogue["BUDGET"]
    client = login(world.econ)
    form = client.get("/indicators/entry/?year=2026&month=3")
    assert form.status_code == 200
    data = {"zone": world.zone.pk, "year": 2026, "month": 3, "source": "市统计局",
            f"v{fai.pk}": "12.5", f"g{fai.pk}": "-3.2", f"v{budget.pk}": "1.5亿"}  # fmt: skip
    response = client.post("/indicators/entry/", data)
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=fai).growth == Decimal("-3.2")
    assert IndicatorValue.objects.get(indicator=budget).value == Decimal("15000")


def test_a_bad_month_is_shown_on_the_form_in_chinese(world, catalogue):
    fai = catalogue["FAI"]
    response = login(world.econ).post(
        "/indicators/entry/", {"zone": world.zone.pk, "year": 2026, "month": 1, f"v{fai.pk}": "3"}
    )
    # FAI is not offered for January at all: nothing is saved and the page says why.
    assert response.status_code == 400 and not IndicatorValue.objects.exists()
    page = response.content.decode()
    assert "没有填写任何指标值" in page and "1月不单独发布" in page


@pytest.mark.parametrize("who", ["viewer", "unit", "auditor"])
def test_viewers_and_units_cannot_enter_figures_or_targets(world, catalogue, who):
    user = getattr(world, who)
    client = login(user)
    fai = catalogue["FAI"]
    assert client.get(f"/indicators/entry/?zone={world.zone.pk}").status_code == 403
    post = {"zone": world.zone.pk, "year": 2026, "month": 3, f"v{fai.pk}": "1"}
    assert client.post("/indicators/entry/", post).status_code == 403
    assert client.post("/indicators/targets/", {"zone": world.zone.pk, "year": 2026,
                                                f"city{fai.pk}_growth": "8"}).status_code == 403  # fmt: skip
    assert (
        client.post(
            "/indicators/catalogue/", {"zone": world.zone.pk, "code": "Z", "name": "Z"}
        ).status_code
        == 403
    )
    assert not IndicatorValue.objects.exists() and not Target.objects.exists()


def test_the_viewer_sees_no_edit_controls(world, catalogue):
    page = login(world.viewer).get(f"/indicators/targets/?zone={world.zone.pk}").content.decode()
    assert "保存目标" not in page and "按月填报" not in page


def test_targets_page_saves_and_clears(world, catalogue):
    fai = catalogue["FAI"]
    client = login(world.econ)
    client.post("/indicators/targets/", {"zone": world.zone.pk, "year": 2026, f"city{fai.pk}_growth": "8",
                                         f"province{fai.pk}_growth": "6.5", f"province{fai.pk}_weight": "10"})  # fmt: skip
    assert Target.objects.filter(indicator=fai).count() == 2
    t = Target.objects.get(indicator=fai, assessor="city")
    client.post("/indicators/targets/", {"zone": world.zone.pk, "year": 2026,
                                         f"province{fai.pk}_growth": "6.5", f"province{fai.pk}_weight": "10",
                                         f"city{fai.pk}_ver": t.version})  # fmt: skip
    assert list(Target.objects.values_list("assessor", flat=True)) == ["province"]


def test_compare_two_zones_side_by_side(world, catalogue):
    world.viewer.viewer_zones.add(world.other_zone)
    publish(world.zone, catalogue["FAI"], 2026, 3, value=12, growth=7)
    publish(world.other_zone, catalogue["FAI"], 2026, 3, value=8, growth=2)
    page = login(world.viewer).get(
        f"/indicators/compare/?a={world.zone.pk}&b={world.other_zone.pk}&year=2026&month=3"
    )
    assert page.status_code == 200
    pair = next(p for p in page.context["pairs"] if p[0].indicator.code == "FAI")
    assert pair[0].value.growth == Decimal("7") and pair[1].value.growth == Decimal("2")
    # A zone not given to the viewer is refused.
    assert (
        login(world.econ)
        .get(f"/indicators/compare/?a={world.zone.pk}&b={world.other_zone.pk}")
        .status_code
        == 403
    )


def test_overview_ranks_and_links_each_number_to_the_zone(world, catalogue):
    world.viewer.viewer_zones.add(world.other_zone)
    publish(world.zone, catalogue["FAI"], 2026, 3, value=12, growth=7)
    publish(world.other_zone, catalogue["FAI"], 2026, 3, value=8, growth=9)
    page = login(world.viewer).get("/indicators/zones/?year=2026&month=3")
    data = page.context["data"]
    cells = data.cells["ind:FAI"]
    assert cells[world.other_zone.pk].rank == 1 and cells[world.zone.pk].rank == 2
    assert f"zone={world.zone.pk}" in cells[world.zone.pk].url
    assert {m.key for m in data.measures} >= {"ind:FAI", "projects", "ledger"}


def test_a_zone_without_a_published_growth_is_shown_but_not_ranked_against_growth(world, catalogue):
    """The FAI column is 同比增速: a zone whose bureau published only the level this month
    shows its target completion in words ("完成目标…%") and takes no rank, so a completion is
    never ranked against a growth rate."""
    world.viewer.viewer_zones.add(world.other_zone)
    fai = catalogue["FAI"]
    publish(world.zone, fai, 2026, 3, value=12, growth=7)
    target(world.other_zone, fai, 2026, value=40)
    publish(world.other_zone, fai, 2026, 3, value=8)  # level only: 20% of its target
    data = login(world.viewer).get("/indicators/zones/?year=2026&month=3").context["data"]
    measure = next(m for m in data.measures if m.key == "ind:FAI")
    assert (measure.unit, measure.note) == ("%", "同比增速")
    ours, theirs = data.cells["ind:FAI"][world.zone.pk], data.cells["ind:FAI"][world.other_zone.pk]
    assert (ours.value, ours.text, ours.rank) == (Decimal("7"), "7.00%", 1)
    assert theirs.value is None and theirs.rank is None
    assert theirs.text == "完成目标20.00%"


def _more_zones(n, viewer, catalogue, start=0):
    for i in range(start, start + n):
        z = Zone.objects.create(name=f"测试开发区{i}", short_name=f"测试{i}")
        Department.objects.create(zone=z, name="经济发展部")
        viewer.viewer_zones.add(z)
        for code in ("FAI", "IVA", "RETAIL", "BUDGET"):
            ind = catalogue[code]
            target(z, ind, 2026, growth=7)
            publish(z, ind, 2026, 3, value=None if code == "IVA" else 10 + i, growth=i)


@pytest.mark.parametrize("url", ["/indicators/zones/?year=2026&month=3", "/indicators/rank/?year=2026",
                                 "/indicators/compare/?year=2026&month=3"])  # fmt: skip
def test_cross_zone_pages_do_not_grow_with_the_number_of_zones(
    world, catalogue, url, django_assert_max_num_queries
):
    client = login(world.viewer)
    _more_zones(3, world.viewer, catalogue)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _more_zones(12, world.viewer, catalogue, start=3)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_the_detail_page_is_refused_outside_scope(world, catalogue):
    fai = catalogue["FAI"]
    assert login(world.viewer).get(f"/indicators/{fai.pk}/?zone={world.zone.pk}").status_code == 200
    assert login(world.admin).get(f"/indicators/{fai.pk}/").status_code == 403
    assert (
        login(world.other_staff).get(f"/indicators/{fai.pk}/?zone={world.zone.pk}").status_code
        == 403
    )
    assert login(world.econ).get("/indicators/99999/").status_code == 404


def test_compare_handles_a_zone_s_own_indicators(world, catalogue):
    from zonedesk.indicators.models import Indicator

    world.viewer.viewer_zones.add(world.other_zone)
    own = Indicator.objects.create(
        zone=world.other_zone, code="TL_X", name="新签约项目数", unit="个"
    )
    publish(world.other_zone, own, 2026, 3, value=41)
    page = login(world.viewer).get(
        f"/indicators/compare/?a={world.zone.pk}&b={world.other_zone.pk}&year=2026&month=3"
    )
    assert page.status_code == 200
    assert page.context["pairs"][-1][0] is None and page.context["pairs"][-1][1].indicator == own
    assert "（无此指标）" in page.content.decode()


def test_the_zone_edits_its_thresholds_and_the_colour_follows(world, catalogue):
    budget = catalogue["BUDGET"]
    target(world.zone, budget, 2026, value=60000)
    publish(world.zone, budget, 2026, 6, value=28200)  # 3 points behind 序时进度
    client = login(world.econ)
    assert client.post("/indicators/thresholds/", {"zone": world.zone.pk, "amber_points": "2",
                                                   "growth_amber_points": "1"}).status_code == 302  # fmt: skip
    page = client.get("/indicators/?year=2026&month=6")
    line = next(x for x in page.context["lines"] if x.indicator.code == "BUDGET")
    assert line.colour == "red"
    assert AuditEvent.objects.filter(object_type="indicators.scorecardsettings").exists()
    for who in ("viewer", "unit"):
        response = login(getattr(world, who)).post(
            "/indicators/thresholds/",
            {"zone": world.zone.pk, "amber_points": "9", "growth_amber_points": "9"},
        )
        assert response.status_code == 403


def test_overview_shows_each_zone_s_investment_funnel(world, catalogue):
    import datetime as dt

    from zonedesk.investment.models import Lead, LeadStage

    world.viewer.viewer_zones.add(world.other_zone)

    def lead(zone, name, stage, signed, amount):
        return Lead.objects.create(
            zone=zone,
            code=f"ZS-{name}",
            name=name,
            investor_name=f"{name}公司",
            stage=stage,
            signed_date=signed,
            contract_amount=Decimal(amount),
            owner=world.invest if zone == world.zone else world.other_staff,
        )

    lead(world.zone, "甲", LeadStage.PRODUCING, dt.date(2026, 2, 1), "30000")
    lead(world.zone, "乙", LeadStage.SIGNED, dt.date(2026, 3, 1), "20000")
    lead(world.zone, "丙", LeadStage.STARTED, dt.date(2025, 6, 1), "10000")  # another year
    lead(world.other_zone, "丁", LeadStage.STARTED, dt.date(2026, 1, 9), "5000")
    page = login(world.viewer).get("/indicators/zones/?year=2026&month=3")
    data = page.context["data"]
    funnel = data.cells["funnel"]
    assert funnel[world.zone.pk].text == "2/1/1"
    assert funnel[world.zone.pk].detail == "签约2个、5.00亿元，其中开工1个、投产1个"
    assert funnel[world.other_zone.pk].text == "1/1/0"
    assert funnel[world.zone.pk].url == f"/investment/funnel/?zone={world.zone.pk}&year=2026"
    assert "招商引资漏斗列暂未接入" not in page.content.decode()


def test_the_scorecard_exports_as_on_screen(world, catalogue):
    import io

    import openpyxl

    fai = catalogue["FAI"]
    target(world.zone, fai, 2026, growth=8)
    target(world.zone, fai, 2026, assessor="province", growth=7.5)
    publish(world.zone, fai, 2026, 3, value=12.5, growth=6)
    response = login(world.econ).get(
        "/indicators/", {"zone": world.zone.pk, "year": 2026, "month": 3, "format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "阳泉高新区2026年1-3月经济指标完成情况"
    header = [c.value for c in sheet[3]]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=4, values_only=True)
    }
    row = rows[fai.name]
    assert (row["同比增长（%）"], row["目标增速（%）"], row["较目标增速（百分点）"]) == (6, 8, -2)
    assert row["评价"] in ("红", "黄") and row["原因"]
    assert login(world.admin).get("/indicators/", {"format": "xlsx"}).status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1
