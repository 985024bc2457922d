"""Leads, follow-ups and funding arrivals through the Excel import pipeline: templates, preview
with problems in Chinese, the duplicate guard, commit, undo."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from tests.intake.helpers import xlsx
from tests.investment.conftest import make_lead, sign
from zonedesk.intake import services as intake
from zonedesk.intake.export import template_xlsx
from zonedesk.intake.sheets import REGISTRY, specs_for
from zonedesk.investment.models import DuplicateFlag, FollowUp, FundingArrival, Lead, LeadStage

LEAD_HEADER = [
    "线索编号",
    "项目名称",
    "投资方",
    "产业链",
    "产业链节点",
    "意向投资额（亿元）",
    "线索来源",
    "负责小分队",
    "阶段",
    "签约日期",
    "合同投资额（万元）",
    "开工日期",
    "确认撞单",
]


def preview(kind, user, rows):
    return intake.import_preview(kind=kind, by=user, file_name="招商.xlsx", data=xlsx(rows))


def commit(kind, user, rows):
    batch = preview(kind, user, rows)
    assert batch.error_count == 0, batch.problems
    return intake.import_commit(batch=batch, by=user)


def test_the_three_sheets_are_registered_for_investment_staff_only(inv):
    for kind in ("investment_leads", "investment_followups", "investment_funding"):
        assert kind in REGISTRY
    kinds = lambda user: {s.kind for s in specs_for(user)}  # noqa: E731
    assert {"investment_leads", "investment_followups", "investment_funding"} <= kinds(inv.invest)
    assert {"investment_leads", "investment_followups", "investment_funding"} <= kinds(inv.leader)
    assert not {"investment_leads", "investment_followups", "investment_funding"} & kinds(inv.econ)
    assert not {"investment_leads"} & kinds(inv.unit)


@pytest.mark.parametrize("kind", ["investment_leads", "investment_followups", "investment_funding"])
def test_each_sheet_has_a_template(inv, kind):
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(REGISTRY[kind])))
    headers = [c.value for c in next(book.worksheets[0].iter_rows(max_row=5)) if c.value]
    assert headers


def test_leads_import_with_nodes_money_and_stages_and_undo(inv):
    rows = [
        LEAD_HEADER,
        [
            "",
            "正极材料项目",
            "湖南某某锂电材料有限公司",
            "新能源电池",
            "正极材料",
            "12.5",
            "展会",
            "第一招商小分队",
            "洽谈",
            "",
            "",
            "",
            "",
        ],
        [
            "",
            "电芯项目",
            "江苏某某电池有限公司",
            "新能源电池",
            "电芯制造",
            "8亿",
            "商协会",
            "第一招商小分队",
            "开工",
            "2026-01-10",
            "70000",
            "2026-03-01",
            "",
        ],
    ]
    batch = commit("investment_leads", inv.invest, rows)
    assert batch.created_count == 2
    cathode = Lead.objects.get(name="正极材料项目")
    assert (cathode.node, cathode.intended_investment, cathode.stage, cathode.team) == (
        inv.node,
        Decimal("125000"),
        "negotiating",
        inv.team,
    )
    cell = Lead.objects.get(name="电芯项目")
    assert (cell.stage, cell.signed_date, cell.started_date) == (
        "started",
        dt.date(2026, 1, 10),
        dt.date(2026, 3, 1),
    )
    # Re-importing with the codes updates; the same file again changes nothing.
    rows[1][0], rows[2][0] = cathode.code, cell.code
    rows[1][8] = "签约"
    rows[1][9], rows[1][10] = "2026-02-01", "100000"
    batch2 = commit("investment_leads", inv.invest, rows)
    assert (batch2.created_count, batch2.updated_count, batch2.unchanged_count) == (0, 1, 1)
    assert Lead.objects.get(pk=cathode.pk).stage == LeadStage.SIGNED
    intake.import_undo(batch=batch2, by=inv.invest)
    assert Lead.objects.get(pk=cathode.pk).stage == LeadStage.NEGOTIATING


def test_undoing_an_import_deletes_the_leads_it_created_unless_worked_on(inv):
    from zonedesk.investment import services

    def row(name):
        return ["", name, f"{name}公司", "", "", "", "展会", "", "", "", "", "", ""]

    batch = commit("investment_leads", inv.invest, [LEAD_HEADER, row("甲"), row("乙")])
    services.followup_add(
        lead=Lead.objects.get(name="甲"),
        by=inv.invest,
        data={
            "kind": "call",
            "date": dt.date(2026, 1, 2),
            "participants": "钱投促",
            "outcome": "x",
        },
    )
    with pytest.raises(ValidationError, match="导入后又被修改过|已有跟进"):
        intake.import_undo(batch=batch, by=inv.invest)
    batch = commit("investment_leads", inv.invest, [LEAD_HEADER, row("丙")])
    intake.import_undo(batch=batch, by=inv.invest)
    assert not Lead.objects.filter(name="丙").exists()


def test_lead_rows_with_problems_are_named_in_chinese(inv):
    rows = [
        LEAD_HEADER,
        ["", "甲", "甲公司", "新能源电池", "不存在的节点", "", "展会", "", "", "", "", "", ""],
        ["", "乙", "乙公司", "", "", "", "电视广告", "", "", "", "", "", ""],
        ["", "丙", "丙公司", "", "", "", "展会", "", "投产", "", "", "", ""],
        ["", "丁", "丁公司", "", "", "", "展会", "不存在小分队", "", "", "", "", ""],
    ]
    batch = preview("investment_leads", inv.invest, rows)
    reasons = {p["row"]: p["reason"] for p in batch.problems}
    assert "产业链“新能源电池”中没有“不存在的节点”节点" in reasons[2]
    assert "“电视广告”不是可选值" in reasons[3]
    assert "须填写签约日期" in " ".join(p["reason"] for p in batch.problems if p["row"] == 4)
    assert "没有名为“不存在小分队”的招商小分队" in reasons[5]
    with pytest.raises(ValidationError):
        intake.import_commit(batch=batch, by=inv.invest)
    assert not Lead.objects.exists()


def test_a_duplicate_row_needs_confirmation_and_then_flags_both_owners(inv):
    first = make_lead(inv, investor="鼎恒能源科技（山西）有限公司")
    row = [
        "",
        "二期",
        "山西鼎恒能源科技有限公司",
        "",
        "",
        "",
        "展会",
        "第二招商小分队",
        "",
        "",
        "",
        "",
        "",
    ]
    batch = preview("investment_leads", inv.invest2, [LEAD_HEADER, row])
    [problem] = batch.problems
    assert (
        "疑似撞单" in problem["reason"]
        and "钱投促" in problem["reason"]
        and problem["column"] == "投资方"
    )
    row[-1] = "是"
    commit("investment_leads", inv.invest2, [LEAD_HEADER, row])
    flag = DuplicateFlag.objects.get()
    assert flag.other == first and flag.lead.owner == inv.invest2


def test_follow_ups_import_once_and_move_a_bare_lead_to_contact(inv):
    lead = make_lead(inv)
    rows = [
        ["线索编号", "方式", "日期", "地点", "参与人员", "成果", "下一步"],
        [lead.code, "拜访", "2026-02-01", "南京", "钱投促", "初步意向", "邀请考察"],
        [lead.code, "电话", "2026-02-09", "", "钱投促", "确认考察时间", ""],
    ]
    batch = commit("investment_followups", inv.invest, rows)
    assert batch.created_count == 2 and FollowUp.objects.filter(lead=lead).count() == 2
    assert Lead.objects.get(pk=lead.pk).stage == LeadStage.CONTACT
    again = commit("investment_followups", inv.invest, rows)
    assert (again.created_count, again.unchanged_count) == (0, 2)
    intake.import_undo(batch=batch, by=inv.invest)
    assert not FollowUp.objects.exists()


def test_follow_ups_of_a_lead_outside_ones_team_are_refused(inv):
    lead = make_lead(inv)
    rows = [["线索编号", "日期", "参与人员", "成果"], [lead.code, "2026-02-01", "孙招商", "拜访"]]
    batch = preview("investment_followups", inv.invest2, rows)
    assert "无权修改招商项目" in batch.problems[0]["reason"]


def test_funding_imports_after_signing_with_kinds(inv):
    lead = sign(inv, make_lead(inv), on=dt.date(2026, 3, 1))
    unsigned = make_lead(inv, "未签约", "未签约公司")
    rows = [
        ["线索编号", "到位日期", "到位金额（万元）", "资金类别"],
        [lead.code, "2026-03-10", "3,000", "省外"],
        [lead.code, "2026-04-10", "0.1亿", "外资"],
    ]
    batch = commit("investment_funding", inv.invest, rows)
    assert sorted(FundingArrival.objects.values_list("kind", "amount")) == [
        ("domestic_out", Decimal("3000")),
        ("foreign", Decimal("1000")),
    ]
    assert commit("investment_funding", inv.invest, rows).unchanged_count == 2
    bad = preview(
        "investment_funding",
        inv.invest,
        [
            rows[0],
            [unsigned.code, "2026-03-10", "10", "省内"],
            [lead.code, "2026-02-10", "10", "省内"],
        ],
    )
    reasons = [p["reason"] for p in bad.problems]
    assert any("尚未签约" in r for r in reasons) and any("不能早于签约日期" in r for r in reasons)
    intake.import_undo(batch=batch, by=inv.invest)
    assert not FundingArrival.objects.exists()
