"""Pages of 问题整改台账: campaigns with their counts, the items of a campaign, an item with its
life (履历), the steps from 待整改 to 已销号, statistics, and the 台账 as .xlsx."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zonedesk import access
from zonedesk.forms import add_service_errors
from zonedesk.lib.uploads import attachment
from zonedesk.zones.models import Department

from . import selectors, services
from .evidence import ALLOWED, MAX_BYTES, clean_evidence
from .export import STATS_TABLES, campaigns_xlsx, ledger_xlsx, stats_xlsx
from .forms import CampaignForm, CheckForm, EvidenceForm, ItemForm, NoteForm, StatsForm
from .models import Status


def _zone(request, *, write: bool = False):
    access.require_business_role(request.user, request)
    zones = list(access.indicator_zones_for(request.user))
    if not zones:
        raise access.deny(request.user, what="没有可查看的开发区", request=request)
    wanted = request.GET.get("zone", "")
    if wanted.isdigit():
        zone = access.get_indicator_zone_for_user(request.user, int(wanted), request=request)
    else:
        zone = next((z for z in zones if z.pk == request.user.zone_id), zones[0])
    if write and not access.can_edit_ledgers(request.user, zone.pk):
        raise access.deny(request.user, what="无权登记整改台账", request=request)
    return zone, zones


def _zone_items(request, zone):
    return access.ledger_items_for(request.user).filter(
        zone_id__in=[zone.pk, *zone.parks.values_list("pk", flat=True)]
    )


def _query(request) -> str:
    """The page's GET parameters without the export's own, for the 导出Excel links."""
    query = request.GET.copy()
    for name in ("format", "table"):
        query.pop(name, None)
    return query.urlencode()


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@require_GET
def campaigns(request):
    """专项行动 with 排查/整改/销号 counts."""
    zone, zones = _zone(request)
    items = _zone_items(request, zone)
    rows = selectors.campaigns_with_counts(
        access.campaigns_for(request.user).filter(zone=zone), items
    )
    total = selectors.counts_total(items)
    if request.GET.get("format") == "xlsx":
        return campaigns_xlsx(request, zone, rows, total)
    context = {
        "zone": zone, "zones": zones, "campaigns": rows, "total": total,
        "can_edit": access.can_edit_ledgers(request.user, zone.pk),
        "query": _query(request),
    }  # fmt: skip
    return render(request, "ledgers/campaigns.html", context)


@require_http_methods(["GET", "POST"])
def campaign_new(request):
    zone, zones = _zone(request, write=True)
    form = CampaignForm(request.POST or None, zone=zone, initial={"start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_save(
                zone=zone, by=request.user, data=form.cleaned_data, request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已建立专项行动“{campaign.name}”。")
            return redirect("ledgers:campaign", pk=campaign.pk)
    return render(
        request,
        "ledgers/campaign_form.html",
        {"form": form, "zone": zone},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk: int):
    campaign = access.get_campaign_for_user(request.user, pk, write=True, request=request)
    form = CampaignForm(request.POST or None, instance=campaign, zone=campaign.zone)
    version = campaign.version
    if request.method == "POST":
        version = _version(request)
        if form.is_valid():
            try:
                services.campaign_save(zone=campaign.zone, by=request.user, data=form.cleaned_data,
                                       campaign=campaign, expected_version=version, request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已保存。")
                return redirect("ledgers:campaign", pk=pk)
    context = {"form": form, "zone": campaign.zone, "campaign": campaign, "version": version}
    return render(
        request, "ledgers/campaign_form.html", context, status=400 if form.errors else 200
    )


@require_GET
def campaign_detail(request, pk: int):
    """A campaign's items, filtered; counts per responsible department."""
    campaign = access.get_campaign_for_user(request.user, pk, request=request)
    items = access.ledger_items_for(request.user).filter(campaign=campaign)
    shown = selectors.item_list(items)
    status = request.GET.get("status", "")
    if status in Status.values:
        shown = shown.filter(status=status)
    dept = request.GET.get("department", "")
    if dept.isdigit():
        shown = shown.filter(responsible_department_id=int(dept))
    if request.GET.get("overdue"):
        shown = selectors.overdue_items(shown)
    by_dept = selectors.counts_by(items, "responsible_department_id")
    departments = Department.objects.in_bulk(list(by_dept))
    context = {
        "campaign": campaign, "zone": campaign.zone, "items": shown,
        "total": selectors.counts_total(items),
        "by_department": [(departments[k], c) for k, c in by_dept.items() if k in departments],
        "statuses": Status.choices, "status": status, "department": dept,
        "overdue": bool(request.GET.get("overdue")), "today": timezone.localdate(),
        "can_edit": access.can_edit_ledgers(request.user, campaign.zone_id),
    }  # fmt: skip
    return render(request, "ledgers/campaign.html", context)


@require_GET
def campaign_export(request, pk: int):
    """The campaign's 台账 in its usual layout, as .xlsx (audited)."""
    campaign = access.get_campaign_for_user(request.user, pk, request=request)
    items = selectors.item_list(access.ledger_items_for(request.user).filter(campaign=campaign))
    return ledger_xlsx(request, campaign, items)


@require_http_methods(["GET", "POST"])
def item_new(request, pk: int):
    campaign = access.get_campaign_for_user(request.user, pk, write=True, request=request)
    form = ItemForm(request.POST or None, zone=campaign.zone,
                    initial={"found_on": timezone.localdate(), "source": campaign.source})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                campaign=campaign, by=request.user, data=form.cleaned_data, request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记整改事项{item.number}。")
            return redirect("ledgers:item", pk=item.pk)
    context = {"form": form, "campaign": campaign, "zone": campaign.zone}
    return render(request, "ledgers/item_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    item = access.get_ledger_item_for_user(request.user, pk, action="edit", request=request)
    form = ItemForm(request.POST or None, instance=item, zone=item.zone)
    version = item.version
    if request.method == "POST":
        version = _version(request)
        if form.is_valid():
            try:
                services.item_update(item=item, by=request.user, data=form.cleaned_data,
                                     expected_version=version, request=request)  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已保存。")
                return redirect("ledgers:item", pk=pk)
    context = {
        "form": form,
        "campaign": item.campaign,
        "zone": item.zone,
        "item": item,
        "version": version,
    }
    return render(request, "ledgers/item_form.html", context, status=400 if form.errors else 200)


@require_GET
def item_detail(request, pk: int):
    item = access.get_ledger_item_for_user(request.user, pk, request=request)
    user = request.user
    can_rectify = access.can_rectify_item(user, item) and item.status in (
        Status.PENDING,
        Status.IN_PROGRESS,
    )
    refusal = access.check_refusal(user, item)
    context = {
        "item": item, "zone": item.zone, "campaign": item.campaign,
        "events": item.events.select_related("actor"), "evidence": item.evidence.all(),
        "can_edit": access.can_edit_ledgers(user, item.zone_id) and item.status != Status.CLOSED,
        "can_rectify": can_rectify,
        "can_upload": access.can_rectify_item(user, item) and item.status != Status.CLOSED,
        "can_check": not refusal and item.status in (Status.APPLIED, Status.CHECKING, Status.PUBLICITY),
        "can_close": not refusal and item.status == Status.PUBLICITY,
        "can_reopen": not refusal and item.status == Status.CLOSED,
        "check_refusal": refusal if item.status in (Status.APPLIED, Status.CHECKING) else "",
        "check_form": CheckForm(initial={"version": item.version}),
        "note_form": NoteForm(initial={"version": item.version}),
        "evidence_form": EvidenceForm(), "max_mb": MAX_BYTES // 1048576, "allowed": ALLOWED,
    }  # fmt: skip
    return render(request, "ledgers/item.html", context)


ACTIONS = {
    "start": ("rectify", "已开始整改。"),
    "progress": ("rectify", "已更新整改进展。"),
    "apply": ("rectify", "已申请销号，等待其他单位核查。"),
    "check-start": ("check", "已开始核查。"),
    "check": ("check", None),
    "close": ("check", "已销号。"),
    "reopen": ("check", "已重新挂账。"),
}


@require_POST
def item_action(request, pk: int, action: str):
    """One step of the item's life; who may take it is decided in access (a refused check by
    the fixing unit is audited and answered with 403)."""
    if action not in ACTIONS:
        raise Http404("未知的操作。")
    need, done = ACTIONS[action]
    item = access.get_ledger_item_for_user(request.user, pk, action=need, request=request)
    form = (CheckForm if action == "check" else NoteForm)(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("ledgers:item", pk=pk)
    note = form.cleaned_data.get("note") or ""
    kw = {
        "item": item,
        "by": request.user,
        "expected_version": form.cleaned_data.get("version"),
        "request": request,
    }
    try:
        match action:
            case "start":
                services.item_start(note=note, **kw)
            case "progress":
                services.item_progress(progress=note, **kw)
            case "apply":
                services.item_apply(note=note, **kw)
            case "check-start":
                services.item_check_start(**kw)
            case "check":
                passed = form.cleaned_data["passed"]
                item = services.item_check(passed=passed, note=note, **kw)
                done = (
                    "核查未通过，事项继续挂账。" if not passed
                    else ("核查通过，进入公示。" if item.status == Status.PUBLICITY else "核查通过，已销号。")
                )  # fmt: skip
            case "close":
                services.item_close(note=note, **kw)
            case "reopen":
                services.item_reopen(reason=note, **kw)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("ledgers:item", pk=pk)


@require_POST
def item_evidence(request, pk: int):
    item = access.get_ledger_item_for_user(request.user, pk, action="rectify", request=request)
    form = EvidenceForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        files = [clean_evidence(f) for f in form.cleaned_data["files"]]
        services.evidence_add(item=item, by=request.user, files=files, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已上传{len(files)}个佐证材料。")
    return redirect("ledgers:item", pk=pk)


@require_GET
def evidence_file(request, pk: int):
    evidence = access.get_evidence_for_user(request.user, pk, request=request)
    return attachment(evidence)


@require_GET
def stats(request):
    """统计: counts per campaign and department for a period; repeat-problem rates; overdue."""
    zone, zones = _zone(request)
    periods = selectors.period_choices()
    form = StatsForm(request.GET or None, periods=periods)
    key = request.GET.get("period", "")
    chosen = next((p for p in periods if p[0] == key), None)
    start, end = (chosen[2], chosen[3]) if chosen else (None, None)
    items = _zone_items(request, zone)
    camps = {c.pk: c for c in access.campaigns_for(request.user).filter(zone=zone)}
    by_campaign = selectors.counts_by(items, "campaign_id", start=start, end=end)
    by_dept = selectors.counts_by(items, "responsible_department_id", start=start, end=end)
    departments = Department.objects.in_bulk(list(by_dept))
    table = ""
    if request.GET.get("format") == "xlsx":
        table = request.GET.get("table") or "campaigns"
    if table and table not in STATS_TABLES:
        raise Http404("没有这张统计表。")
    overdue = selectors.item_list(selectors.overdue_items(items))
    context = {
        "zone": zone, "zones": zones, "form": form, "period_label": chosen[1] if chosen else "全部",
        "by_campaign": [(camps[k], c) for k, c in by_campaign.items() if k in camps],
        "by_department": [(departments[k], c) for k, c in by_dept.items() if k in departments],
        "total": selectors.counts_total(items, start=start, end=end),
        "repeats": selectors.repeat_rates(items),
        # The page lists the first 200 overdue items; the export has them all.
        "overdue": overdue if table else overdue[:200],
        "today": timezone.localdate(), "query": _query(request),
    }  # fmt: skip
    if table:
        return stats_xlsx(request, zone, table, context, context["period_label"], context["today"])
    return render(request, "ledgers/stats.html", context)
