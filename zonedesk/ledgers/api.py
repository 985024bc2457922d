"""JSON endpoints of 问题整改台账 under /api/ledgers (mounted by zonedesk/api.py, inheriting its
TokenAuth and Chinese errors): campaigns, items, the steps of an item's life, and counts."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from zonedesk import access
from zonedesk.zones.models import Department, Organisation

from . import selectors, services

router = Router(tags=["问题整改台账"])


class CampaignOut(Schema):
    id: int
    zone_id: int
    name: str
    theme: str
    source: str
    lead_department_id: int
    start: dt.date
    end: dt.date | None
    publicity_required: bool
    publicity_days: int
    description: str
    version: int


class CampaignIn(Schema):
    model_config = {"extra": "forbid"}

    zone_id: int | None = None
    name: str | None = None
    theme: str | None = None
    source: str | None = None
    lead_department_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    publicity_required: bool | None = None
    publicity_days: int | None = None
    description: str | None = None
    version: int | None = None


class ItemOut(Schema):
    id: int
    campaign_id: int
    zone_id: int
    number: str
    problem: str
    place: str
    enterprise_id: int | None
    category: str
    source: str
    found_on: dt.date
    responsible_department_id: int
    responsible_unit_id: int | None
    responsible_person: str
    supervising_department_id: int | None
    measures: str
    deadline_class: str
    deadline: dt.date
    status: str
    status_label: str = Field(alias="get_status_display")
    progress: str
    rectified_on: dt.date | None
    publicity_until: dt.date | None
    closed_on: dt.date | None
    last_failure: str
    reopen_count: int
    overdue: bool = Field(alias="is_overdue")
    version: int


class ItemIn(Schema):
    model_config = {"extra": "forbid"}

    campaign_id: int | None = None
    number: str | None = None
    problem: str | None = None
    place: str | None = None
    enterprise_id: int | None = None
    category: str | None = None
    source: str | None = None
    found_on: dt.date | None = None
    responsible_department_id: int | None = None
    responsible_unit_id: int | None = None
    responsible_person: str | None = None
    supervising_department_id: int | None = None
    measures: str | None = None
    deadline_class: str | None = None
    deadline: dt.date | None = None
    version: int | None = None


class ActionIn(Schema):
    """`action`: start, progress, apply, check_start, check (with `passed`), close, reopen."""

    model_config = {"extra": "forbid"}

    action: str
    note: str = ""
    passed: bool | None = None
    version: int


class CountsOut(Schema):
    found: int
    rectified: int
    closed: int
    open: int
    overdue: int
    closure_rate: float | None
    sentence: str


class ItemQuery(Schema):
    campaign_id: int | None = None
    zone_id: int | None = None
    status: str = ""
    overdue: bool = False
    offset: int = Field(0, ge=0)
    limit: int = Field(200, ge=1, le=1000)


FKS = {
    "lead_department_id": ("lead_department", Department),
    "responsible_department_id": ("responsible_department", Department),
    "supervising_department_id": ("supervising_department", Department),
    "responsible_unit_id": ("responsible_unit", Organisation),
    "enterprise_id": ("enterprise", Organisation),
}


def _data(payload: Schema, skip: set[str]) -> dict:
    data = {}
    for name, value in payload.model_dump(exclude_unset=True).items():
        if name in skip:
            continue
        if name in FKS:
            field, model = FKS[name]
            obj = None
            if value is not None:
                obj = model.objects.filter(pk=value).first()
                if obj is None:
                    raise ValidationError({field: [f"{name}={value} 不存在。"]})
            data[field] = obj
        else:
            data[name] = value
    return data


def _counts(c: selectors.Counts) -> CountsOut:
    rate = c.closure_rate
    return CountsOut(found=c.found, rectified=c.rectified, closed=c.closed, open=c.open,
                     overdue=c.overdue, closure_rate=float(rate) if rate is not None else None,
                     sentence=c.sentence)  # fmt: skip


@router.get("/campaigns", response=list[CampaignOut], summary="专项行动")
def list_campaigns(request, zone_id: int | None = None):
    user = request.auth
    access.require_business_role(user, request)
    qs = access.campaigns_for(user)
    if zone_id:
        qs = qs.filter(zone_id=zone_id)
    return list(qs)


@router.post("/campaigns", response={201: CampaignOut}, summary="新建专项行动")
def create_campaign(request, payload: CampaignIn):
    user = request.auth
    zone_id = payload.zone_id or user.zone_id
    if zone_id is None:
        raise ValidationError({"zone_id": ["请指定开发区。"]})
    zone = access.get_indicator_zone_for_user(user, zone_id, request=request)
    if not access.can_edit_ledgers(user, zone.pk):
        raise access.deny(user, what="无权登记整改台账", target=zone, request=request)
    data = _data(payload, {"zone_id", "version"})
    return Status(201, services.campaign_save(zone=zone, by=user, data=data, request=request))


@router.patch(
    "/campaigns/{campaign_id}", response=CampaignOut, summary="修改专项行动（须带 version）"
)
def update_campaign(request, campaign_id: int, payload: CampaignIn):
    campaign = access.get_campaign_for_user(request.auth, campaign_id, write=True, request=request)
    if payload.version is None:
        raise ValidationError({"version": ["修改须带 version。"]})
    data = _data(payload, {"zone_id", "version"})
    return services.campaign_save(zone=campaign.zone, by=request.auth, data=data, campaign=campaign,
                                  expected_version=payload.version, request=request)  # fmt: skip


@router.get("/campaigns/{campaign_id}/counts", response=CountsOut, summary="排查/整改/销号数")
def campaign_counts(
    request, campaign_id: int, start: dt.date | None = None, end: dt.date | None = None
):
    campaign = access.get_campaign_for_user(request.auth, campaign_id, request=request)
    items = access.ledger_items_for(request.auth).filter(campaign=campaign)
    return _counts(selectors.counts_total(items, start=start, end=end))


@router.get("/items", response=list[ItemOut], summary="整改事项（按可见范围）")
def list_items(request, query: Query[ItemQuery]):
    user = request.auth
    access.require_business_role(user, request)
    qs = access.ledger_items_for(user)
    if query.campaign_id:
        qs = qs.filter(campaign_id=query.campaign_id)
    if query.zone_id:
        qs = qs.filter(zone_id=query.zone_id)
    if query.status:
        qs = qs.filter(status=query.status)
    if query.overdue:
        qs = selectors.overdue_items(qs)
    return list(qs.order_by("campaign_id", "number")[query.offset : query.offset + query.limit])


@router.get("/items/{item_id}", response=ItemOut, summary="整改事项详情")
def get_item(request, item_id: int):
    return access.get_ledger_item_for_user(request.auth, item_id, request=request)


@router.post("/items", response={201: ItemOut}, summary="登记整改事项")
def create_item(request, payload: ItemIn):
    if payload.campaign_id is None:
        raise ValidationError({"campaign_id": ["请指定专项行动。"]})
    campaign = access.get_campaign_for_user(
        request.auth, payload.campaign_id, write=True, request=request
    )
    data = _data(payload, {"campaign_id", "version"})
    return Status(
        201, services.item_create(campaign=campaign, by=request.auth, data=data, request=request)
    )


@router.patch("/items/{item_id}", response=ItemOut, summary="修改整改事项登记内容（须带 version）")
def update_item(request, item_id: int, payload: ItemIn):
    item = access.get_ledger_item_for_user(request.auth, item_id, action="edit", request=request)
    if payload.version is None:
        raise ValidationError({"version": ["修改须带 version。"]})
    data = _data(payload, {"campaign_id", "version"})
    return services.item_update(item=item, by=request.auth, data=data,
                                expected_version=payload.version, request=request)  # fmt: skip


NEEDS = {"start": "rectify", "progress": "rectify", "apply": "rectify", "check_start": "check",
         "check": "check", "close": "check", "reopen": "check"}  # fmt: skip


@router.post(
    "/items/{item_id}/actions",
    response=ItemOut,
    summary="办理：开始整改、申请销号、核查、销号、重新挂账",
)
def item_action(request, item_id: int, payload: ActionIn):
    if payload.action not in NEEDS:
        raise ValidationError({"action": [f"未知的操作，应为：{'、'.join(NEEDS)}。"]})
    user = request.auth
    item = access.get_ledger_item_for_user(
        user, item_id, action=NEEDS[payload.action], request=request
    )
    kw = {"item": item, "by": user, "expected_version": payload.version, "request": request}
    match payload.action:
        case "start":
            return services.item_start(note=payload.note, **kw)
        case "progress":
            return services.item_progress(progress=payload.note, **kw)
        case "apply":
            return services.item_apply(note=payload.note, **kw)
        case "check_start":
            return services.item_check_start(**kw)
        case "check":
            if payload.passed is None:
                raise ValidationError({"passed": ["请给出核查结论 passed（true/false）。"]})
            return services.item_check(passed=payload.passed, note=payload.note, **kw)
        case "close":
            return services.item_close(note=payload.note, **kw)
    return services.item_reopen(reason=payload.note, **kw)


@router.get("/stats", response=CountsOut, summary="全区排查/整改/销号数")
def zone_stats(request, zone_id: int | None = None, start: dt.date | None = None,
               end: dt.date | None = None):  # fmt: skip
    user = request.auth
    access.require_business_role(user, request)
    items = access.ledger_items_for(user)
    if zone_id:
        items = items.filter(zone_id=zone_id)
    return _counts(selectors.counts_total(items, start=start, end=end))
