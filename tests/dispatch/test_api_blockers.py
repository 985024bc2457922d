"""The blocker, meeting and 督办 endpoints: same scope as the pages, Chinese errors, audited 403s."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.dispatch.conftest import past_meeting, raise_blocker, send
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch import services
from zonedesk.dispatch.models import Blocker, MeetingSchedule


def in_days(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def test_the_new_endpoints_need_a_token(world, api_client):
    from django.test import Client

    for url in ("/api/dispatch/blockers", "/api/dispatch/meetings", "/api/dispatch/supervision"):
        assert Client().get(url).status_code == 401


def test_raise_escalate_and_resolve_over_the_api(world, api_client):
    unit = api_client(world.unit)
    created = send(
        unit, "post", "/api/dispatch/blockers",
        {"project_id": world.project.pk, "category": "water", "description": "供水管网未接入", "deadline": in_days(3)},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["category_label"], body["level_label"], body["department_id"]) == (
        "用水",
        "部门",
        world.econ_dept.pk,
    )
    blocker_id = body["id"]
    Blocker.objects.filter(pk=blocker_id).update(
        deadline=timezone.localdate() - dt.timedelta(days=2)
    )
    econ = api_client(world.econ)
    refused = send(econ, "post", f"/api/dispatch/blockers/{blocker_id}/escalate", {"version": 1})
    assert refused.status_code == 403 and "牵头领导" in refused.json()["detail"]
    leader = api_client(world.leader)
    up = send(
        leader,
        "post",
        f"/api/dispatch/blockers/{blocker_id}/escalate",
        {"version": 1, "deadline": in_days(5)},
    )
    assert up.status_code == 200 and up.json()["level"] == 2
    stale = send(
        econ, "post", f"/api/dispatch/blockers/{blocker_id}/resolve", {"version": 1, "note": "好了"}
    )
    assert stale.status_code == 422 and "已被他人修改" in stale.json()["detail"]
    empty = send(
        econ, "post", f"/api/dispatch/blockers/{blocker_id}/resolve", {"version": 2, "note": ""}
    )
    assert empty.status_code == 422 and "请填写解决情况" in empty.json()["detail"]
    done = send(
        econ,
        "post",
        f"/api/dispatch/blockers/{blocker_id}/resolve",
        {"version": 2, "note": "已接入"},
    )
    assert done.json()["status"] == "resolved"
    detail = econ.get(f"/api/dispatch/blockers/{blocker_id}").json()
    assert [e["kind"] for e in detail["events"]] == ["raise", "escalate", "resolve"]


def test_blocker_api_scope(world, api_client):
    b = raise_blocker(world.project, world.econ)
    raise_blocker(world.other_project, world.other_staff)
    assert [x["id"] for x in api_client(world.viewer).get("/api/dispatch/blockers").json()] == [
        b.pk
    ]
    assert api_client(world.other_unit).get("/api/dispatch/blockers").json() == []
    assert api_client(world.other_staff).get(f"/api/dispatch/blockers/{b.pk}").status_code == 403
    assert api_client(world.auditor).get("/api/dispatch/blockers").status_code == 403
    viewer = send(
        api_client(world.viewer), "post", "/api/dispatch/blockers",
        {"project_id": world.project.pk, "category": "land", "description": "x", "deadline": in_days(3)},
    )  # fmt: skip
    assert viewer.status_code == 403
    for action in ("start", "resolve", "close", "reopen", "escalate"):
        r = send(
            api_client(world.invest),
            "post",
            f"/api/dispatch/blockers/{b.pk}/{action}",
            {"version": 1, "note": "x"},
        )
        assert r.status_code == 403, action
    assert AuditEvent.objects.filter(action="denied", object_type="dispatch.blocker").count() == 6
    bad = send(
        api_client(world.econ), "post", "/api/dispatch/blockers",
        {"project_id": world.project.pk, "category": "nope", "description": "x", "deadline": in_days(3)},
    )  # fmt: skip
    assert bad.status_code == 422 and "问题类别" in bad.json()["detail"]


def test_meetings_decisions_and_supervision_over_the_api(world, api_client):
    MeetingSchedule.objects.create(zone=world.zone, office_department=world.invest_dept)
    meeting = past_meeting(world.zone, days_ago=1, chair=world.deputy)
    raise_blocker(world.project, world.econ, days_ago=20, deadline_in=5)
    deputy = api_client(world.deputy)
    listed = deputy.get("/api/dispatch/meetings").json()
    assert meeting.pk in [m["id"] for m in listed] and len(listed) > 1  # generated ones too
    built = deputy.post(f"/api/dispatch/meetings/{meeting.pk}/agenda/build")
    assert built.status_code == 200 and built.json()["agenda"][0]["kind"] == "blocker"
    agenda_id = built.json()["agenda"][0]["id"]
    decided = send(
        deputy, "post", f"/api/dispatch/meetings/{meeting.pk}/decisions",
        {"content": "三日内完成用地调剂", "department_id": world.econ_dept.pk, "deadline": in_days(3), "agenda_item_id": agenda_id},
    )  # fmt: skip
    assert decided.status_code == 201, decided.content
    item = decided.json()
    assert (
        item["number"] == f"调度〔{meeting.date.year}〕1号-1"
        and item["project_id"] == world.project.pk
    )
    econ = api_client(world.econ)
    assert [i["id"] for i in econ.get("/api/dispatch/supervision?mine=true").json()] == [item["id"]]
    assert api_client(world.invest).get("/api/dispatch/supervision?mine=true").json() == []
    refused = send(
        api_client(world.invest),
        "post",
        f"/api/dispatch/supervision/{item['id']}/feedback",
        {"text": "x"},
    )
    assert refused.status_code == 403
    fb = send(
        econ,
        "post",
        f"/api/dispatch/supervision/{item['id']}/feedback",
        {"text": "已完成", "request_completion": True},
    )
    assert fb.status_code == 201 and fb.json()["kind"] == "report_done"
    assert (
        send(
            econ, "post", f"/api/dispatch/supervision/{item['id']}/confirm", {"version": 2}
        ).status_code
        == 403
    )
    ok = send(
        api_client(world.invest),
        "post",
        f"/api/dispatch/supervision/{item['id']}/confirm",
        {"version": 2},
    )
    assert ok.status_code == 200 and ok.json()["status"] == "done"
    detail = econ.get(f"/api/dispatch/supervision/{item['id']}").json()
    assert [f["kind"] for f in detail["feedback"]] == ["report_done", "confirm"]
    assert api_client(world.unit).get("/api/dispatch/meetings").json() == []
    assert api_client(world.unit).get(f"/api/dispatch/supervision/{item['id']}").status_code == 403
    assert (
        api_client(world.econ).post(f"/api/dispatch/meetings/{meeting.pk}/agenda/build").status_code
        == 403
    )
    assert (
        api_client(world.other_staff).get(f"/api/dispatch/meetings/{meeting.pk}").status_code == 403
    )


@pytest.mark.parametrize(
    "path",
    ["/api/dispatch/supervision/999", "/api/dispatch/blockers/999", "/api/dispatch/meetings/999"],
)
def test_missing_records_are_404_in_chinese(world, api_client, path):
    response = api_client(world.leader).get(path)
    assert response.status_code == 404 and "不存在" in response.json()["detail"]


def test_return_over_the_api(world, api_client):
    meeting = past_meeting(world.zone, days_ago=1)
    item = services.decision_add(
        meeting=meeting,
        by=world.leader,
        content="甲",
        department=world.econ_dept,
        deadline=timezone.localdate(),
    )
    services.supervision_feedback_add(
        item=item, by=world.econ, text="完成", request_completion=True
    )
    r = send(
        api_client(world.leader),
        "post",
        f"/api/dispatch/supervision/{item.pk}/return",
        {"version": 2, "reason": "材料不全"},
    )
    assert r.status_code == 200 and r.json()["status"] == "open"


def test_patch_a_blocker_and_refusals_on_decisions_and_returns(world, api_client):
    b = raise_blocker(world.project, world.econ)
    econ = api_client(world.econ)
    r = send(
        econ,
        "patch",
        f"/api/dispatch/blockers/{b.pk}",
        {"version": 1, "description": "改为规划问题", "category": "planning"},
    )
    assert r.status_code == 200 and r.json()["category"] == "planning" and r.json()["version"] == 2
    assert (
        send(
            api_client(world.invest), "patch", f"/api/dispatch/blockers/{b.pk}", {"version": 2}
        ).status_code
        == 403
    )
    bad = send(
        econ,
        "patch",
        f"/api/dispatch/blockers/{b.pk}",
        {"version": 2, "department_id": world.other_dept.pk},
    )
    assert bad.status_code == 422 and "责任部门必须属于项目所在开发区" in bad.json()["detail"]
    meeting = past_meeting(world.zone, days_ago=1, chair=world.deputy)
    body = {"content": "甲", "department_id": world.econ_dept.pk, "deadline": in_days(3)}
    for user in (world.econ, world.viewer, world.other_staff):
        assert (
            send(
                api_client(user), "post", f"/api/dispatch/meetings/{meeting.pk}/decisions", body
            ).status_code
            == 403
        )
    item = services.decision_add(
        meeting=meeting,
        by=world.deputy,
        content="甲",
        department=world.econ_dept,
        deadline=timezone.localdate(),
    )
    for user in (world.econ, world.deputy, world.viewer):
        r = send(
            api_client(user),
            "post",
            f"/api/dispatch/supervision/{item.pk}/return",
            {"version": 1, "reason": "x"},
        )
        assert r.status_code == 403


def test_meetings_are_created_edited_and_recorded_over_the_api(world, api_client):
    leader = api_client(world.leader)
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert (
        send(
            api_client(world.econ), "post", "/api/dispatch/meetings", {"kind": "small", "date": day}
        ).status_code
        == 403
    )
    created = send(
        leader,
        "post",
        "/api/dispatch/meetings",
        {"kind": "small", "date": day, "chair_id": world.deputy.pk},
    )
    assert created.status_code == 201, created.content
    meeting_id = created.json()["id"]
    deputy = api_client(world.deputy)
    added = send(
        deputy, "post", f"/api/dispatch/meetings/{meeting_id}/agenda", {"title": "用电报装"}
    )
    assert added.status_code == 201 and added.json()["manual"] is True
    item_id = added.json()["id"]
    assert (
        send(
            api_client(world.econ),
            "post",
            f"/api/dispatch/meetings/{meeting_id}/agenda",
            {"title": "x"},
        ).status_code
        == 403
    )
    dropped = send(deputy, "post", f"/api/dispatch/meetings/{meeting_id}/agenda/{item_id}/drop", {})
    assert dropped.json()["dropped"] is True
    restored = send(
        deputy,
        "post",
        f"/api/dispatch/meetings/{meeting_id}/agenda/{item_id}/drop",
        {"restore": True},
    )
    assert restored.json()["dropped"] is False
    recorded = send(
        deputy, "patch", f"/api/dispatch/meetings/{meeting_id}",
        {"version": 1, "attendees": "李副主任", "discussions": {str(item_id): "月底前送电"}, "record": True},
    )  # fmt: skip
    assert recorded.status_code == 200, recorded.content
    body = recorded.json()
    assert body["status"] == "held" and body["number_label"].endswith("1号")
    assert body["agenda"][0]["discussion"] == "月底前送电"
    stale = send(
        deputy, "patch", f"/api/dispatch/meetings/{meeting_id}", {"version": 1, "location": "三楼"}
    )
    assert stale.status_code == 422 and "已被他人修改" in stale.json()["detail"]
    for user in (world.econ, world.viewer, world.other_staff):
        r = send(api_client(user), "patch", f"/api/dispatch/meetings/{meeting_id}", {"version": 2})
        assert r.status_code == 403
        r = send(
            api_client(user),
            "post",
            f"/api/dispatch/meetings/{meeting_id}/agenda/{item_id}/drop",
            {},
        )
        assert r.status_code == 403
