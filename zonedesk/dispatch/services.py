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

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, Role, User
from zonedesk.projects import services as project_services
from zonedesk.projects.models import Milestone, Project
from zonedesk.zones.models import Organisation, Zone

from . import periods as period_math
from . import warnings as rules
from .models import (
    COUNTED_STATUSES,
    DispatchSettings,
    ProgressReport,
    ProjectWarning,
    Reminder,
    ReportingPeriod,
    ReportMilestone,
    ReportPhoto,
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
        red_rules=frozenset(s.red_rules or ()),
    )


@transaction.atomic
def dispatch_settings_update(
    *, zone: Zone, by: User, data: dict[str, Any], expected_version: int, request=None
) -> DispatchSettings:
    """Change a zone's reporting rhythm or thresholds. A new rhythm or deadline applies to
    periods created from now on; existing periods keep their deadline. All of the zone's
    warnings are recomputed with the new thresholds."""
    current = DispatchSettings.objects.select_for_update().filter(zone=zone).first()
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
    closed = now >= period.deadline
    rows = [row for row in rows if not row.is_blank]
    ids = [row.project.pk for row in rows]
    existing = {
        r.project_id: r
        for r in ProgressReport.objects.select_for_update().filter(
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
        project = row.project
        name = f"项目“{project.name}”"

        def add(field_name: str, message: str, pk=project.pk) -> None:
            errors.setdefault(f"{pk}.{field_name}", []).append(message)

        if project.zone_id != period.zone_id:
            add("__all__", f"{name}不属于{period.zone}，不能在本期次填报。")
            continue
        if project.archived_at is not None:
            add("__all__", f"{name}已归档，不能填报。")
            continue
        report = existing.get(project.pk)
        before = None
        if report is None:
            if closed:
                add(
                    "__all__",
                    f"{name}：{period.label}的填报已于{cn_datetime(period.deadline)}截止，不能再报；如需补报请联系责任部门。",
                )
                continue
            report = ProgressReport(period=period, project=project, created_by=by)
        else:
            report.period, report.project = period, project
            if report.status in COUNTED_STATUSES:
                add(
                    "__all__",
                    f"{name}的本期进度{report.get_status_display()}，不能修改；如需更正，请责任部门退回。",
                )
                continue
            if report.status == Status.DRAFT and closed:
                add(
                    "__all__",
                    f"{name}：{period.label}的填报已于{cn_datetime(period.deadline)}截止，草稿不能再提交；如需补报请联系责任部门。",
                )
                continue
            if row.expected_version != report.version:
                add(
                    "__all__",
                    f"{name}的本期进度已被他人修改（现为第{report.version}版），本次保存未生效，请刷新后重新填写。",
                )
                continue
            before = _snapshot(report)
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
            neighbours=neighbours.get(project.pk, (None, None)),
            milestones=milestones,
            existing_photos=photo_counts.get(report.pk, 0) if report.pk else 0,
        )
        for field_name, message in problems:
            add(field_name, message)
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
        ProgressReport.objects.select_for_update()
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


def _facts(
    project: Project, *, open_milestones, invested_year, missed: int, last_missed: str
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
    (project dates, stage, annual plan, milestones, reports, settings)."""
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
        "project_id", "name", "planned_date"
    )
    for project_id, name, planned in rows:
        open_milestones[project_id].append(rules.OpenMilestone(name, planned))

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
    now = now or timezone.now()
    today = timezone.localdate(now)
    cutoff = dt.datetime.combine(today, dt.time(0), tzinfo=timezone.get_current_timezone())
    last_close = (
        ReportingPeriod.objects.filter(zone=zone, deadline__lte=now)
        .order_by("-deadline")
        .values_list("deadline", flat=True)
        .first()
    )
    if last_close and last_close > cutoff:
        cutoff = last_close
    stale = list(
        Project.objects.filter(zone=zone, archived_at__isnull=True)
        .filter(Q(warning__isnull=True) | Q(warning__computed_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
    if stale:
        day = f"{today.year}年{today.month}月{today.day}日"
        warnings_recompute(
            stale, by=by, trigger=f"日期推移或期次截止（{day}复核）", today=today, now=now
        )
    return len(stale)
