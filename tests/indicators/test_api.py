"""/api/indicators: catalogue, targets, values and the scorecard, with the pages' scope rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.indicators.conftest import api, publish, send, target
from zonedesk.indicators.models import IndicatorValue, Target


def test_the_routes_are_in_the_schema(db, client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/indicators/catalogue", "/api/indicators/targets", "/api/indicators/values",
            "/api/indicators/scorecard"} <= set(paths)  # fmt: skip


def test_econ_posts_a_month_and_reads_the_scorecard(world, catalogue):
    client = api(world.econ)
    fai = catalogue["FAI"]
    r = send(client, "post", "/api/indicators/values", {
        "year": 2026, "month": 3, "source": "市统计局",
        "items": [{"indicator_id": fai.pk, "value": "12.5", "growth": "-3.2"}],
    })  # fmt: skip
    assert r.status_code == 200, r.json()
    assert r.json()[0]["growth"] == "-3.20" or Decimal(r.json()[0]["growth"]) == Decimal("-3.2")
    r = send(client, "put", "/api/indicators/targets",
             {"indicator_id": fai.pk, "year": 2026, "assessor": "city", "target_growth": "8"})  # fmt: skip
    assert r.status_code == 200
    card = client.get("/api/indicators/scorecard?year=2026&month=3").json()
    fai_line = next(line for line in card if line["code"] == "FAI")
    assert fai_line["colour"] == "red" and Decimal(fai_line["growth_gap"]) == Decimal("-11.2")


def test_rule_breaks_are_422_in_chinese(world, catalogue):
    r = send(api(world.econ), "post", "/api/indicators/values", {
        "year": 2026, "month": 1, "items": [{"indicator_id": catalogue["FAI"].pk, "value": "1"}]})  # fmt: skip
    assert r.status_code == 422 and "1月不单独发布" in r.json()["detail"]


@pytest.mark.parametrize("who", ["viewer", "unit", "auditor"])
def test_read_only_roles_cannot_write(world, catalogue, who):
    client = api(getattr(world, who))
    fai = catalogue["FAI"]
    body = {
        "zone_id": world.zone.pk,
        "year": 2026,
        "month": 3,
        "items": [{"indicator_id": fai.pk, "value": "1"}],
    }
    assert send(client, "post", "/api/indicators/values", body).status_code == 403
    t = {
        "zone_id": world.zone.pk,
        "indicator_id": fai.pk,
        "year": 2026,
        "assessor": "city",
        "target_growth": "8",
    }
    assert send(client, "put", "/api/indicators/targets", t).status_code == 403
    c = {"zone_id": world.zone.pk, "code": "Z", "name": "Z"}
    assert send(client, "post", "/api/indicators/catalogue", c).status_code == 403
    existing = target(world.zone, fai, 2026, growth=8)
    v = publish(world.zone, fai, 2026, 3, value=1)
    assert client.delete(f"/api/indicators/targets/{existing.pk}").status_code == 403
    assert client.delete(f"/api/indicators/values/{v.pk}").status_code == 403
    assert IndicatorValue.objects.count() == 1 and Target.objects.count() == 1


def test_the_viewer_reads_but_another_zone_s_staff_does_not(world, catalogue):
    publish(world.zone, catalogue["FAI"], 2026, 3, value=1, growth=2)
    assert (
        len(
            api(world.viewer)
            .get(f"/api/indicators/values?year=2026&zone_id={world.zone.pk}")
            .json()
        )
        == 1
    )
    assert api(world.unit).get("/api/indicators/scorecard?year=2026&month=3").status_code == 200
    other = api(world.other_staff)
    assert other.get(f"/api/indicators/values?year=2026&zone_id={world.zone.pk}").status_code == 403
    assert (
        other.get(f"/api/indicators/targets?year=2026&zone_id={world.zone.pk}").status_code == 403
    )
    assert other.get(f"/api/indicators/catalogue?zone_id={world.zone.pk}").status_code == 403
    assert api(world.admin).get("/api/indicators/catalogue").status_code == 403


def test_delete_is_recorded(world, catalogue):
    v = publish(world.zone, catalogue["FAI"], 2026, 3, value=1)
    t = target(world.zone, catalogue["FAI"], 2026, growth=8)
    client = api(world.econ)
    assert client.delete(f"/api/indicators/values/{v.pk}").status_code == 204
    assert client.delete(f"/api/indicators/targets/{t.pk}").status_code == 204
    from zonedesk.accounts.models import AuditEvent

    notes = set(AuditEvent.objects.values_list("note", flat=True))
    assert {"删除月度指标值", "删除年度目标"} <= notes


def test_a_zone_adds_its_own_indicator_by_api(world, catalogue):
    r = send(api(world.econ), "post", "/api/indicators/catalogue",
             {"code": "YQ_X", "name": "园区标准厂房出租率", "unit": "%", "kind": "point", "has_growth": False})  # fmt: skip
    assert r.status_code == 201 and r.json()["zone_id"] == world.zone.pk
