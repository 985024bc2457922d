"""议程 (meeting agenda) built from the data.

`candidates(zone, meeting_date, meeting_kind, departments=...)` lists what a dispatch meeting
should discuss: the built-in sources here (red and amber projects, blockers overdue or escalated
to the chair's level, open 督办 from earlier meetings) followed by the sources other apps register
from their `AppConfig.ready()`:

    from zonedesk.dispatch.agenda import AgendaCandidate, register_source

    def overdue_ledger_items(zone, meeting_date, meeting_kind):
        yield AgendaCandidate(kind="ledger", key="ledger:12", title="…", reason="…", url="…")

    register_source(overdue_ledger_items)

A source must be cheap (a few queries, not one per row) and must not write. A failing source is
logged and skipped so one broken app cannot empty every agenda. Keys are stable: the meeting
page adds a candidate only once and remembers the ones the chair dropped.

A 单周小调度 is chaired by a deputy (分管领导) for the departments he or she supervises (分管部门):
with `departments` given, only candidates concerning one of them are kept. A candidate names the
departments it concerns in `departments` (a project's 责任部门; a blocker's project department and
the department that must solve it); one that names none concerns the whole zone and is kept.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from django.urls import reverse

logger = logging.getLogger(__name__)

SMALL, LARGE = "small", "large"


@dataclass(frozen=True)
class AgendaCandidate:
    kind: str  # "project", "blocker", "supervision", "ledger", "request", ...
    key: str  # stable id, e.g. "ledger:123"
    title: str  # one line, Chinese
    reason: str  # why it is on the agenda, one sentence, Chinese
    url: str
    colour: str = ""  # "red"/"amber"/"" for ordering
    departments: tuple[int, ...] = ()  # department ids it concerns; () = the whole zone


Source = Callable[..., Iterable[AgendaCandidate]]
_sources: list[Source] = []

COLOUR_ORDER = {"red": 0, "amber": 1, "": 2}
KIND_ORDER = {"supervision": 0, "blocker": 1, "project": 2}


def register_source(fn: Source) -> None:
    """Add a source: fn(zone, meeting_date, meeting_kind) -> Iterable[AgendaCandidate].
    Registering the same function twice (a reloaded AppConfig) keeps one."""
    if fn not in _sources:
        _sources.append(fn)


def unregister_source(fn: Source) -> None:
    """For tests."""
    if fn in _sources:
        _sources.remove(fn)


def candidates(
    zone, meeting_date: dt.date, meeting_kind: str, *, departments: Collection[int] | None = None
) -> list[AgendaCandidate]:
    """Built-in sources, then registered ones; one candidate per key (the first wins), ordered
    by colour (red, amber, none) and then by the order the sources gave them. With
    `departments`, only candidates concerning one of them (or the whole zone)."""
    found: list[AgendaCandidate] = []
    for source in [*BUILT_IN, *_sources]:
        try:
            found.extend(source(zone, meeting_date, meeting_kind))
        except Exception:  # noqa: BLE001 — one broken source must not empty the agenda
            logger.exception("agenda source %r failed", source)
    seen: set[str] = set()
    unique = []
    wanted = None if departments is None else set(departments)
    for c in found:
        if c.key in seen:
            continue
        if wanted is not None and c.departments and wanted.isdisjoint(c.departments):
            continue
        seen.add(c.key)
        unique.append(c)
    return sorted(unique, key=lambda c: (COLOUR_ORDER.get(c.colour, 2), KIND_ORDER.get(c.kind, 3)))


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- built-in sources ---------------------------------------------------------------------------


def project_source(zone, meeting_date: dt.date, meeting_kind: str) -> Iterable[AgendaCandidate]:
    """Red and amber projects (预警), with their first reason."""
    from .models import Colour, ProjectWarning

    warnings = (
        ProjectWarning.objects.filter(
            project__zone_id__in=_zone_ids(zone),
            project__archived_at__isnull=True,
            colour__in=[Colour.RED, Colour.AMBER],
        )
        .select_related("project")
        .order_by("project__code")
    )
    for w in warnings:
        first = w.reason_texts[0] if w.reasons else ""
        yield AgendaCandidate(
            kind="project",
            key=f"project:{w.project_id}",
            title=f"{w.project.name}（{w.get_colour_display()}预警）",
            reason=first or f"项目处于{w.get_colour_display()}预警。",
            url=reverse("projects:detail", args=[w.project_id]),
            colour=w.colour,
            departments=(w.project.department_id,),
        )


def blocker_source(zone, meeting_date: dt.date, meeting_kind: str) -> Iterable[AgendaCandidate]:
    """Open blockers that are overdue on the meeting day, or that have been escalated to the
    chair's level: 分管领导 for a 小调度, 主要领导 (or 上报市级) for a 大调度."""
    from django.db.models import Q

    from .models import OPEN_BLOCKER_STATUSES, Blocker, BlockerLevel

    at_level = (
        Q(level=BlockerLevel.DEPUTY) if meeting_kind == SMALL else Q(level__gte=BlockerLevel.LEADER)
    )
    blockers = (
        Blocker.objects.filter(zone_id__in=_zone_ids(zone), status__in=OPEN_BLOCKER_STATUSES)
        .filter(Q(deadline__lt=meeting_date) | at_level)
        .select_related("project", "department")
        .order_by("-level", "deadline", "id")
    )
    for b in blockers:
        parts = []
        if b.deadline < meeting_date:
            parts.append(f"已超过解决时限（{_cn(b.deadline)}）{(meeting_date - b.deadline).days}天")
        if b.level >= BlockerLevel.DEPUTY:
            parts.append(f"已升级至{b.get_level_display()}协调")
        yield AgendaCandidate(
            kind="blocker",
            key=f"blocker:{b.pk}",
            title=f"{b.project.name}：{b.get_category_display()}问题（{b.department.name}）",
            reason="，".join(parts) + "。",
            url=reverse("dispatch:blocker", args=[b.pk]),
            colour="red" if b.deadline < meeting_date else "amber",
            departments=(b.project.department_id, b.department_id),
        )


def supervision_source(zone, meeting_date: dt.date, meeting_kind: str) -> Iterable[AgendaCandidate]:
    """Every 督办 item not yet confirmed complete that an earlier meeting decided."""
    from .models import SupervisionItem

    items = (
        SupervisionItem.objects.filter(zone_id__in=_zone_ids(zone), meeting__date__lt=meeting_date)
        .exclude(status=SupervisionItem.Status.DONE)
        .select_related("department")
        .order_by("deadline", "id")
    )
    for item in items:
        if item.deadline < meeting_date:
            reason = f"已超过办结时限（{_cn(item.deadline)}）{(meeting_date - item.deadline).days}天，尚未办结。"
            colour = "red"
        elif item.deadline <= meeting_date + dt.timedelta(days=7):
            reason = f"将于{_cn(item.deadline)}到期，尚未办结。"
            colour = "amber"
        else:
            reason = f"前次会议议定，办结时限{_cn(item.deadline)}，尚未办结。"
            colour = ""
        if item.status == SupervisionItem.Status.REPORTED:
            reason = reason.removesuffix("尚未办结。") + "承办部门已报办结，待确认。"
        yield AgendaCandidate(
            kind="supervision",
            key=f"supervision:{item.pk}",
            title=f"督办{item.number}（{item.department.name}）：{item.content[:60]}",
            reason=reason,
            url=reverse("dispatch:supervision", args=[item.pk]),
            colour=colour,
            departments=(item.department_id,),
        )


def _zone_ids(zone) -> list[int]:
    """A zone and its parks."""
    from zonedesk.zones.models import Zone

    return [zone.pk, *Zone.objects.filter(parent_id=zone.pk).values_list("pk", flat=True)]


BUILT_IN: list[Source] = [supervision_source, blocker_source, project_source]
