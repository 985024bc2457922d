"""Writes to the rectification ledgers. Every state change checks who may make it (through
zonedesk.access), records an ItemEvent (the item's 履历) and an audit row, and refuses a stale
edit (optimistic locking on `version`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zonedesk import access
from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, User
from zonedesk.projects.services import EditConflict, _events_since, display_value
from zonedesk.zones.models import Zone

from .evidence import CleanFile
from .models import Campaign, Evidence, ItemEvent, LedgerItem, Status

CAMPAIGN_FIELDS = [
    "name", "theme", "source", "lead_department", "start", "end", "publicity_required",
    "publicity_days", "description",
]  # fmt: skip
ITEM_FIELDS = [
    "number", "problem", "place", "enterprise", "category", "source", "found_on",
    "responsible_department", "responsible_unit", "responsible_person", "supervising_department",
    "measures", "deadline_class", "deadline",
]  # fmt: skip
REQUIRED_TO_ACTIVATE = {
    "problem": "问题描述",
    "source": "问题来源",
    "responsible_department": "责任部门",
    "responsible_person": "责任人",
    "measures": "整改措施",
    "deadline": "整改时限",
    "deadline_class": "时限类别",
    "place": "点位/企业",
    "category": "问题类别",
}


def _changes(instance, before: dict[str, str], fields: list[str]) -> list[dict[str, Any]]:
    out = []
    for name in fields:
        new = display_value(instance, name)
        old = before.get(name, "（空）")
        if old != new:
            label = str(instance._meta.get_field(name).verbose_name)
            out.append({"field": name, "label": label, "old": old, "new": new})
    return out


def _unit_of(user: User) -> str:
    if user.department_id:
        return user.department.name
    if user.organisation_id:
        return user.organisation.name
    return user.get_role_display()


# --- campaigns ----------------------------------------------------------------------------------


@transaction.atomic
def campaign_save(
    *,
    zone: Zone,
    by: User,
    data: dict[str, Any],
    campaign: Campaign | None = None,
    expected_version: int | None = None,
    request=None,
) -> Campaign:
    if campaign is not None:
        campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
        if expected_version is not None and campaign.version != expected_version:
            raise EditConflict(
                label=f"专项行动“{campaign.name}”", events=_events_since(campaign, expected_version)
            )
        before = {n: display_value(campaign, n) for n in CAMPAIGN_FIELDS}
    else:
        campaign = Campaign(zone=zone, created_by=by)
        before = {}
    for name, value in data.items():
        if name in CAMPAIGN_FIELDS:
            setattr(campaign, name, value)
    errors: dict[str, list[str]] = {}
    if campaign.lead_department_id and campaign.lead_department.zone_id != zone.pk:
        errors["lead_department"] = ["牵头部门不属于本开发区。"]
    if campaign.start and campaign.end and campaign.end < campaign.start:
        errors["end"] = ["结束日期不能早于开始日期。"]
    clash = Campaign.objects.filter(zone=zone, name=campaign.name).exclude(pk=campaign.pk)
    if clash.exists():
        errors["name"] = [f"本开发区已有名为“{campaign.name}”的专项行动。"]
    if errors:
        raise ValidationError(errors)
    campaign.full_clean(validate_constraints=False, validate_unique=False)
    created = campaign.pk is None
    changes = _changes(campaign, before, CAMPAIGN_FIELDS)
    if not created and not changes:
        return campaign
    if not created:
        campaign.version += 1
    campaign.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        target=campaign,
        zone=zone,
        changes=changes,
        version=campaign.version,
        request=request,
    )
    return campaign


# --- items: registration --------------------------------------------------------------------------


def next_number(campaign: Campaign) -> str:
    """编号 like "YQ5+2-2026-007": the campaign's year and a running number."""
    year = campaign.start.year
    used = LedgerItem.objects.filter(campaign=campaign).count()
    return f"{campaign.pk:02d}-{year}-{used + 1:03d}"


def validate_item(item: LedgerItem) -> None:
    """Rule 11: an item needs 问题描述, 来源, 责任单位, 责任人, 措施 and 整改时限 before it is
    active; people and units must belong to the item's zone."""
    errors: dict[str, list[str]] = {}
    for name, label in REQUIRED_TO_ACTIVATE.items():
        value = getattr(item, name + "_id" if name == "responsible_department" else name, None)
        if value in (None, ""):
            errors.setdefault(name, []).append(f"请填写{label}（登记整改事项时必填）。")
    try:
        item.clean_fields(
            exclude=[] if item.number else ["number"]
        )  # converts and checks types and choices (dates given as text too)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if name not in errors:
                errors[name] = messages
    zone_id = item.zone_id
    for name in ("responsible_department", "supervising_department"):
        dept = getattr(item, name)
        if dept is not None and dept.zone_id != zone_id:
            errors.setdefault(name, []).append("所选部门不属于本开发区。")
    for name in ("responsible_unit", "enterprise"):
        org = getattr(item, name)
        if org is not None and org.zone_id != zone_id:
            errors.setdefault(name, []).append("所选单位不属于本开发区。")
    if (
        item.supervising_department_id
        and item.supervising_department_id == item.responsible_department_id
    ):
        errors.setdefault("supervising_department", []).append(
            "督办部门不能与责任部门相同（销号须由其他单位核查）。"
        )
    if (
        isinstance(item.found_on, dt.date)
        and isinstance(item.deadline, dt.date)
        and item.deadline < item.found_on
    ):
        errors.setdefault("deadline", []).append("整改时限不能早于发现日期。")
    if errors:
        raise ValidationError(errors)
    # An import numbers new items when it saves them (services.next_number).
    item.full_clean(
        exclude=[] if item.number else ["number"], validate_constraints=False, validate_unique=False
    )


@transaction.atomic
def item_create(*, campaign: Campaign, by: User, data: dict[str, Any], request=None) -> LedgerItem:
    item = LedgerItem(campaign=campaign, zone=campaign.zone, created_by=by)
    for name, value in data.items():
        if name in ITEM_FIELDS:
            setattr(item, name, value)
    if not item.number:
        item.number = next_number(campaign)
    if not item.found_on:
        item.found_on = timezone.localdate()
    if LedgerItem.objects.filter(campaign=campaign, number=item.number).exists():
        raise ValidationError({"number": [f"编号“{item.number}”在本专项行动中已存在。"]})
    validate_item(item)
    item.save()
    ItemEvent.objects.create(
        item=item, kind=ItemEvent.Kind.CREATED, to_status=item.status, actor=by,
        actor_unit=_unit_of(by), note=item.problem[:200],
    )  # fmt: skip
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=item,
        root=item,
        zone=item.zone,
        changes=_changes(item, {}, ITEM_FIELDS),
        version=item.version,
        request=request,
    )
    return item


def _locked(item: LedgerItem, expected_version: int | None) -> LedgerItem:
    fresh = (
        LedgerItem.objects.select_for_update(of=("self",))
        .select_related("campaign", "zone")
        .get(pk=item.pk)
    )
    if expected_version is not None and fresh.version != expected_version:
        raise EditConflict(
            label=f"整改事项{fresh.number}", events=_events_since(fresh, expected_version)
        )
    return fresh


@transaction.atomic
def item_update(
    *, item: LedgerItem, by: User, data: dict[str, Any], expected_version: int | None, request=None
) -> LedgerItem:
    """Change the registration fields (not the status) of an item not yet closed."""
    item = _locked(item, expected_version)
    if item.status == Status.CLOSED:
        raise ValidationError("已销号的事项不能修改；如问题反弹，请重新挂账。")
    before = {n: display_value(item, n) for n in ITEM_FIELDS}
    for name, value in data.items():
        if name in ITEM_FIELDS:
            setattr(item, name, value)
    if (
        LedgerItem.objects.filter(campaign=item.campaign, number=item.number)
        .exclude(pk=item.pk)
        .exists()
    ):
        raise ValidationError({"number": [f"编号“{item.number}”在本专项行动中已存在。"]})
    validate_item(item)
    changes = _changes(item, before, ITEM_FIELDS)
    if not changes:
        return item
    item.version += 1
    item.save()
    ItemEvent.objects.create(
        item=item, kind=ItemEvent.Kind.EDITED, from_status=item.status, to_status=item.status,
        actor=by, actor_unit=_unit_of(by),
        note="；".join(f"{c['label']}：{c['old']}→{c['new']}" for c in changes)[:1000],
    )  # fmt: skip
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, target=item, zone=item.zone, changes=changes,
        version=item.version, request=request,
    )  # fmt: skip
    return item


# --- items: the life from 待整改 to 已销号 ---------------------------------------------------------


def _move(
    item: LedgerItem,
    *,
    by: User,
    kind: str,
    to: str,
    note: str = "",
    extra: list[str] | None = None,
    request=None,
) -> LedgerItem:
    old = item.status
    item.status = to
    item.version += 1
    item.save(update_fields=["status", "version", "updated_at", *(extra or [])])
    ItemEvent.objects.create(
        item=item, kind=kind, from_status=old, to_status=to, note=note, actor=by,
        actor_unit=_unit_of(by),
    )  # fmt: skip
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=item,
        zone=item.zone,
        version=item.version,
        changes=[
            {
                "field": "status",
                "label": "状态",
                "old": Status(old).label,
                "new": Status(to).label,
            }
        ],
        note=f"{ItemEvent.Kind(kind).label}{'：' + note if note else ''}"[:300],
        request=request,
    )
    return item


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValidationError(message)


@transaction.atomic
def item_start(*, item: LedgerItem, by: User, expected_version: int | None = None, note: str = "",
               request=None) -> LedgerItem:  # fmt: skip
    """待整改 → 整改中."""
    item = _locked(item, expected_version)
    _check_rectifier(by, item, request)
    _require(
        item.status == Status.PENDING,
        f"事项{item.number}当前为{item.get_status_display()}，不能开始整改。",
    )
    return _move(item, by=by, kind=ItemEvent.Kind.STARTED, to=Status.IN_PROGRESS, note=note,
                 request=request)  # fmt: skip


@transaction.atomic
def item_progress(*, item: LedgerItem, by: User, progress: str,
                  expected_version: int | None = None, request=None) -> LedgerItem:  # fmt: skip
    """Record 整改进展 (an item still pending starts moving)."""
    item = _locked(item, expected_version)
    _check_rectifier(by, item, request)
    _require(bool(progress.strip()), "请填写整改进展。")
    _require(
        item.status in (Status.PENDING, Status.IN_PROGRESS),
        f"事项{item.number}当前为{item.get_status_display()}，不能更新进展。",
    )
    item.progress = progress.strip()
    return _move(item, by=by, kind=ItemEvent.Kind.PROGRESS, to=Status.IN_PROGRESS,
                 note=progress.strip()[:1000], extra=["progress"], request=request)  # fmt: skip


@transaction.atomic
def item_apply(*, item: LedgerItem, by: User, note: str = "", rectified_on: dt.date | None = None,
               expected_version: int | None = None, request=None) -> LedgerItem:  # fmt: skip
    """整改中 → 申请销号: the responsible party says it is fixed; evidence is required."""
    item = _locked(item, expected_version)
    _check_rectifier(by, item, request)
    _require(
        item.status in (Status.PENDING, Status.IN_PROGRESS),
        f"事项{item.number}当前为{item.get_status_display()}，不能申请销号。",
    )
    _require(item.evidence.exists(), f"事项{item.number}尚未上传佐证材料，不能申请销号。")
    item.rectified_on = rectified_on or timezone.localdate()
    item.applied_by = by
    return _move(item, by=by, kind=ItemEvent.Kind.APPLIED, to=Status.APPLIED, note=note,
                 extra=["rectified_on", "applied_by"], request=request)  # fmt: skip


@transaction.atomic
def item_check_start(*, item: LedgerItem, by: User, expected_version: int | None = None,
                     request=None) -> LedgerItem:  # fmt: skip
    """申请销号 → 核查中: a checker of another unit takes the item for an on-site check."""
    item = _locked(item, expected_version)
    _check_checker(by, item, request)
    _require(
        item.status == Status.APPLIED,
        f"事项{item.number}当前为{item.get_status_display()}，不在待核查状态。",
    )
    item.checked_by = by
    return _move(item, by=by, kind=ItemEvent.Kind.CHECK_STARTED,
                 to=Status.CHECKING, note="开始现场核查", extra=["checked_by"], request=request)  # fmt: skip


@transaction.atomic
def item_check(*, item: LedgerItem, by: User, passed: bool, note: str = "",
               expected_version: int | None = None, request=None) -> LedgerItem:  # fmt: skip
    """核查: passed → 公示 (when the campaign requires it) or 已销号; failed → back to 整改中
    (继续挂账) with the reason kept. A failed check during 公示 (an objection) does the same."""
    item = _locked(item, expected_version)
    _check_checker(by, item, request)
    _require(
        item.status in (Status.APPLIED, Status.CHECKING, Status.PUBLICITY),
        f"事项{item.number}当前为{item.get_status_display()}，不在待核查状态。",
    )
    if not passed:
        _require(bool(note.strip()), "核查未通过时须写明原因。")
        item.last_failure = note.strip()[:300]
        item.rectified_on = None
        item.publicity_until = None
        item.checked_by = by
        return _move(item, by=by, kind=ItemEvent.Kind.CHECK_FAILED, to=Status.IN_PROGRESS,
                     note=note.strip(), request=request,
                     extra=["last_failure", "rectified_on", "publicity_until", "checked_by"])  # fmt: skip
    _require(item.status != Status.PUBLICITY, f"事项{item.number}正在公示，公示期满后销号。")
    item.checked_by = by
    campaign = item.campaign
    if campaign.publicity_required:
        item.publicity_until = timezone.localdate() + dt.timedelta(days=campaign.publicity_days)
        ItemEvent.objects.create(
            item=item, kind=ItemEvent.Kind.CHECK_PASSED, from_status=item.status,
            to_status=Status.PUBLICITY, note=note, actor=by, actor_unit=_unit_of(by),
        )  # fmt: skip
        return _move(item, by=by, kind=ItemEvent.Kind.PUBLICITY, to=Status.PUBLICITY,
                     note=f"公示至{item.publicity_until:%Y-%m-%d}",
                     extra=["checked_by", "publicity_until"], request=request)  # fmt: skip
    item.closed_on = timezone.localdate()
    ItemEvent.objects.create(
        item=item, kind=ItemEvent.Kind.CHECK_PASSED, from_status=item.status,
        to_status=Status.CLOSED, note=note, actor=by, actor_unit=_unit_of(by),
    )  # fmt: skip
    return _move(item, by=by, kind=ItemEvent.Kind.CLOSED, to=Status.CLOSED, note=note,
                 extra=["checked_by", "closed_on"], request=request)  # fmt: skip


@transaction.atomic
def item_close(*, item: LedgerItem, by: User, note: str = "",
               expected_version: int | None = None, request=None) -> LedgerItem:  # fmt: skip
    """公示 → 已销号 once the publicity period has ended without objection."""
    item = _locked(item, expected_version)
    _check_checker(by, item, request)
    _require(
        item.status == Status.PUBLICITY,
        f"事项{item.number}当前为{item.get_status_display()}，不在公示中。",
    )
    today = timezone.localdate()
    _require(
        item.publicity_until is None or today >= item.publicity_until,
        f"事项{item.number}公示至{item.publicity_until:%Y-%m-%d}，公示期满后才能销号。",
    )
    item.closed_on = today
    return _move(item, by=by, kind=ItemEvent.Kind.CLOSED, to=Status.CLOSED, note=note,
                 extra=["closed_on"], request=request)  # fmt: skip


@transaction.atomic
def item_reopen(*, item: LedgerItem, by: User, reason: str,
                expected_version: int | None = None, request=None) -> LedgerItem:  # fmt: skip
    """已销号 → 整改中 (重新挂账) when the problem comes back; the history stays."""
    item = _locked(item, expected_version)
    _check_checker(by, item, request)
    _require(item.status == Status.CLOSED, f"事项{item.number}尚未销号，不需要重新挂账。")
    _require(bool(reason.strip()), "重新挂账须写明原因。")
    item.closed_on = None
    item.rectified_on = None
    item.publicity_until = None
    item.applied_by = None
    item.reopen_count += 1
    item.last_failure = reason.strip()[:300]
    return _move(item, by=by, kind=ItemEvent.Kind.REOPENED, to=Status.IN_PROGRESS,
                 note=reason.strip(), request=request,
                 extra=["closed_on", "rectified_on", "publicity_until", "applied_by",
                        "reopen_count", "last_failure"])  # fmt: skip


def _check_rectifier(by: User, item: LedgerItem, request) -> None:
    """A second guard behind the views' and API's access check (which audits the refusal; an
    audit row written here would be rolled back with the transaction)."""
    if not access.can_rectify_item(by, item):
        raise PermissionDenied("只有整改责任部门（单位）可以办理整改")


def _check_checker(by: User, item: LedgerItem, request) -> None:
    reason = access.check_refusal(by, item)
    if reason:
        raise PermissionDenied(reason)


# --- evidence -------------------------------------------------------------------------------------


@transaction.atomic
def evidence_add(
    *, item: LedgerItem, by: User, files: list[CleanFile], request=None
) -> list[Evidence]:
    from django.core.files.base import ContentFile

    from .evidence import MAX_PER_ITEM

    item = LedgerItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if not access.can_rectify_item(by, item):
        raise PermissionDenied("只有整改责任部门（单位）可以上传佐证材料。")
    _require(item.status != Status.CLOSED, "已销号的事项不能再上传佐证材料。")
    count = item.evidence.count()
    if count + len(files) > MAX_PER_ITEM:
        raise ValidationError(f"每个事项最多{MAX_PER_ITEM}个佐证材料（已有{count}个）。")
    made = []
    for f in files:
        ev = Evidence(item=item, original_name=f.name, content_type=f.content_type, size=len(f.content),
                      uploaded_by=by)  # fmt: skip
        ev.file.save(
            f"{item.pk}-{timezone.now():%H%M%S%f}.{f.ext}", ContentFile(f.content), save=False
        )
        ev.save()
        made.append(ev)
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, target=item, zone=item.zone,
        note=f"上传佐证材料：{'、'.join(f.name for f in files)}"[:300], request=request,
    )  # fmt: skip
    return made
