"""The pure rules (rules.py): tier conditions, 亩均 scoring and policy matching."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from zonedesk.enterprises import rules
from zonedesk.enterprises.rules import FirmFacts, MuFirm, YearFigures

AS_OF = dt.date(2026, 6, 30)


def year(revenue, rd=0, tax=0, months=12, electricity=10, output=None, employees=100):
    return YearFigures(
        months=months, revenue=Decimal(revenue), rd=Decimal(rd), tax=Decimal(tax),
        electricity=Decimal(electricity), output=Decimal(output if output is not None else revenue),
        employees=Decimal(employees),
    )  # fmt: skip


def firm(**kw) -> FirmFacts:
    base = {
        "as_of": AS_OF, "industry_code": "3841", "founded_on": dt.date(2015, 1, 1), "employees": 100,
        "tech_staff": 20, "total_assets": Decimal(5000), "high_tech_income_ratio": Decimal(65),
        "ip_class1": 1, "ip_class2": 0,
        "years": {2025: year(4000, 240), 2024: year(3500, 200), 2023: year(3000, 180)},
    }  # fmt: skip
    base.update(kw)
    return FirmFacts(**base)


def by_tier(facts, rule_set=None):
    return {r.tier: r for r in rules.evaluate_tiers(facts, rule_set)}


def test_a_firm_meeting_every_high_tech_condition_is_a_candidate_with_its_conditions_listed():
    result = by_tier(firm())["high_tech"]
    assert result.status == "eligible"
    labels = [c.label for c in result.conditions]
    assert "科技人员占职工总数比例" in labels
    rd = next(c for c in result.conditions if c.label.startswith("近3个会计年度研发费用"))
    # (240+200+180)/(4000+3500+3000) = 5.90 %, latest year 4000万 ≤ 5000万 → at least 5 %.
    assert (rd.value, rd.outcome) == ("5.90%", "pass") and rd.threshold.startswith("≥ 5%")


def test_r_and_d_ratio_band_follows_latest_year_revenue():
    assert (
        rules.high_tech_rd_threshold(
            Decimal(5000), rules.DEFAULT_TIER_RULES["high_tech"]["rd_bands"]
        )
        == 5
    )
    assert (
        rules.high_tech_rd_threshold(
            Decimal(5001), rules.DEFAULT_TIER_RULES["high_tech"]["rd_bands"]
        )
        == 4
    )
    assert (
        rules.high_tech_rd_threshold(
            Decimal(20000), rules.DEFAULT_TIER_RULES["high_tech"]["rd_bands"]
        )
        == 4
    )
    assert (
        rules.high_tech_rd_threshold(
            Decimal(20001), rules.DEFAULT_TIER_RULES["high_tech"]["rd_bands"]
        )
        == 3
    )


def test_a_missing_year_makes_high_tech_incomplete_not_failed():
    facts = firm(years={2025: year(4000, 240), 2023: year(3000, 180)})
    result = by_tier(facts)["high_tech"]
    assert result.status == "incomplete"
    rd = next(c for c in result.conditions if "研发费用" in c.label)
    assert rd.outcome == "missing" and "2024" in rd.value


def test_too_few_tech_staff_fails_and_says_by_how_much():
    result = by_tier(firm(tech_staff=5))["high_tech"]
    assert result.status == "not_eligible"
    staff = next(c for c in result.conditions if c.label == "科技人员占职工总数比例")
    assert (staff.value, staff.threshold, staff.outcome) == ("5.00%", "≥ 10%", "fail")


def test_a_young_firm_uses_the_years_since_founding():
    facts = firm(founded_on=dt.date(2024, 3, 1), years={2025: year(1000, 60), 2024: year(500, 30)})
    rd = next(c for c in by_tier(facts)["high_tech"].conditions if "研发费用" in c.label)
    assert rd.label.startswith("近2个会计年度") and rd.outcome == "pass"


def test_holding_a_certificate_is_held_whatever_the_figures():
    assert by_tier(firm(holds=frozenset({"high_tech"}), tech_staff=0))["high_tech"].status == "held"


def test_four_above_by_industry_and_revenue():
    assert by_tier(firm(years={2025: year(2000)}))["four_above"].status == "eligible"
    assert by_tier(firm(years={2025: year(1999)}))["four_above"].status == "not_eligible"
    retail = by_tier(firm(industry_code="5211", years={2025: year(600)}))["four_above"]
    assert retail.status == "eligible" and retail.note == "限额以上零售业"
    # 物业管理 7020 is a 1000万 service line even though 70 (房地产) starts its code.
    prop = by_tier(firm(industry_code="7020", years={2025: year(900)}))["four_above"]
    assert prop.status == "not_eligible" and "≥ 1000万元" in prop.conditions[0].threshold
    assert by_tier(firm(industry_code="", years={}))["four_above"].status == "incomplete"


def test_tech_sme_score_parts():
    score, parts = rules.tech_sme_score(firm(), rules.DEFAULT_TIER_RULES["tech_sme"])
    # staff 20 % → 12, R&D 6 % → 50, one class-I IP → 30.
    assert (parts["staff_points"], parts["rd_points"], parts["ip_points"], score) == (
        12,
        50,
        30,
        92,
    )


@given(
    st.integers(0, 600), st.integers(0, 600), st.integers(0, 50000), st.integers(0, 3000),
    st.integers(0, 3), st.integers(0, 6),
)  # fmt: skip
@settings(max_examples=200)
def test_tech_sme_score_stays_within_0_and_100(staff, tech, revenue, rd, ip1, ip2):
    facts = firm(employees=staff, tech_staff=min(tech, staff), ip_class1=ip1, ip_class2=ip2,
                 years={2025: year(revenue, rd)})  # fmt: skip
    score, _ = rules.tech_sme_score(facts, rules.DEFAULT_TIER_RULES["tech_sme"])
    assert score is None or 0 <= score <= 100
    result = by_tier(facts)["tech_sme"]
    assert result.status in {"eligible", "not_eligible", "incomplete"}
    if result.status == "eligible":
        assert all(c.outcome in ("pass", "manual") for c in result.conditions)


def test_edited_thresholds_change_the_answer():
    edited = rules.deepcopy_rules(rules.DEFAULT_TIER_RULES)
    edited["high_tech"]["min_tech_staff_ratio"] = 25
    assert by_tier(firm(), edited)["high_tech"].status == "not_eligible"
    assert rules.validate_tier_rules(edited) == []
    broken = rules.deepcopy_rules(edited)
    broken["high_tech"]["min_tech_staff_ratio"] = "很多"
    assert rules.validate_tier_rules(broken) == [
        "“高新技术企业”规则的 min_tech_staff_ratio 应为数字。"
    ]


# --- 亩均 ---------------------------------------------------------------------------------------

mu_firms = st.lists(
    st.tuples(
        st.integers(0, 400),  # land
        st.integers(0, 5000),  # tax
        st.integers(1, 50000),  # revenue
        st.integers(0, 2000),  # electricity
        st.integers(6, 12),  # months
        st.sampled_from(["C", "C", "C", "D", "I"]),
    ),
    min_size=0,
    max_size=60,
)


def _mu(specs):
    return [
        MuFirm(id=i + 1, land_mu=Decimal(land) if land else None, section=section,
               figures=year(rev, tax=tax, electricity=elec, months=months), years_in_production=Decimal(5))
        for i, (land, tax, rev, elec, months, section) in enumerate(specs)
    ]  # fmt: skip


@given(mu_firms)
@settings(max_examples=200, deadline=None)
def test_mu_every_firm_gets_one_result_and_grades_follow_scores(specs):
    firms = _mu(specs)
    results = rules.mu_evaluate(firms, rules.DEFAULT_MU_CONFIG, 2025)
    assert [r.id for r in results] == [f.id for f in firms]
    graded = [r for r in results if r.grade != "T"]
    cap = Decimal(rules.DEFAULT_MU_CONFIG["score_cap"]) * 100
    order = "ABCD"
    for r in results:
        if r.grade == "T":
            assert r.reason and r.score is None
        else:
            assert 0 <= r.score <= cap and not r.reason
    for a in graded:
        for b in graded:
            if a.score > b.score:
                assert order.index(a.grade) <= order.index(b.grade)
            if a.score == b.score:
                assert a.grade == b.grade
    if graded:
        best = max(graded, key=lambda r: r.score)
        assert best.grade == "A" and best.rank == 1


def test_mu_bands_split_twenty_firms_as_configured():
    firms = _mu([(10, 100 * (i + 1), 1000, 100, 12, "C") for i in range(20)])
    grades = [r.grade for r in rules.mu_evaluate(firms, rules.DEFAULT_MU_CONFIG, 2025)]
    assert grades.count("A") == 4 and grades.count("B") == 8 and grades.count("C") == 7
    assert grades.count("D") == 1


def test_mu_t_reasons():
    firms = [
        MuFirm(1, Decimal(2), "C", year(100, tax=5), Decimal(5)),
        MuFirm(2, Decimal(20), "D", year(100, tax=5), Decimal(5)),
        MuFirm(3, Decimal(20), "C", year(100, tax=5), Decimal(1)),
        MuFirm(4, Decimal(20), "C", year(100, tax=5, months=8), Decimal(5)),
        MuFirm(5, None, "C", year(100, tax=5), Decimal(5)),
    ]
    reasons = [r.reason for r in rules.mu_evaluate(firms, rules.DEFAULT_MU_CONFIG, 2025)]
    assert reasons == [
        "用地面积2亩，不足3亩",
        "所属门类D不参加评价（公用事业）",
        "投产不足2年",
        "2025年月度数据不全（仅8个月）",
        "未登记用地面积",
    ]


def test_mu_fixed_benchmark_and_breakdown():
    config = rules.deepcopy_rules(rules.DEFAULT_MU_CONFIG)
    config["indicators"] = [{"key": "tax_per_mu", "weight": 100, "benchmark": 10}]
    (result,) = rules.mu_evaluate(
        [MuFirm(1, Decimal(10), "C", year(1000, tax=50), Decimal(5))], config, 2025
    )
    assert result.score == Decimal("50.00")
    assert result.breakdown[0] == {
        "key": "tax_per_mu", "label": "亩均税收", "unit": "万元/亩", "value": "5.00",
        "benchmark": "10.00", "weight": "100", "points": "50.00",
    }  # fmt: skip


def test_mu_config_validation_messages():
    assert rules.validate_mu_config(rules.DEFAULT_MU_CONFIG) == []
    bad = {"indicators": [{"key": "亩均GDP", "weight": 1}], "bands": [["A", 50], ["B", 40]]}
    problems = rules.validate_mu_config(bad)
    assert problems[0].startswith("未知的评价指标") and "百分位递增" in problems[1]


# --- policies -----------------------------------------------------------------------------------


def test_policy_conditions_explain_each_outcome():
    conditions = [
        {"field": "revenue", "op": ">=", "value": 2000},
        {"field": "industry", "op": "in", "value": ["38", "39"]},
        {"field": "tier", "op": "has", "value": "high_tech"},
    ]
    facts = rules.policy_facts(firm(holds=frozenset({"high_tech"})))
    ok, checked = rules.evaluate_policy(conditions, facts)
    assert ok is True and [c.outcome for c in checked] == ["pass", "pass", "pass"]
    ok, checked = rules.evaluate_policy(conditions, rules.policy_facts(firm(industry_code="2613")))
    assert ok is False and [c.outcome for c in checked] == ["pass", "fail", "fail"]
    ok, checked = rules.evaluate_policy(conditions[:1], rules.policy_facts(firm(years={})))
    assert ok is None and checked[0].outcome == "missing"


@given(
    st.integers(-5, 100000), st.sampled_from([">=", "<=", ">", "<", "=="]), st.integers(0, 100000)
)
@settings(max_examples=200)
def test_numeric_policy_conditions_agree_with_python(value, op, threshold):
    facts = {"revenue": Decimal(value)}
    ok, _ = rules.evaluate_policy([{"field": "revenue", "op": op, "value": threshold}], facts)
    expected = {">=": value >= threshold, "<=": value <= threshold, ">": value > threshold,
                "<": value < threshold, "==": value == threshold}[op]  # fmt: skip
    assert ok is expected


def test_policy_condition_validation():
    assert rules.validate_policy_conditions([{"field": "revenue", "op": ">=", "value": 10}]) == []
    assert rules.validate_policy_conditions([{"field": "营收", "op": ">=", "value": 1}]) == [
        "第1个条件：未知的字段 营收。"
    ]
    assert rules.validate_policy_conditions([{"field": "tier", "op": "has", "value": "gaoqi"}]) == [
        "第1个条件：未知的资质 gaoqi。"
    ]
