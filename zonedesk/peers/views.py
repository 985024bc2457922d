"""Pages of 对标情报: read a document, save its facts, peer zones, the comparison table and
the suggested changes a project's owner accepts or rejects."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk import access
from zonedesk.forms import add_service_errors

from . import exports, selectors, services
from .forms import CompareForm, FactForm, PeerForm, ReadForm
from .models import SuggestedChange


def _own_zone(request):
    """The zone documents are read for: the user's own. Viewers only read."""
    zone = request.user.zone
    if zone is None or not access.can_write_peers(request.user, zone):
        return None
    return zone


@require_http_methods(["GET", "POST"])
def index(request):
    access.require_peers(request.user, request)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        return exports.documents_xlsx(request)
    zone = _own_zone(request)
    form = ReadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if zone is None:
            raise access.deny(request.user, what="无权读取文档（只读用户）", request=request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = services.document_read(
                    zone=zone,
                    by=request.user,
                    name=data["name"],
                    text=data["text"],
                    origin=data["origin"],
                    published_on=data.get("published_on"),
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("peers:document", pk=document.pk)
    documents = selectors.documents_for(request.user).select_related("created_by")[:20]
    context = {"form": form, "can_write": zone is not None, "documents": documents}
    return render(request, "peers/index.html", context, status=400 if form.errors else 200)


def _fact_form_choices(request, document):
    peers = selectors.peers_for(request.user).filter(observer=document.zone)
    zones = [(f"z{document.zone_id}", f"{document.zone.label}（本区）")] + [
        (f"p{p.id}", p.name) for p in peers
    ]
    projects = access.projects_for(request.user).filter(
        zone=document.zone, archived_at__isnull=True
    )
    leads = access.leads_for(request.user).filter(zone=document.zone, project__isnull=True)
    return (
        zones,
        [(f"p{p.id}", f"{p.code} {p.name}") for p in projects.order_by("code")],
        [(f"l{lead.id}", f"{lead.code} {lead.name}") for lead in leads.order_by("code")],
    )


YEAR = re.compile(r"(20\d\d)年")


def _year_of(fact, document) -> int:
    """The year a figure most likely belongs to: the one its sentence names, else the first
    one in the document's opening lines, else the document's date."""
    for text in (fact.sentence, document.text[:200]):
        match = YEAR.search(text)
        if match:
            return int(match.group(1))
    return (document.published_on or document.created_at).year


def _zone_of(fact, zone_choices) -> str:
    """Preselect the peer zone the fact's subject names (the report is usually about it)."""
    subject = fact.subject or ""
    for key, label in zone_choices[1:]:
        if subject and (label in subject or subject in label):
            return key
    return zone_choices[0][0]


def _fact_rows(document, facts, zone_choices, project_choices, lead_choices, bound=None):
    rows = []
    for i, fact in enumerate(facts):
        if bound is not None and bound.data.get("char_start") == str(fact.char_start):
            form = bound
        else:
            form = FactForm(
                zone_choices=zone_choices,
                project_choices=project_choices,
                lead_choices=lead_choices,
                initial={
                    "char_start": fact.char_start,
                    "action": "value",
                    "zone": _zone_of(fact, zone_choices),
                    "measure": fact.metric or "",
                    "year": _year_of(fact, document),
                },
                auto_id=f"f{fact.char_start}_%s",
            )
        rows.append({"index": i, "fact": fact, "form": form})
    return rows


@require_http_methods(["GET", "POST"])
def document_detail(request, pk: int):
    document = selectors.get_document_for_user(request.user, pk, request=request)
    facts = services.facts_of(document)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        return exports.facts_xlsx(request, document, facts)
    zone_choices, project_choices, lead_choices = _fact_form_choices(request, document)
    can_write = access.can_write_peers(request.user, document.zone)
    bound = None
    if request.method == "POST":
        if not can_write:
            raise access.deny(
                request.user, what="无权保存对标情报", target=document, request=request
            )
        bound = FactForm(
            request.POST,
            zone_choices=zone_choices,
            project_choices=project_choices,
            lead_choices=lead_choices,
            auto_id=f"f{request.POST.get('char_start', '')}_%s",
        )
        if bound.is_valid():
            saved = _save_fact(request, document, bound)
            if saved is not None:
                messages.success(request, saved)
                return redirect("peers:document", pk=document.pk)
    figures = selectors.document_figures(document)
    context = {
        "document": document,
        "facts": facts,
        "segments": selectors.segments(document.text, facts),
        "rows": _fact_rows(document, facts, zone_choices, project_choices, lead_choices, bound),
        "can_write": can_write,
        "figures": figures,
        "suggestions": document.suggestions.select_related("project", "lead"),
    }
    status = 400 if bound is not None and bound.errors else 200
    return render(request, "peers/document.html", context, status=status)


def _save_fact(request, document, form) -> str | None:
    data = form.cleaned_data
    try:
        if data["action"] == "suggest":
            key = data["project"]
            target = {"project": None, "lead": None}
            if key.startswith("l"):
                target["lead"] = access.get_lead_for_user(
                    request.user, int(key[1:]), request=request
                )
            else:
                target["project"] = access.get_project_for_user(
                    request.user, int(key[1:]), request=request
                )
            suggestion = services.suggestion_create(
                document=document,
                char_start=data["char_start"],
                by=request.user,
                field=data["field"],
                request=request,
                **target,
            )
            name = suggestion.target.name
            return f"已向“{name}”提出修改建议，待负责人处理。（{suggestion.fact_text}）"
        key = data["zone"]
        peer = None
        if key.startswith("p"):
            peer = selectors.peers_for(request.user).filter(pk=int(key[1:])).first()
            if peer is None:
                raise ValidationError({"zone": "对标区域不存在。"})
        figure = services.figure_save(
            document=document,
            char_start=data["char_start"],
            by=request.user,
            measure=data["measure"],
            year=data["year"],
            month=data.get("month"),
            peer=peer,
            kind=form.kind,
            request=request,
        )
        return f"已保存：{figure.zone_label} {figure.measure} {figure.period_label}（{figure.fact_text}）"
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


@require_POST
def figure_withdraw(request, pk: int):
    figure = selectors.figures_for(request.user).filter(pk=pk).first()
    if figure is None:
        raise Http404("对标数据不存在。")
    services.figure_withdraw(figure=figure, by=request.user, request=request)
    messages.success(request, f"已撤回：{figure}")
    return redirect("peers:document", pk=figure.document_id)


@require_http_methods(["GET", "POST"])
def peer_list(request):
    access.require_peers(request.user, request)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        return exports.peers_xlsx(request, selectors.peer_list(request.user))
    zone = _own_zone(request)
    form = PeerForm(request.POST or None)
    if request.method == "POST":
        if zone is None:
            raise access.deny(request.user, what="无权新增对标区域", request=request)
        if form.is_valid():
            try:
                peer = services.peer_create(
                    observer=zone, by=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已新增对标区域“{peer.name}”。")
                return redirect("peers:peers")
    peers = selectors.peer_list(request.user)
    context = {"form": form, "peers": peers, "can_write": zone is not None}
    return render(request, "peers/peers.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET"])
def compare(request):
    access.require_peers(request.user, request)
    columns = selectors.columns_available(request.user)
    years = selectors.years_available(request.user)
    form = CompareForm(
        request.GET or None,
        zone_choices=[(c.key, c.label) for c in columns],
        measure_choices=selectors.measures_available(request.user),
        year_choices=years,
    )
    rows, chosen = [], []
    if form.is_valid() and form.cleaned_data["zones"] and form.cleaned_data["measures"]:
        keys = form.cleaned_data["zones"]
        by_key = {c.key: c for c in columns}
        chosen = [by_key[k] for k in keys if k in by_key]
        year = form.cleaned_data["year"] or (years[0] if years else None)
        rows = selectors.comparison(
            request.user, keys=keys, measures=form.cleaned_data["measures"], year=year
        )
        if request.GET.get("format") == "xlsx":
            return exports.compare_xlsx(request, chosen, rows, year)
    context = {"form": form, "columns": chosen, "rows": rows, "chart": _chart(chosen, rows)}
    return render(request, "peers/compare.html", context)


def _chart(columns, rows) -> dict:
    """Data for one grouped bar chart per measure (each measure has its own unit)."""
    return {
        "measures": [
            {
                "name": f"{row.measure}（{row.unit}）" if row.unit else row.measure,
                "zones": [c.label for c in columns],
                "values": [float(cell.value) if cell else None for cell in row.line],
            }
            for row in rows
        ]
    }


@require_http_methods(["GET"])
def suggestion_list(request):
    access.require_business_role(request.user, request)
    status = request.GET.get("status") or SuggestedChange.Status.PENDING
    qs = selectors.suggestions_for(request.user)
    if status in SuggestedChange.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("format") == "xlsx":
        return exports.suggestions_xlsx(request, qs, status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    editable = {s.pk for s in page.object_list if services.can_decide(request.user, s)}
    context = {
        "page": page,
        "status": status,
        "statuses": SuggestedChange.Status.choices,
        "editable": editable,
    }
    return render(request, "peers/suggestions.html", context)


@require_POST
def suggestion_decide(request, pk: int):
    suggestion = selectors.suggestions_for(request.user).filter(pk=pk).first()
    if suggestion is None:
        raise Http404("修改建议不存在。")
    try:
        if request.POST.get("decision") == "accept":
            services.suggestion_accept(suggestion=suggestion, by=request.user, request=request)
            messages.success(
                request,
                f"已采纳：“{suggestion.target.name}”的{suggestion.get_field_display()}已改为 "
                f"{suggestion.proposed.normalize():f}。",
            )
        else:
            services.suggestion_reject(
                suggestion=suggestion,
                by=request.user,
                note=request.POST.get("note", ""),
                request=request,
            )
            messages.success(request, f"已不采纳对“{suggestion.target.name}”的修改建议。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("peers:suggestions")
