"""Demo data for the weekly report and the cockpit: a year of weekly periods in the main demo zone
with the progress reports of its projects under construction (some ahead of schedule, some
behind, a few missing) and warnings evaluated."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zonedesk.accounts.models import Role, User
from zonedesk.dispatch import periods as period_math
from zonedesk.dispatch import services as dispatch_services
from zonedesk.dispatch.models import ProgressReport, ReportingPeriod
from zonedesk.dispatch.warnings import ACTIVE_STAGES, FINISHED_STAGES
from zonedesk.projects.models import Project
from zonedesk.zones.models import Zone

PROGRESS = ["基础施工", "主体结构施工", "主体封顶", "二次结构施工", "设备安装", "室外配套施工"]


def weekly_periods(zone: Zone, first: dt.date, today: dt.date) -> list[ReportingPeriod]:
    """Weekly periods (Saturday–Friday, due Friday 17:00) from the week of `first` to today's."""
    tz = timezone.get_current_timezone()
    start, _ = period_math.period_bounds(period_math.WEEKLY, first)
    have = set(ReportingPeriod.objects.filter(zone=zone).values_list("start", flat=True))
    new = []
    while start <= today:
        end = start + dt.timedelta(days=6)
        if start not in have:
            new.append(
                ReportingPeriod(
                    zone=zone,
                    kind=period_math.WEEKLY,
                    start=start,
                    end=end,
                    deadline=dt.datetime.combine(end, dt.time(17), tzinfo=tz),
                )
            )
        start = end + dt.timedelta(days=1)
    ReportingPeriod.objects.bulk_create(new)
    return list(ReportingPeriod.objects.filter(zone=zone).order_by("start"))


@transaction.atomic
def build_reports_demo(*, zone_short_name: str = "阳泉高新区", seed: int = 2026) -> int:
    """Reports for the zone's 新开工/在建 projects in every week of this year. Returns the number
    of reports made."""
    zone = Zone.objects.filter(short_name=zone_short_name, parent__isnull=True).first()
    if zone is None:
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate(now)
    periods = weekly_periods(zone, dt.date(today.year, 1, 1), today)
    unit = (
        User.objects.filter(zone=zone, role=Role.UNIT).first()
        or User.objects.filter(zone=zone).first()
    )
    projects = list(
        Project.objects.filter(
            zone=zone, stage__in=ACTIVE_STAGES | FINISHED_STAGES, archived_at__isnull=True
        )
    )
    reports = []
    year_days = 366 if today.year % 4 == 0 else 365
    for project in projects:
        plan = project.annual_plan_investment or Decimal(0)
        if not project.actual_start or plan <= 0:
            continue
        pace = Decimal(str(rng.choice([0.55, 0.7, 0.85, 0.95, 1.0, 1.05, 1.15])))
        carried = (project.total_investment * Decimal("0.15")).quantize(Decimal("0.01"))
        year_done = Decimal(0)
        skip_last = rng.random() < 0.15
        for i, period in enumerate(periods):
            if period.end < project.actual_start or period.start > today:
                continue
            finished = project.actual_completion
            if finished and period.start > finished:
                break
            running = period.deadline > now
            if running and rng.random() < 0.5:
                continue
            if skip_last and i >= len(periods) - 3:
                continue
            share = Decimal(period.end.timetuple().tm_yday) / Decimal(year_days)
            target = (plan * share * pace).quantize(Decimal("0.01"))
            target = min(target, project.total_investment - carried)
            this = max(target - year_done, Decimal(0))
            year_done += this
            status = ProgressReport.Status.APPROVED
            if running or i == len(periods) - 2:
                status = ProgressReport.Status.SUBMITTED
            reports.append(
                ProgressReport(
                    period=period,
                    project=project,
                    status=status,
                    invested_period=this,
                    invested_year=year_done,
                    invested_total=carried + year_done,
                    image_progress=PROGRESS[min(len(PROGRESS) - 1, int(share * len(PROGRESS)))],
                    percent_complete=min(
                        Decimal(99), (share * 100 * pace).quantize(Decimal("0.1"))
                    ),
                    problems="" if pace >= Decimal("0.85") else "资金到位偏慢，施工人员不足。",
                    next_plan="按计划推进。",
                    created_by=unit,
                    submitted_by=unit,
                    submitted_at=period.deadline - dt.timedelta(hours=5),
                )
            )
    ProgressReport.objects.bulk_create(reports, batch_size=1000)
    ids = list(Project.objects.filter(zone=zone).values_list("pk", flat=True))
    dispatch_services.warnings_recompute(ids, trigger="载入演示数据", now=now)
    # Closed weeks are not frozen here: the demo's blockers and meetings are made after this
    # runs, and a week's report is frozen when first opened (or by `reports_freeze`).
    return len(reports)
