"""Excel exports (导出Excel) of the 招商引资 pages: the lead list (with the filters set by links
from the map, the events and the funnel, in words), a lead's 跟进记录 and 到位资金, the funnel,
the chain map (招商图谱) and a chain's target firms, the teams and the events. Each takes the rows
its page shows (the views check the permission first) and writes them with
`intake.export.export_xlsx`, which audits the export naming the filters."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from zonedesk import access
from zonedesk.intake.export import ExportColumn, export_xlsx, filters_text

from . import selectors
from .models import ChainNode, Event

LEAD_COLUMNS = [
    ExportColumn("编号"),
    ExportColumn("项目名称", width=30),
    ExportColumn("投资方", width=30),
    ExportColumn("投资方所在地"),
    ExportColumn("产业链节点"),
    ExportColumn("意向投资额（万元）", "money"),
    ExportColumn("合同投资额（万元）", "money"),
    ExportColumn("签约日期", "date"),
    ExportColumn("来源"),
    ExportColumn("小分队"),
    ExportColumn("负责人"),
    ExportColumn("联系人"),
    ExportColumn("联系电话"),
    ExportColumn("阶段"),
    ExportColumn("重点项目"),
]


def lead_filters_shown(user, form) -> dict[str, str]:
    """The hidden filters (set by links from the map, the events and the funnel) in words;
    names only from the zones the user may read."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    zones = access.zone_ids_in_scope(user)
    shown = {}
    if data.get("node"):
        node = (
            ChainNode.objects.filter(pk=data["node"], chain__zone_id__in=zones)
            .select_related("chain")
            .first()
        )
        shown["node"] = f"{node.chain.name} · {node.name}" if node else f"#{data['node']}"
    if data.get("event"):
        event = Event.objects.filter(pk=data["event"], zone_id__in=zones).first()
        shown["event"] = event.name if event else f"#{data['event']}"
    if data.get("quarter"):
        shown["quarter"] = f"第{data['quarter']}季度"
    if data.get("metric"):
        shown["metric"] = selectors.METRICS.get(data["metric"], ("到位资金",))[0]
    return shown


def lead_list_xlsx(request, qs, form) -> HttpResponse:
    """The lead list as on screen (its filters), contacts masked as the page masks them."""
    rows = [
        [
            r.lead.code,
            r.lead.name,
            r.lead.investor_name,
            r.lead.investor_origin,
            f"{r.lead.node.chain.name} · {r.lead.node.name}" if r.lead.node_id else "",
            r.lead.intended_investment,
            r.lead.contract_amount,
            r.lead.signed_date,
            r.lead.get_source_display(),
            r.lead.team.name if r.lead.team_id else "",
            r.lead.owner.name,
            r.contact_name,
            r.contact_phone,
            r.lead.get_stage_display(),
            r.lead.project.code if r.lead.project_id else "",
        ]
        for r in selectors.lead_rows(request.user, qs)
    ]
    return export_xlsx(
        request,
        columns=LEAD_COLUMNS,
        rows=rows,
        title="招商项目",
        filters_text=filters_text(form, lead_filters_shown(request.user, form)),
        count=len(rows),
    )


FOLLOWUP_COLUMNS = [
    ExportColumn("日期", "date"),
    ExportColumn("方式"),
    ExportColumn("地点"),
    ExportColumn("参与人员", width=30),
    ExportColumn("成果", width=50),
    ExportColumn("下一步", width=30),
    ExportColumn("记录人"),
]


ARRIVAL_COLUMNS = [
    ExportColumn("到位日期", "date"),
    ExportColumn("金额（万元）", "money"),
    ExportColumn("类别"),
    ExportColumn("凭证"),
    ExportColumn("说明", width=30),
    ExportColumn("登记人"),
]


def lead_table_xlsx(request, lead, table: str) -> HttpResponse:
    """One table of a lead's page per file (`table=followups|funding`), after the page's own
    access check. Neither table carries the lead's contacts; the evidence, a download link on
    the page only for who may see the contacts, is written as 有 for everyone."""
    filters = f"招商项目：{lead.code} {lead.name}"
    if table == "followups":
        rows = [
            [
                f.date,
                f.get_kind_display(),
                f.place,
                f.participants,
                f.outcome,
                f.next_step,
                f.created_by.name,
            ]
            for f in selectors.lead_followups(lead)
        ]
        return export_xlsx(
            request,
            columns=FOLLOWUP_COLUMNS,
            rows=rows,
            title=f"{lead.name}跟进记录",
            filters_text=filters,
            count=len(rows),
        )
    if table == "funding":
        arrivals = selectors.lead_arrivals(lead)
        rows = [
            [
                a.date,
                a.amount,
                a.get_kind_display(),
                "有" if a.evidence else "",
                a.note,
                a.created_by.name,
            ]
            for a in arrivals
        ]
        if arrivals:
            # The 合计 the page's heading shows.
            rows.append(["合计", sum(a.amount for a in arrivals), "", "", "", ""])
        return export_xlsx(
            request,
            columns=ARRIVAL_COLUMNS,
            rows=rows,
            title=f"{lead.name}到位资金",
            filters_text=filters,
            count=len(arrivals),
        )
    raise Http404("没有这张表。")


FUNNEL_COLUMNS = [
    ExportColumn("分组"),
    ExportColumn("名称", width=24),
    ExportColumn("签约数", "int"),
    ExportColumn("签约数目标", "int"),
    ExportColumn("签约数完成率（%）", "decimal"),
    ExportColumn("签约金额（万元）", "money"),
    ExportColumn("签约金额目标（万元）", "money"),
    ExportColumn("签约金额完成率（%）", "decimal"),
    ExportColumn("履约", "int"),
    ExportColumn("履约率（%）", "decimal"),
    ExportColumn("开工", "int"),
    ExportColumn("开工率（%）", "decimal"),
    ExportColumn("投产", "int"),
    ExportColumn("投产率（%）", "decimal"),
    ExportColumn("累计到位（万元）", "money"),
    ExportColumn("资金到位率（%）", "decimal"),
    ExportColumn("本期到位资金（万元）", "money"),
    ExportColumn("到位资金目标（万元）", "money"),
    ExportColumn("线索数", "int"),
]


def _funnel_line(group: str, row, *, in_period: bool) -> list[object]:
    """One funnel row; 本期到位资金 only where the selector sums it (the total and the teams)."""
    return [
        group,
        row.label,
        row.signed,
        row.target_count,
        row.count_progress,
        row.signed_amount,
        row.target_amount,
        row.amount_progress,
        row.fulfilled,
        row.fulfil_rate,
        row.started,
        row.start_rate,
        row.producing,
        row.production_rate,
        row.funds,
        row.funds_rate,
        row.funds_in_period if in_period else None,
        row.target_funds if in_period else None,
        None,
    ]


def funnel_xlsx(request, result, form) -> HttpResponse:
    """The funnel page in one sheet: the totals, the tables by zone (when there are several, as
    on screen), team and chain, then the lead funnel by stage and 本期到位资金 by kind."""
    rows = [_funnel_line("合计", result.total, in_period=True)]
    if len(result.by_zone) > 1:
        rows += [_funnel_line("按开发区", r, in_period=False) for r in result.by_zone]
    rows += [_funnel_line("按小分队", r, in_period=True) for r in result.by_team]
    rows += [_funnel_line("按产业链", r, in_period=False) for r in result.by_chain]
    blank = [None] * (len(FUNNEL_COLUMNS) - 2)
    for _stage, label, n in result.stages:
        rows.append(["线索漏斗（本期新增线索）", label, *blank[:-1], n])
    for label, amount in result.funds_by_kind:
        line = ["本期到位资金（按类别）", label, *blank]
        line[16] = amount
        rows.append(line)
    return export_xlsx(
        request,
        columns=FUNNEL_COLUMNS,
        rows=rows,
        title=f"招商漏斗{result.period.label}",
        filters_text=filters_text(form),
        count=len(rows),
    )


CHAIN_COLUMNS = [
    ExportColumn("产业链"),
    ExportColumn("开发区"),
    ExportColumn("发展目标", width=40),
    ExportColumn("节点（个）", "int"),
    ExportColumn("薄弱环节（个）", "int"),
    ExportColumn("本区企业（家）", "int"),
    ExportColumn("靶向企业（家）", "int"),
    ExportColumn("招商项目（个）", "int"),
]


def chain_list_xlsx(request) -> HttpResponse:
    """招商图谱 as on the chain list: every chain the user reads, with the page's counts."""
    chains = selectors.chain_summaries(request.user)
    rows = [
        [
            c.name,
            c.zone.label,
            c.goal,
            c.node_count,
            c.weak_count,
            c.enterprise_count,
            c.target_count,
            c.lead_count,
        ]  # fmt: skip
        for c in chains
    ]
    return export_xlsx(
        request, columns=CHAIN_COLUMNS, rows=rows, title="招商图谱（产业链）", count=len(rows)
    )


TARGET_COLUMNS = [
    ExportColumn("环节"),
    ExportColumn("节点"),
    ExportColumn("上级节点"),
    ExportColumn("薄弱环节", "bool"),
    ExportColumn("靶向企业", width=30),
    ExportColumn("所在地"),
    ExportColumn("契合理由", width=40),
    ExportColumn("状态"),
    ExportColumn("招商项目编号"),
]


def chain_targets_xlsx(request, chain) -> HttpResponse:
    """The target firms of a chain, node by node in the order the map shows them."""
    cmap = selectors.chain_map(chain)
    rows: list[list[object]] = []

    def walk(view, link_label):
        node = view.node
        for t in view.targets:
            rows.append(
                [
                    link_label,
                    node.name,
                    node.parent.name if node.parent_id else "",
                    node.is_weak,
                    t.name,
                    t.location,
                    t.reason,
                    # as on the map: a target that became a lead shows the lead's stage
                    t.lead.get_stage_display() if t.lead_id else t.get_status_display(),
                    t.lead.code if t.lead_id else "",
                ]
            )
        for child in view.children:
            walk(child, link_label)

    for _link, label, roots in cmap.links:
        for view in roots:
            walk(view, label)
    return export_xlsx(
        request,
        columns=TARGET_COLUMNS,
        rows=rows,
        title=f"{chain.name}产业链靶向企业",
        filters_text=f"开发区：{chain.zone.name}；产业链：{chain.name}",
        count=len(rows),
    )


TEAM_COLUMNS = [
    ExportColumn("开发区"),
    ExportColumn("小分队"),
    ExportColumn("所属部门"),
    ExportColumn("带队领导"),
    ExportColumn("成员", width=30),
    ExportColumn("主攻方向", width=30),
    ExportColumn("招商项目数", "int"),
    ExportColumn("年度", "int"),
    ExportColumn("签约项目数目标", "int"),
    ExportColumn("签约金额目标（万元）", "money"),
    ExportColumn("到位资金目标（万元）", "money"),
]


EVENT_COLUMNS = [
    ExportColumn("日期", "date"),
    ExportColumn("类型"),
    ExportColumn("名称", width=30),
    ExportColumn("地点"),
    ExportColumn("小分队"),
    ExportColumn("线索数", "int"),
    ExportColumn("签约数", "int"),
]


def teams_xlsx(request, teams) -> HttpResponse:
    """The teams as the page lists them: one row per team and target year (newest first), a
    team without targets on one row with the target columns empty."""
    rows: list[list[object]] = []
    for team in teams:
        head = [
            team.zone.label,
            team.name,
            team.department.name if team.department_id else "",
            team.leader.name if team.leader_id else "",
            "、".join(m.name for m in team.members.all()),
            team.focus,
            team.lead_count,
        ]
        targets = list(team.targets.all())
        for t in targets:
            rows.append([*head, t.year, t.signed_count, t.signed_amount, t.funds_amount])
        if not targets:
            rows.append([*head, None, None, None, None])
    return export_xlsx(
        request, columns=TEAM_COLUMNS, rows=rows, title="招商小分队", count=len(rows)
    )


def events_xlsx(request, events) -> HttpResponse:
    rows = [
        [
            e.start_date,
            e.get_kind_display(),
            e.name,
            e.place,
            e.team.name if e.team_id else "",
            e.lead_count,
            e.signed_count,
        ]
        for e in events
    ]
    return export_xlsx(request, columns=EVENT_COLUMNS, rows=rows, title="招商活动", count=len(rows))
