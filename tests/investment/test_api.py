"""/api/investment: token auth, the pages' scope and masking, Chinese errors, 409 on a
suspected duplicate or a stale version."""

from __future__ import annotations

import datetime as dt
import json
import secrets

import pytest
from django.test import Client

from tests.investment.conftest import make_lead, sign
from zonedesk.accounts.models import ApiToken
from zonedesk.investment.models import DuplicateFlag, Lead


@pytest.fixture
def api(inv):
    def make(user) -> Client:
        key = secrets.token_urlsafe(16)
        ApiToken.objects.create(user=user, prefix=key[:8], key_hash=ApiToken.hash_key(key))
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    return make


def send(client, method, url, body):
    return getattr(client, method)(
        url, data=json.dumps(body, default=str), content_type="application/json"
    )


def test_it_needs_a_token(inv):
    assert Client().get("/api/investment/leads").status_code == 401


def test_the_whole_life_over_the_api(inv, api):
    c = api(inv.invest)
    r = send(
        c,
        "post",
        "/api/investment/leads",
        {
            "name": "电芯项目",
            "investor_name": "江苏某某电池有限公司",
            "source": "fair",
            "team_id": inv.team.pk,
            "node_id": inv.cell.pk,
            "contact_phone": "13912345678",
        },
    )
    assert r.status_code == 201, r.content
    lead = r.json()
    assert (
        lead["chain_id"] == inv.chain.pk
        and lead["contact_phone"] == "13912345678"
        and not lead["contacts_masked"]
    )
    lid = lead["id"]
    assert (
        send(
            c,
            "post",
            f"/api/investment/leads/{lid}/followups",
            {"kind": "call", "date": "2026-02-01", "participants": "钱投促", "outcome": "约定考察"},
        ).status_code
        == 201
    )
    version = c.get(f"/api/investment/leads/{lid}").json()["version"]
    r = send(
        c,
        "post",
        f"/api/investment/leads/{lid}/sign",
        {
            "version": version,
            "signed_date": "2026-03-01",
            "contract_amount": "60000",
            "committed_start": "2026-05-01",
        },
    )
    assert r.status_code == 200 and r.json()["stage"] == "signed", r.content
    r = send(
        c,
        "post",
        f"/api/investment/leads/{lid}/funding",
        {"date": "2026-03-10", "amount": "5000", "kind": "domestic_out"},
    )
    assert r.status_code == 201 and r.json()["kind_label"] == "境内省外"
    assert [a["amount"] for a in c.get(f"/api/investment/leads/{lid}/funding").json()] == [
        "5000.00"
    ]
    r = send(
        c,
        "post",
        f"/api/investment/leads/{lid}/convert",
        {
            "version": r.json() and Lead.objects.get(pk=lid).version,
            "department_id": inv.invest_dept.pk,
        },
    )
    assert r.status_code == 201 and Lead.objects.get(pk=lid).project_id == r.json()["project_id"]
    funnel = c.get("/api/investment/funnel?year=2026").json()
    assert funnel["total"]["signed"] == 1 and funnel["total"]["funds_rate"] == "8.3"
    chain = c.get(f"/api/investment/chains/{inv.chain.pk}").json()
    assert {n["name"]: n["leads"] for n in chain["nodes"]}["电芯制造"] == 1


def test_a_duplicate_is_409_until_confirmed(inv, api):
    make_lead(inv, investor="鼎恒能源科技（山西）有限公司")
    c = api(inv.invest2)
    body = {
        "name": "二期",
        "investor_name": "山西鼎恒能源科技有限公司",
        "source": "agent",
        "team_id": inv.team2.pk,
    }
    r = send(c, "post", "/api/investment/leads", body)
    assert r.status_code == 409 and r.json()["matches"][0]["owner"] == "钱投促"
    r = send(c, "post", "/api/investment/leads", body | {"confirm_duplicate": True})
    assert r.status_code == 201 and DuplicateFlag.objects.count() == 1


def test_contacts_are_masked_outside_the_team(inv, api):
    lead = make_lead(inv)
    for user in (inv.econ, inv.invest2, inv.viewer):
        item = api(user).get("/api/investment/leads").json()["items"][0]
        assert (item["contact_name"], item["contact_phone"], item["contacts_masked"]) == (
            "王**",
            "138****5678",
            True,
        )
        assert (
            api(user).get(f"/api/investment/leads/{lead.pk}").json()["contact_phone"]
            == "138****5678"
        )


def test_scope_and_write_rights_match_the_pages(inv, api):
    lead = sign(inv, make_lead(inv))
    for user in (inv.unit, inv.auditor, inv.admin):
        c = api(user)
        for url in (
            "/api/investment/leads",
            f"/api/investment/leads/{lead.pk}",
            "/api/investment/funnel",
            "/api/investment/chains",
            f"/api/investment/chains/{inv.chain.pk}",
        ):
            assert c.get(url).status_code == 403, (user, url)
    other = api(inv.other_staff)
    assert other.get(f"/api/investment/leads/{lead.pk}").status_code == 403
    assert other.get(f"/api/investment/chains/{inv.chain.pk}").status_code == 403
    assert other.get("/api/investment/leads").json()["count"] == 0
    for user in (inv.econ, inv.invest2, inv.viewer):
        c = api(user)
        assert (
            send(
                c,
                "patch",
                f"/api/investment/leads/{lead.pk}",
                {"version": lead.version, "content": "x"},
            ).status_code
            == 403
        )
        assert (
            send(
                c,
                "post",
                f"/api/investment/leads/{lead.pk}/followups",
                {"kind": "call", "date": "2026-02-01", "participants": "x", "outcome": "y"},
            ).status_code
            == 403
        )
        assert (
            send(
                c,
                "post",
                f"/api/investment/leads/{lead.pk}/funding",
                {"date": "2026-03-10", "amount": "1", "kind": "foreign"},
            ).status_code
            == 403
        )
        assert (
            send(
                c,
                "post",
                f"/api/investment/leads/{lead.pk}/stage",
                {"version": lead.version, "stage": "terminated", "note": "x"},
            ).status_code
            == 403
        )
        assert (
            send(
                c,
                "post",
                f"/api/investment/leads/{lead.pk}/sign",
                {"version": lead.version, "signed_date": "2026-03-01", "contract_amount": "1"},
            ).status_code
            == 403
        )
        assert (
            send(
                c,
                "post",
                f"/api/investment/leads/{lead.pk}/convert",
                {"version": lead.version, "department_id": inv.invest_dept.pk},
            ).status_code
            == 403
        )
    for user in (inv.econ, inv.viewer, inv.unit):
        assert (
            send(
                api(user),
                "post",
                "/api/investment/leads",
                {"name": "x", "investor_name": "y公司", "source": "fair"},
            ).status_code
            == 403
        )


def test_errors_are_chinese_and_name_the_field(inv, api):
    lead = make_lead(inv)
    c = api(inv.invest)
    r = send(c, "patch", f"/api/investment/leads/{lead.pk}", {"version": 99, "content": "x"})
    assert r.status_code == 409 and "已被他人修改" in r.json()["detail"]
    r = send(
        c,
        "post",
        f"/api/investment/leads/{lead.pk}/stage",
        {"version": lead.version, "stage": "started", "date": "2026-01-01"},
    )
    assert r.status_code == 422 and "签约登记" in r.json()["detail"]
    r = send(
        c,
        "post",
        "/api/investment/leads",
        {"name": "x", "investor_name": "y公司", "source": "fair", "intended_investment": "很多"},
    )
    assert r.status_code == 422 and "intended_investment" in r.json()["errors"]
    r = send(
        c,
        "post",
        "/api/investment/leads",
        {"name": "x", "investor_name": "y公司", "source": "不存在"},
    )
    assert r.status_code == 422 and "source" in r.json()["errors"]
    r = send(
        c, "patch", f"/api/investment/leads/{lead.pk}", {"version": lead.version, "node_id": 999999}
    )
    assert r.status_code == 422 and "不存在" in r.json()["detail"]


def test_the_list_filters_like_the_page(inv, api):
    sign(inv, make_lead(inv, "甲", "甲公司"), on=dt.date(2026, 2, 1))
    make_lead(inv, "乙", "乙公司")
    c = api(inv.leader)
    assert c.get("/api/investment/leads?year=2026&metric=signed").json()["count"] == 1
    assert c.get("/api/investment/leads?stage=lead").json()["count"] == 1
    assert c.get("/api/investment/leads?limit=1").json()["limit"] == 1


def test_followups_and_funding_of_another_zone_are_refused(inv, api):
    lead = sign(inv, make_lead(inv))
    for user in (inv.other_staff, inv.unit):
        c = api(user)
        assert c.get(f"/api/investment/leads/{lead.pk}/followups").status_code == 403
        assert c.get(f"/api/investment/leads/{lead.pk}/funding").status_code == 403
    assert api(inv.econ).get(f"/api/investment/leads/{lead.pk}/followups").status_code == 200
    assert (
        api(inv.leader).get("/api/investment/funnel?year=2026").json()["by_zone"][0]["signed"] == 1
    )
