"""Writes of enterprise services: one identity, optimistic locking, audit, deadlines, 亩均 steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.enterprises.conftest import add_years, last_years, make_enterprise, new_code
from zonedesk.accounts.models import AuditEvent
from zonedesk.enterprises import selectors, services
from zonedesk.enterprises.models import (
    CalendarDay,
    Certificate,
    FinancialInstitution,
    FinancingNeed,
    MuEvaluation,
    Policy,
    ServiceRequest,
)
from zonedesk.projects.services import EditConflict
from zonedesk.zones.models import Organisation


def test_an_organisation_already_registered_becomes_the_enterprise(world):
    code = new_code()
    enterprise = services.enterprise_register(
        by=world.econ, zone=world.zone, data={"industry_code": "3441"}, organisation=world.kaichuang,
        org_data={"credit_code": code},
    )  # fmt: skip
    assert enterprise.organisation_id == world.kaichuang.pk
    world.kaichuang.refresh_from_db()
    assert world.kaichuang.credit_code == code and enterprise.region_code == "140300"
    # Its projects are on its file: the same identity as owner and implementing unit.
    assert list(selectors.projects_of(enterprise)) == [world.project]
    with pytest.raises(ValidationError, match="已建档"):
        services.enterprise_register(
            by=world.econ, zone=world.zone, data={}, organisation=world.kaichuang
        )


def test_renaming_keeps_the_former_name_and_a_stale_edit_is_refused(world, firm):
    services.enterprise_update(
        enterprise=firm,
        by=world.econ,
        data={},
        org_data={"name": "山西智能装备股份有限公司"},
        expected_version=1,
    )
    firm.refresh_from_db()
    assert firm.former_names == "山西智能装备有限公司" and firm.version == 2
    with pytest.raises(EditConflict) as exc:
        services.enterprise_update(
            enterprise=firm, by=world.invest, data={"address": "科技大道1号"}, expected_version=1
        )
    assert (
        "赵经发" in exc.value.messages[0]
        and "“单位名称”由“山西智能装备有限公司”" in exc.value.messages[0]
    )


def test_a_bad_industry_code_is_refused_in_chinese(world, firm):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_update(
            enterprise=firm, by=world.econ, data={"industry_code": "38A1"}, expected_version=1
        )
    assert exc.value.message_dict["industry_code"] == [
        "行业代码应为4位数字的国民经济行业分类小类代码，如 3841。"
    ]


def test_figures_are_saved_once_per_month_and_versioned(world, firm):
    first = services.figures_save(
        enterprise=firm, by=world.econ, year=2025, month=3, values={"revenue": Decimal("500")}
    )
    assert first.version == 1
    with pytest.raises(ValidationError, match="已由他人录入"):
        services.figures_save(
            enterprise=firm, by=world.invest, year=2025, month=3, values={"revenue": Decimal("1")}
        )
    second = services.figures_save(
        enterprise=firm,
        by=world.econ,
        year=2025,
        month=3,
        values={"revenue": Decimal("520")},
        expected_version=1,
    )
    assert second.version == 2
    event = AuditEvent.objects.filter(object_type="enterprises.monthlyfigure").first()
    assert event.root_id == str(firm.pk) and event.changes[0]["new"] == "520.00"


def test_figures_for_a_future_month_or_negative_are_refused(world, firm):
    today = timezone.localdate()
    future = today.replace(day=1) + dt.timedelta(days=40)
    with pytest.raises(ValidationError) as exc:
        services.figures_save(
            enterprise=firm,
            by=world.econ,
            year=future.year,
            month=future.month,
            values={"revenue": Decimal("1")},
        )
    assert "尚未到来" in exc.value.message_dict["month"][0]
    with pytest.raises(ValidationError) as exc:
        services.figures_save(
            enterprise=firm, by=world.econ, year=2025, month=1, values={"tax": Decimal("-1")}
        )
    assert exc.value.message_dict["tax"] == ["税收（万元）不能为负数。"]


def test_importing_three_years_makes_a_high_tech_candidate(world, firm):
    assert (
        next(r for r in selectors.eligibility(firm) if r.tier == "high_tech").status == "incomplete"
    )
    add_years(firm, last_years(3), revenue="300", rd="20")  # 3,600万/year, R&D 6.67 %
    result = next(r for r in selectors.eligibility(firm) if r.tier == "high_tech")
    assert result.status == "eligible"
    assert selectors.candidate_ids([firm], "high_tech") == [firm.pk]


def test_a_valid_certificate_counts_an_expired_or_revoked_one_does_not(world, firm):
    today = timezone.localdate()
    cert = services.certificate_add(
        enterprise=firm, by=world.econ,
        data={"kind": "high_tech", "issuer": "省科技厅", "number": "GR2024", "issued_on": today - dt.timedelta(days=30), "expires_on": today + dt.timedelta(days=60)},
    )  # fmt: skip
    assert next(r for r in selectors.eligibility(firm) if r.tier == "high_tech").status == "held"
    assert list(selectors.expiring_certificates(world.econ)) == [cert]
    services.certificate_revoke(certificate=cert, by=world.econ, reason="复审未通过")
    assert next(r for r in selectors.eligibility(firm) if r.tier == "high_tech").status != "held"
    with pytest.raises(ValidationError) as exc:
        services.certificate_add(
            enterprise=firm,
            by=world.econ,
            data={
                "kind": "tech_sme",
                "issued_on": today,
                "expires_on": today - dt.timedelta(days=1),
            },
        )
    assert exc.value.message_dict["expires_on"] == ["有效期至不能早于认定日期。"]


def test_rule_sets_are_versioned_and_the_one_in_effect_applies(world, firm):
    add_years(firm, last_years(3), revenue="300", rd="20")
    rules_now, row = selectors.tier_rules_for(world.zone.pk)
    assert row is None
    rules_now["high_tech"]["min_high_tech_income_ratio"] = 80
    today = timezone.localdate()
    services.tier_rules_save(
        zone=world.zone,
        by=world.leader,
        data=rules_now,
        effective_from=today + dt.timedelta(days=10),
        note="拟提高",
    )
    assert (
        next(r for r in selectors.eligibility(firm) if r.tier == "high_tech").status == "eligible"
    )
    later = next(
        r
        for r in selectors.eligibility(firm, as_of=today + dt.timedelta(days=11))
        if r.tier == "high_tech"
    )
    assert later.status == "not_eligible"
    rules_now["tech_sme"]["min_score"] = "六十"
    with pytest.raises(ValidationError) as exc:
        services.tier_rules_save(
            zone=world.zone, by=world.leader, data=rules_now, effective_from=today
        )
    assert "min_score 应为数字" in exc.value.message_dict["data"][0]


def test_request_deadline_counts_working_days_on_the_official_calendar(world, firm):
    item = services.service_request_create(
        enterprise=firm, by=world.econ,
        data={"category": "land", "description": "扩建用地", "department": world.econ_dept, "received_on": dt.date(2026, 2, 12), "time_limit_days": 5},
    )  # fmt: skip
    assert item.due_on == dt.date(2026, 2, 26)
    assert (
        "5个工作日内办结（2026-02-26前）"
        in AuditEvent.objects.filter(object_type="enterprises.servicerequest").first().note
    )


def test_an_entered_adjustment_moves_a_deadline(world, firm):
    CalendarDay.objects.create(date=dt.date(2026, 3, 2), is_workday=False, name="示例调整")
    item = services.service_request_create(
        enterprise=firm, by=world.econ,
        data={"category": "other", "description": "x", "department": world.econ_dept, "received_on": dt.date(2026, 2, 27), "time_limit_days": 2},
    )  # fmt: skip
    # Sat 28 Feb 调休上班 (1), Sun 1 Mar off, Mon 2 Mar entered as a day off, Tue 3 Mar (2).
    assert item.due_on == dt.date(2026, 3, 3)


def test_reply_rate_and_overdue(world, firm):
    old = dt.date(2026, 1, 5)
    item = services.service_request_create(
        enterprise=firm, by=world.econ,
        data={"category": "finance", "description": "贷款", "department": world.econ_dept, "received_on": old, "time_limit_days": 3},
    )  # fmt: skip
    assert list(selectors.overdue_requests(world.zone.pk)) == [item]
    with pytest.raises(ValidationError, match="答复后才能评价"):
        services.service_request_rate(item=item, by=world.econ, satisfaction=5)
    item = services.service_request_reply(
        item=item, by=world.econ, reply="已对接建设银行", close=False, expected_version=1
    )
    assert (
        item.status == ServiceRequest.Status.REPLIED
        and not selectors.overdue_requests(world.zone.pk).exists()
    )
    item = services.service_request_rate(item=item, by=world.unit, satisfaction=4)
    assert (item.status, item.satisfaction) == (ServiceRequest.Status.CLOSED, 4)


def test_overdue_requests_feed_the_dispatch_agenda(world, firm):
    agenda = pytest.importorskip("zonedesk.dispatch.agenda")
    item = services.service_request_create(
        enterprise=firm, by=world.econ,
        data={"category": "energy", "description": "增容", "department": world.econ_dept, "received_on": dt.date(2026, 1, 5), "time_limit_days": 3},
    )  # fmt: skip
    found = [
        c
        for c in agenda.candidates(world.zone, timezone.localdate(), "small")
        if c.kind == "enterprise_request"
    ]
    assert [c.key for c in found] == [f"enterprise_request:{item.pk}"]
    assert (
        found[0].colour == "red"
        and "超期" in found[0].title
        and found[0].url == f"/enterprises/requests/{item.pk}/"
    )
    # It concerns its 承办部门, so a 小调度 of that portfolio keeps it and another leaves it out.
    assert found[0].departments == (world.econ_dept.pk,)
    for departments, expected in [([world.econ_dept.pk], 1), ([world.econ_dept.pk + 1000], 0)]:
        kept = agenda.candidates(world.zone, timezone.localdate(), "small", departments=departments)
        assert len([c for c in kept if c.kind == "enterprise_request"]) == expected


def test_policy_who_qualifies_and_why(world, firm):
    other = make_enterprise(world.zone, "山西小微商贸有限公司", industry_code="5211")
    add_years(firm, last_years(1), revenue="300", rd="20")
    policy = services.policy_save(
        zone=world.zone, by=world.econ,
        data={"title": "研发后补助", "issuer": "管委会", "benefit": "10%后补助", "conditions": [{"field": "rd", "op": ">=", "value": 100}, {"field": "industry", "op": "in", "value": ["38"]}]},
    )  # fmt: skip
    matches = {
        e.pk: (ok, checked) for e, ok, checked in selectors.policy_matches(policy, [firm, other])
    }
    assert matches[firm.pk][0] is True
    assert matches[other.pk][0] is False and matches[other.pk][1][1].outcome == "fail"
    with pytest.raises(ValidationError) as exc:
        services.policy_save(
            zone=world.zone,
            by=world.econ,
            data={"title": "x", "issuer": "y", "benefit": "z", "conditions": [{"field": "营收"}]},
        )
    assert exc.value.message_dict["conditions"] == ["第1个条件：未知的字段 营收。"]
    assert Policy.objects.count() == 1


def test_mu_evaluation_draft_publish_final(world, firm):
    year = timezone.localdate().year - 1
    small = make_enterprise(world.zone, "山西小厂有限公司", land_area_mu=Decimal(2))
    add_years(firm, [year])
    add_years(small, [year])
    evaluation = services.mu_evaluation_compute(zone=world.zone, year=year, by=world.leader)
    results = {r.enterprise_id: r for r in evaluation.results.all()}
    assert results[firm.pk].grade == "A" and results[small.pk].grade == "T"
    assert results[small.pk].reason == "用地面积2.00亩，不足3亩"
    evaluation = services.mu_evaluation_publish(
        evaluation=evaluation,
        by=world.leader,
        objection_days=5,
        expected_version=evaluation.version,
    )
    assert (
        evaluation.status == MuEvaluation.Status.PUBLISHED
        and evaluation.objection_until > timezone.localdate()
    )
    with pytest.raises(ValidationError, match="不能重新计算"):
        services.mu_evaluation_compute(zone=world.zone, year=year, by=world.leader)
    with pytest.raises(ValidationError, match="公示期满后"):
        services.mu_evaluation_finalise(
            evaluation=evaluation, by=world.leader, expected_version=evaluation.version
        )
    MuEvaluation.objects.filter(pk=evaluation.pk).update(
        objection_until=timezone.localdate() - dt.timedelta(days=1)
    )
    evaluation.refresh_from_db()
    final = services.mu_evaluation_finalise(
        evaluation=evaluation, by=world.leader, expected_version=evaluation.version
    )
    assert final.status == MuEvaluation.Status.FINAL
    with pytest.raises(ValidationError, match="尚未结束"):
        services.mu_evaluation_compute(
            zone=world.zone, year=timezone.localdate().year, by=world.leader
        )


def test_loan_outcome(world, firm):
    bank = services.institution_create(zone=world.zone, by=world.econ, name="晋商银行阳泉分行")
    need = services.financing_need_create(
        enterprise=firm, by=world.econ, data={"amount": Decimal("800"), "purpose": "购置设备"}
    )
    with pytest.raises(ValidationError) as exc:
        services.financing_outcome_record(
            need=need,
            by=world.econ,
            status="granted",
            institution=None,
            product=None,
            granted_amount=None,
            granted_on=None,
            expected_version=1,
        )
    assert set(exc.value.message_dict) == {"institution", "granted_amount", "granted_on"}
    need = services.financing_outcome_record(
        need=need, by=world.econ, status="granted", institution=bank, product=None,
        granted_amount=Decimal("600"), granted_on=dt.date(2026, 3, 1), expected_version=1,
    )  # fmt: skip
    assert (need.status, need.granted_amount, need.version) == (
        FinancingNeed.Status.GRANTED,
        Decimal("600"),
        2,
    )
    foreign = FinancialInstitution.objects.create(zone=world.other_zone, name="别区银行")
    with pytest.raises(ValidationError, match="不属于本开发区"):
        services.financing_outcome_record(
            need=need,
            by=world.econ,
            status="granted",
            institution=foreign,
            product=None,
            granted_amount=Decimal(1),
            granted_on=dt.date(2026, 3, 1),
            expected_version=2,
        )


def test_every_write_is_audited_on_the_file(world, firm):
    services.certificate_add(enterprise=firm, by=world.econ, data={"kind": "tech_sme"})
    services.plan_create(
        enterprise=firm,
        by=world.econ,
        data={
            "goal": "申报高企",
            "measures": "辅导",
            "department": world.econ_dept,
            "deadline": dt.date(2026, 12, 31),
        },
    )
    kinds = set(
        AuditEvent.objects.filter(
            root_type="enterprises.enterprise", root_id=str(firm.pk)
        ).values_list("object_type", flat=True)
    )
    assert kinds == {"enterprises.enterprise", "enterprises.certificate", "enterprises.serviceplan"}
    assert (
        Certificate.objects.count() == 1
        and Organisation.objects.filter(name="山西智能装备有限公司").exists()
    )


def test_the_file_shows_the_firms_leads_when_investment_is_installed(world, firm):
    from django.apps import apps

    if not apps.is_installed("zonedesk.investment"):
        pytest.skip("zonedesk.investment not installed")
    lead_model = apps.get_model("investment", "Lead")
    lead_model.objects.create(
        zone=world.zone, code="ZS-1", name="二期扩产项目", investor_name="某外地公司",
        investor_credit_code=firm.organisation.credit_code, owner=world.invest, land_need_mu=Decimal(10),
    )  # fmt: skip
    lead_model.objects.create(
        zone=world.zone,
        code="ZS-2",
        name="无关项目",
        investor_name="别家",
        owner=world.invest,
        land_need_mu=Decimal(1),
    )
    leads = selectors.related_records(firm, world.invest)["leads"]
    assert "leads" not in selectors.related_records(firm, world.unit)
    assert [lead["title"] for lead in leads] == ["二期扩产项目"] and leads[0]["url"].startswith(
        "/investment/leads/"
    )
