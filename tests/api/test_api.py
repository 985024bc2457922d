"""The JSON API: token auth, the pages' scope rules, Chinese errors, optimistic locking."""

from __future__ import annotations

import json
import secrets

import pytest
from django.test import Client

from zonedesk.accounts.models import ApiToken, AuditEvent
from zonedesk.projects.models import Project


def api(user) -> Client:
    key = secrets.token_urlsafe(16)
    ApiToken.objects.create(user=user, prefix=key[:8], key_hash=ApiToken.hash_key(key))
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def send(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_the_schema_is_published(db, client):
    schema = client.get("/api/openapi.json").json()
    assert (
        "/api/projects" in schema["paths"] and "/api/milestones/{milestone_id}" in schema["paths"]
    )


def test_requests_without_a_valid_token_are_refused_in_chinese(world, client):
    response = client.get("/api/projects")
    assert response.status_code == 401 and "接口令牌" in response.json()["detail"]
    assert Client(HTTP_AUTHORIZATION="Bearer nope").get("/api/projects").status_code == 401


def test_a_revoked_token_stops_working(world):
    client = api(world.econ)
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/projects").status_code == 401


def test_lists_follow_scope_and_filters(world):
    body = api(world.econ).get("/api/projects").json()
    assert {p["name"] for p in body["items"]} == {"智算中心项目", "储能电池项目"} and body[
        "count"
    ] == 2
    assert api(world.unit).get("/api/projects").json()["count"] == 1
    body = api(world.econ).get("/api/projects", {"department": world.invest_dept.pk}).json()
    assert [p["name"] for p in body["items"]] == ["储能电池项目"]
    assert api(world.viewer).get("/api/projects").json()["count"] == 2
    assert {z["name"] for z in api(world.econ).get("/api/zones").json()} == {
        "阳泉高新技术产业开发区",
        "高新区新能源产业园",
    }
    assert {d["name"] for d in api(world.other_staff).get("/api/departments").json()} == {
        "经济发展部"
    }
    assert [o["name"] for o in api(world.unit).get("/api/organisations").json()] == ["开创集团"]


@pytest.mark.parametrize(
    ("persona", "method", "path", "body"),
    [
        ("other_staff", "get", "/api/projects/{p}", None),
        ("other_unit", "get", "/api/projects/{p}", None),
        ("other_staff", "get", "/api/projects/{p}/milestones", None),
        ("invest", "patch", "/api/projects/{p}", {"version": 1, "content": "x"}),
        ("viewer", "patch", "/api/projects/{p}", {"version": 1, "content": "x"}),
        ("other_staff", "patch", "/api/milestones/{m}", {"version": 1, "note": "x"}),
        ("viewer", "patch", "/api/milestones/{m}", {"version": 1, "note": "x"}),
        ("auditor", "get", "/api/projects", None),
        (
            "unit",
            "post",
            "/api/projects",
            {"name": "x", "category": "industry", "total_investment": 1, "department_id": 0},
        ),
        (
            "viewer",
            "post",
            "/api/projects",
            {"name": "x", "category": "industry", "total_investment": 1, "department_id": 0},
        ),
    ],
)
def test_every_endpoint_refuses_users_out_of_scope(world, persona, method, path, body):
    url = path.format(p=world.project.pk, m=world.milestone.pk)
    client = api(getattr(world, persona))
    response = client.get(url) if body is None else send(client, method, url, body)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("无权") or "无权" in response.json()["detail"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()


def test_create_and_update_with_version(world):
    client = api(world.econ)
    created = send(
        client,
        "post",
        "/api/projects",
        {
            "name": "API项目",
            "category": "industry",
            "total_investment": "8000.50",
            "department_id": world.econ_dept.pk,
            "planned_start": "2026-05-01",
            "planned_completion": "2027-05-01",
        },
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["total_investment"] == "8000.50" and data["version"] == 1
    updated = send(
        client,
        "patch",
        f"/api/projects/{data['id']}",
        {"version": 1, "annual_plan_investment": 2000},
    )
    assert updated.status_code == 200 and updated.json()["version"] == 2
    stale = send(client, "patch", f"/api/projects/{data['id']}", {"version": 1, "content": "覆盖"})
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]


def test_staff_cannot_create_for_another_department(world):
    response = send(
        api(world.econ),
        "post",
        "/api/projects",
        {
            "name": "越权项目",
            "category": "industry",
            "total_investment": 1,
            "department_id": world.invest_dept.pk,
        },
    )
    assert response.status_code == 403
    assert not Project.objects.filter(name="越权项目").exists()


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({"version": 1, "total_investment": "abc"}, "total_investment", "应为数字"),
        (
            {"version": 1, "planned_completion": "2020-01-01"},
            "planned_completion",
            "不能早于计划开工",
        ),
        ({"version": 1, "stage": "producing"}, "actual_production", "须先填写实际投产"),
        ({"version": 1, "department_id": 999999}, "department", "不存在"),
        ({"version": 1, "unknown": 1}, "unknown", "不认识的字段"),
        ({"content": "x"}, "version", "缺少必填字段"),
    ],
)
def test_bad_input_gets_chinese_field_errors_and_saves_nothing(world, body, field, text):
    response = send(api(world.econ), "patch", f"/api/projects/{world.project.pk}", body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(text in m for m in errors[field]), errors
    world.project.refresh_from_db()
    assert world.project.version == 1


def test_a_unit_cannot_reassign_its_project(world):
    response = send(
        api(world.unit),
        "patch",
        f"/api/projects/{world.project.pk}",
        {"version": 1, "department_id": world.invest_dept.pk},
    )
    assert response.status_code == 403


def test_milestones_are_listed_and_updated(world):
    client = api(world.unit)
    rows = client.get(f"/api/projects/{world.project.pk}/milestones").json()
    assert [m["name"] for m in rows] == ["开工"]
    response = send(
        client,
        "patch",
        f"/api/milestones/{world.milestone.pk}",
        {"version": 1, "actual_date": "2026-03-02"},
    )
    assert response.status_code == 200 and response.json()["actual_date"] == "2026-03-02"


def test_moving_a_milestone_over_the_api_needs_a_reason_and_rebaselining_is_the_leaders(world):
    url = f"/api/milestones/{world.milestone.pk}"
    client = api(world.unit)
    refused = send(client, "patch", url, {"version": 1, "planned_date": "2026-04-15"})
    assert refused.status_code == 422
    assert "须填写调整原因" in refused.json()["detail"]
    moved = send(
        client,
        "patch",
        url,
        {"version": 1, "planned_date": "2026-04-15", "plan_change_reason": "规划许可延后"},
    ).json()
    assert (moved["baseline_date"], moved["planned_date"], moved["plan_changes"]) == (
        "2026-03-01", "2026-04-15", 1,
    )  # fmt: skip
    rebaseline = f"/api/projects/{world.project.pk}/milestones/rebaseline"
    assert send(client, "post", rebaseline, {"reason": "纪要"}).status_code == 403
    done = send(api(world.leader), "post", rebaseline, {"reason": "第3期大调度纪要"})
    assert done.status_code == 200 and done.json() == {"rebaselined": 1}
    row = client.get(f"/api/projects/{world.project.pk}/milestones").json()[0]
    assert (row["baseline_date"], row["plan_changes"]) == ("2026-04-15", 0)


def test_the_list_query_count_does_not_grow_with_rows(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_project

    client = api(world.viewer)
    client.get("/api/projects")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/projects")
    for i in range(30):
        make_project(
            world.zone,
            f"批量{i}",
            department=world.econ_dept,
            code=f"Q-{i:03d}",
            unit=world.luda,
            lead=world.leader,
        )
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/projects").json()
    assert body["count"] == 32
    assert len(many) == len(few)
