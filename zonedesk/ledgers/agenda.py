"""The dispatch meeting's agenda source for overdue ledger items (逾期未整改事项)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from .models import OPEN_STATUSES, LedgerItem

MAX_ITEMS = 30


def overdue_items_source(zone, meeting_date, meeting_kind):
    """fn(zone, meeting_date, meeting_kind) -> AgendaCandidate…: items past their deadline and not
    yet reported as fixed, most overdue first. One query."""
    from zonedesk.dispatch.agenda import AgendaCandidate

    items = (
        LedgerItem.objects.filter(
            Q(zone=zone) | Q(zone__parent=zone),
            status__in=OPEN_STATUSES,
            deadline__lt=meeting_date,
        )
        .select_related("campaign", "responsible_department")
        .order_by("deadline", "id")[:MAX_ITEMS]
    )
    for item in items:
        days = (meeting_date - item.deadline).days
        yield AgendaCandidate(
            kind="ledger",
            key=f"ledger:{item.pk}",
            title=f"【{item.campaign.name}】{item.number} {item.place}：{item.problem[:40]}",
            reason=(
                f"整改时限{item.deadline:%Y-%m-%d}已过{days}天，仍{item.get_status_display()}；"
                f"责任部门{item.responsible_department.name}，责任人{item.responsible_person}"
            ),
            url=reverse("ledgers:item", args=[item.pk]),
            colour="red" if days > 30 else "amber",
            departments=(item.responsible_department_id,),
        )
