"""Excel exports of 招商引资 besides the lead list: the funnel, the teams and the events, and a
chain's target firms — headers, rows against the database, the filters on screen, text that
looks like a formula, refusals and the audit row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login
from tests.exports import export_count, sheet_of
from tests.investment.conftest import make_lead, sign
from zonedesk.accounts.models import AuditEvent
from zonedesk.investment import services
from zonedesk.investment.models import (
    Chain,
    ChainNode,
    Event,
    Lead,
    Link,
    TargetEnterprise,
    Team,
    TeamTarget,
)
from zonedesk.investment.selectors import Period, funnel

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(inv, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = inv
    w.lead = sign(w, make_lead(w, node=w.cell), on=dt.date(2026, 3, 1))
    # opened in 2026 whatever today is, so the lead funnel of 2026 counts it
    Lead.objects.filter(pk=w.lead.pk).update(opened_on=dt.date(2026, 2, 1))
    services.arrival_add(
        lead=w.lead,
        by=w.invest,
        date=dt.date(2026, 3, 5),
        amount=Decimal("3000"),
        kind="domestic_out",
        evidence=SimpleUploadedFile("回单.pdf", b"%PDF-1.4 voucher"),
    )
    return w


def _header(sheet):
    return [c.value for c in sheet[3]]


def _rows(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]


def _dicts(sheet):
    header = _header(sheet)
    return [dict(zip(header, row, strict=True)) for row in _rows(sheet)]


def _exports():
    return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)


# --- funnel -------------------------------------------------------------------------------------

FUNNEL_HEADERS = [
    "分组", "名称", "签约数", "签约数目标", "签约数完成率（%）", "签约金额（万元）",
    "签约金额目标（万元）", "签约金额完成率（%）", "履约", "履约率（%）", "开工", "开工率（%）",
    "投产", "投产率（%）", "累计到位（万元）", "资金到位率（%）", "本期到位资金（万元）",
    "到位资金目标（万元）", "线索数",
]  # fmt: skip


def test_the_funnel_exports_its_tables_with_targets_and_completion(setup):
    w = setup
    url = reverse("investment:funnel")
    page = login(w.leader).get(url, {"year": 2026}).content.decode()
    assert 'name="format" value="xlsx" data-testid="export-xlsx"' in page
    sheet = sheet_of(login(w.leader).get(url, {"year": 2026, "format": "xlsx"}))
    assert sheet["A1"].value == "招商漏斗2026年"
    assert sheet["A2"].value.startswith("筛选条件：年度：2026；导出时间：")
    assert _header(sheet) == FUNNEL_HEADERS
    assert sheet.freeze_panes == "A4"
    rows = _dicts(sheet)
    total = rows[0]
    assert (total["分组"], total["名称"], total["签约数"], total["签约数目标"]) == (
        "合计",
        "合计",
        1,
        10,
    )
    assert total["签约数完成率（%）"] == 10
    assert (total["签约金额（万元）"], total["签约金额目标（万元）"]) == (80000, 200000)
    assert total["签约金额完成率（%）"] == 40
    assert (total["累计到位（万元）"], total["资金到位率（%）"]) == (3000, 3.8)
    assert (total["本期到位资金（万元）"], total["到位资金目标（万元）"]) == (3000, 50000)
    assert sheet["F4"].number_format == "#,##0.00"
    # every row of the page's tables, from the same selector
    result = funnel(w.leader, period=Period(2026))
    expected = [("按小分队", r.label, r.signed) for r in result.by_team] + [
        ("按产业链", r.label, r.signed) for r in result.by_chain
    ]
    grouped = [
        (r["分组"], r["名称"], r["签约数"]) for r in rows if r["分组"] in ("按小分队", "按产业链")
    ]
    assert grouped == expected
    assert ("按小分队", "第一招商小分队", 1) in grouped and ("按产业链", "新能源电池", 1) in grouped
    team = next(r for r in rows if r["名称"] == "第一招商小分队")
    assert (team["签约数目标"], team["签约金额目标（万元）"], team["到位资金目标（万元）"]) == (
        10,
        200000,
        50000,
    )
    # the lead funnel by stage and 本期到位资金 by kind
    stages = {r["名称"]: r["线索数"] for r in rows if r["分组"] == "线索漏斗（本期新增线索）"}
    assert stages == {label: n for _s, label, n in result.stages}
    assert stages["线索"] == 1 and stages["签约"] == 1
    kinds = {
        r["名称"]: r["本期到位资金（万元）"] for r in rows if r["分组"] == "本期到位资金（按类别）"
    }
    assert kinds == {"境内省外": 3000, "省内": 0, "外资": 0}
    event = _exports().get()
    assert event.actor == w.leader and "招商漏斗2026年" in event.note and "年度：2026" in event.note


def test_the_funnel_filters_narrow_the_file_and_are_named(setup):
    w = setup
    sheet = sheet_of(
        login(w.leader).get(
            reverse("investment:funnel"),
            {"year": 2026, "quarter": 1, "team": w.team2.pk, "format": "xlsx"},
        )
    )
    assert sheet["A1"].value == "招商漏斗2026年第1季度"
    # the filter line names the team and the quarter, not their ids
    assert sheet["A2"].value.startswith(
        "筛选条件：年度：2026；季度：一季度；小分队：第二招商小分队；"
    )
    rows = _dicts(sheet)
    assert rows[0]["名称"] == "合计" and rows[0]["签约数"] == 0
    assert "第一招商小分队" not in [r["名称"] for r in rows]


def test_a_formula_looking_team_name_stays_text_in_the_funnel(setup):
    w = setup
    odd = Team.objects.create(zone=w.zone, name='=HYPERLINK("http://x")')
    TeamTarget.objects.create(
        team=odd, year=2026, signed_count=1, signed_amount=Decimal(1), funds_amount=Decimal(1)
    )
    sheet = sheet_of(
        login(w.leader).get(reverse("investment:funnel"), {"year": 2026, "format": "xlsx"})
    )
    cells = [
        row[1] for row in sheet.iter_rows(min_row=4) if row[1].value == '=HYPERLINK("http://x")'
    ]
    assert len(cells) == 1 and cells[0].data_type == "s"


# --- teams and events ---------------------------------------------------------------------------


def test_the_teams_export_lists_each_team_with_its_targets(setup):
    w = setup
    TeamTarget.objects.create(
        team=w.team,
        year=2025,
        signed_count=8,
        signed_amount=Decimal("150000"),
        funds_amount=Decimal("30000"),
    )
    w.team.focus = "+储能电池上下游"
    w.team.save()
    url = reverse("investment:teams")
    assert (
        'href="?format=xlsx" data-testid="export-xlsx"' in login(w.econ).get(url).content.decode()
    )
    sheet = sheet_of(login(w.econ).get(url, {"format": "xlsx"}))
    assert sheet["A1"].value == "招商小分队"
    assert sheet["A2"].value.startswith("筛选条件：全部；")
    assert _header(sheet) == [
        "开发区", "小分队", "所属部门", "带队领导", "成员", "主攻方向", "招商项目数", "年度",
        "签约项目数目标", "签约金额目标（万元）", "到位资金目标（万元）",
    ]  # fmt: skip
    assert _rows(sheet) == [
        ["阳泉高新区", "第一招商小分队", "投资合作促进部", "李副主任", "钱投促", "+储能电池上下游", 1, 2026, 10, 200000, 50000],
        ["阳泉高新区", "第一招商小分队", "投资合作促进部", "李副主任", "钱投促", "+储能电池上下游", 1, 2025, 8, 150000, 30000],
        ["阳泉高新区", "第二招商小分队", "投资合作促进部", None, "孙招商", None, 0, None, None, None, None],
    ]  # fmt: skip
    assert sheet["F4"].data_type == "s"  # "+…" is text, not a formula
    assert "招商小分队（3行）" in _exports().get().note


def test_the_events_table_exports_on_its_own(setup):
    w = setup
    event = Event.objects.create(
        zone=w.zone,
        team=w.team,
        kind=Event.Kind.FAIR,
        name="@2026新能源博览会",
        place="深圳",
        start_date=dt.date(2026, 5, 10),
    )
    make_lead(w, "展会线索", "丁公司", event=event)
    sheet = sheet_of(
        login(w.leader).get(reverse("investment:teams"), {"format": "xlsx", "table": "events"})
    )
    assert sheet["A1"].value == "招商活动"
    assert _header(sheet) == ["日期", "类型", "名称", "地点", "小分队", "线索数", "签约数"]
    rows = _rows(sheet)
    assert rows == [
        [dt.datetime(2026, 5, 10), "展会", "@2026新能源博览会", "深圳", "第一招商小分队", 1, 0]
    ]
    assert sheet["C4"].data_type == "s"


def test_another_zones_staff_export_no_team_of_this_zone(setup):
    sheet = sheet_of(login(setup.other_staff).get(reverse("investment:teams"), {"format": "xlsx"}))
    assert _rows(sheet) == []


# --- chain targets ------------------------------------------------------------------------------


def test_the_chain_exports_its_target_firms_node_by_node(setup):
    w = setup
    child = ChainNode.objects.create(
        chain=w.chain, link=Link.UPSTREAM, name="前驱体", parent=w.node
    )
    TargetEnterprise.objects.create(
        node=child,
        name='=HYPERLINK("x")材料公司',
        location="湖北",
        lead=w.lead,
        status=TargetEnterprise.Status.LEAD,
    )
    TargetEnterprise.objects.create(node=w.cell, name="宁德某电芯公司", status="approached")
    url = reverse("investment:chain", args=[w.chain.pk])
    assert (
        'href="?format=xlsx" data-testid="export-xlsx"' in login(w.econ).get(url).content.decode()
    )
    sheet = sheet_of(login(w.econ).get(url, {"format": "xlsx"}))
    assert sheet["A1"].value == "新能源电池产业链靶向企业"
    assert sheet["A2"].value.startswith(
        "筛选条件：开发区：阳泉高新技术产业开发区；产业链：新能源电池；"
    )
    assert _header(sheet) == [
        "环节", "节点", "上级节点", "薄弱环节", "靶向企业", "所在地", "契合理由", "状态", "招商项目编号",
    ]  # fmt: skip
    assert _rows(sheet) == [
        ["上游", "正极材料", None, "是", "湖南长远锂科股份有限公司", "湖南长沙", "正极材料龙头", "待对接", None],
        ["上游", "前驱体", "正极材料", "否", '=HYPERLINK("x")材料公司', "湖北", None, "签约", w.lead.code],
        ["中游", "电芯制造", None, "否", "宁德某电芯公司", None, None, "已对接", None],
    ]  # fmt: skip
    assert sheet["E5"].data_type == "s"
    assert "新能源电池产业链靶向企业（3行）" in _exports().get().note


# --- refusals -----------------------------------------------------------------------------------


def test_who_may_not_read_the_pages_may_not_export_them(setup):
    w = setup
    urls = [
        (reverse("investment:funnel"), {"format": "xlsx"}),
        (reverse("investment:teams"), {"format": "xlsx"}),
        (reverse("investment:teams"), {"format": "xlsx", "table": "events"}),
        (reverse("investment:chain", args=[w.chain.pk]), {"format": "xlsx"}),
    ]
    for user in (w.unit, w.auditor, w.admin):
        for url, params in urls:
            assert login(user).get(url, params).status_code == 403, (user, url)
    chain = reverse("investment:chain", args=[w.chain.pk])
    assert login(w.other_staff).get(chain, {"format": "xlsx"}).status_code == 403
    assert not _exports().exists()


def test_the_lead_list_names_the_hidden_filters_a_link_set(setup):
    """Arriving from the chain map or the funnel sets hidden filters (node, quarter, metric):
    the file's filter line names them in words, not as ids."""
    w = setup
    response = login(w.invest).get(
        reverse("investment:leads"),
        {"format": "xlsx", "node": w.cell.pk, "year": 2026, "quarter": 1, "metric": "signed"},
    )
    line = sheet_of(response)["A2"].value
    assert line.startswith(
        f"筛选条件：产业链环节：{w.cell.chain.name} · {w.cell.name}；年度：2026；季度：第1季度；"
        "漏斗指标：签约；导出时间："
    )
    # A node of a zone the user may not read is not named.
    chain = Chain.objects.create(zone=w.other_zone, name="屯留储能链")
    other = ChainNode.objects.create(chain=chain, name="飞轮储能电机", link=Link.MIDSTREAM)
    line = sheet_of(
        login(w.invest).get(reverse("investment:leads"), {"format": "xlsx", "node": other.pk})
    )["A2"].value
    assert "飞轮储能电机" not in line and f"产业链环节：#{other.pk}" in line


# --- chain list (招商图谱) -------------------------------------------------------------------------

CHAIN_HEADERS = [
    "产业链", "开发区", "发展目标", "节点（个）", "薄弱环节（个）", "本区企业（家）", "靶向企业（家）",
    "招商项目（个）",
]  # fmt: skip


def test_the_chain_list_exports_each_chain_with_its_counts(setup):
    w = setup
    Chain.objects.create(zone=w.zone, name="氢能", goal='=HYPERLINK("x")')
    url = reverse("investment:chains")
    page = login(w.econ).get(url)
    assert 'href="?format=xlsx" data-testid="export-xlsx"' in page.content.decode()
    sheet = sheet_of(login(w.econ).get(url, {"format": "xlsx"}))
    assert sheet["A1"].value == "招商图谱（产业链）"
    assert sheet["A2"].value.startswith("筛选条件：全部；")
    assert _header(sheet) == CHAIN_HEADERS
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:H5"
    shown = page.context["chains"]
    assert _rows(sheet) == [
        [c.name, c.zone.label, c.goal, c.node_count, c.weak_count, c.enterprise_count,
         c.target_count, c.lead_count]
        for c in shown
    ]  # fmt: skip
    assert _rows(sheet)[0][:1] + _rows(sheet)[0][3:] == ["新能源电池", 2, 1, 0, 1, 1]
    assert (sheet["C5"].value, sheet["C5"].data_type) == ('=HYPERLINK("x")', "s")
    event = _exports().get()
    assert event.actor == w.econ and "招商图谱（产业链）（2行）" in event.note


def test_the_chain_list_export_keeps_to_the_users_zones(setup):
    w = setup
    rows = _rows(
        sheet_of(login(w.other_staff).get(reverse("investment:chains"), {"format": "xlsx"}))
    )
    assert [r[0] for r in rows] == ["固废利用"]


def test_who_may_not_read_the_chain_list_may_not_export_it(setup):
    w = setup
    for user in (w.unit, w.auditor, w.admin):
        response = login(user).get(reverse("investment:chains"), {"format": "xlsx"})
        assert response.status_code == 403, user
    assert not _exports().exists()


# --- a lead's page: 跟进记录 and 到位资金 ---------------------------------------------------------------

FOLLOWUP_HEADERS = ["日期", "方式", "地点", "参与人员", "成果", "下一步", "记录人"]
FUNDING_HEADERS = ["到位日期", "金额（万元）", "类别", "凭证", "说明", "登记人"]


def _followups(w):
    services.followup_add(
        lead=w.lead,
        by=w.invest,
        data={
            "kind": "visit",
            "date": dt.date(2026, 1, 10),
            "place": "苏州",
            "participants": "钱投促、王建国",
            "outcome": '=HYPERLINK("x")',
            "next_step": "邀请来区考察",
        },
    )
    services.followup_add(
        lead=w.lead,
        by=w.invest,
        data={"kind": "call", "date": dt.date(2026, 2, 3), "participants": "钱投促", "outcome": "确认考察日期"},
    )  # fmt: skip


def test_a_leads_followups_export_as_the_page_lists_them(setup):
    w = setup
    _followups(w)
    other = make_lead(w, "光伏组件项目", "浙江某某光伏有限公司")
    services.followup_add(
        lead=other, by=w.invest,
        data={"kind": "trip", "date": dt.date(2026, 1, 5), "participants": "钱投促", "outcome": "另一项目"},
    )  # fmt: skip
    url = reverse("investment:lead", args=[w.lead.pk])
    before = export_count()
    sheet = sheet_of(login(w.invest).get(url, {"format": "xlsx", "table": "followups"}))
    assert _header(sheet) == FOLLOWUP_HEADERS
    assert w.lead.code in sheet["A2"].value and w.lead.name in sheet["A2"].value
    rows = _rows(sheet)
    # the formula-looking outcome stays a string
    # this lead's follow-ups only, newest first as on the page
    assert [r[1] for r in rows] == ["电话", "走访"]
    assert rows[0][0].date() == dt.date(2026, 2, 3)
    assert rows[1][2:] == ["苏州", "钱投促、王建国", '=HYPERLINK("x")', "邀请来区考察", "钱投促"]
    assert sheet.cell(row=5, column=5).data_type == "s"
    assert export_count() == before + 1
    assert "跟进记录（2行）" in _exports().latest("id").note


def test_a_leads_funding_export_totals_as_the_heading(setup):
    w = setup
    services.arrival_add(
        lead=w.lead, by=w.invest, date=dt.date(2026, 4, 1), amount=Decimal("1500.5"),
        kind="in_province", note="@第二笔",
    )  # fmt: skip
    url = reverse("investment:lead", args=[w.lead.pk])
    sheet = sheet_of(login(w.invest).get(url, {"format": "xlsx", "table": "funding"}))
    assert _header(sheet) == FUNDING_HEADERS
    rows = _rows(sheet)
    assert [(r[0].date(), r[1], r[2], r[3], r[4]) for r in rows[:2]] == [
        (dt.date(2026, 3, 5), 3000, "境内省外", "有", None),
        (dt.date(2026, 4, 1), 1500.5, "省内", None, "@第二笔"),
    ]
    assert rows[2][:2] == ["合计", 4500.5]
    assert sheet.cell(row=5, column=5).data_type == "s"
    assert sheet.cell(row=4, column=2).number_format == "#,##0.00"


def test_outside_the_team_the_lead_tables_export_as_the_page_shows_them(setup):
    # 孙招商 is not in the lead's team: the page masks the contacts and shows the evidence as 有
    # without a download link. Neither table holds a contact, so the files are the team's files.
    w = setup
    _followups(w)
    url = reverse("investment:lead", args=[w.lead.pk])
    page = login(w.invest2).get(url).content.decode()
    assert "13812345678" not in page and '/evidence/"' not in page
    for table in ("followups", "funding"):
        params = {"format": "xlsx", "table": table}
        outside = _rows(sheet_of(login(w.invest2).get(url, params)))
        assert outside == _rows(sheet_of(login(w.invest).get(url, params)))
        assert "13812345678" not in [c for row in outside for c in row]
    assert [r[3] for r in outside] == ["有", None]


def test_a_lead_table_export_is_refused_as_the_page_and_unknown_tables_are_404(setup):
    w = setup
    url = reverse("investment:lead", args=[w.lead.pk])
    before = export_count()
    for user in (w.unit, w.auditor, w.other_staff):
        for table in ("followups", "funding"):
            assert login(user).get(url).status_code == 403
            assert login(user).get(url, {"format": "xlsx", "table": table}).status_code == 403
    assert login(w.invest).get(url, {"format": "xlsx", "table": "history"}).status_code == 404
    assert login(w.invest).get(url, {"format": "xlsx"}).status_code == 404
    assert export_count() == before


def test_the_lead_page_links_each_table_to_its_export(setup):
    w = setup
    page = login(w.invest).get(reverse("investment:lead", args=[w.lead.pk])).content.decode()
    assert 'href="?format=xlsx&amp;table=followups" data-testid="export-xlsx-followups"' in page
    assert 'href="?format=xlsx&amp;table=funding" data-testid="export-xlsx-funding"' in page
