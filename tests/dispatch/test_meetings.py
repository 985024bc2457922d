"""调度会 and 督办: dates from the rhythm, the agenda from the data (and registered sources),
minutes, numbered decisions, feedback and the office's confirmation, and stats."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tests.dispatch.conftest import past_meeting, raise_blocker
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch import agenda, selectors, services
from zonedesk.dispatch.models import (
    Blocker,
    Colour,
    Meeting,
    MeetingSchedule,
    ProjectWarning,
    SupervisionItem,
)


def test_the_rhythm_puts_small_meetings_in_odd_weeks_and_large_ones_in_even_weeks():
    # ISO weeks 10 (even) and 11 (odd) of 2026: 2 March and 9 March are Mondays.
    slots = services.meeting_slots(
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 15),
        small_weekday=0,
        large_weekday=2,
        large_week_parity=0,
        small_skips_large_weeks=True,
    )
    assert slots == [("large", dt.date(2026, 3, 4)), ("small", dt.date(2026, 3, 9))]
    every_week = services.meeting_slots(
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 15),
        small_weekday=0,
        large_weekday=2,
        large_week_parity=0,
        small_skips_large_weeks=False,
    )
    assert [k for k, _ in every_week] == ["large", "small", "small"]


def test_meetings_are_generated_once_and_a_moved_date_stays(world):
    MeetingSchedule.objects.create(
        zone=world.zone, small_chair=world.deputy, large_chair=world.leader
    )
    today = dt.date(2026, 3, 4)
    assert services.meetings_ensure(zone=world.zone, today=today, weeks=4) == 4
    large = Meeting.objects.filter(zone=world.zone, kind="large").order_by("date").first()
    assert large.chair == world.leader and large.date.weekday() == 0
    services.meeting_update(
        meeting=large,
        by=world.leader,
        data={"date": large.date + dt.timedelta(days=1)},
        expected_version=1,
    )
    assert services.meetings_ensure(zone=world.zone, today=today, weeks=4) == 0
    assert Meeting.objects.filter(zone=world.zone).count() == 4


def test_the_agenda_is_built_from_the_data_and_dropped_items_stay_dropped(world):
    ProjectWarning.objects.create(
        project=world.project,
        colour=Colour.RED,
        reasons=[{"rule": "x", "colour": "red", "text": "计划竣工已逾期30天。"}],
        computed_at=timezone.now(),
    )
    overdue = raise_blocker(world.invest_project, world.invest, days_ago=20, deadline_in=5)
    escalated = raise_blocker(world.project, world.econ, days_ago=1, deadline_in=30)
    Blocker.objects.filter(pk=escalated.pk).update(level=2)
    at_leader = raise_blocker(
        world.project, world.econ, days_ago=1, deadline_in=30, category="power"
    )
    Blocker.objects.filter(pk=at_leader.pk).update(level=3)
    raise_blocker(world.other_project, world.other_staff, days_ago=20, deadline_in=1)  # other zone
    earlier = past_meeting(world.zone, days_ago=10)
    item = services.decision_add(
        meeting=earlier,
        by=world.leader,
        content="协调供电公司完成双回路接入",
        department=world.econ_dept,
        deadline=timezone.localdate() + dt.timedelta(days=3),
    )
    meeting = past_meeting(world.zone, days_ago=0, kind="small", chair=world.deputy)
    ours = {"blocker", "supervision", f"project:{world.project.pk}"}
    keys = [
        c.key
        for c in agenda.candidates(world.zone, meeting.date, meeting.kind)
        if c.kind in ours or c.key in ours
    ]
    assert keys == [
        f"blocker:{overdue.pk}",
        f"project:{world.project.pk}",
        f"supervision:{item.pk}",
        f"blocker:{escalated.pk}",
    ]
    large_keys = {c.key for c in agenda.candidates(world.zone, meeting.date, "large")}
    ProjectWarning.objects.exclude(project=world.project).delete()  # only the red one on the page
    assert f"blocker:{at_leader.pk}" in large_keys and f"blocker:{escalated.pk}" not in large_keys

    unregistered = list(agenda._sources)
    agenda._sources.clear()  # other apps' sources have their own tests
    try:
        # The 小调度 is the deputy's: only his 分管部门 (经济发展部); the blocker on the
        # investment department's project waits for the 大调度.
        assert services.agenda_build(meeting=meeting, by=world.deputy) == 3
    finally:
        agenda._sources.extend(unregistered)
    assert set(meeting.agenda_items.values_list("key", flat=True)) == {
        f"project:{world.project.pk}", f"supervision:{item.pk}", f"blocker:{escalated.pk}",
    }  # fmt: skip
    first = meeting.agenda_items.get(key=f"project:{world.project.pk}")
    services.agenda_drop(item=first, by=world.deputy)
    manual = services.agenda_add(meeting=meeting, by=world.deputy, title="安全生产专项检查")
    assert services.agenda_build(meeting=meeting, by=world.deputy) == 0
    assert list(meeting.agenda_items.filter(dropped=False).values_list("manual", flat=True)) == [
        False, False, True,
    ]  # fmt: skip
    assert manual.reason == "主持人增加。"


def test_a_small_meeting_takes_the_chairs_departments_and_a_large_one_the_zone(world):
    """单周小调度 is the deputy's portfolio (分管部门); 双周大调度 and a 小调度 chaired by somebody
    without 分管部门 take the whole zone. Candidates naming no department are always kept."""
    ours = raise_blocker(world.project, world.econ, days_ago=20, deadline_in=1)
    theirs = raise_blocker(world.invest_project, world.invest, days_ago=20, deadline_in=1)

    def source(zone, meeting_date, meeting_kind):
        yield agenda.AgendaCandidate(
            kind="ledger", key="ledger:zone", title="全区台账", reason="逾期。", url="/"
        )
        yield agenda.AgendaCandidate(
            kind="ledger", key="ledger:invest", title="投促部台账", reason="逾期。", url="/",
            departments=(world.invest_project.department_id,),
        )  # fmt: skip

    agenda.register_source(source)
    try:
        built = {}
        for kind, chair in [("small", world.deputy), ("small", world.leader), ("large", None)]:
            meeting = past_meeting(world.zone, days_ago=0, kind=kind, chair=chair)
            services.agenda_build(meeting=meeting, by=world.leader)
            built[kind, chair] = set(meeting.agenda_items.values_list("key", flat=True))
    finally:
        agenda.unregister_source(source)
    deputy = built["small", world.deputy]
    assert {f"blocker:{ours.pk}", "ledger:zone"} <= deputy
    assert f"blocker:{theirs.pk}" not in deputy and "ledger:invest" not in deputy
    assert world.invest_project.department_id not in set(
        world.deputy.supervised_departments.values_list("pk", flat=True)
    )
    whole = {f"blocker:{ours.pk}", f"blocker:{theirs.pk}", "ledger:zone", "ledger:invest"}
    assert whole <= built["small", world.leader] and whole <= built["large", None]


def test_a_registered_source_joins_the_agenda_and_a_broken_one_is_skipped(world):
    def ledgers(zone, meeting_date, meeting_kind):
        yield agenda.AgendaCandidate(
            kind="ledger",
            key="ledger:7",
            title="环保整改第7项",
            reason="整改逾期。",
            url="/ledgers/7/",
            colour="red",
        )

    def broken(zone, meeting_date, meeting_kind):
        raise RuntimeError("boom")

    agenda.register_source(ledgers)
    agenda.register_source(broken)
    agenda.register_source(ledgers)
    try:
        found = agenda.candidates(world.zone, timezone.localdate(), "small")
    finally:
        agenda.unregister_source(ledgers)
        agenda.unregister_source(broken)
    assert [c.key for c in found] == ["ledger:7"]


def test_decisions_are_numbered_per_zone_and_year(world):
    first = past_meeting(world.zone, days_ago=8)
    second = past_meeting(world.zone, days_ago=1, kind="large")
    other = past_meeting(world.other_zone, days_ago=1)
    deadline = timezone.localdate() + dt.timedelta(days=10)
    a = services.decision_add(
        meeting=first, by=world.leader, content="甲", department=world.econ_dept, deadline=deadline
    )
    b = services.decision_add(
        meeting=first,
        by=world.leader,
        content="乙",
        department=world.invest_dept,
        deadline=deadline,
    )
    c = services.decision_add(
        meeting=second, by=world.leader, content="丙", department=world.econ_dept, deadline=deadline
    )
    d = services.decision_add(
        meeting=other,
        by=world.other_staff,
        content="丁",
        department=world.other_dept,
        deadline=deadline,
    )
    year = first.date.year
    assert [a.number, b.number, c.number, d.number] == [
        f"调度〔{year}〕1号-1", f"调度〔{year}〕1号-2", f"调度〔{year}〕2号-1", f"调度〔{year}〕1号-1",
    ]  # fmt: skip
    first.refresh_from_db()
    assert first.status == Meeting.Status.HELD
    audit = AuditEvent.objects.filter(
        object_type="dispatch.supervisionitem", object_id=str(a.pk)
    ).get()
    assert audit.root_type == "dispatch.meeting" and "经济发展部" in audit.note


def test_a_decision_is_refused_with_reasons(world):
    meeting = past_meeting(world.zone, days_ago=1)
    with pytest.raises(ValidationError) as exc:
        services.decision_add(
            meeting=meeting, by=world.leader, content="", department=world.other_dept,
            deadline=meeting.date - dt.timedelta(days=1),
        )  # fmt: skip
    errors = exc.value.message_dict
    assert set(errors) == {"content", "department", "deadline"}
    future = past_meeting(world.zone, days_ago=-3)
    with pytest.raises(ValidationError, match="尚未召开"):
        services.decision_add(
            meeting=future, by=world.leader, content="甲", department=world.econ_dept,
            deadline=future.date,
        )  # fmt: skip


def test_minutes_record_the_discussion_and_number_the_meeting(world):
    meeting = past_meeting(world.zone, days_ago=1, chair=world.deputy)
    item = services.agenda_add(meeting=meeting, by=world.deputy, title="用电报装")
    meeting = services.meeting_update(
        meeting=meeting, by=world.deputy, expected_version=1, record=True,
        data={"attendees": "李副主任、赵经发", "summary": "会议听取了用电报装情况。"},
        discussions={item.pk: "供电公司承诺月底前送电。"},
    )  # fmt: skip
    item.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD and meeting.number == 1
    assert item.discussion == "供电公司承诺月底前送电。"
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.meeting_update(
            meeting=meeting, by=world.leader, data={"location": "三楼"}, expected_version=1
        )


def test_feedback_completion_report_return_and_confirmation(world):
    meeting = past_meeting(world.zone, days_ago=7)
    item = services.decision_add(
        meeting=meeting, by=world.leader, content="完成土地组卷", department=world.econ_dept,
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )  # fmt: skip
    services.supervision_feedback_add(item=item, by=world.econ, text="已上报市自然资源局。")
    with pytest.raises(ValidationError, match="须填写说明"):
        services.supervision_confirm(item=item, by=world.leader, expected_version=2)
    services.supervision_feedback_add(
        item=item, by=world.econ, text="批复已下达。", request_completion=True
    )
    item.refresh_from_db()
    assert item.status == SupervisionItem.Status.REPORTED
    item = services.supervision_return(
        item=item, by=world.leader, reason="请附批复文号", expected_version=3
    )
    assert item.status == SupervisionItem.Status.OPEN
    services.supervision_feedback_add(
        item=item, by=world.econ, text="晋自然资〔2026〕88号。", request_completion=True
    )
    item = services.supervision_confirm(item=item, by=world.leader, expected_version=5)
    assert item.status == SupervisionItem.Status.DONE and item.confirmed_by == world.leader
    assert list(item.feedback.values_list("kind", flat=True)) == [
        "progress", "report_done", "return", "report_done", "confirm",
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="已办结"):
        services.supervision_feedback_add(item=item, by=world.econ, text="补充")


def test_the_next_meeting_lists_every_open_item_from_earlier_meetings(world):
    first = past_meeting(world.zone, days_ago=14)
    today = timezone.localdate()
    late = services.decision_add(
        meeting=first,
        by=world.leader,
        content="甲",
        department=world.econ_dept,
        deadline=today - dt.timedelta(days=2),
    )
    later = services.decision_add(
        meeting=first,
        by=world.leader,
        content="乙",
        department=world.econ_dept,
        deadline=today + dt.timedelta(days=30),
    )
    done = services.decision_add(
        meeting=first, by=world.leader, content="丙", department=world.econ_dept, deadline=today
    )
    services.supervision_confirm(
        item=done, by=world.leader, expected_version=1, note="现场核实已完成"
    )
    found = {c.key: c for c in agenda.supervision_source(world.zone, today, "small")}
    assert set(found) == {f"supervision:{late.pk}", f"supervision:{later.pk}"}
    assert "已超过办结时限" in found[f"supervision:{late.pk}"].reason
    assert found[f"supervision:{late.pk}"].colour == "red"


def test_supervision_stats(world):
    meeting = past_meeting(world.zone, days_ago=20)
    today = timezone.localdate()
    late = services.decision_add(
        meeting=meeting,
        by=world.leader,
        content="甲",
        department=world.econ_dept,
        deadline=today - dt.timedelta(days=1),
    )
    services.decision_add(
        meeting=meeting,
        by=world.leader,
        content="乙",
        department=world.econ_dept,
        deadline=today + dt.timedelta(days=3),
    )
    done = services.decision_add(
        meeting=meeting, by=world.leader, content="丙", department=world.econ_dept, deadline=today
    )
    now = timezone.now()
    services.supervision_confirm(
        item=done,
        by=world.leader,
        expected_version=1,
        note="已完成",
        now=now - dt.timedelta(days=2),
    )
    stats = selectors.supervision_stats(
        [world.zone.pk], as_of=now, start=now - dt.timedelta(days=7), end=now
    )
    assert (stats["open"], stats["overdue"], stats["done_in_window"]) == (2, 1, 1)
    assert stats["overdue_items"] == [late]
    assert (
        selectors.supervision_stats([world.zone.pk], start=now - dt.timedelta(days=1))[
            "done_in_window"
        ]
        == 0
    )


@given(
    start=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=60),
    small=st.integers(min_value=0, max_value=6),
    large=st.integers(min_value=0, max_value=6),
    parity=st.sampled_from([0, 1]),
    skip=st.booleans(),
)
def test_the_rhythm_always_gives_the_configured_weekdays_and_alternates(
    start, days, small, large, parity, skip
):
    end = start + dt.timedelta(days=days)
    slots = services.meeting_slots(
        start, end, small_weekday=small, large_weekday=large, large_week_parity=parity,
        small_skips_large_weeks=skip,
    )  # fmt: skip
    assert slots == sorted(slots) and len(set(slots)) == len(slots)
    for kind, day in slots:
        assert start <= day <= end
        even = day.isocalendar().week % 2 == parity
        if kind == "large":
            assert day.weekday() == large and even
        else:
            assert day.weekday() == small and not (even and skip)
    # Two full ISO weeks always hold a large meeting.
    if start.weekday() == 0 and days >= 13:
        assert any(kind == "large" for kind, _ in slots)
