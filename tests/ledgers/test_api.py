"""/api/ledgers: campaigns, items and their steps, with the pages' rules (the fixing department
is refused the check; viewers write nothing)."""

from __future__ import annotations

import pytest

from tests.indicators.conftest import api, send
from tests.ledgers.conftest import png  # noqa: F401
from zonedesk.ledgers import services
from zonedesk.ledgers.models import Campaign, LedgerItem, Status


def item_body(world, campaign) -> dict:
    return {
        "campaign_id": campaign.pk, "problem": "道路扬尘", "place": "青岛路", "category": "扬尘",
        "source": "self", "found_on": "2026-03-01", "responsible_department_id": world.econ_dept.pk,
        "responsible_person": "李四", "supervising_department_id": world.invest_dept.pk,
        "measures": "洒水降尘", "deadline_class": "immediate", "deadline": "2026-03-05",
    }  # fmt: skip


def test_the_routes_are_in_the_schema(db, client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/ledgers/campaigns",
        "/api/ledgers/items",
        "/api/ledgers/items/{item_id}/actions",
    } <= set(paths)


def test_a_campaign_and_an_item_through_their_life_by_api(world):
    econ, invest = api(world.econ), api(world.invest)
    r = send(econ, "post", "/api/ledgers/campaigns", {
        "name": "交通运输专项行动", "theme": "交通运输", "source": "assigned",
        "lead_department_id": world.econ_dept.pk, "start": "2026-02-01"})  # fmt: skip
    assert r.status_code == 201, r.json()
    campaign = Campaign.objects.get(pk=r.json()["id"])
    r = send(econ, "post", "/api/ledgers/items", item_body(world, campaign))
    assert r.status_code == 201, r.json()
    item_id, version = r.json()["id"], r.json()["version"]
    r = send(
        econ,
        "post",
        f"/api/ledgers/items/{item_id}/actions",
        {"action": "start", "version": version},
    )
    assert r.json()["status"] == "in_progress"
    services.evidence_add(item=LedgerItem.objects.get(pk=item_id), by=world.econ, files=[png()])
    r = send(
        econ,
        "post",
        f"/api/ledgers/items/{item_id}/actions",
        {"action": "apply", "version": r.json()["version"]},
    )
    version = r.json()["version"]
    refused = send(
        econ,
        "post",
        f"/api/ledgers/items/{item_id}/actions",
        {"action": "check", "passed": True, "version": version},
    )
    assert refused.status_code == 403 and "不能核查" in refused.json()["detail"]
    r = send(
        invest,
        "post",
        f"/api/ledgers/items/{item_id}/actions",
        {"action": "check", "passed": True, "version": version},
    )
    assert r.status_code == 200 and r.json()["status"] == "closed"
    counts = econ.get(f"/api/ledgers/campaigns/{campaign.pk}/counts").json()
    assert counts["sentence"] == "排查问题1个，整改1个，销号1个"


def test_validation_and_conflicts_are_chinese(world, campaign):
    client = api(world.econ)
    body = item_body(world, campaign) | {"measures": ""}
    r = send(client, "post", "/api/ledgers/items", body)
    assert r.status_code == 422 and "整改措施" in r.json()["detail"]
    item = services.item_create(campaign=campaign, by=world.leader, data={
        "problem": "x", "place": "y", "category": "z", "source": "self", "responsible_department": world.econ_dept,
        "responsible_person": "p", "measures": "m", "deadline_class": "short", "deadline": "2026-05-01",
        "found_on": "2026-03-01"})  # fmt: skip
    r = send(
        client,
        "patch",
        f"/api/ledgers/items/{item.pk}",
        {"place": "新点位", "version": item.version + 5},
    )
    assert r.status_code == 409


@pytest.mark.parametrize("who", ["viewer", "auditor"])
def test_read_only_roles_write_nothing(world, campaign, who):
    client = api(getattr(world, who))
    assert send(client, "post", "/api/ledgers/campaigns", {"zone_id": world.zone.pk, "name": "x",
                "lead_department_id": world.econ_dept.pk, "start": "2026-01-01"}).status_code == 403  # fmt: skip
    assert (
        send(
            client, "patch", f"/api/ledgers/campaigns/{campaign.pk}", {"name": "y", "version": 1}
        ).status_code
        == 403
    )
    assert send(client, "post", "/api/ledgers/items", item_body(world, campaign)).status_code == 403
    assert not LedgerItem.objects.exists()


def test_the_viewer_reads_and_another_zone_does_not(world, campaign, item):
    assert len(api(world.viewer).get("/api/ledgers/items").json()) == 1
    assert api(world.viewer).get(f"/api/ledgers/items/{item.pk}").status_code == 200
    other = api(world.other_staff)
    assert other.get("/api/ledgers/items").json() == []
    assert other.get(f"/api/ledgers/items/{item.pk}").status_code == 403
    assert other.get(f"/api/ledgers/campaigns/{campaign.pk}/counts").status_code == 403
    assert send(api(world.viewer), "post", f"/api/ledgers/items/{item.pk}/actions",
                {"action": "start", "version": item.version}).status_code == 403  # fmt: skip
    assert LedgerItem.objects.get().status == Status.PENDING
    assert api(world.unit).get("/api/ledgers/items").json()[0]["id"] == item.pk  # its own unit
    assert api(world.other_unit).get("/api/ledgers/items").json() == []
    assert api(world.viewer).get("/api/ledgers/stats").json()["found"] == 1


def test_patching_an_item_is_for_zone_editors_only(world, item):
    for who in ("viewer", "unit", "other_staff", "auditor"):
        r = send(api(getattr(world, who)), "patch", f"/api/ledgers/items/{item.pk}",
                 {"place": "x", "version": item.version})  # fmt: skip
        assert r.status_code == 403, who
    r = send(
        api(world.econ),
        "patch",
        f"/api/ledgers/items/{item.pk}",
        {"place": "新点位", "version": item.version},
    )
    assert r.status_code == 200 and r.json()["place"] == "新点位"
    assert api(world.other_staff).get("/api/ledgers/campaigns").json() == []
    assert api(world.admin).get("/api/ledgers/items").status_code == 403
