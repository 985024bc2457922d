"""JSON endpoints of 调度 (progress reports and warnings), a django-ninja Router mounted on the
site API (`api.add_router("/dispatch", router)` in zonedesk/api.py), so they share its bearer
token authentication (TokenAuth) and its Chinese error responses: 401 without a token, 403 for a
refused record (audited), 404, 422 for a rule broken (with the message naming project and field).

The router sets no auth of its own: it inherits the API's TokenAuth. It imports nothing from
zonedesk.api so that zonedesk.api can import it without a cycle.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from zonedesk import access

from . import selectors, services
from .models import ProgressReport

router = Router(tags=["调度填报"])


class PeriodOut(Schema):
    id: int
    zone_id: int
    kind: str
    label: str
    start: dt.date
    end: dt.date
    deadline: dt.datetime
    is_closed: bool


class ReportOut(Schema):
    id: int
    period_id: int
    project_id: int
    project_name: str = Field(alias="project.name")
    status: str
    status_label: str = Field(alias="get_status_display")
    invested_period: Decimal | None
    invested_year: Decimal | None
    invested_total: Decimal | None
    image_progress: str
    percent_complete: Decimal | None
    problems: str
    next_plan: str
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    returned_at: dt.datetime | None
    return_reason: str
    version: int


class MilestoneReached(Schema):
    milestone_id: int
    actual_date: dt.date


class ReportIn(Schema):
    """One project's report. Money in 万元; `version` is the report's version when changing an
    existing report (0 or omitted for a new one); `submit` false saves a draft."""

    model_config = {"extra": "forbid"}

    project_id: int
    period_id: int | None = None
    version: int | None = None
    submit: bool = False
    invested_period: Decimal | None = None
    invested_year: Decimal | None = None
    invested_total: Decimal | None = None
    image_progress: str = ""
    percent_complete: Decimal | None = None
    problems: str = ""
    next_plan: str = ""
    milestones: list[MilestoneReached] = []


class ReviewIn(Schema):
    model_config = {"extra": "forbid"}

    version: int


class ReturnIn(ReviewIn):
    reason: str


class WarningOut(Schema):
    project_id: int
    project_name: str = Field(alias="project.name")
    department_id: int = Field(alias="project.department_id")
    colour: str
    colour_label: str = Field(alias="get_colour_display")
    reasons: list[str] = Field(alias="reason_texts")
    computed_at: dt.datetime


class ReportQuery(Schema):
    period_id: int | None = None
    project_id: int | None = None
    status: str = ""
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=1000)


@router.get("/periods", response=list[PeriodOut], summary="填报期次（含当前期）")
def list_periods(request, zone_id: int | None = None):
    user = request.auth
    access.require_business_role(user, request)
    zones = [z for z in selectors.root_zones_for(user) if zone_id in (None, z.pk)]
    result = []
    for zone in zones:
        services.periods_ensure(zone=zone)
        result.extend(selectors.recent_periods(zone))
    return result


@router.get("/reports", response=list[ReportOut], summary="进度填报列表（按可见范围）")
def list_reports(request, query: Query[ReportQuery]):
    user = request.auth
    access.require_business_role(user, request)
    qs = ProgressReport.objects.filter(project__in=access.projects_for(user)).select_related(
        "project"
    )
    if query.period_id:
        qs = qs.filter(period_id=query.period_id)
    if query.project_id:
        qs = qs.filter(project_id=query.project_id)
    if query.status:
        qs = qs.filter(status=query.status)
    return list(
        qs.order_by("-period__start", "project__code")[query.offset : query.offset + query.limit]
    )


@router.get("/reports/{report_id}", response=ReportOut, summary="进度填报详情")
def get_report(request, report_id: int):
    return access.get_report_for_user(request.auth, report_id, request=request)


@router.post(
    "/reports",
    response={200: ReportOut, 201: ReportOut},
    summary="填报或报送一个项目的进度（项目单位）",
)
def save_report(request, payload: ReportIn):
    user = request.auth
    project = access.get_project_for_user(user, payload.project_id, request=request)
    if not access.can_fill_report(user, project):
        raise access.deny(
            user, what="只有项目实施单位可以填报该项目进度", target=project, request=request
        )
    if payload.period_id:
        period = access.get_period_for_user(user, payload.period_id, request=request)
    else:
        period = services.periods_open(zone=project.zone)[0]
    values = payload.model_dump(include=set(services.REPORT_FIELDS))
    row = services.ReportInput(
        project=project,
        values=values,
        milestones={m.milestone_id: m.actual_date for m in payload.milestones},
        expected_version=payload.version or 0,
    )
    existed = ProgressReport.objects.filter(period=period, project=project).exists()
    try:
        saved = services.progress_reports_save(
            period=period, rows=[row], by=user, submit=payload.submit, request=request
        )
    except ValidationError as exc:
        # "<project id>.<field>" → "<field>", so that the errors read like the other endpoints'.
        if hasattr(exc, "error_dict"):
            raise ValidationError(
                {key.partition(".")[2]: messages for key, messages in exc.message_dict.items()}
            ) from exc
        raise
    if not saved:
        raise ValidationError("没有填写任何内容，未保存。")
    return Status(200 if existed else 201, saved[0])


@router.post("/reports/{report_id}/approve", response=ReportOut, summary="审核通过（责任部门）")
def approve_report(request, report_id: int, payload: ReviewIn):
    report = access.get_report_for_user(request.auth, report_id, action="review", request=request)
    return services.progress_report_approve(
        report=report, by=request.auth, expected_version=payload.version, request=request
    )


@router.post("/reports/{report_id}/return", response=ReportOut, summary="退回（须填写原因）")
def return_report(request, report_id: int, payload: ReturnIn):
    report = access.get_report_for_user(request.auth, report_id, action="review", request=request)
    return services.progress_report_return(
        report=report,
        by=request.auth,
        reason=payload.reason,
        expected_version=payload.version,
        request=request,
    )


@router.get("/warnings", response=list[WarningOut], summary="项目预警（红/黄/绿及原因）")
def list_warnings(
    request, colour: str = "", department: int | None = None, zone_id: int | None = None
):
    user = request.auth
    access.require_business_role(user, request)
    for zone in selectors.root_zones_for(user):
        if zone_id in (None, zone.pk):
            services.warnings_refresh(zone=zone)
    filters = selectors.WarningFilters(colour=colour, department=department, zone=zone_id)
    return list(selectors.warning_list(user, filters))
