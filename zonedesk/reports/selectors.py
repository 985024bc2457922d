"""Reads of the reports module: the weekly dispatch report (调度周报), the cockpit (驾驶舱) and
the Gantt battle map (挂图作战). Query counts do not depend on the number of projects.

`compute_weekly_report(zone, period)` is the one computation behind the report: it returns a
plain, JSON-ready dict (money as strings of 万元 with two decimals, percentages as strings with one
decimal, dates as ISO strings) that the page, the .docx, the .xlsx and the API all consume, and
that a snapshot stores unchanged (see models.ReportSnapshot).

Figures (DOMAIN.md Part B "Derived figures"; the dispatch module's `warnings` holds the formulas):
- 本年累计完成投资 of a project for period P = 本年累计 of its latest counted (submitted or
  approved) report in a period that starts no later than P and ends in the same year;
- 年度投资完成率 = 本年累计 ÷ 年度计划投资 × 100%; a group's rate is Σ本年累计 ÷ Σ年度计划;
- 序时进度 on the period's last day (or today while the period runs), day-based;
- 超(−落后)序时进度 = 完成率 − 序时进度, in 百分点;
- 开工率 = 计划本年新开工中已开工 ÷ 计划本年新开工; 竣工率 and 投产率 alike.
The lag lists are evaluated on the same day, from the projects' dates, so last week's report
computed today still lists what was late then.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from zonedesk import access
from zonedesk.accounts.models import User
from zonedesk.dispatch import selectors as dispatch_selectors
from zonedesk.dispatch import services as dispatch_services
from zonedesk.dispatch import warnings as rules
from zonedesk.dispatch.models import (
    COUNTED_STATUSES,
    Colour,
    ProgressReport,
    ProjectWarning,
    ReportingPeriod,
)
from zonedesk.projects.models import Level, Milestone, Project, Stage
from zonedesk.zones.models import Zone

FORMAT_VERSION = 1
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal(0)

STARTED_STAGES = frozenset(rules.ACTIVE_STAGES)
CLOSED_STAGES = frozenset({Stage.TERMINATED})


def money(value: Decimal | None) -> str:
    """万元 with two decimals, as a string (JSON keeps it exact)."""
    return str((value or ZERO).quantize(CENT, rounding=ROUND_HALF_UP))


def percent(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(TENTH, rounding=ROUND_HALF_UP))


def ratio(part: int, whole: int) -> str | None:
    return percent(Decimal(part) * 100 / Decimal(whole)) if whole else None


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def zone_ids_of(zone: Zone) -> list[int]:
    """The zone and its parks: a park's projects count in its zone's report."""
    return [zone.pk, *Zone.objects.filter(parent=zone).values_list("pk", flat=True)]


def previous_period(period: ReportingPeriod) -> ReportingPeriod | None:
    return (
        ReportingPeriod.objects.filter(zone_id=period.zone_id, start__lt=period.start)
        .order_by("-start")
        .first()
    )


def report_as_of(period: ReportingPeriod, today: dt.date) -> dt.date:
    """The day a period's report is evaluated on: its last day, or today while it runs."""
    return min(period.end, max(today, period.start))


def _year_figure(period: ReportingPeriod):
    """本年累计 of the project's latest counted report up to `period`, in `period`'s year."""
    return Subquery(
        ProgressReport.objects.filter(
            project=OuterRef("pk"),
            status__in=COUNTED_STATUSES,
            period__start__lte=period.start,
            period__end__year=period.end.year,
        )
        .order_by("-period__start")
        .values("invested_year")[:1]
    )


# --- the weekly report -------------------------------------------------------------------------


@dataclass
class _Row:
    """One project's figures on one day (this period's, or the previous period's)."""

    project: Project
    invested_year: Decimal
    as_of: dt.date

    @property
    def plan(self) -> Decimal:
        return self.project.annual_plan_investment or ZERO

    @property
    def rate(self) -> Decimal | None:
        return rules.completion_rate(self.invested_year, self.plan)

    @property
    def started(self) -> bool:
        return bool(self.project.actual_start and self.project.actual_start <= self.as_of)

    @property
    def completed(self) -> bool:
        day = self.project.actual_completion
        return bool(day and day <= self.as_of)


def _lags(rows: list[_Row], as_of: dt.date, lag_points: Decimal) -> dict[str, list[_Row]]:
    """The three lag lists (滞后项目) on `as_of`."""
    share = rules.schedule_share(as_of)
    start, completion, behind = [], [], []
    for r in rows:
        p = r.project
        if p.stage in CLOSED_STAGES:
            continue
        if p.planned_start and p.planned_start < as_of and not r.started:
            start.append(r)
        if p.planned_completion and p.planned_completion < as_of and not r.completed:
            completion.append(r)
        if (
            r.started
            and not r.completed
            and p.stage in STARTED_STAGES
            and r.rate is not None
            and share - r.rate > lag_points
        ):
            behind.append(r)
    start.sort(key=lambda r: (r.project.planned_start, r.project.code))
    completion.sort(key=lambda r: (r.project.planned_completion, r.project.code))
    behind.sort(key=lambda r: (r.rate, r.project.code))
    return {"start_overdue": start, "completion_overdue": completion, "behind_schedule": behind}


LAG_TITLES = {
    "start_overdue": "计划开工未开工",
    "completion_overdue": "计划竣工未竣工",
    "behind_schedule": "落后序时进度",
}


def _group(rows: list[_Row], share: Decimal, key: str, key_label: str) -> dict:
    total = sum((r.project.total_investment for r in rows), ZERO)
    plan = sum((r.plan for r in rows), ZERO)
    done = sum((r.invested_year for r in rows), ZERO)
    rate = rules.completion_rate(done, plan)
    return {
        "key": key,
        "label": key_label,
        "count": len(rows),
        "total_investment": money(total),
        "annual_plan": money(plan),
        "invested_year": money(done),
        "rate": percent(rate),
        "gap": percent(rate - share) if rate is not None else None,
    }


def _project_ref(p: Project) -> dict:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "department": p.department.name,
        "lead": p.lead_official.name if p.lead_official else "",
        "unit": (p.implementing_unit or p.owner).name if (p.implementing_unit or p.owner) else "",
        "stage": p.get_stage_display(),
    }


def _lag_row(kind: str, r: _Row, as_of: dt.date, share: Decimal, report) -> dict:
    p = r.project
    row = _project_ref(p)
    row["image_progress"] = report.image_progress if report else ""
    row["problems"] = report.problems if report else ""
    if kind == "start_overdue":
        row["planned"] = iso(p.planned_start)
        row["days_late"] = (as_of - p.planned_start).days
        row["note"] = f"计划{cn_date(p.planned_start)}开工，逾期{row['days_late']}天"
    elif kind == "completion_overdue":
        row["planned"] = iso(p.planned_completion)
        row["days_late"] = (as_of - p.planned_completion).days
        row["note"] = f"计划{cn_date(p.planned_completion)}竣工，逾期{row['days_late']}天"
    else:
        row["planned"] = None
        row["days_late"] = None
        row["note"] = f"完成率{percent(r.rate)}%，落后序时进度{percent(share - r.rate)}个百分点"
    row["rate"] = percent(r.rate)
    return row


def _extras(zone_ids: list[int], period: ReportingPeriod, now: dt.datetime) -> dict:
    """Blockers (要素保障问题) and 督办 from the dispatch module, when it provides them."""
    start = dt.datetime.combine(period.start, dt.time(0), tzinfo=timezone.get_current_timezone())
    end = start + dt.timedelta(days=(period.end - period.start).days + 1)
    until = min(end, now)
    blocker_stats = getattr(dispatch_selectors, "blocker_stats", None)
    supervision_stats = getattr(dispatch_selectors, "supervision_stats", None)
    out: dict = {"blockers": None, "supervision": None}
    if blocker_stats is not None:
        from .integration import blockers_section

        out["blockers"] = blockers_section(blocker_stats(zone_ids, start=start, end=end, now=until))
    if supervision_stats is not None:
        from .integration import supervision_section

        out["supervision"] = supervision_section(
            supervision_stats(zone_ids, as_of=until, start=start, end=end)
        )
    return out


def compute_weekly_report(
    zone: Zone, period: ReportingPeriod, *, now: dt.datetime | None = None
) -> dict:
    """调度周报 of `zone` for `period`, as plain data. A fixed number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    as_of = report_as_of(period, today)
    share = rules.schedule_share(as_of)
    settings = dispatch_services.settings_for(zone.pk)
    lag_points = Decimal(settings.lag_points)
    zone_ids = zone_ids_of(zone)
    prev = previous_period(period)

    qs = Project.objects.filter(zone_id__in=zone_ids, archived_at__isnull=True).annotate(
        year_now=_year_figure(period)
    )
    if prev is not None:
        qs = qs.annotate(year_prev=_year_figure(prev))
    projects = list(
        qs.select_related(
            "department", "lead_official", "implementing_unit", "owner", "warning"
        ).order_by("department__sort_order", "department_id", "code")
    )
    ids = [p.pk for p in projects]
    wanted = [period.pk] + ([prev.pk] if prev else [])
    reports: dict[int, dict[int, ProgressReport]] = defaultdict(dict)
    for rep in ProgressReport.objects.filter(period_id__in=wanted, project_id__in=ids):
        reports[rep.period_id][rep.project_id] = rep
    this_reports = reports[period.pk]
    prev_reports = reports[prev.pk] if prev else {}

    rows = [_Row(p, p.year_now or ZERO, as_of) for p in projects]
    share_prev = prev_as_of = None
    prev_rows: list[_Row] = []
    if prev is not None:
        prev_as_of = report_as_of(prev, today)
        share_prev = rules.schedule_share(prev_as_of)
        prev_rows = [_Row(p, p.year_prev or ZERO, prev_as_of) for p in projects]

    totals = _group(rows, share, "all", "合计")
    by_level = []
    for value, label in Level.choices:
        members = [r for r in rows if r.project.level == value]
        if members:
            by_level.append(_group(members, share, value, label))
    by_stage = []
    for value, label in Stage.choices:
        members = [r for r in rows if r.project.stage == value]
        if members:
            by_stage.append(_group(members, share, value, label))

    year = as_of.year

    def plan_vs_done(planned_field: str, actual_field: str) -> dict:
        planned = [
            r for r in rows
            if getattr(r.project, planned_field) and getattr(r.project, planned_field).year == year
            and r.project.stage not in CLOSED_STAGES
        ]  # fmt: skip
        done = [
            r for r in planned
            if getattr(r.project, actual_field) and getattr(r.project, actual_field) <= as_of
        ]  # fmt: skip
        return {"planned": len(planned), "done": len(done), "rate": ratio(len(done), len(planned))}

    started_this_year = sum(
        1
        for r in rows
        if r.project.actual_start and r.project.actual_start.year == year and r.started
    )
    starts = {
        "start": plan_vs_done("planned_start", "actual_start"),
        "completion": plan_vs_done("planned_completion", "actual_completion"),
        "production": plan_vs_done("planned_production", "actual_production"),
        "started_this_year": started_this_year,
    }

    lags_now = _lags(rows, as_of, lag_points)
    lags = {
        kind: {
            "title": LAG_TITLES[kind],
            "rows": [
                _lag_row(kind, r, as_of, share, this_reports.get(r.project.pk)) for r in found
            ],
        }
        for kind, found in lags_now.items()
    }

    # 填报情况: projects expected to report this period (新开工/在建, or with a report in it).
    expected = [p for p in projects if p.stage in STARTED_STAGES or p.pk in this_reports]
    state_of = {}
    for p in expected:
        rep = this_reports.get(p.pk)
        if rep is None or rep.status == ProgressReport.Status.DRAFT:
            state_of[p.pk] = "missing"
        elif rep.status == ProgressReport.Status.RETURNED:
            state_of[p.pk] = "returned"
        else:
            state_of[p.pk] = "reported"
    reporting = {
        "expected": len(expected),
        "reported": sum(1 for s in state_of.values() if s == "reported"),
        "returned": sum(1 for s in state_of.values() if s == "returned"),
        "missing": sum(1 for s in state_of.values() if s == "missing"),
        "missing_rows": [_project_ref(p) for p in expected if state_of[p.pk] != "reported"],
    }
    invested_period = sum(
        (rep.invested_period or ZERO for rep in this_reports.values() if rep.is_counted), ZERO
    )

    # 预警: the colours as they stand when the report is made (a snapshot keeps them).
    colours = {c: 0 for c in Colour.values}
    red_rows = []
    for p in projects:
        warning = getattr(p, "warning", None)
        colour = warning.colour if warning else Colour.GREEN
        colours[colour] += 1
        if colour == Colour.RED:
            red_rows.append({**_project_ref(p), "reasons": warning.reason_texts})

    # 节点计划较基线推迟: unreached milestones whose plan now lies after its baseline (基线日期),
    # most days first; one query. Older snapshots have no such key.
    by_id = {p.pk: p for p in projects}
    slipped = sorted(
        (
            {
                **_project_ref(by_id[m.project_id]),
                "milestone": m.name,
                "baseline": iso(m.baseline_date),
                "planned": iso(m.planned_date),
                "days": m.slip_days,
                "changes": m.plan_changes,
            }
            for m in Milestone.objects.filter(
                project_id__in=ids, actual_date__isnull=True, planned_date__gt=F("baseline_date")
            ).only("project_id", "name", "baseline_date", "planned_date", "plan_changes")
        ),
        key=lambda row: (-row["days"], row["code"], row["milestone"]),
    )

    # 环比: the same figures for the previous period.
    wow = None
    if prev is not None:
        prev_totals = _group(prev_rows, share_prev, "all", "合计")
        prev_lags = _lags(prev_rows, prev_as_of, lag_points)
        prev_invested_period = sum(
            (rep.invested_period or ZERO for rep in prev_reports.values() if rep.is_counted), ZERO
        )
        changes = {}
        for kind, now_rows in lags_now.items():
            now_ids = {r.project.pk: r.project.name for r in now_rows}
            was_ids = {r.project.pk: r.project.name for r in prev_lags[kind]}
            changes[kind] = {
                "title": LAG_TITLES[kind],
                "now": len(now_ids),
                "previous": len(was_ids),
                "added": [now_ids[i] for i in now_ids if i not in was_ids],
                "cleared": [was_ids[i] for i in was_ids if i not in now_ids],
            }
        prev_rate = Decimal(prev_totals["rate"]) if prev_totals["rate"] is not None else None
        rate = Decimal(totals["rate"]) if totals["rate"] is not None else None
        prev_reported = sum(1 for rep in prev_reports.values() if rep.is_counted)
        wow = {
            "previous_period": {"id": prev.pk, "label": prev.label},
            "invested_year_previous": prev_totals["invested_year"],
            "invested_year_delta": money(Decimal(totals["invested_year"]) - Decimal(prev_totals["invested_year"])),
            "rate_previous": prev_totals["rate"],
            "rate_delta": percent(rate - prev_rate) if rate is not None and prev_rate is not None else None,
            "gap_previous": prev_totals["gap"],
            "invested_period_previous": money(prev_invested_period),
            "invested_period_delta": money(invested_period - prev_invested_period),
            "reported_previous": prev_reported,
            "reported_delta": reporting["reported"] - prev_reported,
            "lags": changes,
        }  # fmt: skip

    ledger = []
    for r in rows:
        p = r.project
        rep = this_reports.get(p.pk)
        warning = getattr(p, "warning", None)
        ledger.append(
            {
                **_project_ref(p),
                "level": p.get_level_display(),
                "total_investment": money(p.total_investment),
                "annual_plan": money(r.plan),
                "invested_period": money(rep.invested_period) if rep and rep.is_counted else None,
                "invested_year": money(r.invested_year),
                "rate": percent(r.rate),
                "gap": percent(r.rate - share) if r.rate is not None else None,
                "planned_start": iso(p.planned_start),
                "actual_start": iso(p.actual_start),
                "planned_completion": iso(p.planned_completion),
                "actual_completion": iso(p.actual_completion),
                "image_progress": rep.image_progress if rep else "",
                "problems": rep.problems if rep else "",
                "report_status": rep.get_status_display() if rep else "未报",
                "colour": warning.get_colour_display() if warning else "绿色",
            }
        )

    return {
        "format": FORMAT_VERSION,
        "zone": {"id": zone.pk, "name": zone.name, "label": zone.label},
        "period": {
            "id": period.pk,
            "label": period.label,
            "kind": period.kind,
            "start": iso(period.start),
            "end": iso(period.end),
            "deadline": timezone.localtime(period.deadline).isoformat(),
            "closed": period.deadline <= now,
        },
        "as_of": iso(as_of),
        "generated_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "schedule_share": percent(share),
        "lag_points": percent(lag_points),
        "totals": totals,
        "invested_period": money(invested_period),
        "by_level": by_level,
        "by_stage": by_stage,
        "starts": starts,
        "lags": lags,
        "reporting": reporting,
        "colours": colours,
        "red": red_rows,
        "slipped": slipped,
        "wow": wow,
        "ledger": ledger,
        **_extras(zone_ids, period, now),
    }


# --- the cockpit (驾驶舱) ------------------------------------------------------------------------


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def monthly_investment(zone: Zone, today: dt.date) -> dict:
    """Σ本年累计 at each month's end this year, against Σ年度计划 and 序时进度 (m ÷ 12, or the
    day-based share for the running month). One query for the reports, one for the plans, one
    for the periods."""
    year = today.year
    zone_ids = zone_ids_of(zone)
    projects = Project.objects.filter(zone_id__in=zone_ids, archived_at__isnull=True)
    plan = projects.aggregate(s=Sum("annual_plan_investment"))["s"] or ZERO
    rows = (
        ProgressReport.objects.filter(
            project__in=projects, status__in=COUNTED_STATUSES, period__end__year=year
        )
        .order_by("period__start")
        .values_list("project_id", "period__end", "invested_year")
    )
    periods = list(
        ReportingPeriod.objects.filter(zone=zone, end__year=year)
        .order_by("start")
        .values_list("pk", "end")
    )
    latest: dict[int, Decimal] = {}
    months, done, rate, schedule, period_ids = [], [], [], [], []
    it = iter(rows)
    pending = next(it, None)
    for m in range(1, today.month + 1):
        end = month_end(year, m) if m < today.month else today
        while pending is not None and pending[1] <= end:
            latest[pending[0]] = pending[2] or ZERO
            pending = next(it, None)
        total = sum(latest.values(), ZERO)
        r = rules.completion_rate(total, plan)
        months.append(f"{m}月")
        done.append(float(total.quantize(CENT)))
        rate.append(float(percent(r)) if r is not None else None)
        share = Decimal(m * 100) / 12 if m < today.month else rules.schedule_share(today)
        schedule.append(float(percent(share)))
        in_month = [pk for pk, e in periods if e.month == m and e <= end]
        period_ids.append(in_month[-1] if in_month else None)
    return {
        "year": year,
        "months": months,
        "done": done,
        "rate": rate,
        "schedule": schedule,
        "plan": float(plan.quantize(CENT)),
        "periods": period_ids,
    }


def stage_level_counts(zone: Zone) -> dict:
    """Projects by stage (rows) and level (series), for a stacked bar."""
    counts = defaultdict(int)
    for row in (
        Project.objects.filter(zone_id__in=zone_ids_of(zone), archived_at__isnull=True)
        .values("stage", "level")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[(row["stage"], row["level"])] = row["n"]
    stages = [(v, label) for v, label in Stage.choices if any(counts[(v, lv)] for lv in Level)]
    return {
        "stages": [{"key": v, "label": label} for v, label in stages],
        "levels": [
            {"key": lv.value, "label": lv.label, "data": [counts[(v, lv.value)] for v, _ in stages]}
            for lv in Level
        ],
    }


def colour_counts(zone: Zone) -> dict[str, int]:
    rows = (
        ProjectWarning.objects.filter(
            project__zone_id__in=zone_ids_of(zone), project__archived_at__isnull=True
        )
        .values("colour")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {c: 0 for c in Colour.values}
    counts.update({row["colour"]: row["n"] for row in rows})
    return counts


def missing_reports(user: User, period: ReportingPeriod) -> list[dict]:
    """Per department: expected, reported, missing and returned in `period` (the status board's
    figures, in the user's scope)."""
    board = dispatch_selectors.board(user, period)
    return [
        {
            "department": block.department.name,
            "department_id": block.department.pk,
            "expected": block.total,
            "reported": block.reported,
            "missing": block.missing,
            "returned": block.returned,
        }
        for block in board.departments
    ]


# --- the Gantt battle map (挂图作战) --------------------------------------------------------------


@dataclass
class GanttFilters:
    department: int | None = None
    lead: int | None = None
    stage: str = ""
    milestones: bool = True


GANTT_LIMIT = 150

# A milestone's state on the Gantt (its marker's colour) and in the plan table's export.
MILESTONE_STATES = {
    "done": "已完成",
    "late_done": "逾期完成",
    "late": "逾期未完成",
    "open": "未到期",
}


def milestone_state(m: Milestone, today: dt.date) -> str:
    if m.actual_date:
        return "late_done" if m.actual_date > m.planned_date else "done"
    return "late" if m.planned_date < today else "open"


def milestone_delay(m: Milestone, today: dt.date) -> int | None:
    """Days behind the planned date: to completion, or to today while open. (How far the plan
    itself moved from the baseline is `Milestone.slip_days`.)"""
    end = m.actual_date or today
    if m.planned_date < end:
        return (end - m.planned_date).days
    return None


def project_late(p: Project, today: dt.date) -> bool:
    """实际晚于计划: completed after, or still open past, the planned completion."""
    return bool(
        p.actual_start
        and p.planned_completion
        and (
            (p.actual_completion and p.actual_completion > p.planned_completion)
            or (not p.actual_completion and today > p.planned_completion)
        )
    )


def project_state(p: Project, today: dt.date) -> str:
    if not p.actual_start:
        return "逾期未开工" if p.planned_start and p.planned_start < today else "未开工"
    if p.actual_completion:
        return "逾期竣工" if project_late(p, today) else "已竣工"
    return "实际晚于计划" if project_late(p, today) else "按计划推进"


def gantt_projects(user: User, zone: Zone, filters: GanttFilters) -> QuerySet[Project]:
    qs = (
        access.projects_for(user)
        .filter(zone_id__in=zone_ids_of(zone), archived_at__isnull=True)
        .filter(Q(planned_start__isnull=False) | Q(actual_start__isnull=False))
        .exclude(stage=Stage.TERMINATED)
    )
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.lead:
        qs = qs.filter(lead_official_id=filters.lead)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    return qs.select_related("department", "lead_official").order_by(
        "department__sort_order", "department_id", "planned_start", "code"
    )


def gantt_tasks(projects: list[Project], today: dt.date) -> list[dict]:
    """frappe-gantt tasks: per project a plan bar and an actual bar, then its milestones
    (planned date; done or late marked by class, a plan moved past its baseline outlined)."""
    tasks = []
    for p in projects:
        plan_start = p.planned_start or p.actual_start
        plan_end = p.planned_completion or plan_start
        tasks.append(
            {
                "id": f"p{p.pk}-plan",
                "name": f"{p.name}（计划）",
                "start": iso(plan_start),
                "end": iso(max(plan_end, plan_start)),
                "progress": 0,
                "custom_class": "zd-plan",
                "url": f"/projects/{p.pk}/",
            }
        )
        if p.actual_start:
            end = p.actual_completion or max(today, p.actual_start)
            late = project_late(p, today)
            tasks.append(
                {
                    "id": f"p{p.pk}-actual",
                    "name": f"{p.name}（实际）",
                    "start": iso(p.actual_start),
                    "end": iso(end),
                    "progress": 100 if p.actual_completion else 0,
                    "custom_class": "zd-late" if late else "zd-actual",
                    "url": f"/projects/{p.pk}/",
                }
            )
        for m in getattr(p, "gantt_milestones", []):
            day = m.actual_date or m.planned_date
            state = milestone_state(m, today)
            cls = {"done": "zd-ms-done", "open": "zd-ms-open"}.get(state, "zd-ms-late")
            name = f"◆ {m.name}"
            if m.slip_days > 0:  # the plan moved later than its baseline: say so on the map
                cls += "-slipped"  # one token: frappe-gantt adds custom_class with classList.add
                name += (
                    f"（基线{m.baseline_date.month}月{m.baseline_date.day}日，推迟{m.slip_days}天）"
                )
            tasks.append(
                {
                    "id": f"m{m.pk}",
                    "name": name,
                    "start": iso(day),
                    "end": iso(day),
                    "progress": 100 if m.actual_date else 0,
                    "custom_class": cls,
                    "url": f"/projects/{p.pk}/",
                }
            )
    return tasks


def _with_milestones(qs: QuerySet[Project], filters: GanttFilters) -> QuerySet[Project]:
    if not filters.milestones:
        return qs
    return qs.prefetch_related(
        Prefetch(
            "milestones",
            queryset=Milestone.objects.order_by("order", "id"),
            to_attr="gantt_milestones",
        )
    )


def gantt_data(user: User, zone: Zone, filters: GanttFilters, today: dt.date) -> dict:
    qs = gantt_projects(user, zone, filters)
    total = qs.count()
    projects = list(_with_milestones(qs, filters)[:GANTT_LIMIT])
    return {
        "projects": projects,
        "total": total,
        "shown": len(projects),
        "tasks": gantt_tasks(projects, today),
    }


def gantt_plan_rows(
    user: User, zone: Zone, filters: GanttFilters, today: dt.date
) -> list[tuple[Project, Milestone | None]]:
    """The plan table behind the Gantt, for its export: every project the filters select (not
    only the first GANTT_LIMIT the chart draws), one row per milestone when milestones are
    shown, a project without any on a row of its own. Two queries."""
    projects = _with_milestones(gantt_projects(user, zone, filters), filters)
    rows: list[tuple[Project, Milestone | None]] = []
    for p in projects:
        milestones = getattr(p, "gantt_milestones", [])
        rows += [(p, m) for m in milestones] or [(p, None)]
    return rows


# --- the cockpit's data, one dict for the page's charts ----------------------------------------


def _url(name: str, query: str = "") -> str | None:
    """A page of another module, or None while that module does not have it."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def cockpit_data(user: User, zone: Zone, period: ReportingPeriod, now: dt.datetime) -> dict:
    """Everything the cockpit draws, each figure with the address of the list behind it."""
    today = timezone.localdate(now)
    z = f"zone={zone.pk}"
    zone_ids = zone_ids_of(zone)
    missing = missing_reports(user, period)
    data: dict = {
        "zone": {"id": zone.pk, "label": zone.label},
        "invest": monthly_investment(zone, today),
        "stages": stage_level_counts(zone),
        "colours": colour_counts(zone),
        "missing": {
            "period": {"id": period.pk, "label": period.label},
            "rows": missing,
            "total": sum(r["missing"] for r in missing),
        },
        "links": {
            "projects": _url("projects:list", z),
            "warnings": _url("dispatch:warnings", z),
            "board": _url("dispatch:board", f"{z}&period={period.pk}"),
            "weekly": _url("reports:weekly", z),
            "blockers": _url("dispatch:blockers", z),
            "supervision": _url("dispatch:supervision_list", z),
        },
        "blockers": None,
        "supervision": None,
    }
    blocker_stats = getattr(dispatch_selectors, "blocker_stats", None)
    if blocker_stats is not None:
        from zonedesk.dispatch.models import BlockerCategory

        stats = blocker_stats(zone_ids, now=now)
        keys = {label: value for value, label in BlockerCategory.choices}
        buckets = list(getattr(dispatch_selectors, "AGE_BUCKETS", ()))
        labels = [label for label in keys if label in stats["by_category"]]
        data["blockers"] = {
            "categories": [{"key": keys[label], "label": label} for label in labels],
            "buckets": buckets,
            "series": [
                {"bucket": b, "data": [stats["by_category"][label].get(b, 0) for label in labels]}
                for b in buckets
            ],
            "open_count": stats["open_count"],
            "overdue_count": stats["overdue_count"],
        }
    data["supervision"] = cockpit_supervision(zone_ids, now)
    return data


COCKPIT_OVERDUE_SHOWN = 12


def cockpit_supervision(zone_ids: list[int], now: dt.datetime) -> dict | None:
    """The cockpit's 逾期督办事项 table (the first COCKPIT_OVERDUE_SHOWN, most overdue first as
    supervision_stats orders them) with the open and overdue counts; None while the dispatch
    module has no 督办. The page and its export both read this."""
    supervision_stats = getattr(dispatch_selectors, "supervision_stats", None)
    if supervision_stats is None:
        return None
    from .integration import supervision_row

    today = timezone.localdate(now)
    stats = supervision_stats(zone_ids, as_of=now)
    return {
        "open": stats["open"],
        "overdue": stats["overdue"],
        "items": [
            {**supervision_row(i), "days": i.overdue_days(today)}
            for i in stats["overdue_items"][:COCKPIT_OVERDUE_SHOWN]
        ],
    }


# --- 各区调度一览: the zones side by side, for a city or province ---------------------------------


@dataclass
class ZoneRow:
    """One zone (its parks counted in it) in 各区调度一览."""

    zone: Zone
    projects: int = 0
    total_investment: Decimal = ZERO  # 万元
    plan: Decimal = ZERO  # Σ年度计划投资, 万元
    done: Decimal = ZERO  # Σ本年累计完成投资 (latest counted report of each project), 万元
    reported: int = 0  # projects with a counted report this year; none: the rate is unknown
    red: int = 0
    amber: int = 0
    green: int = 0
    open_blockers: int = 0
    overdue_supervision: int = 0
    overdue_milestones: int = 0
    slipped_milestones: int = 0  # unreached, plan later than its 基线日期
    rate: Decimal | None = None  # 年度投资完成率 %
    gap: Decimal | None = None  # 完成率 − 序时进度, 百分点


def zones_overview(user: User, today: dt.date) -> list[ZoneRow]:
    """Every zone the user reads, one row each, in zone order: projects, investment against the
    year's plan and 序时进度, warning colours, open blockers, overdue 督办 and milestones. Seven
    queries however many zones and projects; the caller refreshes stale warnings first."""
    from zonedesk.dispatch.models import OPEN_BLOCKER_STATUSES, Blocker, SupervisionItem

    roots = list(dispatch_selectors.root_zones_for(user))
    rows = {z.pk: ZoneRow(z) for z in roots}
    root_of = {z.pk: z.pk for z in roots}
    root_of.update(Zone.objects.filter(parent_id__in=rows).values_list("pk", "parent_id"))
    ids = list(root_of)
    live = Project.objects.filter(zone_id__in=ids, archived_at__isnull=True).exclude(
        stage=Stage.TERMINATED
    )
    year_figure = (
        ProgressReport.objects.filter(
            project=OuterRef("pk"), status__in=COUNTED_STATUSES, period__end__year=today.year
        )
        .order_by("-period__start")
        .values("invested_year")[:1]
    )
    for zone_id, total, plan, done in live.annotate(done=Subquery(year_figure)).values_list(
        "zone_id", "total_investment", "annual_plan_investment", "done"
    ):
        r = rows[root_of[zone_id]]
        r.projects += 1
        r.total_investment += total or ZERO
        r.plan += plan or ZERO
        if done is not None:
            r.done += done
            r.reported += 1
    for zone_id, colour, n in (
        ProjectWarning.objects.filter(project__in=live)
        .values_list("project__zone_id", "colour")
        .annotate(n=Count("id"))
        .order_by()
    ):
        r = rows[root_of[zone_id]]
        setattr(r, colour, getattr(r, colour) + n)
    for zone_id, n in (
        Blocker.objects.filter(project__in=live, status__in=OPEN_BLOCKER_STATUSES)
        .values_list("project__zone_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows[root_of[zone_id]].open_blockers += n
    for zone_id, n in (
        SupervisionItem.objects.filter(zone_id__in=ids, deadline__lt=today)
        .exclude(status=SupervisionItem.Status.DONE)
        .values_list("zone_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows[root_of[zone_id]].overdue_supervision += n
    for zone_id, late, slipped in (
        Milestone.objects.filter(project__in=live, actual_date__isnull=True)
        .values_list("project__zone_id")
        .annotate(
            late=Count("id", filter=Q(planned_date__lt=today)),
            slipped=Count("id", filter=Q(planned_date__gt=F("baseline_date"))),
        )
        .order_by()
    ):
        r = rows[root_of[zone_id]]
        r.overdue_milestones += late
        r.slipped_milestones += slipped
    share = rules.schedule_share(today)
    for r in rows.values():
        # A zone whose units filed nothing this year has no completion rate, not a rate of 0.
        r.rate = rules.completion_rate(r.done, r.plan) if r.reported else None
        r.gap = None if r.rate is None else r.rate - share
    return list(rows.values())


def zones_total(rows: list[ZoneRow], today: dt.date) -> ZoneRow:
    """The 合计 line under 各区调度一览: sums, and the rate of the sums (not a mean of rates)."""
    total = ZoneRow(zone=None)  # type: ignore[arg-type]
    for name in ("projects", "total_investment", "plan", "done", "reported", "red", "amber", "green",
                 "open_blockers", "overdue_supervision", "overdue_milestones",
                 "slipped_milestones"):  # fmt: skip
        setattr(total, name, sum((getattr(r, name) for r in rows), type(getattr(total, name))()))
    total.rate = rules.completion_rate(total.done, total.plan) if total.reported else None
    total.gap = None if total.rate is None else total.rate - rules.schedule_share(today)
    return total
