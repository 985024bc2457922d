"""Reads of 对标情报: documents, figures and peer zones in a user's scope, the text with its
facts marked, and the comparison table (对标表)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from zonedesk import access
from zonedesk.lib.facts import Fact
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
    figure: Figure

    @property
    def source(self) -> str:
        doc = self.figure.document
        when = doc.published_on or doc.created_at.date()
        return f"{doc.name}（{when:%Y-%m-%d}）"


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
    whole year's figure, else the latest month's), with its document and sentence."""
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
        row.cells[key] = Cell(figure)
        row.unit = row.unit or figure.unit
    for row in rows.values():
        row.line = [row.cells.get(k) for k in keys]
    return [rows[m] for m in measures]
