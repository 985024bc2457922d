"""Excel import of 招商引资 (招商项目台账, 跟进记录, 到位资金), as SheetSpecs in the intake pipeline:
upload → preview with every problem → one-transaction commit → undo. Registered into
zonedesk.intake.sheets.REGISTRY from InvestmentConfig.ready; templates come from the columns.

招商项目 are matched by 线索编号, else by 投资方 + 项目名称 within the zone. A new row whose
investor matches an existing lead (same credit code or a close name) is a problem naming the other
lead and its owner until the row says 确认撞单=是; it is then saved with a 撞单提醒 to both owners.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from zonedesk import access
from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, Role, User
from zonedesk.intake.reader import Column, Row, choice_lookup, normalize_name
from zonedesk.intake.sheets import (
    Context,
    RowError,
    RowPlan,
    SheetSpec,
    errors_to_problems,
    register,
    restore_value,
    stored_value,
)
from zonedesk.projects.services import display_value

from . import services
from .models import (
    ChainNode,
    Event,
    FollowUp,
    FundingArrival,
    Lead,
    LeadStage,
    Source,
    Team,
    stage_rank,
)
from .names import company_key


def _labels(model) -> dict[str, str]:
    return {f.name: str(f.verbose_name) for f in model._meta.fields}


def _copy(instance: models.Model) -> models.Model:
    model = type(instance)
    copy = model(**{f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields})
    copy._state.adding = False
    copy._state.db = instance._state.db
    copy._state.fields_cache.update(instance._state.fields_cache)
    return copy


def _choices(choices) -> tuple[str, ...]:
    return tuple(label for value, label in choices if value)


def _investment_importer(user: User) -> bool:
    return user.role in (Role.LEADER, Role.DEPUTY) or access.is_investment_staff(user)


def _changes(current, instance, names, labels) -> list[dict[str, str]]:
    out = []
    for name in names:
        old, new = display_value(current, name), display_value(instance, name)
        if old != new:
            out.append({"field": name, "label": labels[name], "old": old, "new": new})
    return out


# --- 招商项目 ----------------------------------------------------------------------------------------

SOURCE_SYNONYMS = {
    "招商会": Source.FAIR, "博览会": Source.FAIR, "进博会": Source.FAIR, "厦洽会": Source.FAIR,
    "商会": Source.ASSOCIATION, "协会": Source.ASSOCIATION, "中介机构": Source.AGENT,
    "驻外": Source.RESIDENT, "自主对接": Source.DIRECT, "上门招商": Source.DIRECT,
    "省市推送": Source.SUPERIOR, "上级交办": Source.SUPERIOR,
}  # fmt: skip
STAGE_SYNONYMS = {
    "信息": LeadStage.LEAD, "在谈": LeadStage.NEGOTIATING, "洽谈中": LeadStage.NEGOTIATING,
    "已签约": LeadStage.SIGNED, "注册": LeadStage.REGISTERED, "落地": LeadStage.REGISTERED,
    "已开工": LeadStage.STARTED, "已投产": LeadStage.PRODUCING, "竣工投产": LeadStage.PRODUCING,
    "放弃": LeadStage.TERMINATED, "中止": LeadStage.TERMINATED,
}  # fmt: skip

LEAD_COLUMNS = [
    Column("code", "线索编号", "code", ("编号", "项目编号", "招商项目编号"), max_length=30,
           note="留空则自动编号；再次导入时按线索编号匹配已有项目。", example="ZS-2026-0001", width=16),
    Column("name", "项目名称", "text", ("招商项目名称", "项目"), required=True, max_length=150,
           example="示例：储能电池PACK生产线项目", width=28),
    Column("opened_on", "线索日期", "date", ("登记日期", "获取时间", "信息来源时间")),
    Column("investor_name", "投资方", "text", ("投资主体", "投资企业", "客商名称", "企业名称", "签约企业"),
           required=True, max_length=120, example="示例：江苏某某储能科技有限公司", width=28),
    Column("investor_credit_code", "统一社会信用代码", "uscc", ("信用代码", "投资方信用代码")),
    Column("investor_origin", "投资方来源地", "text", ("来源地", "客商所在地", "投资方所在地"), max_length=30, example="江苏"),
    Column("content", "项目内容", "text", ("建设内容", "项目简介", "主要内容"), width=36),
    Column("industry_code", "行业代码", "code", ("国民经济行业代码",), max_length=4),
    Column("chain", "产业链", "text", ("所属产业链",), example="新能源电池"),
    Column("node", "产业链节点", "text", ("链条节点", "节点", "环节节点"), example="正极材料",
           note="须是招商图谱中该产业链的节点。"),
    Column("intended_investment", "意向投资额", "money", ("意向投资", "拟投资额", "计划投资额", "投资额"),
           unit="万元", example=Decimal("50000")),
    Column("land_need_mu", "用地需求", "area", ("用地面积", "拟用地"), unit="亩", example=Decimal("80")),
    Column("source", "线索来源", "choice", ("来源", "信息来源"), choices=_choices(Source.choices), example="展会"),
    Column("event", "来源活动", "text", ("招商活动", "展会名称")),
    Column("team", "负责小分队", "text", ("小分队", "招商小分队"), example="第一招商小分队"),
    Column("owner", "负责人", "text", ("跟进人", "招商责任人"), note="本开发区工作人员的姓名或用户名；留空为导入人。"),
    Column("contact_name", "投资方联系人", "text", ("联系人", "客商联系人"), max_length=30),
    Column("contact_title", "联系人职务", "text", ("职务",), max_length=30),
    Column("contact_phone", "联系电话", "text", ("电话", "手机", "联系方式"), max_length=30),
    Column("stage", "阶段", "choice", ("项目阶段", "进展阶段", "状态"), choices=_choices(LeadStage.choices),
           note="签约及以后的阶段须填签约日期和合同投资额；注册落地、开工、投产须填对应日期；终止须填原因。", example="洽谈"),
    Column("termination_reason", "终止原因", "text", ("中止原因",), max_length=200),
    Column("signed_date", "签约日期", "date", ("签约时间",)),
    Column("contract_amount", "合同投资额", "money", ("签约金额", "合同金额", "协议投资额"), unit="万元"),
    Column("committed_registration", "承诺注册日期", "date", ("承诺注册时间",)),
    Column("committed_start", "承诺开工日期", "date", ("承诺开工时间", "约定开工时间")),
    Column("committed_production", "承诺投产日期", "date", ("承诺投产时间", "约定投产时间")),
    Column("registered_date", "注册落地日期", "date", ("注册日期", "落地日期")),
    Column("started_date", "开工日期", "date", ("实际开工日期", "开工时间")),
    Column("producing_date", "投产日期", "date", ("实际投产日期", "投产时间")),
    Column("confirm_duplicate", "确认撞单", "bool", ("仍然登记",), choices=("是", "否"),
           note="投资方与已有招商项目疑似重复时，核实后填“是”才会登记，并提醒双方负责人。"),
]  # fmt: skip
LEAD_SHEET_FIELDS = [
    "name", "opened_on", "investor_name", "investor_credit_code", "investor_origin", "content",
    "industry_code", "node", "intended_investment", "land_need_mu", "source", "event", "team",
    "owner", "contact_name", "contact_title", "contact_phone", "stage", "termination_reason",
    "signed_date", "contract_amount", "committed_registration", "committed_start",
    "committed_production", "registered_date", "started_date", "producing_date",
]  # fmt: skip
PLAIN = [
    "name", "opened_on", "investor_name", "investor_credit_code", "investor_origin", "content",
    "industry_code", "intended_investment", "land_need_mu", "contact_name", "contact_title",
    "contact_phone", "termination_reason", "signed_date", "contract_amount",
    "committed_registration", "committed_start", "committed_production", "registered_date",
    "started_date", "producing_date",
]  # fmt: skip
STAGE_NEEDS = {
    LeadStage.REGISTERED: "registered_date",
    LeadStage.STARTED: "started_date",
    LeadStage.PRODUCING: "producing_date",
}


class LeadSheet(SheetSpec):
    """招商项目台账: one row per lead."""

    kind = "investment_leads"
    title = "招商项目"
    model = Lead
    columns = LEAD_COLUMNS
    key_help = "按“线索编号”匹配本开发区已有招商项目；没有编号时按“投资方 + 项目名称”匹配。匹配到即更新，否则新增。"
    instructions = [
        "金额默认单位为万元，可写“1.2亿”“3,000万元”；用地单位为亩。",
        "投资方与已有招商项目相同（信用代码相同或名称相近）时视为疑似撞单，须在“确认撞单”列填“是”。",
        "空白单元格不会清空系统中已有的值；已转为重点项目的招商项目，开工、投产以项目库为准。",
    ]

    def can_import(self, user: User) -> bool:
        return _investment_importer(user)

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        zone = ctx.zone
        nodes: dict[tuple[str, str], ChainNode] = {}
        by_name: dict[str, list[ChainNode]] = {}
        for node in ChainNode.objects.filter(chain__zone=zone).select_related("chain"):
            nodes[(normalize_name(node.chain.name), normalize_name(node.name))] = node
            by_name.setdefault(normalize_name(node.name), []).append(node)
        ctx.lookups["nodes"], ctx.lookups["nodes_by_name"] = nodes, by_name
        ctx.lookups["teams"] = {normalize_name(t.name): t for t in Team.objects.filter(zone=zone)}
        ctx.lookups["events"] = {normalize_name(e.name): e for e in Event.objects.filter(zone=zone)}
        people: dict[str, list[User]] = {}
        for u in User.objects.filter(
            zone=zone, is_active=True, role__in=[Role.LEADER, Role.DEPUTY, Role.STAFF]
        ):
            for name in {normalize_name(u.name), normalize_name(u.username)}:
                people.setdefault(name, []).append(u)
        ctx.lookups["people"] = people
        ctx.lookups["source"] = choice_lookup(Source.choices, SOURCE_SYNONYMS)
        ctx.lookups["stage"] = choice_lookup(LeadStage.choices, STAGE_SYNONYMS)
        ctx.lookups["next_code"] = None
        # The zone's investors once, for the duplicate guard of every new row.
        ctx.lookups["investors"] = list(
            Lead.objects.filter(zone=zone)
            .select_related("owner")
            .only(
                "id",
                "code",
                "name",
                "investor_key",
                "investor_credit_code",
                "owner__display_name",
                "owner__username",
            )
        )

    def key(self, ctx: Context, row: Row) -> tuple:
        code = row.values.get("code")
        if code:
            return ("code", code)
        return (
            "name",
            company_key(row.values.get("investor_name") or ""),
            normalize_name(row.values.get("name") or ""),
        )

    def key_label(self, key: tuple) -> str:
        return f"线索编号{key[1]}" if key[0] == "code" else "投资方和项目名称"

    def existing(self, ctx: Context, keys: list[tuple]) -> dict[tuple, models.Model]:
        qs = Lead.objects.filter(zone=ctx.zone).select_related(
            "node__chain", "team", "event", "owner", "project"
        )
        if ctx.lock:
            qs = qs.select_for_update(of=("self",))
        codes = [k[1] for k in keys if k[0] == "code"]
        found: dict[tuple, Any] = {}
        for lead in qs.filter(code__in=codes):
            found[("code", lead.code)] = lead
        if any(k[0] == "name" for k in keys):
            by_key: dict[tuple, list[Lead]] = {}
            for lead in qs:
                by_key.setdefault(
                    ("name", lead.investor_key, normalize_name(lead.name)), []
                ).append(lead)
            for key, leads in by_key.items():
                found[key] = leads[0] if len(leads) == 1 else leads
        return found

    def _resolve(self, ctx: Context, row: Row, data: dict[str, Any]) -> list:
        problems = []
        values = row.values
        for name in PLAIN:
            if values.get(name) is not None:
                data[name] = values[name]
        for name in ("source", "stage"):
            text = values.get(name)
            if text is not None:
                value = ctx.lookups[name].get(normalize_name(text))
                if value is None:
                    choices = Source.choices if name == "source" else LeadStage.choices
                    problems.append(
                        ctx.problem(
                            row, name, f"“{text}”不是可选值，应为：{'、'.join(_choices(choices))}。"
                        )
                    )
                else:
                    data[name] = value
        node_text, chain_text = values.get("node"), values.get("chain")
        if node_text is not None:
            node = None
            if chain_text:
                node = ctx.lookups["nodes"].get(
                    (normalize_name(chain_text), normalize_name(node_text))
                )
            else:
                found = ctx.lookups["nodes_by_name"].get(normalize_name(node_text), [])
                node = found[0] if len(found) == 1 else None
                if len(found) > 1:
                    problems.append(
                        ctx.problem(
                            row,
                            "node",
                            f"有{len(found)}条产业链都有“{node_text}”节点，请同时填写产业链。",
                        )
                    )
                    node = False
            if node is None:
                where = f"产业链“{chain_text}”" if chain_text else "招商图谱"
                problems.append(ctx.problem(row, "node", f"{where}中没有“{node_text}”节点。"))
            elif node:
                data["node"] = node
        for name, lookup, what in (
            ("team", "teams", "招商小分队"),
            ("event", "events", "招商活动"),
        ):
            text = values.get(name)
            if text is not None:
                found = ctx.lookups[lookup].get(normalize_name(text))
                if found is None:
                    problems.append(ctx.problem(row, name, f"本开发区没有名为“{text}”的{what}。"))
                else:
                    data[name] = found
        text = values.get("owner")
        if text is not None:
            found = ctx.lookups["people"].get(normalize_name(text), [])
            if len(found) != 1:
                reason = (
                    f"本开发区没有名为“{text}”的工作人员。"
                    if not found
                    else f"有{len(found)}位工作人员名为“{text}”，请改填用户名。"
                )
                problems.append(ctx.problem(row, "owner", reason))
            else:
                data["owner"] = found[0]
        return problems

    def build(self, ctx: Context, row: Row, current: models.Model | None) -> RowPlan:
        user = ctx.user
        if isinstance(current, list):
            raise RowError(
                [
                    ctx.problem(
                        row, "name", f"本开发区有{len(current)}个同名招商项目，请填写线索编号。"
                    )
                ]
            )
        data: dict[str, Any] = {}
        problems = self._resolve(ctx, row, data)
        if problems:
            raise RowError(problems)
        labels = _labels(Lead)
        if current is not None:
            if not access.can_edit_lead(user, current):
                raise RowError(
                    [
                        ctx.problem(
                            row,
                            "name",
                            f"无权修改招商项目“{current.name}”（负责人：{current.owner.name}）。",
                        )
                    ]
                )
            instance = _copy(current)
        else:
            if not access.can_create_lead(user, ctx.zone.pk):
                raise RowError([ctx.problem(row, "name", "您的角色不能登记招商项目。")])
            instance = Lead(zone=ctx.zone, created_by=user, owner=user, stage=LeadStage.LEAD)
            instance.code = row.values.get("code") or self._next_code(ctx)
        for name, value in data.items():
            setattr(instance, name, value)
        if (
            data.get("signed_date")
            and "stage" not in data
            and stage_rank(instance.stage) < stage_rank(LeadStage.SIGNED)
        ):
            instance.stage = LeadStage.SIGNED
        instance.investor_key = company_key(instance.investor_name)
        stage = instance.stage
        extra: dict[str, list[str]] = {}
        if (
            current is not None
            and current.project_id
            and ("started_date" in data or "producing_date" in data)
        ):
            extra["started_date"] = ["已转为重点项目，开工、投产日期以项目库为准。"]
        if (
            stage != LeadStage.TERMINATED
            and stage_rank(stage) >= stage_rank(LeadStage.SIGNED)
            and not instance.signed_date
        ):
            extra["signed_date"] = [f"阶段为“{LeadStage(stage).label}”须填写签约日期和合同投资额。"]
        for needed_stage, field in STAGE_NEEDS.items():
            if stage == needed_stage and not getattr(instance, field):
                extra.setdefault(field, []).append(
                    f"阶段为“{needed_stage.label}”须填写{labels[field]}。"
                )
        if stage == LeadStage.TERMINATED and not instance.terminated_from:
            instance.terminated_from = (
                current.stage
                if current is not None and current.stage != LeadStage.TERMINATED
                else (LeadStage.SIGNED if instance.signed_date else LeadStage.LEAD)
            )
        try:
            services.validate_lead(instance)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                extra.setdefault(field, []).extend(messages)
        if extra:
            raise RowError(errors_to_problems(ctx, row, ValidationError(extra), labels, {}))
        plan = RowPlan(row, "create" if current is None else "update", instance, current, data=data)
        if current is None:
            matches = self._duplicates(ctx, instance)
            if matches and not row.values.get("confirm_duplicate"):
                names = "；".join(
                    f"{m.code}“{m.name}”（负责人：{m.owner.name}）" for m in matches[:3]
                )
                raise RowError(
                    [
                        ctx.problem(
                            row,
                            "investor_name",
                            f"疑似撞单：本开发区已有该投资方的招商项目{names}。核实后在“确认撞单”列填“是”可仍然登记。",
                        )
                    ]
                )
            plan.after = {"duplicates": [m.pk for m in matches]}
            return plan
        names = [*data, "stage", "terminated_from"]
        plan.changes = _changes(
            current, instance, [n for n in dict.fromkeys(names) if n != "terminated_from"], labels
        )
        changed = [c["field"] for c in plan.changes]
        if "stage" in changed:
            changed.append("terminated_from")
        if not plan.changes:
            plan.action = "unchanged"
        else:
            plan.before = {n: stored_value(current, n) for n in changed + ["investor_key"]}
            plan.after = {n: stored_value(instance, n) for n in changed + ["investor_key"]}
        return plan

    def _duplicates(self, ctx: Context, lead: Lead) -> list[Lead]:
        from .names import similarity

        threshold = services.duplicate_threshold()
        return [
            other
            for other in ctx.lookups["investors"]
            if (
                lead.investor_credit_code
                and other.investor_credit_code == lead.investor_credit_code
            )
            or similarity(lead.investor_key, other.investor_key, threshold=threshold) >= threshold
        ]

    def _next_code(self, ctx: Context) -> str:
        current = ctx.lookups.get("next_code")
        if current is None:
            current = services.next_lead_code(ctx.zone)
        else:
            prefix, _, serial = current.rpartition("-")
            current = f"{prefix}-{int(serial) + 1:04d}"
        ctx.lookups["next_code"] = current
        return current

    def save(self, ctx: Context, plans: list[RowPlan]) -> list[Any]:
        from zonedesk.intake.models import ImportChange

        batch = ctx.batch
        note = f"Excel导入（批次#{batch.pk}，{batch.file_name}"
        changes = []
        for plan in plans:
            lead = plan.instance
            if plan.action == "create":
                lead.save()
                audit_record(
                    actor=ctx.user,
                    action=AuditEvent.Action.CREATE,
                    target=lead,
                    version=lead.version,
                    note=f"{note}第{plan.row.number}行）登记招商项目，投资方{lead.investor_name}",
                )
                others = Lead.objects.filter(pk__in=plan.after.get("duplicates", []))
                services._flag(
                    lead,
                    [
                        services.DuplicateMatch(
                            o, "投资方疑似相同（Excel导入时确认）", Decimal("1.000")
                        )
                        for o in others
                    ],
                    by=ctx.user,
                )
                changes.append(
                    ImportChange(
                        batch=batch,
                        row=plan.row.number,
                        model="investment.lead",
                        object_id=lead.pk,
                        label=str(lead)[:200],
                        action=ImportChange.Action.CREATE,
                        version_after=lead.version,
                    )
                )
            elif plan.action == "update":
                lead.version = plan.existing.version + 1
                lead.save()
                audit_record(
                    actor=ctx.user,
                    action=AuditEvent.Action.UPDATE,
                    target=lead,
                    changes=plan.changes,
                    version=lead.version,
                    note=f"{note}第{plan.row.number}行）",
                )
                changes.append(
                    ImportChange(
                        batch=batch,
                        row=plan.row.number,
                        model="investment.lead",
                        object_id=lead.pk,
                        label=str(lead)[:200],
                        action=ImportChange.Action.UPDATE,
                        before=plan.before,
                        after=plan.after,
                        version_after=lead.version,
                    )
                )
        return changes

    def undo_conflicts(self, changes: list[Any]) -> list[str]:
        current = Lead.objects.select_for_update(of=("self",)).in_bulk(
            [c.object_id for c in changes]
        )
        used = set(FollowUp.objects.filter(lead_id__in=current).values_list("lead_id", flat=True))
        used |= set(
            FundingArrival.objects.filter(lead_id__in=current).values_list("lead_id", flat=True)
        )
        problems = []
        for change in changes:
            lead = current.get(change.object_id)
            if lead is None:
                continue
            if lead.version != change.version_after:
                problems.append(f"招商项目“{lead.name}”（{lead.code}）在导入后又被修改过")
            elif change.action == "create" and (lead.pk in used or lead.project_id):
                problems.append(
                    f"招商项目“{lead.name}”已有跟进、到位资金或已转为重点项目，不能删除"
                )
        return problems

    def undo(self, ctx: Context, changes: list[Any]) -> None:
        batch = ctx.batch
        current = Lead.objects.select_related("zone").in_bulk([c.object_id for c in changes])
        for change in reversed(changes):
            lead = current.get(change.object_id)
            if lead is None:
                continue
            if change.action == "create":
                audit_record(
                    actor=ctx.user,
                    action=AuditEvent.Action.UPDATE,
                    target=lead,
                    note=f"撤销导入批次#{batch.pk}：删除导入时登记的招商项目{lead.code}",
                    changes=[
                        {
                            "field": "deleted",
                            "label": "招商项目",
                            "old": lead.name,
                            "new": "（已删除）",
                        }
                    ],
                )
                lead.delete()
                continue
            for name, value in change.before.items():
                setattr(lead, lead._meta.get_field(name).attname, restore_value(Lead, name, value))
                lead._state.fields_cache.pop(name, None)
            lead.version += 1
            lead.save()
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.UPDATE,
                target=lead,
                version=lead.version,
                note=f"撤销导入批次#{batch.pk}（{batch.file_name}）",
            )


# --- follow-ups and funding: rows that belong to a lead ----------------------------------------------


LEAD_REF = [
    Column("lead_code", "线索编号", "code", ("编号", "招商项目编号", "项目编号"), max_length=30,
           note="所属招商项目的线索编号；留空时按项目名称匹配。", example="ZS-2026-0001", width=16),
    Column("lead_name", "项目名称", "text", ("招商项目名称", "项目"), max_length=150, width=26),
]  # fmt: skip


class _LeadChildSheet(SheetSpec):
    """Rows attached to a lead the user may work on, matched by 线索编号 (else 项目名称)."""

    def can_import(self, user: User) -> bool:
        return _investment_importer(user)

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        leads = list(Lead.objects.filter(zone=ctx.zone).select_related("team", "owner", "zone"))
        ctx.lookups["by_code"] = {lead.code: lead for lead in leads}
        by_name: dict[str, list[Lead]] = {}
        for lead in leads:
            by_name.setdefault(normalize_name(lead.name), []).append(lead)
        ctx.lookups["by_name"] = by_name

    def lead(self, ctx: Context, row: Row) -> Lead:
        code, name = row.values.get("lead_code"), row.values.get("lead_name")
        if code:
            lead = ctx.lookups["by_code"].get(code)
            if lead is None:
                raise RowError(
                    [ctx.problem(row, "lead_code", f"本开发区没有线索编号为{code}的招商项目。")]
                )
        elif name:
            found = ctx.lookups["by_name"].get(normalize_name(name), [])
            if len(found) != 1:
                reason = (
                    f"本开发区没有名为“{name}”的招商项目。"
                    if not found
                    else f"有{len(found)}个招商项目名为“{name}”，请填写线索编号。"
                )
                raise RowError([ctx.problem(row, "lead_name", reason)])
            lead = found[0]
        else:
            raise RowError(
                [ctx.problem(row, "lead_code", "请填写线索编号或项目名称。", label="线索编号")]
            )
        if not access.can_edit_lead(ctx.user, lead):
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "lead_code",
                        f"无权修改招商项目“{lead.name}”（负责人：{lead.owner.name}）。",
                        label="线索编号",
                    )
                ]
            )
        return lead

    def lead_key(self, row: Row) -> str:
        return row.values.get("lead_code") or normalize_name(row.values.get("lead_name") or "")

    def undo_conflicts(self, changes: list[Any]) -> list[str]:
        return []

    def undo(self, ctx: Context, changes: list[Any]) -> None:
        model = self.model
        current = model.objects.select_related("lead__zone").in_bulk(
            [c.object_id for c in changes if c.action == "create"]
        )
        for change in reversed(changes):
            obj = current.get(change.object_id)
            if obj is None:
                continue
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.UPDATE,
                target=obj.lead,
                zone=obj.lead.zone,
                note=f"撤销导入批次#{ctx.batch.pk}：删除导入时新增的{self.title}（{obj}）",
            )
            obj.delete()


FOLLOWUP_COLUMNS = LEAD_REF + [
    Column("kind", "方式", "choice", ("跟进方式", "类型"), choices=_choices(FollowUp.Kind.choices), example="走访"),
    Column("date", "日期", "date", ("跟进日期", "时间"), required=True, example=dt.date(2026, 3, 2)),
    Column("place", "地点", "text", ("跟进地点",), max_length=60, example="江苏常州"),
    Column("participants", "参与人员", "text", ("人员", "参加人员", "跟进人"), max_length=200, example="钱投促、李副主任"),
    Column("outcome", "成果", "text", ("跟进情况", "洽谈成果", "进展情况"), required=True, width=36),
    Column("next_step", "下一步", "text", ("下步计划", "下一步工作"), max_length=300, width=26),
]  # fmt: skip
FOLLOWUP_KIND_SYNONYMS = {
    "拜访": "visit",
    "考察": "visit",
    "洽谈": "meeting",
    "座谈": "meeting",
    "来访": "hosted",
    "外出": "trip",
}


class FollowUpSheet(_LeadChildSheet):
    """跟进记录: one row per visit, meeting, call or trip. A row already imported (same lead, date,
    方式 and 参与人员) is not added twice."""

    kind = "investment_followups"
    title = "招商跟进记录"
    model = FollowUp
    columns = FOLLOWUP_COLUMNS
    key_help = (
        "按“线索编号（或项目名称）+ 日期 + 方式 + 参与人员”识别；已导入过的记录不会重复新增。"
    )
    instructions = ["跟进日期不能晚于今天。招商项目须已登记，且您是其负责人或所属小分队成员。"]

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        super().prepare(ctx, rows)
        ctx.lookups["kind"] = choice_lookup(FollowUp.Kind.choices, FOLLOWUP_KIND_SYNONYMS)

    def key(self, ctx: Context, row: Row) -> tuple:
        kind_text = normalize_name(row.values.get("kind") or "走访")
        kind = ctx.lookups["kind"].get(kind_text, kind_text)
        participants = normalize_name(row.values.get("participants") or "")
        return (self.lead_key(row), row.values.get("date"), kind, participants)

    def existing(self, ctx: Context, keys: list[tuple]) -> dict[tuple, models.Model]:
        leads = list(ctx.lookups["by_code"].values())
        lead_of = {lead.pk: lead for lead in leads}
        found: dict[tuple, Any] = {}
        dates = {k[1] for k in keys if k[1]}
        for f in FollowUp.objects.filter(lead_id__in=lead_of, date__in=dates):
            lead = lead_of[f.lead_id]
            for ref in (lead.code, normalize_name(lead.name)):
                found[(ref, f.date, f.kind, normalize_name(f.participants))] = f
        return found

    def build(self, ctx: Context, row: Row, current: models.Model | None) -> RowPlan:
        lead = self.lead(ctx, row)
        if current is not None:
            return RowPlan(row, "unchanged", current, current)
        values = row.values
        kind_text = values.get("kind") or "走访"
        kind = ctx.lookups["kind"].get(normalize_name(kind_text))
        if kind is None:
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "kind",
                        f"“{kind_text}”不是可选值，应为：{'、'.join(_choices(FollowUp.Kind.choices))}。",
                    )
                ]
            )
        followup = FollowUp(
            lead=lead, kind=kind, date=values.get("date"), place=values.get("place") or "",
            participants=values.get("participants") or "", outcome=values.get("outcome") or "",
            next_step=values.get("next_step") or "", created_by=ctx.user,
        )  # fmt: skip
        errors: dict[str, list[str]] = {}
        try:
            followup.full_clean(exclude=["lead", "created_by"])
        except ValidationError as exc:
            errors = exc.message_dict
        if followup.date and followup.date > timezone.localdate():
            errors.setdefault("date", []).append("跟进日期不能晚于今天。")
        if errors:
            raise RowError(
                errors_to_problems(ctx, row, ValidationError(errors), _labels(FollowUp), {})
            )
        return RowPlan(row, "create", followup)

    def save(self, ctx: Context, plans: list[RowPlan]) -> list[Any]:
        from zonedesk.intake.models import ImportChange

        creates = [p for p in plans if p.action == "create"]
        FollowUp.objects.bulk_create([p.instance for p in creates])
        changes = []
        for plan in creates:
            f = plan.instance
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.CREATE,
                target=f,
                root=f.lead,
                zone=ctx.zone,
                note=f"Excel导入（批次#{ctx.batch.pk}第{plan.row.number}行）跟进（{f.get_kind_display()}，{f.date}）",
            )
            changes.append(
                ImportChange(
                    batch=ctx.batch,
                    row=plan.row.number,
                    model="investment.followup",
                    object_id=f.pk,
                    label=f"{f.lead.name} · {f.date}"[:200],
                    action=ImportChange.Action.CREATE,
                )
            )
        # The first contact moves a bare 线索 to 接触, as on the page.
        fresh = {p.instance.lead_id for p in creates if p.instance.lead.stage == LeadStage.LEAD}
        for lead in Lead.objects.filter(pk__in=fresh, stage=LeadStage.LEAD):
            before = services._snapshot(lead)
            lead.stage = LeadStage.CONTACT
            services._save(
                lead,
                before,
                by=ctx.user,
                action=AuditEvent.Action.STAGE,
                note="导入跟进记录，进入接触阶段",
            )
        return changes


FUNDING_COLUMNS = LEAD_REF + [
    Column("date", "到位日期", "date", ("日期", "到账日期", "到位时间"), required=True, example=dt.date(2026, 3, 15)),
    Column("amount", "到位金额", "money", ("金额", "到位资金", "实际到位资金"), required=True, unit="万元", example=Decimal("3000")),
    Column("kind", "资金类别", "choice", ("类别", "资金来源", "到位资金类别"), choices=_choices(FundingArrival.Kind.choices), example="境内省外"),
    Column("note", "说明", "text", ("备注", "凭证说明"), max_length=200),
]  # fmt: skip
FUNDING_KIND_SYNONYMS = {
    "省外": "domestic_out",
    "国内省外": "domestic_out",
    "省外境内": "domestic_out",
    "境外": "foreign",
    "外商投资": "foreign",
    "港澳台": "foreign",
}


class FundingSheet(_LeadChildSheet):
    """到位资金: one row per payment. A row already imported (same lead, date, amount and kind)
    is not added twice. Evidence files are uploaded on the lead's page."""

    kind = "investment_funding"
    title = "到位资金"
    model = FundingArrival
    columns = FUNDING_COLUMNS
    key_help = (
        "按“线索编号（或项目名称）+ 到位日期 + 金额 + 资金类别”识别；已导入过的记录不会重复新增。"
    )
    instructions = [
        "招商项目须已签约；到位日期不能早于签约日期、不能晚于今天。凭证文件请在招商项目页面上传。"
    ]

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        super().prepare(ctx, rows)
        ctx.lookups["kind"] = choice_lookup(FundingArrival.Kind.choices, FUNDING_KIND_SYNONYMS)

    def key(self, ctx: Context, row: Row) -> tuple:
        kind = ctx.lookups["kind"].get(normalize_name(row.values.get("kind") or "境内省外"), "")
        return (self.lead_key(row), row.values.get("date"), row.values.get("amount"), kind)

    def existing(self, ctx: Context, keys: list[tuple]) -> dict[tuple, models.Model]:
        lead_of = {lead.pk: lead for lead in ctx.lookups["by_code"].values()}
        found: dict[tuple, Any] = {}
        dates = {k[1] for k in keys if k[1]}
        for a in FundingArrival.objects.filter(lead_id__in=lead_of, date__in=dates):
            lead = lead_of[a.lead_id]
            for ref in (lead.code, normalize_name(lead.name)):
                found[(ref, a.date, a.amount, a.kind)] = a
        return found

    def build(self, ctx: Context, row: Row, current: models.Model | None) -> RowPlan:
        lead = self.lead(ctx, row)
        if current is not None:
            return RowPlan(row, "unchanged", current, current)
        values = row.values
        kind_text = values.get("kind") or "境内省外"
        kind = ctx.lookups["kind"].get(normalize_name(kind_text))
        if kind is None:
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "kind",
                        f"“{kind_text}”不是可选值，应为：{'、'.join(_choices(FundingArrival.Kind.choices))}。",
                    )
                ]
            )
        date, amount = values.get("date"), values.get("amount")
        problems = []
        if not lead.signed_date:
            problems.append(
                ctx.problem(
                    row,
                    "lead_code",
                    f"招商项目“{lead.name}”尚未签约，不能登记到位资金。",
                    label="线索编号",
                )
            )
        elif date and date < lead.signed_date:
            problems.append(
                ctx.problem(row, "date", f"到位日期不能早于签约日期（{lead.signed_date}）。")
            )
        if date and date > timezone.localdate():
            problems.append(ctx.problem(row, "date", "到位日期不能晚于今天。"))
        if amount is not None and amount <= 0:
            problems.append(ctx.problem(row, "amount", "到位金额须大于0。"))
        if problems:
            raise RowError(problems)
        arrival = FundingArrival(
            lead=lead,
            date=date,
            amount=amount,
            kind=kind,
            note=values.get("note") or "",
            created_by=ctx.user,
        )
        return RowPlan(row, "create", arrival)

    def save(self, ctx: Context, plans: list[RowPlan]) -> list[Any]:
        from zonedesk.intake.models import ImportChange

        creates = [p for p in plans if p.action == "create"]
        FundingArrival.objects.bulk_create([p.instance for p in creates])
        changes = []
        for plan in creates:
            a = plan.instance
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.CREATE,
                target=a,
                root=a.lead,
                zone=ctx.zone,
                note=f"Excel导入（批次#{ctx.batch.pk}第{plan.row.number}行）到位资金{a.amount:,.2f}万元（{a.get_kind_display()}）",
            )
            changes.append(
                ImportChange(
                    batch=ctx.batch,
                    row=plan.row.number,
                    model="investment.fundingarrival",
                    object_id=a.pk,
                    label=f"{a.lead.name} · {a.date} · {a.amount}万元"[:200],
                    action=ImportChange.Action.CREATE,
                )
            )
        return changes


register(LeadSheet())
register(FollowUpSheet())
register(FundingSheet())
