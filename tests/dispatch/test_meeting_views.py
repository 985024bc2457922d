"""The meeting and 督办 pages: generated dates, the agenda with add/drop, minutes, decisions,
the 督办 list with "本部门", feedback and the office's confirmation; refusals on every view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.dispatch.conftest import past_meeting, raise_blocker
from zonedesk.dispatch import services
from zonedesk.dispatch.models import Meeting, MeetingSchedule, SupervisionItem


def test_the_meetings_page_generates_dates_from_the_rhythm(world):
    MeetingSchedule.objects.create(
        zone=world.zone, small_chair=world.deputy, large_chair=world.leader
    )
    page = login(world.econ).get(reverse("dispatch:meetings"))
    assert page.status_code == 200
    upcoming = page.context["upcoming"]
    assert len(upcoming) >= 3 and {m.kind for m in upcoming} == {"small", "large"}
    assert all(m.chair == (world.leader if m.kind == "large" else world.deputy) for m in upcoming)
    assert "小调度每周周一" in page.content.decode()


def test_who_reads_and_plans_meetings(world):
    assert login(world.unit).get(reverse("dispatch:meetings")).status_code == 403
    assert login(world.auditor).get(reverse("dispatch:meetings")).status_code == 403
    assert login(world.viewer).get(reverse("dispatch:meetings")).status_code == 200
    day = timezone.localdate().isoformat()
    assert (
        login(world.econ)
        .post(reverse("dispatch:meetings"), {"kind": "small", "date": day})
        .status_code
        == 403
    )
    response = login(world.leader).post(
        reverse("dispatch:meetings"), {"kind": "large", "date": day}
    )
    meeting = Meeting.objects.get(slot__isnull=True)
    assert response.url == reverse("dispatch:meeting", args=[meeting.pk])
    other = past_meeting(world.other_zone)
    assert login(world.leader).get(reverse("dispatch:meeting", args=[other.pk])).status_code == 403
    assert login(world.unit).get(reverse("dispatch:meeting", args=[meeting.pk])).status_code == 403


def test_the_schedule_page_is_for_the_leader_and_the_office(world):
    url = reverse("dispatch:schedule")
    assert login(world.econ).get(url).status_code == 403
    assert login(world.deputy).get(url).status_code == 403
    client = login(world.leader)
    assert client.get(url).status_code == 200
    data = {
        "small_weekday": 1, "large_weekday": 3, "large_week_parity": 1, "small_skips_large_weeks": "on",
        "small_chair": world.deputy.pk, "large_chair": world.leader.pk, "office_department": world.invest_dept.pk,
        "remind_days_before": 3, "webhook_kind": "wecom", "webhook_url": "", "webhook_secret": "", "version": 0,
    }  # fmt: skip
    bad = client.post(url, data)
    assert bad.status_code == 400 and "请填写 Webhook 地址" in bad.content.decode()
    data["webhook_url"] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    assert client.post(url, data).status_code == 302
    s = MeetingSchedule.objects.get(zone=world.zone)
    assert (s.small_weekday, s.office_department, s.remind_days_before) == (1, world.invest_dept, 3)
    assert login(world.invest).get(url).status_code == 200  # now the meeting office


def test_the_chair_builds_the_agenda_drops_adds_and_records(world):
    late = raise_blocker(world.project, world.econ, days_ago=20, deadline_in=5)
    meeting = past_meeting(world.zone, days_ago=0, chair=world.deputy)
    url = reverse("dispatch:meeting", args=[meeting.pk])
    assert (
        login(world.econ).post(reverse("dispatch:agenda_build", args=[meeting.pk])).status_code
        == 403
    )
    client = login(world.deputy)
    client.post(reverse("dispatch:agenda_build", args=[meeting.pk]))
    item = meeting.agenda_items.get(key=f"blocker:{late.pk}")
    client.post(
        reverse("dispatch:agenda_add", args=[meeting.pk]),
        {"title": "园区消防通道整治", "reason": ""},
    )
    manual = meeting.agenda_items.get(manual=True)
    client.post(reverse("dispatch:agenda_drop", args=[meeting.pk, manual.pk]))
    page = client.get(url)
    assert [i.pk for i in page.context["dropped"]] == [manual.pk]
    client.post(reverse("dispatch:agenda_drop", args=[meeting.pk, manual.pk]), {"restore": "1"})
    response = client.post(
        url,
        {
            "version": 1, "date": meeting.date.isoformat(), "chair": world.deputy.pk, "location": "管委会三楼",
            "attendees": "李副主任、赵经发", "summary": "研究用地问题。", f"discussion-{item.pk}": "自然资源局本周内调剂。",
            "action": "record",
        },
    )  # fmt: skip
    assert response.status_code == 302
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert (
        meeting.status == "held"
        and meeting.number == 1
        and item.discussion == "自然资源局本周内调剂。"
    )
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    client.post(
        reverse("dispatch:decision_add", args=[meeting.pk]),
        {
            "agenda_item": item.pk,
            "content": "完成用地指标调剂",
            "department": world.econ_dept.pk,
            "deadline": deadline,
        },
    )
    decision = SupervisionItem.objects.get()
    assert decision.number == f"调度〔{meeting.date.year}〕1号-1"
    assert (decision.blocker, decision.project) == (late, world.project)
    body = client.get(url).content.decode()
    assert decision.number in body
    # A decided item cannot be dropped.
    response = client.post(reverse("dispatch:agenda_drop", args=[meeting.pk, item.pk]), follow=True)
    assert "已形成督办事项，不能撤下" in response.content.decode()


def test_a_future_meeting_takes_no_minutes(world):
    meeting = past_meeting(world.zone, days_ago=-2, chair=world.deputy)
    response = login(world.deputy).post(
        reverse("dispatch:meeting", args=[meeting.pk]),
        {"version": 1, "date": meeting.date.isoformat(), "action": "record"},
    )
    assert response.status_code == 400 and "会议尚未召开" in response.content.decode()


def make_item(world, **extra):
    meeting = past_meeting(world.zone, days_ago=7)
    return services.decision_add(
        meeting=meeting, by=world.leader, content="完成土地组卷", department=world.econ_dept,
        deadline=timezone.localdate() + dt.timedelta(days=extra.pop("days", 5)),
    )  # fmt: skip


def test_the_supervision_list_and_my_department(world):
    mine = make_item(world)
    services.decision_add(
        meeting=mine.meeting, by=world.leader, content="招商对接", department=world.invest_dept,
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )  # fmt: skip
    client = login(world.econ)
    page = client.get(reverse("dispatch:supervision_list"))
    assert len(page.context["items"]) == 2 and 'class="overdue"' in page.content.decode()
    own = client.get(reverse("dispatch:supervision_list"), {"mine": "on"})
    assert [i.pk for i in own.context["items"]] == [mine.pk]
    assert login(world.unit).get(reverse("dispatch:supervision_list")).status_code == 403
    assert (
        login(world.other_staff).get(reverse("dispatch:supervision", args=[mine.pk])).status_code
        == 403
    )
    assert (
        login(world.viewer).get(reverse("dispatch:supervision", args=[mine.pk])).status_code == 200
    )


def test_feedback_and_confirmation_through_the_pages(world):
    item = make_item(world)
    MeetingSchedule.objects.create(zone=world.zone, office_department=world.invest_dept)
    feedback = reverse("dispatch:supervision_feedback", args=[item.pk])
    assert login(world.invest).post(feedback, {"text": "x"}).status_code == 403
    assert login(world.viewer).post(feedback, {"text": "x"}).status_code == 403
    assert login(world.econ).post(feedback, {"text": ""}).status_code == 400
    login(world.econ).post(feedback, {"text": "已完成组卷上报", "request_completion": "on"})
    item.refresh_from_db()
    assert item.status == "reported"
    confirm = reverse("dispatch:supervision_confirm", args=[item.pk])
    assert login(world.econ).post(confirm, {"version": item.version}).status_code == 403
    assert login(world.deputy).post(confirm, {"version": item.version}).status_code == 403
    response = login(world.invest).post(confirm, {"version": item.version}, follow=True)
    assert "已确认督办" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "done" and item.confirmed_by == world.invest


def test_the_office_returns_a_completion_report(world):
    item = make_item(world)
    services.supervision_feedback_add(
        item=item, by=world.econ, text="完成", request_completion=True
    )
    url = reverse("dispatch:supervision_return", args=[item.pk])
    assert login(world.econ).post(url, {"version": 2, "reason": "x"}).status_code == 403
    login(world.leader).post(url, {"version": 2, "reason": "缺少批复文件"})
    item.refresh_from_db()
    assert item.status == "open"
    assert (
        "缺少批复文件"
        in login(world.econ).get(reverse("dispatch:supervision", args=[item.pk])).content.decode()
    )


@pytest.mark.parametrize("name", ["meeting_cancel", "agenda_build", "agenda_add", "decision_add"])
def test_meeting_writes_are_refused_to_others(world, name):
    meeting = past_meeting(world.zone, days_ago=1, chair=world.deputy)
    url = reverse(f"dispatch:{name}", args=[meeting.pk])
    for user in (world.econ, world.viewer, world.unit, world.other_staff, world.auditor):
        assert login(user).post(url, {}).status_code == 403


def test_the_meeting_page_query_count_does_not_grow(world, django_assert_max_num_queries):
    meeting = past_meeting(world.zone, days_ago=1, chair=world.deputy)
    client = login(world.leader)
    url = reverse("dispatch:meeting", args=[meeting.pk])
    client.get(url)
    for i in range(10):
        item = services.agenda_add(meeting=meeting, by=world.leader, title=f"事项{i}")
        services.decision_add(
            meeting=meeting, by=world.leader, content=f"决定{i}", department=world.econ_dept,
            deadline=timezone.localdate(), agenda_item=item,
        )  # fmt: skip
    with django_assert_max_num_queries(20):
        client.get(url)


def test_the_supervision_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    meeting = past_meeting(world.zone, days_ago=3)
    client = login(world.econ)
    client.get(reverse("dispatch:supervision_list"))
    for i in range(12):
        services.decision_add(
            meeting=meeting, by=world.leader, content=f"事项{i}", department=world.econ_dept,
            deadline=timezone.localdate() + dt.timedelta(days=i - 3),
        )  # fmt: skip
    with django_assert_max_num_queries(16):
        client.get(reverse("dispatch:supervision_list"))


def test_open_items_come_before_reported_and_done_ones(world):
    done = make_item(world, days=1)
    services.supervision_confirm(item=done, by=world.leader, expected_version=1, note="已核实")
    reported = services.decision_add(
        meeting=done.meeting, by=world.leader, content="乙", department=world.econ_dept,
        deadline=timezone.localdate(),
    )  # fmt: skip
    services.supervision_feedback_add(
        item=reported, by=world.econ, text="完成", request_completion=True
    )
    still_open = services.decision_add(
        meeting=done.meeting, by=world.leader, content="丙", department=world.econ_dept,
        deadline=timezone.localdate() + dt.timedelta(days=9),
    )  # fmt: skip
    page = login(world.econ).get(reverse("dispatch:supervision_list"), {"status": ""})
    assert [i.pk for i in page.context["items"]] == [still_open.pk, reported.pk, done.pk]
