"""整改事项 through the import pipeline: the 台账 layout a campaign's lead department keeps in
Excel. New rows become items in 待整改; rows matching an item (by 编号, else by 问题描述 and
点位) update its registration fields unless it is closed. Status changes never come from Excel:
the check by another unit is the point of the ledger."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, Role, User
from zonedesk.intake.reader import Column, Row, choice_lookup, normalize_name
from zonedesk.intake.sheets import (
    Context,
    RowError,
    RowPlan,
    SheetSpec,
    errors_to_problems,
    restore_value,
)
from zonedesk.projects.services import display_value
from zonedesk.zones.models import Department, Organisation

from .models import Campaign, DeadlineClass, ItemEvent, LedgerItem, Source, Status
from .services import ITEM_FIELDS, validate_item


def _labels_of(choices) -> tuple[str, ...]:
    return tuple(label for value, label in choices if value)


COLUMNS = [
    Column("number", "编号", "code", ("序号编号", "问题编号", "台账编号"), max_length=30,
           note="可不填，系统自动编号。填写时按编号匹配已有事项。"),
    Column("campaign", "专项行动", "text", ("行动名称", "专项行动名称", "所属行动"), required=True,
           max_length=100, example="生态环境“5+2”专项行动"),
    Column("problem", "问题描述", "text", ("问题", "存在问题", "问题清单", "问题内容"), required=True,
           example="厂区东侧物料露天堆放，未苫盖"),
    Column("place", "点位/企业", "text", ("点位", "问题点位", "地点", "企业名称", "涉及企业", "位置"),
           required=True, max_length=120, example="阳泉某耐材公司"),
    Column("category", "问题类别", "text", ("类别", "问题类型", "类型"), max_length=30, example="扬尘"),
    Column("source", "问题来源", "choice", ("来源",), choices=_labels_of(Source.choices), example="自查"),
    Column("found_on", "发现日期", "date", ("排查日期", "交办日期"), example="2026-03-02"),
    Column("responsible_department", "责任部门", "text", ("牵头部门", "责任科室"), max_length=60,
           example="生态环境部"),
    Column("responsible_unit", "责任单位", "text", ("整改单位", "责任企业"), max_length=120),
    Column("responsible_person", "责任人", "text", ("整改责任人",), max_length=30, example="张三"),
    Column("supervising_department", "督办部门", "text", ("督办单位", "核查部门"), max_length=60,
           example="党政办公室"),
    Column("measures", "整改措施", "text", ("措施", "任务清单", "整改任务"), example="全部苫盖并设置围挡"),
    Column("deadline_class", "时限类别", "choice", ("整改类别", "时限要求"),
           choices=_labels_of(DeadlineClass.choices), example="短期"),
    Column("deadline", "整改时限", "date", ("完成时限", "整改期限", "整改时间"), example="2026-04-30"),
]  # fmt: skip
SOURCE_SYNONYMS = {"交办": Source.ASSIGNED, "上级交办": Source.ASSIGNED, "中央交办": Source.ASSIGNED,
                   "省交办": Source.ASSIGNED, "市交办": Source.ASSIGNED, "环保督察": Source.INSPECTION,
                   "督察交办": Source.INSPECTION}  # fmt: skip
DEADLINE_SYNONYMS = {"立即整改": DeadlineClass.IMMEDIATE, "长期坚持": DeadlineClass.LONG}


class LedgerItemSheet(SheetSpec):
    kind = "ledger_items"
    title = "问题整改台账"
    model = LedgerItem
    columns = COLUMNS
    key_help = "有编号时按“专项行动+编号”匹配已有事项，否则按“专项行动+问题描述+点位”匹配。"
    instructions = [
        "专项行动须先在系统中建立；新增的事项状态为“待整改”。",
        "问题描述、来源、责任部门、责任人、整改措施、整改时限为必填（登记即生效）。",
        "状态、销号不能通过导入修改：须由责任部门申请、其他单位核查。",
    ]

    def can_import(self, user: User) -> bool:
        return user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF)

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        ctx.lookups["campaigns"] = {
            normalize_name(c.name): c for c in Campaign.objects.filter(zone=ctx.zone)
        }
        ctx.lookups["departments"] = {
            normalize_name(d.name): d for d in Department.objects.filter(zone=ctx.zone)
        }
        ctx.lookups["orgs"] = {
            normalize_name(o.name): o for o in Organisation.objects.filter(zone=ctx.zone)
        }
        ctx.lookups["source"] = choice_lookup(Source.choices, SOURCE_SYNONYMS)
        ctx.lookups["deadline_class"] = choice_lookup(DeadlineClass.choices, DEADLINE_SYNONYMS)

    def key(self, ctx: Context, row: Row) -> tuple:
        campaign = normalize_name(row.values.get("campaign") or "")
        number = row.values.get("number")
        if number:
            return (campaign, "number", number)
        return (
            campaign,
            "text",
            normalize_name(row.values.get("problem") or "") + "@" + normalize_name(row.values.get("place") or ""),
        )  # fmt: skip

    def key_label(self, key: tuple) -> str:
        return "编号" if key[1] == "number" else "问题描述和点位"

    def existing(self, ctx: Context, keys: list[tuple]) -> dict[tuple, models.Model]:
        ids = [c.pk for c in ctx.lookups["campaigns"].values()]
        qs = LedgerItem.objects.filter(campaign_id__in=ids)
        if ctx.lock:
            qs = qs.select_for_update(of=("self",))
        names = {c.pk: n for n, c in ctx.lookups["campaigns"].items()}
        found = {}
        for item in qs:
            name = names[item.campaign_id]
            found[(name, "number", item.number)] = item
            found[
                (name, "text", normalize_name(item.problem) + "@" + normalize_name(item.place))
            ] = item
        ctx.lookups["numbers"] = {(k[0], k[2]) for k in found if k[1] == "number"}
        return found

    def build(self, ctx: Context, row: Row, current: models.Model | None) -> RowPlan:
        v = row.values
        problems = []
        campaign = ctx.lookups["campaigns"].get(normalize_name(v.get("campaign") or ""))
        if campaign is None:
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "campaign",
                        f"没有名为“{v.get('campaign')}”的专项行动，请先在系统中建立。",
                    )
                ]
            )
        data: dict[str, Any] = {}
        for name in ("number", "problem", "place", "category", "responsible_person", "measures",
                     "found_on", "deadline"):  # fmt: skip
            if v.get(name) is not None:
                data[name] = v[name]
        for name in ("source", "deadline_class"):
            if v.get(name) is not None:
                value = ctx.lookups[name].get(normalize_name(v[name]))
                if value is None:
                    problems.append(ctx.problem(row, name, f"“{v[name]}”不是可选值。"))
                data[name] = value
        for name in ("responsible_department", "supervising_department"):
            if v.get(name) is not None:
                dept = ctx.lookups["departments"].get(normalize_name(v[name]))
                if dept is None:
                    problems.append(ctx.problem(row, name, f"本开发区没有“{v[name]}”这个部门。"))
                data[name] = dept
        if v.get("responsible_unit") is not None:
            org = ctx.lookups["orgs"].get(normalize_name(v["responsible_unit"]))
            if org is None:
                problems.append(
                    ctx.problem(
                        row, "responsible_unit", f"本开发区没有“{v['responsible_unit']}”这个单位。"
                    )
                )
            data["responsible_unit"] = org
        if problems:
            raise RowError(problems)
        if current is not None:
            if current.status == Status.CLOSED:
                raise RowError(
                    [ctx.problem(row, "problem", f"事项{current.number}已销号，不能通过导入修改。")]
                )
            instance = _copy(current)
            before = {n: display_value(current, n) for n in ITEM_FIELDS}
        else:
            instance = LedgerItem(campaign=campaign, zone=ctx.zone, created_by=ctx.user,
                                  source=Source.SELF)  # fmt: skip
            before = {}
        for name, value in data.items():
            setattr(instance, name, value)
        if current is None and not instance.found_on:
            from django.utils import timezone

            instance.found_on = timezone.localdate()
        try:
            validate_item(instance)
        except ValidationError as exc:
            labels = {f.name: str(f.verbose_name) for f in LedgerItem._meta.fields}
            raise RowError(errors_to_problems(ctx, row, exc, labels, {})) from exc
        plan = RowPlan(row, "create" if current is None else "update", instance, current, data=data)
        if current is not None:
            plan.note_changes(
                ITEM_FIELDS, before, {f.name: str(f.verbose_name) for f in LedgerItem._meta.fields}
            )
        return plan

    def save(self, ctx: Context, plans: list[RowPlan]) -> list[Any]:
        from zonedesk.intake.models import ImportChange

        from .services import next_number

        batch = ctx.batch
        note = f"Excel导入（批次#{batch.pk}，{batch.file_name}"
        changes = []
        for plan in plans:
            if plan.action == "unchanged":
                continue
            item = plan.instance
            if plan.action == "create":
                if not item.number:
                    item.number = next_number(item.campaign)
                item.save()
                ItemEvent.objects.create(
                    item=item, kind=ItemEvent.Kind.CREATED, to_status=item.status, actor=ctx.user,
                    actor_unit=ctx.user.department.name if ctx.user.department_id else "",
                    note=f"{note}第{plan.row.number}行）",
                )  # fmt: skip
            else:
                item.version = plan.existing.version + 1
                item.save()
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.CREATE if plan.action == "create" else AuditEvent.Action.UPDATE,
                target=item, zone=ctx.zone, changes=plan.changes, version=item.version,
                note=f"{note}第{plan.row.number}行）",
            )  # fmt: skip
            changes.append(
                ImportChange(
                    batch=batch, row=plan.row.number, model="ledgers.ledgeritem", object_id=item.pk,
                    label=str(item)[:200],
                    action=ImportChange.Action.CREATE if plan.action == "create" else ImportChange.Action.UPDATE,
                    before=plan.before, after=plan.after, version_after=item.version,
                )
            )  # fmt: skip
        return changes

    def undo_conflicts(self, changes: list[Any]) -> list[str]:
        current = LedgerItem.objects.select_for_update(of=("self",)).in_bulk(
            [c.object_id for c in changes]
        )
        out = []
        for c in changes:
            item = current.get(c.object_id)
            if item is not None and c.version_after and item.version != c.version_after:
                out.append(f"事项{item.number}在导入后又被修改或办理过")
        return out

    def undo(self, ctx: Context, changes: list[Any]) -> None:
        current = LedgerItem.objects.in_bulk([c.object_id for c in changes])
        batch = ctx.batch
        for change in reversed(changes):
            item = current.get(change.object_id)
            if item is None:
                continue
            if change.action == "create":
                audit_record(
                    actor=ctx.user, action=AuditEvent.Action.UPDATE, target=item, zone=ctx.zone,
                    note=f"撤销导入批次#{batch.pk}：删除导入时新增的整改事项",
                    changes=[{"field": "deleted", "label": "整改事项", "old": str(item), "new": "（已删除）"}],
                )  # fmt: skip
                item.delete()
                continue
            for name, value in change.before.items():
                f = LedgerItem._meta.get_field(name)
                setattr(item, f.attname, restore_value(LedgerItem, name, value))
            item.version += 1
            item.save()
            audit_record(
                actor=ctx.user, action=AuditEvent.Action.UPDATE, target=item, zone=ctx.zone,
                version=item.version, note=f"撤销导入批次#{batch.pk}（{batch.file_name}）",
            )  # fmt: skip


def _copy(instance: LedgerItem) -> LedgerItem:
    clone = LedgerItem()
    for f in LedgerItem._meta.concrete_fields:
        setattr(clone, f.attname, getattr(instance, f.attname))
    clone._state.adding = False
    return clone
