"""JSON endpoints of 招商引资 under /api/investment: leads (with the pages' scope and contact
masking), follow-ups, signing, funding arrivals, conversion into a key project, the funnel and the
chain map. A django-ninja Router mounted on the site API, so it shares its bearer-token
authentication and Chinese error responses (401, 403 audited, 404, 409 for a stale version or a
suspected duplicate, 422 for a rule broken). It imports nothing from zonedesk.api.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from zonedesk import access
from zonedesk.accounts.models import Role, User
from zonedesk.zones.models import Department, Zone

from . import selectors, services
from .models import ChainNode, Event, Lead, Team
from .selectors import LeadFilters, Period

router = Router(tags=["招商引资"])


# --- schemas ----------------------------------------------------------------------------------


class LeadOut(Schema):
    id: int
    zone_id: int
    code: str
    name: str
    opened_on: dt.date
    investor_name: str
    investor_credit_code: str
    investor_origin: str
    content: str
    industry_code: str
    chain_id: int | None
    node_id: int | None
    intended_investment: Decimal | None
    land_need_mu: Decimal | None
    source: str
    event_id: int | None
    team_id: int | None
    owner_id: int
    contact_name: str
    contact_phone: str
    contacts_masked: bool
    stage: str
    stage_label: str
    termination_reason: str
    signed_date: dt.date | None
    contract_amount: Decimal | None
    committed_registration: dt.date | None
    committed_start: dt.date | None
    committed_production: dt.date | None
    registered_date: dt.date | None
    started_date: dt.date | None
    producing_date: dt.date | None
    project_id: int | None
    version: int


def lead_out(user, lead: Lead) -> dict:
    row = selectors.LeadRow(lead, access.can_see_lead_contacts(user, lead))
    data = {name: getattr(lead, name) for name in LeadOut.model_fields if hasattr(lead, name)}
    data.update(
        chain_id=lead.node.chain_id if lead.node_id else None,
        contact_name=row.contact_name,
        contact_phone=row.contact_phone,
        contacts_masked=not row.contacts_visible,
        stage_label=lead.get_stage_display(),
        node_id=lead.node_id,
        event_id=lead.event_id,
        team_id=lead.team_id,
        owner_id=lead.owner_id,
        project_id=lead.project_id,
    )
    return data


class LeadPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[LeadOut]


class LeadFields(Schema):
    """Writable fields. Money in 万元; dates ISO 8601; ids for node, team, event and owner."""

    model_config = {"extra": "forbid"}

    name: str | None = None
    opened_on: dt.date | None = None
    investor_name: str | None = None
    investor_credit_code: str | None = None
    investor_origin: str | None = None
    content: str | None = None
    industry_code: str | None = None
    node_id: int | None = None
    intended_investment: Decimal | None = None
    land_need_mu: Decimal | None = None
    source: str | None = None
    event_id: int | None = None
    team_id: int | None = None
    owner_id: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_title: str | None = None


class LeadCreate(LeadFields):
    zone_id: int | None = None
    name: str
    investor_name: str
    source: str
    confirm_duplicate: bool = False


class LeadUpdate(LeadFields):
    version: int


class StageIn(Schema):
    model_config = {"extra": "forbid"}
    version: int
    stage: str
    date: dt.date | None = None
    note: str = ""


class SignIn(Schema):
    model_config = {"extra": "forbid"}
    version: int
    signed_date: dt.date
    contract_amount: Decimal
    committed_registration: dt.date | None = None
    committed_start: dt.date | None = None
    committed_production: dt.date | None = None


class FollowUpIn(Schema):
    model_config = {"extra": "forbid"}
    kind: str
    date: dt.date
    place: str = ""
    participants: str
    outcome: str
    next_step: str = ""


class FollowUpOut(Schema):
    id: int
    lead_id: int
    kind: str
    date: dt.date
    place: str
    participants: str
    outcome: str
    next_step: str


class ArrivalIn(Schema):
    model_config = {"extra": "forbid"}
    date: dt.date
    amount: Decimal
    kind: str
    note: str = ""


class ArrivalOut(Schema):
    id: int
    lead_id: int
    date: dt.date
    amount: Decimal
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    has_evidence: bool
    note: str


def arrival_out(arrival) -> dict:
    return {
        "id": arrival.pk,
        "lead_id": arrival.lead_id,
        "date": arrival.date,
        "amount": arrival.amount,
        "kind": arrival.kind,
        "get_kind_display": arrival.get_kind_display(),
        "has_evidence": bool(arrival.evidence),
        "note": arrival.note,
    }


class ConvertIn(Schema):
    model_config = {"extra": "forbid"}
    version: int
    department_id: int


class DuplicateOut(Schema):
    detail: str
    matches: list[dict]


class FunnelRowOut(Schema):
    key: str
    label: str
    signed: int
    signed_amount: Decimal
    fulfilled: int
    started: int
    producing: int
    funds: Decimal
    funds_in_period: Decimal
    fulfil_rate: Decimal | None
    start_rate: Decimal | None
    production_rate: Decimal | None
    funds_rate: Decimal | None
    target_count: int | None
    target_amount: Decimal | None
    target_funds: Decimal | None


class FunnelOut(Schema):
    year: int
    quarter: int | None
    stages: list[dict]
    total: FunnelRowOut
    by_team: list[FunnelRowOut]
    by_chain: list[FunnelRowOut]
    by_zone: list[FunnelRowOut]


class NodeOut(Schema):
    id: int
    parent_id: int | None
    link: str
    name: str
    is_weak: bool
    weak_reason: str
    enterprise_count: int
    above_scale_count: int
    output: Decimal
    tax: Decimal
    enterprises: list[str]
    targets: list[dict]
    leads: int
    signed: int
    producing: int


class ChainOut(Schema):
    id: int
    zone_id: int
    name: str
    goal: str


class ChainMapOut(ChainOut):
    nodes: list[NodeOut]


# --- helpers ----------------------------------------------------------------------------------

FK = {
    "node_id": ("node", ChainNode),
    "team_id": ("team", Team),
    "event_id": ("event", Event),
    "owner_id": ("owner", User),
}
STR_FIELDS = {
    "name", "investor_name", "investor_credit_code", "investor_origin", "content",
    "industry_code", "source", "contact_name", "contact_phone", "contact_title",
}  # fmt: skip


def _data(payload: Schema, *, skip: set[str]) -> dict:
    data = {}
    for name, value in payload.model_dump(exclude_unset=True).items():
        if name in skip:
            continue
        if name in FK:
            field, model = FK[name]
            obj = None
            if value is not None:
                obj = model.objects.filter(pk=value).first()
                if obj is None:
                    raise ValidationError({field: [f"{name}={value} 不存在。"]})
            data[field] = obj
        else:
            data[name] = "" if value is None and name in STR_FIELDS else value
    return data


def _duplicate(exc: services.DuplicateFound):
    return Status(
        409,
        {
            "detail": exc.messages[0] + "确认仍要登记时请带 confirm_duplicate=true。",
            "matches": [
                {
                    "lead_id": m.lead.pk,
                    "code": m.lead.code,
                    "name": m.lead.name,
                    "owner": m.lead.owner.name,
                    "reason": m.reason,
                    "score": str(m.score),
                }
                for m in exc.matches
            ],
        },
    )


# --- leads ----------------------------------------------------------------------------------------


class LeadQuery(Schema):
    q: str = ""
    zone: int | None = None
    team: int | None = None
    chain: int | None = None
    node: int | None = None
    event: int | None = None
    stage: str = ""
    source: str = ""
    year: int | None = None
    quarter: int | None = Field(None, ge=1, le=4)
    metric: str = ""
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=1000)


@router.get(
    "/leads",
    response=LeadPage,
    summary="招商项目列表（与页面相同的筛选；非本小分队成员看到的联系方式已隐去）",
)
def list_leads(request, query: Query[LeadQuery]):
    user = request.auth
    access.require_investment_reader(user, request)
    params = query.model_dump()
    offset, limit = params.pop("offset"), params.pop("limit")
    qs = selectors.lead_list(user, LeadFilters(**params))
    items = list(qs[offset : offset + limit])
    return {
        "count": qs.count(),
        "offset": offset,
        "limit": limit,
        "items": [lead_out(user, lead) for lead in items],
    }


@router.get("/leads/{lead_id}", response=LeadOut, summary="招商项目详情")
def get_lead(request, lead_id: int):
    lead = access.get_lead_for_user(request.auth, lead_id, request=request)
    return lead_out(request.auth, lead)


@router.post(
    "/leads",
    response={201: LeadOut, 409: DuplicateOut},
    summary="登记招商项目（疑似撞单时返回409）",
)
def create_lead(request, payload: LeadCreate):
    user = request.auth
    zone_id = payload.zone_id or user.zone_id
    if not access.can_create_lead(user, zone_id):
        raise access.deny(user, what="无权登记招商项目", request=request)
    data = _data(payload, skip={"zone_id", "confirm_duplicate"})
    data["owner"] = data.get("owner") or user
    try:
        lead = services.lead_create(
            by=user,
            zone=Zone.objects.get(pk=zone_id),
            data=data,
            confirm_duplicate=payload.confirm_duplicate,
            request=request,
        )
    except services.DuplicateFound as exc:
        return _duplicate(exc)
    return Status(201, lead_out(user, lead))


@router.patch("/leads/{lead_id}", response=LeadOut, summary="修改招商项目（须带 version）")
def update_lead(request, lead_id: int, payload: LeadUpdate):
    user = request.auth
    lead = access.get_lead_for_user(user, lead_id, write=True, request=request)
    data = _data(payload, skip={"version"})
    if "owner" in data and data["owner"] is None:
        data.pop("owner")
    lead = services.lead_update(
        lead=lead, by=user, data=data, expected_version=payload.version, request=request
    )
    return lead_out(user, lead)


@router.post("/leads/{lead_id}/stage", response=LeadOut, summary="推进、终止或恢复招商项目")
def change_stage(request, lead_id: int, payload: StageIn):
    user = request.auth
    lead = access.get_lead_for_user(user, lead_id, write=True, request=request)
    lead = services.lead_change_stage(
        lead=lead,
        by=user,
        stage=payload.stage,
        date=payload.date,
        note=payload.note,
        expected_version=payload.version,
        request=request,
    )
    return lead_out(user, lead)


@router.post("/leads/{lead_id}/sign", response=LeadOut, summary="签约登记")
def sign_lead(request, lead_id: int, payload: SignIn):
    user = request.auth
    lead = access.get_lead_for_user(user, lead_id, write=True, request=request)
    data = payload.model_dump()
    lead = services.lead_sign(
        lead=lead, by=user, expected_version=data.pop("version"), request=request, **data
    )
    return lead_out(user, lead)


@router.get("/leads/{lead_id}/followups", response=list[FollowUpOut], summary="跟进记录")
def list_followups(request, lead_id: int):
    lead = access.get_lead_for_user(request.auth, lead_id, request=request)
    return list(lead.followups.all())


@router.post("/leads/{lead_id}/followups", response={201: FollowUpOut}, summary="记录跟进")
def add_followup(request, lead_id: int, payload: FollowUpIn):
    user = request.auth
    lead = access.get_lead_for_user(user, lead_id, write=True, request=request)
    followup = services.followup_add(lead=lead, by=user, data=payload.model_dump(), request=request)
    return Status(201, followup)


@router.get("/leads/{lead_id}/funding", response=list[ArrivalOut], summary="到位资金")
def list_arrivals(request, lead_id: int):
    lead = access.get_lead_for_user(request.auth, lead_id, request=request)
    return [arrival_out(a) for a in lead.arrivals.all()]


@router.post(
    "/leads/{lead_id}/funding",
    response={201: ArrivalOut},
    summary="登记到位资金（凭证请在页面上传）",
)
def add_arrival(request, lead_id: int, payload: ArrivalIn):
    user = request.auth
    lead = access.get_lead_for_user(user, lead_id, write=True, request=request)
    arrival = services.arrival_add(lead=lead, by=user, request=request, **payload.model_dump())
    return Status(201, arrival_out(arrival))


@router.post("/leads/{lead_id}/convert", response={201: dict}, summary="转为重点项目")
def convert_lead(request, lead_id: int, payload: ConvertIn):
    user = request.auth
    lead = access.get_lead_for_user(user, lead_id, write=True, request=request)
    if not access.can_create_project(user):
        raise access.deny(user, what="无权登记重点项目", target=lead, request=request)
    department = Department.objects.filter(pk=payload.department_id).first()
    if department is None:
        raise ValidationError({"department": [f"department_id={payload.department_id} 不存在。"]})
    if user.role == Role.STAFF and department.pk != user.department_id:
        raise access.deny(user, what="部门人员只能把项目登记在本部门", target=lead, request=request)
    project = services.lead_convert_to_project(
        lead=lead, by=user, department=department, expected_version=payload.version, request=request
    )
    return Status(201, {"lead_id": lead.pk, "project_id": project.pk, "project_code": project.code})


# --- funnel and chains ----------------------------------------------------------------------------


def _row(row) -> dict:
    return {name: getattr(row, name) for name in FunnelRowOut.model_fields}


@router.get(
    "/funnel", response=FunnelOut, summary="招商漏斗：签约、履约率、开工率、投产率、资金到位率"
)
def get_funnel(
    request,
    year: int | None = None,
    quarter: int | None = Query(None, ge=1, le=4),
    zone: int | None = None,
    team: int | None = None,
    chain: int | None = None,
):
    user = request.auth
    access.require_investment_reader(user, request)
    period = Period(year or timezone.localdate().year, quarter)
    result = selectors.funnel(
        user, period=period, zone_ids=[zone] if zone else None, team_id=team, chain_id=chain
    )
    return {
        "year": period.year,
        "quarter": period.quarter,
        "stages": [{"stage": s, "label": label, "count": n} for s, label, n in result.stages],
        "total": _row(result.total),
        "by_team": [_row(r) for r in result.by_team],
        "by_chain": [_row(r) for r in result.by_chain],
        "by_zone": [_row(r) for r in result.by_zone],
    }


@router.get("/chains", response=list[ChainOut], summary="产业链")
def list_chains(request):
    access.require_investment_reader(request.auth, request)
    return list(access.chains_for(request.auth).order_by("zone_id", "sort_order", "id"))


@router.get(
    "/chains/{chain_id}", response=ChainMapOut, summary="产业链图谱：节点、本区企业、指标、靶向企业"
)
def get_chain(request, chain_id: int):
    chain = access.get_chain_for_user(request.auth, chain_id, request=request)
    cmap = selectors.chain_map(chain)
    return {
        "id": chain.pk,
        "zone_id": chain.zone_id,
        "name": chain.name,
        "goal": chain.goal,
        "nodes": [
            {
                "id": v.node.pk,
                "parent_id": v.node.parent_id,
                "link": v.node.link,
                "name": v.node.name,
                "is_weak": v.node.is_weak,
                "weak_reason": v.node.weak_reason,
                "enterprise_count": v.enterprise_count,
                "above_scale_count": v.above_scale_count,
                "output": v.output,
                "tax": v.tax,
                "enterprises": [m.organisation.name for m in v.memberships],
                "targets": [
                    {
                        "id": t.pk,
                        "name": t.name,
                        "location": t.location,
                        "status": t.status,
                        "lead_id": t.lead_id,
                    }
                    for t in v.targets
                ],
                "leads": v.leads,
                "signed": v.signed,
                "producing": v.producing,
            }
            for v in cmap.nodes
        ],
    }
