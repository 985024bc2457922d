"""A lead's life: register (with the duplicate guard), follow up, sign, record funding, become a
key project whose dates feed back; the chain map's writes. Every write audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.investment.conftest import make_lead, sign
from zonedesk.accounts.models import AuditEvent
from zonedesk.investment import services
from zonedesk.investment.models import DuplicateFlag, LeadStage, Link, TargetEnterprise
from zonedesk.projects import services as project_services
from zonedesk.projects.models import Project, Stage
from zonedesk.projects.services import EditConflict
from zonedesk.zones.models import Organisation


def followup(w, lead, **extra):
    data = {
        "kind": "visit",
        "date": dt.date(2026, 1, 5),
        "participants": "钱投促",
        "outcome": "初步意向",
    }
    data.update(extra)
    return services.followup_add(lead=lead, by=w.invest, data=data)


def test_it_registers_a_lead_with_a_code_and_an_audit_row(inv):
    lead = make_lead(inv)
    assert lead.code.startswith("ZS-") and lead.stage == LeadStage.LEAD
    assert lead.investor_key == "某某储能科技"  # province and legal form dropped
    event = AuditEvent.objects.get(object_type="investment.lead", object_id=str(lead.pk))
    assert event.action == "create" and event.actor == inv.invest


def test_a_second_lead_for_the_same_investor_is_refused_until_confirmed_then_flagged(inv):
    first = make_lead(inv, investor="鼎恒能源科技（山西）有限公司")
    with pytest.raises(services.DuplicateFound) as caught:
        make_lead(
            inv, "飞轮储能二期", investor="山西鼎恒能源科技有限公司", by=inv.invest2, team=inv.team2
        )
    [match] = caught.value.matches
    assert match.lead == first and match.reason == "投资方名称相同"
    assert "钱投促" in caught.value.messages[0]  # the other owner is named before saving
    second = make_lead(
        inv,
        "飞轮储能二期",
        investor="山西鼎恒能源科技有限公司",
        by=inv.invest2,
        team=inv.team2,
        confirm_duplicate=True,
    )
    flag = DuplicateFlag.objects.get()
    assert (flag.lead, flag.other) == (second, first)
    # The earlier lead's history shows the flag, so its owner sees it too.
    assert AuditEvent.objects.filter(
        root_type="investment.lead", root_id=str(first.pk), note__contains="撞单"
    ).exists()


def test_the_same_credit_code_is_a_duplicate_whatever_the_name(inv):
    make_lead(inv, investor="甲公司", investor_credit_code="91140300MA0K3YUR64")
    matches = services.find_duplicates(
        zone_id=inv.zone.pk,
        investor_name="完全不同的名字有限公司",
        credit_code="91140300MA0K3YUR64",
    )
    assert [m.reason for m in matches] == ["统一社会信用代码相同"]


def test_leads_of_another_zone_are_not_duplicates(inv):
    make_lead(inv, investor="鼎恒能源科技有限公司")
    assert (
        services.find_duplicates(zone_id=inv.other_zone.pk, investor_name="鼎恒能源科技有限公司")
        == []
    )


def test_a_bad_credit_code_is_named(inv):
    with pytest.raises(ValidationError) as caught:
        make_lead(inv, investor_credit_code="91140300MA0K3YUR6X")
    assert "校验位" in caught.value.message_dict["investor_credit_code"][0]


def test_the_first_follow_up_moves_a_bare_lead_to_contact(inv):
    lead = make_lead(inv)
    followup(inv, lead)
    lead.refresh_from_db()
    assert lead.stage == LeadStage.CONTACT and lead.followups.count() == 1
    with pytest.raises(ValidationError) as caught:
        followup(inv, lead, date=dt.date.today() + dt.timedelta(days=3))
    assert "不能晚于今天" in caught.value.message_dict["date"][0]


def test_stages_move_forward_signing_goes_through_the_agreement(inv):
    lead = make_lead(inv)
    lead = services.lead_change_stage(
        lead=lead, by=inv.invest, stage="negotiating", expected_version=lead.version
    )
    with pytest.raises(ValidationError, match="只能向前推进"):
        services.lead_change_stage(
            lead=lead, by=inv.invest, stage="contact", expected_version=lead.version
        )
    with pytest.raises(ValidationError, match="签约登记"):
        services.lead_change_stage(
            lead=lead, by=inv.invest, stage="signed", expected_version=lead.version
        )
    with pytest.raises(ValidationError, match="签约登记"):
        services.lead_change_stage(
            lead=lead,
            by=inv.invest,
            stage="started",
            date=dt.date(2026, 1, 1),
            expected_version=lead.version,
        )
    lead = sign(
        inv, lead, committed_start=dt.date(2026, 4, 1), committed_production=dt.date(2026, 10, 1)
    )
    assert lead.stage == LeadStage.SIGNED and lead.contract_amount == Decimal("80000")
    with pytest.raises(ValidationError, match="不能重复签约"):
        sign(inv, lead)
    with pytest.raises(ValidationError, match="须填写注册落地日期"):
        services.lead_change_stage(
            lead=lead, by=inv.invest, stage="registered", expected_version=lead.version
        )
    lead = services.lead_change_stage(
        lead=lead,
        by=inv.invest,
        stage="registered",
        date=dt.date(2026, 3, 10),
        expected_version=lead.version,
    )
    assert lead.stage == LeadStage.REGISTERED and lead.registered_date == dt.date(2026, 3, 10)


def test_terminating_needs_a_reason_and_resuming_returns_to_the_stage_reached(inv):
    lead = make_lead(inv)
    lead = services.lead_change_stage(
        lead=lead, by=inv.invest, stage="negotiating", expected_version=lead.version
    )
    with pytest.raises(ValidationError, match="终止须填写原因"):
        services.lead_change_stage(
            lead=lead, by=inv.invest, stage="terminated", expected_version=lead.version
        )
    lead = services.lead_change_stage(
        lead=lead,
        by=inv.invest,
        stage="terminated",
        note="企业投资计划调整",
        expected_version=lead.version,
    )
    assert (lead.stage, lead.terminated_from, lead.rank) == ("terminated", "negotiating", 2)
    with pytest.raises(ValidationError, match="终止前的阶段"):
        services.lead_change_stage(
            lead=lead, by=inv.invest, stage="lead", expected_version=lead.version
        )
    lead = services.lead_change_stage(
        lead=lead, by=inv.invest, stage="negotiating", expected_version=lead.version
    )
    assert lead.stage == "negotiating" and lead.termination_reason == ""


def test_a_stale_edit_conflicts_instead_of_overwriting(inv):
    lead = make_lead(inv)
    services.lead_update(lead=lead, by=inv.leader, data={"content": "电芯PACK"}, expected_version=1)
    with pytest.raises(EditConflict) as caught:
        services.lead_update(lead=lead, by=inv.invest, data={"content": "储能"}, expected_version=1)
    assert "王主任" in caught.value.messages[0] and "项目内容" in caught.value.messages[0]


def test_signing_checks_the_committed_dates(inv):
    lead = make_lead(inv)
    with pytest.raises(ValidationError) as caught:
        sign(inv, lead, committed_start=dt.date(2026, 2, 1))
    assert "不能早于签约日期" in caught.value.message_dict["committed_start"][0]
    with pytest.raises(ValidationError, match="大于0"):
        sign(inv, lead, amount=Decimal("0"))


def test_funding_arrives_only_after_signing_and_not_before_it(inv):
    lead = make_lead(inv)
    with pytest.raises(ValidationError, match="签约后"):
        services.arrival_add(
            lead=lead,
            by=inv.invest,
            date=dt.date(2026, 3, 5),
            amount=Decimal("100"),
            kind="domestic_out",
        )
    lead = sign(inv, lead)
    with pytest.raises(ValidationError, match="不能早于签约日期"):
        services.arrival_add(
            lead=lead,
            by=inv.invest,
            date=dt.date(2026, 2, 5),
            amount=Decimal("100"),
            kind="domestic_out",
        )
    arrival = services.arrival_add(
        lead=lead, by=inv.invest, date=dt.date(2026, 3, 5), amount=Decimal("3000"), kind="foreign"
    )
    assert arrival.get_kind_display() == "外资"
    assert AuditEvent.objects.filter(
        root_type="investment.lead", root_id=str(lead.pk), note__contains="到位资金3,000.00万元"
    ).exists()


def test_a_signed_lead_becomes_a_key_project_with_the_same_identity(inv):
    lead = make_lead(inv, land_need_mu=Decimal("120"), content="年产2GWh储能电池PACK")
    lead = sign(
        inv, lead, committed_start=dt.date(2026, 5, 1), committed_production=dt.date(2027, 3, 1)
    )
    project = services.lead_convert_to_project(lead=lead, by=inv.invest, department=inv.invest_dept)
    lead.refresh_from_db()
    assert lead.project == project and project.lead == lead
    assert (project.name, project.total_investment, project.land_area_mu) == (
        lead.name,
        Decimal("80000"),
        Decimal("120"),
    )
    assert (project.signed_date, project.planned_start, project.planned_production) == (
        dt.date(2026, 3, 1), dt.date(2026, 5, 1), dt.date(2027, 3, 1),
    )  # fmt: skip
    assert project.stage == Stage.SIGNED and project.owner.name == "江苏某某储能科技有限公司"
    assert Organisation.objects.filter(zone=inv.zone, name="江苏某某储能科技有限公司").count() == 1
    with pytest.raises(ValidationError, match="已转为重点项目"):
        services.lead_convert_to_project(lead=lead, by=inv.invest, department=inv.invest_dept)


def test_an_unsigned_lead_cannot_become_a_project(inv):
    lead = make_lead(inv)
    with pytest.raises(ValidationError, match="签约后"):
        services.lead_convert_to_project(lead=lead, by=inv.invest, department=inv.invest_dept)
    assert not Project.objects.filter(name=lead.name).exists()


def test_the_projects_start_and_production_move_the_lead_forward(inv):
    lead = sign(inv, make_lead(inv), committed_start=dt.date(2026, 5, 1))
    project = services.lead_convert_to_project(lead=lead, by=inv.invest, department=inv.invest_dept)
    project = project_services.project_change_stage(
        project=project,
        by=inv.invest,
        stage=Stage.STARTED,
        date=dt.date(2026, 6, 1),
        expected_version=project.version,
    )
    lead.refresh_from_db()
    assert (lead.stage, lead.started_date) == (LeadStage.STARTED, dt.date(2026, 6, 1))
    with pytest.raises(ValidationError, match="以重点项目库"):
        services.lead_change_stage(
            lead=lead,
            by=inv.invest,
            stage="producing",
            date=dt.date(2026, 9, 1),
            expected_version=lead.version,
        )
    project_services.project_update(
        project=project,
        by=inv.invest,
        data={
            "stage": Stage.PRODUCING,
            "actual_production": dt.date(2026, 9, 1),
            "actual_completion": dt.date(2026, 8, 1),
        },
        expected_version=project.version,
    )
    lead.refresh_from_db()
    assert (lead.stage, lead.producing_date) == (LeadStage.PRODUCING, dt.date(2026, 9, 1))
    sync = AuditEvent.objects.filter(
        object_type="investment.lead", object_id=str(lead.pk), actor_name="系统（重点项目库同步）"
    )
    assert sync.count() == 2


def test_the_chain_map_is_edited_as_a_tree_without_cycles(inv):
    child = services.node_create(
        by=inv.invest,
        chain=inv.chain,
        data={"name": "三元正极", "link": Link.DOWNSTREAM, "parent": inv.node},
    )
    assert child.link == Link.UPSTREAM  # a child sits in its parent's link
    with pytest.raises(ValidationError, match="本节点或其下级"):
        services.node_update(
            node=inv.node, by=inv.invest, data={"parent": child}, expected_version=inv.node.version
        )
    with pytest.raises(ValidationError, match="写明原因"):
        services.node_create(
            by=inv.invest,
            chain=inv.chain,
            data={"name": "隔膜", "link": Link.UPSTREAM, "is_weak": True},
        )
    with pytest.raises(ValidationError, match="已有名为"):
        services.node_create(
            by=inv.invest, chain=inv.chain, data={"name": "正极材料", "link": Link.UPSTREAM}
        )
    with pytest.raises(ValidationError, match="下级节点"):
        services.node_delete(node=inv.node, by=inv.invest)
    services.node_delete(node=child, by=inv.invest)
    assert AuditEvent.objects.filter(note__contains="删除节点“三元正极”").exists()


def test_a_target_becomes_a_lead_in_one_action(inv):
    lead = services.target_to_lead(target=inv.target, by=inv.invest)
    target = TargetEnterprise.objects.get(pk=inv.target.pk)
    assert target.lead == lead and target.status == "lead"
    assert (lead.node, lead.investor_name, lead.team, lead.owner) == (
        inv.node,
        "湖南长远锂科股份有限公司",
        inv.team,
        inv.invest,
    )
    with pytest.raises(ValidationError, match="已转为招商线索"):
        services.target_to_lead(target=target, by=inv.invest)


def test_membership_only_for_the_zones_own_organisations(inv):
    services.membership_add(
        by=inv.invest,
        node=inv.cell,
        organisation=inv.kaichuang,
        output=Decimal("12000"),
        above_scale=True,
    )
    with pytest.raises(ValidationError, match="本开发区"):
        services.membership_add(by=inv.invest, node=inv.cell, organisation=inv.other_org)
    with pytest.raises(ValidationError, match="已在该节点"):
        services.membership_add(by=inv.invest, node=inv.cell, organisation=inv.kaichuang)


def test_team_targets_are_set_and_audited(inv):
    target = services.team_target_set(
        team=inv.team2,
        by=inv.leader,
        year=2026,
        signed_count=8,
        signed_amount=Decimal("150000"),
        funds_amount=Decimal("30000"),
    )
    assert target.signed_count == 8
    services.team_target_set(
        team=inv.team2,
        by=inv.leader,
        year=2026,
        signed_count=9,
        signed_amount=Decimal("150000"),
        funds_amount=Decimal("30000"),
    )
    event = AuditEvent.objects.filter(
        object_type="investment.team", note__contains="2026年度"
    ).first()
    assert event.changes == [
        {"field": "signed_count", "label": "签约项目数目标", "old": "8", "new": "9"}
    ]


def test_projects_updated_in_bulk_sync_their_leads_on_request(inv):
    lead = sign(inv, make_lead(inv))
    project = services.lead_convert_to_project(lead=lead, by=inv.invest, department=inv.invest_dept)
    # A bulk update (as an Excel import does) sends no post_save.
    Project.objects.filter(pk=project.pk).update(
        stage=Stage.STARTED, actual_start=dt.date(2026, 4, 2)
    )
    assert (
        services.leads_sync_from_projects(project_ids=[project.pk, inv.project.pk], by=inv.econ)
        == 1
    )
    lead.refresh_from_db()
    assert (lead.stage, lead.started_date) == (LeadStage.STARTED, dt.date(2026, 4, 2))
    assert services.leads_sync_from_projects(project_ids=[project.pk], by=inv.econ) == 0


def test_a_converted_lead_whose_committed_start_passed_turns_its_project_amber(inv):
    from zonedesk.dispatch.models import ProjectWarning, WarningChange

    w = inv
    lead = sign(
        w,
        make_lead(w, "承诺开工项目", "承诺开工公司"),
        on=dt.date(2026, 1, 5),
        committed_start=dt.date(2026, 2, 1),
    )
    project = services.lead_convert_to_project(lead=lead, by=w.invest, department=w.invest_dept)
    warning = ProjectWarning.objects.get(project=project)
    reasons = {r["rule"]: r["text"] for r in warning.reasons}
    assert reasons["commitment_missed"] == "签约承诺2026年2月1日开工，至今未开工。"
    assert warning.colour in ("amber", "red")
    assert WarningChange.objects.filter(project=project).exists()


def test_a_project_started_through_an_excel_import_moves_its_lead(inv):
    from tests.intake.helpers import xlsx
    from zonedesk.intake import services as intake

    w = inv
    lead = sign(w, make_lead(w, "导入开工项目", "导入开工公司"), on=dt.date(2026, 1, 5))
    project = services.lead_convert_to_project(lead=lead, by=w.invest, department=w.invest_dept)
    sheet = xlsx(
        [
            [
                "项目代码",
                "项目名称",
                "项目类别",
                "总投资（万元）",
                "责任部门",
                "项目阶段",
                "实际开工",
            ],
            [project.code, project.name, "产业", "80000", "投资合作促进部", "新开工", "2026-03-02"],
        ]
    )
    batch = intake.import_preview(kind="projects", by=w.leader, file_name="开工.xlsx", data=sheet)
    assert batch.error_count == 0, batch.problems
    intake.import_commit(batch=batch, by=w.leader)
    project.refresh_from_db()
    lead.refresh_from_db()
    assert project.actual_start == dt.date(2026, 3, 2)
    assert (lead.stage, lead.started_date) == (LeadStage.STARTED, dt.date(2026, 3, 2))
