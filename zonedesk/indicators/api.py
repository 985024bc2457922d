"""JSON endpoints of 经济运行指标 under /api/indicators (mounted by zonedesk/api.py, inheriting
its TokenAuth and Chinese errors): the catalogue, targets, monthly values and the scorecard.
Scope and write rights come from zonedesk.access, as on the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema
from ninja.responses import Status

from zonedesk import access

from . import selectors, services
from .models import Assessor, IndicatorValue, Target

router = Router(tags=["经济运行指标"])


class IndicatorOut(Schema):
    id: int
    zone_id: int | None
    code: str
    name: str
    unit: str
    frequency: str
    pricing: str
    kind: str
    has_level: bool
    has_growth: bool
    january_reported: bool
    parent_id: int | None
    headline: bool
    note: str
    version: int


class IndicatorIn(Schema):
    model_config = {"extra": "forbid"}

    zone_id: int | None = None
    code: str
    name: str
    unit: str = ""
    frequency: str = "monthly"
    pricing: str = "nominal"
    kind: str = "cumulative"
    has_level: bool = True
    has_growth: bool = True
    january_reported: bool = True
    headline: bool = False
    note: str = ""


class TargetOut(Schema):
    id: int
    zone_id: int
    indicator_id: int
    indicator_code: str = Field(alias="indicator.code")
    year: int
    assessor: str
    target_value: Decimal | None
    target_growth: Decimal | None
    weight: Decimal | None
    note: str
    version: int


class TargetIn(Schema):
    """Set (create or replace) a target; `version` when replacing an existing one."""

    model_config = {"extra": "forbid"}

    zone_id: int | None = None
    indicator_id: int
    year: int = Field(ge=2000, le=2100)
    assessor: str
    target_value: Decimal | None = None
    target_growth: Decimal | None = None
    weight: Decimal | None = None
    note: str = ""
    version: int | None = None


class ValueOut(Schema):
    id: int
    zone_id: int
    indicator_id: int
    indicator_code: str = Field(alias="indicator.code")
    year: int
    month: int
    value: Decimal | None
    growth: Decimal | None
    source: str
    published_on: dt.date | None
    note: str
    version: int


class ValueItem(Schema):
    model_config = {"extra": "forbid"}

    indicator_id: int
    value: Decimal | None = None
    growth: Decimal | None = None
    note: str = ""
    version: int | None = None


class ValuesIn(Schema):
    """One month's published figures (value = 1–m月 cumulative in the indicator's unit, growth =
    同比 % as published)."""

    model_config = {"extra": "forbid"}

    zone_id: int | None = None
    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=1, le=12)
    source: str = ""
    published_on: dt.date | None = None
    items: list[ValueItem]


class LineOut(Schema):
    indicator_id: int
    code: str
    name: str
    unit: str
    month: int | None
    value: Decimal | None
    growth: Decimal | None
    single_month: Decimal | None
    completion: Decimal | None
    schedule: Decimal | None
    gap_points: Decimal | None
    growth_gap: Decimal | None
    colour: str
    reasons: list[str]


def _zone(request, zone_id: int | None, *, write: bool = False):
    user = request.auth
    access.require_business_role(user, request)
    if zone_id is None:
        zone_id = user.zone_id
        if zone_id is None:
            zones = list(access.indicator_zones_for(user))
            if not zones:
                raise access.deny(user, what="没有可查看的开发区", request=request)
            zone_id = zones[0].pk
    return access.get_indicator_zone_for_user(user, zone_id, write=write, request=request)


@router.get("/catalogue", response=list[IndicatorOut], summary="指标目录（全省通用及本区指标）")
def list_catalogue(request, zone_id: int | None = None):
    return list(selectors.catalogue_for(_zone(request, zone_id)))


@router.post("/catalogue", response={201: IndicatorOut}, summary="新增本区指标")
def create_indicator(request, payload: IndicatorIn):
    zone = _zone(request, payload.zone_id, write=True)
    data = payload.model_dump(exclude={"zone_id"})
    return Status(
        201, services.indicator_save(zone=zone, by=request.auth, data=data, request=request)
    )


@router.get("/targets", response=list[TargetOut], summary="年度目标")
def list_targets(request, year: int, zone_id: int | None = None):
    zone = _zone(request, zone_id)
    return list(Target.objects.filter(zone=zone, year=year).select_related("indicator"))


@router.put("/targets", response=TargetOut, summary="设定年度目标（新增或修改，修改须带 version）")
def set_target(request, payload: TargetIn):
    zone = _zone(request, payload.zone_id, write=True)
    if payload.assessor not in Assessor.values:
        raise ValidationError({"assessor": ["考核主体应为 city（市考核）或 province（省考核）。"]})
    indicator = access.get_indicator_for_user(
        request.auth, payload.indicator_id, zone=zone, request=request
    )
    return services.target_save(
        zone=zone, indicator=indicator, year=payload.year, assessor=payload.assessor, by=request.auth,
        target_value=payload.target_value, target_growth=payload.target_growth, weight=payload.weight,
        note=payload.note, expected_version=payload.version, request=request,
    )  # fmt: skip


@router.delete("/targets/{target_id}", response={204: None}, summary="删除年度目标（留痕）")
def delete_target(request, target_id: int):
    target = access.get_target_for_user(request.auth, target_id, write=True, request=request)
    services.target_delete(target=target, by=request.auth, request=request)
    return Status(204, None)


@router.get("/values", response=list[ValueOut], summary="月度指标值（公布数）")
def list_values(request, year: int, zone_id: int | None = None, month: int | None = None,
                indicator_id: int | None = None):  # fmt: skip
    zone = _zone(request, zone_id)
    qs = IndicatorValue.objects.filter(zone=zone, year=year).select_related("indicator")
    if month:
        qs = qs.filter(month=month)
    if indicator_id:
        qs = qs.filter(indicator_id=indicator_id)
    return list(qs.order_by("indicator__sort_order", "month"))


@router.post(
    "/values", response=list[ValueOut], summary="填报一个月的指标值（全部成功或全部不保存）"
)
def save_values(request, payload: ValuesIn):
    zone = _zone(request, payload.zone_id, write=True)
    entries = []
    for item in payload.items:
        ind = access.get_indicator_for_user(
            request.auth, item.indicator_id, zone=zone, request=request
        )
        entries.append(
            services.ValueEntry(
                indicator=ind, value=item.value, growth=item.growth, source=payload.source,
                published_on=payload.published_on, note=item.note, version=item.version,
            )
        )  # fmt: skip
    if not entries:
        raise ValidationError("没有填写任何指标值。")
    return services.values_save(
        zone=zone, year=payload.year, month=payload.month, entries=entries, by=request.auth,
        request=request,
    )  # fmt: skip


@router.delete("/values/{value_id}", response={204: None}, summary="删除误录的指标值（留痕）")
def delete_value(request, value_id: int):
    value = access.get_indicator_value_for_user(request.auth, value_id, write=True, request=request)
    services.value_delete(value=value, by=request.auth, request=request)
    return Status(204, None)


@router.get("/scorecard", response=list[LineOut], summary="指标完成情况（红黄绿及原因）")
def get_scorecard(request, year: int, month: int, zone_id: int | None = None):
    if not 1 <= month <= 12:
        raise ValidationError({"month": ["月份应在1至12之间。"]})
    zone = _zone(request, zone_id)
    out = []
    for line in selectors.scorecard(zone, year, month):
        v = line.value
        out.append(
            LineOut(
                indicator_id=line.indicator.pk, code=line.indicator.code, name=line.indicator.name,
                unit=line.indicator.unit, month=v.month if v else None, value=v.value if v else None,
                growth=v.growth if v else None, single_month=line.single_month,
                completion=line.completion, schedule=line.schedule, gap_points=line.gap_points,
                growth_gap=line.growth_gap, colour=line.colour, reasons=line.reasons,
            )
        )  # fmt: skip
    return out
