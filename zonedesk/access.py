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
from zonedesk.projects.models import Milestone, Project
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
