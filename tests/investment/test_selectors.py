"""The funnel by DOMAIN.md's formulas, the commitment warnings for the dispatch loop, and the
chain map's indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.investment.conftest import make_lead, sign
from zonedesk.investment import services
from zonedesk.investment.models import Lead, LeadStage, NodeMembership
from zonedesk.investment.selectors import (
    Period,
    chain_map,
    commitment_warnings,
    funnel,
    rate,
    unmet_commitments,
)
from zonedesk.projects import services as project_services
from zonedesk.projects.models import Stage


def signed_lead(
    w, name, investor, *, on, amount, stage=LeadStage.SIGNED, node=None, team=None, **dates
):
    lead = make_lead(w, name, investor, node=node, confirm_duplicate=True)
    lead = sign(w, lead, on=on, amount=Decimal(amount))
    Lead.objects.filter(pk=lead.pk).update(stage=stage, team=team or w.team, **dates)
    return Lead.objects.get(pk=lead.pk)


def test_rates_are_percentages_with_one_decimal():
    assert rate(291, 292) == Decimal("99.7")
    assert rate(198, 292) == Decimal("67.8")
    assert rate(1, 0) is None


def test_the_funnel_counts_each_signed_project_once_with_the_domain_formulas(inv):
    y = dt.date(2026, 2, 1)
    a = signed_lead(
        inv, "甲", "甲公司", on=y, amount="100000", stage=LeadStage.PRODUCING, node=inv.node
    )
    signed_lead(inv, "乙", "乙公司", on=y, amount="50000", stage=LeadStage.STARTED, node=inv.node)
    signed_lead(
        inv, "丙", "丙公司", on=y, amount="30000", stage=LeadStage.REGISTERED, node=inv.cell
    )
    signed_lead(inv, "丁", "丁公司", on=y, amount="20000", stage=LeadStage.SIGNED, team=inv.team2)
    terminated = signed_lead(
        inv,
        "戊",
        "戊公司",
        on=y,
        amount="10000",
        stage=LeadStage.TERMINATED,
        terminated_from="signed",
        termination_reason="撤资",
    )
    signed_lead(
        inv, "去年", "己公司", on=dt.date(2025, 6, 1), amount="99999", stage=LeadStage.PRODUCING
    )
    make_lead(inv, "未签", "庚公司")
    services.arrival_add(
        lead=a,
        by=inv.invest,
        date=dt.date(2026, 3, 1),
        amount=Decimal("21000"),
        kind="domestic_out",
    )
    services.arrival_add(
        lead=terminated,
        by=inv.invest,
        date=dt.date(2026, 3, 1),
        amount=Decimal("0.01"),
        kind="in_province",
    )

    result = funnel(inv.leader, period=Period(2026))
    t = result.total
    assert (t.signed, t.signed_amount) == (5, Decimal("210000"))
    assert (t.fulfilled, t.started, t.producing) == (
        3,
        2,
        1,
    )  # registered/started/producing, not terminated
    assert (t.fulfil_rate, t.start_rate, t.production_rate) == (
        Decimal("60.0"),
        Decimal("40.0"),
        Decimal("20.0"),
    )
    assert t.funds == Decimal("21000.01") and t.funds_rate == Decimal("10.0")
    assert result.funds_by_kind == [
        ("境内省外", Decimal("21000")),
        ("省内", Decimal("0.01")),
        ("外资", Decimal("0")),
    ]
    assert (t.target_count, t.target_amount, t.count_progress) == (
        10,
        Decimal("200000"),
        Decimal("50.0"),
    )
    teams = {r.label: r for r in result.by_team}
    assert (teams["第一招商小分队"].signed, teams["第二招商小分队"].signed) == (4, 1)
    chains = {r.label: r for r in result.by_chain}
    assert chains["新能源电池"].signed == 3 and chains["（未挂图谱节点）"].signed == 2
    # The funnel of leads opened this year: each counted at the furthest stage reached.
    stages = dict((s, n) for s, _label, n in result.stages)
    assert stages["lead"] == 7 and stages["signed"] == 6 and stages["producing"] == 2


def test_a_quarter_and_a_team_narrow_the_funnel(inv):
    signed_lead(inv, "甲", "甲公司", on=dt.date(2026, 2, 1), amount="100")
    signed_lead(inv, "乙", "乙公司", on=dt.date(2026, 5, 1), amount="200", team=inv.team2)
    assert funnel(inv.leader, period=Period(2026, 1)).total.signed == 1
    assert funnel(inv.leader, period=Period(2026, 2)).total.signed_amount == Decimal("200")
    assert funnel(inv.leader, period=Period(2026), team_id=inv.team2.pk).total.signed == 1
    assert Period(2026, 4).end == dt.date(2026, 12, 31) and Period(2026, 1).label == "2026年第1季度"


def test_the_funnel_sees_only_the_users_zones(inv):
    signed_lead(inv, "甲", "甲公司", on=dt.date(2026, 2, 1), amount="100")
    assert funnel(inv.other_staff, period=Period(2026)).total.signed == 0
    assert funnel(inv.unit, period=Period(2026)).total.signed == 0
    assert funnel(inv.viewer, period=Period(2026)).total.signed == 1


def test_the_funnel_query_count_does_not_grow_with_leads(inv, django_assert_max_num_queries):
    for i in range(3):
        signed_lead(
            inv, f"项目{i}", f"企业{i}", on=dt.date(2026, 2, 1), amount="100", node=inv.node
        )
    user = inv.leader
    with django_assert_max_num_queries(14):
        funnel(user, period=Period(2026))
    for i in range(3, 30):
        signed_lead(
            inv,
            f"项目{i}",
            f"企业{i}",
            on=dt.date(2026, 2, 1),
            amount="100",
            node=inv.cell,
            team=inv.team2,
        )
    with django_assert_max_num_queries(14):
        funnel(user, period=Period(2026))


def test_commitment_warnings_name_each_missed_date_in_chinese(inv):
    lead = sign(
        inv,
        make_lead(inv),
        committed_registration=dt.date(2026, 3, 10),
        committed_start=dt.date(2026, 4, 1),
        committed_production=dt.date(2026, 10, 1),
    )
    project = services.lead_convert_to_project(lead=lead, by=inv.invest, department=inv.invest_dept)
    today = dt.date(2026, 5, 1)
    assert commitment_warnings([project.pk], today) == {
        project.pk: [
            "签约承诺2026年3月10日注册落地，至今未注册",
            "签约承诺2026年4月1日开工，至今未开工",
        ]
    }
    project_services.project_change_stage(
        project=project,
        by=inv.invest,
        stage=Stage.STARTED,
        date=dt.date(2026, 4, 20),
        expected_version=project.version,
    )
    # Started (so registered in substance); production not yet due.
    assert commitment_warnings([project.pk], today) == {}
    assert commitment_warnings([project.pk], dt.date(2026, 10, 2)) == {
        project.pk: ["签约承诺2026年10月1日投产，至今未投产"]
    }
    # A project without a lead, or an unknown id, raises nothing.
    assert commitment_warnings([inv.project.pk, 999999], today) == {}


def test_a_terminated_lead_raises_no_commitment_warning(inv):
    lead = sign(inv, make_lead(inv), committed_start=dt.date(2026, 4, 1))
    assert unmet_commitments(lead, dt.date(2026, 5, 1)) == ["签约承诺2026年4月1日开工，至今未开工"]
    lead = services.lead_change_stage(
        lead=lead, by=inv.invest, stage="terminated", note="企业撤资", expected_version=lead.version
    )
    assert unmet_commitments(lead, dt.date(2026, 5, 1)) == []


def test_commitment_warnings_use_one_query(inv, django_assert_num_queries):
    ids = []
    for i in range(5):
        lead = sign(
            inv, make_lead(inv, f"项目{i}", f"企业{i}"), committed_start=dt.date(2026, 4, 1)
        )
        ids.append(
            services.lead_convert_to_project(
                lead=lead, by=inv.invest, department=inv.invest_dept
            ).pk
        )
    with django_assert_num_queries(1):
        result = commitment_warnings(ids, dt.date(2026, 5, 1))
    assert len(result) == 5


def test_the_chain_map_gives_node_indicators_and_target_conversion(
    inv, django_assert_max_num_queries
):
    NodeMembership.objects.create(
        node=inv.cell,
        organisation=inv.kaichuang,
        output=Decimal("12000"),
        tax=Decimal("800"),
        above_scale=True,
    )
    NodeMembership.objects.create(
        node=inv.cell, organisation=inv.luda, output=Decimal("3000"), tax=Decimal("100")
    )
    lead = services.target_to_lead(target=inv.target, by=inv.invest)
    sign(inv, lead)
    with django_assert_max_num_queries(5):
        cmap = chain_map(inv.chain)
        views = {v.node.name: v for v in cmap.nodes}
        cell, cathode = views["电芯制造"], views["正极材料"]
        assert (cell.enterprise_count, cell.above_scale_count, cell.output, cell.tax) == (
            2,
            1,
            Decimal("15000"),
            Decimal("900"),
        )
        assert cell.coverage == "covered" and cathode.coverage == "weak"
        assert (cathode.targets_to_leads, cathode.targets_signed, cathode.targets_producing) == (
            1,
            1,
            0,
        )
        assert (cathode.leads, cathode.signed) == (1, 1)
    tree = cmap.tree_data()
    assert [c["name"] for c in tree["children"]] == ["上游", "中游", "下游"]
    assert tree["children"][0]["children"][0] == {
        "name": "正极材料", "value": 0, "coverage": "weak", "weak_reason": inv.node.weak_reason, "targets": 1, "children": [],
    }  # fmt: skip


def test_a_city_viewer_gets_the_funnel_by_zone(inv):
    inv.viewer.viewer_zones.add(inv.other_zone)
    signed_lead(inv, "甲", "甲公司", on=dt.date(2026, 2, 1), amount="100")
    from zonedesk.investment import services as s
    from zonedesk.investment.models import Source

    other = s.lead_create(
        by=inv.other_staff,
        zone=inv.other_zone,
        data={
            "name": "乙",
            "investor_name": "乙公司",
            "source": Source.FAIR,
            "owner": inv.other_staff,
        },
    )
    sign(inv, other, on=dt.date(2026, 3, 1), amount=Decimal("300"), by=inv.other_staff)
    viewer = inv.viewer.__class__.objects.get(pk=inv.viewer.pk)  # a fresh scope cache
    result = funnel(viewer, period=Period(2026))
    assert {r.label: (r.signed_amount, r.target_count) for r in result.by_zone} == {
        "阳泉高新技术产业开发区": (Decimal("100"), 10),
        "屯留经济技术开发区": (Decimal("300"), None),
    }
