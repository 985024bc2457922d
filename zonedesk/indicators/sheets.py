"""月度指标 in the statistics bureau's layout, through the import pipeline (zonedesk.intake).

The bureau's sheet has one row per indicator: 指标名称, 计量单位, the 1–m月 cumulative figure
(often under a header that is the period itself, "1-3月" or "2026年1-3月") and 同比增长（%）.
The period comes from a 统计期 column when there is one, else from that header. Figures are
stored as published; a value in another money unit (万元 against 亿元) is converted exactly.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q

from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, Role, User
from zonedesk.intake.reader import Column, Row, normalize_name
from zonedesk.intake.sheets import (
    Context,
    RowError,
    RowPlan,
    SheetSpec,
    restore_value,
    stored_value,
)
from zonedesk.lib.values import (
    MONEY_UNITS,
    ValueParseError,
    parse_decimal,
    parse_money,
    split_header_unit,
)
from zonedesk.projects.services import display_value

from .models import Indicator, IndicatorValue
from .periods import PeriodError, header_period_names, parse_period
from .services import VALUE_FIELDS, ValueEntry, period_label, validate_value

_LEAD = re.compile(
    r"^(其中[:：]?|[0-9]+[.、]|[（(][一二三四五六七八九十0-9]+[)）]|[一二三四五六七八九十]+、)+"
)

COLUMNS = [
    Column("name", "指标名称", "text", ("指标", "项目", "指标名", "主要指标"), required=True,
           max_length=60, example="固定资产投资（不含农户）", width=28),
    Column("code", "指标代码", "code", ("代码",), max_length=30, note="可不填，按指标名称匹配。"),
    Column("unit", "计量单位", "text", ("单位",), max_length=20, example="亿元"),
    Column("period", "统计期", "text", ("时期", "期别", "报告期", "月份", "统计月份", "年月", "数据期"),
           max_length=20, example="2026年1-3月",
           note="如“2026年1-3月”或“2026-03”。不填时取“本年累计”列表头中的时期（如“2026年1-3月”）。"),
    Column("value", "本年累计", "text",
           ("累计", "累计值", "本期累计", "本月止累计", "绝对值", "完成值", "数值", "本年累计完成",
            *header_period_names()),
           example="12.56", note="按计量单位填写；只发布增速的指标留空。"),
    Column("growth", "同比增长", "text",
           ("同比增长%", "增速", "同比增速", "比上年同期增长", "增长", "同比±", "同比±%", "增幅",
            "比上年同期增减", "同比", "增长%"),
           unit="%", example="6.5", note="百分数，按统计部门公布的数填写，可为负数。"),
    Column("source", "数据来源", "text", ("来源",), max_length=60, example="市统计局"),
    Column("published_on", "发布日期", "date", ("发布时间",), example="2026-04-18"),
    Column("note", "更正说明", "text", ("备注", "说明"), max_length=200),
]  # fmt: skip


class IndicatorValueSheet(SheetSpec):
    kind = "indicator_values"
    title = "月度经济指标"
    model = IndicatorValue
    columns = COLUMNS
    key_help = (
        "按“指标名称”（或指标代码）和统计期匹配本开发区已录入的数据：已有则更新，没有则新增。"
    )
    instructions = [
        "可直接上传统计部门下发的月度指标表：每行一个指标，列出计量单位、1-m月累计值和同比增长（%）。",
        "增速按公布数填写，系统不会用累计值重新计算增速。",
        "固定资产投资、规上工业等1月不单独发布的指标，请按1-2月填报。",
    ]

    def can_import(self, user: User) -> bool:
        return user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF)

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        by_name: dict[str, Indicator] = {}
        by_code: dict[str, Indicator] = {}
        for ind in Indicator.objects.filter(Q(zone__isnull=True) | Q(zone=ctx.zone)).order_by(
            "zone_id"
        ):
            by_name[normalize_name(ind.name)] = ind
            by_code[ind.code.upper()] = ind
            # The bureau writes 固定资产投资 without "（不含农户）", 规上工业增加值 without 增速 …
            short = normalize_name(ind.name.split("（")[0].removesuffix("增速"))
            by_name.setdefault(short, ind)
        ctx.lookups["by_name"], ctx.lookups["by_code"] = by_name, by_code
        header = ctx.headers.get("value", "")
        name, unit = split_header_unit(header) if header else ("", None)
        ctx.lookups["value_unit"] = unit
        try:
            ctx.lookups["header_period"] = parse_period(name) if name else None
        except PeriodError:
            ctx.lookups["header_period"] = None

    def _indicator(self, ctx: Context, row: Row) -> Indicator | None:
        code = (row.values.get("code") or "").upper()
        if code and code in ctx.lookups["by_code"]:
            return ctx.lookups["by_code"][code]
        # "其中：工业投资", "1.固定资产投资", "（一）税收收入": the bureau's indentation marks.
        name = _LEAD.sub("", normalize_name(row.values.get("name") or ""))
        return ctx.lookups["by_name"].get(name) or ctx.lookups["by_name"].get(
            name.removesuffix("增速")
        )

    def _period(self, ctx: Context, row: Row) -> tuple[int, int]:
        text = row.values.get("period")
        header = ctx.lookups["header_period"]
        try:
            year, month = parse_period(text) if text else (header or (None, None))
        except PeriodError as exc:
            raise RowError([ctx.problem(row, "period", str(exc), label="统计期")]) from exc
        if month is None:
            raise RowError(
                [ctx.problem(row, "period", "缺少统计期：请增加“统计期”列，或在累计值列表头写明时期（如“2026年1-3月”）。", label="统计期")]
            )  # fmt: skip
        if year is None and header and header[0]:
            year = header[0]
        if year is None:
            raise RowError(
                [
                    ctx.problem(
                        row, "period", "统计期没有年份，请写成“2026年1-3月”。", label="统计期"
                    )
                ]
            )
        return year, month

    def key(self, ctx: Context, row: Row) -> tuple:
        ind = self._indicator(ctx, row)
        try:
            year, month = self._period(ctx, row)
        except RowError:
            year, month = None, row.number  # reported by build
        return (ind.pk if ind else f"?{row.number}", year, month)

    def key_label(self, key: tuple) -> str:
        return "指标和统计期"

    def existing(self, ctx: Context, keys: list[tuple]) -> dict[tuple, models.Model]:
        years = {k[1] for k in keys if k[1]}
        ids = {k[0] for k in keys if isinstance(k[0], int)}
        qs = IndicatorValue.objects.filter(zone=ctx.zone, year__in=years, indicator_id__in=ids)
        if ctx.lock:
            qs = qs.select_for_update(of=("self",))
        rows = list(qs)
        months: dict[tuple[int, int], dict[int, IndicatorValue]] = {}
        for v in rows:
            months.setdefault((v.indicator_id, v.year), {})[v.month] = v
        ctx.lookups["months"] = months
        return {(v.indicator_id, v.year, v.month): v for v in rows}

    def _number(self, ctx: Context, row: Row, ind: Indicator) -> Decimal | None:
        text = row.values.get("value")
        if text is None:
            return None
        given = (row.values.get("unit") or ctx.lookups["value_unit"] or ind.unit or "").strip()
        try:
            if given in MONEY_UNITS and ind.unit in MONEY_UNITS:
                wan = parse_money(text, unit=given, max_places=None)
                factor = Decimal(10) ** (MONEY_UNITS[ind.unit] - 4)
                return None if wan is None else (wan / factor).normalize()
            if given and ind.unit and normalize_name(given) != normalize_name(ind.unit):
                raise RowError(
                    [ctx.problem(row, "unit", f"“{ind.name}”的计量单位应为{ind.unit}，本行为{given}。", label="计量单位")]
                )  # fmt: skip
            return parse_decimal(text, unit=ind.unit or None, allow_percent=False)
        except ValueParseError as exc:
            raise RowError([ctx.problem(row, "value", exc.message, label="本年累计")]) from exc

    def build(self, ctx: Context, row: Row, current: models.Model | None) -> RowPlan:
        ind = self._indicator(ctx, row)
        if ind is None:
            raise RowError(
                [ctx.problem(row, "name", f"指标目录中没有“{row.values.get('name')}”。请先在指标目录中新增本区指标，或改用目录中的名称。")]
            )  # fmt: skip
        year, month = self._period(ctx, row)
        value = self._number(ctx, row, ind)
        growth = None
        if row.values.get("growth") is not None:
            try:
                growth = parse_decimal(row.values["growth"], allow_negative=True)
            except ValueParseError as exc:
                raise RowError([ctx.problem(row, "growth", exc.message, label="同比增长")]) from exc
        entry = ValueEntry(
            indicator=ind, value=value, growth=growth, source=row.values.get("source") or "",
            published_on=row.values.get("published_on"), note=row.values.get("note") or "",
        )  # fmt: skip
        neighbours = dict(ctx.lookups["months"].get((ind.pk, year), {}))
        neighbours.pop(month, None)
        errors = validate_value(ctx.zone, year, month, entry, neighbours)
        if errors:
            column = {"value": "value", "growth": "growth", "month": "period", "indicator": "name"}
            raise RowError(
                [
                    ctx.problem(row, column.get(f, "name"), " ".join(msgs))
                    for f, msgs in errors.items()
                ]
            )
        if current is not None:
            instance = _copy(current)
            before = {n: display_value(current, n) for n in VALUE_FIELDS}
        else:
            instance = IndicatorValue(zone=ctx.zone, indicator=ind, year=year, month=month)
            before = {}
        instance.value, instance.growth = entry.value, entry.growth
        instance.source = entry.source[:60] if entry.source else (current.source if current else "")
        instance.published_on = entry.published_on or (current.published_on if current else None)
        instance.note = entry.note
        plan = RowPlan(row, "create" if current is None else "update", instance, current)
        if current is not None:
            plan.note_changes(
                VALUE_FIELDS,
                before,
                {f.name: str(f.verbose_name) for f in IndicatorValue._meta.fields},
            )
        return plan

    def save(self, ctx: Context, plans: list[RowPlan]) -> list[Any]:
        from zonedesk.intake.models import ImportChange

        batch = ctx.batch
        note = f"Excel导入（批次#{batch.pk}，{batch.file_name}"
        changes = []
        for plan in plans:
            if plan.action == "unchanged":
                continue
            v = plan.instance
            v.entered_by = ctx.user
            if plan.action == "update":
                v.version = plan.existing.version + 1
            v.save()
            label = f"{v.indicator.name} {period_label(v.indicator, v.year, v.month)}"
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.CREATE if plan.action == "create" else AuditEvent.Action.UPDATE,
                target=v, zone=ctx.zone, changes=plan.changes, version=v.version,
                note=f"{note}第{plan.row.number}行）{label}",
            )  # fmt: skip
            changes.append(
                ImportChange(
                    batch=batch, row=plan.row.number, model="indicators.indicatorvalue",
                    object_id=v.pk, label=label[:200],
                    action=ImportChange.Action.CREATE if plan.action == "create" else ImportChange.Action.UPDATE,
                    before=plan.before,
                    after=plan.after or {n: stored_value(v, n) for n in VALUE_FIELDS},
                    version_after=v.version,
                )
            )  # fmt: skip
        return changes

    def undo_conflicts(self, changes: list[Any]) -> list[str]:
        current = IndicatorValue.objects.select_for_update(of=("self",)).in_bulk(
            [c.object_id for c in changes]
        )
        return [
            f"“{c.label}”在导入后又被修改过"
            for c in changes
            if (v := current.get(c.object_id)) is not None
            and c.version_after
            and v.version != c.version_after
        ]

    def undo(self, ctx: Context, changes: list[Any]) -> None:
        current = IndicatorValue.objects.select_related("indicator").in_bulk(
            [c.object_id for c in changes]
        )
        batch = ctx.batch
        for change in reversed(changes):
            v = current.get(change.object_id)
            if v is None:
                continue
            if change.action == "create":
                audit_record(
                    actor=ctx.user, action=AuditEvent.Action.UPDATE, target=v, zone=ctx.zone,
                    note=f"撤销导入批次#{batch.pk}：删除导入时新增的指标数据",
                    changes=[{"field": "deleted", "label": "月度指标值", "old": change.label, "new": "（已删除）"}],
                )  # fmt: skip
                v.delete()
                continue
            for name, value in change.before.items():
                setattr(v, name, restore_value(IndicatorValue, name, value))
            v.version += 1
            v.save()
            audit_record(
                actor=ctx.user, action=AuditEvent.Action.UPDATE, target=v, zone=ctx.zone,
                version=v.version, note=f"撤销导入批次#{batch.pk}（{batch.file_name}）",
            )  # fmt: skip


def _copy(instance: IndicatorValue) -> IndicatorValue:
    clone = IndicatorValue()
    for f in IndicatorValue._meta.concrete_fields:
        setattr(clone, f.attname, getattr(instance, f.attname))
    clone._state.adding = False
    return clone
