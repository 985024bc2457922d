"""Reads of 招商引资: lead lists, the funnel (签约/履约/开工/投产/资金到位, DOMAIN.md Part B §2), the
chain map with node indicators, and the commitment warnings the dispatch loop shows. Query counts
do not grow with the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from zonedesk import access

from .models import (
    LEAD_STAGE_ORDER,
    Chain,
    ChainNode,
    DuplicateFlag,
    Event,
    FollowUp,
    FundingArrival,
    Lead,
    LeadStage,
    Link,
    NodeMembership,
    TargetEnterprise,
    Team,
    TeamTarget,
)
from .names import mask_name, mask_phone

# 履约: the project is actually proceeding — registered, under construction or producing — and
# not terminated (DOMAIN.md: "in pre-construction procedures, under construction, or in
# production"). 开工 counts producing projects too.
FULFILLED_STAGES = (LeadStage.REGISTERED, LeadStage.STARTED, LeadStage.PRODUCING)
STARTED_STAGES = (LeadStage.STARTED, LeadStage.PRODUCING)
PRODUCING_STAGES = (LeadStage.PRODUCING,)
METRICS = {
    "signed": ("签约", Q()),
    "fulfilled": ("履约", Q(stage__in=FULFILLED_STAGES)),
    "started": ("开工", Q(stage__in=STARTED_STAGES)),
    "producing": ("投产", Q(stage__in=PRODUCING_STAGES)),
}


# --- periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A year, or one quarter of it."""

    year: int
    quarter: int | None = None

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if not self.quarter else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        if not self.quarter:
            return dt.date(self.year, 12, 31)
        month = 3 * self.quarter
        next_month = dt.date(self.year + (month == 12), month % 12 + 1, 1)
        return next_month - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}年" + (f"第{self.quarter}季度" if self.quarter else "")


# --- lead lists -------------------------------------------------------------------------------


@dataclass
class LeadFilters:
    q: str = ""
    zone: int | None = None
    team: int | None = None
    chain: int | None = None
    node: int | None = None
    stage: str = ""
    source: str = ""
    owner: int | None = None
    event: int | None = None
    year: int | None = None
    quarter: int | None = None
    # A funnel number clicked through: signed / fulfilled / started / producing / funded.
    metric: str = ""
    flagged: bool = False


def lead_list(user, filters: LeadFilters) -> QuerySet[Lead]:
    qs = access.leads_for(user).select_related("zone", "team", "owner", "node__chain", "project")
    if filters.q:
        qs = qs.filter(
            Q(name__icontains=filters.q)
            | Q(investor_name__icontains=filters.q)
            | Q(code__icontains=filters.q)
        )
    if filters.zone:
        qs = qs.filter(zone_id=filters.zone)
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    if filters.chain:
        qs = qs.filter(node__chain_id=filters.chain)
    if filters.node:
        qs = qs.filter(node_id=filters.node)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.event:
        qs = qs.filter(event_id=filters.event)
    if filters.flagged:
        qs = qs.filter(
            Q(duplicate_flags__settled_at__isnull=True, duplicate_flags__isnull=False)
            | Q(duplicated_by__settled_at__isnull=True, duplicated_by__isnull=False)
        ).distinct()
    if filters.metric:
        # The leads behind a funnel number: signed in the period (each counted once), then the
        # metric's condition on where they are now.
        if filters.year:
            period = Period(filters.year, filters.quarter)
            qs = qs.filter(signed_date__gte=period.start, signed_date__lte=period.end)
        else:
            qs = qs.filter(signed_date__isnull=False)
        if filters.metric == "funded":
            qs = qs.filter(arrivals__isnull=False).distinct()
        elif filters.metric in METRICS:
            qs = qs.filter(METRICS[filters.metric][1])
    elif filters.year:
        period = Period(filters.year, filters.quarter)
        qs = qs.filter(opened_on__gte=period.start, opened_on__lte=period.end)
    return qs.order_by("-created_at", "-id")


@dataclass
class LeadRow:
    """A lead as a list or API shows it to one user: contacts masked outside its team."""

    lead: Lead
    contacts_visible: bool

    @property
    def contact_name(self) -> str:
        return (
            self.lead.contact_name if self.contacts_visible else mask_name(self.lead.contact_name)
        )

    @property
    def contact_phone(self) -> str:
        return (
            self.lead.contact_phone
            if self.contacts_visible
            else mask_phone(self.lead.contact_phone)
        )


def lead_rows(user, leads) -> list[LeadRow]:
    return [LeadRow(lead, access.can_see_lead_contacts(user, lead)) for lead in leads]


def lead_followups(lead: Lead) -> list[FollowUp]:
    """The 跟进记录 table of a lead's page (and its export), newest first."""
    return list(lead.followups.select_related("created_by"))


def lead_arrivals(lead: Lead) -> list[FundingArrival]:
    """The 到位资金 table of a lead's page (and its export), in date order."""
    return list(lead.arrivals.select_related("created_by"))


def open_flags_for(user) -> QuerySet[DuplicateFlag]:
    """Unsettled 撞单提醒 on leads the user owns (either side)."""
    return (
        DuplicateFlag.objects.filter(settled_at__isnull=True)
        .filter(Q(lead__owner=user) | Q(other__owner=user))
        .select_related("lead__owner", "other__owner")
    )


# --- the funnel (招商漏斗) ----------------------------------------------------------------------


def rate(part, whole) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class FunnelRow:
    """One line of the funnel table: a team, a chain, or the total."""

    key: str
    label: str
    params: dict[str, object] = field(default_factory=dict)  # the lead-list filters behind it
    signed: int = 0
    signed_amount: Decimal = Decimal(0)
    fulfilled: int = 0
    started: int = 0
    producing: int = 0
    funds: Decimal = Decimal(0)  # 累计到位资金 of the projects signed in the period
    target_count: int | None = None
    target_amount: Decimal | None = None
    target_funds: Decimal | None = None
    funds_in_period: Decimal = Decimal(0)  # 到位资金 dated in the period, whoever signed when

    @property
    def query(self) -> str:
        """The lead-list query string behind this row's numbers (add &metric=…)."""
        return urlencode({k: v for k, v in self.params.items() if v not in (None, "")})

    @property
    def fulfil_rate(self):
        return rate(self.fulfilled, self.signed)

    @property
    def start_rate(self):
        return rate(self.started, self.signed)

    @property
    def production_rate(self):
        return rate(self.producing, self.signed)

    @property
    def funds_rate(self):
        """资金到位率 = 累计实际到位资金 ÷ 合同项目投资总额."""
        return rate(self.funds, self.signed_amount)

    @property
    def count_progress(self):
        return rate(self.signed, self.target_count)

    @property
    def amount_progress(self):
        return rate(self.signed_amount, self.target_amount)

    @property
    def funds_progress(self):
        return rate(self.funds_in_period, self.target_funds)


@dataclass
class Funnel:
    period: Period
    stages: list[tuple[str, str, int]]  # (stage, label, leads that reached it)
    total: FunnelRow
    by_team: list[FunnelRow]
    by_chain: list[FunnelRow]
    by_zone: list[FunnelRow] = field(default_factory=list)
    # 到位资金 dated in the period by kind (境内省外, 省内, 外资): (label, amount).
    funds_by_kind: list[tuple[str, Decimal]] = field(default_factory=list)


def _aggregate(qs: QuerySet[Lead], key: str):
    return qs.values(key).annotate(
        signed=Count("id"),
        signed_amount=Sum("contract_amount"),
        fulfilled=Count("id", filter=Q(stage__in=FULFILLED_STAGES)),
        started=Count("id", filter=Q(stage__in=STARTED_STAGES)),
        producing=Count("id", filter=Q(stage__in=PRODUCING_STAGES)),
    )


def _fill(row: FunnelRow, agg: dict) -> None:
    row.signed += agg["signed"]
    row.signed_amount += agg["signed_amount"] or Decimal(0)
    row.fulfilled += agg["fulfilled"]
    row.started += agg["started"]
    row.producing += agg["producing"]


def funnel(
    user,
    *,
    period: Period,
    zone_ids: list[int] | None = None,
    team_id: int | None = None,
    chain_id: int | None = None,
) -> Funnel:
    """签约项目数/金额, 履约率, 开工率, 投产率 and 资金到位率 of the leads signed in the period
    (each signed project counted once, at its first signing), by team and by chain, against the
    teams' annual targets; and the funnel of leads opened in the period by the stage reached."""
    leads = access.leads_for(user)
    if zone_ids:
        leads = leads.filter(zone_id__in=zone_ids)
    if team_id:
        leads = leads.filter(team_id=team_id)
    if chain_id:
        leads = leads.filter(node__chain_id=chain_id)
    base = leads.order_by()
    signed = base.filter(signed_date__gte=period.start, signed_date__lte=period.end)

    params = {"year": period.year}
    if period.quarter:
        params["quarter"] = period.quarter
    if zone_ids and len(zone_ids) == 1:
        params["zone"] = zone_ids[0]
    if team_id:
        params["team"] = team_id
    if chain_id:
        params["chain"] = chain_id
    total = FunnelRow("total", "合计", dict(params))

    teams = {
        t.pk: t
        for t in access.teams_for(user).filter(
            zone_id__in=zone_ids or access.zone_ids_in_scope(user)
        )
    }
    by_team: dict[int | None, FunnelRow] = {}
    for agg in _aggregate(signed, "team_id"):
        tid = agg["team_id"]
        label = teams[tid].name if tid in teams else "（未指定小分队）"
        row = by_team.setdefault(tid, FunnelRow(f"team-{tid}", label, params | {"team": tid or ""}))
        _fill(row, agg)
        _fill(total, agg)
    by_chain: dict[int | None, FunnelRow] = {}
    chains = dict(access.chains_for(user).values_list("id", "name"))
    for agg in _aggregate(signed, "node__chain_id"):
        cid = agg["node__chain_id"]
        row = by_chain.setdefault(
            cid,
            FunnelRow(
                f"chain-{cid}", chains.get(cid, "（未挂图谱节点）"), params | {"chain": cid or ""}
            ),
        )
        _fill(row, agg)

    by_zone: dict[int, FunnelRow] = {}
    zone_names = dict(access.zones_for(user).values_list("id", "name"))
    for agg in _aggregate(signed, "zone_id"):
        zid = agg["zone_id"]
        row = by_zone.setdefault(
            zid, FunnelRow(f"zone-{zid}", zone_names.get(zid, ""), params | {"zone": zid})
        )
        _fill(row, agg)

    # 累计到位资金 of the cohort, by team, chain and zone, in one query each.
    arrivals = FundingArrival.objects.filter(lead__in=signed.values("id"))
    for agg in arrivals.values("lead__team_id").annotate(s=Sum("amount")):
        tid = agg["lead__team_id"]
        if tid in by_team:
            by_team[tid].funds += agg["s"] or 0
        total.funds += agg["s"] or 0
    for agg in arrivals.values("lead__node__chain_id").annotate(s=Sum("amount")):
        cid = agg["lead__node__chain_id"]
        if cid in by_chain:
            by_chain[cid].funds += agg["s"] or 0
    for agg in arrivals.values("lead__zone_id").annotate(s=Sum("amount")):
        if agg["lead__zone_id"] in by_zone:
            by_zone[agg["lead__zone_id"]].funds += agg["s"] or 0
    # 到位资金 dated in the period (what the annual 到位 target measures).
    in_period = FundingArrival.objects.filter(
        lead__in=base.values("id"), date__gte=period.start, date__lte=period.end
    )
    for agg in in_period.values("lead__team_id").annotate(s=Sum("amount")):
        tid = agg["lead__team_id"]
        by_team.setdefault(
            tid,
            FunnelRow(
                f"team-{tid}",
                teams[tid].name if tid in teams else "（未指定小分队）",
                params | {"team": tid or ""},
            ),
        )
        by_team[tid].funds_in_period += agg["s"] or 0
        total.funds_in_period += agg["s"] or 0

    kinds = dict(in_period.values_list("kind").annotate(s=Sum("amount")).values_list("kind", "s"))
    funds_by_kind = [
        (label, kinds.get(value) or Decimal(0)) for value, label in FundingArrival.Kind.choices
    ]

    # Annual targets (a quarter is measured against the year's target).
    target_teams = [tid for tid in teams if not team_id or tid == team_id]
    for target in TeamTarget.objects.filter(team_id__in=target_teams, year=period.year):
        row = by_team.setdefault(
            target.team_id,
            FunnelRow(
                f"team-{target.team_id}",
                teams[target.team_id].name,
                params | {"team": target.team_id},
            ),
        )
        row.target_count = target.signed_count
        row.target_amount = target.signed_amount
        row.target_funds = target.funds_amount
        zid = teams[target.team_id].zone_id
        zone_row = by_zone.setdefault(
            zid, FunnelRow(f"zone-{zid}", zone_names.get(zid, ""), params | {"zone": zid})
        )
        for summed in (total, zone_row):  # a zone's target is the sum of its teams'
            summed.target_count = (summed.target_count or 0) + target.signed_count
            summed.target_amount = (summed.target_amount or Decimal(0)) + target.signed_amount
            summed.target_funds = (summed.target_funds or Decimal(0)) + target.funds_amount

    # The funnel: leads opened in the period, by the furthest stage they reached.
    opened = base.filter(opened_on__gte=period.start, opened_on__lte=period.end)
    reached = defaultdict(int)
    for row in opened.values("stage", "terminated_from").annotate(n=Count("id")):
        stage = row["terminated_from"] if row["stage"] == LeadStage.TERMINATED else row["stage"]
        reached[stage] += row["n"]
    stages = []
    running = 0
    for stage in reversed(LEAD_STAGE_ORDER):
        running += reached.get(stage, 0)
        stages.append((stage.value, stage.label, running))
    stages.reverse()

    def order(rows: dict) -> list[FunnelRow]:
        return sorted(rows.values(), key=lambda r: (r.label.startswith("（"), -r.signed, r.label))

    return Funnel(
        period, stages, total, order(by_team), order(by_chain), order(by_zone), funds_by_kind
    )


# --- the chain map ---------------------------------------------------------------------------------


@dataclass
class NodeView:
    node: ChainNode
    children: list[NodeView] = field(default_factory=list)
    memberships: list[NodeMembership] = field(default_factory=list)
    targets: list[TargetEnterprise] = field(default_factory=list)
    leads: int = 0
    signed: int = 0
    producing: int = 0

    @property
    def enterprise_count(self) -> int:
        return len(self.memberships)

    @property
    def output(self) -> Decimal:
        return sum((m.output or Decimal(0) for m in self.memberships), Decimal(0))

    @property
    def tax(self) -> Decimal:
        return sum((m.tax or Decimal(0) for m in self.memberships), Decimal(0))

    @property
    def above_scale_count(self) -> int:
        return sum(1 for m in self.memberships if m.above_scale)

    @property
    def targets_to_leads(self) -> int:
        return sum(1 for t in self.targets if t.lead_id)

    @property
    def targets_signed(self) -> int:
        return sum(1 for t in self.targets if t.lead_id and t.lead.signed_date)

    @property
    def targets_producing(self) -> int:
        return sum(1 for t in self.targets if t.lead_id and t.lead.stage == LeadStage.PRODUCING)

    @property
    def coverage(self) -> str:
        """covered (has enterprises, not weak), weak (flagged or empty with targets), gap."""
        if self.node.is_weak:
            return "weak"
        if self.memberships:
            return "covered"
        return "gap"


@dataclass
class ChainMap:
    chain: Chain
    links: list[tuple[str, str, list[NodeView]]]  # (link, label, root nodes)
    nodes: list[NodeView]

    @property
    def weak_count(self) -> int:
        return sum(1 for n in self.nodes if n.node.is_weak)

    def tree_data(self) -> dict:
        """The chain as an ECharts tree: chain → links → nodes, coloured by coverage."""

        def item(view: NodeView) -> dict:
            return {
                "name": view.node.name,
                "value": view.enterprise_count,
                "coverage": view.coverage,
                "weak_reason": view.node.weak_reason,
                "targets": len(view.targets),
                "children": [item(c) for c in view.children],
            }

        return {
            "name": self.chain.name,
            "coverage": "root",
            "children": [
                {"name": label, "coverage": "link", "children": [item(v) for v in roots]}
                for _link, label, roots in self.links
            ],
        }


def chain_map(chain: Chain) -> ChainMap:
    """Nodes with their enterprises, targets and lead counts, in five queries whatever the size."""
    nodes = list(chain.nodes.select_related("parent"))
    views = {n.pk: NodeView(n) for n in nodes}
    for m in NodeMembership.objects.filter(node__chain=chain).select_related("organisation"):
        views[m.node_id].memberships.append(m)
    for t in TargetEnterprise.objects.filter(node__chain=chain).select_related("lead"):
        views[t.node_id].targets.append(t)
    for row in (
        Lead.objects.filter(node__chain=chain)
        .values("node_id")
        .annotate(
            n=Count("id"),
            signed=Count("id", filter=Q(signed_date__isnull=False)),
            producing=Count("id", filter=Q(stage=LeadStage.PRODUCING)),
        )
    ):
        view = views[row["node_id"]]
        view.leads, view.signed, view.producing = row["n"], row["signed"], row["producing"]
    roots: dict[str, list[NodeView]] = defaultdict(list)
    for n in nodes:
        if n.parent_id and n.parent_id in views:
            views[n.parent_id].children.append(views[n.pk])
        else:
            roots[n.link].append(views[n.pk])
    links = [(value, label, roots.get(value, [])) for value, label in Link.choices]
    return ChainMap(chain, links, [views[n.pk] for n in nodes])


def chain_summaries(user) -> list[Chain]:
    """The chain list: each chain with its node, weak-node, enterprise, target and lead counts,
    one grouped query per count (joining them all at once would multiply the rows)."""
    chains = list(
        access.chains_for(user).select_related("zone").order_by("zone_id", "sort_order", "id")
    )
    ids = [c.pk for c in chains]
    nodes = {
        row["chain_id"]: row
        for row in ChainNode.objects.filter(chain_id__in=ids)
        .values("chain_id")
        .annotate(n=Count("id"), weak=Count("id", filter=Q(is_weak=True)))
    }
    counts = {}
    for name, model in (
        ("enterprise", NodeMembership),
        ("target", TargetEnterprise),
        ("lead", Lead),
    ):
        counts[name] = dict(
            model.objects.filter(node__chain_id__in=ids)
            .values("node__chain_id")
            .annotate(n=Count("id"))
            .values_list("node__chain_id", "n")
        )
    for chain in chains:
        chain.node_count = nodes.get(chain.pk, {}).get("n", 0)
        chain.weak_count = nodes.get(chain.pk, {}).get("weak", 0)
        chain.enterprise_count = counts["enterprise"].get(chain.pk, 0)
        chain.target_count = counts["target"].get(chain.pk, 0)
        chain.lead_count = counts["lead"].get(chain.pk, 0)
    return chains


# --- commitment warnings (for the dispatch loop) ----------------------------------------------------


def _cn(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def unmet_commitments(lead: Lead, today: dt.date) -> list[str]:
    """One sentence per commitment of a signed lead that has passed unmet: registration (注册落地),
    start (开工) and production (投产). A linked project's actual dates count as met; a
    terminated lead raises nothing."""
    if lead.stage == LeadStage.TERMINATED or not lead.signed_date:
        return []
    project = lead.project if lead.project_id else None
    started = lead.started_date or (project.actual_start if project else None)
    producing = lead.producing_date or (project.actual_production if project else None)
    reasons = []
    if (
        lead.committed_registration
        and lead.committed_registration < today
        and not (lead.registered_date or started or producing)
    ):
        reasons.append(f"签约承诺{_cn(lead.committed_registration)}注册落地，至今未注册")
    if lead.committed_start and lead.committed_start < today and not (started or producing):
        reasons.append(f"签约承诺{_cn(lead.committed_start)}开工，至今未开工")
    if lead.committed_production and lead.committed_production < today and not producing:
        reasons.append(f"签约承诺{_cn(lead.committed_production)}投产，至今未投产")
    return reasons


def commitment_warnings(project_ids: list[int], today: dt.date) -> dict[int, list[str]]:
    """Project id → one Chinese sentence per unmet commitment of the project's signed lead, e.g.
    "签约承诺2026年3月1日开工，至今未开工". For the dispatch warning rules; one query whatever the
    number of ids."""
    leads = (
        Lead.objects.filter(project_id__in=list(project_ids), signed_date__isnull=False)
        .exclude(stage=LeadStage.TERMINATED)
        .select_related("project")
        .only(
            "project_id", "stage", "signed_date", "committed_registration", "committed_start",
            "committed_production", "registered_date", "started_date", "producing_date",
            "project__actual_start", "project__actual_production",
        )
    )  # fmt: skip
    warnings: dict[int, list[str]] = {}
    for lead in leads:
        reasons = unmet_commitments(lead, today)
        if reasons:
            warnings[lead.project_id] = reasons
    return warnings


def team_overview(user) -> list[Team]:
    return list(
        access.teams_for(user)
        .select_related("zone", "department", "leader")
        .prefetch_related(
            "members",
            Prefetch("targets", queryset=TeamTarget.objects.order_by("-year")),
            "events",
        )
        .annotate(lead_count=Count("leads", distinct=True))
        .order_by("zone_id", "id")
    )


def events_for(user) -> list[Event]:
    """招商活动 with the number of leads each produced."""
    if not access.can_read_investment(user):
        return []
    return list(
        Event.objects.filter(zone_id__in=access.zone_ids_in_scope(user))
        .select_related("team", "zone")
        .annotate(
            lead_count=Count("leads"),
            signed_count=Count("leads", filter=Q(leads__signed_date__isnull=False)),
        )
        .order_by("-start_date", "-id")[:100]
    )


def funnel_by_zone(zone_ids: list[int], year: int) -> dict[int, dict]:
    """The cross-zone view's funnel column: per zone, the leads signed in `year` (each counted
    once, at first signing) and how many of them started and produce, with the signed amount in
    万元. One grouped query whatever the number of zones; the caller has already applied scope."""
    signed = Lead.objects.filter(zone_id__in=list(zone_ids), signed_date__year=year).order_by()
    return {
        agg["zone_id"]: {
            "signed": agg["signed"],
            "started": agg["started"],
            "producing": agg["producing"],
            "signed_amount": agg["signed_amount"] or Decimal(0),
        }
        for agg in _aggregate(signed, "zone_id")
    }
