"""Who may see and change what: the one place scope is decided (STYLE.md §5).

Views and API endpoints never fetch a scoped record directly; they call a helper here, which
raises Http404 for a record that does not exist and PermissionDenied (with an audit row) for one
the user may not see or change.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, Role, User
from zonedesk.projects.models import Milestone, MilestoneEvidence, Project
from zonedesk.zones.models import Department, Organisation, Zone

# Roles that work on business data (the 系统管理员 and 审计员 do not, per 等保 separation of duties).
BUSINESS_ROLES = {Role.LEADER, Role.DEPUTY, Role.STAFF, Role.UNIT, Role.VIEWER}
PROJECT_CREATORS = {Role.LEADER, Role.DEPUTY, Role.STAFF}


def zone_ids_in_scope(user: User) -> frozenset[int]:
    """The zones a user works in: their own zone and its parks, or a viewer's set of zones."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_zone_ids_in_scope", None)
    if cached is not None:
        return cached
    if user.role == Role.VIEWER:
        roots = set(user.viewer_zones.values_list("id", flat=True))
    elif user.zone_id:
        roots = {user.zone_id}
    else:
        roots = set()
    ids = frozenset(
        Zone.objects.filter(Q(id__in=roots) | Q(parent_id__in=roots)).values_list("id", flat=True)
    )
    user._zone_ids_in_scope = ids
    return ids


def zones_for(user: User) -> QuerySet[Zone]:
    return Zone.objects.filter(id__in=zone_ids_in_scope(user))


def departments_for(user: User) -> QuerySet[Department]:
    return Department.objects.filter(zone_id__in=zone_ids_in_scope(user))


def organisations_for(user: User) -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(zone_id__in=zone_ids_in_scope(user))
    if user.role == Role.UNIT:
        qs = qs.filter(id=user.organisation_id)
    return qs


def deny(user, *, what: str, target=None, request=None) -> PermissionDenied:
    """Record a refusal in the audit log and return the exception to raise."""
    audit_record(
        actor=user,
        action=AuditEvent.Action.DENIED,
        target=target,
        # The zone whose record was asked for, so that zone's auditor sees the attempt.
        zone=None if target is not None else getattr(user, "zone", None),
        note=what,
        request=request,
    )
    return PermissionDenied(what)


def require_business_role(user: User, request=None) -> None:
    if user.role not in BUSINESS_ROLES:
        raise deny(user, what=f"{user.get_role_display()}无权查看业务数据", request=request)


# --- Key projects -----------------------------------------------------------------------------


def projects_for(user: User) -> QuerySet[Project]:
    """Projects a user may see: all of their zones' projects, or only a unit's own."""
    if user.role not in BUSINESS_ROLES:
        return Project.objects.none()
    qs = Project.objects.filter(zone_id__in=zone_ids_in_scope(user))
    if user.role == Role.UNIT:
        qs = qs.filter(
            Q(implementing_unit_id=user.organisation_id) | Q(owner_id=user.organisation_id)
        )
    return qs


def can_read_project(user: User, project: Project) -> bool:
    if user.role not in BUSINESS_ROLES or project.zone_id not in zone_ids_in_scope(user):
        return False
    if user.role == Role.UNIT:
        return user.organisation_id in (project.implementing_unit_id, project.owner_id)
    return True


def can_edit_project(user: User, project: Project) -> bool:
    if not can_read_project(user, project):
        return False
    match user.role:
        case Role.LEADER:
            return True
        case Role.DEPUTY:
            return project.lead_official_id == user.id or project.department_id in set(
                user.supervised_departments.values_list("id", flat=True)
            )
        case Role.STAFF:
            return project.department_id == user.department_id
        case Role.UNIT:
            return True  # can_read_project already limited a unit to its own projects
    return False


def can_create_project(user: User) -> bool:
    return user.role in PROJECT_CREATORS


def get_project_for_user(user: User, pk: int, *, write: bool = False, request=None) -> Project:
    project = (
        Project.objects.select_related(
            "zone", "park", "department", "owner", "implementing_unit", "lead_official"
        )
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404("项目不存在。")
    if not can_read_project(user, project):
        raise deny(user, what="无权查看该项目", target=project, request=request)
    if write and not can_edit_project(user, project):
        raise deny(user, what="无权修改该项目", target=project, request=request)
    return project


def get_milestone_for_user(user: User, pk: int, *, write: bool = False, request=None) -> Milestone:
    milestone = Milestone.objects.select_related("project").filter(pk=pk).first()
    if milestone is None:
        raise Http404("节点不存在。")
    get_project_for_user(user, milestone.project_id, write=write, request=request)
    return milestone


def get_milestone_evidence_for_user(
    user: User, pk: int, *, write: bool = False, request=None
) -> MilestoneEvidence:
    """印证资料 for whoever reads (or, with `write`, edits) its project; removed ones are gone."""
    item = (
        MilestoneEvidence.objects.select_related("milestone")
        .filter(pk=pk, removed_at__isnull=True)
        .first()
    )
    if item is None:
        raise Http404("印证资料不存在。")
    get_project_for_user(user, item.milestone.project_id, write=write, request=request)
    return item


# --- Dispatch (进度填报与预警) -------------------------------------------------------------------
# Added for zonedesk.dispatch. A unit files the reports of the projects it implements (or owns,
# when no implementing unit is set); whoever may edit a project (its department's staff, a deputy
# supervising it, a leader) reviews them; everyone who reads the project reads its reports.

from zonedesk.dispatch.models import ProgressReport, ReportingPeriod, ReportPhoto  # noqa: E402

DISPATCH_REVIEWERS = {Role.LEADER, Role.DEPUTY, Role.STAFF}


def reporting_unit_id(project: Project) -> int | None:
    """The organisation that reports a project's progress."""
    return project.implementing_unit_id or project.owner_id


def reporting_projects_for(user: User) -> QuerySet[Project]:
    """Projects whose progress this user files: a unit's own, nobody else's."""
    if user.role != Role.UNIT or not user.organisation_id:
        return Project.objects.none()
    org = user.organisation_id
    return Project.objects.filter(zone_id__in=zone_ids_in_scope(user)).filter(
        Q(implementing_unit_id=org) | Q(implementing_unit__isnull=True, owner_id=org)
    )


def can_fill_report(user: User, project: Project) -> bool:
    return (
        user.role == Role.UNIT
        and bool(user.organisation_id)
        and project.zone_id in zone_ids_in_scope(user)
        and reporting_unit_id(project) == user.organisation_id
    )


def can_review_report(user: User, project: Project) -> bool:
    return user.role in DISPATCH_REVIEWERS and can_edit_project(user, project)


def can_remind(user: User, zone_id: int) -> bool:
    return user.role in DISPATCH_REVIEWERS and zone_id in zone_ids_in_scope(user)


def can_edit_dispatch_settings(user: User, zone_id: int) -> bool:
    return user.role == Role.LEADER and zone_id in zone_ids_in_scope(user)


def get_period_for_user(user: User, pk: int, *, request=None) -> ReportingPeriod:
    period = ReportingPeriod.objects.select_related("zone").filter(pk=pk).first()
    if period is None:
        raise Http404("填报期次不存在。")
    if user.role not in BUSINESS_ROLES or period.zone_id not in zone_ids_in_scope(user):
        raise deny(user, what="无权查看该填报期次", target=period, request=request)
    return period


def get_report_for_user(
    user: User, pk: int, *, action: str = "read", request=None
) -> ProgressReport:
    """`action` is "read", "fill" (the project's unit) or "review" (approve/return)."""
    report = (
        ProgressReport.objects.select_related(
            "period", "project", "project__zone", "project__department",
            "project__implementing_unit", "project__owner",
        )
        .filter(pk=pk)
        .first()
    )  # fmt: skip
    if report is None:
        raise Http404("进度填报不存在。")
    if not can_read_project(user, report.project):
        raise deny(user, what="无权查看该进度填报", target=report, request=request)
    if action == "fill" and not can_fill_report(user, report.project):
        raise deny(user, what="只有项目实施单位可以填报该项目进度", target=report, request=request)
    if action == "review" and not can_review_report(user, report.project):
        raise deny(user, what="无权审核该进度填报", target=report, request=request)
    return report


def get_photo_for_user(user: User, pk: int, *, request=None) -> ReportPhoto:
    photo = ReportPhoto.objects.select_related("report__project__zone").filter(pk=pk).first()
    if photo is None:
        raise Http404("照片不存在。")
    if not can_read_project(user, photo.report.project):
        raise deny(user, what="无权查看该照片", target=photo.report, request=request)
    return photo


# --- 对标情报 (peers) ---------------------------------------------------------------------------


def can_read_peers(user: User) -> bool:
    """Leaders, deputies and department staff use 对标情报; a 上级查看 viewer reads it."""
    return user.role in PROJECT_CREATORS or user.role == Role.VIEWER


def can_write_peers(user: User, zone) -> bool:
    """Documents, peer zones and figures are saved for the user's own zone (or its parks)."""
    return user.role in PROJECT_CREATORS and zone is not None and zone.pk in zone_ids_in_scope(user)


def require_peers(user: User, request=None) -> None:
    if not can_read_peers(user):
        raise deny(user, what=f"{user.get_role_display()}无权使用对标情报", request=request)


# --- Blockers, dispatch meetings and 督办 (要素保障、调度会、督办) ----------------------------------
# Added for zonedesk.dispatch §3–§4. Whoever reads a project reads its blockers; anyone working
# on it (not a viewer) may raise one. The responsible department, the lead official, a deputy
# supervising the department and the 主要领导 handle it; only the lead official (or the 主要领导)
# confirms an escalation; the lead, a supervising deputy or the 主要领导 close it. Meetings and
# 督办 are the committee's: its people and viewers read them (units do not); the chair, the
# 主要领导 and the meeting office (MeetingSchedule.office_department) run a meeting; the
# assignee department (and its supervising deputy, the 主要领导) reports back; the meeting office
# or the 主要领导 confirms completion.

from zonedesk.dispatch.models import (  # noqa: E402
    Blocker,
    Meeting,
    MeetingSchedule,
    SupervisionItem,
)

BLOCKER_RAISERS = {Role.LEADER, Role.DEPUTY, Role.STAFF, Role.UNIT}
MEETING_READERS = {Role.LEADER, Role.DEPUTY, Role.STAFF, Role.VIEWER}


def _supervises(user: User, department_id: int) -> bool:
    return user.role == Role.DEPUTY and department_id in set(
        user.supervised_departments.values_list("id", flat=True)
    )


def can_raise_blocker(user: User, project: Project) -> bool:
    return user.role in BLOCKER_RAISERS and can_read_project(user, project)


def can_handle_blocker(user: User, blocker: Blocker) -> bool:
    """Mark in progress, resolve, edit: the responsible department and those above it."""
    if user.role == Role.VIEWER or blocker.zone_id not in zone_ids_in_scope(user):
        return False
    if user.role == Role.LEADER or blocker.lead_official_id == user.id:
        return True
    if user.role == Role.STAFF:
        return user.department_id in (blocker.department_id, blocker.project.department_id)
    return _supervises(user, blocker.department_id)


def can_escalate_blocker(user: User, blocker: Blocker) -> bool:
    """Only the lead official confirms moving a blocker up a rung (or the 主要领导)."""
    if blocker.zone_id not in zone_ids_in_scope(user):
        return False
    return blocker.lead_official_id == user.id or user.role == Role.LEADER


def can_close_blocker(user: User, blocker: Blocker) -> bool:
    return can_escalate_blocker(user, blocker) or (
        blocker.zone_id in zone_ids_in_scope(user) and _supervises(user, blocker.department_id)
    )


def can_reopen_blocker(user: User, blocker: Blocker) -> bool:
    if blocker.zone_id not in zone_ids_in_scope(user) or user.role == Role.VIEWER:
        return False
    return can_handle_blocker(user, blocker) or blocker.raised_by_id == user.id


def get_blocker_for_user(user: User, pk: int, *, action: str = "read", request=None) -> Blocker:
    """`action`: "read", "handle", "escalate", "close" or "reopen"."""
    blocker = (
        Blocker.objects.select_related(
            "zone", "project", "project__zone", "department", "lead_official", "raised_by"
        )
        .filter(pk=pk)
        .first()
    )
    if blocker is None:
        raise Http404("要素保障问题不存在。")
    if not can_read_project(user, blocker.project):
        raise deny(user, what="无权查看该要素保障问题", target=blocker, request=request)
    checks = {
        "handle": (can_handle_blocker, "无权办理该要素保障问题"),
        "escalate": (can_escalate_blocker, "只有牵头领导或主要领导可以确认升级"),
        "close": (can_close_blocker, "只有牵头领导、分管领导或主要领导可以关闭问题"),
        "reopen": (can_reopen_blocker, "无权重新打开该问题"),
    }
    if action in checks:
        check, what = checks[action]
        if not check(user, blocker):
            raise deny(user, what=what, target=blocker, request=request)
    return blocker


def office_department_id(zone_id: int) -> int | None:
    return (
        MeetingSchedule.objects.filter(zone_id=zone_id)
        .values_list("office_department_id", flat=True)
        .first()
    )


def can_read_meetings(user: User, zone_id: int) -> bool:
    return user.role in MEETING_READERS and zone_id in zone_ids_in_scope(user)


def is_meeting_office(user: User, zone_id: int) -> bool:
    return (
        user.role == Role.STAFF
        and zone_id in zone_ids_in_scope(user)
        and user.department_id is not None
        and user.department_id == office_department_id(zone_id)
    )


def can_rebaseline(user: User, project: Project) -> bool:
    """重定基线 of a project's milestones: those who set the dispatch rhythm (the 主要领导 and
    the meeting office), not the unit or department whose dates it measures."""
    return can_read_project(user, project) and can_plan_meetings(user, project.zone_id)


def can_plan_meetings(user: User, zone_id: int) -> bool:
    """Edit the rhythm, add a meeting: the 主要领导 and the meeting office."""
    if zone_id not in zone_ids_in_scope(user):
        return False
    return user.role == Role.LEADER or is_meeting_office(user, zone_id)


def can_run_meeting(user: User, meeting: Meeting) -> bool:
    """Agenda, minutes, decisions: the chair, the 主要领导, the meeting office."""
    if meeting.zone_id not in zone_ids_in_scope(user) or user.role not in MEETING_READERS:
        return False
    if user.role == Role.VIEWER:
        return False
    return meeting.chair_id == user.id or can_plan_meetings(user, meeting.zone_id)


def get_meeting_for_user(user: User, pk: int, *, write: bool = False, request=None) -> Meeting:
    meeting = Meeting.objects.select_related("zone", "chair").filter(pk=pk).first()
    if meeting is None:
        raise Http404("调度会不存在。")
    if not can_read_meetings(user, meeting.zone_id):
        raise deny(user, what="无权查看该调度会", target=meeting, request=request)
    if write and not can_run_meeting(user, meeting):
        raise deny(
            user,
            what="只有主持人、主要领导或会议办公室可以修改会议",
            target=meeting,
            request=request,
        )
    return meeting


def can_feedback_supervision(user: User, item: SupervisionItem) -> bool:
    if item.zone_id not in zone_ids_in_scope(user):
        return False
    if user.role == Role.LEADER:
        return True
    if user.role == Role.STAFF:
        return user.department_id == item.department_id
    return _supervises(user, item.department_id)


def can_confirm_supervision(user: User, item: SupervisionItem) -> bool:
    if item.zone_id not in zone_ids_in_scope(user):
        return False
    return user.role == Role.LEADER or is_meeting_office(user, item.zone_id)


def get_supervision_for_user(
    user: User, pk: int, *, action: str = "read", request=None
) -> SupervisionItem:
    """`action`: "read", "feedback" (the assignee department) or "confirm" (the office)."""
    item = (
        SupervisionItem.objects.select_related("meeting", "zone", "department", "project")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("督办事项不存在。")
    if not can_read_meetings(user, item.zone_id):
        raise deny(user, what="无权查看该督办事项", target=item, request=request)
    if action == "feedback" and not can_feedback_supervision(user, item):
        raise deny(user, what="只有承办部门可以反馈该督办事项", target=item, request=request)
    if action == "confirm" and not can_confirm_supervision(user, item):
        raise deny(user, what="只有会议办公室或主要领导可以确认办结", target=item, request=request)
    return item


# --- Reports (调度周报、驾驶舱、挂图作战) ---------------------------------------------------------
# Added for zonedesk.reports. The weekly report, the cockpit and the Gantt are zone-wide views:
# the zone's leaders, deputies and department staff and the zone's viewers read them; a unit (which
# sees only its own projects), the administrator and the auditor do not.

REPORT_READERS = {Role.LEADER, Role.DEPUTY, Role.STAFF, Role.VIEWER}


def can_read_zone_reports(user: User, zone_id: int) -> bool:
    return user.role in REPORT_READERS and zone_id in zone_ids_in_scope(user)


def require_report_reader(user: User, request=None) -> None:
    if user.role not in REPORT_READERS:
        raise deny(user, what=f"{user.get_role_display()}无权查看调度周报和驾驶舱", request=request)


def get_report_zone_for_user(user: User, zone_id: int | None, *, request=None) -> Zone:
    """The zone (not a park) a report page is about: `zone_id` if the user may read it, else the
    user's first zone. A zone outside the user's scope is refused and audited."""
    require_report_reader(user, request)
    roots = Zone.objects.filter(id__in=zone_ids_in_scope(user), parent__isnull=True).order_by("id")
    if zone_id is None:
        zone = roots.first()
        if zone is None:
            raise deny(user, what="没有可查看的开发区", request=request)
        return zone
    zone = Zone.objects.filter(pk=zone_id).first()
    if zone is None:
        raise Http404("开发区不存在。")
    if zone.parent_id is not None or not can_read_zone_reports(user, zone.pk):
        raise deny(user, what="无权查看该开发区的调度周报", target=zone, request=request)
    return zone


def get_report_period_for_user(user: User, pk: int, *, request=None) -> ReportingPeriod:
    period = ReportingPeriod.objects.select_related("zone").filter(pk=pk).first()
    if period is None:
        raise Http404("填报期次不存在。")
    if not can_read_zone_reports(user, period.zone_id):
        raise deny(user, what="无权查看该期调度周报", target=period, request=request)
    return period


# --- Investment attraction (招商引资) ----------------------------------------------------------
# Added for zonedesk.investment. Leaders, deputies, staff and city viewers of a zone read its
# leads, chains and funnel (project units do not). A lead is worked on by its owner and the members
# of its team (招商小分队), by the zone's leader, and by a deputy supervising the team's department;
# its investor contacts are shown to its owner, its team and the leader, masked for everybody else
# (防撞单 and 保护客商信息). The chain map is kept by the zone's investment staff: members of a team
# or staff of a department that has one.

from zonedesk.investment.models import (  # noqa: E402
    Chain,
    ChainNode,
    FundingArrival,
    Lead,
    TargetEnterprise,
    Team,
)

INVESTMENT_READERS = {Role.LEADER, Role.DEPUTY, Role.STAFF, Role.VIEWER}


def investment_team_ids(user: User) -> frozenset[int]:
    """The teams a user is a member of (cached on the user for the request)."""
    cached = getattr(user, "_investment_team_ids", None)
    if cached is None:
        cached = frozenset(
            Team.members.through.objects.filter(user_id=user.pk).values_list("team_id", flat=True)
        )
        user._investment_team_ids = cached
    return cached


def is_investment_staff(user: User) -> bool:
    """Staff of the zone's 招商 work: a team member, or staff of a department that owns a team."""
    cached = getattr(user, "_is_investment_staff", None)
    if cached is None:
        cached = user.role == Role.STAFF and (
            bool(investment_team_ids(user))
            or (
                user.department_id is not None
                and Team.objects.filter(department_id=user.department_id).exists()
            )
        )
        user._is_investment_staff = cached
    return cached


def can_read_investment(user: User) -> bool:
    return user.role in INVESTMENT_READERS and bool(zone_ids_in_scope(user))


def require_investment_reader(user: User, request=None) -> None:
    if not can_read_investment(user):
        raise deny(user, what=f"{user.get_role_display()}无权查看招商引资数据", request=request)


def leads_for(user: User) -> QuerySet[Lead]:
    if not can_read_investment(user):
        return Lead.objects.none()
    return Lead.objects.filter(zone_id__in=zone_ids_in_scope(user))


def can_create_lead(user: User, zone_id: int | None = None) -> bool:
    zone_id = zone_id or user.zone_id
    if zone_id is None or zone_id not in zone_ids_in_scope(user):
        return False
    return user.role in (Role.LEADER, Role.DEPUTY) or is_investment_staff(user)


def can_edit_lead(user: User, lead: Lead) -> bool:
    if not can_read_investment(user) or lead.zone_id not in zone_ids_in_scope(user):
        return False
    in_team = lead.owner_id == user.pk or (
        lead.team_id is not None and lead.team_id in investment_team_ids(user)
    )
    match user.role:
        case Role.LEADER:
            return True
        case Role.DEPUTY:
            department_id = lead.team.department_id if lead.team_id else None
            return in_team or (
                department_id is not None
                and department_id in set(user.supervised_departments.values_list("id", flat=True))
            )
        case Role.STAFF:
            return in_team
    return False


def can_see_lead_contacts(user: User, lead: Lead) -> bool:
    """Investor contacts: the lead's owner, its team and the zone's leader; masked for others."""
    if lead.zone_id not in zone_ids_in_scope(user):
        return False
    if user.role == Role.LEADER or lead.owner_id == user.pk:
        return True
    return lead.team_id is not None and lead.team_id in investment_team_ids(user)


def get_lead_for_user(user: User, pk: int, *, write: bool = False, request=None) -> Lead:
    lead = (
        Lead.objects.select_related(
            "zone", "team", "owner", "node__chain", "event", "project", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if lead is None:
        raise Http404("招商项目不存在。")
    if not can_read_investment(user) or lead.zone_id not in zone_ids_in_scope(user):
        raise deny(user, what="无权查看该招商项目", target=lead, request=request)
    if write and not can_edit_lead(user, lead):
        raise deny(
            user,
            what="无权修改该招商项目（仅负责人、所属小分队成员和领导可修改）",
            target=lead,
            request=request,
        )
    return lead


def get_arrival_for_user(user: User, pk: int, *, request=None) -> FundingArrival:
    arrival = FundingArrival.objects.select_related("lead__zone").filter(pk=pk).first()
    if arrival is None:
        raise Http404("到位资金记录不存在。")
    lead = arrival.lead
    if not can_read_investment(user) or not can_see_lead_contacts(user, lead):
        raise deny(user, what="无权查看该到位资金凭证", target=lead, request=request)
    return arrival


def chains_for(user: User) -> QuerySet[Chain]:
    if not can_read_investment(user):
        return Chain.objects.none()
    return Chain.objects.filter(zone_id__in=zone_ids_in_scope(user))


def can_edit_chains(user: User, zone_id: int) -> bool:
    if zone_id not in zone_ids_in_scope(user):
        return False
    return user.role in (Role.LEADER, Role.DEPUTY) or is_investment_staff(user)


def get_chain_for_user(user: User, pk: int, *, write: bool = False, request=None) -> Chain:
    chain = Chain.objects.select_related("zone").filter(pk=pk).first()
    if chain is None:
        raise Http404("产业链不存在。")
    if not can_read_investment(user) or chain.zone_id not in zone_ids_in_scope(user):
        raise deny(user, what="无权查看该产业链", target=chain, request=request)
    if write and not can_edit_chains(user, chain.zone_id):
        raise deny(user, what="无权修改招商图谱", target=chain, request=request)
    return chain


def get_node_for_user(user: User, pk: int, *, write: bool = False, request=None) -> ChainNode:
    node = ChainNode.objects.select_related("chain__zone", "parent").filter(pk=pk).first()
    if node is None:
        raise Http404("产业链节点不存在。")
    get_chain_for_user(user, node.chain_id, write=write, request=request)
    return node


def get_chain_target_for_user(
    user: User, pk: int, *, write: bool = False, request=None
) -> TargetEnterprise:
    target = TargetEnterprise.objects.select_related("node__chain__zone").filter(pk=pk).first()
    if target is None:
        raise Http404("靶向企业不存在。")
    get_chain_for_user(user, target.node.chain_id, write=write, request=request)
    return target


def teams_for(user: User) -> QuerySet[Team]:
    if not can_read_investment(user):
        return Team.objects.none()
    return Team.objects.filter(zone_id__in=zone_ids_in_scope(user))


def can_manage_teams(user: User, zone_id: int) -> bool:
    """Teams and their annual targets are set by the zone's leader."""
    return user.role == Role.LEADER and zone_id in zone_ids_in_scope(user)


def get_team_for_user(user: User, pk: int, *, manage: bool = False, request=None) -> Team:
    team = Team.objects.select_related("zone", "department", "leader").filter(pk=pk).first()
    if team is None:
        raise Http404("招商小分队不存在。")
    if not can_read_investment(user) or team.zone_id not in zone_ids_in_scope(user):
        raise deny(user, what="无权查看该招商小分队", target=team, request=request)
    if manage and not can_manage_teams(user, team.zone_id):
        raise deny(user, what="只有主要领导可以设置小分队和年度目标", target=team, request=request)
    return team


# --- Indicators (经济运行指标) ---------------------------------------------------------------------
# Added for zonedesk.indicators. Everyone with a business role reads the indicators of the zones in
# scope (a city/province viewer: every zone given to them, read-only); the zone's leaders and
# department staff enter figures and set targets; units and viewers never write.

INDICATOR_EDITORS = {Role.LEADER, Role.DEPUTY, Role.STAFF}


def indicator_zones_for(user: User) -> QuerySet[Zone]:
    """Zones (not parks) whose indicators a user reads."""
    if user.role not in BUSINESS_ROLES:
        return Zone.objects.none()
    return Zone.objects.filter(id__in=zone_ids_in_scope(user), parent__isnull=True).order_by("id")


def can_edit_indicators(user: User, zone_id: int) -> bool:
    return user.role in INDICATOR_EDITORS and zone_id in zone_ids_in_scope(user)


def get_indicator_zone_for_user(user: User, pk: int, *, write: bool = False, request=None) -> Zone:
    zone = Zone.objects.filter(pk=pk, parent__isnull=True).first()
    if zone is None:
        raise Http404("开发区不存在。")
    if user.role not in BUSINESS_ROLES or zone.pk not in zone_ids_in_scope(user):
        raise deny(user, what="无权查看该开发区的指标", target=zone, request=request)
    if write and not can_edit_indicators(user, zone.pk):
        raise deny(user, what="无权填报或修改该开发区的指标", target=zone, request=request)
    return zone


def get_indicator_for_user(user: User, pk: int, *, zone: Zone, write: bool = False, request=None):
    """A catalogue indicator as seen from `zone`: shipped ones for everyone, a zone's own only
    in that zone; `write` (changing the definition) only for the zone's own."""
    from zonedesk.indicators.models import Indicator

    indicator = Indicator.objects.filter(pk=pk).first()
    if indicator is None or indicator.zone_id not in (None, zone.pk):
        raise Http404("指标不存在。")
    if write and (indicator.zone_id != zone.pk or not can_edit_indicators(user, zone.pk)):
        raise deny(user, what="无权修改该指标", target=indicator, request=request)
    return indicator


def get_target_for_user(user: User, pk: int, *, write: bool = False, request=None):
    from zonedesk.indicators.models import Target

    target = Target.objects.select_related("zone", "indicator").filter(pk=pk).first()
    if target is None:
        raise Http404("年度目标不存在。")
    get_indicator_zone_for_user(user, target.zone_id, write=write, request=request)
    return target


def get_indicator_value_for_user(user: User, pk: int, *, write: bool = False, request=None):
    from zonedesk.indicators.models import IndicatorValue

    value = IndicatorValue.objects.select_related("zone", "indicator").filter(pk=pk).first()
    if value is None:
        raise Http404("指标数据不存在。")
    get_indicator_zone_for_user(user, value.zone_id, write=write, request=request)
    return value


# --- Ledgers (问题整改台账) ------------------------------------------------------------------------
# Added for zonedesk.ledgers. Leaders and staff register campaigns and items; the responsible
# department's staff (or the responsible unit) rectify and apply for closure; a check (核查) is
# made by somebody of another unit — never the department or unit that fixed it, nor the person
# who applied (DOMAIN.md §7: "closure is approved by the assigning/verifying body, never by the
# responsible unit itself"). A unit sees only the items it is responsible for; viewers read.

LEDGER_EDITORS = {Role.LEADER, Role.DEPUTY, Role.STAFF}


def campaigns_for(user: User):
    from zonedesk.ledgers.models import Campaign

    if user.role not in BUSINESS_ROLES:
        return Campaign.objects.none()
    return Campaign.objects.filter(zone_id__in=zone_ids_in_scope(user))


def ledger_items_for(user: User):
    from zonedesk.ledgers.models import LedgerItem

    if user.role not in BUSINESS_ROLES:
        return LedgerItem.objects.none()
    qs = LedgerItem.objects.filter(zone_id__in=zone_ids_in_scope(user))
    if user.role == Role.UNIT:
        qs = qs.filter(responsible_unit_id=user.organisation_id)
    return qs


def can_edit_ledgers(user: User, zone_id: int) -> bool:
    return user.role in LEDGER_EDITORS and zone_id in zone_ids_in_scope(user)


def is_fixing_party(user: User, item) -> bool:
    """The department or unit responsible for fixing the item."""
    if user.role == Role.STAFF and user.department_id == item.responsible_department_id:
        return True
    return bool(
        user.role == Role.UNIT
        and item.responsible_unit_id
        and user.organisation_id == item.responsible_unit_id
    )


def can_rectify_item(user: User, item) -> bool:
    if item.zone_id not in zone_ids_in_scope(user):
        return False
    return user.role in (Role.LEADER, Role.DEPUTY) or is_fixing_party(user, item)


def check_refusal(user: User, item) -> str:
    """Why this user may not check (核查) the item; "" when they may."""
    if user.role not in LEDGER_EDITORS or item.zone_id not in zone_ids_in_scope(user):
        return "无权核查整改事项"
    if is_fixing_party(user, item):
        return "整改责任部门（单位）不能核查本部门整改的事项，须由其他单位核查"
    if item.applied_by_id and item.applied_by_id == user.pk:
        return "申请销号的人员不能核查自己申请的事项"
    if (
        user.role == Role.STAFF
        and item.supervising_department_id
        and user.department_id != item.supervising_department_id
    ):
        return "只有督办部门或区领导可以核查该事项"
    return ""


def get_campaign_for_user(user: User, pk: int, *, write: bool = False, request=None):
    from zonedesk.ledgers.models import Campaign

    campaign = Campaign.objects.select_related("zone", "lead_department").filter(pk=pk).first()
    if campaign is None:
        raise Http404("专项行动不存在。")
    if user.role not in BUSINESS_ROLES or campaign.zone_id not in zone_ids_in_scope(user):
        raise deny(user, what="无权查看该专项行动", target=campaign, request=request)
    if write and not can_edit_ledgers(user, campaign.zone_id):
        raise deny(user, what="无权修改该专项行动", target=campaign, request=request)
    return campaign


def get_ledger_item_for_user(user: User, pk: int, *, action: str = "read", request=None):
    """`action`: "read", "edit" (registration fields), "rectify" (start, progress, evidence,
    apply), "check" (核查, publicity, closing, reopening)."""
    from zonedesk.ledgers.models import LedgerItem

    item = (
        LedgerItem.objects.select_related("campaign", "zone", "responsible_department", "responsible_unit",
                        "supervising_department", "enterprise")
        .filter(pk=pk)
        .first()
    )  # fmt: skip
    if item is None:
        raise Http404("整改事项不存在。")
    if not ledger_items_for(user).filter(pk=pk).exists():
        raise deny(user, what="无权查看该整改事项", target=item, request=request)
    if action == "edit" and not can_edit_ledgers(user, item.zone_id):
        raise deny(user, what="无权修改该整改事项", target=item, request=request)
    if action == "rectify" and not can_rectify_item(user, item):
        raise deny(user, what="只有整改责任部门（单位）可以办理整改", target=item, request=request)
    if action == "check":
        reason = check_refusal(user, item)
        if reason:
            raise deny(user, what=reason, target=item, request=request)
    return item


def get_evidence_for_user(user: User, pk: int, *, request=None):
    from zonedesk.ledgers.models import Evidence

    evidence = Evidence.objects.select_related("item").filter(pk=pk).first()
    if evidence is None:
        raise Http404("佐证材料不存在。")
    get_ledger_item_for_user(user, evidence.item_id, request=request)
    return evidence


# --- Enterprise services (企业服务) ----------------------------------------------------------------
# Added for zonedesk.enterprises. Everyone with a business role reads the enterprise files of their
# zones; a unit user (项目单位填报员) whose organisation is an enterprise reads only its own file and
# requests, and enters its own monthly figures when the zone allows it (EnterpriseSettings).
# Leaders, deputies and department staff keep the files; a request is answered by its department
# (or a leader/deputy); rule sets and 亩均 evaluations are a leader's or deputy's decision.

from zonedesk.enterprises.models import (  # noqa: E402
    Enterprise,
    EnterpriseSettings,
    FinancingNeed,
    MatchmakingEvent,
    MuEvaluation,
    Policy,
    ServicePlan,
    ServiceRequest,
)

ENTERPRISE_EDITORS = {Role.LEADER, Role.DEPUTY, Role.STAFF}
ENTERPRISE_MANAGERS = {Role.LEADER, Role.DEPUTY}


def enterprises_for(user: User) -> QuerySet[Enterprise]:
    if getattr(user, "role", None) not in BUSINESS_ROLES:
        return Enterprise.objects.none()
    qs = Enterprise.objects.filter(zone_id__in=zone_ids_in_scope(user))
    if user.role == Role.UNIT:
        qs = qs.filter(organisation_id=user.organisation_id)
    return qs


def can_read_enterprise(user: User, enterprise: Enterprise) -> bool:
    if user.role not in BUSINESS_ROLES or enterprise.zone_id not in zone_ids_in_scope(user):
        return False
    return user.role != Role.UNIT or user.organisation_id == enterprise.organisation_id


def can_edit_enterprise(user: User, enterprise: Enterprise) -> bool:
    return user.role in ENTERPRISE_EDITORS and enterprise.zone_id in zone_ids_in_scope(user)


def can_create_enterprise(user: User) -> bool:
    return user.role in ENTERPRISE_EDITORS and bool(user.zone_id)


def can_submit_request(user: User, enterprise: Enterprise) -> bool:
    """Staff register a firm's request (诉求); the firm's own user may raise its own."""
    return can_edit_enterprise(user, enterprise) or (
        user.role == Role.UNIT and can_read_enterprise(user, enterprise)
    )


def self_reporting_enabled(zone_id: int) -> bool:
    return EnterpriseSettings.objects.filter(zone_id=zone_id, self_reporting=True).exists()


def can_enter_figures(user: User, enterprise: Enterprise) -> bool:
    if can_edit_enterprise(user, enterprise):
        return True
    return (
        user.role == Role.UNIT
        and can_read_enterprise(user, enterprise)
        and self_reporting_enabled(enterprise.zone_id)
    )


def can_manage_enterprise_rules(user: User, zone_id: int | None) -> bool:
    return user.role in ENTERPRISE_MANAGERS and zone_id in zone_ids_in_scope(user)


def get_enterprise_for_user(
    user: User, pk: int, *, action: str = "read", request=None
) -> Enterprise:
    """`action` is "read", "edit" (staff of the zone) or "figures" (staff, or the firm itself
    when the zone allows self-reporting)."""
    enterprise = (
        Enterprise.objects.select_related("organisation", "zone", "park", "service_department")
        .filter(pk=pk)
        .first()
    )
    if enterprise is None:
        raise Http404("企业不存在。")
    if not can_read_enterprise(user, enterprise):
        raise deny(user, what="无权查看该企业档案", target=enterprise, request=request)
    if action == "edit" and not can_edit_enterprise(user, enterprise):
        raise deny(user, what="无权修改该企业档案", target=enterprise, request=request)
    if action == "figures" and not can_enter_figures(user, enterprise):
        raise deny(user, what="无权填报该企业的月度数据", target=enterprise, request=request)
    return enterprise


def service_requests_for(user: User) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(enterprise__in=enterprises_for(user))


def can_reply_request(user: User, item: ServiceRequest) -> bool:
    if item.enterprise.zone_id not in zone_ids_in_scope(user):
        return False
    if user.role in ENTERPRISE_MANAGERS:
        return True
    return user.role == Role.STAFF and user.department_id == item.department_id


def get_service_request_for_user(
    user: User, pk: int, *, action: str = "read", request=None
) -> ServiceRequest:
    """`action` is "read", "reply" (its department, a leader or deputy) or "rate" (the firm
    itself, or staff recording the firm's rating)."""
    item = (
        ServiceRequest.objects.select_related(
            "enterprise__organisation", "enterprise__zone", "department", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("诉求不存在。")
    if not can_read_enterprise(user, item.enterprise):
        raise deny(user, what="无权查看该诉求", target=item, request=request)
    if action == "reply" and not can_reply_request(user, item):
        raise deny(user, what="只有承办部门或分管领导可以答复该诉求", target=item, request=request)
    if action == "rate" and not (
        user.role == Role.UNIT or can_edit_enterprise(user, item.enterprise)
    ):
        raise deny(user, what="无权评价该诉求", target=item, request=request)
    return item


def policies_for(user: User) -> QuerySet[Policy]:
    if user.role not in BUSINESS_ROLES:
        return Policy.objects.none()
    return Policy.objects.filter(zone_id__in=zone_ids_in_scope(user))


def get_policy_for_user(user: User, pk: int, *, write: bool = False, request=None) -> Policy:
    policy = Policy.objects.select_related("zone").filter(pk=pk).first()
    if policy is None:
        raise Http404("政策不存在。")
    if user.role not in BUSINESS_ROLES or policy.zone_id not in zone_ids_in_scope(user):
        raise deny(user, what="无权查看该政策", target=policy, request=request)
    if write and user.role not in ENTERPRISE_EDITORS:
        raise deny(user, what="无权修改该政策", target=policy, request=request)
    return policy


def get_mu_evaluation_for_user(
    user: User, pk: int, *, write: bool = False, request=None
) -> MuEvaluation:
    evaluation = MuEvaluation.objects.select_related("zone").filter(pk=pk).first()
    if evaluation is None:
        raise Http404("评价不存在。")
    if user.role not in BUSINESS_ROLES or evaluation.zone_id not in zone_ids_in_scope(user):
        raise deny(user, what="无权查看该亩均评价", target=evaluation, request=request)
    if user.role == Role.UNIT and evaluation.status == MuEvaluation.Status.DRAFT:
        raise deny(user, what="评价尚未公示", target=evaluation, request=request)
    if write and not can_manage_enterprise_rules(user, evaluation.zone_id):
        raise deny(
            user, what="只有主要领导或分管领导可以修改亩均评价", target=evaluation, request=request
        )
    return evaluation


def get_plan_for_user(user: User, pk: int, *, request=None) -> ServicePlan:
    plan = (
        ServicePlan.objects.select_related("enterprise__zone", "department").filter(pk=pk).first()
    )
    if plan is None:
        raise Http404("一企一策不存在。")
    get_enterprise_for_user(user, plan.enterprise_id, action="edit", request=request)
    return plan


def get_financing_need_for_user(
    user: User, pk: int, *, write: bool = False, request=None
) -> FinancingNeed:
    need = (
        FinancingNeed.objects.select_related(
            "enterprise__organisation", "enterprise__zone", "event"
        )
        .filter(pk=pk)
        .first()
    )
    if need is None:
        raise Http404("融资需求不存在。")
    get_enterprise_for_user(
        user, need.enterprise_id, action="edit" if write else "read", request=request
    )
    return need


def get_event_for_user(
    user: User, pk: int, *, write: bool = False, request=None
) -> MatchmakingEvent:
    event = MatchmakingEvent.objects.select_related("zone").filter(pk=pk).first()
    if event is None:
        raise Http404("对接活动不存在。")
    if (
        user.role not in BUSINESS_ROLES
        or user.role == Role.UNIT
        or (event.zone_id not in zone_ids_in_scope(user))
    ):
        raise deny(user, what="无权查看该对接活动", target=event, request=request)
    if write and user.role not in ENTERPRISE_EDITORS:
        raise deny(user, what="无权修改该对接活动", target=event, request=request)
    return event
