"""Reads of 对标情报: documents, figures and peer zones in a user's scope, the text with its
facts marked, and the comparison table (对标表)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from zonedesk import access
from zonedesk.lib.facts import Fact
from zonedesk.lib.values import MONEY_UNITS
from zonedesk.zones.models import Zone

from .models import Figure, PeerZone, SourceDocument, SuggestedChange


def documents_for(user) -> QuerySet[SourceDocument]:
    if not access.can_read_peers(user):
        return SourceDocument.objects.none()
    return SourceDocument.objects.filter(zone_id__in=access.zone_ids_in_scope(user))


def get_document_for_user(user, pk: int, *, request=None) -> SourceDocument:
    document = SourceDocument.objects.select_related("zone", "created_by").filter(pk=pk).first()
    if document is None:
        raise Http404("文档不存在。")
    if not documents_for(user).filter(pk=pk).exists():
        raise access.deny(user, what="无权查看该文档", target=document, request=request)
    return document


def document_figures(document: SourceDocument) -> QuerySet[Figure]:
    """The figures saved from a document and not withdrawn (从本文档保存的数据)."""
    return document.figures.filter(withdrawn_at__isnull=True).select_related("peer")


FACT_KINDS = {
    "money": "金额",
    "count": "数量",
    "area": "面积",
    "length": "长度",
    "percent": "比例",
    "power": "功率",
    "energy": "能耗/电量",
    "weight": "重量",
    "volume": "体积",
    "other": "其他",
}


def peers_for(user) -> QuerySet[PeerZone]:
    if not access.can_read_peers(user):
        return PeerZone.objects.none()
    return PeerZone.objects.filter(observer_id__in=access.zone_ids_in_scope(user))


def peer_list(user) -> QuerySet[PeerZone]:
    """The peer zones page and its export: each with the number of its figures still in force
    (a withdrawn figure is no longer data), counted in the same query."""
    return (
        peers_for(user)
        .select_related("observer")
        .annotate(figure_count=Count("figures", filter=Q(figures__withdrawn_at__isnull=True)))
        .order_by("observer_id", "name")
    )


def figures_for(user) -> QuerySet[Figure]:
    if not access.can_read_peers(user):
        return Figure.objects.none()
    return Figure.objects.filter(
        observer_id__in=access.zone_ids_in_scope(user), withdrawn_at__isnull=True
    )


def suggestions_for(user) -> QuerySet[SuggestedChange]:
    """Suggestions on the projects a user may see (a unit: its own projects only) and on the
    investment leads they may see."""
    return SuggestedChange.objects.filter(
        Q(project__in=access.projects_for(user)) | Q(lead__in=access.leads_for(user))
    ).select_related("project", "lead", "document", "suggested_by", "decided_by")


@dataclass(frozen=True)
class Segment:
    text: str
    fact: int | None = None  # index into the facts list, when this piece is a fact
    start: int = 0  # its first character in the text


def segments(text: str, facts: list[Fact]) -> list[Segment]:
    """The text cut into plain pieces and fact pieces, in order, for highlighting."""
    out: list[Segment] = []
    pos = 0
    for i, fact in sorted(enumerate(facts), key=lambda pair: pair[1].char_start):
        start = fact.char_start
        if start < pos:  # overlapping facts: keep the first
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start : start + len(fact.text)], i, start))
        pos = start + len(fact.text)
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


# --- comparison ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # "z<zone id>" for a zone of the system, "p<peer id>" for a peer zone
    label: str


@dataclass
class Cell:
    """One zone's figure for one measure: saved from a document (对标数据), or for a zone of the
    system its own published indicator (统计数据, from the indicators module)."""

    value: Decimal
    unit: str
    period_label: str
    source: str
    url: str
    sentence: str = ""
    approx: bool = False
    official: bool = False


def figure_cell(figure: Figure) -> Cell:
    doc = figure.document
    when = doc.published_on or doc.created_at.date()
    return Cell(
        value=figure.value,
        unit=figure.unit,
        period_label=figure.period_label,
        source=f"{doc.name}（{when:%Y-%m-%d}）",
        url=reverse("peers:document", args=[figure.document_id]) + f"#at-{figure.char_start}",
        sentence=figure.sentence,
        approx=figure.approx,
    )


@dataclass
class Row:
    measure: str
    unit: str
    cells: dict[str, Cell] = field(default_factory=dict)
    line: list[Cell | None] = field(default_factory=list)  # cells in the columns' order


def columns_available(user) -> list[Column]:
    """Every zone a user may compare: zones in scope (with figures of their own) and their
    peer zones."""
    ids = access.zone_ids_in_scope(user)
    zones = Zone.objects.filter(id__in=ids).order_by("id")
    peers = peers_for(user).select_related("observer").order_by("observer_id", "name")
    return [Column(f"z{z.id}", z.label) for z in zones] + [
        Column(f"p{p.id}", p.name) for p in peers
    ]


def measures_available(user, year: int | None = None) -> list[str]:
    qs = figures_for(user)
    if year:
        qs = qs.filter(year=year)
    return sorted(set(qs.values_list("measure", flat=True)))


def years_available(user) -> list[int]:
    return sorted(set(figures_for(user).values_list("year", flat=True)), reverse=True)


def comparison(user, *, keys: list[str], measures: list[str], year: int) -> list[Row]:
    """Chosen zones × chosen measures for a year: in each cell the latest actual value (the
    whole year's figure, else the latest month's), with its document and sentence; for a zone
    of the system without a saved figure, its published indicator (`official_cells`)."""
    allowed = {c.key: c for c in columns_available(user)}
    keys = [k for k in keys if k in allowed]
    zone_ids = [int(k[1:]) for k in keys if k.startswith("z")]
    peer_ids = [int(k[1:]) for k in keys if k.startswith("p")]
    qs = (
        figures_for(user)
        .filter(year=year, measure__in=measures, kind=Figure.Kind.VALUE)
        .filter(Q(peer_id__in=peer_ids) | Q(peer__isnull=True, observer_id__in=zone_ids))
        .select_related("document")
        .order_by("id")
    )
    rows = {m: Row(m, "") for m in measures}
    best: dict[tuple[str, str], tuple[int, int, Figure]] = {}
    for figure in qs:
        key = f"p{figure.peer_id}" if figure.peer_id else f"z{figure.observer_id}"
        rank = (figure.month or 13, figure.id)
        seen = best.get((figure.measure, key))
        if seen is None or rank > seen[:2]:
            best[(figure.measure, key)] = (*rank, figure)
    for (measure, key), (_, _, figure) in best.items():
        row = rows[measure]
        row.cells[key] = figure_cell(figure)
        row.unit = row.unit or figure.unit
    # A zone of the system without a saved figure: its own published indicator, if one matches.
    for (measure, zone_id), cell in official_cells(zone_ids, measures, year).items():
        row = rows[measure]
        if f"z{zone_id}" not in row.cells and (not row.unit or row.unit == cell.unit):
            row.cells[f"z{zone_id}"] = cell
            row.unit = row.unit or cell.unit
    for row in rows.values():
        row.line = [row.cells.get(k) for k in keys]
    return [rows[m] for m in measures]


# --- the zone's own published indicators (统计数据) -----------------------------------------------

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_GROWTH = ("同比增长", "同比增速", "增长率", "增速", "增幅", "增长")


def _name_key(text: str) -> str:
    """固定资产投资（不含农户） and 固定资产投资 are the same measure to a reader."""
    return _BRACKETS.sub("", text).replace(" ", "").replace("　", "")


def _indicator_for(measure: str, indicators: dict[str, object]) -> tuple[object, bool] | None:
    """The catalogue indicator a measure names, and whether its growth (同比) is meant: the
    measure is the indicator's name (its level, or its growth when only a rate is published),
    or the name followed by 增速/同比增长/增长率 (its growth)."""
    key = _name_key(measure)
    indicator = indicators.get(key)
    if indicator is not None:
        return indicator, not indicator.has_level
    for suffix in _GROWTH:
        stem = key.removesuffix(suffix)
        if stem != key and stem in indicators:
            indicator = indicators[stem]
            return (indicator, True) if indicator.has_growth else None
    return None


def official_cells(zone_ids: list[int], measures: list[str], year: int) -> dict[tuple, Cell]:
    """(measure, zone id) → the zone's latest published figure of the year for the indicator the
    measure names (level in 万元 when the indicator is money, as saved figures are; growth in %).
    Two queries whatever the number of zones and measures."""
    from zonedesk.indicators.models import Indicator, IndicatorValue

    if not zone_ids or not measures:
        return {}
    catalogue = Indicator.objects.filter(Q(zone__isnull=True) | Q(zone_id__in=zone_ids))
    by_zone: dict[int | None, dict[str, Indicator]] = {}
    for indicator in catalogue.order_by("sort_order", "id"):
        by_zone.setdefault(indicator.zone_id, {}).setdefault(_name_key(indicator.name), indicator)
    wanted: dict[tuple[int, int], list[tuple[str, bool]]] = {}
    for zone_id in zone_ids:
        names = {**by_zone.get(None, {}), **by_zone.get(zone_id, {})}
        for measure in measures:
            found = _indicator_for(measure, names)
            if found is not None:
                wanted.setdefault((zone_id, found[0].pk), []).append((measure, found[1]))
    if not wanted:
        return {}
    values = (
        IndicatorValue.objects.filter(
            zone_id__in=zone_ids, indicator_id__in={i for _, i in wanted}, year=year
        )
        .select_related("indicator")
        .order_by("month")
    )
    cells: dict[tuple, Cell] = {}
    for value in values:  # later months overwrite earlier ones
        for measure, growth in wanted.get((value.zone_id, value.indicator_id), ()):
            cell = _official_cell(value, growth)
            if cell is not None:
                cells[measure, value.zone_id] = cell
    return cells


def _official_cell(value, growth: bool) -> Cell | None:
    indicator = value.indicator
    if growth:
        number, unit = value.growth, "%"
    else:
        number, unit = value.value, indicator.unit
        if number is not None and unit in MONEY_UNITS and unit != "万元":
            number, unit = number.scaleb(MONEY_UNITS[unit] - 4), "万元"
    if number is None:
        return None
    query = urlencode({"zone": value.zone_id, "year": value.year})
    return Cell(
        value=number,
        unit=unit,
        period_label=value.period_label,
        source=f"统计数据·{indicator.name}（{value.source or '指标库'}）",
        url=reverse("indicators:detail", args=[indicator.pk]) + f"?{query}",
        official=True,
    )
