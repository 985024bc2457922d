"""Pages of 经济运行指标: the scorecard, an indicator's trend, month entry, targets, the
catalogue, project figures against the official 固定资产投资, and the view across zones."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zonedesk import access
from zonedesk.forms import add_service_errors
from zonedesk.intake.export import ExportColumn, export_xlsx

from . import exports, selectors, services
from .forms import IndicatorForm, MonthEntryForm, TargetsForm, ThresholdsForm
from .models import Assessor, IndicatorValue


def _zones(request) -> list:
    access.require_business_role(request.user, request)
    zones = list(access.indicator_zones_for(request.user))
    if not zones:
        raise access.deny(request.user, what="没有可查看的开发区", request=request)
    return zones


def _zone(request, *, write: bool = False):
    """The zone a page is about: ?zone= (checked through access), else the user's first."""
    zones = _zones(request)
    wanted = request.GET.get("zone") or request.POST.get("zone") or ""
    if wanted.isdigit():
        zone = access.get_indicator_zone_for_user(
            request.user, int(wanted), write=write, request=request
        )
    else:
        own = next((z for z in zones if z.pk == request.user.zone_id), None)
        zone = own or zones[0]
        if write:
            access.get_indicator_zone_for_user(request.user, zone.pk, write=True, request=request)
    return zone, zones


def _int(request, name: str, default: int, lo: int, hi: int) -> int:
    value = request.GET.get(name, "")
    if value.isdigit() and lo <= int(value) <= hi:
        return int(value)
    return default


def _period(request, zone_ids) -> tuple[int, int]:
    year, month = selectors.default_period(zone_ids)
    return _int(request, "year", year, 2000, 2100), _int(request, "month", month, 1, 12)


SCORECARD_COLUMNS = [
    ExportColumn("指标", width=24),
    ExportColumn("单位"),
    ExportColumn("统计期"),
    ExportColumn("本年累计", "decimal"),
    ExportColumn("单月", "decimal"),
    ExportColumn("同比增长（%）", "decimal"),
    ExportColumn("市考核目标", "decimal"),
    ExportColumn("省考核目标", "decimal"),
    ExportColumn("目标增速（%）", "decimal"),
    ExportColumn("完成率（%）", "decimal"),
    ExportColumn("较序时（百分点）", "decimal"),
    ExportColumn("较目标增速（百分点）", "decimal"),
    ExportColumn("评价"),
    ExportColumn("原因", width=40),
    ExportColumn("数据来源"),
]


def _scorecard_xlsx(request, zone, year, month, lines):
    """The scorecard as on screen: one row per indicator, figures as published."""
    span = f"1-{month}月" if month > 1 else "1月"
    rows = []
    for line in lines:
        v, city, province = line.value, line.targets.get("city"), line.targets.get("province")
        target = line.target
        rows.append(
            [
                ("其中：" if line.indicator.parent_id else "") + line.indicator.name,
                line.indicator.unit,
                v.period_label if v else "",
                v.value if v else None,
                line.single_month,
                v.growth if v else None,
                city.target_value if city else None,
                province.target_value if province else None,
                target.target_growth if target else None,
                line.completion,
                line.gap_points,
                line.growth_gap,
                line.colour_label,
                "；".join(line.reasons),
                v.source if v else "",
            ]
        )
    return export_xlsx(
        request,
        columns=SCORECARD_COLUMNS,
        rows=rows,
        title=f"{zone.label}{year}年{span}经济指标完成情况",
        filters_text=f"开发区：{zone.label}；统计期：{year}年{span}",
        count=len(rows),
    )


@require_GET
def scorecard(request):
    """指标完成情况: every indicator of the zone at month m, red/amber/green with the reason."""
    zone, zones = _zone(request)
    year, month = _period(request, [zone.pk])
    lines = selectors.scorecard(zone, year, month)
    if request.GET.get("format") == "xlsx":
        return _scorecard_xlsx(request, zone, year, month, lines)
    context = {
        "zone": zone,
        "zones": zones,
        "year": year,
        "month": month,
        "months": range(1, 13),
        "schedule": selectors.schedule_percent(month),
        "lines": lines,
        "counts": selectors.colour_counts(lines),
        "can_edit": access.can_edit_indicators(request.user, zone.pk),
    }
    return render(request, "indicators/scorecard.html", context)


@require_GET
def indicator_detail(request, pk: int):
    """One indicator: three years' trend, figures as published, targets, and for 固定资产投资 the
    key-project register's own figure beside it."""
    zone, zones = _zone(request)
    indicator = access.get_indicator_for_user(request.user, pk, zone=zone, request=request)
    year = _int(request, "year", selectors.default_period([zone.pk])[0], 2000, 2100)
    if request.GET.get("format") == "xlsx":
        # One file per table of the page: 公布数据 (the default) or 年度目标.
        if request.GET.get("table") == "targets":
            targets = selectors.indicator_targets(zone, indicator, year)
            return exports.indicator_targets_xlsx(request, zone, indicator, year, targets)
        history = selectors.history(zone, indicator, year)
        return exports.indicator_values_xlsx(request, zone, indicator, year, history)
    context = {
        "zone": zone,
        "zones": zones,
        "year": year,
        "indicator": indicator,
        "trend": selectors.trend(zone, indicator, year),
        "history": selectors.history(zone, indicator, year),
        "targets": selectors.indicator_targets(zone, indicator, year),
        "fai": selectors.fai_comparison(zone, year)
        if indicator.code == "FAI" and indicator.zone_id is None
        else None,
        "can_edit": access.can_edit_indicators(request.user, zone.pk),
    }
    return render(request, "indicators/detail.html", context)


@require_GET
def fai(request):
    """重点项目 against the official 固定资产投资, month by month."""
    zone, zones = _zone(request)
    year = _int(request, "year", selectors.default_period([zone.pk])[0], 2000, 2100)
    context = {
        "zone": zone,
        "zones": zones,
        "year": year,
        "rows": selectors.fai_comparison(zone, year),
    }
    if request.GET.get("format") == "xlsx":
        return exports.fai_xlsx(request, zone, year, context["rows"])
    return render(request, "indicators/fai.html", context)


@require_http_methods(["GET", "POST"])
def entry(request):
    """按月填报: a month's published figures, by form (Excel goes through 导入)."""
    zone, zones = _zone(request, write=True)
    source = request.POST if request.method == "POST" else request.GET
    year, month = selectors.default_period([zone.pk])
    year = int(source.get("year")) if str(source.get("year", "")).isdigit() else year
    month = int(source.get("month")) if str(source.get("month", "")).isdigit() else month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        year, month = selectors.default_period([zone.pk])
    indicators = [i for i in selectors.catalogue_for(zone) if month in i.months()]
    current = {
        v.indicator_id: v for v in IndicatorValue.objects.filter(zone=zone, year=year, month=month)
    }
    form = MonthEntryForm(
        request.POST if request.method == "POST" else None, indicators=indicators, current=current
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entries = []
        for ind in indicators:
            value = data.get(f"v{ind.pk}")
            growth = data.get(f"g{ind.pk}")
            old = current.get(ind.pk)
            if value is None and growth is None:
                continue
            entries.append(
                services.ValueEntry(
                    indicator=ind, value=value, growth=growth,
                    source=data["source"] or (old.source if old else ""),
                    published_on=data["published_on"] or (old.published_on if old else None),
                    note=data.get(f"n{ind.pk}") or "", version=data.get(f"ver{ind.pk}"),
                )
            )  # fmt: skip
        try:
            if not entries:
                raise ValidationError("没有填写任何指标值，未保存。")
            saved = services.values_save(
                zone=zone, year=year, month=month, entries=entries, by=request.user, request=request
            )
        except ValidationError as exc:
            by_code = {i.code: i for i in indicators}
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for key, msgs in errors.items():
                code, _, field = key.partition(".")
                ind = by_code.get(code)
                name = None
                if ind is not None:
                    name = {"value": f"v{ind.pk}", "growth": f"g{ind.pk}"}.get(field)
                for m in msgs:
                    form.add_error(name if name in form.fields else None, m)
        else:
            messages.success(request, f"已保存{year}年{month}月数据{len(saved)}项。")
            return redirect(
                f"{reverse('indicators:scorecard')}?zone={zone.pk}&year={year}&month={month}"
            )
    context = {
        "zone": zone, "zones": zones, "year": year, "month": month, "months": range(1, 13),
        "form": form, "skipped": [i for i in selectors.catalogue_for(zone) if month not in i.months()],
    }  # fmt: skip
    return render(request, "indicators/entry.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def targets(request):
    """年度目标: per indicator, the city's and the province's target and weight."""
    zone, zones = _zone(request, write=request.method == "POST")
    source = request.POST if request.method == "POST" else request.GET
    year = (
        int(source["year"]) if str(source.get("year", "")).isdigit() else timezone.localdate().year
    )
    indicators = list(selectors.catalogue_for(zone))
    current = selectors.targets_of(zone, year)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        return exports.targets_xlsx(request, zone, year, indicators, current)
    form = TargetsForm(
        request.POST if request.method == "POST" else None, indicators=indicators, current=current
    )
    can_edit = access.can_edit_indicators(request.user, zone.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _save_targets(request, zone, year, indicators, current, data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存{year}年度目标。")
            return redirect(f"{reverse('indicators:targets')}?zone={zone.pk}&year={year}")
    amber, growth_amber = selectors.thresholds(zone)
    thresholds = ThresholdsForm(
        initial={"amber_points": amber, "growth_amber_points": growth_amber}
    )
    context = {"zone": zone, "zones": zones, "year": year, "form": form, "can_edit": can_edit,
               "thresholds": thresholds}  # fmt: skip
    return render(request, "indicators/targets.html", context, status=400 if form.errors else 200)


@require_http_methods(["POST"])
def thresholds(request):
    """预警阈值: the zone's amber bands, in 百分点."""
    zone, _zones = _zone(request, write=True)
    form = ThresholdsForm(request.POST)
    if form.is_valid():
        try:
            services.scorecard_settings_save(
                zone=zone, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已保存预警阈值。")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(f"{reverse('indicators:targets')}?zone={zone.pk}")


def _save_targets(request, zone, year, indicators, current, data) -> None:
    from django.db import transaction

    with transaction.atomic():
        for ind in indicators:
            for assessor in Assessor.values:
                p = f"{assessor}{ind.pk}"
                value, growth = data.get(f"{p}_value"), data.get(f"{p}_growth")
                weight = data.get(f"{p}_weight")
                existing = current.get((ind.pk, assessor))
                if value is None and growth is None:
                    if existing is not None:
                        services.target_delete(target=existing, by=request.user, request=request)
                    continue
                services.target_save(
                    zone=zone, indicator=ind, year=year, assessor=assessor, by=request.user,
                    target_value=value, target_growth=growth, weight=weight,
                    note=existing.note if existing else "",
                    expected_version=data.get(f"{p}_ver"), request=request,
                )  # fmt: skip


@require_http_methods(["GET", "POST"])
def catalogue(request):
    """指标目录: shipped indicators and the zone's own; a zone adds its own here."""
    zone, zones = _zone(request, write=request.method == "POST")
    indicators = selectors.catalogue_page(zone)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        return exports.catalogue_xlsx(request, zone, indicators)
    form = IndicatorForm(request.POST or None, zone=zone)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            services.indicator_save(zone=zone, by=request.user, data=data, request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已新增指标“{data['name']}”。")
            return redirect(f"{reverse('indicators:catalogue')}?zone={zone.pk}")
    context = {
        "zone": zone, "zones": zones, "indicators": indicators,
        "form": form, "can_edit": access.can_edit_indicators(request.user, zone.pk),
    }  # fmt: skip
    return render(request, "indicators/catalogue.html", context, status=400 if form.errors else 200)


# --- across zones -----------------------------------------------------------------------------------


@require_GET
def overview(request):
    """跨区对比: every zone in scope side by side, with a ranking per measure."""
    zones = _zones(request)
    year, month = _period(request, [z.pk for z in zones])
    data = selectors.overview(zones, year, month)
    if not access.can_read_investment(request.user):
        # The funnel's figures are public to the zone; its lead lists are not (project units).
        for cell in data.cells.get("funnel", {}).values():
            cell.url = ""
    sort = request.GET.get("sort", "")
    rows = data.rows(sort)
    if request.GET.get("format") == "xlsx":
        return exports.overview_xlsx(request, data, rows, sort=sort)
    # One ranking table at a time (the sorted measure, else the first): at province scale seven
    # tables of a hundred rows each would be most of the page's time.
    ranked = next(
        (m for m in data.measures if m.key == sort), data.measures[0] if data.measures else None
    )
    context = {
        "data": data, "rows": rows, "year": year, "month": month, "months": range(1, 13),
        "sort": sort, "schedule": selectors.schedule_percent(month), "zones": zones,
        "ranked": ranked, "ranking": data.ranking(ranked.key) if ranked else [],
    }  # fmt: skip
    return render(request, "indicators/overview.html", context)


@require_GET
def compare(request):
    """两区对比: any two zones' scorecards side by side."""
    zones = _zones(request)
    ids = [z.pk for z in zones]

    def pick(name, default):
        value = request.GET.get(name, "")
        if value.isdigit():
            return access.get_indicator_zone_for_user(request.user, int(value), request=request)
        return default

    a = pick("a", zones[0])
    b = pick("b", zones[1] if len(zones) > 1 else zones[0])
    year, month = _period(request, ids)
    left, right = selectors.scorecard(a, year, month), selectors.scorecard(b, year, month)
    if request.GET.get("format") == "xlsx":
        return exports.compare_xlsx(request, a, b, year, month, _pairs(left, right))
    context = {
        "zones": zones, "a": a, "b": b, "year": year, "month": month, "months": range(1, 13),
        "pairs": _pairs(left, right), "schedule": selectors.schedule_percent(month),
    }  # fmt: skip
    return render(request, "indicators/compare.html", context)


def _pairs(left, right):
    """Lines of two zones side by side, by indicator; a zone's own indicator faces a blank."""
    by_id = {line.indicator.pk: line for line in right}
    pairs = [(line, by_id.pop(line.indicator.pk, None)) for line in left]
    return pairs + [(None, line) for line in by_id.values()]


@require_GET
def rank(request):
    """排名变化: a zone's rank among the zones in scope, month by month."""
    zone, zones = _zone(request)
    year = _int(request, "year", selectors.default_period([z.pk for z in zones])[0], 2000, 2100)
    history = selectors.rank_history(zones, zone, year)
    if request.GET.get("format") == "xlsx":
        return exports.rank_xlsx(request, zone, zones, year, history)
    context = {
        "zone": zone, "zones": zones, "year": year, "history": history, "months": range(1, 13),
    }  # fmt: skip
    return render(request, "indicators/rank.html", context)
