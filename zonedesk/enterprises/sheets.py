"""Import sheets of enterprise services, plugged into the intake pipeline's registry:
月度经营数据 (monthly figures, one row per firm and month) and 企业名录 (the register).

Both match a row to its firm by 统一社会信用代码 (validated with its check character by the
reader); figures by code + month. Every write is audited on the enterprise file and recorded as an
ImportChange so the import log can undo it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

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
)
from zonedesk.projects.services import display_value
from zonedesk.zones.models import Organisation, Zone

from . import services
from .models import Enterprise, MonthlyFigure

FIGURE_COLUMNS = [
    Column(
        "credit_code",
        "统一社会信用代码",
        "uscc",
        ("信用代码", "社会信用代码", "统一信用代码"),
        required=True,
        note="必填，18位，系统校验校验位；企业须已在本开发区建档。",
        example="91140300MA0K3YUR64",
        width=22,
    ),
    Column(
        "name",
        "企业名称",
        "text",
        ("单位名称", "企业", "名称"),
        note="用于核对，与代码不符时报错。",
        width=28,
    ),
    Column(
        "period",
        "月份",
        "date",
        ("年月", "统计月份", "所属月份", "所属期", "报告期"),
        required=True,
        note="如 2025年3月、2025-03、2025/3。填当月值，不是累计值。",
        example=dt.date(2025, 3, 1),
    ),
    Column("output", "产值", "money", ("工业总产值", "当月产值", "总产值"), unit="万元"),
    Column(
        "revenue",
        "营业收入",
        "money",
        ("主营业务收入", "销售收入", "营收", "当月营业收入"),
        unit="万元",
    ),
    Column(
        "tax", "税收", "money", ("实缴税金", "纳税额", "税收收入", "入库税收", "税金"), unit="万元"
    ),
    Column("electricity", "用电量", "decimal", ("当月用电量", "用电"), note="单位：万千瓦时"),
    Column(
        "employees",
        "从业人员",
        "int",
        ("从业人员数", "职工人数", "用工人数", "期末从业人员"),
        note="人",
    ),
    Column(
        "rd_spending",
        "研发投入",
        "money",
        ("研发费用", "R&D经费", "研发经费", "研发经费支出"),
        unit="万元",
    ),
]
VALUE_FIELDS = ["output", "revenue", "tax", "electricity", "employees", "rd_spending"]


def _labels(model) -> dict[str, str]:
    return {f.name: str(f.verbose_name) for f in model._meta.fields}


class MonthlyFigureSheet(SheetSpec):
    """月度经营数据: matched by 统一社会信用代码 + 月份."""

    kind = "enterprise_figures"
    title = "企业月度经营数据"
    model = MonthlyFigure
    columns = FIGURE_COLUMNS
    key_help = (
        "按“统一社会信用代码 + 月份”匹配已有数据：已有即更新，否则新增。企业须已在本开发区建档。"
    )
    instructions = [
        "每行一家企业一个月的当月值（不是1–N月累计值）。金额默认万元，表头写明（亿元）（元）时按表头换算。",
        "用电量单位为万千瓦时；从业人员为整数。",
        "空白单元格不会清空系统中已有的值。",
    ]

    def can_import(self, user: User) -> bool:
        if user.role in access.ENTERPRISE_EDITORS:
            return True
        return (
            user.role == Role.UNIT
            and bool(user.zone_id)
            and Enterprise.objects.filter(organisation_id=user.organisation_id).exists()
            and access.self_reporting_enabled(user.zone_id)
        )

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        codes = {r.values["credit_code"] for r in rows if r.values.get("credit_code")}
        by_code: dict[str, Enterprise] = {}
        for chunk in _chunks(sorted(codes), 500):
            for e in Enterprise.objects.filter(
                zone=ctx.zone, organisation__credit_code__in=chunk
            ).select_related("organisation", "zone"):
                by_code[e.organisation.credit_code] = e
        others = {}
        missing = codes - set(by_code)
        for chunk in _chunks(sorted(missing), 500):
            for org in Organisation.objects.filter(credit_code__in=chunk).select_related("zone"):
                others[org.credit_code] = org
        ctx.lookups["by_code"] = by_code
        ctx.lookups["others"] = others
        ctx.lookups["self_reporting"] = access.self_reporting_enabled(ctx.zone.pk)

    def key(self, ctx: Context, row: Row) -> tuple:
        period = row.values.get("period")
        return (
            row.values.get("credit_code") or "",
            period.year if period else 0,
            period.month if period else 0,
        )

    def key_label(self, key: tuple) -> str:
        return "统一社会信用代码和月份"

    def existing(self, ctx: Context, keys: list[tuple]) -> dict[tuple, models.Model]:
        enterprises = list(ctx.lookups["by_code"].values())
        if not enterprises:
            return {}
        years = {k[1] for k in keys}
        qs = MonthlyFigure.objects.filter(
            enterprise__in=[e.pk for e in enterprises], year__in=years
        ).select_related("enterprise__organisation")
        if ctx.lock:
            qs = qs.select_for_update(of=("self",))
        wanted = set(keys)
        found = {}
        for figure in qs:
            key = (figure.enterprise.organisation.credit_code, figure.year, figure.month)
            if key in wanted:
                found[key] = figure
        return found

    def _enterprise(self, ctx: Context, row: Row) -> Enterprise:
        code = row.values.get("credit_code")
        enterprise = ctx.lookups["by_code"].get(code)
        if enterprise is None:
            other = ctx.lookups["others"].get(code)
            if other is None:
                reason = f"统一社会信用代码{code}的企业尚未在本开发区建档，请先建档或导入企业名录。"
            elif other.zone_id != ctx.zone.pk:
                reason = f"该代码对应“{other.name}”，属于{other.zone.name}，不是本开发区的企业。"
            else:
                reason = f"单位“{other.name}”尚未建立企业档案，请先在企业名录中建档。"
            raise RowError([ctx.problem(row, "credit_code", reason)])
        name = row.values.get("name")
        if name and normalize_name(name) not in {
            normalize_name(enterprise.name),
            *(normalize_name(n) for n in enterprise.former_names.split("；") if n),
        }:
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "name",
                        f"企业名称与统一社会信用代码不符：该代码登记的企业为“{enterprise.name}”。",
                    )
                ]
            )
        user = ctx.user
        allowed = access.can_edit_enterprise(user, enterprise) or (
            user.role == Role.UNIT
            and user.organisation_id == enterprise.organisation_id
            and ctx.lookups["self_reporting"]
        )
        if not allowed:
            raise RowError(
                [ctx.problem(row, "credit_code", f"无权填报“{enterprise.name}”的月度数据。")]
            )
        return enterprise

    def build(self, ctx: Context, row: Row, current: models.Model | None) -> RowPlan:
        enterprise = self._enterprise(ctx, row)
        period: dt.date = row.values["period"]
        data = {n: row.values[n] for n in VALUE_FIELDS if row.values.get(n) is not None}
        if not data:
            raise RowError(
                [ctx.problem(row, "revenue", "本行没有任何经营数据。", label="营业收入")]
            )
        if current is not None:
            instance = MonthlyFigure(
                **{
                    f.attname: getattr(current, f.attname)
                    for f in MonthlyFigure._meta.concrete_fields
                }
            )
            instance._state.adding = False
            before = {n: display_value(current, n) for n in data}
        else:
            instance = MonthlyFigure(enterprise=enterprise, year=period.year, month=period.month)
            before = {}
        instance.enterprise = enterprise
        for name, value in data.items():
            setattr(instance, name, value)
        instance.source = (
            MonthlyFigure.Source.SELF if ctx.user.role == Role.UNIT else MonthlyFigure.Source.IMPORT
        )
        try:
            services.validate_figure(instance)
        except ValidationError as exc:
            raise RowError(
                errors_to_problems(
                    ctx, row, exc, _labels(MonthlyFigure), {"month": "period", "year": "period"}
                )
            ) from exc
        plan = RowPlan(row, "create" if current is None else "update", instance, current, data=data)
        if current is not None:
            plan.note_changes(data, before, _labels(MonthlyFigure))
        return plan

    def save(self, ctx: Context, plans: list[RowPlan]) -> list[Any]:
        from zonedesk.intake.models import ImportChange

        batch = ctx.batch
        note = f"Excel导入（批次#{batch.pk}，{batch.file_name}"
        creates = [p for p in plans if p.action == "create"]
        for plan in creates:
            plan.instance.updated_by = ctx.user
        MonthlyFigure.objects.bulk_create([p.instance for p in creates], batch_size=1000)
        changes = []
        for plan in creates:
            f = plan.instance
            changes.append(
                ImportChange(
                    batch=batch, row=plan.row.number, model="enterprises.monthlyfigure", object_id=f.pk,
                    label=f"{f.enterprise.name} {f}"[:200], action=ImportChange.Action.CREATE,
                    version_after=f.version,
                )
            )  # fmt: skip
        for plan in plans:
            if plan.action != "update":
                continue
            f = plan.instance
            f.version = plan.existing.version + 1
            f.updated_by = ctx.user
            f.save()
            audit_record(
                actor=ctx.user, action=AuditEvent.Action.UPDATE, target=f, root=f.enterprise,
                zone=ctx.zone, changes=plan.changes, version=f.version, note=f"{note}第{plan.row.number}行）",
            )  # fmt: skip
            changes.append(
                ImportChange(
                    batch=batch, row=plan.row.number, model="enterprises.monthlyfigure", object_id=f.pk,
                    label=f"{f.enterprise.name} {f}"[:200], action=ImportChange.Action.UPDATE,
                    before=plan.before, after=plan.after, version_after=f.version,
                )
            )  # fmt: skip
        # One history line per firm for the new months, not one per month.
        by_firm: dict[int, list[RowPlan]] = {}
        for plan in creates:
            by_firm.setdefault(plan.instance.enterprise_id, []).append(plan)
        for firm_plans in by_firm.values():
            enterprise = firm_plans[0].instance.enterprise
            months = "、".join(str(p.instance) for p in firm_plans[:12]) + (
                "等" if len(firm_plans) > 12 else ""
            )
            audit_record(
                actor=ctx.user, action=AuditEvent.Action.CREATE, target=enterprise, zone=ctx.zone,
                note=f"{note}）新增{len(firm_plans)}个月经营数据：{months}",
            )  # fmt: skip
        return changes

    def undo_conflicts(self, changes: list[Any]) -> list[str]:
        current = MonthlyFigure.objects.select_for_update(of=("self",)).in_bulk(
            [c.object_id for c in changes]
        )
        return [
            f"“{c.label}”在导入后又被修改过"
            for c in changes
            if c.object_id in current and current[c.object_id].version != c.version_after
        ]

    def undo(self, ctx: Context, changes: list[Any]) -> None:
        batch = ctx.batch
        current = MonthlyFigure.objects.select_related("enterprise__organisation").in_bulk(
            [c.object_id for c in changes]
        )
        labels = _labels(MonthlyFigure)
        for change in reversed(changes):
            f = current.get(change.object_id)
            if f is None:
                continue
            if change.action == "create":
                audit_record(
                    actor=ctx.user, action=AuditEvent.Action.UPDATE, target=f.enterprise, zone=ctx.zone,
                    note=f"撤销导入批次#{batch.pk}：删除导入时新增的{f}经营数据",
                )  # fmt: skip
                f.delete()
                continue
            before_display = {n: display_value(f, n) for n in change.before}
            for name, value in change.before.items():
                setattr(f, name, restore_value(MonthlyFigure, name, value))
            f.version += 1
            f.save()
            audit_record(
                actor=ctx.user, action=AuditEvent.Action.UPDATE, target=f, root=f.enterprise, zone=ctx.zone,
                version=f.version, note=f"撤销导入批次#{batch.pk}（{batch.file_name}）",
                changes=[
                    {"field": n, "label": labels[n], "old": before_display[n], "new": display_value(f, n)}
                    for n in change.before
                ],
            )  # fmt: skip


# --- 企业名录 -----------------------------------------------------------------------------------

ENTERPRISE_COLUMNS = [
    Column(
        "credit_code",
        "统一社会信用代码",
        "uscc",
        ("信用代码", "社会信用代码", "统一信用代码"),
        required=True,
        note="必填，18位，系统校验校验位。",
        example="91140300MA0K3YUR64",
        width=22,
    ),
    Column(
        "name",
        "企业名称",
        "text",
        ("单位名称", "企业全称", "名称"),
        required=True,
        max_length=120,
        width=30,
    ),
    Column(
        "industry_code",
        "行业代码",
        "code",
        ("国民经济行业代码", "行业小类代码"),
        max_length=4,
        example="3841",
    ),
    Column(
        "size",
        "企业规模",
        "choice",
        ("规模",),
        choices=tuple(label for _, label in Enterprise.Size.choices),
    ),
    Column("park", "所在园区", "text", ("园区",)),
    Column("founded_on", "成立日期", "date", ("成立时间", "注册日期")),
    Column("production_start", "投产日期", "date", ("投产时间",)),
    Column("registered_capital", "注册资本", "money", ("注册资金",), unit="万元"),
    Column("land_area_mu", "用地面积", "area", ("占地面积",), unit="亩"),
    Column("floor_area_m2", "建筑面积", "area", (), unit="平方米"),
    Column("address", "地址", "text", ("注册地址", "经营地址"), max_length=200),
    Column("contact_name", "联系人", "text", (), max_length=30),
    Column("contact_phone", "联系电话", "text", ("电话", "手机"), max_length=30),
]
ENTERPRISE_VALUE_FIELDS = [
    "industry_code", "size", "park", "founded_on", "production_start", "registered_capital",
    "land_area_mu", "floor_area_m2", "address",
]  # fmt: skip


class EnterpriseSheet(SheetSpec):
    """企业名录: creates the file (and the organisation when it is new), or updates it; matched by
    统一社会信用代码, and an organisation already registered under the same name is adopted."""

    kind = "enterprises"
    title = "企业名录"
    model = Enterprise
    columns = ENTERPRISE_COLUMNS
    key_help = "按统一社会信用代码匹配已建档企业；已登记但未建档的同名单位直接建档（同一身份）。"
    instructions = ["统一社会信用代码须为18位且校验位正确；空白单元格不会清空已有的值。"]

    def can_import(self, user: User) -> bool:
        return user.role in access.ENTERPRISE_EDITORS

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        ctx.lookups["size"] = choice_lookup(Enterprise.Size.choices, {})
        parks = list(Zone.objects.filter(parent=ctx.zone))
        ctx.lookups["park"] = {normalize_name(p.name): p for p in parks} | {
            normalize_name(p.short_name): p for p in parks if p.short_name
        }
        orgs = list(Organisation.objects.filter(zone=ctx.zone))
        ctx.lookups["org_by_name"] = {normalize_name(o.name): o for o in orgs}
        codes = [r.values["credit_code"] for r in rows if r.values.get("credit_code")]
        ctx.lookups["org_by_code"] = {
            o.credit_code: o
            for chunk in _chunks(codes, 500)
            for o in Organisation.objects.filter(credit_code__in=chunk).select_related("zone")
        }

    def key(self, ctx: Context, row: Row) -> tuple:
        return (row.values.get("credit_code") or "",)

    def key_label(self, key: tuple) -> str:
        return f"统一社会信用代码{key[0]}"

    def existing(self, ctx: Context, keys: list[tuple]) -> dict[tuple, models.Model]:
        codes = [k[0] for k in keys]
        qs = Enterprise.objects.filter(zone=ctx.zone).select_related("organisation", "park")
        if ctx.lock:
            qs = qs.select_for_update(of=("self",))
        return {
            (e.organisation.credit_code,): e
            for chunk in _chunks(codes, 500)
            for e in qs.filter(organisation__credit_code__in=chunk)
        }

    def build(self, ctx: Context, row: Row, current: models.Model | None) -> RowPlan:
        values = row.values
        code, name = values["credit_code"], values.get("name") or ""
        data: dict[str, Any] = {
            n: values[n]
            for n in ENTERPRISE_VALUE_FIELDS
            if values.get(n) is not None and n not in ("size", "park")
        }
        if values.get("size") is not None:
            size = ctx.lookups["size"].get(normalize_name(values["size"]))
            if size is None:
                raise RowError([ctx.problem(row, "size", "企业规模应为：大型、中型、小型、微型。")])
            data["size"] = size
        if values.get("park") is not None:
            park = ctx.lookups["park"].get(normalize_name(values["park"]))
            if park is None:
                raise RowError(
                    [ctx.problem(row, "park", f"本开发区没有名为“{values['park']}”的园区。")]
                )
            data["park"] = park
        org = ctx.lookups["org_by_code"].get(code)
        if org is not None and org.zone_id != ctx.zone.pk:
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "credit_code",
                        f"该统一社会信用代码已由{org.zone.name}登记为“{org.name}”。",
                    )
                ]
            )
        named = ctx.lookups["org_by_name"].get(normalize_name(name))
        if current is None and org is None and named is not None:
            if named.credit_code and named.credit_code != code:
                raise RowError(
                    [
                        ctx.problem(
                            row,
                            "name",
                            f"本开发区已有同名单位，其统一社会信用代码为{named.credit_code}，与本行不符。",
                        )
                    ]
                )
            org = named
        if current is not None:
            instance = Enterprise(
                **{f.attname: getattr(current, f.attname) for f in Enterprise._meta.concrete_fields}
            )
            instance._state.adding = False
            instance.organisation = current.organisation
            before = {n: display_value(current, n) for n in data}
        else:
            instance = Enterprise(zone=ctx.zone, organisation=org, region_code=code[2:8])
            before = {}
        for field_name, value in data.items():
            setattr(instance, field_name, value)
        instance.zone = ctx.zone
        try:
            services.validate_enterprise(instance)
        except ValidationError as exc:
            raise RowError(errors_to_problems(ctx, row, exc, _labels(Enterprise), {})) from exc
        plan = RowPlan(row, "create" if current is None else "update", instance, current, data=data)
        plan.after = {
            "_org_name": name,
            "_org_code": code,
            "_contact_name": values.get("contact_name") or "",
            "_contact_phone": values.get("contact_phone") or "",
        }
        if current is not None:
            plan.note_changes(data, before, _labels(Enterprise))
        return plan

    def save(self, ctx: Context, plans: list[RowPlan]) -> list[Any]:
        from zonedesk.intake.models import ImportChange

        batch = ctx.batch
        note = f"Excel导入（批次#{batch.pk}，{batch.file_name}"
        changes = []
        for plan in plans:
            if plan.action == "create":
                e = plan.instance
                created_org = e.organisation_id is None
                if created_org:
                    e.organisation = Organisation.objects.create(
                        zone=ctx.zone, name=plan.after["_org_name"], credit_code=plan.after["_org_code"],
                        kind=Organisation.Kind.ENTERPRISE, contact_name=plan.after["_contact_name"],
                        contact_phone=plan.after["_contact_phone"],
                    )  # fmt: skip
                elif not e.organisation.credit_code:
                    e.organisation.credit_code = plan.after["_org_code"]
                    e.organisation.save(update_fields=["credit_code"])
                e.save()
                audit_record(
                    actor=ctx.user, action=AuditEvent.Action.CREATE, target=e, zone=ctx.zone, version=e.version,
                    note=f"{note}第{plan.row.number}行）企业建档",
                )  # fmt: skip
                changes.append(
                    ImportChange(
                        batch=batch, row=plan.row.number, model="enterprises.enterprise", object_id=e.pk,
                        label=e.organisation.name[:200], action=ImportChange.Action.CREATE,
                        after={"created_org": created_org}, version_after=e.version,
                    )
                )  # fmt: skip
            elif plan.action == "update":
                e = plan.instance
                e.version = plan.existing.version + 1
                e.save()
                audit_record(
                    actor=ctx.user, action=AuditEvent.Action.UPDATE, target=e, zone=ctx.zone, version=e.version,
                    changes=plan.changes, note=f"{note}第{plan.row.number}行）",
                )  # fmt: skip
                changes.append(
                    ImportChange(
                        batch=batch, row=plan.row.number, model="enterprises.enterprise", object_id=e.pk,
                        label=e.organisation.name[:200], action=ImportChange.Action.UPDATE,
                        before=plan.before, after=plan.after, version_after=e.version,
                    )
                )  # fmt: skip
        return changes

    def undo_conflicts(self, changes: list[Any]) -> list[str]:
        current = Enterprise.objects.select_for_update(of=("self",)).in_bulk(
            [c.object_id for c in changes]
        )
        problems = [
            f"企业“{c.label}”在导入后又被修改过"
            for c in changes
            if c.object_id in current and current[c.object_id].version != c.version_after
        ]
        created = [c.object_id for c in changes if c.action == "create"]
        used = set(
            MonthlyFigure.objects.filter(enterprise_id__in=created).values_list(
                "enterprise_id", flat=True
            )
        )
        problems += [
            f"企业“{c.label}”已有月度数据，不能撤销建档" for c in changes if c.object_id in used
        ]
        return problems

    def undo(self, ctx: Context, changes: list[Any]) -> None:
        batch = ctx.batch
        current = Enterprise.objects.select_related("organisation").in_bulk(
            [c.object_id for c in changes]
        )
        for change in reversed(changes):
            e = current.get(change.object_id)
            if e is None:
                continue
            if change.action == "create":
                org = e.organisation
                audit_record(
                    actor=ctx.user, action=AuditEvent.Action.UPDATE, target=org, zone=ctx.zone,
                    note=f"撤销导入批次#{batch.pk}：删除导入时建立的企业档案“{org.name}”",
                )  # fmt: skip
                e.certificates.all().delete()
                e.delete()
                if change.after.get("created_org"):
                    org.delete()
                continue
            for name, value in change.before.items():
                setattr(e, e._meta.get_field(name).attname, restore_value(Enterprise, name, value))
            e.version += 1
            e.save()
            audit_record(
                actor=ctx.user, action=AuditEvent.Action.UPDATE, target=e, zone=ctx.zone, version=e.version,
                note=f"撤销导入批次#{batch.pk}（{batch.file_name}）",
            )  # fmt: skip


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


register(MonthlyFigureSheet())
register(EnterpriseSheet())
