"""Tier eligibility, 亩均 scoring and policy matching as pure functions over plain data.

Nothing here touches Django: selectors turn the database into `FirmFacts`, the zone's editable rule
sets (versioned JSON, defaults below from DOMAIN.md §3 and §4.1) come in as dicts, and the answer
is data the pages render — for each condition the figure, the threshold and pass / fail / missing.
That keeps the rules testable with hypothesis and the thresholds out of the code paths.

Figures are in the units the register stores: money in 万元, electricity in 万千瓦时, land in 亩.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = [
    "DEFAULT_MU_CONFIG",
    "DEFAULT_TIER_RULES",
    "MU_INDICATORS",
    "POLICY_FACTS",
    "TIERS",
    "Condition",
    "FirmFacts",
    "MuFirm",
    "MuResult",
    "TierResult",
    "YearFigures",
    "evaluate_policy",
    "evaluate_tiers",
    "mu_evaluate",
    "policy_facts",
    "validate_mu_config",
    "validate_policy_conditions",
    "validate_tier_rules",
]

PASS, FAIL, MISSING, MANUAL = "pass", "fail", "missing", "manual"
OUTCOME_LABELS = {PASS: "符合", FAIL: "不符合", MISSING: "缺数据", MANUAL: "待核实"}

# Tier codes, in the order of the cultivation ladders (梯度培育).
TIERS = {
    "four_above": "四上企业（规上/限上）",
    "tech_sme": "科技型中小企业",
    "high_tech": "高新技术企业",
    "innovative_sme": "创新型中小企业",
    "specialised": "专精特新中小企业",
    "little_giant": "专精特新“小巨人”",
}
# The next rung each tier leads to, for the funnel's "candidates for the next tier".
LADDER = {"tech_sme": "high_tech", "innovative_sme": "specialised", "specialised": "little_giant"}

HUNDRED = Decimal(100)


def _pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or whole is None or whole <= 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal | float):
        return f"{Decimal(value):,.2f}{unit}"
    return f"{value}{unit}"


# --- facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    """One calendar year of a firm's monthly figures, summed (employees averaged)."""

    months: int = 0
    output: Decimal | None = None  # 产值（万元）
    revenue: Decimal | None = None  # 营业收入（万元）
    tax: Decimal | None = None  # 税收（万元）
    electricity: Decimal | None = None  # 用电量（万千瓦时）
    rd: Decimal | None = None  # 研发投入（万元）
    employees: Decimal | None = None  # 年平均从业人员

    @property
    def complete(self) -> bool:
        return self.months >= 12


_NO_FIGURES = YearFigures()


@dataclass(frozen=True)
class FirmFacts:
    """What the rules know about one firm (企业事实), as of a date."""

    as_of: dt.date
    industry_code: str = ""  # GB/T 4754-2017 小类, 4 digits
    founded_on: dt.date | None = None
    employees: int | None = None  # latest month
    tech_staff: int | None = None  # 科技人员
    total_assets: Decimal | None = None  # 资产总额（万元）
    high_tech_income_ratio: Decimal | None = None  # 高新技术产品（服务）收入占比（%）
    ip_class1: int | None = None  # Ⅰ类知识产权（发明专利等）
    ip_class2: int | None = None  # Ⅱ类知识产权（实用新型等）
    construction_qualification: bool = False  # 建筑业总承包/专业承包资质
    land_mu: Decimal | None = None
    region_code: str = ""
    holds: frozenset[str] = frozenset()  # tiers and platforms held (valid certificates)
    years: Mapping[int, YearFigures] = field(default_factory=dict)
    mu_grade: str = ""

    @property
    def last_year(self) -> int:
        """The latest fiscal year the rules look at: the calendar year before `as_of`."""
        return self.as_of.year - 1

    def year(self, year: int) -> YearFigures:
        return self.years.get(year, _NO_FIGURES)

    def years_registered(self) -> Decimal | None:
        if self.founded_on is None:
            return None
        days = (self.as_of - self.founded_on).days
        return (Decimal(days) / Decimal("365.25")).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Condition:
    """One condition of a rule, as the page shows it: 条件, 实际, 标准, 结论."""

    label: str
    value: str
    threshold: str
    outcome: str  # pass | fail | missing | manual

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass(frozen=True)
class TierResult:
    tier: str
    held: bool
    status: str  # held | eligible | not_eligible | incomplete
    conditions: tuple[Condition, ...]
    score: Decimal | None = None
    note: str = ""

    @property
    def label(self) -> str:
        return TIERS[self.tier]

    @property
    def status_label(self) -> str:
        return {
            "held": "已认定",
            "eligible": "符合条件，可申报",
            "not_eligible": "暂不符合",
            "incomplete": "数据不全",
        }[self.status]


def _status(held: bool, conditions: Iterable[Condition]) -> str:
    outcomes = {c.outcome for c in conditions}
    if held:
        return "held"
    if FAIL in outcomes:
        return "not_eligible"
    if MISSING in outcomes:
        return "incomplete"
    return "eligible"


def _at_least(label: str, value: Decimal | int | None, minimum, unit: str = "") -> Condition:
    if value is None:
        return Condition(label, "—", f"≥ {_fmt(minimum, unit)}", MISSING)
    ok = Decimal(value) >= Decimal(str(minimum))
    return Condition(label, _fmt(value, unit), f"≥ {_fmt(minimum, unit)}", PASS if ok else FAIL)


def _at_most(label: str, value: Decimal | int | None, maximum, unit: str = "") -> Condition:
    if value is None:
        return Condition(label, "—", f"≤ {_fmt(maximum, unit)}", MISSING)
    ok = Decimal(value) <= Decimal(str(maximum))
    return Condition(label, _fmt(value, unit), f"≤ {_fmt(maximum, unit)}", PASS if ok else FAIL)


def _annual(facts: FirmFacts, attr: str, year: int | None = None) -> Decimal | None:
    """A full year's total, or None when the year is not complete (fewer than 12 months)."""
    figures = facts.year(year or facts.last_year)
    if not figures.complete:
        return None
    return getattr(figures, attr)


# --- default rules (DOMAIN.md §3) ---------------------------------------------------------------


def _divisions(first: int, last: int) -> list[str]:
    return [f"{d:02d}" for d in range(first, last + 1)]


DEFAULT_TIER_RULES: dict[str, Any] = {
    "four_above": {
        # Longest matching industry-code prefix wins (大类 2 digits, 小类 4 digits).
        "groups": [
            {"label": "规模以上工业", "prefixes": _divisions(6, 46), "revenue": 2000},
            {"label": "有资质的建筑业", "prefixes": _divisions(47, 50), "qualification": True},
            {"label": "限额以上批发业", "prefixes": ["51"], "revenue": 2000},
            {"label": "限额以上零售业", "prefixes": ["52"], "revenue": 500},
            {"label": "限额以上住宿和餐饮业", "prefixes": ["61", "62"], "revenue": 200},
            {"label": "房地产开发经营", "prefixes": ["7010"], "any_activity": True},
            {
                "label": "规模以上服务业",
                "prefixes": _divisions(53, 60) + _divisions(63, 65) + _divisions(76, 79) + ["84"],
                "revenue": 2000,
            },
            {
                "label": "规模以上服务业",
                "prefixes": ["71", "72", "73", "74", "75", "83", "7020", "7030", "7040", "7090"],
                "revenue": 1000,
            },
            {
                "label": "规模以上服务业",
                "prefixes": ["80", "81", "82", "85"] + _divisions(86, 90),
                "revenue": 500,
            },
        ]
    },
    "tech_sme": {
        "max_staff": 500,
        "max_revenue": 20000,
        "max_assets": 20000,
        "min_score": 60,
        # [minimum %, points], highest first (科技人员占比 max 20; 研发投入强度 max 50).
        "staff_bands": [[30, 20], [25, 16], [20, 12], [15, 8], [10, 4]],
        "rd_bands": [[6, 50], [5, 40], [4, 30], [3, 20], [2, 10]],
        "ip_class1_points": 30,
        "ip_class2_bands": [[4, 24], [3, 18], [2, 12], [1, 6]],
    },
    "high_tech": {
        "min_years_registered": 1,
        "min_ip": 1,
        "min_tech_staff_ratio": 10,
        "min_high_tech_income_ratio": 60,
        "years": 3,
        # [latest-year revenue up to (万元, null = no limit), minimum R&D ratio %].
        "rd_bands": [[5000, 5], [20000, 4], [None, 3]],
    },
    "innovative_sme": {"shortcut_tiers": ["high_tech", "platform_provincial_rd"]},
    "specialised": {"min_rd": 100, "min_rd_ratio": 3, "min_revenue": 1000},
    "little_giant": {"rd_bands": [[5000, None], [10000, 6], [None, 3]]},
}


def validate_tier_rules(rules: Mapping[str, Any]) -> list[str]:
    """Problems in an edited rule set, in Chinese (empty list = usable)."""
    problems: list[str] = []
    for key in DEFAULT_TIER_RULES:
        if key not in rules or not isinstance(rules[key], Mapping):
            problems.append(f"缺少“{TIERS[key]}”的规则（键 {key}）。")
    if problems:
        return problems
    for group in rules["four_above"].get("groups", []):
        if not group.get("prefixes") or not isinstance(group.get("prefixes"), list):
            problems.append(f"四上规则“{group.get('label', '?')}”缺少行业代码前缀 prefixes。")
        if "revenue" in group and not _is_number(group["revenue"]):
            problems.append(f"四上规则“{group.get('label', '?')}”的营业收入门槛应为数字。")
    for tier, keys in {
        "tech_sme": ("max_staff", "max_revenue", "max_assets", "min_score"),
        "high_tech": ("min_years_registered", "min_tech_staff_ratio", "min_high_tech_income_ratio"),
        "specialised": ("min_rd", "min_rd_ratio", "min_revenue"),
    }.items():
        for key in keys:
            if not _is_number(rules[tier].get(key)):
                problems.append(f"“{TIERS[tier]}”规则的 {key} 应为数字。")
    for band in rules["high_tech"].get("rd_bands", []):
        if not (isinstance(band, list) and len(band) == 2 and _is_number(band[1])):
            problems.append("高新技术企业研发费用比例分档 rd_bands 应为 [收入上限, 比例] 的列表。")
    return problems


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        Decimal(str(value))
    except Exception:
        return False
    return value is not None


# --- tiers --------------------------------------------------------------------------------------


def _four_above(facts: FirmFacts, rules: Mapping[str, Any]) -> TierResult:
    code = facts.industry_code or ""
    best = None
    for group in rules.get("groups", []):
        for prefix in group.get("prefixes", []):
            if code.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), group)
    held = "four_above" in facts.holds
    if not code:
        conditions = (Condition("国民经济行业（小类）", "—", "须登记行业代码", MISSING),)
        return TierResult("four_above", held, _status(held, conditions), conditions)
    if best is None:
        conditions = (
            Condition("行业门类", code, "工业、建筑业、批零住餐、房地产及规上服务业", FAIL),
        )
        return TierResult("four_above", held, _status(held, conditions), conditions)
    group = best[1]
    revenue = _annual(facts, "revenue")
    label = f"{group['label']}：{facts.last_year}年营业收入"
    if group.get("qualification"):
        condition = Condition(
            "建筑业资质（总承包或专业承包）",
            "有" if facts.construction_qualification else "无",
            "须具备",
            PASS if facts.construction_qualification else FAIL,
        )
    elif group.get("any_activity"):
        condition = Condition(
            f"{group['label']}：有开发经营活动",
            _fmt(revenue, "万元"),
            "营业收入 > 0",
            MISSING if revenue is None else PASS if revenue > 0 else FAIL,
        )
    else:
        condition = _at_least(label, revenue, group["revenue"], "万元")
    conditions = (condition,)
    return TierResult(
        "four_above", held, _status(held, conditions), conditions, note=group["label"]
    )


def _band_points(value: Decimal | None, bands: list) -> int:
    if value is None:
        return 0
    for minimum, points in bands:
        if value >= Decimal(str(minimum)):
            return int(points)
    return 0


def tech_sme_score(facts: FirmFacts, rules: Mapping[str, Any]) -> tuple[Decimal | None, dict]:
    """科技型中小企业评价得分: 科技人员 (20) + 研发投入 (50) + 科技成果 (30). None when a part is
    missing. Returns (score, parts)."""
    staff_ratio = _pct(
        Decimal(facts.tech_staff) if facts.tech_staff is not None else None,
        Decimal(facts.employees) if facts.employees else None,
    )
    revenue = _annual(facts, "revenue")
    rd = _annual(facts, "rd")
    rd_ratio = _pct(rd, revenue)
    parts = {
        "staff_ratio": staff_ratio,
        "staff_points": _band_points(staff_ratio, rules["staff_bands"]),
        "rd_ratio": rd_ratio,
        "rd_points": _band_points(rd_ratio, rules["rd_bands"]),
    }
    if facts.ip_class1 is None and facts.ip_class2 is None:
        parts["ip_points"] = None
    elif (facts.ip_class1 or 0) >= 1:
        parts["ip_points"] = int(rules["ip_class1_points"])
    else:
        parts["ip_points"] = _band_points(Decimal(facts.ip_class2 or 0), rules["ip_class2_bands"])
    if staff_ratio is None or rd_ratio is None or parts["ip_points"] is None:
        return None, parts
    return Decimal(parts["staff_points"] + parts["rd_points"] + parts["ip_points"]), parts


def _tech_sme(facts: FirmFacts, rules: Mapping[str, Any]) -> TierResult:
    held = "tech_sme" in facts.holds
    score, parts = tech_sme_score(facts, rules)
    revenue = _annual(facts, "revenue")
    conditions = [
        _at_most("职工总数", facts.employees, rules["max_staff"], "人"),
        _at_most(f"{facts.last_year}年销售收入", revenue, rules["max_revenue"], "万元"),
        _at_most("资产总额", facts.total_assets, rules["max_assets"], "万元"),
    ]
    if "high_tech" in facts.holds:
        conditions.append(Condition("有效期内高新技术企业（直通）", "是", "满足即可", PASS))
    else:
        staff_points = parts["staff_points"]
        conditions.append(
            Condition(
                "科技人员指标得分",
                "—"
                if parts["staff_ratio"] is None
                else f"{staff_points}分（占比{parts['staff_ratio']}%）",
                "> 0分",
                MISSING if parts["staff_ratio"] is None else PASS if staff_points > 0 else FAIL,
            )
        )
        conditions.append(_at_least("综合评价得分", score, rules["min_score"], "分"))
    conditions.append(Condition("无重大安全、质量、环境事故及严重失信", "—", "须核实", MANUAL))
    conditions = tuple(conditions)
    return TierResult("tech_sme", held, _status(held, conditions), conditions, score=score)


def high_tech_rd_threshold(revenue: Decimal, bands: list) -> Decimal:
    """Minimum R&D / sales ratio (%) for a latest-year revenue (高企研发费用占比分档)."""
    for upper, ratio in bands:
        if upper is None or revenue <= Decimal(str(upper)):
            return Decimal(str(ratio))
    return Decimal(str(bands[-1][1]))


def _high_tech(facts: FirmFacts, rules: Mapping[str, Any]) -> TierResult:
    held = "high_tech" in facts.holds
    conditions = [
        _at_least("注册成立时间", facts.years_registered(), rules["min_years_registered"], "年"),
    ]
    ip = (
        None
        if facts.ip_class1 is None and facts.ip_class2 is None
        else ((facts.ip_class1 or 0) + (facts.ip_class2 or 0))
    )
    conditions.append(_at_least("核心自主知识产权", ip, rules["min_ip"], "项"))
    staff_ratio = _pct(
        Decimal(facts.tech_staff) if facts.tech_staff is not None else None,
        Decimal(facts.employees) if facts.employees else None,
    )
    conditions.append(
        _at_least("科技人员占职工总数比例", staff_ratio, rules["min_tech_staff_ratio"], "%")
    )
    # R&D over the last three fiscal years, or the years since founding when fewer.
    years = [facts.last_year - i for i in range(int(rules.get("years", 3)))]
    if facts.founded_on is not None:
        years = [y for y in years if y >= facts.founded_on.year] or years[:1]
    revenues = [_annual(facts, "revenue", y) for y in years]
    rds = [_annual(facts, "rd", y) for y in years]
    span = f"{min(years)}—{max(years)}年" if len(years) > 1 else f"{years[0]}年"
    label = f"近{len(years)}个会计年度研发费用占销售收入比例（{span}）"
    if any(v is None for v in revenues + rds) or revenues[0] is None:
        gaps = [
            str(y) for y, r, d in zip(years, revenues, rds, strict=True) if r is None or d is None
        ]
        conditions.append(Condition(label, f"缺{'、'.join(gaps)}年完整数据", "按收入分档", MISSING))
    else:
        ratio = _pct(sum(rds, Decimal(0)), sum(revenues, Decimal(0)))
        minimum = high_tech_rd_threshold(revenues[0], rules["rd_bands"])
        conditions.append(
            Condition(
                label,
                _fmt(ratio, "%"),
                f"≥ {minimum}%（{facts.last_year}年收入{_fmt(revenues[0], '万元')}）",
                MISSING if ratio is None else PASS if ratio >= minimum else FAIL,
            )
        )
    conditions.append(
        _at_least(
            "高新技术产品（服务）收入占比",
            facts.high_tech_income_ratio,
            rules["min_high_tech_income_ratio"],
            "%",
        )
    )
    conditions.append(
        Condition("境内研发费用占比 ≥ 60%、创新能力评价 > 70分", "—", "须核实", MANUAL)
    )
    conditions.append(Condition("申请前一年无重大安全、质量、环境事故", "—", "须核实", MANUAL))
    conditions = tuple(conditions)
    return TierResult("high_tech", held, _status(held, conditions), conditions)


def _innovative_sme(facts: FirmFacts, rules: Mapping[str, Any]) -> TierResult:
    held = "innovative_sme" in facts.holds
    shortcut = [t for t in rules.get("shortcut_tiers", []) if t in facts.holds]
    if shortcut:
        conditions = (Condition("直通条件（有效高企或省级以上研发机构）", "是", "满足其一", PASS),)
    else:
        conditions = (
            Condition("直通条件（有效高企或省级以上研发机构）", "否", "满足其一", FAIL),
            Condition("评价得分 ≥ 60分（创新能力、成长性、专业化）", "—", "须核实", MANUAL),
        )
    status = "held" if held else ("eligible" if shortcut else "incomplete")
    return TierResult("innovative_sme", held, status, conditions)


def _specialised(facts: FirmFacts, rules: Mapping[str, Any]) -> TierResult:
    held = "specialised" in facts.holds
    revenue = _annual(facts, "revenue")
    rd = _annual(facts, "rd")
    conditions = (
        Condition(
            "已认定创新型中小企业",
            "是" if "innovative_sme" in facts.holds else "否",
            "须具备",
            PASS if "innovative_sme" in facts.holds else FAIL,
        ),
        _at_least(f"{facts.last_year}年研发费用", rd, rules["min_rd"], "万元"),
        _at_least(
            f"{facts.last_year}年研发费用占营业收入比例",
            _pct(rd, revenue),
            rules["min_rd_ratio"],
            "%",
        ),
        _at_least(f"{facts.last_year}年营业收入", revenue, rules["min_revenue"], "万元"),
        Condition("从事特定细分市场 ≥ 2年、评价得分 ≥ 60分", "—", "须核实", MANUAL),
    )
    return TierResult("specialised", held, _status(held, conditions), conditions)


def _little_giant(facts: FirmFacts, rules: Mapping[str, Any]) -> TierResult:
    held = "little_giant" in facts.holds
    revenue = _annual(facts, "revenue")
    rd = _annual(facts, "rd")
    conditions = [
        Condition(
            "已认定专精特新中小企业",
            "是" if "specialised" in facts.holds else "否",
            "须具备",
            PASS if "specialised" in facts.holds else FAIL,
        )
    ]
    if revenue is None or rd is None:
        conditions.append(Condition("研发费用占营业收入比例", "—", "按收入分档", MISSING))
    else:
        minimum = None
        for upper, ratio in rules["rd_bands"]:
            if upper is None or revenue <= Decimal(str(upper)):
                minimum = ratio
                break
        if minimum is None:
            conditions.append(
                Condition(
                    "营业收入 < 5000万元：股权融资、研发投入、研发人员", "—", "须核实", MANUAL
                )
            )
        else:
            conditions.append(_at_least("研发费用占营业收入比例", _pct(rd, revenue), minimum, "%"))
    conditions.append(
        Condition("细分市场占有率、主营收入占比、资产负债率、Ⅰ类知识产权", "—", "须核实", MANUAL)
    )
    conditions = tuple(conditions)
    return TierResult("little_giant", held, _status(held, conditions), conditions)


_EVALUATORS = {
    "four_above": _four_above,
    "tech_sme": _tech_sme,
    "high_tech": _high_tech,
    "innovative_sme": _innovative_sme,
    "specialised": _specialised,
    "little_giant": _little_giant,
}


def evaluate_tiers(facts: FirmFacts, rules: Mapping[str, Any] | None = None) -> list[TierResult]:
    """Every tier for one firm: held, eligible now, or which condition fails or lacks data."""
    rules = rules or DEFAULT_TIER_RULES
    return [fn(facts, rules[tier]) for tier, fn in _EVALUATORS.items()]


# --- 亩均效益 evaluation (DOMAIN.md §4.1) ---------------------------------------------------------


def _ratio(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None or b is None or b <= 0:
        return None
    return Decimal(a) / Decimal(b)


# key → (label, unit, how it is computed from a year's figures and the land)
MU_INDICATORS: dict[str, tuple[str, str]] = {
    "tax_per_mu": ("亩均税收", "万元/亩"),
    "revenue_per_mu": ("亩均营业收入", "万元/亩"),
    "output_per_mu": ("亩均产值", "万元/亩"),
    "tax_per_kwh": ("单位电耗税收", "万元/万千瓦时"),
    "rd_intensity": ("研发经费投入强度", "%"),
    "labour_productivity": ("全员劳动生产率", "万元/人"),
}


def mu_indicator(key: str, figures: YearFigures, land_mu: Decimal | None) -> Decimal | None:
    match key:
        case "tax_per_mu":
            return _ratio(figures.tax, land_mu)
        case "revenue_per_mu":
            return _ratio(figures.revenue, land_mu)
        case "output_per_mu":
            return _ratio(figures.output, land_mu)
        case "tax_per_kwh":
            return _ratio(figures.tax, figures.electricity)
        case "rd_intensity":
            ratio = _ratio(figures.rd, figures.revenue)
            return None if ratio is None else ratio * HUNDRED
        case "labour_productivity":
            return _ratio(figures.output, figures.employees)
    raise KeyError(key)


DEFAULT_MU_CONFIG: dict[str, Any] = {
    # Huai'an's weights (DOMAIN.md §4.1): 亩均税收 45, 亩均销售收入 35, 绿色发展（税收/电耗）20.
    "indicators": [
        {"key": "tax_per_mu", "weight": 45, "benchmark": None},
        {"key": "revenue_per_mu", "weight": 35, "benchmark": None},
        {"key": "tax_per_kwh", "weight": 20, "benchmark": None},
    ],
    # A benchmark left empty is the average of the firms evaluated × this factor.
    "benchmark_factor": 1,
    # value ÷ benchmark is capped, so one outstanding figure cannot carry the whole score.
    "score_cap": 2,
    # Grades by rank: A top 20 %, B 20–60 %, C 60–95 %, D the bottom 5 %.
    "bands": [["A", 20], ["B", 60], ["C", 95], ["D", 100]],
    "min_land_mu": 3,
    "min_years_in_production": 2,
    "excluded_sections": ["D"],  # 电力、热力、燃气及水生产和供应业: utilities are T
}


def validate_mu_config(config: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    indicators = config.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        return ["至少需要一个评价指标（indicators）。"]
    for item in indicators:
        if not isinstance(item, Mapping) or item.get("key") not in MU_INDICATORS:
            allowed = "、".join(MU_INDICATORS)
            problems.append(f"未知的评价指标：{item!r}；可选：{allowed}。")
            continue
        if not _is_number(item.get("weight")) or Decimal(str(item["weight"])) <= 0:
            problems.append(f"指标“{MU_INDICATORS[item['key']][0]}”的权重应为正数。")
        bench = item.get("benchmark")
        if bench is not None and (not _is_number(bench) or Decimal(str(bench)) <= 0):
            problems.append(f"指标“{MU_INDICATORS[item['key']][0]}”的基准值应为正数或留空。")
    bands = config.get("bands")
    if not isinstance(bands, list) or not bands:
        problems.append("缺少分档 bands。")
    else:
        uppers = [b[1] for b in bands if isinstance(b, list) and len(b) == 2 and _is_number(b[1])]
        if len(uppers) != len(bands) or uppers != sorted(uppers) or Decimal(str(uppers[-1])) != 100:
            problems.append(
                "分档 bands 应为 [档次, 累计百分位] 的列表，百分位递增且最后一档为100。"
            )
    for key in ("score_cap", "benchmark_factor", "min_land_mu", "min_years_in_production"):
        if key in config and (not _is_number(config[key]) or Decimal(str(config[key])) < 0):
            problems.append(f"{key} 应为非负数。")
    return problems


@dataclass(frozen=True)
class MuFirm:
    """One firm's data for a year's 亩均 evaluation."""

    id: int
    land_mu: Decimal | None
    section: str  # 门类 letter
    figures: YearFigures
    years_in_production: Decimal | None


@dataclass(frozen=True)
class MuResult:
    id: int
    grade: str  # A/B/C/D, or T (not evaluated)
    score: Decimal | None
    rank: int | None
    reason: str  # why T
    breakdown: tuple[dict[str, Any], ...] = ()


def _t_reason(firm: MuFirm, config: Mapping[str, Any], year: int) -> str:
    if firm.section and firm.section in config.get("excluded_sections", []):
        return f"所属门类{firm.section}不参加评价（公用事业）"
    if firm.land_mu is None or firm.land_mu <= 0:
        return "未登记用地面积"
    if firm.land_mu < Decimal(str(config.get("min_land_mu", 0))):
        return f"用地面积{firm.land_mu}亩，不足{config.get('min_land_mu')}亩"
    minimum = Decimal(str(config.get("min_years_in_production", 0)))
    if firm.years_in_production is not None and firm.years_in_production < minimum:
        return f"投产不足{config.get('min_years_in_production')}年"
    if not firm.figures.complete:
        return f"{year}年月度数据不全（仅{firm.figures.months}个月）"
    for item in config["indicators"]:
        if mu_indicator(item["key"], firm.figures, firm.land_mu) is None:
            return f"缺少计算“{MU_INDICATORS[item['key']][0]}”所需的数据"
    return ""


def mu_evaluate(firms: Iterable[MuFirm], config: Mapping[str, Any], year: int) -> list[MuResult]:
    """Score and grade a year's firms (亩均论英雄): Σ min(value ÷ benchmark, cap) × weight, then
    A/B/C/D by rank percentile among the firms evaluated; T with the reason for the rest.
    Equal scores get the same grade (the better one)."""
    firms = list(firms)
    cap = Decimal(str(config.get("score_cap", 2)))
    factor = Decimal(str(config.get("benchmark_factor", 1)))
    evaluated: list[tuple[MuFirm, dict[str, Decimal]]] = []
    results: dict[int, MuResult] = {}
    for firm in firms:
        reason = _t_reason(firm, config, year)
        if reason:
            results[firm.id] = MuResult(firm.id, "T", None, None, reason)
            continue
        values = {
            item["key"]: mu_indicator(item["key"], firm.figures, firm.land_mu)
            for item in config["indicators"]
        }
        evaluated.append((firm, values))
    benchmarks: dict[str, Decimal] = {}
    for item in config["indicators"]:
        key = item["key"]
        if item.get("benchmark") is not None:
            benchmarks[key] = Decimal(str(item["benchmark"]))
        elif evaluated:
            average = sum((v[key] for _, v in evaluated), Decimal(0)) / len(evaluated)
            benchmarks[key] = average * factor
    scored: list[tuple[Decimal, MuFirm, tuple[dict[str, Any], ...]]] = []
    for firm, values in evaluated:
        total = Decimal(0)
        parts = []
        for item in config["indicators"]:
            key = item["key"]
            weight = Decimal(str(item["weight"]))
            bench = benchmarks.get(key) or Decimal(0)
            ratio = min(values[key] / bench, cap) if bench > 0 else cap
            ratio = max(ratio, Decimal(0))
            points = (ratio * weight).quantize(Decimal("0.01"), ROUND_HALF_UP)
            total += points
            parts.append(
                {
                    "key": key,
                    "label": MU_INDICATORS[key][0],
                    "unit": MU_INDICATORS[key][1],
                    "value": str(values[key].quantize(Decimal("0.01"), ROUND_HALF_UP)),
                    "benchmark": str(bench.quantize(Decimal("0.01"), ROUND_HALF_UP)),
                    "weight": str(weight),
                    "points": str(points),
                }
            )
        scored.append((total, firm, tuple(parts)))
    scored.sort(key=lambda s: (-s[0], s[1].id))
    n = len(scored)
    bands = [(str(b[0]), Decimal(str(b[1]))) for b in config["bands"]]
    previous: tuple[Decimal, int] | None = None
    for index, (total, firm, parts) in enumerate(scored, start=1):
        rank = previous[1] if previous and previous[0] == total else index
        previous = (total, rank)
        # Share of firms ranked above this one: the top firm is at 0 %, so "A ≤ 20 %" gives
        # the first fifth (4 of 20) and a lone firm is an A, not a D.
        above = Decimal(rank - 1) * HUNDRED / n
        grade = next((g for g, upper in bands if above < upper), bands[-1][0])
        results[firm.id] = MuResult(firm.id, grade, total, rank, "", parts)
    return [results[f.id] for f in firms]


# --- policies (惠企政策) -------------------------------------------------------------------------

# field → (label, kind); kind "number" compares, "text" matches prefixes, "tier" checks holdings.
POLICY_FACTS: dict[str, tuple[str, str]] = {
    "revenue": ("上年营业收入（万元）", "number"),
    "tax": ("上年税收（万元）", "number"),
    "output": ("上年产值（万元）", "number"),
    "rd": ("上年研发投入（万元）", "number"),
    "rd_ratio": ("上年研发投入强度（%）", "number"),
    "employees": ("从业人员（人）", "number"),
    "years_registered": ("成立年限（年）", "number"),
    "land_mu": ("用地面积（亩）", "number"),
    "industry": ("行业代码", "text"),
    "region": ("注册地区划代码", "text"),
    "mu_grade": ("亩均评价等级", "text"),
    "tier": ("已认定资质", "tier"),
}
NUMBER_OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}
TEXT_OPS = {"in": "属于", "not_in": "不属于", "startswith": "以…开头"}
TIER_OPS = {"has": "已认定", "not_has": "未认定"}


def policy_facts(facts: FirmFacts) -> dict[str, Any]:
    """The values a policy's conditions can name, for one firm."""
    revenue = _annual(facts, "revenue")
    rd = _annual(facts, "rd")
    return {
        "revenue": revenue,
        "tax": _annual(facts, "tax"),
        "output": _annual(facts, "output"),
        "rd": rd,
        "rd_ratio": _pct(rd, revenue),
        "employees": facts.employees,
        "years_registered": facts.years_registered(),
        "land_mu": facts.land_mu,
        "industry": facts.industry_code,
        "region": facts.region_code,
        "mu_grade": facts.mu_grade,
        "tier": facts.holds,
    }


def validate_policy_conditions(conditions: Any) -> list[str]:
    if not isinstance(conditions, list):
        return ["适用条件应为列表。"]
    problems = []
    for i, cond in enumerate(conditions, start=1):
        if not isinstance(cond, Mapping) or cond.get("field") not in POLICY_FACTS:
            name = cond.get("field") if isinstance(cond, Mapping) else repr(cond)
            problems.append(f"第{i}个条件：未知的字段 {name}。")
            continue
        kind = POLICY_FACTS[cond["field"]][1]
        ops = {"number": NUMBER_OPS, "text": TEXT_OPS, "tier": TIER_OPS}[kind]
        if cond.get("op") not in ops:
            problems.append(f"第{i}个条件：运算符应为 {'、'.join(ops)} 之一。")
        elif kind == "number" and not _is_number(cond.get("value")):
            problems.append(f"第{i}个条件：{POLICY_FACTS[cond['field']][0]}的比较值应为数字。")
        elif kind == "text" and not isinstance(cond.get("value"), list | str):
            problems.append(f"第{i}个条件：比较值应为文字或文字列表。")
        elif kind == "tier" and cond.get("value") not in TIER_CODES_ALL:
            problems.append(f"第{i}个条件：未知的资质 {cond.get('value')}。")
    return problems


# Every certificate kind a condition may name (tiers plus platforms and labels).
TIER_CODES_ALL = set(TIERS) | {
    "chain_leader",
    "listed",
    "platform_doctor",
    "platform_academician",
    "platform_provincial_rd",
}


def _check(
    cond: Mapping[str, Any], facts: Mapping[str, Any], tier_labels: Mapping[str, str]
) -> Condition:
    field_name = cond["field"]
    label, kind = POLICY_FACTS[field_name]
    op = cond["op"]
    actual = facts.get(field_name)
    if kind == "tier":
        name = tier_labels.get(cond["value"], cond["value"])
        held = cond["value"] in (actual or ())
        ok = held if op == "has" else not held
        return Condition(
            f"{TIER_OPS[op]}{name}", "是" if held else "否", TIER_OPS[op], PASS if ok else FAIL
        )
    if kind == "text":
        values = cond["value"] if isinstance(cond["value"], list) else [cond["value"]]
        shown = "、".join(str(v) for v in values)
        if not actual:
            return Condition(label, "—", f"{TEXT_OPS[op]} {shown}", MISSING)
        if op == "startswith":
            ok = any(str(actual).startswith(str(v)) for v in values)
        else:
            ok = any(str(actual).startswith(str(v)) for v in values)
            ok = ok if op == "in" else not ok
        return Condition(label, str(actual), f"{TEXT_OPS[op]} {shown}", PASS if ok else FAIL)
    threshold = Decimal(str(cond["value"]))
    shown = f"{NUMBER_OPS[op]} {_fmt(threshold)}"
    if actual is None:
        return Condition(label, "—", shown, MISSING)
    value = Decimal(actual)
    ok = {
        ">=": value >= threshold,
        "<=": value <= threshold,
        ">": value > threshold,
        "<": value < threshold,
        "==": value == threshold,
    }[op]
    return Condition(label, _fmt(value), shown, PASS if ok else FAIL)


def evaluate_policy(
    conditions: list[Mapping[str, Any]],
    facts: Mapping[str, Any],
    tier_labels: Mapping[str, str] | None = None,
) -> tuple[bool | None, tuple[Condition, ...]]:
    """Whether a firm qualifies for a policy: True (all conditions met), False (one fails), None
    (none fails but data is missing), with each condition explained."""
    checked = tuple(_check(c, facts, tier_labels or TIERS) for c in conditions)
    outcomes = {c.outcome for c in checked}
    if FAIL in outcomes:
        return False, checked
    if MISSING in outcomes:
        return None, checked
    return True, checked


def deepcopy_rules(rules: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(dict(rules))
