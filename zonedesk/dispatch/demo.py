"""Demo data of 要素保障, 调度会 and 督办 for `manage.py demo`: blockers at every rung and in
every state, the zone's meeting rhythm, two past meetings with minutes and 督办 in mixed states,
and the upcoming meetings. Called once from zonedesk.demo.build_demo."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zonedesk.accounts.models import User
from zonedesk.projects.models import Project
from zonedesk.zones.models import Department

from . import services
from .models import AgendaItem, BlockerCategory, MeetingKind, MeetingSchedule

BLOCKERS = [
    # (category, description, days ago, deadline after raising, what happens)
    (BlockerCategory.LAND, "二期用地未完成农转用报批，影响桩基施工。", 48, 10, "escalate2"),
    (BlockerCategory.POWER, "临时用电容量不足，需新建箱变一台。", 26, 10, "escalate1"),
    (BlockerCategory.FUNDS, "专项债资金尚未拨付到位，影响设备采购。", 35, 15, "overdue"),
    (BlockerCategory.PERMIT, "施工许可证待消防设计审查意见。", 12, 20, "progress"),
    (BlockerCategory.WATER, "供水管网未接入厂区。", 40, 20, "resolved"),
    (BlockerCategory.EXPROPRIATION, "进场道路涉及两户征收未签约。", 60, 30, "reopened"),
    (BlockerCategory.LABOUR, "主体施工阶段用工缺口约80人。", 20, 30, "closed"),
    (BlockerCategory.ROAD, "园区东路未贯通，材料运输绕行。", 5, 25, "open"),
]


def build_dispatch_demo(users: dict[str, User]) -> None:
    leader, deputy, econ = users["leader"], users["deputy"], users["econ"]
    zone = leader.zone
    depts = {d.name: d for d in Department.objects.filter(zone=zone)}
    office = depts.get("党政办公室")
    MeetingSchedule.objects.create(
        zone=zone, small_chair=deputy, large_chair=leader, office_department=office
    )
    projects = list(
        Project.objects.filter(zone=zone, stage__in=["started", "construction"]).order_by("code")[
            :8
        ]
    )
    now = timezone.now()
    blockers = []
    for project, (category, text, ago, within, fate) in zip(projects, BLOCKERS, strict=False):
        raised = now - dt.timedelta(days=ago)
        b = services.blocker_raise(
            project=project,
            by=econ,
            now=raised,
            data={
                "category": category,
                "description": text,
                "deadline": timezone.localdate(raised) + dt.timedelta(days=within),
                "lead_official": project.lead_official or deputy,
            },
        )
        lead = b.lead_official or leader
        if fate in ("escalate1", "escalate2"):
            b = services.blocker_escalate(
                blocker=b, by=lead, expected_version=b.version, now=raised + dt.timedelta(days=within + 3),
                note="部门协调未果，提请分管领导协调",
                new_deadline=timezone.localdate(raised) + dt.timedelta(days=within + 12),
            )  # fmt: skip
        if fate == "escalate2":
            b = services.blocker_escalate(
                blocker=b, by=leader, expected_version=b.version,
                now=raised + dt.timedelta(days=within + 15), note="涉及市级审批，提请主要领导调度",
                new_deadline=timezone.localdate() + dt.timedelta(days=10),
            )  # fmt: skip
        if fate in ("progress", "overdue"):
            b = services.blocker_start(
                blocker=b, by=econ, expected_version=b.version, note="已对接主管部门"
            )
        if fate in ("resolved", "closed", "reopened"):
            b = services.blocker_resolve(
                blocker=b, by=econ, expected_version=b.version, note="已协调解决，相关手续办结。",
                now=raised + dt.timedelta(days=within - 2),
            )  # fmt: skip
        if fate == "closed":
            b = services.blocker_close(blocker=b, by=lead, expected_version=b.version)
        if fate == "reopened":
            b = services.blocker_reopen(
                blocker=b, by=econ, expected_version=b.version, reason="一户反悔，签约未完成。"
            )
        blockers.append(b)

    today = timezone.localdate()
    big = services.meeting_create(
        zone=zone,
        by=leader,
        kind=MeetingKind.LARGE,
        date=today - dt.timedelta(days=14),
        chair=leader,
    )
    small = services.meeting_create(
        zone=zone,
        by=deputy,
        kind=MeetingKind.SMALL,
        date=today - dt.timedelta(days=7),
        chair=deputy,
    )
    decisions = []
    for meeting, chair, attendees in (
        (big, leader, "高新区主任、分管副主任、各部门负责人、开创集团、路达市政"),
        (small, deputy, "分管副主任、经济发展部、投资合作促进部、规划建设部"),
    ):
        services.agenda_build(meeting=meeting, by=chair)
        services.agenda_add(
            meeting=meeting, by=chair, title="安全生产和冬季施工部署", reason="主持人增加。"
        )
        items = list(AgendaItem.objects.filter(meeting=meeting).order_by("order")[:4])
        meeting.refresh_from_db()
        services.meeting_update(
            meeting=meeting, by=chair, expected_version=meeting.version, record=True,
            data={"attendees": attendees, "location": "管委会三楼会议室", "summary": "会议听取了重点项目推进和要素保障情况汇报，研究了存在问题。"},
            discussions={i.pk: "责任部门汇报了进展，会议要求倒排工期、挂图作战。" for i in items},
        )  # fmt: skip
        for n, item in enumerate(items[:3]):
            decisions.append(
                services.decision_add(
                    meeting=meeting,
                    by=chair,
                    agenda_item=item,
                    content=f"{item.title[:30]}：责任部门{['五', '十', '二十'][n]}个工作日内拿出解决方案并报会议办公室。",
                    department=econ.department
                    if n != 1
                    else depts.get("规划建设部", econ.department),
                    deadline=meeting.date + dt.timedelta(days=[5, 10, 25][n]),
                )  # fmt: skip
            )
    office_user = leader
    for i, item in enumerate(decisions):
        if i % 3 == 0:  # done: reported, confirmed
            services.supervision_feedback_add(
                item=item, by=econ, text="已按要求完成，材料已报送。", request_completion=True
            )
            item.refresh_from_db()
            services.supervision_confirm(item=item, by=office_user, expected_version=item.version)
        elif i % 3 == 1:  # reported, waiting for the office
            services.supervision_feedback_add(item=item, by=econ, text="正在对接市级部门。")
            services.supervision_feedback_add(
                item=item, by=econ, text="已完成，请确认。", request_completion=True
            )
        # the rest stay open, some past their deadline
    services.meetings_ensure(zone=zone)


def _assignee(item, econ: User, leader: User) -> User:
    """The department's clerk when the demo has one, else the 主要领导 (who may report for any)."""
    return econ if item.department_id == econ.department_id else leader
