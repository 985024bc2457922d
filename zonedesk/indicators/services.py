"""Writes to the indicator catalogue, targets and monthly figures. Every write is validated, runs
in a transaction, refuses a stale edit (optimistic locking on `version`) and is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, User
from zonedesk.projects.services import EditConflict, _events_since, display_value
from zonedesk.zones.models import Zone

from .models import Indicator, IndicatorValue, Target

INDICATOR_FIELDS = [
    "code", "name", "unit", "frequency", "pricing", "kind", "has_level", "has_growth",
    "january_reported", "parent", "sort_order", "headline", "note",
]  # fmt: skip
TARGET_FIELDS = ["target_value", "target_growth", "weight", "note"]
VALUE_FIELDS = ["value", "growth", "source", "published_on", "note"]


def _changes(instance, before: dict[str, str], fields: list[str]) -> list[dict[str, Any]]:
    out = []
    for name in fields:
        new = display_value(instance, name)
        if before.get(name, "（空）") != new:
            label = str(instance._meta.get_field(name).verbose_name)
            out.append(
                {"field": name, "label": label, "old": before.get(name, "（空）"), "new": new}
            )
    return out


def _check_version(instance, expected: int | None, label: str) -> None:
    if expected is not None and instance.pk and instance.version != expected:
        raise EditConflict(label=label, events=_events_since(instance, expected))


# --- catalogue ----------------------------------------------------------------------------------


@transaction.atomic
def indicator_save(
    *,
    zone: Zone,
    by: User,
    data: dict[str, Any],
    indicator: Indicator | None = None,
    expected_version: int | None = None,
    request=None,
) -> Indicator:
    """Add or change one of the zone's own indicators; shipped ones are read-only."""
    if indicator is not None:
        indicator = Indicator.objects.select_for_update(of=("self",)).get(pk=indicator.pk)
        if indicator.zone_id != zone.pk:
            raise ValidationError("全省通用指标不能修改，可新增本区自定义指标。")
        _check_version(indicator, expected_version, f"指标“{indicator.name}”")
        before = {n: display_value(indicator, n) for n in INDICATOR_FIELDS}
    else:
        indicator = Indicator(zone=zone)
        before = {}
    for name, value in data.items():
        if name in INDICATOR_FIELDS:
            setattr(indicator, name, value)
    errors: dict[str, list[str]] = {}
    if not (indicator.has_level or indicator.has_growth):
        errors["has_level"] = ["指标至少要发布绝对值或同比增速之一。"]
    clash = Indicator.objects.filter(code=indicator.code).filter(zone__isnull=True)
    clash = clash | Indicator.objects.filter(code=indicator.code, zone=zone)
    if indicator.pk:
        clash = clash.exclude(pk=indicator.pk)
    if clash.exists():
        errors["code"] = [f"指标代码“{indicator.code}”已被使用。"]
    if indicator.parent_id and indicator.parent.zone_id not in (None, zone.pk):
        errors["parent"] = ["上级指标不属于本开发区。"]
    if errors:
        raise ValidationError(errors)
    indicator.full_clean(validate_constraints=False, validate_unique=False)
    if indicator.pk:
        changes = _changes(indicator, before, INDICATOR_FIELDS)
        if not changes:
            return indicator
        indicator.version += 1
        indicator.save()
        action = AuditEvent.Action.UPDATE
    else:
        indicator.save()
        changes = _changes(indicator, {}, INDICATOR_FIELDS)
        action = AuditEvent.Action.CREATE
    audit_record(
        actor=by,
        action=action,
        target=indicator,
        zone=zone,
        changes=changes,
        version=indicator.version,
        request=request,
    )
    return indicator


# --- targets ------------------------------------------------------------------------------------


@transaction.atomic
def target_save(
    *,
    zone: Zone,
    indicator: Indicator,
    year: int,
    assessor: str,
    by: User,
    target_value: Decimal | None = None,
    target_growth: Decimal | None = None,
    weight: Decimal | None = None,
    note: str = "",
    expected_version: int | None = None,
    request=None,
) -> Target:
    """Set a zone's annual target for an indicator by one assessor (creates or updates)."""
    if indicator.zone_id not in (None, zone.pk):
        raise ValidationError({"indicator": ["该指标不属于本开发区。"]})
    target = (
        Target.objects.select_for_update(of=("self",))
        .filter(zone=zone, indicator=indicator, year=year, assessor=assessor)
        .first()
    )
    label = f"{year}年“{indicator.name}”目标"
    errors: dict[str, list[str]] = {}
    if target_value is None and target_growth is None:
        errors["target_value"] = [f"{label}：目标值和目标增速至少填写一项。"]
    if target_value is not None and not indicator.has_level:
        errors["target_value"] = [f"“{indicator.name}”只发布增速，请填写目标增速。"]
    if target_growth is not None and not indicator.has_growth:
        errors["target_growth"] = [f"“{indicator.name}”不发布增速，请填写目标值。"]
    if target_value is not None and target_value < 0:
        errors["target_value"] = [f"{label}：目标值不能为负数。"]
    if weight is not None and weight < 0:
        errors["weight"] = [f"{label}：权重不能为负数。"]
    if errors:
        raise ValidationError(errors)
    if target is None:
        target = Target(zone=zone, indicator=indicator, year=year, assessor=assessor)
        before: dict[str, str] = {}
        action = AuditEvent.Action.CREATE
    else:
        _check_version(target, expected_version, label)
        before = {n: display_value(target, n) for n in TARGET_FIELDS}
        action = AuditEvent.Action.UPDATE
    target.target_value, target.target_growth = target_value, target_growth
    target.weight, target.note = weight, note or ""
    target.full_clean(validate_constraints=False, validate_unique=False)
    changes = _changes(target, before, TARGET_FIELDS)
    if target.pk and not changes:
        return target
    if target.pk:
        target.version += 1
    target.save()
    audit_record(
        actor=by,
        action=action,
        target=target,
        zone=zone,
        changes=changes,
        version=target.version,
        request=request,
    )
    return target


@transaction.atomic
def target_delete(*, target: Target, by: User, request=None) -> None:
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=target,
        zone=target.zone,
        note="删除年度目标",
        changes=[
            {"field": "deleted", "label": "年度目标", "old": str(target), "new": "（已删除）"}
        ],
        request=request,
    )
    target.delete()


# --- monthly values -----------------------------------------------------------------------------


@dataclass
class ValueEntry:
    """One figure as entered on the form, the API or a row of the bureau's sheet."""

    indicator: Indicator
    value: Decimal | None = None
    growth: Decimal | None = None
    source: str = ""
    published_on: dt.date | None = None
    note: str = ""
    version: int | None = None


def period_label(indicator: Indicator, year: int, month: int) -> str:
    if indicator.kind == Indicator.Kind.POINT or month == 1:
        return f"{year}年{month}月"
    return f"{year}年1-{month}月"


def validate_value(
    zone: Zone, year: int, month: int, entry: ValueEntry, neighbours: dict[int, IndicatorValue]
) -> dict[str, list[str]]:
    """The rules of a published figure (DOMAIN.md rules 6 and 10), messages naming indicator and
    period. `neighbours` holds the same indicator's other months of the year (month → value)."""
    ind = entry.indicator
    label = f"“{ind.name}”{period_label(ind, year, month)}"
    errors: dict[str, list[str]] = {}
    if ind.zone_id not in (None, zone.pk):
        errors["indicator"] = [f"{label}：该指标不属于本开发区。"]
        return errors
    if not 1 <= month <= 12:
        errors["month"] = [f"{label}：月份应在1至12之间。"]
        return errors
    if month not in ind.months():
        if month == 1 and not ind.january_reported:
            errors["month"] = [
                f"{label}：该指标1月不单独发布，首次发布为1-2月累计，请按1-2月填报。"
            ]
        elif ind.frequency == "annual":
            errors["month"] = [f"{label}：年度指标只在年末（12月）报数。"]
        else:
            errors["month"] = [f"{label}：季度指标只在3、6、9、12月报数。"]
    if entry.value is None and entry.growth is None:
        errors["value"] = [f"{label}：本年累计值和同比增长至少填写一项。"]
    if entry.value is not None:
        if not ind.has_level:
            errors["value"] = [
                f"{label}：该指标只发布增速（{ind.get_pricing_display()}），不填绝对值。"
            ]
        elif entry.value < 0:
            errors["value"] = [f"{label}：数值不能为负数。"]
    if entry.growth is not None and not ind.has_growth:
        errors["growth"] = [f"{label}：该指标不发布同比增速。"]
    if entry.growth is not None and entry.growth <= Decimal("-100"):
        errors["growth"] = [f"{label}：同比增长不能低于-100%。"]
    if (
        "value" not in errors
        and entry.value is not None
        and ind.kind == Indicator.Kind.CUMULATIVE
        and not entry.note
    ):
        # A 1–m月 cumulative figure does not fall month over month unless the bureau corrected it.
        earlier = [v for m, v in neighbours.items() if m < month and v.value is not None]
        later = [v for m, v in neighbours.items() if m > month and v.value is not None]
        prev = max(earlier, key=lambda v: v.month) if earlier else None
        nxt = min(later, key=lambda v: v.month) if later else None
        if prev is not None and entry.value < prev.value:
            errors["value"] = [
                f"{label}：累计值{entry.value:f}小于{period_label(ind, year, prev.month)}的"
                f"{prev.value:f}。累计数不应下降；如为统计部门更正，请填写更正说明。"
            ]
        elif nxt is not None and entry.value > nxt.value:
            errors["value"] = [
                f"{label}：累计值{entry.value:f}大于{period_label(ind, year, nxt.month)}的"
                f"{nxt.value:f}。累计数不应下降；如为统计部门更正，请填写更正说明。"
            ]
    return errors


def _apply(instance: IndicatorValue, entry: ValueEntry) -> None:
    instance.value = entry.value
    instance.growth = entry.growth
    instance.source = (entry.source or "")[:60]
    instance.published_on = entry.published_on
    instance.note = (entry.note or "")[:200]


@transaction.atomic
def values_save(
    *, zone: Zone, year: int, month: int, entries: list[ValueEntry], by: User, request=None
) -> list[IndicatorValue]:
    """Save one month's figures of several indicators, all or nothing. An entry with neither a
    value nor a growth rate is skipped (a published figure is never blanked from the form)."""
    entries = [e for e in entries if e.value is not None or e.growth is not None]
    ids = [e.indicator.pk for e in entries]
    rows = IndicatorValue.objects.select_for_update(of=("self",)).filter(
        zone=zone, year=year, indicator_id__in=ids
    )
    by_ind: dict[int, dict[int, IndicatorValue]] = {}
    for row in rows:
        by_ind.setdefault(row.indicator_id, {})[row.month] = row
    errors: dict[str, list[str]] = {}
    for entry in entries:
        months = dict(by_ind.get(entry.indicator.pk, {}))
        current = months.pop(month, None)
        if current is not None and entry.version is not None and current.version != entry.version:
            raise EditConflict(
                label=f"“{entry.indicator.name}”{period_label(entry.indicator, year, month)}数据",
                events=_events_since(current, entry.version),
            )
        for field, messages in validate_value(zone, year, month, entry, months).items():
            errors.setdefault(f"{entry.indicator.code}.{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    saved = []
    for entry in entries:
        current = by_ind.get(entry.indicator.pk, {}).get(month)
        if current is None:
            current = IndicatorValue(zone=zone, indicator=entry.indicator, year=year, month=month)
            before: dict[str, str] = {}
            action = AuditEvent.Action.CREATE
        else:
            before = {n: display_value(current, n) for n in VALUE_FIELDS}
            action = AuditEvent.Action.UPDATE
        _apply(current, entry)
        changes = _changes(current, before, VALUE_FIELDS)
        if current.pk and not changes:
            saved.append(current)
            continue
        if current.pk:
            current.version += 1
        current.entered_by = by
        current.save()
        audit_record(
            actor=by,
            action=action,
            target=current,
            zone=zone,
            changes=changes,
            version=current.version,
            note=f"{period_label(entry.indicator, year, month)}指标数据",
            request=request,
        )
        saved.append(current)
    return saved


@transaction.atomic
def value_delete(*, value: IndicatorValue, by: User, request=None) -> None:
    """A figure entered by mistake is removed, and the removal kept in the audit log."""
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=value,
        zone=value.zone,
        note="删除月度指标值",
        changes=[
            {
                "field": "deleted",
                "label": "月度指标值",
                "old": f"{display_value(value, 'value')} / {display_value(value, 'growth')}%",
                "new": "（已删除）",
            }
        ],
        request=request,
    )
    value.delete()


@transaction.atomic
def scorecard_settings_save(
    *, zone: Zone, by: User, amber_points: Decimal, growth_amber_points: Decimal, request=None
):
    """The zone's red/amber thresholds (百分点), kept as data the zone edits."""
    from .models import ScorecardSettings

    errors = {}
    for name, value in (
        ("amber_points", amber_points),
        ("growth_amber_points", growth_amber_points),
    ):
        if value is None or value < 0 or value > 100:
            errors[name] = ["阈值应在0至100个百分点之间。"]
    if errors:
        raise ValidationError(errors)
    row, _ = ScorecardSettings.objects.select_for_update(of=("self",)).get_or_create(zone=zone)
    before = {n: display_value(row, n) for n in ("amber_points", "growth_amber_points")}
    row.amber_points, row.growth_amber_points = amber_points, growth_amber_points
    row.save()
    changes = _changes(row, before, ["amber_points", "growth_amber_points"])
    if changes:
        audit_record(
            actor=by, action=AuditEvent.Action.UPDATE, target=row, zone=zone, changes=changes,
            request=request,
        )  # fmt: skip
    return row
