"""The blocker pages: list with filters, detail with history and the ladder, the form on the
project page, each action, and who is refused (audited) on every view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login, make_project
from tests.dispatch.conftest import raise_blocker
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch.models import Blocker


def test_the_project_page_shows_the_blocker_form_and_raising_works(world):
    client = login(world.unit)
    page = client.get(reverse("projects:detail", args=[world.project.pk])).content.decode()
    assert 'id="project-blockers"' in page and 'id="blocker-form"' in page
    deadline = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    response = client.post(
        reverse("dispatch:blocker_new", args=[world.project.pk]),
        {"category": "power", "description": "临时用电容量不足", "deadline": deadline},
    )
    blocker = Blocker.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "dispatch:blocker", args=[blocker.pk]
    )
    assert (blocker.raised_by, blocker.department) == (world.unit, world.econ_dept)
    page = client.get(reverse("projects:detail", args=[world.project.pk])).content.decode()
    assert "临时用电容量不足" in page


def test_a_bad_blocker_form_names_the_fields_in_chinese(world):
    response = login(world.econ).post(
        reverse("dispatch:blocker_new", args=[world.project.pk]),
        {"category": "", "description": "", "deadline": "2020-01-01"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写问题类别" in body and "请填写问题描述" in body
    assert not Blocker.objects.exists()


def test_viewers_and_other_zones_cannot_raise(world):
    url = reverse("dispatch:blocker_new", args=[world.project.pk])
    assert login(world.viewer).post(url, {}).status_code == 403
    assert login(world.other_staff).post(url, {}).status_code == 403
    assert login(world.other_unit).post(url, {}).status_code == 403  # not its project
    assert AuditEvent.objects.filter(action="denied").count() == 3
    viewer_page = login(world.viewer).get(reverse("projects:detail", args=[world.project.pk]))
    assert 'id="blocker-form"' not in viewer_page.content.decode()


def test_the_list_filters_and_highlights_overdue(world):
    late = raise_blocker(world.project, world.econ, days_ago=20, deadline_in=5)
    raise_blocker(world.invest_project, world.invest, category="funds")
    raise_blocker(world.other_project, world.other_staff)
    client = login(world.leader)
    page = client.get(reverse("dispatch:blockers"))
    assert [b.pk for b in page.context["blockers"]][0] == late.pk
    assert len(page.context["blockers"]) == 2  # not the other zone's
    body = page.content.decode()
    assert f'data-blocker="{late.pk}" class="overdue"' in body and "逾期15天" in body
    only_funds = client.get(
        reverse("dispatch:blockers"), {"zone": world.zone.pk, "category": "funds"}
    )
    assert [b.category for b in only_funds.context["blockers"]] == ["funds"]
    overdue = client.get(reverse("dispatch:blockers"), {"zone": world.zone.pk, "overdue": "on"})
    assert [b.pk for b in overdue.context["blockers"]] == [late.pk]
    assert page.context["counts"]["overdue"] == 1


def test_a_unit_sees_only_blockers_of_its_projects(world):
    raise_blocker(world.project, world.econ)
    raise_blocker(world.invest_project, world.invest)
    page = login(world.unit).get(reverse("dispatch:blockers"))
    assert [b.project for b in page.context["blockers"]] == [world.project]


def test_the_blocker_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    raise_blocker(world.project, world.econ)
    client = login(world.leader)
    client.get(reverse("dispatch:blockers"))
    for i in range(12):
        p = make_project(world.zone, f"项目{i}", department=world.econ_dept, code=f"X-{i}")
        raise_blocker(p, world.econ, days_ago=i * 3)
    with django_assert_max_num_queries(12):
        client.get(reverse("dispatch:blockers"))


def test_the_detail_shows_history_and_the_lead_confirms_escalation(world):
    b = raise_blocker(world.project, world.econ, days_ago=20, deadline_in=5)
    url = reverse("dispatch:blocker", args=[b.pk])
    econ_page = login(world.econ).get(url).content.decode()
    assert "可升级至<b>分管领导</b>" in econ_page and 'id="escalate-form"' not in econ_page
    assert "等待牵头领导王主任确认" in econ_page
    assert (
        login(world.econ)
        .post(reverse("dispatch:blocker_escalate", args=[b.pk]), {"version": 1})
        .status_code
        == 403
    )
    client = login(world.leader)
    assert 'id="escalate-form"' in client.get(url).content.decode()
    response = client.post(
        reverse("dispatch:blocker_escalate", args=[b.pk]),
        {"version": 1, "note": "请分管领导协调"},
        follow=True,
    )
    body = response.content.decode()
    assert "已确认升级" in body and 'data-testid="blocker-level">分管领导' in body
    assert 'data-level="1"' in body and "20天" in body and 'data-level="2"' in body
    b.refresh_from_db()
    assert b.level == 2


@pytest.mark.parametrize(
    ("action", "data", "allowed", "refused"),
    [
        ("blocker_start", {"note": "已对接"}, "econ", "invest"),
        ("blocker_resolve", {"note": "已解决"}, "deputy", "unit"),
        ("blocker_close", {"note": "不再需要"}, "leader", "econ"),
    ],
)
def test_who_may_act_on_a_blocker(world, action, data, allowed, refused):
    b = raise_blocker(world.project, world.econ)
    url = reverse(f"dispatch:{action}", args=[b.pk])
    assert login(getattr(world, refused)).post(url, {"version": 1, **data}).status_code == 403
    assert login(world.viewer).post(url, {"version": 1, **data}).status_code == 403
    assert login(world.other_staff).post(url, {"version": 1, **data}).status_code == 403
    assert login(getattr(world, allowed)).post(url, {"version": 1, **data}).status_code == 302
    b.refresh_from_db()
    assert b.version == 2


def test_resolve_without_a_note_and_reopen(world):
    b = raise_blocker(world.project, world.econ)
    client = login(world.econ)
    response = client.post(
        reverse("dispatch:blocker_resolve", args=[b.pk]), {"version": 1, "note": ""}, follow=True
    )
    assert "请填写解决情况" in response.content.decode()
    client.post(reverse("dispatch:blocker_resolve", args=[b.pk]), {"version": 1, "note": "已解决"})
    assert (
        login(world.invest)
        .post(reverse("dispatch:blocker_reopen", args=[b.pk]), {"version": 2, "reason": "x"})
        .status_code
        == 403
    )
    response = login(world.unit).post(
        reverse("dispatch:blocker_reopen", args=[b.pk]), {"version": 2, "reason": ""}, follow=True
    )
    assert response.status_code == 403  # the unit did not raise it
    response = client.post(
        reverse("dispatch:blocker_reopen", args=[b.pk]),
        {"version": 2, "reason": "又出现了"},
        follow=True,
    )
    assert "问题已重新打开" in response.content.decode()
    assert list(b.events.values_list("kind", flat=True)) == ["raise", "resolve", "reopen"]


def test_reading_a_blocker_is_scoped(world):
    b = raise_blocker(world.project, world.econ)
    url = reverse("dispatch:blocker", args=[b.pk])
    assert login(world.viewer).get(url).status_code == 200
    assert login(world.unit).get(url).status_code == 200
    assert login(world.other_unit).get(url).status_code == 403
    assert login(world.other_staff).get(url).status_code == 403
    assert login(world.auditor).get(url).status_code == 403
    assert login(world.admin).get(reverse("dispatch:blockers")).status_code == 403
    assert login(world.leader).get(reverse("dispatch:blocker", args=[9999])).status_code == 404


def test_the_department_edits_an_open_blocker_and_the_change_is_kept(world):
    b = raise_blocker(world.project, world.econ)
    url = reverse("dispatch:blocker_edit", args=[b.pk])
    assert login(world.invest).get(url).status_code == 403
    assert login(world.viewer).post(url, {}).status_code == 403
    client = login(world.econ)
    assert "修改要素保障问题" in client.get(url).content.decode()
    new_deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    data = {
        "category": "planning",
        "description": "规划条件需调整",
        "deadline": new_deadline,
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    b.refresh_from_db()
    assert (b.category, b.version, b.lead_official) == ("planning", 2, world.leader)
    stale = client.post(url, data)
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()
    audit = AuditEvent.objects.filter(object_type="dispatch.blocker", note="修改要素保障问题").get()
    assert {c["label"] for c in audit.changes} == {"问题类别", "问题描述", "解决时限"}


def test_meeting_pages_refuse_writes_to_others(world):
    from tests.dispatch.conftest import past_meeting
    from zonedesk.dispatch import services

    meeting = past_meeting(world.zone, days_ago=1, chair=world.deputy)
    item = services.agenda_add(meeting=meeting, by=world.deputy, title="甲")
    drop = reverse("dispatch:agenda_drop", args=[meeting.pk, item.pk])
    minutes = reverse("dispatch:meeting", args=[meeting.pk])
    for user in (world.econ, world.viewer, world.unit, world.other_staff):
        assert login(user).post(drop).status_code == 403
        assert login(user).post(minutes, {"version": 1}).status_code == 403
    assert (
        login(world.deputy)
        .post(reverse("dispatch:agenda_drop", args=[meeting.pk, 999]))
        .status_code
        == 404
    )


def test_the_lead_sees_what_waits_for_their_confirmation(world):
    mine = raise_blocker(
        world.project, world.econ, days_ago=20, deadline_in=5, lead_official=world.deputy
    )
    raise_blocker(
        world.project, world.econ, days_ago=1, deadline_in=5, lead_official=world.deputy
    )  # not overdue
    raise_blocker(world.invest_project, world.invest, days_ago=20, deadline_in=5)  # led by nobody
    client = login(world.deputy)
    page = client.get(reverse("dispatch:blockers"))
    assert page.context["counts"]["awaiting"] == 1
    assert 'data-testid="count-awaiting"' in page.content.decode()
    only = client.get(
        reverse("dispatch:blockers"), {"zone": world.zone.pk, "status": "active", "awaiting": "on"}
    )
    assert [b.pk for b in only.context["blockers"]] == [mine.pk]
    assert login(world.leader).get(reverse("dispatch:blockers")).context["counts"]["awaiting"] == 2
    econ_page = login(world.econ).get(reverse("dispatch:blockers"))
    assert econ_page.context["counts"]["awaiting"] == 0
    assert 'data-testid="count-awaiting"' not in econ_page.content.decode()
