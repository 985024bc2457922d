"""/api/enterprises: token auth, the pages' scope, Chinese errors, optimistic locking."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from tests.enterprises.conftest import add_years, last_years, new_code, send
from zonedesk.enterprises import services
from zonedesk.enterprises.models import EnterpriseSettings


def test_every_endpoint_needs_a_token(world, firm):
    for url in [
        "/api/enterprises",
        f"/api/enterprises/{firm.pk}",
        f"/api/enterprises/{firm.pk}/eligibility",
        "/api/enterprises/funnel",
        "/api/enterprises/requests",
    ]:
        response = Client().get(url)
        assert response.status_code == 401 and "接口令牌" in response.json()["detail"], url


def test_list_detail_and_eligibility_follow_scope(world, firm, other_firm, api_client):
    add_years(firm, last_years(3), revenue="300", rd="20")
    econ = api_client(world.econ)
    body = econ.get("/api/enterprises").json()
    assert [e["name"] for e in body["items"]] == [firm.name] and body["count"] == 1
    assert econ.get("/api/enterprises", {"candidate": "high_tech"}).json()["count"] == 1
    assert econ.get(f"/api/enterprises/{other_firm.pk}").status_code == 403
    assert api_client(world.auditor).get("/api/enterprises").status_code == 403
    tiers = {t["tier"]: t for t in econ.get(f"/api/enterprises/{firm.pk}/eligibility").json()}
    assert tiers["high_tech"]["status"] == "eligible"
    assert {c["outcome"] for c in tiers["high_tech"]["conditions"]} <= {"pass", "manual"}
    funnel = {r["tier"]: r for r in econ.get("/api/enterprises/funnel").json()}
    assert funnel["high_tech"]["eligible"] == 1
    assert api_client(world.unit).get("/api/enterprises/funnel").status_code == 403
    assert (
        api_client(world.viewer)
        .get(f"/api/enterprises/funnel?zone_id={world.other_zone.pk}")
        .status_code
        == 403
    )


def test_figures_put_with_versions(world, firm, api_client):
    econ = api_client(world.econ)
    created = send(
        econ,
        "put",
        f"/api/enterprises/{firm.pk}/figures/2025/4",
        {"revenue": "320", "rd_spending": "21"},
    )
    assert (
        created.status_code == 200
        and created.json()["version"] == 1
        and created.json()["source"] == "api"
    )
    stale = send(econ, "put", f"/api/enterprises/{firm.pk}/figures/2025/4", {"revenue": "330"})
    assert stale.status_code == 422 and "已由他人录入" in stale.json()["detail"]
    updated = send(
        econ, "put", f"/api/enterprises/{firm.pk}/figures/2025/4", {"revenue": "330", "version": 1}
    )
    assert updated.json()["version"] == 2
    conflict = send(
        econ, "put", f"/api/enterprises/{firm.pk}/figures/2025/4", {"revenue": "340", "version": 1}
    )
    assert conflict.status_code == 409
    assert (
        send(
            api_client(world.viewer),
            "put",
            f"/api/enterprises/{firm.pk}/figures/2025/5",
            {"revenue": "1"},
        ).status_code
        == 403
    )
    bad = send(econ, "put", f"/api/enterprises/{firm.pk}/figures/2025/5", {"revenue": "很多"})
    assert bad.status_code == 422 and bad.json()["detail"] == "字段 revenue：应为数字"
    assert [
        f["month"] for f in econ.get(f"/api/enterprises/{firm.pk}/figures?year=2025").json()
    ] == [4]


def test_the_firms_own_user_puts_figures_only_when_allowed(world, api_client):
    own = services.enterprise_register(
        by=world.econ,
        zone=world.zone,
        data={},
        organisation=world.kaichuang,
        org_data={"credit_code": new_code()},
    )
    unit = api_client(world.unit)
    assert (
        send(unit, "put", f"/api/enterprises/{own.pk}/figures/2025/1", {"revenue": "1"}).status_code
        == 403
    )
    EnterpriseSettings.objects.create(zone=world.zone, self_reporting=True)
    assert (
        send(unit, "put", f"/api/enterprises/{own.pk}/figures/2025/1", {"revenue": "1"}).json()[
            "source"
        ]
        == "api"
    )


def test_requests_over_the_api(world, firm, other_firm, api_client):
    econ = api_client(world.econ)
    body = {
        "enterprise_id": firm.pk,
        "category": "land",
        "description": "用地",
        "department_id": world.econ_dept.pk,
        "received_on": "2026-02-12",
        "time_limit_days": 5,
    }
    created = send(econ, "post", "/api/enterprises/requests", body)
    assert created.status_code == 201 and created.json()["due_on"] == "2026-02-26"
    item = created.json()
    assert (
        send(
            econ, "post", "/api/enterprises/requests", body | {"enterprise_id": other_firm.pk}
        ).status_code
        == 403
    )
    assert (
        send(
            api_client(world.invest),
            "post",
            f"/api/enterprises/requests/{item['id']}/reply",
            {"version": 1, "reply": "x"},
        ).status_code
        == 403
    )
    replied = send(
        econ,
        "post",
        f"/api/enterprises/requests/{item['id']}/reply",
        {"version": 1, "reply": "已办", "close": True},
    )
    assert replied.json()["status"] == "closed"
    assert econ.get("/api/enterprises/requests", {"status": "closed"}).json()[0]["id"] == item["id"]


def test_policy_matches_over_the_api(world, firm, api_client):
    add_years(firm, last_years(1))
    policy = services.policy_save(
        zone=world.zone,
        by=world.econ,
        data={
            "title": "升规",
            "issuer": "市",
            "benefit": "奖",
            "valid_from": dt.date(2020, 1, 1),
            "conditions": [{"field": "revenue", "op": ">=", "value": 2000}],
        },
    )
    rows = api_client(world.econ).get(f"/api/enterprises/policies/{policy.pk}/matches").json()
    assert rows == [
        {
            "enterprise_id": firm.pk,
            "name": firm.name,
            "qualifies": True,
            "conditions": [
                {
                    "label": "上年营业收入（万元）",
                    "value": "6,000.00",
                    "threshold": "≥ 2,000.00",
                    "outcome": "pass",
                }
            ],
        }
    ]
    assert (
        api_client(world.other_staff)
        .get(f"/api/enterprises/policies/{policy.pk}/matches")
        .status_code
        == 403
    )


def test_who_may_call_each_read_endpoint(world, firm, api_client):
    policy = services.policy_save(
        zone=world.zone, by=world.econ, data={"title": "p", "issuer": "i", "benefit": "b"}
    )
    readers = {"leader", "deputy", "econ", "invest", "viewer"}
    cases = [
        (f"/api/enterprises/{firm.pk}", readers),
        (f"/api/enterprises/{firm.pk}/eligibility", readers),
        (f"/api/enterprises/{firm.pk}/figures", readers),
        (f"/api/enterprises/policies/{policy.pk}/matches", readers | {"unit"}),
        ("/api/enterprises/funnel", readers | {"other_staff"}),
        ("/api/enterprises", readers | {"unit", "other_staff"}),
        ("/api/enterprises/requests", readers | {"unit", "other_staff"}),
    ]
    for url, allowed in cases:
        for name in [
            "leader",
            "deputy",
            "econ",
            "invest",
            "unit",
            "other_staff",
            "viewer",
            "auditor",
            "admin",
        ]:
            status = api_client(getattr(world, name)).get(url).status_code
            assert status == (200 if name in allowed else 403), (url, name, status)
