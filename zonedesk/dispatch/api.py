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


# --- 要素保障、调度会、督办 (issue 3 §3–§4) --------------------------------------------------------

blocker_router = Router(tags=["要素保障与督办"])


class BlockerEventOut(Schema):
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    from_status: str
    to_status: str
    from_level: int | None
    to_level: int | None
    note: str
    by_name: str
    at: dt.datetime


class BlockerOut(Schema):
    id: int
    zone_id: int
    project_id: int
    project_name: str = Field(alias="project.name")
    category: str
    category_label: str = Field(alias="get_category_display")
    description: str
    raised_by_id: int
    raised_at: dt.datetime
    department_id: int
    lead_official_id: int | None
    deadline: dt.date
    status: str
    status_label: str = Field(alias="get_status_display")
    level: int
    level_label: str = Field(alias="get_level_display")
    level_since: dt.datetime
    resolution_note: str
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    version: int


class BlockerIn(Schema):
    """A new blocker. `department_id` defaults to the project's department, `lead_official_id`
    to its 包保领导."""

    model_config = {"extra": "forbid"}

    project_id: int
    category: str
    description: str
    deadline: dt.date
    department_id: int | None = None
    lead_official_id: int | None = None


class VersionNoteIn(Schema):
    model_config = {"extra": "forbid"}

    version: int
    note: str = ""


class EscalateIn(VersionNoteIn):
    deadline: dt.date | None = None


class BlockerQuery(Schema):
    zone_id: int | None = None
    project_id: int | None = None
    category: str = ""
    status: str = ""
    level: int | None = None
    department: int | None = None
    overdue: bool = False
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=1000)


def _blocker_detail(blocker):
    blocker.events_list = list(blocker.events.all())
    return blocker


class _BlockerDetail(BlockerOut):
    events: list[BlockerEventOut] = Field(alias="events_list")


@blocker_router.get(
    "/blockers", response=list[BlockerOut], summary="要素保障问题列表（按可见范围）"
)
def list_blockers(request, query: Query[BlockerQuery]):
    user = request.auth
    access.require_business_role(user, request)
    filters = selectors.BlockerFilters(
        zone=query.zone_id, category=query.category, status=query.status, level=query.level,
        department=query.department, overdue=query.overdue, project=query.project_id,
    )  # fmt: skip
    qs = selectors.blocker_list(user, filters)
    return list(qs[query.offset : query.offset + query.limit])


@blocker_router.get(
    "/blockers/{blocker_id}", response=_BlockerDetail, summary="要素保障问题详情（含处理记录）"
)
def get_blocker(request, blocker_id: int):
    return _blocker_detail(access.get_blocker_for_user(request.auth, blocker_id, request=request))


def _user_or_error(pk: int | None, field: str):
    from zonedesk.accounts.models import User

    if pk is None:
        return None
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [f"{field}={pk} 不存在。"]})
    return found


@blocker_router.post("/blockers", response={201: BlockerOut}, summary="提出要素保障问题")
def create_blocker(request, payload: BlockerIn):
    from zonedesk.zones.models import Department

    user = request.auth
    project = access.get_project_for_user(user, payload.project_id, request=request)
    if not access.can_raise_blocker(user, project):
        raise access.deny(user, what="无权提出要素保障问题", target=project, request=request)
    data = {
        "category": payload.category,
        "description": payload.description,
        "deadline": payload.deadline,
    }
    if payload.department_id is not None:
        department = Department.objects.filter(pk=payload.department_id).first()
        if department is None:
            raise ValidationError(
                {"department": [f"department_id={payload.department_id} 不存在。"]}
            )
        data["department"] = department
    if payload.lead_official_id is not None:
        data["lead_official"] = _user_or_error(payload.lead_official_id, "lead_official")
    blocker = services.blocker_raise(project=project, by=user, data=data, request=request)
    return Status(201, blocker)


class BlockerPatch(Schema):
    model_config = {"extra": "forbid"}

    version: int
    category: str | None = None
    description: str | None = None
    deadline: dt.date | None = None
    department_id: int | None = None
    lead_official_id: int | None = None


@blocker_router.patch(
    "/blockers/{blocker_id}", response=BlockerOut, summary="修改问题（须带 version）"
)
def update_blocker(request, blocker_id: int, payload: BlockerPatch):
    from zonedesk.zones.models import Department

    b = access.get_blocker_for_user(request.auth, blocker_id, action="handle", request=request)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "department_id" in data:
        pk = data.pop("department_id")
        data["department"] = Department.objects.filter(pk=pk).first()
        if data["department"] is None:
            raise ValidationError({"department": [f"department_id={pk} 不存在。"]})
    if "lead_official_id" in data:
        data["lead_official"] = _user_or_error(data.pop("lead_official_id"), "lead_official")
    return services.blocker_update(
        blocker=b, by=request.auth, data=data, expected_version=payload.version, request=request
    )


@blocker_router.post("/blockers/{blocker_id}/start", response=BlockerOut, summary="开始推进")
def start_blocker(request, blocker_id: int, payload: VersionNoteIn):
    b = access.get_blocker_for_user(request.auth, blocker_id, action="handle", request=request)
    return services.blocker_start(
        blocker=b,
        by=request.auth,
        expected_version=payload.version,
        note=payload.note,
        request=request,
    )


@blocker_router.post(
    "/blockers/{blocker_id}/resolve", response=BlockerOut, summary="标记已解决（须填写解决情况）"
)
def resolve_blocker(request, blocker_id: int, payload: VersionNoteIn):
    b = access.get_blocker_for_user(request.auth, blocker_id, action="handle", request=request)
    return services.blocker_resolve(
        blocker=b,
        by=request.auth,
        note=payload.note,
        expected_version=payload.version,
        request=request,
    )


@blocker_router.post("/blockers/{blocker_id}/close", response=BlockerOut, summary="关闭（销号）")
def close_blocker(request, blocker_id: int, payload: VersionNoteIn):
    b = access.get_blocker_for_user(request.auth, blocker_id, action="close", request=request)
    return services.blocker_close(
        blocker=b,
        by=request.auth,
        note=payload.note,
        expected_version=payload.version,
        request=request,
    )


@blocker_router.post(
    "/blockers/{blocker_id}/reopen", response=BlockerOut, summary="重新打开（note 为原因）"
)
def reopen_blocker(request, blocker_id: int, payload: VersionNoteIn):
    b = access.get_blocker_for_user(request.auth, blocker_id, action="reopen", request=request)
    return services.blocker_reopen(
        blocker=b,
        by=request.auth,
        reason=payload.note,
        expected_version=payload.version,
        request=request,
    )


@blocker_router.post(
    "/blockers/{blocker_id}/escalate",
    response=BlockerOut,
    summary="确认升级一级（牵头领导，问题须已逾期）",
)
def escalate_blocker(request, blocker_id: int, payload: EscalateIn):
    b = access.get_blocker_for_user(request.auth, blocker_id, action="escalate", request=request)
    return services.blocker_escalate(
        blocker=b, by=request.auth, expected_version=payload.version, note=payload.note,
        new_deadline=payload.deadline, request=request,
    )  # fmt: skip


class SupervisionOut(Schema):
    id: int
    number: str
    meeting_id: int
    zone_id: int
    agenda_item_id: int | None
    content: str
    department_id: int
    department_name: str = Field(alias="department.name")
    deadline: dt.date
    project_id: int | None
    blocker_id: int | None
    status: str
    status_label: str = Field(alias="get_status_display")
    confirmed_at: dt.datetime | None
    version: int


class FeedbackOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    text: str
    by_id: int
    at: dt.datetime


class SupervisionDetailOut(SupervisionOut):
    feedback: list[FeedbackOut] = Field(alias="feedback_list")


class AgendaItemOut(Schema):
    id: int
    order: int
    kind: str
    key: str
    title: str
    reason: str
    url: str
    colour: str
    manual: bool
    dropped: bool
    discussion: str


class MeetingOut(Schema):
    id: int
    zone_id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    slot: dt.date | None
    date: dt.date
    chair_id: int | None
    attendees: str
    location: str
    status: str
    number_label: str
    summary: str
    version: int


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaItemOut] = Field(alias="agenda_list")
    decisions: list[SupervisionOut] = Field(alias="decision_list")


class DecisionIn(Schema):
    model_config = {"extra": "forbid"}

    content: str
    department_id: int
    deadline: dt.date
    agenda_item_id: int | None = None


class FeedbackIn(Schema):
    model_config = {"extra": "forbid"}

    text: str
    request_completion: bool = False


class ReasonIn(Schema):
    model_config = {"extra": "forbid"}

    version: int
    reason: str


@blocker_router.get("/meetings", response=list[MeetingOut], summary="调度会（按安排生成近期会议）")
def list_meetings(
    request, zone_id: int | None = None, start: dt.date | None = None, end: dt.date | None = None
):
    user = request.auth
    access.require_business_role(user, request)
    zones = [z for z in selectors.root_zones_for(user) if zone_id in (None, z.pk)]
    for zone in zones:
        if access.can_read_meetings(user, zone.pk):
            services.meetings_ensure(zone=zone)
    qs = selectors.meetings_for(user).filter(zone__in=zones)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return list(qs.order_by("-date", "kind")[:500])


def _meeting_detail(meeting):
    meeting.agenda_list = list(meeting.agenda_items.all())
    meeting.decision_list = list(
        meeting.supervision_items.select_related("department").order_by("seq")
    )
    return meeting


@blocker_router.get(
    "/meetings/{meeting_id}", response=MeetingDetailOut, summary="调度会详情（议程与议定事项）"
)
def get_meeting(request, meeting_id: int):
    return _meeting_detail(access.get_meeting_for_user(request.auth, meeting_id, request=request))


@blocker_router.post(
    "/meetings/{meeting_id}/agenda/build", response=MeetingDetailOut, summary="按最新数据生成议程"
)
def build_agenda(request, meeting_id: int):
    meeting = access.get_meeting_for_user(request.auth, meeting_id, write=True, request=request)
    services.agenda_build(meeting=meeting, by=request.auth, request=request)
    return _meeting_detail(meeting)


@blocker_router.post(
    "/meetings/{meeting_id}/decisions",
    response={201: SupervisionOut},
    summary="议定事项 → 督办（自动编号）",
)
def add_decision(request, meeting_id: int, payload: DecisionIn):
    from zonedesk.zones.models import Department

    from .models import AgendaItem

    meeting = access.get_meeting_for_user(request.auth, meeting_id, write=True, request=request)
    department = Department.objects.filter(pk=payload.department_id).first()
    item = None
    if payload.agenda_item_id is not None:
        item = AgendaItem.objects.filter(pk=payload.agenda_item_id, meeting=meeting).first()
        if item is None:
            raise ValidationError({"agenda_item": ["议程事项不属于本次会议。"]})
    created = services.decision_add(
        meeting=meeting, by=request.auth, content=payload.content, department=department,
        deadline=payload.deadline, agenda_item=item, request=request,
    )  # fmt: skip
    return Status(201, created)


class MeetingIn(Schema):
    model_config = {"extra": "forbid"}

    zone_id: int | None = None
    kind: str
    date: dt.date
    chair_id: int | None = None


class MeetingPatch(Schema):
    """Facts and minutes; `discussions` maps agenda item ids to their discussion; `record` true
    saves the minutes (已召开, numbered)."""

    model_config = {"extra": "forbid"}

    version: int
    date: dt.date | None = None
    chair_id: int | None = None
    attendees: str | None = None
    location: str | None = None
    summary: str | None = None
    discussions: dict[int, str] = {}
    record: bool = False


class AgendaIn(Schema):
    model_config = {"extra": "forbid"}

    title: str
    reason: str = ""


class DropIn(Schema):
    model_config = {"extra": "forbid"}

    restore: bool = False


@blocker_router.post(
    "/meetings", response={201: MeetingOut}, summary="新增调度会（专题调度或补录）"
)
def create_meeting(request, payload: MeetingIn):
    from zonedesk.zones.models import Zone

    user = request.auth
    zone_id = payload.zone_id or user.zone_id
    if zone_id is None or not access.can_plan_meetings(user, zone_id):
        raise access.deny(user, what="无权新增调度会", request=request)
    meeting = services.meeting_create(
        zone=Zone.objects.get(pk=zone_id), by=user, kind=payload.kind, date=payload.date,
        chair=_user_or_error(payload.chair_id, "chair"), request=request,
    )  # fmt: skip
    return Status(201, meeting)


@blocker_router.patch(
    "/meetings/{meeting_id}",
    response=MeetingDetailOut,
    summary="修改会议、记录纪要（须带 version）",
)
def update_meeting(request, meeting_id: int, payload: MeetingPatch):
    meeting = access.get_meeting_for_user(request.auth, meeting_id, write=True, request=request)
    data = payload.model_dump(exclude_unset=True, exclude={"version", "discussions", "record"})
    if "chair_id" in data:
        data["chair"] = _user_or_error(data.pop("chair_id"), "chair")
    for name in ("attendees", "location", "summary"):
        if name in data and data[name] is None:
            data[name] = ""
    if "date" in data and data["date"] is None:
        raise ValidationError({"date": ["会议日期不能为空。"]})
    updated = services.meeting_update(
        meeting=meeting, by=request.auth, data=data, expected_version=payload.version,
        discussions=payload.discussions, record=payload.record, request=request,
    )  # fmt: skip
    return _meeting_detail(updated)


@blocker_router.post(
    "/meetings/{meeting_id}/agenda", response={201: AgendaItemOut}, summary="增加议程（主持人）"
)
def add_agenda_item(request, meeting_id: int, payload: AgendaIn):
    meeting = access.get_meeting_for_user(request.auth, meeting_id, write=True, request=request)
    item = services.agenda_add(
        meeting=meeting,
        by=request.auth,
        title=payload.title,
        reason=payload.reason,
        request=request,
    )
    return Status(201, item)


@blocker_router.post(
    "/meetings/{meeting_id}/agenda/{item_id}/drop",
    response=AgendaItemOut,
    summary="撤下（restore=true 恢复）议程",
)
def drop_agenda_item(request, meeting_id: int, item_id: int, payload: DropIn):
    from django.http import Http404

    from .models import AgendaItem

    meeting = access.get_meeting_for_user(request.auth, meeting_id, write=True, request=request)
    item = AgendaItem.objects.filter(pk=item_id, meeting=meeting).first()
    if item is None:
        raise Http404("议程事项不存在。")
    return services.agenda_drop(
        item=item, by=request.auth, dropped=not payload.restore, request=request
    )


class SupervisionQuery(Schema):
    zone_id: int | None = None
    status: str = ""
    department: int | None = None
    meeting_id: int | None = None
    overdue: bool = False
    mine: bool = False
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=1000)


@blocker_router.get(
    "/supervision", response=list[SupervisionOut], summary="督办事项（mine=true 为本部门承办）"
)
def list_supervision(request, query: Query[SupervisionQuery]):
    user = request.auth
    access.require_business_role(user, request)
    filters = selectors.SupervisionFilters(
        zone=query.zone_id, status=query.status, department=query.department,
        overdue=query.overdue, meeting=query.meeting_id,
    )  # fmt: skip
    if query.mine:
        filters.department = user.department_id or -1
    qs = selectors.supervision_list(user, filters)
    return list(qs[query.offset : query.offset + query.limit])


def _supervision_detail(item):
    item.feedback_list = list(item.feedback.all())
    return item


@blocker_router.get(
    "/supervision/{item_id}", response=SupervisionDetailOut, summary="督办事项详情（含反馈）"
)
def get_supervision(request, item_id: int):
    return _supervision_detail(
        access.get_supervision_for_user(request.auth, item_id, request=request)
    )


@blocker_router.post(
    "/supervision/{item_id}/feedback",
    response={201: FeedbackOut},
    summary="承办部门反馈（可申请办结）",
)
def add_feedback(request, item_id: int, payload: FeedbackIn):
    item = access.get_supervision_for_user(
        request.auth, item_id, action="feedback", request=request
    )
    feedback = services.supervision_feedback_add(
        item=item, by=request.auth, text=payload.text,
        request_completion=payload.request_completion, request=request,
    )  # fmt: skip
    return Status(201, feedback)


@blocker_router.post(
    "/supervision/{item_id}/confirm", response=SupervisionOut, summary="确认办结（会议办公室）"
)
def confirm_supervision(request, item_id: int, payload: VersionNoteIn):
    item = access.get_supervision_for_user(request.auth, item_id, action="confirm", request=request)
    return services.supervision_confirm(
        item=item,
        by=request.auth,
        note=payload.note,
        expected_version=payload.version,
        request=request,
    )


@blocker_router.post(
    "/supervision/{item_id}/return", response=SupervisionOut, summary="退回续办（会议办公室）"
)
def return_supervision(request, item_id: int, payload: ReasonIn):
    item = access.get_supervision_for_user(request.auth, item_id, action="confirm", request=request)
    return services.supervision_return(
        item=item,
        by=request.auth,
        reason=payload.reason,
        expected_version=payload.version,
        request=request,
    )


router.add_router("", blocker_router)
