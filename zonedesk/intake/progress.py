"""The progress-report sheet (进度填报表): one row per project and period, imported through the
same pipeline as the register. Every rule is the dispatch module's: each row goes through
`dispatch.services.progress_report_check` (cumulative figures never decrease from one period to
the next, 自开工累计 ≤ the project's total investment, 本期 ≤ 本年 ≤ 自开工, a submitted report
changes only after it is returned, a closed period takes no new report from a unit), with the
neighbouring periods' figures taken from the database and from the file itself, so a file of
many periods is checked as if it had been reported period by period.

Imported reports are saved as 已报送 (submitted), as on the fill page's 报送 button; the
responsible department then approves or returns them. A 项目单位填报员 imports only the
projects its organisation reports (`access.can_fill_report`) and only for open periods; the
zone's leaders and the responsible department (`access.can_review_report`) may also file for
closed periods (补报, historical data).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from zonedesk import access
from zonedesk.accounts.models import AuditEvent, Role, User
from zonedesk.dispatch import services as dispatch
from zonedesk.dispatch.models import COUNTED_STATUSES, ProgressReport, ReportingPeriod
from zonedesk.lib.values import ValueParseError, parse_date
from zonedesk.projects.models import Project
from zonedesk.projects.services import display_value

from .bulk import audit_bulk, audit_event, chunks
from .reader import Column, Row, normalize_name
from .sheets import (
    Context,
    RowError,
    RowPlan,
    SheetSpec,
    _labels,
    _restore,
    project_of_row,
    stored_value,
)

Status = ProgressReport.Status

PROGRESS_COLUMNS = [
    Column(
        "project_code",
        "项目代码",
        "code",
        ("项目编码", "项目编号", "代码"),
        max_length=40,
        note="填报项目的代码；留空时按项目名称匹配。",
        example="YQ-2026-001",
        width=16,
    ),
    Column(
        "project_name",
        "项目名称",
        "text",
        ("项目", "建设项目名称"),
        max_length=150,
        example="示例：智算中心二期项目",
        width=28,
    ),
    Column(
        "period",
        "填报期次",
        "text",
        ("期次", "报告期", "填报周期", "所属期", "填报期", "填报月份", "期间"),
        required=True,
        note="写期次名称（如“2026年3月”“2026年3月上旬”“2026年第12周（3月14日—3月20日）”），"
        "或该期内的任一日期（如 2026-03-20）。",
        example="2026年3月",
        width=30,
    ),
    Column(
        "invested_period",
        "本期完成投资",
        "money",
        ("本期完成", "本期投资", "当期完成投资", "完成投资本期", "本月完成投资", "本周完成投资"),
        unit="万元",
        example=Decimal("1200"),
        width=14,
    ),
    Column(
        "invested_year",
        "本年累计完成投资",
        "money",
        ("本年累计", "本年完成投资", "年度累计完成投资", "完成投资本年", "完成投资本年累计"),
        unit="万元",
        example=Decimal("5600"),
        width=16,
    ),
    Column(
        "invested_total",
        "自开工累计完成投资",
        "money",
        ("自开工累计", "累计完成投资", "开工累计完成投资", "完成投资自开工累计", "累计投资"),
        unit="万元",
        note="只增不减，且不能超过项目总投资。",
        example=Decimal("32000"),
        width=18,
    ),
    Column(
        "image_progress",
        "形象进度",
        "text",
        ("工程形象进度", "项目进展情况", "进展情况"),
        max_length=200,
        example="主体结构完成80%",
        width=30,
    ),
    Column(
        "percent_complete",
        "工程完成比例",
        "decimal",
        ("完成百分比", "完成比例", "工程进度", "完成进度"),
        note="0–100 的百分数，可写 85 或 85%。",
        example=Decimal("60"),
    ),
    Column(
        "problems",
        "存在问题",
        "text",
        ("存在的问题", "困难和问题", "存在困难和问题", "问题"),
        width=30,
    ),
    Column(
        "next_plan",
        "下期计划",
        "text",
        ("下步计划", "下一步工作计划", "下期工作计划", "下一步计划"),
        width=30,
    ),
]
FIGURES = [
    "invested_period",
    "invested_year",
    "invested_total",
    "image_progress",
    "percent_complete",
    "problems",
    "next_plan",
]
TEXTS = ("image_progress", "problems", "next_plan")


class ProgressReportSheet(SheetSpec):
    """进度填报: matched by project (code, else name) + 填报期次."""

    kind = "progress"
    title = "进度填报"
    model = ProgressReport
    columns = PROGRESS_COLUMNS
    key_help = (
        "按“项目代码（没有时按项目名称）+ 填报期次”匹配：该期已有草稿或被退回的填报即更新，"
        "没有则新增；导入后状态为“已报送”，由责任部门审核。"
    )
    instructions = [
        "一行是一个项目一期的进度；可以一次导入多期，同一项目同一期只能出现一次。",
        "期次须已在系统中生成（填报期次由系统按本开发区的填报周期生成）。",
        "累计数只增不减：自开工累计、本年累计（同一年内）不能小于此前各期、不能大于此后各期已报的数。",
        "自开工累计完成投资不能超过项目总投资；本期 ≤ 本年累计 ≤ 自开工累计。",
        "已报送或已审核的填报不能通过导入修改（数值相同的行视为未变化）；如需更正请责任部门退回。",
        "项目单位填报员只能导入本单位项目、未截止期次的进度；补报已截止期次请联系责任部门。",
    ]

    def can_import(self, user: User) -> bool:
        return user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF, Role.UNIT)

    # --- lookups ---------------------------------------------------------------------------

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        zone = ctx.zone
        periods = list(ReportingPeriod.objects.filter(zone=zone).order_by("start"))
        by_label = {normalize_name(p.label): p for p in periods}
        ctx.lookups["periods"] = periods
        ctx.lookups["period_by_id"] = {p.pk: p for p in periods}
        ctx.lookups["period_label"] = by_label
        ctx.lookups["period_starts"] = [p.start for p in periods]
        ctx.lookups["period_cache"] = {}
        codes = {r.values.get("project_code") for r in rows if r.values.get("project_code")}
        names = any(not r.values.get("project_code") for r in rows)
        qs = Project.objects.filter(zone=zone).select_related(
            "zone", "department", "implementing_unit", "owner"
        )
        by_code: dict[str, Project] = {}
        by_name: dict[str, list[Project]] = {}
        if names or len(codes) > 2000:
            for project in qs:
                by_code[project.code] = project
                if project.archived_at is None:
                    by_name.setdefault(normalize_name(project.name), []).append(project)
        else:
            for chunk in chunks(sorted(codes), 500):
                by_code.update({p.code: p for p in qs.filter(code__in=chunk)})
        ctx.lookups["by_code"] = by_code
        ctx.lookups["by_name"] = by_name
        ctx.lookups["late_filing"] = ctx.user.role != Role.UNIT
        ctx.lookups["now"] = timezone.now()
        ctx.lookups["can"] = {}

        # Every report of the projects involved, once: the existing ones are matched, the
        # counted ones are the neighbours a cumulative figure must lie between.
        project_ids = {p.pk for p in by_code.values()}
        reports: dict[tuple[int, int], ProgressReport] = {}
        report_qs = ProgressReport.objects.filter(project__zone=zone).order_by()
        if ctx.lock:
            report_qs = report_qs.select_for_update(of=("self",))
        if len(project_ids) <= 2000:
            for chunk in chunks(sorted(project_ids), 500):
                for report in report_qs.filter(project_id__in=chunk):
                    reports[(report.project_id, report.period_id)] = report
        else:
            for report in report_qs:
                reports[(report.project_id, report.period_id)] = report
        for report in reports.values():
            report.period = ctx.lookups["period_by_id"][report.period_id]
        ctx.lookups["reports"] = reports

        # The timeline of each project: counted reports, overlaid by the file's rows (which
        # will be counted once imported), sorted by period start.
        timeline: dict[int, dict[int, Any]] = {}
        for (project_id, period_id), report in reports.items():
            if report.status in COUNTED_STATUSES:
                timeline.setdefault(project_id, {})[period_id] = report
        for row in rows:
            if row.problems:
                continue
            project = self._find_project(ctx, row)
            period = self._find_period(ctx, row)
            total, year = row.values.get("invested_total"), row.values.get("invested_year")
            if project is None or period is None or total is None or year is None:
                continue
            stub = _Filed(period, total, year)
            timeline.setdefault(project.pk, {}).setdefault(period.pk, stub)
        ordered = {
            pid: sorted(items.values(), key=lambda r: r.period.start)
            for pid, items in timeline.items()
        }
        ctx.lookups["timeline"] = {
            pid: (items, [r.period.start for r in items]) for pid, items in ordered.items()
        }

    def _find_project(self, ctx: Context, row: Row) -> Project | None:
        code = row.values.get("project_code")
        if code:
            return ctx.lookups["by_code"].get(code)
        found = ctx.lookups["by_name"].get(normalize_name(row.values.get("project_name") or ""))
        return found[0] if found and len(found) == 1 else None

    def _find_period(self, ctx: Context, row: Row) -> ReportingPeriod | None:
        text = row.values.get("period")
        if not text:
            return None
        cache = ctx.lookups["period_cache"]
        if text in cache:
            return cache[text]
        period = ctx.lookups["period_label"].get(normalize_name(text))
        if period is None:
            try:
                day = parse_date(text)
            except ValueParseError:
                day = None
            if day is not None:
                starts = ctx.lookups["period_starts"]
                index = bisect.bisect_right(starts, day) - 1
                if index >= 0 and ctx.lookups["periods"][index].contains(day):
                    period = ctx.lookups["periods"][index]
        cache[text] = period
        return period

    def _project(self, ctx: Context, row: Row) -> Project:
        project = project_of_row(ctx, row)
        allowed = ctx.lookups["can"].get(project.pk)
        if allowed is None:
            user = ctx.user
            allowed = (
                access.can_fill_report(user, project)
                if user.role == Role.UNIT
                else access.can_review_report(user, project)
            )
            ctx.lookups["can"][project.pk] = allowed
        if not allowed:
            what = (
                "只能导入本单位负责填报的项目"
                if ctx.user.role == Role.UNIT
                else f"无权填报该项目（责任部门：{project.department.name}）"
            )
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "project_code",
                        f"项目“{project.name}”：{what}。",
                        label="项目代码",
                    )
                ]
            )
        return project

    # --- the pipeline's hooks --------------------------------------------------------------

    def key(self, ctx: Context, row: Row) -> tuple:
        project = row.values.get("project_code") or normalize_name(
            row.values.get("project_name") or ""
        )
        period = self._find_period(ctx, row)
        return (project, period.pk if period else normalize_name(row.values.get("period") or ""))

    def key_label(self, key: tuple) -> str:
        return "项目和填报期次"

    def existing(self, ctx: Context, keys: list[tuple]) -> dict[tuple, models.Model]:
        return {}  # matched in build: the reports were fetched in prepare

    def build(self, ctx: Context, row: Row, current: models.Model | None) -> RowPlan:
        project = self._project(ctx, row)
        period = self._find_period(ctx, row)
        if period is None:
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "period",
                        f"本开发区没有“{row.values.get('period')}”这一填报期次（期次名称或期内日期，"
                        "如“2026年3月”或 2026-03-20）。",
                    )
                ]
            )
        existing = ctx.lookups["reports"].get((project.pk, period.pk))
        # Empty cells do not clear what a draft already holds (as in every sheet).
        values = {n: row.values[n] for n in FIGURES if row.values.get(n) is not None}
        if existing is not None and existing.status in COUNTED_STATUSES:
            if all(_same(getattr(existing, n), v) for n, v in values.items()):
                existing.project = project
                return RowPlan(row, "unchanged", existing, existing)
        before = None
        if existing is not None:
            before = _snapshot(existing)
            existing = _detached(existing)
        neighbours = self._neighbours(ctx, project.pk, period)
        report, problems = dispatch.progress_report_check(
            period=period,
            row=dispatch.ReportInput(project=project, values=values),
            existing=existing,
            neighbours=neighbours,
            submit=True,
            now=ctx.lookups["now"],
            late_filing=ctx.lookups["late_filing"],
        )
        if problems:
            raise RowError([_problem(ctx, row, name, message) for name, message in problems])
        assert report is not None
        if not ctx.lookups["late_filing"]:
            # Allowed because the period is still open: the plan holds until it closes.
            until = ctx.lookups.get("valid_until")
            ctx.lookups["valid_until"] = min(until, period.deadline) if until else period.deadline
        if existing is None:
            report.created_by = ctx.user
            plan = RowPlan(row, "create", report, None, data=values)
        else:
            plan = RowPlan(row, "update", report, ctx.lookups["reports"][(project.pk, period.pk)])
            plan.data = values
        # Imported reports are submitted (报送), as the fill page's button does.
        report.status = Status.SUBMITTED
        if existing is not None:
            after = _snapshot(report)
            labels = _labels(ProgressReport)
            plan.changes = [
                {"field": n, "label": labels[n], "old": before[n], "new": after[n]}
                for n in after
                if after[n] != before[n]
            ]
            changed = [c["field"] for c in plan.changes]
            plan.before = {n: stored_value(plan.existing, n) for n in changed}
            plan.after = {n: stored_value(report, n) for n in changed}
            if not plan.changes:
                plan.action = "unchanged"
        return plan

    def _neighbours(self, ctx: Context, project_id: int, period: ReportingPeriod):
        items, starts = ctx.lookups["timeline"].get(project_id, ([], []))
        index = bisect.bisect_left(starts, period.start)
        prev = items[index - 1] if index > 0 else None
        after = index + 1 if index < len(items) and starts[index] == period.start else index
        nxt = items[after] if after < len(items) else None
        return prev, nxt

    # --- writing ----------------------------------------------------------------------------

    def save(self, ctx: Context, plans: list[RowPlan]) -> list[Any]:
        from .models import ImportChange

        batch = ctx.batch
        note = f"Excel导入（批次#{batch.pk}，{batch.file_name}"
        now = timezone.now()
        user = ctx.user
        creates = [p for p in plans if p.action == "create"]
        updates = [p for p in plans if p.action == "update"]
        for plan in creates + updates:
            report = plan.instance
            report.status = Status.SUBMITTED
            report.submitted_by, report.submitted_at = user, now
            report.updated_at = now
            if plan.action == "update":
                report.version = plan.existing.version + 1
        ProgressReport.objects.bulk_create([p.instance for p in creates], batch_size=1000)
        if updates:
            ProgressReport.objects.bulk_update(
                [p.instance for p in updates],
                [*FIGURES, "status", "submitted_by", "submitted_at", "version", "updated_at"],
                batch_size=500,
            )
        events, changes = [], []
        empty = _snapshot(ProgressReport(status=""))
        labels = _labels(ProgressReport)
        for plan in creates + updates:
            report = plan.instance
            created = plan.action == "create"
            if created:
                after = _snapshot(report)
                diff = [
                    {
                        "field": n,
                        "label": labels[n],
                        "old": empty[n],
                        "new": after[n],
                    }
                    for n in after
                    if after[n] != empty[n]
                ]
            else:
                diff = plan.changes
            events.append(
                audit_event(
                    actor=user,
                    action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                    target=report,
                    zone=ctx.zone,
                    changes=diff,
                    version=report.version,
                    note=f"{note}第{plan.row.number}行）报送进度",
                    at=now,
                )
            )
            changes.append(
                ImportChange(
                    batch=batch,
                    row=plan.row.number,
                    model="dispatch.progressreport",
                    object_id=report.pk,
                    label=str(report)[:200],
                    action=ImportChange.Action.CREATE if created else ImportChange.Action.UPDATE,
                    before=plan.before,
                    after=plan.after,
                    version_after=report.version,
                )
            )
        audit_bulk(events)
        touched = ctx.lookups.setdefault("touched", set())
        touched.update(p.instance.project_id for p in creates + updates)
        return changes

    def finish(self, ctx: Context) -> None:
        """The projects' lag warnings, once for the whole file (reports are their input)."""
        dispatch.warnings_recompute(
            ctx.lookups.get("touched", ()), by=ctx.user, trigger="Excel导入进度填报"
        )

    stores_plan = True

    def plan_dump(self, plans: list[RowPlan]) -> list[dict[str, Any]]:
        items = []
        for plan in plans:
            report = plan.instance
            if plan.action == "create":
                fields = {n: stored_value(report, n) for n in FIGURES}
                items.append(
                    {
                        "r": plan.row.number,
                        "a": "create",
                        "p": report.project_id,
                        "d": report.period_id,
                        "f": fields,
                    }
                )
            elif plan.action == "update":
                items.append(
                    {
                        "r": plan.row.number,
                        "a": "update",
                        "pk": plan.existing.pk,
                        "v": plan.existing.version,
                        "c": plan.changes,
                        "b": plan.before,
                        "f": plan.after,
                    }
                )
        return items

    def plan_load(self, ctx: Context, items: list[dict[str, Any]]) -> list[RowPlan] | None:
        ids = [item["pk"] for item in items if item["a"] == "update"]
        current: dict[int, ProgressReport] = {}
        for chunk in chunks(ids, 500):
            current.update(
                ProgressReport.objects.select_for_update(of=("self",))
                .filter(project__zone=ctx.zone)
                .in_bulk(chunk)
            )
        project_ids = {item["p"] for item in items if item["a"] == "create"}
        project_ids |= {r.project_id for r in current.values()}
        projects: dict[int, Project] = {}
        for chunk in chunks(sorted(project_ids), 500):
            projects.update(Project.objects.filter(zone=ctx.zone).in_bulk(chunk))
        periods = {p.pk: p for p in ReportingPeriod.objects.filter(zone=ctx.zone)}
        plans = []
        for item in items:
            row = Row(item["r"], {}, {})
            if item["a"] == "create":
                report = ProgressReport(
                    project=projects[item["p"]], period=periods[item["d"]], created_by=ctx.user
                )
                _restore(report, item["f"])
                plans.append(RowPlan(row, "create", report))
                continue
            existing = current.get(item["pk"])
            if existing is None or existing.version != item["v"]:
                return None
            existing.project = projects[existing.project_id]
            existing.period = periods[existing.period_id]
            report = _detached(existing)
            _restore(report, item["f"])
            plans.append(
                RowPlan(
                    row,
                    "update",
                    report,
                    existing,
                    changes=item["c"],
                    before=item["b"],
                    after=item["f"],
                )
            )
        return plans

    # --- undo ---------------------------------------------------------------------------------

    def undo_conflicts(self, changes: list[Any]) -> list[str]:
        current: dict[int, ProgressReport] = {}
        for chunk in chunks([c.object_id for c in changes], 500):
            current.update(ProgressReport.objects.select_for_update(of=("self",)).in_bulk(chunk))
        return [
            f"进度填报“{change.label}”在导入后又被修改或审核过"
            for change in changes
            if change.object_id in current
            and current[change.object_id].version != change.version_after
        ]

    def undo(self, ctx: Context, changes: list[Any]) -> None:
        batch = ctx.batch
        current: dict[int, ProgressReport] = {}
        for chunk in chunks([c.object_id for c in changes], 500):
            current.update(
                ProgressReport.objects.select_related("project__zone", "period").in_bulk(chunk)
            )
        now = timezone.now()
        events, deleted, restored = [], [], []
        note = f"撤销导入批次#{batch.pk}（{batch.file_name}）"
        for change in changes:
            report = current.get(change.object_id)
            if report is None:
                continue
            if change.action == "create":
                events.append(
                    audit_event(
                        actor=ctx.user,
                        action=AuditEvent.Action.UPDATE,
                        target=report,
                        zone=ctx.zone,
                        changes=[
                            {
                                "field": "deleted",
                                "label": "进度填报",
                                "old": str(report),
                                "new": "（已删除）",
                            }
                        ],
                        note=f"{note}：删除导入时新增的进度填报",
                        at=now,
                    )
                )
                deleted.append(report.pk)
                continue
            before = _snapshot(report)
            _restore(report, change.before)
            report.version += 1
            report.updated_at = now
            after = _snapshot(report)
            labels = _labels(ProgressReport)
            events.append(
                audit_event(
                    actor=ctx.user,
                    action=AuditEvent.Action.UPDATE,
                    target=report,
                    zone=ctx.zone,
                    changes=[
                        {"field": n, "label": labels[n], "old": before[n], "new": after[n]}
                        for n in after
                        if after[n] != before[n]
                    ],
                    version=report.version,
                    note=note,
                    at=now,
                )
            )
            restored.append(report)
        audit_bulk(events)
        if restored:
            ProgressReport.objects.bulk_update(
                restored, [*FIGURES, "status", "version", "updated_at"], batch_size=500
            )
        project_ids = {r.project_id for r in current.values()}
        for chunk in chunks(deleted, 500):
            ProgressReport.objects.filter(pk__in=chunk).delete()
        dispatch.warnings_recompute(project_ids, by=ctx.user, trigger="撤销Excel导入")


@dataclass(slots=True)
class _Filed:
    """A row of the file as the neighbour of another row: the figures the dispatch rules
    compare (a report of that period once imported)."""

    period: ReportingPeriod
    invested_total: Decimal
    invested_year: Decimal


def _same(old: Any, new: Any) -> bool:
    if new is None:
        return old in (None, "")
    return old == new


def _snapshot(report: ProgressReport) -> dict[str, str]:
    return {name: display_value(report, name) for name in [*FIGURES, "status"]}


def _detached(report: ProgressReport) -> ProgressReport:
    """A copy to set the file's figures on, so the fetched report keeps its stored values."""
    copy = ProgressReport(
        **{f.attname: getattr(report, f.attname) for f in ProgressReport._meta.concrete_fields}
    )
    copy._state.adding = False
    copy._state.db = report._state.db
    for name, value in report._state.fields_cache.items():
        copy._state.fields_cache[name] = value
    return copy


def _problem(ctx: Context, row: Row, name: str, message: str):
    """A dispatch (field, message) pair as a problem on the column the field came from; a
    problem about the report as a whole goes on the project's column."""
    if name == "__all__":
        key = "project_code" if "project_code" in ctx.headers else "project_name"
        label = "项目代码" if key == "project_code" else "项目名称"
    else:
        key = name
        label = str(ProgressReport._meta.get_field(name).verbose_name) if name in FIGURES else name
    return ctx.problem(row, key, message, label=label)
