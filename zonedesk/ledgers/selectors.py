"""Reads over the ledgers: counts found / rectified / closed (排查/整改/销号) per campaign,
department and period, overdue items, the repeat-problem rate, closure by zone for the
cross-zone view. Grouped queries only: the query count does not grow with the rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zonedesk.lib.values import normalize_text

from .models import OPEN_STATUSES, Campaign, LedgerItem, Status


@dataclass
class Counts:
    """排查问题 / 已整改 / 已销号, and what is still open or overdue."""

    found: int = 0
    rectified: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def closure_rate(self) -> Decimal | None:
        if not self.found:
            return None
        return (Decimal(self.closed) * 100 / Decimal(self.found)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def sentence(self) -> str:
        """The way the seed page reports a campaign: 排查问题X个，整改Y个，销号Z个."""
        return f"排查问题{self.found}个，整改{self.rectified}个，销号{self.closed}个"


RECTIFIED = (Status.APPLIED, Status.CHECKING, Status.PUBLICITY, Status.CLOSED)


def _count_kwargs(start: dt.date | None, end: dt.date | None) -> dict:
    """Aggregates of items found in [start, end]: rectified/closed by the end of the period."""
    today = timezone.localdate()
    found = Q()
    if start:
        found &= Q(found_on__gte=start)
    if end:
        found &= Q(found_on__lte=end)
    rectified = found & Q(rectified_on__isnull=False)
    closed = found & Q(closed_on__isnull=False)
    if end:
        rectified &= Q(rectified_on__lte=end)
        closed &= Q(closed_on__lte=end)
    return {
        "found": Count("id", filter=found),
        "rectified": Count("id", filter=rectified),
        "closed": Count("id", filter=closed),
        "open": Count("id", filter=found & ~Q(status=Status.CLOSED)),
        "overdue": Count("id", filter=found & Q(status__in=OPEN_STATUSES, deadline__lt=today)),
    }


def counts_by(
    items: QuerySet[LedgerItem],
    group: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict:
    """Counts grouped by a field ("campaign_id", "responsible_department_id", "zone_id"); one
    query."""
    rows = items.order_by().values(group).annotate(**_count_kwargs(start, end))
    return {
        r[group]: Counts(r["found"], r["rectified"], r["closed"], r["open"], r["overdue"])
        for r in rows
    }


def counts_total(items: QuerySet[LedgerItem], *, start=None, end=None) -> Counts:
    r = items.order_by().aggregate(**_count_kwargs(start, end))
    return Counts(r["found"], r["rectified"], r["closed"], r["open"], r["overdue"])


def half_years(year: int) -> list[tuple[str, dt.date, dt.date]]:
    return [
        (f"{year}年上半年", dt.date(year, 1, 1), dt.date(year, 6, 30)),
        (f"{year}年下半年", dt.date(year, 7, 1), dt.date(year, 12, 31)),
    ]


def period_choices(today: dt.date | None = None) -> list[tuple[str, str, dt.date, dt.date]]:
    """Periods the counts are reported for: half-years and quarters of this and last year."""
    today = today or timezone.localdate()
    out = []
    for year in (today.year, today.year - 1):
        out.append((f"{year}", f"{year}年全年", dt.date(year, 1, 1), dt.date(year, 12, 31)))
        for i, (label, s, e) in enumerate(half_years(year), start=1):
            out.append((f"{year}H{i}", label, s, e))
        for q in range(1, 5):
            s = dt.date(year, 3 * q - 2, 1)
            e = dt.date(year, 12, 31) if q == 4 else dt.date(year, 3 * q + 1, 1) - dt.timedelta(1)
            out.append((f"{year}Q{q}", f"{year}年第{q}季度", s, e))
    return out


def campaigns_with_counts(campaigns: QuerySet[Campaign], items: QuerySet[LedgerItem]):
    """Campaigns with their counts; two queries."""
    rows = list(campaigns.select_related("lead_department", "zone"))
    counts = counts_by(items.filter(campaign__in=[c.pk for c in rows]), "campaign_id")
    for c in rows:
        c.counts = counts.get(c.pk, Counts())
    return rows


def item_list(items: QuerySet[LedgerItem]) -> QuerySet[LedgerItem]:
    return items.select_related(
        "campaign", "responsible_department", "responsible_unit", "supervising_department", "zone"
    ).order_by("campaign_id", "number", "id")


def overdue_items(items: QuerySet[LedgerItem], today: dt.date | None = None):
    today = today or timezone.localdate()
    return items.filter(status__in=OPEN_STATUSES, deadline__lt=today)


def _key(text: str) -> str:
    return "".join(normalize_text(text or "").split())


@dataclass
class RepeatRow:
    label: str
    items: int = 0
    repeats: int = 0
    reopened: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def rate(self) -> Decimal:
        if not self.items:
            return Decimal(0)
        return (Decimal(self.repeats) * 100 / Decimal(self.items)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def repeat_rates(items: QuerySet[LedgerItem]) -> dict[str, list[RepeatRow]]:
    """重复问题率: an item is a repeat when an earlier item has the same place and category
    (举一反三 failed), or when it was reopened after closure. By place and by category."""
    rows = list(
        items.order_by("found_on", "id").values_list("id", "place", "category", "reopen_count")
    )
    seen: set[tuple[str, str]] = set()
    by_place: dict[str, RepeatRow] = {}
    by_category: dict[str, RepeatRow] = {}
    for _pk, place, category, reopened in rows:
        key = (_key(place), _key(category))
        repeat = key in seen or reopened > 0
        seen.add(key)
        for table, label in ((by_place, place), (by_category, category)):
            row = table.setdefault(_key(label), RepeatRow(label))
            row.items += 1
            row.repeats += repeat
            row.reopened += reopened > 0

    def ordered(table):
        return sorted(table.values(), key=lambda r: (-r.rate, -r.items, r.label))

    total = len(rows)
    repeats = sum(r.repeats for r in by_category.values())
    return {
        "place": ordered(by_place),
        "category": ordered(by_category),
        "total": total,
        "repeats": repeats,
        "rate": (Decimal(repeats) * 100 / Decimal(total)).quantize(Decimal("0.1"))
        if total
        else None,
    }


def closure_by_zone(zone_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per zone: items, closed, overdue. One query for any number of zones."""
    today = timezone.localdate()
    rows = (
        LedgerItem.objects.filter(zone_id__in=zone_ids)
        .order_by()
        .values("zone_id")
        .annotate(
            total=Count("id"),
            closed=Count("id", filter=Q(status=Status.CLOSED)),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
        )
    )
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"total": 0, "closed": 0, "overdue": 0})
    for r in rows:
        out[r["zone_id"]] = {"total": r["total"], "closed": r["closed"], "overdue": r["overdue"]}
    return out
