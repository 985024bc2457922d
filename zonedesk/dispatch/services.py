"""Writes of the dispatch module: reporting periods, progress reports, reminders, settings and
the stored lag warnings. Every write runs in a transaction, validates the whole batch before it
saves anything, refuses stale edits (optimistic locking on `version`) and names the acting user
in the audit log. Warnings are recomputed at the end of each write that changes their inputs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, Role, User
from zonedesk.projects import services as project_services
from zonedesk.projects.models import Milestone, Project
from zonedesk.zones.models import Organisation, Zone

from . import notify
from . import periods as period_math
from . import warnings as rules
from .models import (
    COUNTED_STATUSES,
    OPEN_BLOCKER_STATUSES,
    AgendaItem,
    Blocker,
    BlockerCategory,
    BlockerEvent,
    BlockerLevel,
    DeadlineReminder,
    DispatchSettings,
    Meeting,
    MeetingKind,
    MeetingSchedule,
    ProgressReport,
    ProjectWarning,
    Reminder,
    ReportingPeriod,
    ReportMilestone,
    ReportPhoto,
    SupervisionFeedback,
    SupervisionItem,
    WarningChange,
)
from .photos import MAX_PER_REPORT, CleanPhoto

Status = ProgressReport.Status

REPORT_FIELDS = [
    "invested_period", "invested_year", "invested_total", "image_progress",
    "percent_complete", "problems", "next_plan",
]  # fmt: skip
REQUIRED_ON_SUBMIT = [
    "invested_period",
    "invested_year",
    "invested_total",
    "image_progress",
    "percent_complete",
]
SETTINGS_FIELDS = [
    "period_kind", "deadline_weekday", "deadline_hour", "deadline_days_after", "lag_points",
    "missed_periods", "milestone_grace_days", "blocker_days", "red_rules",
]  # fmt: skip
# The stages whose projects report every period (新开工 / 在建).
REPORTING_STAGES = sorted(rules.ACTIVE_STAGES)
# How far back `periods_ensure` fills gaps; after a longer pause it starts again from today.
MAX_GAP_DAYS = 92


def label_of(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def wan(value: Decimal | None) -> str:
    return "（空）" if value is None else f"{value:,.2f}万元"


def cn_datetime(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日{local:%H:%M}"


# --- settings ---------------------------------------------------------------------------------


def settings_for(zone_id: int) -> DispatchSettings:
    """The zone's settings, or the defaults (unsaved) when it has none yet."""
    return DispatchSettings.objects.filter(zone_id=zone_id).first() or DispatchSettings(
        zone_id=zone_id
    )


def thresholds(s: DispatchSettings) -> rules.Thresholds:
    return rules.Thresholds(
        lag_points=Decimal(s.lag_points),
        missed_periods=s.missed_periods,
        milestone_grace_days=s.milestone_grace_days,
        blocker_days=s.blocker_days,
        red_rules=frozenset(s.red_rules or ()),
    )


@transaction.atomic
def dispatch_settings_update(
    *, zone: Zone, by: User, data: dict[str, Any], expected_version: int, request=None
) -> DispatchSettings:
    """Change a zone's reporting rhythm or thresholds. A new rhythm or deadline applies to
    periods created from now on; existing periods keep their deadline. All of the zone's
    warnings are recomputed with the new thresholds."""
    current = DispatchSettings.objects.select_for_update(of=("self",)).filter(zone=zone).first()
    if current is None:
        current = DispatchSettings(zone=zone, version=0)
    if current.version != expected_version and not (
        current.pk is None and expected_version in (0, 1)
    ):
        raise ValidationError("调度设置已被他人修改，本次保存未生效，请刷新后重新填写。")
    before = {name: project_services.display_value(current, name) for name in SETTINGS_FIELDS}
    before["red_rules"] = "、".join(current.red_rule_labels()) or "（无）"
    for name, value in data.items():
        if name not in SETTINGS_FIELDS:
            raise ValueError(f"unknown settings field {name}")
        setattr(current, name, value)
    unknown = set(current.red_rules or ()) - set(rules.RULE_LABELS)
    if unknown:
        raise ValidationError({"red_rules": [f"未知的预警规则：{'、'.join(sorted(unknown))}。"]})
    current.red_rules = sorted(set(current.red_rules or ()))
    current.full_clean()
    changes = []
    for name in SETTINGS_FIELDS:
        new = (
            "、".join(current.red_rule_labels()) or "（无）"
            if name == "red_rules"
            else project_services.display_value(current, name)
        )
        if new != before[name]:
            changes.append(
                {
                    "field": name,
                    "label": label_of(DispatchSettings, name),
                    "old": before[name],
                    "new": new,
                }
            )
    if not changes and current.pk:
        return current
    current.version += 1
    current.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=current,
        zone=zone,
        changes=changes,
        version=current.version,
        note="修改调度设置",
        request=request,
    )
    ids = Project.objects.filter(zone=zone, archived_at__isnull=True).values_list("pk", flat=True)
    warnings_recompute(list(ids), by=by, trigger="调度设置修改")
    return current


# --- periods ----------------------------------------------------------------------------------


def _deadline(s: DispatchSettings, kind: str, end: dt.date) -> dt.datetime:
    day = period_math.deadline_date(kind, end, days_after=s.deadline_days_after)
    return dt.datetime.combine(
        day, dt.time(s.deadline_hour), tzinfo=timezone.get_current_timezone()
    )


def _period_from(zone: Zone, s: DispatchSettings, start: dt.date) -> ReportingPeriod:
    """The period that starts on `start`: existing, or created with the zone's current rhythm."""
    kind = s.period_kind
    _, end = period_math.period_bounds(kind, start, week_end_weekday=s.deadline_weekday)
    period, _ = ReportingPeriod.objects.get_or_create(
        zone=zone,
        start=start,
        defaults={"kind": kind, "end": end, "deadline": _deadline(s, kind, end)},
    )
    return period


@transaction.atomic
def periods_ensure(*, zone: Zone, today: dt.date | None = None) -> ReportingPeriod:
    """The zone's period that contains `today`, creating it first, and any period missing since
    the latest one, so that "no report for N periods" counts real, consecutive periods. Called by
    the pages and by `manage.py ensure_periods`."""
    today = today or timezone.localdate()
    found = ReportingPeriod.objects.filter(zone=zone, start__lte=today, end__gte=today).first()
    if found is not None:
        return found
    s = settings_for(zone.pk)
    last = ReportingPeriod.objects.filter(zone=zone, end__lt=today).order_by("-end").first()
    if last is not None and (today - last.end).days <= MAX_GAP_DAYS:
        day = last.end + dt.timedelta(days=1)
    else:
        day = period_math.period_bounds(s.period_kind, today, week_end_weekday=s.deadline_weekday)[
            0
        ]
    while True:
        period = _period_from(zone, s, day)
        if period.end >= today:
            return period
        day = period.end + dt.timedelta(days=1)


def period_next(period: ReportingPeriod) -> ReportingPeriod:
    return _period_from(
        period.zone, settings_for(period.zone_id), period.end + dt.timedelta(days=1)
    )


def periods_open(*, zone: Zone, now: dt.datetime | None = None) -> list[ReportingPeriod]:
    """Periods a unit can still file for, earliest first: an earlier 旬 or month whose deadline
    falls after its last day, and the current period — or the next one once the current has
    closed (a Friday deadline leaves Saturday and Sunday to the next week)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    current = periods_ensure(zone=zone, today=today)
    earlier = list(
        ReportingPeriod.objects.filter(zone=zone, end__lt=current.start, deadline__gt=now).order_by(
            "start"
        )
    )
    if current.deadline <= now:
        current = period_next(current)
    return [*earlier, current]


# --- progress reports -------------------------------------------------------------------------


@dataclass
class ReportInput:
    """One row of a batch: the figures a unit typed for one project."""

    project: Project
    values: dict[str, Any]
    milestones: dict[int, dt.date] = field(default_factory=dict)  # milestone id → actual date
    photos: list[CleanPhoto] = field(default_factory=list)
    expected_version: int | None = None  # the report's version the form was based on; 0 = new

    @property
    def is_blank(self) -> bool:
        return (
            all(v in (None, "") for v in self.values.values())
            and not self.milestones
            and not self.photos
        )


def neighbour_reports(
    project_ids: list[int], period: ReportingPeriod
) -> dict[int, tuple[ProgressReport | None, ProgressReport | None]]:
    """For each project, its counted (submitted or approved) reports just before and just after
    `period`: the figures a cumulative value must lie between. Two queries for any number."""
    counted = ProgressReport.objects.filter(project=OuterRef("pk"), status__in=COUNTED_STATUSES)
    before = counted.filter(period__start__lt=period.start).order_by("-period__start")
    after = counted.filter(period__start__gt=period.start).order_by("period__start")
    pairs = (
        Project.objects.filter(pk__in=project_ids)
        .annotate(
            prev_id=Subquery(before.values("pk")[:1]), next_id=Subquery(after.values("pk")[:1])
        )
        .values_list("pk", "prev_id", "next_id")
    )
    pairs = list(pairs)
    wanted = {i for _, a, b in pairs for i in (a, b) if i}
    found = {r.pk: r for r in ProgressReport.objects.filter(pk__in=wanted).select_related("period")}
    return {pk: (found.get(a), found.get(b)) for pk, a, b in pairs}


def _snapshot(report: ProgressReport) -> dict[str, str]:
    names = [*REPORT_FIELDS, "status"]
    return {name: project_services.display_value(report, name) for name in names}


def _changes(before: dict[str, str], report: ProgressReport) -> list[dict[str, str]]:
    after = _snapshot(report)
    return [
        {
            "field": name,
            "label": label_of(ProgressReport, name),
            "old": before[name],
            "new": after[name],
        }
        for name in after
        if after[name] != before[name]
    ]


def _audit(
    report: ProgressReport, *, by, action: str, changes=None, note: str = "", request=None
) -> None:
    audit_record(
        actor=by,
        action=action,
        target=report,
        zone=report.project.zone,
        changes=changes or [],
        note=note,
        version=report.version,
        request=request,
    )


def _check_row(
    report: ProgressReport,
    row: ReportInput,
    *,
    submit: bool,
    today: dt.date,
    neighbours: tuple[ProgressReport | None, ProgressReport | None],
    milestones: dict[int, Milestone],
    existing_photos: int,
) -> list[tuple[str, str]]:
    """Every rule for one report; (field, message) pairs, each message naming the project."""
    project, period = report.project, report.period
    name = f"项目“{project.name}”"
    errors: list[tuple[str, str]] = []

    def add(field_name: str, message: str) -> None:
        errors.append((field_name, f"{name}：{message}"))

    try:
        report.full_clean(
            exclude=["period", "project", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            for message in messages:
                add(field_name, f"{label_of(ProgressReport, field_name)}{message}")
    if errors:
        return errors

    if submit:
        for field_name in REQUIRED_ON_SUBMIT:
            if getattr(report, field_name) in (None, ""):
                add(field_name, f"请填写{label_of(ProgressReport, field_name)}。")

    p, y, t = report.invested_period, report.invested_year, report.invested_total
    if y is not None and t is not None and y > t:
        add(
            "invested_year", f"本年累计完成投资（{wan(y)}）不能大于自开工累计完成投资（{wan(t)}）。"
        )
    if p is not None and t is not None and p > t:
        add("invested_period", f"本期完成投资（{wan(p)}）不能大于自开工累计完成投资（{wan(t)}）。")
    if p is not None and y is not None and p > y and period.start.year == period.end.year:
        add("invested_period", f"本期完成投资（{wan(p)}）不能大于本年累计完成投资（{wan(y)}）。")
    if t is not None and t > project.total_investment:
        add(
            "invested_total",
            f"自开工累计完成投资（{wan(t)}）超过项目总投资（{wan(project.total_investment)}）；"
            "如总投资已正式调整，请先由责任部门在项目库中修改总投资（修改留痕）后再报。",
        )

    prev, nxt = neighbours
    if prev is not None:
        if t is not None and t < prev.invested_total:
            add(
                "invested_total",
                f"自开工累计完成投资（{wan(t)}）不能小于{prev.period.label}已报的{wan(prev.invested_total)}，累计数只增不减。",
            )
        if y is not None and prev.period.end.year == period.end.year and y < prev.invested_year:
            add(
                "invested_year",
                f"本年累计完成投资（{wan(y)}）不能小于{prev.period.label}已报的{wan(prev.invested_year)}，累计数只增不减。",
            )
    if nxt is not None:
        if t is not None and t > nxt.invested_total:
            add(
                "invested_total",
                f"自开工累计完成投资（{wan(t)}）不能大于之后{nxt.period.label}已报的{wan(nxt.invested_total)}，累计数只增不减。",
            )
        if y is not None and nxt.period.end.year == period.end.year and y > nxt.invested_year:
            add(
                "invested_year",
                f"本年累计完成投资（{wan(y)}）不能大于之后{nxt.period.label}已报的{wan(nxt.invested_year)}，累计数只增不减。",
            )

    for milestone_id, day in row.milestones.items():
        milestone = milestones.get(milestone_id)
        key = f"milestone_{milestone_id}"
        if milestone is None or milestone.project_id != project.pk:
            add(key, "所选节点不属于该项目。")
            continue
        what = f"节点“{milestone.name}”的实际完成日期（{day.isoformat()}）"
        if day > today:
            add(key, f"{what}不能晚于今天。")
        elif day > period.end:
            add(key, f"{what}不能晚于本期结束日期（{period.end.isoformat()}）。")

    if existing_photos + len(row.photos) > MAX_PER_REPORT:
        add("photos", f"每期最多上传{MAX_PER_REPORT}张照片，已有{existing_photos}张。")
    return errors


@transaction.atomic
def progress_reports_save(
    *,
    period: ReportingPeriod,
    rows: list[ReportInput],
    by: User,
    submit: bool,
    request=None,
    now: dt.datetime | None = None,
) -> list[ProgressReport]:
    """Save a unit's batch for one period, as drafts or submitted. All or nothing: when any row
    breaks a rule nothing is saved and the ValidationError lists every problem, keyed
    "<project id>.<field>", each message naming the project and the field.

    Rules: a period that has closed takes no new or draft report, only returned ones; a
    submitted or approved report changes only after it is returned; cumulative figures never
    decrease from one period to the next; 自开工累计 ≤ the project's (current) total investment;
    milestone dates no later than today and the period's end. On submit, reached milestones are
    written back to the project's milestones through projects.services (so their history keeps
    it) and the projects' warnings are recomputed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = [row for row in rows if not row.is_blank]
    ids = [row.project.pk for row in rows]
    existing = {
        r.project_id: r
        for r in ProgressReport.objects.select_for_update(of=("self",)).filter(
            period=period, project_id__in=ids
        )
    }
    neighbours = neighbour_reports(ids, period)
    milestones = {m.pk: m for m in Milestone.objects.filter(project_id__in=ids)}
    photo_counts: dict[int, int] = defaultdict(int)
    for report_id in ReportPhoto.objects.filter(report__in=existing.values()).values_list(
        "report_id", flat=True
    ):
        photo_counts[report_id] += 1

    errors: dict[str, list[str]] = {}
    pending: list[tuple[ProgressReport, ReportInput, dict[str, str] | None]] = []
    for row in rows:
        pk = row.project.pk
        report = existing.get(pk)
        # The snapshot is taken before the check sets the row's figures on the report.
        before = _snapshot(report) if report is not None else None
        report, problems = progress_report_check(
            period=period,
            row=row,
            existing=report,
            neighbours=neighbours.get(pk, (None, None)),
            submit=submit,
            now=now,
            by=by,
            check_version=True,
            milestones=milestones,
            existing_photos=photo_counts.get(report.pk, 0) if report is not None else 0,
        )
        for field_name, message in problems:
            errors.setdefault(f"{pk}.{field_name}", []).append(message)
        if report is not None:
            pending.append((report, row, before))
    if errors:
        raise ValidationError(errors)

    saved = []
    for report, row, before in pending:
        is_new = report.pk is None
        if before is None:
            before = _snapshot(ProgressReport(status=""))
        if submit:
            report.status = Status.SUBMITTED
            report.submitted_by, report.submitted_at = by, now
        if not is_new:
            report.version += 1
        report.save()
        if row.milestones:
            ReportMilestone.objects.filter(report=report, milestone_id__in=row.milestones).delete()
            ReportMilestone.objects.bulk_create(
                ReportMilestone(report=report, milestone_id=mid, actual_date=day)
                for mid, day in row.milestones.items()
            )
        for photo in row.photos:
            item = ReportPhoto(
                report=report,
                original_name=photo.original_name,
                content_type=photo.content_type,
                size=len(photo.content),
                width=photo.width,
                height=photo.height,
                uploaded_by=by,
            )
            item.file.save(f"r{report.pk}.{photo.ext}", ContentFile(photo.content), save=False)
            item.save()
        note = "报送进度" if submit else "保存进度草稿"
        if row.photos:
            note += f"，上传照片{len(row.photos)}张"
        _audit(
            report,
            by=by,
            action=AuditEvent.Action.CREATE if is_new else AuditEvent.Action.UPDATE,
            changes=_changes(before, report),
            note=note,
            request=request,
        )
        saved.append(report)

    if submit:
        _write_back_milestones(saved, by=by, request=request)
        warnings_recompute(ids, by=by, trigger="进度填报报送", today=today, now=now)
    return saved


def progress_report_check(
    *,
    period: ReportingPeriod,
    row: ReportInput,
    existing: ProgressReport | None,
    neighbours: tuple[ProgressReport | None, ProgressReport | None],
    submit: bool = True,
    now: dt.datetime | None = None,
    late_filing: bool = False,
    by: User | None = None,
    check_version: bool = False,
    milestones: dict[int, Milestone] | None = None,
    existing_photos: int = 0,
) -> tuple[ProgressReport | None, list[tuple[str, str]]]:
    """One report checked by every rule of `progress_reports_save` (which calls it for each
    row), also for callers that check many rows of many periods at once (Excel导入 of 进度填报).
    The caller fetches the existing report and the counted neighbours (as `neighbour_reports`
    does) once for all its rows; nothing is queried or written here. Returns the report with
    the row's figures set (unsaved, status unchanged; None when the row cannot be filed at
    all) and the (field, message) problems, each message naming the project.

    `late_filing` lets the responsible department file or complete a report for a period that
    has closed (补报, which the fill page tells units to ask for); units never get it.
    `check_version` refuses a row based on another version of the report than the stored one
    (a form's edit conflict); an import checks its whole plan against a fingerprint instead."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    project = row.project
    name = f"项目“{project.name}”"
    closed = now >= period.deadline and not late_filing
    if project.zone_id != period.zone_id:
        return None, [("__all__", f"{name}不属于{period.zone}，不能在本期次填报。")]
    if project.archived_at is not None:
        return None, [("__all__", f"{name}已归档，不能填报。")]
    if existing is None:
        if closed:
            return None, [
                (
                    "__all__",
                    f"{name}：{period.label}的填报已于{cn_datetime(period.deadline)}截止，不能再报；如需补报请联系责任部门。",
                )
            ]
        report = ProgressReport(period=period, project=project, created_by=by)
    else:
        report = existing
        report.period, report.project = period, project
        if report.status in COUNTED_STATUSES:
            return None, [
                (
                    "__all__",
                    f"{name}的本期进度{report.get_status_display()}，不能修改；如需更正，请责任部门退回。",
                )
            ]
        if report.status == Status.DRAFT and closed:
            return None, [
                (
                    "__all__",
                    f"{name}：{period.label}的填报已于{cn_datetime(period.deadline)}截止，草稿不能再提交；如需补报请联系责任部门。",
                )
            ]
        if check_version and row.expected_version != report.version:
            return None, [
                (
                    "__all__",
                    f"{name}的本期进度已被他人修改（现为第{report.version}版），本次保存未生效，请刷新后重新填写。",
                )
            ]
    for field_name, value in row.values.items():
        if field_name not in REPORT_FIELDS:
            raise ValueError(f"unknown report field {field_name}")
        setattr(
            report,
            field_name,
            ""
            if value is None and field_name in ("image_progress", "problems", "next_plan")
            else value,
        )
    problems = _check_row(
        report,
        row,
        submit=submit,
        today=today,
        neighbours=neighbours,
        milestones=milestones or {},
        existing_photos=existing_photos,
    )
    return report, problems


def _write_back_milestones(reports: list[ProgressReport], *, by, request=None) -> None:
    """Reached milestones' actual dates onto the project's milestones, through the project
    service so that the milestone's history names who reported it."""
    reached = ReportMilestone.objects.filter(report__in=reports).select_related("milestone")
    for item in reached:
        milestone = item.milestone
        if milestone.actual_date == item.actual_date:
            continue
        project_services.milestone_update(
            milestone=milestone,
            by=by,
            data={"actual_date": item.actual_date},
            expected_version=milestone.version,
            request=request,
        )


def _locked(report: ProgressReport, expected_version: int) -> ProgressReport:
    current = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("period", "project__zone")
        .get(pk=report.pk)
    )
    if current.version != expected_version:
        raise ValidationError(
            f"项目“{current.project.name}”的本期进度已被他人修改（现为第{current.version}版），本次操作未生效，请刷新后重试。"
        )
    return current


@transaction.atomic
def progress_report_approve(
    *, report: ProgressReport, by: User, expected_version: int, request=None
) -> ProgressReport:
    """The responsible department accepts a submitted report."""
    current = _locked(report, expected_version)
    if current.status != Status.SUBMITTED:
        raise ValidationError(
            f"项目“{current.project.name}”的本期进度{current.get_status_display()}，只有已报送的进度可以审核。"
        )
    before = _snapshot(current)
    current.status = Status.APPROVED
    current.approved_by, current.approved_at = by, timezone.now()
    current.version += 1
    current.save(update_fields=["status", "approved_by", "approved_at", "version", "updated_at"])
    _audit(
        current,
        by=by,
        action=AuditEvent.Action.UPDATE,
        changes=_changes(before, current),
        note="审核通过",
        request=request,
    )
    warnings_recompute([current.project_id], by=by, trigger="进度填报审核通过")
    return current


@transaction.atomic
def progress_report_return(
    *, report: ProgressReport, by: User, reason: str, expected_version: int, request=None
) -> ProgressReport:
    """Send a submitted (or, to correct it, an approved) report back to the unit with a reason;
    the unit may then change and resubmit it even after the period has closed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["退回须填写原因。"]})
    current = _locked(report, expected_version)
    if current.status not in COUNTED_STATUSES:
        raise ValidationError(
            f"项目“{current.project.name}”的本期进度{current.get_status_display()}，只有已报送或已审核的进度可以退回。"
        )
    before = _snapshot(current)
    current.status = Status.RETURNED
    current.returned_by, current.returned_at, current.return_reason = (
        by,
        timezone.now(),
        reason[:300],
    )
    current.version += 1
    current.save(
        update_fields=[
            "status",
            "returned_by",
            "returned_at",
            "return_reason",
            "version",
            "updated_at",
        ]
    )
    _audit(
        current,
        by=by,
        action=AuditEvent.Action.UPDATE,
        changes=_changes(before, current),
        note=f"退回：{reason}",
        request=request,
    )
    warnings_recompute([current.project_id], by=by, trigger="进度填报退回")
    return current


# --- reminders (催报) --------------------------------------------------------------------------


def expected_projects(period: ReportingPeriod):
    """Projects expected to report in `period`: every 新开工/在建 project of the zone that is not
    archived, plus any project that has a report in the period."""
    return Project.objects.filter(zone_id=period.zone_id, archived_at__isnull=True).filter(
        Q(stage__in=REPORTING_STAGES)
        | Q(pk__in=ProgressReport.objects.filter(period=period).values("project_id"))
    )


def reminder_interval_minutes() -> int:
    """一键催报 reaches a unit at most once in this many minutes a period (so five clicks are one
    e-mail, not five); the `DISPATCH_REMINDER_INTERVAL_MINUTES` setting overrides."""
    return int(getattr(settings, "DISPATCH_REMINDER_INTERVAL_MINUTES", 60))


def reminder_send(
    *, period: ReportingPeriod, organisation: Organisation, by: User, request=None
) -> Reminder:
    """Remind a unit of its projects not yet reported (or returned) in `period`: an in-app
    reminder on its filling page, and an e-mail to each of its users with an address."""
    if organisation.zone_id != period.zone_id:
        raise ValidationError("该单位不属于本期次所在开发区。")
    projects = list(
        expected_projects(period)
        .filter(
            Q(implementing_unit=organisation)
            | Q(implementing_unit__isnull=True, owner=organisation)
        )
        .order_by("code")
    )
    reports = {
        r.project_id: r.status
        for r in ProgressReport.objects.filter(period=period, project__in=projects)
    }
    closed = period.is_closed
    pending = [
        p for p in projects
        if reports.get(p.pk) == Status.RETURNED or (not closed and reports.get(p.pk) in (None, Status.DRAFT))
    ]  # fmt: skip
    if not pending:
        raise ValidationError(
            f"{organisation.name}在{period.label}没有待报送或被退回的项目，无需提醒。"
        )
    last = (
        Reminder.objects.filter(period=period, organisation=organisation)
        .order_by("-sent_at")
        .first()
    )
    interval = dt.timedelta(minutes=reminder_interval_minutes())
    if last is not None and timezone.now() - last.sent_at < interval:
        again = timezone.localtime(last.sent_at + interval)
        raise ValidationError(
            f"已于{timezone.localtime(last.sent_at):%H:%M}提醒过{organisation.name}"
            f"（{last.sent_by.name if last.sent_by else '系统'}），请于{again:%H:%M}后再催报。"
        )
    names = "、".join(f"“{p.name}”" for p in pending)
    if closed:
        message = f"{period.label}的填报已截止，请尽快修改并重新报送被退回的项目：{names}。"
    else:
        message = f"请于{cn_datetime(period.deadline)}前报送{period.label}以下项目的进度：{names}。"
    with transaction.atomic():
        reminder = Reminder.objects.create(
            period=period, organisation=organisation, sent_by=by, message=message
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            target=reminder,
            zone=period.zone,
            note=f"催报{organisation.name}：{len(pending)}个项目",
            request=request,
        )
    recipients = list(
        User.objects.filter(organisation=organisation, role=Role.UNIT, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    sent = []
    if recipients:
        connection = get_connection(fail_silently=True)
        subject = f"【开发区调度台】{period.label}进度填报提醒"
        body = f"{organisation.name}：\n\n{message}\n\n{by.name}（{period.zone}）"
        for address in recipients:
            if EmailMessage(subject, body, to=[address], connection=connection).send():
                sent.append(address)
    if sent:
        Reminder.objects.filter(pk=reminder.pk).update(emailed_to=sent)
        reminder.emailed_to = sent
    return reminder


# --- warnings (预警) ---------------------------------------------------------------------------


# Other modules feed facts into the warning rules without dispatch importing them: the investment
# module registers its signed leads' missed commitments (招商签约承诺) from its AppConfig.ready().
# A source is fn(project_ids: list[int], today) -> {project id: [one Chinese sentence, …]} and must
# cost a fixed number of queries.
_COMMITMENT_SOURCES: list = []


def register_commitment_source(fn) -> None:
    if fn not in _COMMITMENT_SOURCES:
        _COMMITMENT_SOURCES.append(fn)


def _unmet_commitments(ids: list[int], today: dt.date) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for source in _COMMITMENT_SOURCES:
        for project_id, sentences in source(ids, today).items():
            found[project_id].extend(sentences)
    return found


def _facts(
    project: Project,
    *,
    open_milestones,
    invested_year,
    missed: int,
    last_missed: str,
    open_blockers=(),
    unmet_commitments=(),
) -> rules.ProjectFacts:
    return rules.ProjectFacts(
        stage=project.stage,
        planned_start=project.planned_start,
        actual_start=project.actual_start,
        planned_completion=project.planned_completion,
        actual_completion=project.actual_completion,
        annual_plan_investment=project.annual_plan_investment or Decimal(0),
        invested_this_year=invested_year or Decimal(0),
        open_milestones=tuple(open_milestones),
        missed_periods=missed,
        last_missed_label=last_missed,
        open_blockers=tuple(open_blockers),
        unmet_commitments=tuple(unmet_commitments),
    )


def warnings_recompute(
    project_ids: Iterable[int],
    *,
    by: User | None = None,
    trigger: str = "",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> dict[int, ProjectWarning]:
    """Re-evaluate the warning rules for these projects and store their colour and reasons;
    when a colour changes, add a WarningChange naming the trigger and the user. A fixed number
    of queries however many projects. Call it after every write that changes a rule's input
    (project dates, stage, annual plan, milestones, reports, blockers, settings)."""
    ids = sorted(set(project_ids))
    if not ids:
        return {}
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    year_figure = (
        ProgressReport.objects.filter(
            project=OuterRef("pk"), status__in=COUNTED_STATUSES, period__end__year=today.year
        )
        .order_by("-period__start")
        .values("invested_year")[:1]
    )
    projects = list(
        Project.objects.filter(pk__in=ids, archived_at__isnull=True).annotate(
            invested_this_year=Subquery(year_figure)
        )
    )
    zone_ids = {p.zone_id for p in projects}
    zone_settings = {s.zone_id: s for s in DispatchSettings.objects.filter(zone_id__in=zone_ids)}

    open_milestones: dict[int, list[rules.OpenMilestone]] = defaultdict(list)
    rows = Milestone.objects.filter(project_id__in=ids, actual_date__isnull=True).values_list(
        "project_id", "name", "planned_date", "baseline_date"
    )
    for project_id, name, planned, baseline in rows:
        open_milestones[project_id].append(rules.OpenMilestone(name, planned, baseline))

    open_blockers: dict[int, list[rules.OpenBlocker]] = defaultdict(list)
    labels = dict(BlockerCategory.choices)
    rows = Blocker.objects.filter(project_id__in=ids, status__in=OPEN_BLOCKER_STATUSES).values_list(
        "project_id", "category", "raised_at"
    )
    for project_id, category, raised_at in rows:
        open_blockers[project_id].append(
            rules.OpenBlocker(labels.get(category, category), timezone.localdate(raised_at))
        )

    closed = list(
        ReportingPeriod.objects.filter(
            zone_id__in=zone_ids, deadline__lte=now, start__gte=today - dt.timedelta(days=400)
        ).order_by("-start")
    )
    reported = set(
        ProgressReport.objects.filter(
            project_id__in=ids, period__in=closed, status__in=COUNTED_STATUSES
        ).values_list("project_id", "period_id")
    )
    by_zone: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in closed:
        by_zone[period.zone_id].append(period)

    commitments = _unmet_commitments(ids, today)
    existing = {w.project_id: w for w in ProjectWarning.objects.filter(project_id__in=ids)}
    actor = by.name if by is not None else ""
    created, updated, changes = [], [], []
    result = {}
    for project in projects:
        missed, last_missed = 0, ""
        if project.stage in rules.ACTIVE_STAGES:
            for period in by_zone.get(project.zone_id, []):
                if project.actual_start and period.end < project.actual_start:
                    break
                if (project.pk, period.pk) in reported:
                    break
                missed += 1
                last_missed = last_missed or period.label
        facts = _facts(
            project,
            open_milestones=open_milestones.get(project.pk, []),
            invested_year=project.invested_this_year,
            missed=missed,
            last_missed=last_missed,
            open_blockers=open_blockers.get(project.pk, []),
            unmet_commitments=commitments.get(project.pk, ()),
        )
        s = zone_settings.get(project.zone_id) or DispatchSettings(zone_id=project.zone_id)
        verdict = rules.evaluate(facts, thresholds(s), today)
        warning = existing.get(project.pk)
        if warning is None:
            warning = ProjectWarning(
                project=project, colour=verdict.colour, reasons=verdict.as_list(), computed_at=now
            )
            created.append(warning)
            if verdict.colour != rules.GREEN:
                changes.append(
                    WarningChange(
                        project=project,
                        from_colour="",
                        to_colour=verdict.colour,
                        reasons=verdict.as_list(),
                        at=now,
                        triggered_by=by,
                        triggered_by_name=actor,
                        trigger=trigger,
                    )
                )
        else:
            if warning.colour != verdict.colour:
                changes.append(
                    WarningChange(
                        project=project,
                        from_colour=warning.colour,
                        to_colour=verdict.colour,
                        reasons=verdict.as_list(),
                        at=now,
                        triggered_by=by,
                        triggered_by_name=actor,
                        trigger=trigger,
                    )
                )
            warning.colour, warning.reasons, warning.computed_at = (
                verdict.colour,
                verdict.as_list(),
                now,
            )
            updated.append(warning)
        result[project.pk] = warning
    ProjectWarning.objects.bulk_create(created)
    ProjectWarning.objects.bulk_update(updated, ["colour", "reasons", "computed_at"])
    WarningChange.objects.bulk_create(changes)
    return result


def warnings_refresh(*, zone: Zone, now: dt.datetime | None = None, by: User | None = None) -> int:
    """Recompute the zone's warnings that are older than today or than the latest period close —
    the two things that change a colour without anyone writing (a planned date passing, a period
    closing without a report). Pages call it before showing warnings; so does the command."""
    return warnings_refresh_zones([zone], now=now, by=by)


def warnings_refresh_zones(
    zones: list[Zone], *, now: dt.datetime | None = None, by: User | None = None
) -> int:
    """`warnings_refresh` for several zones at once (各区调度一览): two queries to find what is
    stale however many zones, then one recomputation of all of it."""
    if not zones:
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    start_of_day = dt.datetime.combine(today, dt.time(0), tzinfo=timezone.get_current_timezone())
    last_close = dict(
        ReportingPeriod.objects.filter(zone__in=zones, deadline__lte=now)
        .values("zone")
        .annotate(last=Max("deadline"))
        .values_list("zone", "last")
    )
    stale_in = Q()
    for zone in zones:
        cutoff = max(start_of_day, last_close.get(zone.pk) or start_of_day)
        stale_in |= Q(zone=zone) & (Q(warning__isnull=True) | Q(warning__computed_at__lt=cutoff))
    stale = list(
        Project.objects.filter(archived_at__isnull=True)
        .filter(stale_in)
        .values_list("pk", flat=True)
    )
    if stale:
        day = f"{today.year}年{today.month}月{today.day}日"
        warnings_recompute(
            stale, by=by, trigger=f"日期推移或期次截止（{day}复核）", today=today, now=now
        )
    return len(stale)


# --- 要素保障 (blockers) -------------------------------------------------------------------------

BLOCKER_FIELDS = ["category", "description", "department", "lead_official", "deadline"]
BlockerStatus = Blocker.Status


def _blocker_snapshot(blocker: Blocker) -> dict[str, str]:
    names = [*BLOCKER_FIELDS, "status", "level", "resolution_note"]
    return {name: project_services.display_value(blocker, name) for name in names}


def _blocker_changes(before: dict[str, str], blocker: Blocker) -> list[dict[str, str]]:
    after = _blocker_snapshot(blocker)
    return [
        {"field": n, "label": label_of(Blocker, n), "old": before[n], "new": after[n]}
        for n in after
        if after[n] != before[n]
    ]


def _blocker_event(blocker: Blocker, kind: str, *, by, note: str = "", at=None, **extra) -> None:
    BlockerEvent.objects.create(
        blocker=blocker,
        kind=kind,
        note=note,
        by=by if getattr(by, "is_authenticated", False) else None,
        by_name=by.name if by is not None else "系统",
        at=at or timezone.now(),
        **extra,
    )


def _blocker_validate(blocker: Blocker, *, today: dt.date, new: bool) -> None:
    errors: dict[str, list[str]] = {}
    project = blocker.project
    if blocker.department_id and blocker.department.zone_id != project.zone_id:
        errors.setdefault("department", []).append("责任部门必须属于项目所在开发区。")
    lead = blocker.lead_official
    if lead is not None:
        if lead.zone_id != project.zone_id or lead.role not in (Role.LEADER, Role.DEPUTY):
            errors.setdefault("lead_official", []).append(
                f"牵头领导“{lead.name}”不是本开发区的主要领导或分管领导。"
            )
    if new and blocker.deadline and blocker.deadline < today:
        errors.setdefault("deadline", []).append(
            f"解决时限（{blocker.deadline.isoformat()}）不能早于今天。"
        )
    if not (blocker.description or "").strip():
        errors.setdefault("description", []).append("请填写问题描述。")
    try:
        blocker.full_clean(exclude=["zone", "project", "raised_by"], validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                label = label_of(Blocker, name) if name != "__all__" else ""
                errors.setdefault(name, []).append(f"{label}{message}" if label else message)
    if errors:
        raise ValidationError(errors)


def _blocker_locked(blocker: Blocker, expected_version: int) -> Blocker:
    current = (
        Blocker.objects.select_for_update(of=("self",))
        .select_related("project", "zone", "department", "lead_official")
        .get(pk=blocker.pk)
    )
    if current.version != expected_version:
        raise ValidationError(
            f"项目“{current.project.name}”的{current.get_category_display()}问题已被他人修改"
            f"（现为第{current.version}版），本次操作未生效，请刷新后重试。"
        )
    return current


def _blocker_saved(
    blocker: Blocker, *, by, before, note: str, request=None, action=AuditEvent.Action.UPDATE
) -> None:
    audit_record(
        actor=by,
        action=action,
        target=blocker,
        zone=blocker.zone,
        changes=_blocker_changes(before, blocker),
        note=note,
        version=blocker.version,
        request=request,
    )
    warnings_recompute([blocker.project_id], by=by, trigger=note[:100])


@transaction.atomic
def blocker_raise(
    *, project: Project, by: User, data: dict[str, Any], request=None, now=None
) -> Blocker:
    """提出要素保障问题. The department defaults to the project's, the lead official to its
    包保领导; the project's colour is recomputed (a long-open blocker warns)."""
    now = now or timezone.now()
    unknown = set(data) - set(BLOCKER_FIELDS)
    if unknown:
        raise ValueError(f"unknown blocker fields {unknown}")
    blocker = Blocker(
        zone_id=project.zone_id,
        project=project,
        raised_by=by,
        raised_at=now,
        level_since=now,
        department=data.get("department") or project.department,
        lead_official=data.get("lead_official") or project.lead_official,
        category=data.get("category") or "",
        description=(data.get("description") or "").strip(),
        deadline=data.get("deadline"),
    )
    _blocker_validate(blocker, today=timezone.localdate(now), new=True)
    before = dict.fromkeys(_blocker_snapshot(blocker), "")
    blocker.save()
    _blocker_event(
        blocker, BlockerEvent.Kind.RAISE, by=by, to_status=blocker.status, to_level=1, at=now
    )
    _blocker_saved(
        blocker,
        by=by,
        before=before,
        note=f"提出要素保障问题（{blocker.get_category_display()}）",
        request=request,
        action=AuditEvent.Action.CREATE,
    )
    return blocker


@transaction.atomic
def blocker_update(
    *, blocker: Blocker, by: User, data: dict[str, Any], expected_version: int, request=None
) -> Blocker:
    """Change category, description, department, lead official or deadline of an open blocker."""
    current = _blocker_locked(blocker, expected_version)
    if not current.is_open:
        raise ValidationError("问题已解决或关闭，如需修改请先重新打开。")
    before = _blocker_snapshot(current)
    for name, value in data.items():
        if name not in BLOCKER_FIELDS:
            raise ValueError(f"unknown blocker field {name}")
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    _blocker_validate(current, today=timezone.localdate(), new=False)
    changes = _blocker_changes(before, current)
    if not changes:
        return current
    current.version += 1
    current.save()
    _blocker_event(
        current,
        BlockerEvent.Kind.EDIT,
        by=by,
        note="；".join(f"{c['label']}：{c['old']}→{c['new']}" for c in changes),
    )
    _blocker_saved(current, by=by, before=before, note="修改要素保障问题", request=request)
    return current


def _blocker_transition(
    blocker: Blocker,
    *,
    by: User,
    expected_version: int,
    allowed_from: tuple[str, ...],
    to: str,
    kind: str,
    note: str,
    request=None,
    apply=None,
) -> Blocker:
    current = _blocker_locked(blocker, expected_version)
    if current.status not in allowed_from:
        raise ValidationError(
            f"问题当前为“{current.get_status_display()}”，不能{BlockerEvent.Kind(kind).label}。"
        )
    before = _blocker_snapshot(current)
    from_status = current.status
    current.status = to
    if apply is not None:
        apply(current)
    current.version += 1
    current.full_clean(exclude=["zone", "project", "raised_by"])
    current.save()
    _blocker_event(current, kind, by=by, note=note, from_status=from_status, to_status=to)
    label = BlockerEvent.Kind(kind).label
    _blocker_saved(
        current,
        by=by,
        before=before,
        note=f"{label}要素保障问题" + (f"：{note}" if note else ""),
        request=request,
    )
    return current


@transaction.atomic
def blocker_start(
    *, blocker: Blocker, by: User, expected_version: int, note: str = "", request=None
):
    """待解决 → 推进中."""
    return _blocker_transition(
        blocker, by=by, expected_version=expected_version, allowed_from=(BlockerStatus.OPEN,),
        to=BlockerStatus.IN_PROGRESS, kind=BlockerEvent.Kind.PROGRESS, note=note.strip(),
        request=request,
    )  # fmt: skip


@transaction.atomic
def blocker_resolve(
    *, blocker: Blocker, by: User, note: str, expected_version: int, request=None, now=None
) -> Blocker:
    """已解决, with what was done (required)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"resolution_note": ["请填写解决情况。"]})
    now = now or timezone.now()

    def apply(b: Blocker) -> None:
        b.resolution_note, b.resolved_at = note, now

    return _blocker_transition(
        blocker, by=by, expected_version=expected_version, allowed_from=OPEN_BLOCKER_STATUSES,
        to=BlockerStatus.RESOLVED, kind=BlockerEvent.Kind.RESOLVE, note=note, request=request,
        apply=apply,
    )  # fmt: skip


@transaction.atomic
def blocker_close(
    *, blocker: Blocker, by: User, expected_version: int, note: str = "", request=None, now=None
) -> Blocker:
    """关闭 (销号): after it was resolved, or without a solution (then a reason is required)."""
    note = (note or "").strip()
    if blocker.status != BlockerStatus.RESOLVED and not note:
        raise ValidationError({"note": ["未解决的问题关闭时须说明原因。"]})
    now = now or timezone.now()

    def apply(b: Blocker) -> None:
        b.closed_at = now
        if not b.resolution_note and note:
            b.resolution_note = note

    return _blocker_transition(
        blocker, by=by, expected_version=expected_version,
        allowed_from=(*OPEN_BLOCKER_STATUSES, BlockerStatus.RESOLVED), to=BlockerStatus.CLOSED,
        kind=BlockerEvent.Kind.CLOSE, note=note, request=request, apply=apply,
    )  # fmt: skip


@transaction.atomic
def blocker_reopen(
    *, blocker: Blocker, by: User, reason: str, expected_version: int, request=None
) -> Blocker:
    """重新打开 a resolved or closed blocker; its earlier resolution stays in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["重新打开须填写原因。"]})

    def apply(b: Blocker) -> None:
        b.resolution_note, b.resolved_at, b.closed_at = "", None, None

    return _blocker_transition(
        blocker, by=by, expected_version=expected_version,
        allowed_from=(BlockerStatus.RESOLVED, BlockerStatus.CLOSED), to=BlockerStatus.OPEN,
        kind=BlockerEvent.Kind.REOPEN, note=reason, request=request, apply=apply,
    )  # fmt: skip


@transaction.atomic
def blocker_escalate(
    *,
    blocker: Blocker,
    by: User,
    expected_version: int,
    note: str = "",
    new_deadline: dt.date | None = None,
    request=None,
    now: dt.datetime | None = None,
) -> Blocker:
    """升级 one rung (部门 → 分管领导 → 主要领导 → 上报市级) on the lead official's confirmation.
    Only an open blocker past its deadline moves up; nothing escalates by itself. A new
    deadline for the higher level may be set (not before today)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    current = _blocker_locked(blocker, expected_version)
    if not current.is_open:
        raise ValidationError("问题已解决或关闭，无需升级。")
    if current.next_level is None:
        raise ValidationError("问题已上报市级，不能再升级。")
    if current.deadline >= today:
        raise ValidationError(
            f"问题的解决时限为{current.deadline.isoformat()}，尚未逾期，无需升级。"
        )
    if new_deadline is not None and new_deadline < today:
        raise ValidationError(
            {"deadline": [f"新的解决时限（{new_deadline.isoformat()}）不能早于今天。"]}
        )
    before = _blocker_snapshot(current)
    from_level, days = current.level, (now - current.level_since).days
    overdue_days = (today - current.deadline).days
    current.level = current.next_level
    current.level_since = now
    if new_deadline is not None:
        current.deadline = new_deadline
    current.version += 1
    current.save()
    text = f"逾期{overdue_days}天，在{BlockerLevel(from_level).label}层级历时{days}天"
    if note.strip():
        text += f"；{note.strip()}"
    _blocker_event(
        current, BlockerEvent.Kind.ESCALATE, by=by, note=text, at=now,
        from_level=from_level, to_level=current.level,
    )  # fmt: skip
    _blocker_saved(
        current,
        by=by,
        before=before,
        note=f"确认升级至{current.get_level_display()}：{text}",
        request=request,
    )
    return current


# --- 调度会安排 (meeting rhythm) ------------------------------------------------------------------

SCHEDULE_FIELDS = [
    "small_weekday", "large_weekday", "large_week_parity", "small_skips_large_weeks",
    "small_chair", "large_chair", "office_department", "remind_days_before", "webhook_kind",
    "webhook_url", "webhook_secret",
]  # fmt: skip
MEETINGS_AHEAD_WEEKS = 4


def schedule_for(zone_id: int) -> MeetingSchedule:
    """The zone's meeting rhythm, or the defaults (unsaved)."""
    found = MeetingSchedule.objects.filter(zone_id=zone_id).select_related(
        "small_chair", "large_chair", "office_department"
    )
    return found.first() or MeetingSchedule(zone_id=zone_id)


def meeting_slots(
    start: dt.date,
    end: dt.date,
    *,
    small_weekday: int,
    large_weekday: int,
    large_week_parity: int,
    small_skips_large_weeks: bool,
) -> list[tuple[str, dt.date]]:
    """(kind, day) of every meeting the rhythm puts in [start, end]: 大调度 in the ISO weeks of
    the chosen parity, 小调度 every week (or only in the other weeks, "单周小调度、双周大调度")."""
    slots = []
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        large_week = monday.isocalendar().week % 2 == large_week_parity
        if large_week:
            slots.append((MeetingKind.LARGE, monday + dt.timedelta(days=large_weekday)))
        if not (large_week and small_skips_large_weeks):
            slots.append((MeetingKind.SMALL, monday + dt.timedelta(days=small_weekday)))
        monday += dt.timedelta(days=7)
    return sorted((k, d) for k, d in slots if start <= d <= end)


@transaction.atomic
def meetings_ensure(
    *, zone: Zone, today: dt.date | None = None, weeks: int = MEETINGS_AHEAD_WEEKS
) -> int:
    """Create the planned meetings the rhythm gives from this week's Monday to `weeks` ahead
    that do not exist yet (a moved or cancelled meeting keeps its slot, so it is not created
    again). Returns how many were created."""
    today = today or timezone.localdate()
    s = schedule_for(zone.pk)
    start = today - dt.timedelta(days=today.weekday())
    end = start + dt.timedelta(days=7 * weeks - 1)
    slots = meeting_slots(
        start, end, small_weekday=s.small_weekday, large_weekday=s.large_weekday,
        large_week_parity=s.large_week_parity, small_skips_large_weeks=s.small_skips_large_weeks,
    )  # fmt: skip
    taken = set(
        Meeting.objects.filter(zone=zone, slot__gte=start, slot__lte=end).values_list(
            "kind", "slot"
        )
    )
    new = [
        Meeting(
            zone=zone,
            kind=kind,
            slot=day,
            date=day,
            chair_id=s.large_chair_id if kind == MeetingKind.LARGE else s.small_chair_id,
        )
        for kind, day in slots
        if (kind, day) not in taken
    ]
    Meeting.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def meeting_schedule_update(
    *, zone: Zone, by: User, data: dict[str, Any], expected_version: int, request=None
) -> MeetingSchedule:
    """Change the rhythm, the chairs, the meeting office or the robot. Meetings already
    generated keep their dates; later ones follow the new rhythm."""
    current = MeetingSchedule.objects.select_for_update(of=("self",)).filter(zone=zone).first()
    if current is None:
        current = MeetingSchedule(zone=zone, version=0)
    if current.version != expected_version and not (
        current.pk is None and expected_version in (0, 1)
    ):
        raise ValidationError("调度会安排已被他人修改，本次保存未生效，请刷新后重新填写。")
    before = {n: project_services.display_value(current, n) for n in SCHEDULE_FIELDS}
    for name, value in data.items():
        if name not in SCHEDULE_FIELDS:
            raise ValueError(f"unknown schedule field {name}")
        setattr(current, name, value)
    errors: dict[str, list[str]] = {}
    for name in ("small_chair", "large_chair"):
        chair = getattr(current, name)
        if chair is not None and (
            chair.zone_id != zone.pk or chair.role not in (Role.LEADER, Role.DEPUTY)
        ):
            errors.setdefault(name, []).append(f"“{chair.name}”不是本开发区的领导。")
    if current.office_department_id and current.office_department.zone_id != zone.pk:
        errors.setdefault("office_department", []).append("会议办公室须为本开发区的部门。")
    if current.webhook_kind and not current.webhook_url:
        errors.setdefault("webhook_url", []).append("选择了群机器人，请填写 Webhook 地址。")
    if errors:
        raise ValidationError(errors)
    current.full_clean(exclude=["zone"])
    changes = []
    for name in SCHEDULE_FIELDS:
        new = project_services.display_value(current, name)
        if new != before[name]:
            if name == "webhook_secret":  # never write a secret into the audit log
                before[name], new = "******" if before[name] else "", "******" if new else ""
            changes.append(
                {
                    "field": name,
                    "label": label_of(MeetingSchedule, name),
                    "old": before[name],
                    "new": new,
                }
            )
    if not changes and current.pk:
        return current
    current.version += 1
    current.save()
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, target=current, zone=zone, changes=changes,
        version=current.version, note="修改调度会安排", request=request,
    )  # fmt: skip
    return current


# --- 调度会 (meetings) ---------------------------------------------------------------------------

MEETING_FIELDS = ["date", "chair", "attendees", "location", "summary"]


def _meeting_locked(meeting: Meeting, expected_version: int | None) -> Meeting:
    current = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("zone", "chair")
        .get(pk=meeting.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(
            f"{current.title}已被他人修改（现为第{current.version}版），本次保存未生效，请刷新后重试。"
        )
    return current


def _meeting_number(meeting: Meeting) -> None:
    """Give a meeting its number in its zone and year (调度〔2026〕12号) the first time it is
    recorded; the zone's meetings of that year are locked so two clerks cannot take one number."""
    if meeting.number:
        return
    year = meeting.date.year
    taken = list(
        Meeting.objects.select_for_update(of=("self",))
        .filter(zone_id=meeting.zone_id, year=year, number__isnull=False)
        .values_list("number", flat=True)
    )
    meeting.year, meeting.number = year, max(taken, default=0) + 1


@transaction.atomic
def meeting_create(
    *, zone: Zone, by: User, kind: str, date: dt.date, chair: User | None = None, request=None
) -> Meeting:
    """An extra meeting outside the rhythm (专题调度)."""
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": ["请选择会议类型。"]})
    if chair is not None and (
        chair.zone_id != zone.pk or chair.role not in (Role.LEADER, Role.DEPUTY)
    ):
        raise ValidationError({"chair": [f"“{chair.name}”不是本开发区的领导。"]})
    meeting = Meeting.objects.create(zone=zone, kind=kind, date=date, chair=chair)
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, target=meeting, zone=zone,
        note=f"新增{meeting.get_kind_display()}会（{date.isoformat()}）", request=request,
    )  # fmt: skip
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    by: User,
    data: dict[str, Any],
    expected_version: int,
    discussions: dict[int, str] | None = None,
    record: bool = False,
    request=None,
) -> Meeting:
    """Edit a meeting (date, chair, attendees, location, 纪要) and, with `record`, save its
    minutes: the discussion of each agenda item, status 已召开 and a number if it has none."""
    current = _meeting_locked(meeting, expected_version)
    if current.status == Meeting.Status.CANCELLED:
        raise ValidationError("会议已取消，不能修改。")
    fields = MEETING_FIELDS + ["status", "year", "number"]
    before = {n: project_services.display_value(current, n) for n in fields}
    for name, value in data.items():
        if name not in MEETING_FIELDS:
            raise ValueError(f"unknown meeting field {name}")
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    chair = current.chair
    if chair is not None and (
        chair.zone_id != current.zone_id or chair.role not in (Role.LEADER, Role.DEPUTY)
    ):
        raise ValidationError({"chair": [f"“{chair.name}”不是本开发区的领导。"]})
    if current.number and current.date.year != current.year:
        raise ValidationError(
            {"date": [f"会议已编号为{current.number_label}，日期不能改到其他年份。"]}
        )
    if record:
        if current.date > timezone.localdate():
            raise ValidationError(
                {"date": ["会议尚未召开，不能记录纪要；如已提前召开，请先修改会议日期。"]}
            )
        current.status = Meeting.Status.HELD
        _meeting_number(current)
    current.full_clean(exclude=["zone"])
    changed_items = []
    if discussions:
        items = {i.pk: i for i in current.agenda_items.filter(pk__in=list(discussions))}
        for pk, text in discussions.items():
            item = items.get(pk)
            if item is not None and item.discussion != (text or "").strip():
                item.discussion = (text or "").strip()
                item.version += 1
                changed_items.append(item)
        AgendaItem.objects.bulk_update(changed_items, ["discussion", "version"])
    changes = []
    for name in fields:
        new = project_services.display_value(current, name)
        if new != before[name]:
            changes.append(
                {"field": name, "label": label_of(Meeting, name), "old": before[name], "new": new}
            )
    changes += [
        {
            "field": f"agenda_{i.pk}",
            "label": f"议程“{i.title[:30]}”讨论情况",
            "old": "",
            "new": i.discussion[:200],
        }
        for i in changed_items
    ]
    if not changes:
        return current
    current.version += 1
    current.save()
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, target=current, zone=current.zone,
        changes=changes, version=current.version,
        note="记录会议纪要" if record else "修改调度会", request=request,
    )  # fmt: skip
    return current


@transaction.atomic
def meeting_cancel(
    *, meeting: Meeting, by: User, reason: str, expected_version: int, request=None
) -> Meeting:
    current = _meeting_locked(meeting, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["取消会议须说明原因。"]})
    if current.status != Meeting.Status.PLANNED:
        raise ValidationError(f"会议{current.get_status_display()}，不能取消。")
    current.status = Meeting.Status.CANCELLED
    current.version += 1
    current.save(update_fields=["status", "version", "updated_at"])
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, target=current, zone=current.zone,
        version=current.version, note=f"取消会议：{reason}", request=request,
    )  # fmt: skip
    return current


# --- 议程 (agenda) -------------------------------------------------------------------------------


@transaction.atomic
def agenda_build(*, meeting: Meeting, by: User, request=None) -> int:
    """Add every agenda candidate (agenda.candidates) not on the agenda yet; items the chair
    dropped stay dropped. A 小调度 chaired by a deputy with 分管部门 takes only what concerns
    those departments; a 大调度, or a 小调度 without such a chair, the whole zone. Returns how
    many were added."""
    from . import agenda

    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("会议已取消。")
    departments = None
    if meeting.kind == agenda.SMALL and meeting.chair_id is not None:
        departments = set(meeting.chair.supervised_departments.values_list("pk", flat=True))
        departments = departments or None
    present = set(meeting.agenda_items.exclude(key="").values_list("key", flat=True))
    last = meeting.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0
    new = []
    for c in agenda.candidates(meeting.zone, meeting.date, meeting.kind, departments=departments):
        if c.key in present:
            continue
        last += 1
        new.append(
            AgendaItem(
                meeting=meeting, order=last, kind=c.kind[:20], key=c.key[:60], title=c.title[:200],
                reason=c.reason[:300], url=c.url[:300], colour=c.colour,
            )
        )  # fmt: skip
    AgendaItem.objects.bulk_create(new)
    if new:
        audit_record(
            actor=by, action=AuditEvent.Action.UPDATE, target=meeting, zone=meeting.zone,
            note=f"生成议程：新增{len(new)}项", request=request,
        )  # fmt: skip
    return len(new)


@transaction.atomic
def agenda_add(
    *, meeting: Meeting, by: User, title: str, reason: str = "", request=None
) -> AgendaItem:
    """The chair adds an item by hand (临时动议)."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ["请填写议程事项。"]})
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("会议已取消。")
    last = meeting.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0
    item = AgendaItem.objects.create(
        meeting=meeting, order=last + 1, kind="manual", title=title[:200],
        reason=(reason or "").strip()[:300] or "主持人增加。", manual=True,
    )  # fmt: skip
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, target=meeting, zone=meeting.zone,
        note=f"增加议程：{item.title}"[:300], request=request,
    )  # fmt: skip
    return item


@transaction.atomic
def agenda_drop(*, item: AgendaItem, by: User, dropped: bool = True, request=None) -> AgendaItem:
    """撤下 an item (or put it back). A dropped item with decisions cannot be dropped."""
    if dropped and item.decisions.exists():
        raise ValidationError(f"议程“{item.title}”已形成督办事项，不能撤下。")
    if item.dropped == dropped:
        return item
    item.dropped = dropped
    item.version += 1
    item.save(update_fields=["dropped", "version"])
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, target=item.meeting, zone=item.meeting.zone,
        note=f"{'撤下' if dropped else '恢复'}议程：{item.title}"[:300], request=request,
    )  # fmt: skip
    return item


# --- 督办 (decisions to follow up) ---------------------------------------------------------------


def _linked_record(item: AgendaItem | None) -> dict[str, Any]:
    """A decision on a project's or a blocker's agenda item is linked to that record."""
    if item is None or ":" not in item.key:
        return {}
    kind, _, pk = item.key.partition(":")
    if not pk.isdigit():
        return {}
    if kind == "project":
        return {"project_id": int(pk)}
    if kind == "blocker":
        blocker = Blocker.objects.filter(pk=int(pk)).values_list("project_id", flat=True).first()
        return {"blocker_id": int(pk), "project_id": blocker} if blocker else {}
    return {}


@transaction.atomic
def decision_add(
    *,
    meeting: Meeting,
    by: User,
    content: str,
    department,
    deadline: dt.date,
    agenda_item: AgendaItem | None = None,
    request=None,
) -> SupervisionItem:
    """议定事项 → 督办: numbered 调度〔年〕N号-M within the meeting (the meeting gets its number
    now if it has none), assigned to a department with a deadline."""
    current = _meeting_locked(meeting, None)
    content = (content or "").strip()
    errors: dict[str, list[str]] = {}
    if not content:
        errors["content"] = ["请填写议定事项。"]
    if department is None or department.zone_id != current.zone_id:
        errors["department"] = ["请选择本开发区的承办部门。"]
    if deadline is None:
        errors["deadline"] = ["请填写办结时限。"]
    elif deadline < current.date:
        errors["deadline"] = [
            f"办结时限（{deadline.isoformat()}）不能早于会议日期（{current.date.isoformat()}）。"
        ]
    if agenda_item is not None and agenda_item.meeting_id != current.pk:
        errors["agenda_item"] = ["议程事项不属于本次会议。"]
    if errors:
        raise ValidationError(errors)
    if current.status == Meeting.Status.CANCELLED:
        raise ValidationError("会议已取消，不能形成督办事项。")
    if current.date > timezone.localdate():
        raise ValidationError("会议尚未召开，不能形成督办事项。")
    if not current.number:
        _meeting_number(current)
        current.status = Meeting.Status.HELD
        current.version += 1
        current.save(update_fields=["year", "number", "status", "version", "updated_at"])
    seq = (
        current.supervision_items.order_by("-seq").values_list("seq", flat=True).first() or 0
    ) + 1
    item = SupervisionItem.objects.create(
        meeting=current, agenda_item=agenda_item, zone_id=current.zone_id, seq=seq,
        number=f"{current.number_label}-{seq}", content=content, department=department,
        deadline=deadline, created_by=by, **_linked_record(agenda_item),
    )  # fmt: skip
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, target=item, root=current, zone=current.zone,
        note=f"形成督办{item.number}：{department.name}，{deadline.isoformat()}前办结", request=request,
    )  # fmt: skip
    return item


def _supervision_locked(item: SupervisionItem, expected_version: int | None) -> SupervisionItem:
    current = (
        SupervisionItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "zone", "department")
        .get(pk=item.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(
            f"督办{current.number}已被他人修改（现为第{current.version}版），本次操作未生效，请刷新后重试。"
        )
    return current


def _supervision_audit(
    item: SupervisionItem, *, by, note: str, old_status: str, request=None
) -> None:
    changes = []
    if old_status != item.status:
        labels = dict(SupervisionItem.Status.choices)
        changes.append(
            {
                "field": "status",
                "label": "状态",
                "old": labels[old_status],
                "new": item.get_status_display(),
            }
        )
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, target=item, zone=item.zone, changes=changes,
        version=item.version, note=note[:300], request=request,
    )  # fmt: skip


@transaction.atomic
def supervision_feedback_add(
    *, item: SupervisionItem, by: User, text: str, request_completion: bool = False, request=None
) -> SupervisionFeedback:
    """承办部门反馈进展; with `request_completion` it asks the meeting office to confirm."""
    current = _supervision_locked(item, None)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["请填写反馈内容。"]})
    if current.status == SupervisionItem.Status.DONE:
        raise ValidationError(f"督办{current.number}已办结，不再接受反馈。")
    kind = (
        SupervisionFeedback.Kind.REPORT_DONE
        if request_completion
        else SupervisionFeedback.Kind.PROGRESS
    )
    feedback = SupervisionFeedback.objects.create(item=current, kind=kind, text=text, by=by)
    old = current.status
    if request_completion:
        current.status = SupervisionItem.Status.REPORTED
    current.version += 1
    current.save(update_fields=["status", "version"])
    _supervision_audit(
        current,
        by=by,
        note=f"{feedback.get_kind_display()}：{text}",
        old_status=old,
        request=request,
    )
    return feedback


@transaction.atomic
def supervision_confirm(
    *,
    item: SupervisionItem,
    by: User,
    expected_version: int,
    note: str = "",
    request=None,
    now=None,
) -> SupervisionItem:
    """会议办公室确认办结. An item the department has not reported done needs a note saying
    how the office knows it is done."""
    current = _supervision_locked(item, expected_version)
    note = (note or "").strip()
    if current.status == SupervisionItem.Status.DONE:
        raise ValidationError(f"督办{current.number}已办结。")
    if current.status == SupervisionItem.Status.OPEN and not note:
        raise ValidationError({"note": ["承办部门尚未申请办结，确认办结须填写说明。"]})
    old = current.status
    current.status = SupervisionItem.Status.DONE
    current.confirmed_by, current.confirmed_at = by, now or timezone.now()
    current.version += 1
    current.save(update_fields=["status", "confirmed_by", "confirmed_at", "version"])
    SupervisionFeedback.objects.create(
        item=current, kind=SupervisionFeedback.Kind.CONFIRM, text=note or "确认办结。", by=by
    )
    _supervision_audit(
        current,
        by=by,
        note="确认办结" + (f"：{note}" if note else ""),
        old_status=old,
        request=request,
    )
    return current


@transaction.atomic
def supervision_return(
    *, item: SupervisionItem, by: User, reason: str, expected_version: int, request=None
) -> SupervisionItem:
    """退回续办: the office does not accept a completion report."""
    current = _supervision_locked(item, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["退回须填写原因。"]})
    if current.status != SupervisionItem.Status.REPORTED:
        raise ValidationError(
            f"督办{current.number}{current.get_status_display()}，只有已报办结的事项可以退回。"
        )
    old = current.status
    current.status = SupervisionItem.Status.OPEN
    current.version += 1
    current.save(update_fields=["status", "version"])
    SupervisionFeedback.objects.create(
        item=current, kind=SupervisionFeedback.Kind.RETURN, text=reason, by=by
    )
    _supervision_audit(current, by=by, note=f"退回续办：{reason}", old_status=old, request=request)
    return current


# --- 到期提醒 (deadline reminders) ---------------------------------------------------------------


def _department_addresses(department_ids: set[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = (
        User.objects.filter(department_id__in=department_ids, is_active=True)
        .exclude(email="")
        .values_list("department_id", "email")
    )
    for dept, email in rows:
        found[dept].append(email)
    return found


def _cn_day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _due_text(deadline: dt.date, today: dt.date) -> str:
    if deadline < today:
        return f"已逾期{(today - deadline).days}天"
    if deadline == today:
        return "今天到期"
    return f"将于{_cn_day(deadline)}到期"


def _escalation_note(b: Blocker, today: dt.date) -> str:
    if not b.is_overdue(today) or b.next_level is None:
        return ""
    lead = b.lead_official.name if b.lead_official else "主要领导"
    return f"可升级至{b.next_level_label}协调，待牵头领导{lead}确认。"


def deadline_reminders_send(
    *, zone: Zone, today: dt.date | None = None, by: User | None = None
) -> list[DeadlineReminder]:
    """Remind departments of 督办 items and blockers due within the zone's
    `remind_days_before` days or overdue, at most once a day each: an in-app reminder, an
    e-mail to the department's users with an address, and one message to the zone's group
    robot. A robot failure is recorded on the reminders, never raised."""
    today = today or timezone.localdate()
    s = schedule_for(zone.pk)
    horizon = today + dt.timedelta(days=s.remind_days_before)
    zone_ids = [zone.pk, *Zone.objects.filter(parent=zone).values_list("pk", flat=True)]
    items = list(
        SupervisionItem.objects.filter(zone_id__in=zone_ids, deadline__lte=horizon)
        .exclude(status=SupervisionItem.Status.DONE)
        .exclude(reminders__on_day=today)
        .select_related("department")
        .order_by("deadline", "id")
    )
    blockers = list(
        Blocker.objects.filter(
            zone_id__in=zone_ids, status__in=OPEN_BLOCKER_STATUSES, deadline__lte=horizon
        )
        .exclude(reminders__on_day=today)
        .select_related("department", "project", "lead_official")
        .order_by("deadline", "id")
    )
    reminders = []
    for item in items:
        reminders.append(
            DeadlineReminder(
                zone=zone, department=item.department, supervision=item, on_day=today, sent_by=by,
                message=f"督办{item.number}（{item.department.name}）{_due_text(item.deadline, today)}：{item.content[:80]}",
            )
        )  # fmt: skip
    for b in blockers:
        reminders.append(
            DeadlineReminder(
                zone=zone, department=b.department, blocker=b, on_day=today, sent_by=by,
                message=(
                    f"要素保障问题“{b.project.name}：{b.get_category_display()}”（{b.department.name}）"
                    f"{_due_text(b.deadline, today)}，当前在{b.get_level_display()}层级。"
                    + _escalation_note(b, today)
                ),
            )
        )  # fmt: skip
    if not reminders:
        return []
    with transaction.atomic():
        DeadlineReminder.objects.bulk_create(reminders)
        audit_record(
            actor=by, actor_name="" if by else "系统", action=AuditEvent.Action.CREATE, zone=zone,
            note=f"到期提醒：督办{len(items)}项、要素保障问题{len(blockers)}个",
        )  # fmt: skip
    addresses = _department_addresses({r.department_id for r in reminders})
    for r in reminders:
        to = list(addresses.get(r.department_id, []))
        lead = r.blocker.lead_official if r.blocker_id else None
        if lead is not None and lead.email and r.blocker.is_overdue(today) and lead.email not in to:
            to.append(lead.email)  # the escalation waits for the lead: tell them, not silently
        r.emailed_to = notify.email_send(to, f"【开发区调度台】{zone.label}到期提醒", r.message)
    status, error = "", ""
    if s.webhook_kind and s.webhook_url:
        text = f"【{zone.label}调度台】到期提醒（{_cn_day(today)}）\n" + "\n".join(
            f"{i}. {r.message}" for i, r in enumerate(reminders, start=1)
        )
        ok, error = notify.webhook_post(
            kind=s.webhook_kind, url=s.webhook_url, text=text, secret=s.webhook_secret
        )
        status = "ok" if ok else "failed"
    for r in reminders:
        r.webhook_status, r.webhook_error = status, error[:300]
    DeadlineReminder.objects.bulk_update(
        reminders, ["emailed_to", "webhook_status", "webhook_error"]
    )
    return reminders


# --- photos ---------------------------------------------------------------------------------------


def photo_remove(*, photo: ReportPhoto, by: User, now: dt.datetime | None = None, request=None):
    """Remove a photo from a report the unit may still change (a draft before the deadline, or a
    returned report). The file goes; the removal is recorded in the report's history."""
    report = photo.report
    now = now or timezone.now()
    closed = now >= report.period.deadline
    if report.status == Status.RETURNED or (report.status == Status.DRAFT and not closed):
        with transaction.atomic():
            name, storage, stored = photo.original_name, photo.file.storage, photo.file.name
            photo.delete()
            # The file goes only once the row is gone for good.
            transaction.on_commit(lambda: storage.delete(stored))
            audit_record(
                actor=by,
                action=AuditEvent.Action.UPDATE,
                target=report,
                root=report.project,
                note=f"删除现场照片“{name}”",
                request=request,
            )
        return
    raise ValidationError(
        f"{report.project.name}的本期进度{report.get_status_display()}，照片不能删除；"
        "如需更正，请责任部门退回。"
    )
