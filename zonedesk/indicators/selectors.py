"""Reads for the scorecard (指标完成情况), trend charts, the project-vs-official investment
comparison and the cross-zone view. Every page reads a fixed number of queries, whatever the
number of indicators or zones (tests assert it)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from zonedesk.zones.models import Zone

from .models import Assessor, Indicator, IndicatorValue, ScorecardSettings, Target

HUNDRED = Decimal(100)
TWO = Decimal("0.01")
COLOUR_ORDER = {"red": 0, "amber": 1, "green": 2, "grey": 3}


def q2(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TWO, rounding=ROUND_HALF_UP)


def schedule_percent(month: int) -> Decimal:
    """序时进度: m ÷ 12 × 100% at the end of month m."""
    return q2(Decimal(month) * HUNDRED / Decimal(12))


def catalogue_for(zone: Zone) -> QuerySet[Indicator]:
    """The shipped indicators and the zone's own, in catalogue order."""
    return Indicator.objects.filter(Q(zone__isnull=True) | Q(zone=zone)).order_by(
        "sort_order", "id"
    )


def catalogue_page(zone: Zone) -> QuerySet[Indicator]:
    """指标目录's table (and its export): the catalogue with each line's parent."""
    return catalogue_for(zone).select_related("parent")


def targets_of(zone: Zone, year: int) -> dict[tuple[int, str], Target]:
    """年度目标's grid (and its export): the zone's targets of `year` by (indicator, assessor)."""
    return {(t.indicator_id, t.assessor): t for t in Target.objects.filter(zone=zone, year=year)}


def indicator_targets(zone: Zone, indicator: Indicator, year: int) -> QuerySet[Target]:
    """An indicator page's 年度目标 card (and its export), city before province."""
    return Target.objects.filter(zone=zone, indicator=indicator, year=year).order_by("assessor")


def thresholds(zone: Zone) -> tuple[Decimal, Decimal]:
    row = ScorecardSettings.objects.filter(zone=zone).first()
    if row is None:
        return Decimal("5"), Decimal("2")
    return row.amber_points, row.growth_amber_points


@dataclass
class Line:
    """One indicator on the scorecard at month m."""

    indicator: Indicator
    month: int
    value: IndicatorValue | None = None
    previous: IndicatorValue | None = None  # the same year's previous published month
    targets: dict[str, Target] = field(default_factory=dict)
    completion: Decimal | None = None  # 目标完成率 %
    schedule: Decimal | None = None  # 序时进度 %
    gap_points: Decimal | None = None  # 完成率 − 序时进度, 百分点
    growth_gap: Decimal | None = None  # 实际增速 − 目标增速, 百分点
    colour: str = "grey"
    reasons: list[str] = field(default_factory=list)

    @property
    def target(self) -> Target | None:
        return self.targets.get(Assessor.CITY) or self.targets.get(Assessor.PROVINCE)

    @property
    def single_month(self) -> Decimal | None:
        """单月值 for a nominal cumulative level series only (DOMAIN.md §5.3)."""
        ind = self.indicator
        if not ind.single_month_allowed or self.value is None or self.value.value is None:
            return None
        if self.value.month == 1:
            return self.value.value
        if self.previous is None or self.previous.value is None:
            return None
        if self.previous.month != self.value.month - 1:
            return None  # 1-2月 is published together: no separate single month
        return self.value.value - self.previous.value

    @property
    def colour_label(self) -> str:
        return {"red": "红", "amber": "黄", "green": "绿", "grey": "—"}[self.colour]


def _worst(a: str, b: str) -> str:
    if a == "grey":
        return b
    if b == "grey":
        return a
    return a if COLOUR_ORDER[a] < COLOUR_ORDER[b] else b


def assess(line: Line, amber: Decimal, growth_amber: Decimal) -> None:
    """Fill the line's completion, gaps, colour and reason (红黄绿 with the reason in words)."""
    ind, v, t = line.indicator, line.value, line.target
    if v is None:
        line.reasons.append("年度指标，年末报数" if ind.frequency == "annual" else "本年尚未报数")
        return
    if t is None:
        line.reasons.append("未设年度目标")
        return
    line.schedule = schedule_percent(v.month)
    colour = "grey"
    if t.target_value is not None and v.value is not None and t.target_value > 0:
        line.completion = q2(v.value * HUNDRED / t.target_value)
        if ind.kind == Indicator.Kind.POINT:
            if line.completion >= HUNDRED:
                colour = "green"
                line.reasons.append(f"已达年度目标（{line.completion}%）")
            elif line.completion >= line.schedule:
                colour = "amber"
                line.reasons.append(f"完成目标{line.completion}%，未达年度目标")
            else:
                colour = "red"
                line.reasons.append(f"完成目标{line.completion}%，低于序时进度{line.schedule}%")
        else:
            line.gap_points = q2(line.completion - line.schedule)
            if line.gap_points >= 0:
                colour = "green"
                line.reasons.append(
                    f"完成年度目标{line.completion}%，超序时进度{line.gap_points}个百分点"
                )
            elif line.gap_points >= -amber:
                colour = "amber"
                line.reasons.append(
                    f"完成年度目标{line.completion}%，落后序时进度{-line.gap_points}个百分点"
                )
            else:
                colour = "red"
                line.reasons.append(
                    f"完成年度目标{line.completion}%，落后序时进度{-line.gap_points}个百分点"
                    f"（超过{amber}个百分点）"
                )
    if t.target_growth is not None and v.growth is not None:
        line.growth_gap = q2(v.growth - t.target_growth)
        if line.growth_gap >= 0:
            c = "green"
            line.reasons.append(
                f"增速{v.growth}%，高于目标{t.target_growth}%共{line.growth_gap}个百分点"
            )
        elif line.growth_gap >= -growth_amber:
            c = "amber"
            line.reasons.append(
                f"增速{v.growth}%，低于目标{t.target_growth}%共{-line.growth_gap}个百分点"
            )
        else:
            c = "red"
            line.reasons.append(
                f"增速{v.growth}%，低于目标{t.target_growth}%共{-line.growth_gap}个百分点"
                f"（超过{growth_amber}个百分点）"
            )
        colour = _worst(colour, c)
    if colour == "grey" and not line.reasons:
        line.reasons.append(
            "已报数据与目标口径不同（目标为增速时需报增速，目标为总量时需报累计值）"
        )
    line.colour = colour


def latest_month(zone_ids, year: int) -> int | None:
    row = (
        IndicatorValue.objects.filter(zone_id__in=zone_ids, year=year)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    return row


def default_period(zone_ids, today: dt.date | None = None) -> tuple[int, int]:
    """The latest published month of this year, else of last year, else last month."""
    today = today or timezone.localdate()
    for year in (today.year, today.year - 1):
        month = latest_month(zone_ids, year)
        if month:
            return year, month
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.year, last.month


def scorecard(zone: Zone, year: int, month: int) -> list[Line]:
    """Every catalogue indicator for the zone at month m: latest figure of the year up to m,
    targets and assessment. Four queries."""
    indicators = list(catalogue_for(zone).select_related("parent"))
    values: dict[int, list[IndicatorValue]] = defaultdict(list)
    for v in IndicatorValue.objects.filter(zone=zone, year=year, month__lte=month).order_by(
        "month"
    ):
        values[v.indicator_id].append(v)
    targets: dict[int, dict[str, Target]] = defaultdict(dict)
    for t in Target.objects.filter(zone=zone, year=year):
        targets[t.indicator_id][t.assessor] = t
    amber, growth_amber = thresholds(zone)
    lines = []
    for ind in indicators:
        series = values.get(ind.pk, [])
        line = Line(ind, month, targets=targets.get(ind.pk, {}))
        if series:
            line.value = series[-1]
            line.previous = series[-2] if len(series) > 1 else None
        assess(line, amber, growth_amber)
        lines.append(line)
    return lines


def colour_counts(lines: list[Line]) -> dict[str, int]:
    counts = {"red": 0, "amber": 0, "green": 0, "grey": 0}
    for line in lines:
        counts[line.colour] += 1
    return counts


def trend(zone: Zone, indicator: Indicator, year: int) -> dict:
    """Three years of the indicator's monthly figures, for the chart: {year: [value per month]}."""
    years = [year - 2, year - 1, year]
    data = {y: {"value": [None] * 12, "growth": [None] * 12, "single": [None] * 12} for y in years}
    rows = IndicatorValue.objects.filter(zone=zone, indicator=indicator, year__in=years).order_by(
        "year", "month"
    )
    prev: dict[int, IndicatorValue] = {}
    for v in rows:
        d = data[v.year]
        d["value"][v.month - 1] = None if v.value is None else float(v.value)
        d["growth"][v.month - 1] = None if v.growth is None else float(v.growth)
        if indicator.single_month_allowed and v.value is not None:
            p = prev.get(v.year)
            if v.month == 1:
                d["single"][0] = float(v.value)
            elif p is not None and p.month == v.month - 1 and p.value is not None:
                d["single"][v.month - 1] = float(v.value - p.value)
        prev[v.year] = v
    return {"years": years, "series": {str(y): data[y] for y in years}}


def history(zone: Zone, indicator: Indicator, year: int) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.filter(zone=zone, indicator=indicator, year__in=[year - 1, year])
        .select_related("entered_by", "indicator")
        .order_by("-year", "-month")
    )


# --- key projects against the official 固定资产投资 ------------------------------------------------


@dataclass
class FaiMonth:
    month: int
    official: IndicatorValue | None  # 固定资产投资 as published (亿元)
    projects_all: Decimal  # 重点项目本年累计完成投资, 万元
    projects_counted: Decimal  # of which 已纳统 (入库) and 总投资 ≥ 500万元
    projects_reporting: int

    @property
    def official_wan(self) -> Decimal | None:
        if self.official is None or self.official.value is None:
            return None
        unit = self.official.indicator.unit
        return self.official.value * (Decimal(10000) if unit == "亿元" else Decimal(1))

    @property
    def gap(self) -> Decimal | None:
        """官方固定资产投资 − 纳统重点项目: investment outside the key-project register."""
        return None if self.official_wan is None else self.official_wan - self.projects_counted

    @property
    def counted_share(self) -> Decimal | None:
        if not self.official_wan:
            return None
        return q2(self.projects_counted * HUNDRED / self.official_wan)


STATISTICS_THRESHOLD = Decimal("500")  # 万元, DOMAIN.md §1.1; the register keeps its own flag


def fai_comparison(zone: Zone, year: int) -> list[FaiMonth]:
    """For every month of the year with a published FAI figure or project reports: the official
    figure beside what the key-project register's approved reports add up to (本年累计完成投资,
    the latest approved report of each project up to that month). Three queries."""
    from zonedesk.dispatch.models import ProgressReport

    fai = {
        v.month: v
        for v in IndicatorValue.objects.filter(
            zone=zone, year=year, indicator__code="FAI", indicator__zone__isnull=True
        ).select_related("indicator")
    }
    reports = (
        ProgressReport.objects.filter(
            project__zone_id__in=Zone.objects.filter(Q(pk=zone.pk) | Q(parent=zone)).values("pk"),
            status=ProgressReport.Status.APPROVED,
            period__end__year=year,
            invested_year__isnull=False,
        )
        .values_list(
            "project_id",
            "period__end",
            "invested_year",
            "project__in_statistics",
            "project__total_investment",
        )
        .order_by("period__end")
    )
    latest: dict[int, tuple[Decimal, bool]] = {}
    by_month: dict[int, dict[int, tuple[Decimal, bool]]] = {}
    for project_id, end, invested, in_stats, total in reports:
        counted = bool(in_stats) and total >= STATISTICS_THRESHOLD
        latest[project_id] = (invested, counted)
        by_month[end.month] = dict(latest)
    months = sorted(set(fai) | set(by_month))
    out = []
    snapshot: dict[int, tuple[Decimal, bool]] = {}
    for m in range(1, 13):
        if m in by_month:
            snapshot = by_month[m]
        if m not in months:
            continue
        out.append(
            FaiMonth(
                month=m,
                official=fai.get(m),
                projects_all=sum((v for v, _ in snapshot.values()), Decimal(0)),
                projects_counted=sum((v for v, c in snapshot.values() if c), Decimal(0)),
                projects_reporting=len(snapshot),
            )
        )
    return out


# --- the view across zones (跨区对比) -------------------------------------------------------------


@dataclass
class Cell:
    """One zone's figure for one measure, with the link to the zone's own page."""

    value: Decimal | None = None  # the figure ranked on
    text: str = "—"
    detail: str = ""
    colour: str = "grey"
    url: str = ""
    rank: int | None = None
    figures: dict = field(default_factory=dict)  # the numbers behind a composite text (funnel)


@dataclass
class Measure:
    key: str
    label: str
    unit: str = ""
    note: str = ""


@dataclass
class Overview:
    year: int
    month: int
    zones: list[Zone]
    measures: list[Measure]
    cells: dict[str, dict[int, Cell]]  # measure key → zone id → cell
    notes: list[str] = field(default_factory=list)

    def rows(self, sort: str = "") -> list[tuple[Zone, list[Cell]]]:
        """One row per zone; ranked on the measure `sort` when it is one of the measures."""
        rows = [(z, [self.cells[m.key][z.pk] for m in self.measures]) for z in self.zones]
        keys = [m.key for m in self.measures]
        if sort in keys:
            i = keys.index(sort)
            rows.sort(key=lambda r: (r[1][i].rank is None, r[1][i].rank or 0))
        return rows

    def ranking(self, key: str) -> list[tuple[Zone, Cell]]:
        cells = self.cells[key]
        ranked = [(z, cells[z.pk]) for z in self.zones]
        return sorted(ranked, key=lambda zc: (zc[1].rank is None, zc[1].rank or 0, zc[0].pk))


def headline_indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(zone__isnull=True, headline=True).order_by("sort_order"))


def _rank(cells: dict[int, Cell]) -> None:
    """Competition ranking (1, 2, 2, 4), highest figure first; zones without a figure unranked."""
    present = sorted((c.value for c in cells.values() if c.value is not None), reverse=True)
    for cell in cells.values():
        if cell.value is not None:
            cell.rank = present.index(cell.value) + 1


def funnel_provider():
    """The investment-attraction funnel by zone (`investment.selectors.funnel_by_zone`) when that
    module is installed; None otherwise, and the column is left out."""
    from django.apps import apps

    if not apps.is_installed("zonedesk.investment"):
        return None
    from zonedesk.investment.selectors import funnel_by_zone

    return funnel_by_zone


def project_progress_by_zone(zone_ids: list[int], year: int, month: int) -> dict[int, dict]:
    """Key projects per zone: Σ年度计划投资 and Σ本年累计完成投资 up to the month's end. Two grouped
    queries, whatever the number of zones. 本年累计 is cumulative and never falls within a year
    (DOMAIN.md rule 6), so a project's figure is the largest of its approved reports so far."""
    from django.db.models import Count, Max, Sum

    from zonedesk.dispatch.models import ProgressReport
    from zonedesk.projects.models import Project

    month_end = (
        dt.date(year, 12, 31) if month == 12 else dt.date(year, month + 1, 1) - dt.timedelta(1)
    )
    projects = Project.objects.filter(zone_id__in=zone_ids, archived_at__isnull=True).exclude(
        annual_plan_investment=0
    )
    out: dict[int, dict] = {
        z: {"plan": Decimal(0), "done": Decimal(0), "count": 0} for z in zone_ids
    }
    for row in (
        projects.order_by()
        .values("zone_id")
        .annotate(plan=Sum("annual_plan_investment"), n=Count("id"))
    ):
        out[row["zone_id"]]["plan"] = row["plan"] or Decimal(0)
        out[row["zone_id"]]["count"] = row["n"]
    latest = (
        ProgressReport.objects.filter(
            project__in=projects,
            status=ProgressReport.Status.APPROVED,
            period__end__gte=dt.date(year, 1, 1),
            period__end__lte=month_end,
            invested_year__isnull=False,
        )
        .order_by()
        .values_list("project__zone_id", "project_id")
        .annotate(done=Max("invested_year"))
    )
    for zone_id, _project_id, done in latest:
        out[zone_id]["done"] += done or 0
    return out


def overview(zones: list[Zone], year: int, month: int) -> Overview:
    """Every zone side by side: headline indicators against targets, key-project completion
    against 序时进度, the attraction funnel (when available) and ledger closure rate. A fixed
    number of queries for any number of zones."""
    from django.apps import apps
    from django.urls import reverse

    ids = [z.pk for z in zones]
    heads = headline_indicators()
    latest: dict[tuple[int, int], tuple] = {}
    for row in (
        IndicatorValue.objects.filter(
            zone_id__in=ids, year=year, month__lte=month, indicator__in=heads
        )
        .order_by("month")
        .values_list("zone_id", "indicator_id", "month", "value", "growth")
    ):
        latest[(row[0], row[1])] = row  # the latest month wins; tuples, not models, at this scale
    values = {
        key: IndicatorValue(zone_id=z, indicator_id=i, year=year, month=m, value=v, growth=g)
        for key, (z, i, m, v, g) in latest.items()
    }
    targets: dict[tuple[int, int], dict[str, Target]] = defaultdict(dict)
    for t in Target.objects.filter(zone_id__in=ids, year=year, indicator__in=heads):
        targets[(t.zone_id, t.indicator_id)][t.assessor] = t
    settings = {s.zone_id: s for s in ScorecardSettings.objects.filter(zone_id__in=ids)}
    measures: list[Measure] = []
    cells: dict[str, dict[int, Cell]] = {}
    scorecard_url = reverse("indicators:scorecard")
    for ind in heads:
        key = f"ind:{ind.code}"
        # The column is one figure for every zone, so it can be ranked: the growth (同比) when
        # the indicator publishes one, else the completion of the zone's target.
        measures.append(Measure(key, ind.name, "%", "同比增速" if ind.has_growth else "目标完成率"))
        cells[key] = {}
        for z in zones:
            s = settings.get(z.pk)
            amber = s.amber_points if s else Decimal("5")
            growth_amber = s.growth_amber_points if s else Decimal("2")
            line = Line(ind, month, targets=targets.get((z.pk, ind.pk), {}))
            line.value = values.get((z.pk, ind.pk))
            assess(line, amber, growth_amber)
            cell = Cell(colour=line.colour, detail="；".join(line.reasons))
            cell.url = f"{scorecard_url}?zone={z.pk}&year={year}&month={month}#ind-{ind.pk}"
            v = line.value
            if v is not None:
                if ind.has_growth and v.growth is not None:
                    cell.value = v.growth
                    cell.text = f"{v.growth}%"
                elif not ind.has_growth and line.completion is not None:
                    cell.value = line.completion
                    cell.text = f"{line.completion}%"
                elif v.value is not None:
                    # Not the column's figure (no growth published this month, or no target):
                    # shown in words and left out of the ranking.
                    cell.text = (
                        f"完成目标{line.completion}%"
                        if line.completion is not None
                        else f"{v.value:f}{ind.unit}"
                    )
            cells[key][z.pk] = cell
    # Key projects: completion of the annual plan against 序时进度.
    schedule = schedule_percent(month)
    progress = project_progress_by_zone(ids, year, month)
    measures.append(Measure("projects", "重点项目投资完成率", "%", f"序时进度{schedule}%"))
    cells["projects"] = {}
    projects_url = reverse("projects:list")
    for z in zones:
        d = progress[z.pk]
        cell = Cell(url=f"{projects_url}?zone={z.pk}")
        if d["plan"]:
            rate = q2(d["done"] * HUNDRED / d["plan"])
            gap = q2(rate - schedule)
            cell.value, cell.text = rate, f"{rate}%"
            cell.detail = (
                f"{d['count']}个项目，年度计划{d['plan']:,.0f}万元，本年完成{d['done']:,.0f}万元；"
                + (f"超序时进度{gap}个百分点" if gap >= 0 else f"落后序时进度{-gap}个百分点")
            )
            cell.colour = "green" if gap >= 0 else ("amber" if gap >= -5 else "red")
        else:
            cell.detail = "没有列入年度计划的重点项目"
        cells["projects"][z.pk] = cell
    notes = []
    funnel = funnel_provider()
    if funnel is not None:
        data = funnel(ids, year)
        measures.append(Measure("funnel", "招商签约项目", "个", "签约/开工/投产"))
        cells["funnel"] = {}
        funnel_url = reverse("investment:funnel")
        for z in zones:
            f = data.get(z.pk) or {}
            cell = Cell(url=f"{funnel_url}?zone={z.pk}&year={year}")
            if f:
                cell.value = Decimal(f.get("signed", 0))
                cell.figures = {
                    k: f.get(k, 0) for k in ("signed", "started", "producing", "signed_amount")
                }
                cell.text = f"{f.get('signed', 0)}/{f.get('started', 0)}/{f.get('producing', 0)}"
                cell.detail = (
                    f"签约{f.get('signed', 0)}个、{f.get('signed_amount', 0) / 10000:,.2f}亿元，"
                    f"其中开工{f.get('started', 0)}个、投产{f.get('producing', 0)}个"
                )
            cells["funnel"][z.pk] = cell
    else:
        notes.append("招商引资漏斗列暂未接入（招商模块未安装或未提供汇总接口）。")
    if apps.is_installed("zonedesk.ledgers"):
        from zonedesk.ledgers.selectors import closure_by_zone

        closure = closure_by_zone(ids)
        measures.append(Measure("ledger", "问题整改销号率", "%", "已销号÷问题总数"))
        cells["ledger"] = {}
        ledgers_url = reverse("ledgers:campaigns")
        for z in zones:
            d = closure.get(z.pk) or {"total": 0, "closed": 0, "overdue": 0}
            cell = Cell(url=f"{ledgers_url}?zone={z.pk}")
            if d["total"]:
                rate = q2(Decimal(d["closed"]) * HUNDRED / Decimal(d["total"]))
                cell.value, cell.text = rate, f"{rate}%"
                cell.detail = f"问题{d['total']}个，已销号{d['closed']}个，逾期{d['overdue']}个"
                cell.colour = "red" if d["overdue"] else ("green" if rate >= 80 else "amber")
            else:
                cell.detail = "暂无整改台账"
            cells["ledger"][z.pk] = cell
    for key in cells:
        _rank(cells[key])
    return Overview(year, month, zones, measures, cells, notes)


def rank_history(zones: list[Zone], zone: Zone, year: int) -> list[dict]:
    """A zone's rank among the zones in scope, month by month, on each headline indicator's
    published growth rate. One query for the year's values of every zone."""
    heads = [i for i in headline_indicators() if i.has_growth]
    ids = [z.pk for z in zones]
    by: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)  # (ind, month) → zone → g
    for zone_id, ind_id, month, growth in IndicatorValue.objects.filter(
        zone_id__in=ids, year=year, indicator__in=heads, growth__isnull=False
    ).values_list("zone_id", "indicator_id", "month", "growth"):
        by[(ind_id, month)][zone_id] = growth
    out = []
    for ind in heads:
        ranks: list[int | None] = []
        for month in range(1, 13):
            figures = by.get((ind.pk, month), {})
            mine = figures.get(zone.pk)
            if mine is None:
                ranks.append(None)
                continue
            ranks.append(sorted(figures.values(), reverse=True).index(mine) + 1)
        out.append({"indicator": ind, "ranks": ranks, "of": len(ids)})
    return out
