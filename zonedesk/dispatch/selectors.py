"""Reads for the dispatch pages and API. Query counts do not depend on the number of projects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from zonedesk import access
from zonedesk.accounts.models import Role, User
from zonedesk.projects.models import Milestone, Project
from zonedesk.zones.models import Department, Organisation, Zone

from .models import (
    OPEN_BLOCKER_STATUSES,
    AgendaItem,
    Blocker,
    BlockerCategory,
    BlockerEvent,
    BlockerLevel,
    Colour,
    DeadlineReminder,
    Meeting,
    ProgressReport,
    ProjectWarning,
    Reminder,
    ReportingPeriod,
    SupervisionItem,
)
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


# --- 要素保障 (blockers) -------------------------------------------------------------------------

AGE_BUCKETS = ("0-30天", "31-90天", "90天以上")


def _age_bucket(days: int) -> str:
    if days <= 30:
        return AGE_BUCKETS[0]
    if days <= 90:
        return AGE_BUCKETS[1]
    return AGE_BUCKETS[2]


def blocker_stats(
    zone_ids: list[int],
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
) -> dict:
    """Figures for the weekly report and the cockpit, over the given zones:
    "opened" — blockers raised in [start, end); "closed" — resolved or closed in [start, end)
    (the later of the two times counts); "open_count"; "overdue_count" (open, deadline before
    today); "by_category" — {category label: {"0-30天": n, "31-90天": n, "90天以上": n}} of the
    open ones, age from raised_at to `now`. Four queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    base = Blocker.objects.filter(zone_id__in=zone_ids).select_related(
        "project", "department", "lead_official"
    )
    opened = base
    if start is not None:
        opened = opened.filter(raised_at__gte=start)
    if end is not None:
        opened = opened.filter(raised_at__lt=end)
    finished = Coalesce("closed_at", "resolved_at")
    closed = base.filter(status__in=[Blocker.Status.RESOLVED, Blocker.Status.CLOSED]).annotate(
        finished_at=finished
    )
    if start is not None:
        closed = closed.filter(finished_at__gte=start)
    if end is not None:
        closed = closed.filter(finished_at__lt=end)
    open_rows = list(
        Blocker.objects.filter(zone_id__in=zone_ids, status__in=OPEN_BLOCKER_STATUSES).values_list(
            "category", "raised_at", "deadline"
        )
    )
    labels = dict(BlockerCategory.choices)
    by_category: dict[str, dict[str, int]] = {}
    overdue = 0
    for category, raised_at, deadline in open_rows:
        row = by_category.setdefault(labels.get(category, category), dict.fromkeys(AGE_BUCKETS, 0))
        row[_age_bucket((now - raised_at).days)] += 1
        if deadline < today:
            overdue += 1
    return {
        "opened": list(opened.order_by("raised_at", "id")),
        "closed": list(closed.order_by("finished_at", "id")),
        "open_count": len(open_rows),
        "overdue_count": overdue,
        "by_category": by_category,
    }


@dataclass
class BlockerFilters:
    zone: int | None = None
    category: str = ""
    status: str = ""  # a Blocker.Status, or "active" for open + in progress
    level: int | None = None
    department: int | None = None
    overdue: bool = False
    project: int | None = None
    awaiting: User | None = None  # overdue, open, and this user confirms the escalation


def blockers_for(user: User) -> QuerySet[Blocker]:
    return Blocker.objects.filter(project__in=access.projects_for(user))


def blocker_list(user: User, filters: BlockerFilters) -> QuerySet[Blocker]:
    qs = blockers_for(user).select_related("project", "department", "lead_official", "raised_by")
    if filters.zone:
        qs = qs.filter(zone_id=filters.zone)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status == "active":
        qs = qs.filter(status__in=OPEN_BLOCKER_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.project:
        qs = qs.filter(project_id=filters.project)
    if filters.overdue:
        qs = qs.filter(status__in=OPEN_BLOCKER_STATUSES, deadline__lt=timezone.localdate())
    if filters.awaiting is not None:
        qs = qs.filter(awaiting_escalation(filters.awaiting))
    return qs.order_by("-level", "deadline", "-id")


def awaiting_escalation(user: User) -> Q:
    """Blockers waiting for this user to confirm an escalation: open, overdue, below 上报市级,
    and led by them (a 主要领导 confirms for every blocker of the zone)."""
    q = Q(
        status__in=OPEN_BLOCKER_STATUSES,
        deadline__lt=timezone.localdate(),
        level__lt=BlockerLevel.CITY,
    )
    if user.role == Role.LEADER:
        return q & Q(zone_id__in=access.zone_ids_in_scope(user))
    return q & Q(lead_official_id=user.pk)


def blocker_counts(qs: QuerySet[Blocker], user: User | None = None) -> dict[str, int]:
    today = timezone.localdate()
    active = Q(status__in=OPEN_BLOCKER_STATUSES)
    mine = awaiting_escalation(user) if user is not None else Q(pk__in=[])
    return qs.order_by().aggregate(
        awaiting=Count("id", filter=mine),
        active=Count("id", filter=active),
        overdue=Count("id", filter=active & Q(deadline__lt=today)),
        escalated=Count("id", filter=active & Q(level__gte=BlockerLevel.DEPUTY)),
        resolved=Count("id", filter=Q(status__in=[Blocker.Status.RESOLVED, Blocker.Status.CLOSED])),
    )


@dataclass
class LevelSpan:
    level: int
    label: str
    since: datetime
    until: datetime | None  # None while the blocker is still at this level and open

    def days(self, now: datetime | None = None) -> int:
        return ((self.until or now or timezone.now()) - self.since).days


def level_spans(blocker: Blocker, events: list[BlockerEvent]) -> list[LevelSpan]:
    """Days spent at each rung of the ladder, from the escalation events. The clock stops when
    the blocker is resolved or closed and runs again when it is reopened."""
    labels = dict(BlockerLevel.choices)
    spans: list[LevelSpan] = []
    current = LevelSpan(BlockerLevel.DEPARTMENT, labels[1], blocker.raised_at, None)
    for e in events:
        if e.kind == BlockerEvent.Kind.ESCALATE and e.to_level:
            current.until = e.at
            spans.append(current)
            current = LevelSpan(e.to_level, labels.get(e.to_level, ""), e.at, None)
    spans.append(current)
    if not blocker.is_open:
        end = blocker.closed_at or blocker.resolved_at
        if end is not None and spans[-1].until is None:
            spans[-1].until = end
    return spans


# --- 调度会 and 督办 -----------------------------------------------------------------------------


def supervision_stats(
    zone_ids: list[int],
    as_of: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict:
    """ "open" — 督办 items not confirmed complete; "overdue" — of those, past their deadline on
    `as_of`'s day; "done_in_window" — confirmed complete in [start, end); "overdue_items"."""
    as_of = as_of or timezone.now()
    today = timezone.localdate(as_of)
    base = SupervisionItem.objects.filter(zone_id__in=zone_ids)
    open_qs = base.exclude(status=SupervisionItem.Status.DONE)
    overdue_items = list(
        open_qs.filter(deadline__lt=today)
        .select_related("meeting", "department", "project")
        .order_by("deadline", "id")
    )
    done = base.filter(status=SupervisionItem.Status.DONE)
    if start is not None:
        done = done.filter(confirmed_at__gte=start)
    if end is not None:
        done = done.filter(confirmed_at__lt=end)
    return {
        "open": open_qs.count(),
        "overdue": len(overdue_items),
        "done_in_window": done.count(),
        "overdue_items": overdue_items,
    }


def meetings_for(user: User) -> QuerySet[Meeting]:
    if user.role not in access.BUSINESS_ROLES or user.role == Role.UNIT:
        return Meeting.objects.none()
    return Meeting.objects.filter(zone_id__in=access.zone_ids_in_scope(user))


def meeting_list(user: User, zone_id: int) -> QuerySet[Meeting]:
    """A zone's meetings for the list page and its export, newest first, with the agenda items
    still on the agenda and the 督办 items decided. Both counts are distinct: two joins in one
    query would otherwise multiply each other."""
    return (
        meetings_for(user)
        .filter(zone_id=zone_id)
        .select_related("chair")
        .annotate(
            decision_count=Count("supervision_items", distinct=True),
            agenda_count=Count(
                "agenda_items", filter=Q(agenda_items__dropped=False), distinct=True
            ),
        )
        .order_by("-date", "kind")
    )


@dataclass
class Agenda:
    items: list[AgendaItem]  # on the agenda, in order, each with its decisions prefetched
    dropped: list[AgendaItem]
    loose_decisions: list[SupervisionItem]  # 督办 decided without an agenda item


def meeting_agenda(meeting: Meeting) -> Agenda:
    """A meeting's agenda as its page shows it and its export writes it: the items with the
    督办 decided on each (numbered order), the dropped ones, and decisions taken on no item."""
    items = list(
        meeting.agenda_items.prefetch_related(
            Prefetch(
                "decisions",
                queryset=SupervisionItem.objects.select_related("department").order_by("seq"),
            )
        )
    )
    return Agenda(
        items=[i for i in items if not i.dropped],
        dropped=[i for i in items if i.dropped],
        loose_decisions=list(
            meeting.supervision_items.filter(agenda_item__isnull=True).select_related("department")
        ),
    )


def supervision_for(user: User) -> QuerySet[SupervisionItem]:
    """督办 items a user may read: a zone's people and viewers read all; a unit reads none."""
    if user.role not in access.BUSINESS_ROLES or user.role == Role.UNIT:
        return SupervisionItem.objects.none()
    return SupervisionItem.objects.filter(zone_id__in=access.zone_ids_in_scope(user))


@dataclass
class SupervisionFilters:
    zone: int | None = None
    status: str = ""  # a status, or "active" (not done)
    department: int | None = None
    overdue: bool = False
    meeting: int | None = None


def supervision_list(user: User, filters: SupervisionFilters) -> QuerySet[SupervisionItem]:
    qs = supervision_for(user).select_related("meeting", "department", "project")
    if filters.zone:
        qs = qs.filter(zone_id=filters.zone)
    if filters.status == "active":
        qs = qs.exclude(status=SupervisionItem.Status.DONE)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.meeting:
        qs = qs.filter(meeting_id=filters.meeting)
    if filters.overdue:
        qs = qs.exclude(status=SupervisionItem.Status.DONE).filter(
            deadline__lt=timezone.localdate()
        )
    # 办理中 first, then 已报办结 (waiting for the office), then 已办结; earliest deadline first.
    rank = Case(
        When(status=SupervisionItem.Status.OPEN, then=Value(0)),
        When(status=SupervisionItem.Status.REPORTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(rank=rank).order_by("rank", "deadline", "id")


def deadline_reminders_for(user: User, limit: int = 10) -> list[DeadlineReminder]:
    """In-app reminders for the user's department."""
    if not user.department_id:
        return []
    return list(
        DeadlineReminder.objects.filter(department_id=user.department_id).select_related(
            "supervision", "blocker"
        )[:limit]
    )
