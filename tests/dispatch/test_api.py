"""The dispatch endpoints of the JSON API: token auth, the pages' scope, Chinese errors."""

from __future__ import annotations

import pytest

from tests.dispatch.conftest import file_report, open_period, send
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch.models import ProgressReport

BODY = {
    "invested_period": "500", "invested_year": "3000", "invested_total": "8000",
    "image_progress": "主体封顶", "percent_complete": "60", "next_plan": "外立面施工",
}  # fmt: skip


def test_the_endpoints_need_a_token(world, api_client):
    from django.test import Client

    response = Client().get("/api/dispatch/reports")
    assert response.status_code == 401 and "接口令牌" in response.json()["detail"]


def test_a_unit_files_and_the_department_approves_over_the_api(world, api_client):
    period = open_period(world.zone)
    unit = api_client(world.unit)
    created = send(
        unit,
        "post",
        "/api/dispatch/reports",
        {"project_id": world.project.pk, **BODY, "submit": True},
    )
    assert created.status_code == 201, created.content
    report = created.json()
    assert (report["status"], report["period_id"], report["project_name"]) == (
        "submitted",
        period.pk,
        "智算中心项目",
    )
    econ = api_client(world.econ)
    assert [
        r["id"] for r in econ.get("/api/dispatch/reports", {"period_id": period.pk}).json()
    ] == [report["id"]]
    returned = send(
        econ,
        "post",
        f"/api/dispatch/reports/{report['id']}/return",
        {"version": report["version"], "reason": "照片缺失"},
    )
    assert returned.json()["status"] == "returned"
    refiled = send(
        unit,
        "post",
        "/api/dispatch/reports",
        {
            "project_id": world.project.pk,
            **BODY,
            "submit": True,
            "version": returned.json()["version"],
        },
    )
    assert refiled.status_code == 200 and refiled.json()["status"] == "submitted"
    approved = send(
        econ,
        "post",
        f"/api/dispatch/reports/{report['id']}/approve",
        {"version": refiled.json()["version"]},
    )
    assert approved.json()["status"] == "approved"
    assert [p["id"] for p in econ.get("/api/dispatch/periods").json()] == [period.pk]
    warnings = econ.get("/api/dispatch/warnings").json()
    assert {w["project_name"] for w in warnings} == {"智算中心项目", "储能电池项目"}
    assert all(isinstance(w["reasons"], list) for w in warnings)


def test_rule_breaks_come_back_as_422_naming_project_and_field(world, api_client):
    open_period(world.zone)
    response = send(
        api_client(world.unit),
        "post",
        "/api/dispatch/reports",
        {"project_id": world.project.pk, **BODY, "invested_total": "60000", "submit": True},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith(
        "数据校验未通过：项目“智算中心项目”：自开工累计完成投资（60,000.00万元）超过项目总投资"
    )
    assert "invested_total" in body["errors"]
    assert not ProgressReport.objects.exists()


@pytest.fixture
def filed(world):
    period = open_period(world.zone)
    return file_report(world.project, period, world.unit)


@pytest.mark.parametrize(
    ("persona", "method", "path", "body"),
    [
        ("other_staff", "get", "/api/dispatch/reports/{r}", None),
        ("other_unit", "get", "/api/dispatch/reports/{r}", None),
        (
            "other_staff",
            "post",
            "/api/dispatch/reports",
            {"project_id": "{p}", "invested_year": "1"},
        ),
        (
            "other_unit",
            "post",
            "/api/dispatch/reports",
            {"project_id": "{p}", "invested_year": "1"},
        ),
        ("econ", "post", "/api/dispatch/reports", {"project_id": "{p}", "invested_year": "1"}),
        ("viewer", "post", "/api/dispatch/reports", {"project_id": "{p}", "invested_year": "1"}),
        ("invest", "post", "/api/dispatch/reports/{r}/approve", {"version": 1}),
        ("viewer", "post", "/api/dispatch/reports/{r}/approve", {"version": 1}),
        ("unit", "post", "/api/dispatch/reports/{r}/approve", {"version": 1}),
        ("other_staff", "post", "/api/dispatch/reports/{r}/return", {"version": 1, "reason": "x"}),
        ("viewer", "post", "/api/dispatch/reports/{r}/return", {"version": 1, "reason": "x"}),
        ("auditor", "get", "/api/dispatch/reports", None),
        ("auditor", "get", "/api/dispatch/periods", None),
        ("admin", "get", "/api/dispatch/warnings", None),
    ],
)
def test_every_endpoint_refuses_users_out_of_scope(
    world, filed, api_client, persona, method, path, body
):
    url = path.format(r=filed.pk)
    if body is not None:
        body = {k: (world.project.pk if v == "{p}" else v) for k, v in body.items()}
    client = api_client(getattr(world, persona))
    response = client.get(url) if body is None else send(client, method, url, body)
    assert response.status_code == 403, response.content
    assert "无权" in response.json()["detail"] or "只有" in response.json()["detail"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()
    filed.refresh_from_db()
    assert filed.status == ProgressReport.Status.SUBMITTED


def test_lists_follow_scope(world, filed, api_client):
    assert api_client(world.other_staff).get("/api/dispatch/reports").json() == []
    assert len(api_client(world.viewer).get("/api/dispatch/reports").json()) == 1
    assert api_client(world.other_unit).get("/api/dispatch/reports").json() == []
    assert {
        w["project_name"]
        for w in api_client(world.other_staff).get("/api/dispatch/warnings").json()
    } == {"飞轮储能项目"}
