"""Reads for the dispatch pages and API. Query counts do not depend on the number of projects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from zonedesk import access
from zonedesk.accounts.models import User
from zonedesk.projects.models import Milestone, Project
from zonedesk.zones.models import Department, Organisation, Zone

from .models import Colour, ProgressReport, ProjectWarning, Reminder, ReportingPeriod
from .services import REPORTING_STAGES, expected_projects, neighbour_reports

Status = ProgressReport.Status


def root_zones_for(user: User) -> QuerySet[Zone]:
    """The zones (not parks) a user works in: periods and settings are per zone."""
    return access.zones_for(user).filter(parent__isnull=True).order_by("id")


def recent_periods(zone: Zone, limit: int = 26) -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.filter(zone=zone).order_by("-start")[:limit])


# --- the status board (填报情况) ----------------------------------------------------------------


@dataclass
class Entry:
    project: Project
    report: ProgressReport | None

    @property
    def state(self) -> str:
        """已报 (submitted or approved), 退回, or 未报 (nothing, or only a draft)."""
        if self.report is None or self.report.status == Status.DRAFT:
            return "missing"
        if self.report.status == Status.RETURNED:
            return "returned"
        return "reported"


@dataclass
class UnitRow:
    organisation: Organisation | None
    entries: list[Entry] = field(default_factory=list)
    reminders: int = 0
    last_reminder: Reminder | None = None

    def _of(self, state: str) -> list[Entry]:
        return [e for e in self.entries if e.state == state]

    @property
    def reported(self) -> list[Entry]:
        return self._of("reported")

    @property
    def missing(self) -> list[Entry]:
        return self._of("missing")

    @property
    def returned(self) -> list[Entry]:
        return self._of("returned")

    @property
    def approved_count(self) -> int:
        return sum(1 for e in self.entries if e.report and e.report.status == Status.APPROVED)


@dataclass
class DepartmentBlock:
    department: Department
    units: list[UnitRow] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(len(u._of(state)) for u in self.units)

    @property
    def reported(self) -> int:
        return self.count("reported")

    @property
    def missing(self) -> int:
        return self.count("missing")

    @property
    def returned(self) -> int:
        return self.count("returned")

    @property
    def total(self) -> int:
        return sum(len(u.entries) for u in self.units)


@dataclass
class Board:
    period: ReportingPeriod
    departments: list[DepartmentBlock]

    def count(self, state: str) -> int:
        return sum(d.count(state) for d in self.departments)

    @property
    def reported(self) -> int:
        return self.count("reported")

    @property
    def missing(self) -> int:
        return self.count("missing")

    @property
    def returned(self) -> int:
        return self.count("returned")

    @property
    def total(self) -> int:
        return sum(d.total for d in self.departments)


def board(user: User, period: ReportingPeriod) -> Board:
    """Per department and unit: who has reported in `period`, who has not, who was returned."""
    projects = list(
        expected_projects(period)
        .filter(pk__in=access.projects_for(user).values("pk"))
        .select_related("department", "implementing_unit", "owner")
        .order_by("department__sort_order", "department_id", "code")
    )
    reports = {
        r.project_id: r
        for r in ProgressReport.objects.filter(period=period, project__in=[p.pk for p in projects])
    }
    reminders: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in Reminder.objects.filter(period=period).select_related("sent_by"):
        reminders[reminder.organisation_id].append(reminder)

    blocks: dict[int, DepartmentBlock] = {}
    units: dict[tuple[int, int | None], UnitRow] = {}
    for project in projects:
        block = blocks.setdefault(project.department_id, DepartmentBlock(project.department))
        org = project.implementing_unit or project.owner
        key = (project.department_id, org.pk if org else None)
        row = units.get(key)
        if row is None:
            sent = reminders.get(org.pk, []) if org else []
            row = units[key] = UnitRow(
                org, reminders=len(sent), last_reminder=sent[0] if sent else None
            )
            block.units.append(row)
        row.entries.append(Entry(project, reports.get(project.pk)))
    for block in blocks.values():
        block.units.sort(
            key=lambda u: (u.organisation is None, u.organisation.name if u.organisation else "")
        )
    return Board(period, list(blocks.values()))


# --- the unit's batch page (批量填报) ------------------------------------------------------------


@dataclass
class FillRow:
    project: Project
    report: ProgressReport | None
    previous: ProgressReport | None
    milestones: list[Milestone]  # open, or reached in this report
    reached: dict[int, object]  # milestone id → the date this report gives
    editable: bool

    @property
    def prefix(self) -> str:
        return f"p{self.project.pk}"


def fill_rows(user: User, period: ReportingPeriod) -> list[FillRow]:
    """One row per project the unit reports in `period`, with last period's counted figures."""
    in_period = ProgressReport.objects.filter(period=period).values("project_id")
    projects = list(
        access.reporting_projects_for(user)
        .filter(zone_id=period.zone_id, archived_at__isnull=True)
        .filter(Q(stage__in=REPORTING_STAGES) | Q(pk__in=in_period))
        .select_related("department")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("order", "id"))
        )
        .order_by("code")
    )
    ids = [p.pk for p in projects]
    reports = {
        r.project_id: r
        for r in ProgressReport.objects.filter(period=period, project_id__in=ids)
        .select_related("period", "returned_by")
        .prefetch_related("photos", "milestones_reached")
    }
    neighbours = neighbour_reports(ids, period)
    closed = period.is_closed
    rows = []
    for project in projects:
        report = reports.get(project.pk)
        reached = (
            {m.milestone_id: m.actual_date for m in report.milestones_reached.all()}
            if report
            else {}
        )
        milestones = [
            m for m in project.milestones.all() if m.actual_date is None or m.pk in reached
        ]
        if report is None:
            editable = not closed
        else:
            report.period = period
            editable = report.is_editable
        rows.append(
            FillRow(
                project,
                report,
                neighbours.get(project.pk, (None, None))[0],
                milestones,
                reached,
                editable,
            )
        )
    return rows


def returned_elsewhere(
    user: User, exclude_period: ReportingPeriod | None = None
) -> list[ProgressReport]:
    """The unit's returned reports in other periods, to be corrected and filed again."""
    qs = ProgressReport.objects.filter(
        project__in=access.reporting_projects_for(user), status=Status.RETURNED
    ).select_related("period", "project")
    if exclude_period is not None:
        qs = qs.exclude(period=exclude_period)
    return list(qs.order_by("period__start", "project__code"))


def reminders_for(user: User, period: ReportingPeriod) -> list[Reminder]:
    if not user.organisation_id:
        return []
    return list(
        Reminder.objects.filter(period=period, organisation_id=user.organisation_id).select_related(
            "sent_by"
        )[:5]
    )


# --- warnings (预警) ---------------------------------------------------------------------------

COLOUR_RANK = Case(
    When(colour=Colour.RED, then=Value(0)),
    When(colour=Colour.AMBER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@dataclass
class WarningFilters:
    colour: str = ""
    department: int | None = None
    zone: int | None = None


def warning_list(user: User, filters: WarningFilters) -> QuerySet[ProjectWarning]:
    qs = ProjectWarning.objects.filter(
        project__in=access.projects_for(user).filter(archived_at__isnull=True)
    ).select_related(
        "project__department", "project__implementing_unit", "project__owner", "project__zone"
    )
    if filters.zone:
        qs = qs.filter(project__zone_id=filters.zone)
    if filters.department:
        qs = qs.filter(project__department_id=filters.department)
    if filters.colour:
        qs = qs.filter(colour=filters.colour)
    return qs.annotate(rank=COLOUR_RANK).order_by("rank", "project__code")


def warning_counts(qs: QuerySet[ProjectWarning]) -> dict[str, int]:
    rows = qs.order_by().values("colour").annotate(n=Count("id"))
    counts = {c: 0 for c in Colour.values}
    counts.update({row["colour"]: row["n"] for row in rows})
    return counts
