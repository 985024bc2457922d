"""The JSON API (django-ninja) under /api/, schema at /api/openapi.json.

Authentication is a per-user bearer token (接口令牌, issued on the 接口令牌 page); the scope rules
are the pages' own, from zonedesk.access. Errors are JSON with Chinese messages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, File, NinjaAPI, Query, Schema, UploadedFile
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from ninja.security import HttpBearer

from zonedesk import access
from zonedesk.accounts.models import ApiToken
from zonedesk.lib.uploads import attachment, clean_upload
from zonedesk.projects import services
from zonedesk.projects.selectors import ProjectFilters, project_list, project_totals
from zonedesk.zones.models import Department, Organisation, Zone


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        row = (
            ApiToken.objects.select_related("user")
            .filter(
                key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True
            )
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="zonedesk 开发区调度台 API",
    version="1",
    description="重点项目库等业务数据的 JSON 接口。认证：请求头 Authorization: Bearer <接口令牌>。",
    auth=TokenAuth(),
    urls_namespace="api",
)


# --- errors, in Chinese -----------------------------------------------------------------------


def _error(request, status: int, detail: str, errors: dict | None = None):
    body = {"detail": detail}
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, 401, "未认证：请在请求头 Authorization 中提供有效的接口令牌（Bearer）。")


@api.exception_handler(PermissionDenied)
def on_denied(request, exc):
    return _error(request, 403, str(exc) or "无权访问。")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1048576
    return _error(request, 413, f"请求内容过大：上限为 {limit:.1f} MB，请分段提交。")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, str(exc) or "记录不存在。")


@api.exception_handler(services.EditConflict)
def on_conflict(request, exc):
    return _error(request, 409, exc.messages[0])


@api.exception_handler(ValidationError)
def on_validation(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next(iter(errors.values()))[0]
    return _error(request, 422, f"数据校验未通过：{first}", errors)


PYDANTIC_MESSAGES = {
    "missing": "缺少必填字段",
    "decimal_parsing": "应为数字",
    "int_parsing": "应为整数",
    "date_from_datetime_parsing": "应为日期（如 2026-03-01）",
    "date_parsing": "应为日期（如 2026-03-01）",
    "bool_parsing": "应为 true 或 false",
    "string_too_long": "内容过长",
    "greater_than_equal": "不能小于允许的最小值",
    "json_invalid": "请求体不是合法的 JSON",
    "extra_forbidden": "不认识的字段",
}


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [
            str(part)
            for part in err.get("loc", [])
            if part not in ("body", "payload", "query", "path")
        ]
        field = ".".join(loc) or "__all__"
        errors.setdefault(field, []).append(
            PYDANTIC_MESSAGES.get(err.get("type", ""), "取值不合法")
        )
    first_field, messages = next(iter(errors.items()))
    return _error(request, 422, f"字段 {first_field}：{messages[0]}", errors)


# --- schemas ----------------------------------------------------------------------------------


class ZoneOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    region_code: str
    parent_id: int | None


class DepartmentOut(Schema):
    id: int
    zone_id: int
    name: str


class OrganisationOut(Schema):
    id: int
    zone_id: int
    name: str
    credit_code: str
    kind: str


class ProjectOut(Schema):
    id: int
    zone_id: int
    park_id: int | None
    code: str
    name: str
    level: str
    category: str
    nature: str
    transformation: str
    industry_code: str
    location_code: str
    stage: str
    stage_label: str = Field(alias="get_stage_display")
    total_investment: Decimal
    annual_plan_investment: Decimal
    land_area_mu: Decimal | None
    floor_area_m2: Decimal | None
    content: str
    signed_date: dt.date | None
    planned_start: dt.date | None
    actual_start: dt.date | None
    planned_completion: dt.date | None
    actual_completion: dt.date | None
    planned_production: dt.date | None
    actual_production: dt.date | None
    full_capacity_date: dt.date | None
    owner_id: int | None
    implementing_unit_id: int | None
    department_id: int
    lead_official_id: int | None
    contact_name: str
    in_statistics: bool
    statistics_date: dt.date | None
    archived: bool = Field(alias="is_archived")
    version: int


class ProjectPage(Schema):
    count: int
    total_investment: Decimal
    annual_plan_investment: Decimal
    offset: int
    limit: int
    items: list[ProjectOut]


class ProjectFields(Schema):
    """Writable fields. Money in 万元; dates ISO 8601."""

    model_config = {"extra": "forbid"}

    code: str | None = None
    name: str | None = None
    park_id: int | None = None
    level: str | None = None
    category: str | None = None
    nature: str | None = None
    transformation: str | None = None
    industry_code: str | None = None
    location_code: str | None = None
    total_investment: Decimal | None = None
    annual_plan_investment: Decimal | None = None
    land_area_mu: Decimal | None = None
    floor_area_m2: Decimal | None = None
    content: str | None = None
    signed_date: dt.date | None = None
    planned_start: dt.date | None = None
    actual_start: dt.date | None = None
    planned_completion: dt.date | None = None
    actual_completion: dt.date | None = None
    planned_production: dt.date | None = None
    actual_production: dt.date | None = None
    full_capacity_date: dt.date | None = None
    stage: str | None = None
    stage_note: str | None = None
    owner_id: int | None = None
    implementing_unit_id: int | None = None
    department_id: int | None = None
    lead_official_id: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    in_statistics: bool | None = None
    statistics_date: dt.date | None = None


class ProjectCreate(ProjectFields):
    zone_id: int | None = None
    name: str
    category: str
    total_investment: Decimal
    department_id: int


class ProjectUpdate(ProjectFields):
    version: int


class MilestoneOut(Schema):
    id: int
    project_id: int
    name: str
    order: int
    planned_date: dt.date
    baseline_date: dt.date = Field(description="基线日期：节点计划首次确定的日期")
    plan_changes: int = Field(description="基线后调整计划完成日期的次数")
    actual_date: dt.date | None
    responsible_unit_id: int | None
    note: str
    version: int


class MilestoneUpdate(Schema):
    model_config = {"extra": "forbid"}

    version: int
    name: str | None = None
    planned_date: dt.date | None = None
    actual_date: dt.date | None = None
    responsible_unit_id: int | None = None
    note: str | None = None
    plan_change_reason: str = Field(
        "", description="调整原因：planned_date 改变时必填，记入变更记录", max_length=200
    )


class EvidenceOut(Schema):
    id: int
    milestone_id: int
    original_name: str = Field(description="原文件名")
    content_type: str
    size: int = Field(description="字节")
    uploaded_by: str = Field(description="上传人")
    uploaded_at: dt.datetime
    url: str = Field(description="下载地址（带令牌）")

    @staticmethod
    def resolve_uploaded_by(obj) -> str:
        return obj.uploaded_by.name

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/api/evidence/{obj.pk}"


class RebaselineIn(Schema):
    model_config = {"extra": "forbid"}

    reason: str = Field(description="依据，如调度会议纪要文号", max_length=200)


class RebaselineOut(Schema):
    rebaselined: int = Field(description="重定基线的节点数")


# --- helpers ----------------------------------------------------------------------------------

FK_FIELDS = {
    "park_id": ("park", Zone),
    "owner_id": ("owner", Organisation),
    "implementing_unit_id": ("implementing_unit", Organisation),
    "department_id": ("department", Department),
    "lead_official_id": ("lead_official", None),
    "responsible_unit_id": ("responsible_unit", Organisation),
}


def _model_data(payload: Schema, *, skip: set[str]) -> dict:
    """Schema fields the client sent → service field names, foreign keys resolved to objects.
    A foreign key outside the record's zone is caught by the service's validation."""
    from zonedesk.accounts.models import User

    data = {}
    for name, value in payload.model_dump(exclude_unset=True).items():
        if name in skip:
            continue
        if name in FK_FIELDS:
            field, model = FK_FIELDS[name]
            model = model or User
            obj = None
            if value is not None:
                obj = model.objects.filter(pk=value).first()
                if obj is None:
                    raise ValidationError({field: [f"{name}={value} 不存在。"]})
            data[field] = obj
        else:
            data[name] = "" if value is None and name in STR_FIELDS else value
    return data


STR_FIELDS = {
    "code", "name", "level", "category", "nature", "transformation", "industry_code",
    "location_code", "content", "stage_note", "contact_name", "contact_phone", "note",
}  # fmt: skip


# --- endpoints --------------------------------------------------------------------------------


@api.get("/zones", response=list[ZoneOut], summary="可见的开发区")
def list_zones(request):
    return list(access.zones_for(request.auth))


@api.get("/departments", response=list[DepartmentOut], summary="可见的部门")
def list_departments(request, zone_id: int | None = None):
    qs = access.departments_for(request.auth)
    if zone_id:
        qs = qs.filter(zone_id=zone_id)
    return list(qs)


@api.get("/organisations", response=list[OrganisationOut], summary="可见的单位")
def list_organisations(request, zone_id: int | None = None):
    qs = access.organisations_for(request.auth)
    if zone_id:
        qs = qs.filter(zone_id=zone_id)
    return list(qs)


class ProjectQuery(Schema):
    q: str = ""
    zone: int | None = None
    stage: str = ""
    level: str = ""
    category: str = ""
    department: int | None = None
    lead: int | None = None
    in_statistics: bool | None = None
    archived: bool = False
    sort: str = "code"
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=1000)


@api.get("/projects", response=ProjectPage, summary="重点项目列表（与页面相同的筛选）")
def list_projects(request, query: Query[ProjectQuery]):
    access.require_business_role(request.auth, request)
    params = query.model_dump()
    offset, limit = params.pop("offset"), params.pop("limit")
    qs = project_list(request.auth, ProjectFilters(**params))
    totals = project_totals(qs)
    return {
        "count": totals.count,
        "total_investment": totals.total_investment,
        "annual_plan_investment": totals.annual_plan_investment,
        "offset": offset,
        "limit": limit,
        "items": list(qs[offset : offset + limit]),
    }


@api.get("/projects/{project_id}", response=ProjectOut, summary="项目详情")
def get_project(request, project_id: int):
    return access.get_project_for_user(request.auth, project_id, request=request)


@api.post("/projects", response={201: ProjectOut}, summary="登记项目")
def create_project(request, payload: ProjectCreate):
    user = request.auth
    if not access.can_create_project(user):
        raise access.deny(user, what="无权登记项目", request=request)
    zone_id = payload.zone_id or user.zone_id
    if zone_id not in access.zone_ids_in_scope(user):
        raise access.deny(user, what="无权在该开发区登记项目", request=request)
    data = _model_data(payload, skip={"zone_id"})
    if user.role == "staff" and data["department"].pk != user.department_id:
        raise access.deny(user, what="部门人员只能登记本部门的项目", request=request)
    project = services.project_create(
        by=user, zone=Zone.objects.get(pk=zone_id), data=data, request=request
    )
    return Status(201, project)


@api.patch(
    "/projects/{project_id}",
    response=ProjectOut,
    summary="修改项目（须带 version，防止覆盖他人修改）",
)
def update_project(request, project_id: int, payload: ProjectUpdate):
    user = request.auth
    project = access.get_project_for_user(user, project_id, write=True, request=request)
    data = _model_data(payload, skip={"version"})
    if user.role == "unit":
        locked = {
            "department",
            "lead_official",
            "implementing_unit",
            "owner",
            "level",
            "code",
        } & set(data)
        if locked:
            raise access.deny(
                user,
                what=f"项目单位不能修改：{'、'.join(sorted(locked))}",
                target=project,
                request=request,
            )
    return services.project_update(
        project=project, by=user, data=data, expected_version=payload.version, request=request
    )


@api.get("/projects/{project_id}/milestones", response=list[MilestoneOut], summary="项目节点")
def list_milestones(request, project_id: int):
    project = access.get_project_for_user(request.auth, project_id, request=request)
    return list(project.milestones.all())


@api.patch("/milestones/{milestone_id}", response=MilestoneOut, summary="修改节点（须带 version）")
def update_milestone(request, milestone_id: int, payload: MilestoneUpdate):
    milestone = access.get_milestone_for_user(
        request.auth, milestone_id, write=True, request=request
    )
    data = _model_data(payload, skip={"version", "plan_change_reason"})
    return services.milestone_update(
        milestone=milestone,
        by=request.auth,
        data=data,
        expected_version=payload.version,
        reason=payload.plan_change_reason,
        request=request,
    )


@api.get("/milestones/{milestone_id}/evidence", response=list[EvidenceOut], summary="节点印证资料")
def list_evidence(request, milestone_id: int):
    milestone = access.get_milestone_for_user(request.auth, milestone_id, request=request)
    return list(milestone.evidence.filter(removed_at__isnull=True).select_related("uploaded_by"))


@api.post(
    "/milestones/{milestone_id}/evidence",
    response={201: list[EvidenceOut]},
    summary="上传节点印证资料（multipart，字段名 files，可多个）",
)
def upload_evidence(request, milestone_id: int, files: File[list[UploadedFile]]):
    milestone = access.get_milestone_for_user(
        request.auth, milestone_id, write=True, request=request
    )
    checked = [
        clean_upload(f, label="印证资料", max_bytes=services.EVIDENCE_MAX_BYTES) for f in files
    ]
    made = services.milestone_evidence_add(
        milestone=milestone, by=request.auth, files=checked, request=request
    )
    return Status(201, made)


@api.get("/evidence/{evidence_id}", summary="下载印证资料（文件本身）")
def download_evidence(request, evidence_id: int):
    item = access.get_milestone_evidence_for_user(request.auth, evidence_id, request=request)
    return attachment(item)


@api.post(
    "/projects/{project_id}/milestones/rebaseline",
    response=RebaselineOut,
    summary="重定基线（主要领导或调度办）",
)
def rebaseline_milestones(request, project_id: int, payload: RebaselineIn):
    project = access.get_project_for_user(request.auth, project_id, request=request)
    if not access.can_rebaseline(request.auth, project):
        raise access.deny(request.auth, what="无权重定基线", target=project, request=request)
    count = services.milestones_rebaseline(
        project=project, by=request.auth, reason=payload.reason, request=request
    )
    return {"rebaselined": count}


# --- module routers -----------------------------------------------------------------------------
from zonedesk.dispatch.api import router as dispatch_router  # noqa: E402

api.add_router("/dispatch", dispatch_router)

from zonedesk.peers.api import router as peers_router  # noqa: E402

api.add_router("/facts", peers_router)

from zonedesk.reports.api import router as reports_router  # noqa: E402

api.add_router("/reports", reports_router)

from zonedesk.investment.api import router as investment_router  # noqa: E402

api.add_router("/investment", investment_router)

from zonedesk.indicators.api import router as indicators_router  # noqa: E402

api.add_router("/indicators", indicators_router)

from zonedesk.ledgers.api import router as ledgers_router  # noqa: E402

api.add_router("/ledgers", ledgers_router)

from zonedesk.enterprises.api import router as enterprises_router  # noqa: E402

api.add_router("/enterprises", enterprises_router)
