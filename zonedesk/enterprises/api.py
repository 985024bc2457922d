"""JSON endpoints of enterprise services under /api/enterprises (a django-ninja Router mounted by
zonedesk/api.py). They inherit the site API's token auth and Chinese errors (401/403/404/409/422)
and use the pages' scope rules from zonedesk.access. Money in 万元."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from zonedesk import access
from zonedesk.accounts.models import Role
from zonedesk.zones.models import Department

from . import rules, selectors, services
from .models import MonthlyFigure

router = Router(tags=["企业服务"])


class EnterpriseOut(Schema):
    id: int = Field(alias="pk")
    zone_id: int
    name: str = Field(alias="organisation.name")
    credit_code: str = Field(alias="organisation.credit_code")
    former_names: str
    industry_code: str
    size: str
    park_id: int | None
    region_code: str
    registered_capital: Decimal | None
    founded_on: dt.date | None
    land_area_mu: Decimal | None
    floor_area_m2: Decimal | None
    version: int


class EnterprisePage(Schema):
    count: int
    offset: int
    limit: int
    items: list[EnterpriseOut]


class ConditionOut(Schema):
    label: str
    value: str
    threshold: str
    outcome: str


class TierOut(Schema):
    tier: str
    label: str
    status: str
    status_label: str
    score: Decimal | None
    conditions: list[ConditionOut]


class FigureOut(Schema):
    year: int
    month: int
    output: Decimal | None
    revenue: Decimal | None
    tax: Decimal | None
    electricity: Decimal | None
    employees: int | None
    rd_spending: Decimal | None
    source: str
    version: int


class FigureIn(Schema):
    """One month's own values (当月值). `version` is the month's current version when changing it
    (0 or omitted for a new month)."""

    model_config = {"extra": "forbid"}

    version: int = 0
    output: Decimal | None = None
    revenue: Decimal | None = None
    tax: Decimal | None = None
    electricity: Decimal | None = None
    employees: int | None = Field(None, ge=0)
    rd_spending: Decimal | None = None


class RequestOut(Schema):
    id: int
    enterprise_id: int
    category: str
    description: str
    department_id: int
    received_on: dt.date
    time_limit_days: int
    due_on: dt.date
    status: str
    reply: str
    satisfaction: int | None
    version: int


class RequestIn(Schema):
    model_config = {"extra": "forbid"}

    enterprise_id: int
    category: str
    description: str
    department_id: int
    received_on: dt.date | None = None
    time_limit_days: int | None = None


class ReplyIn(Schema):
    model_config = {"extra": "forbid"}

    version: int
    reply: str
    close: bool = False


class FunnelOut(Schema):
    tier: str
    label: str
    held: int
    eligible: int
    incomplete: int
    next_tier: str
    next_candidates: int


class MatchOut(Schema):
    enterprise_id: int
    name: str
    qualifies: bool | None
    conditions: list[ConditionOut]


def _tier_out(result: rules.TierResult) -> dict:
    return {
        "tier": result.tier,
        "label": result.label,
        "status": result.status,
        "status_label": result.status_label,
        "score": result.score,
        "conditions": [c.__dict__ for c in result.conditions],
    }


class ListQuery(Schema):
    q: str = ""
    tier: str = ""
    candidate: str = ""
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=1000)


@router.get("", response=EnterprisePage, summary="企业名录")
def list_enterprises(request, query: Query[ListQuery]):
    access.require_business_role(request.auth, request)
    qs = selectors.registry(
        request.auth,
        selectors.RegistryFilters(q=query.q, tier=query.tier, candidate=query.candidate),
    )
    return {
        "count": qs.count(),
        "offset": query.offset,
        "limit": query.limit,
        "items": list(qs[query.offset : query.offset + query.limit]),
    }


@router.get("/funnel", response=list[FunnelOut], summary="梯度培育漏斗（本开发区）")
def get_funnel(request, zone_id: int | None = None):
    user = request.auth
    access.require_business_role(user, request)
    zone_id = (
        zone_id
        or user.zone_id
        or access.zones_for(user).filter(parent__isnull=True).values_list("pk", flat=True).first()
    )
    if user.role == Role.UNIT or zone_id not in access.zone_ids_in_scope(user):
        raise access.deny(user, what="无权查看该开发区的培育漏斗", request=request)
    return [row.__dict__ for row in selectors.funnel(zone_id)]


@router.get("/requests", response=list[RequestOut], summary="企业诉求")
def list_requests(request, status: str = "", overdue: bool = False):
    access.require_business_role(request.auth, request)
    return list(selectors.service_requests(request.auth, status=status, overdue=overdue)[:1000])


@router.post("/requests", response={201: RequestOut}, summary="受理诉求（期限按工作日计算）")
def create_request(request, payload: RequestIn):
    user = request.auth
    enterprise = access.get_enterprise_for_user(user, payload.enterprise_id, request=request)
    if not access.can_submit_request(user, enterprise):
        raise access.deny(user, what="无权为该企业提交诉求", target=enterprise, request=request)
    department = Department.objects.filter(pk=payload.department_id).first()
    if department is None:
        raise ValidationError({"department": [f"department_id={payload.department_id} 不存在。"]})
    data = payload.model_dump(exclude={"enterprise_id", "department_id"}, exclude_none=True)
    item = services.service_request_create(
        enterprise=enterprise, by=user, data=data | {"department": department}, request=request
    )
    return Status(201, item)


@router.post(
    "/requests/{request_id}/reply", response=RequestOut, summary="答复诉求（须带 version）"
)
def reply_request(request, request_id: int, payload: ReplyIn):
    item = access.get_service_request_for_user(
        request.auth, request_id, action="reply", request=request
    )
    return services.service_request_reply(
        item=item, by=request.auth, reply=payload.reply, close=payload.close,
        expected_version=payload.version, request=request,
    )  # fmt: skip


@router.get(
    "/policies/{policy_id}/matches", response=list[MatchOut], summary="政策：谁符合、为什么"
)
def policy_matches(request, policy_id: int):
    user = request.auth
    policy = access.get_policy_for_user(user, policy_id, request=request)
    enterprises = list(
        access.enterprises_for(user).filter(zone_id=policy.zone_id).select_related("organisation")
    )
    return [
        {
            "enterprise_id": e.pk,
            "name": e.name,
            "qualifies": ok,
            "conditions": [c.__dict__ for c in checked],
        }
        for e, ok, checked in selectors.policy_matches(policy, enterprises)
    ]


@router.get("/{enterprise_id}", response=EnterpriseOut, summary="企业档案")
def get_enterprise(request, enterprise_id: int):
    return access.get_enterprise_for_user(request.auth, enterprise_id, request=request)


@router.get(
    "/{enterprise_id}/eligibility", response=list[TierOut], summary="各梯度的资质与申报条件"
)
def get_eligibility(request, enterprise_id: int):
    enterprise = access.get_enterprise_for_user(request.auth, enterprise_id, request=request)
    return [_tier_out(r) for r in selectors.eligibility(enterprise)]


@router.get("/{enterprise_id}/figures", response=list[FigureOut], summary="月度经营数据")
def list_figures(request, enterprise_id: int, year: int | None = None):
    enterprise = access.get_enterprise_for_user(request.auth, enterprise_id, request=request)
    qs = enterprise.figures.all()
    if year:
        qs = qs.filter(year=year)
    return list(qs[:600])


@router.put(
    "/{enterprise_id}/figures/{year}/{month}",
    response=FigureOut,
    summary="填报某月经营数据（当月值；修改已有月份须带 version）",
)
def put_figures(request, enterprise_id: int, year: int, month: int, payload: FigureIn):
    user = request.auth
    enterprise = access.get_enterprise_for_user(
        user, enterprise_id, action="figures", request=request
    )
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationError({"month": ["年份或月份不合法。"]})
    values = payload.model_dump(exclude={"version"}, exclude_unset=True)
    return services.figures_save(
        enterprise=enterprise, by=user, year=year, month=month, values=values,
        expected_version=payload.version, source=MonthlyFigure.Source.API, request=request,
    )  # fmt: skip
