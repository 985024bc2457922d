"""Reads for the project pages, exports and API. Query counts do not depend on the row count."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from zonedesk.access import projects_for

from .models import Milestone, MilestoneEvidence, Project

SORTS = {
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
    "total": "total_investment",
    "-total": "-total_investment",
    "annual": "annual_plan_investment",
    "-annual": "-annual_plan_investment",
    "start": "planned_start",
    "-start": "-planned_start",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


@dataclass
class ProjectFilters:
    """The filters of the project list, shared by the page, its export and the API."""

    q: str = ""
    zone: int | None = None
    stage: str = ""
    level: str = ""
    category: str = ""
    department: int | None = None
    lead: int | None = None
    in_statistics: bool | None = None
    archived: bool = False
    sort: str = "code"


def project_list(user, filters: ProjectFilters) -> QuerySet[Project]:
    qs = projects_for(user).select_related(
        "zone", "department", "implementing_unit", "owner", "lead_official"
    )
    qs = qs.filter(archived_at__isnull=not filters.archived)
    if filters.q:
        qs = qs.filter(
            Q(name__icontains=filters.q)
            | Q(code__icontains=filters.q)
            | Q(content__icontains=filters.q)
            | Q(owner__name__icontains=filters.q)
        )
    if filters.zone:
        qs = qs.filter(zone_id=filters.zone)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.lead:
        qs = qs.filter(lead_official_id=filters.lead)
    if filters.in_statistics is not None:
        qs = qs.filter(in_statistics=filters.in_statistics)
    return qs.order_by(SORTS.get(filters.sort, "code"), "id")


@dataclass
class Totals:
    count: int
    total_investment: Decimal
    annual_plan_investment: Decimal

    @property
    def total_investment_yi(self) -> Decimal:
        return self.total_investment / 10000

    @property
    def annual_plan_investment_yi(self) -> Decimal:
        return self.annual_plan_investment / 10000


def project_totals(qs: QuerySet[Project]) -> Totals:
    """合计行: count, 总投资 and 年度计划投资 of everything the filters match (not just one page)."""
    row = qs.order_by().aggregate(
        count=Count("id"),
        total=Sum("total_investment"),
        annual=Sum("annual_plan_investment"),
    )
    return Totals(row["count"], row["total"] or Decimal(0), row["annual"] or Decimal(0))


def project_milestones(project: Project) -> list[Milestone]:
    """A project page's 节点计划（倒排工期） table and its export, in plan order."""
    live = (
        MilestoneEvidence.objects.filter(removed_at__isnull=True)
        .select_related("uploaded_by")
        .order_by("id")
    )
    return list(
        project.milestones.select_related("responsible_unit").prefetch_related(
            Prefetch("evidence", queryset=live, to_attr="live_evidence")
        )
    )
