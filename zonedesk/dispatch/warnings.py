"""The lag-warning rules (预警规则) as a function of plain values: no database, no clock.

`evaluate(facts, thresholds, today)` gives a project's colour and one Chinese sentence per rule
that fired. The services gather the facts (in a fixed number of queries for many projects) and
store the verdict; everything that decides the colour is here and tested on its own.

Figures (DOMAIN.md, "Derived figures"):
- 年度投资完成率 = 本年累计完成投资 ÷ 年度计划投资 × 100%;
- 序时进度 = days elapsed ÷ days in the year × 100%, day-based, counting the given day as
  elapsed (31 December = 100%); `schedule_share` is the one place it is computed;
- 超(−落后)序时进度 = 完成率 − 序时进度, in 百分点; below −N (the zone's threshold) is a warning.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

START_OVERDUE = "start_overdue"
COMPLETION_OVERDUE = "completion_overdue"
BEHIND_SCHEDULE = "behind_schedule"
MILESTONE_OVERDUE = "milestone_overdue"
MILESTONE_SLIPPED = (
    "milestone_slipped"  # 节点计划较基线推迟: the plan moved later than its baseline
)
MISSED_REPORTS = "missed_reports"
BLOCKER_OPEN = "blocker_open"  # 要素保障问题 open longer than the zone's N days
COMMITMENT_MISSED = "commitment_missed"  # 招商签约承诺 (registration/start/production) missed

RULE_LABELS = {
    START_OVERDUE: "计划开工未开工",
    COMPLETION_OVERDUE: "计划竣工未竣工",
    BEHIND_SCHEDULE: "落后序时进度",
    MILESTONE_OVERDUE: "节点逾期",
    MILESTONE_SLIPPED: "节点计划较基线推迟",
    MISSED_REPORTS: "连续未报进度",
    BLOCKER_OPEN: "要素保障问题久拖未决",
    COMMITMENT_MISSED: "签约承诺未兑现",
}
DEFAULT_RED_RULES = frozenset({START_OVERDUE, COMPLETION_OVERDUE, BEHIND_SCHEDULE})

RED, AMBER, GREEN = "red", "amber", "green"

# Stage values of zonedesk.projects.models.Stage (kept as plain strings so this module needs no
# Django; a test checks they match).
NOT_STARTED_STAGES = frozenset({"conceived", "preparation", "signed"})
ACTIVE_STAGES = frozenset({"started", "construction"})  # 新开工 / 在建: report every period
FINISHED_STAGES = frozenset({"completed", "producing", "full_capacity"})
TERMINATED = "terminated"

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Thresholds:
    lag_points: Decimal = Decimal("10")
    missed_periods: int = 2
    milestone_grace_days: int = 0
    blocker_days: int = 30
    red_rules: frozenset[str] = DEFAULT_RED_RULES


@dataclass(frozen=True)
class OpenMilestone:
    name: str
    planned_date: dt.date
    baseline_date: dt.date | None = None  # 基线日期; None reads as "the plan is the baseline"


@dataclass(frozen=True)
class OpenBlocker:
    """A 要素保障问题 not yet resolved or closed: its category label and the day it was raised."""

    category: str
    raised_on: dt.date


@dataclass(frozen=True)
class ProjectFacts:
    """What the rules look at, for one project on one day."""

    stage: str
    planned_start: dt.date | None = None
    actual_start: dt.date | None = None
    planned_completion: dt.date | None = None
    actual_completion: dt.date | None = None
    annual_plan_investment: Decimal = Decimal(0)
    invested_this_year: Decimal = Decimal(0)  # 本年累计 of the latest counted report of this year
    open_milestones: tuple[OpenMilestone, ...] = ()  # not yet reached
    missed_periods: int = 0  # consecutive closed periods without a counted report, newest first
    last_missed_label: str = ""
    open_blockers: tuple[OpenBlocker, ...] = ()
    # Sentences from the investment module, one per committed date of the project's signed lead
    # that has passed unmet ("签约承诺2026年3月1日开工，至今未开工").
    unmet_commitments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    rule: str
    colour: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "colour": self.colour, "text": self.text}


@dataclass(frozen=True)
class Verdict:
    colour: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    def as_list(self) -> list[dict[str, str]]:
        return [r.as_dict() for r in self.reasons]


# --- figures ----------------------------------------------------------------------------------


def schedule_share(day: dt.date) -> Decimal:
    """序时进度 in percent on `day`: days elapsed (including `day`) ÷ days in its year."""
    days_in_year = 366 if calendar.isleap(day.year) else 365
    elapsed = day.timetuple().tm_yday
    return Decimal(elapsed) * 100 / Decimal(days_in_year)


def completion_rate(invested_this_year: Decimal, annual_plan: Decimal) -> Decimal | None:
    """年度投资完成率 in percent, or None when there is no annual plan."""
    if not annual_plan or annual_plan <= 0:
        return None
    return invested_this_year * 100 / annual_plan


def schedule_gap(invested_this_year: Decimal, annual_plan: Decimal, day: dt.date) -> Decimal | None:
    """超(+)/落后(−)序时进度 in 百分点, or None when there is no annual plan."""
    rate = completion_rate(invested_this_year, annual_plan)
    return None if rate is None else rate - schedule_share(day)


def pct(value: Decimal) -> str:
    return f"{value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)}"


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- the rules --------------------------------------------------------------------------------


def _start_overdue(f: ProjectFacts, t: Thresholds, today: dt.date) -> str | None:
    if f.stage not in NOT_STARTED_STAGES or f.actual_start or not f.planned_start:
        return None
    if f.planned_start >= today:
        return None
    days = (today - f.planned_start).days
    return f"计划于{cn(f.planned_start)}开工，已逾期{days}天仍未开工。"


def _completion_overdue(f: ProjectFacts, t: Thresholds, today: dt.date) -> str | None:
    if f.stage in FINISHED_STAGES or f.stage == TERMINATED or f.actual_completion:
        return None
    if not f.planned_completion or f.planned_completion >= today:
        return None
    days = (today - f.planned_completion).days
    return f"计划于{cn(f.planned_completion)}竣工，已逾期{days}天仍未竣工。"


def _behind_schedule(f: ProjectFacts, t: Thresholds, today: dt.date) -> str | None:
    if f.stage not in ACTIVE_STAGES:
        return None
    rate = completion_rate(f.invested_this_year, f.annual_plan_investment)
    if rate is None:
        return None
    share = schedule_share(today)
    behind = share - rate
    if behind <= t.lag_points:
        return None
    return (
        f"年度投资完成率{pct(rate)}%，落后序时进度（{pct(share)}%）{pct(behind)}个百分点，"
        f"超过预警线{pct(t.lag_points)}个百分点。"
    )


def _milestone_overdue(f: ProjectFacts, t: Thresholds, today: dt.date) -> str | None:
    if f.stage in FINISHED_STAGES or f.stage == TERMINATED:
        return None
    grace = dt.timedelta(days=t.milestone_grace_days)
    late = sorted(
        (m for m in f.open_milestones if m.planned_date + grace < today),
        key=lambda m: (m.planned_date, m.name),
    )
    if not late:
        return None
    shown = "、".join(
        f"“{m.name}”（计划{cn(m.planned_date)}，逾期{(today - m.planned_date).days}天）"
        for m in late[:3]
    )
    more = f"等{len(late)}个节点" if len(late) > 3 else ""
    return f"节点{shown}{more}逾期未完成。"


def _milestone_slipped(f: ProjectFacts, t: Thresholds, today: dt.date) -> str | None:
    """An open milestone whose plan now lies more than the grace days after its baseline: the
    date was moved rather than met, and nobody with the authority has re-set the baseline."""
    if f.stage in FINISHED_STAGES or f.stage == TERMINATED:
        return None
    slipped = sorted(
        (
            m
            for m in f.open_milestones
            if m.baseline_date and (m.planned_date - m.baseline_date).days > t.milestone_grace_days
        ),
        key=lambda m: (m.baseline_date, m.name),
    )
    if not slipped:
        return None
    shown = "、".join(
        f"“{m.name}”（基线{cn(m.baseline_date)}，现计划{cn(m.planned_date)}，"
        f"推迟{(m.planned_date - m.baseline_date).days}天）"
        for m in slipped[:3]
    )
    more = f"等{len(slipped)}个节点" if len(slipped) > 3 else ""
    return f"节点{shown}{more}计划较基线推迟，尚未重定基线。"


def _missed_reports(f: ProjectFacts, t: Thresholds, today: dt.date) -> str | None:
    if f.stage not in ACTIVE_STAGES or f.missed_periods < t.missed_periods:
        return None
    last = f"（最近一期：{f.last_missed_label}）" if f.last_missed_label else ""
    return f"已连续{f.missed_periods}期未报送进度{last}。"


def _blocker_open(f: ProjectFacts, t: Thresholds, today: dt.date) -> str | None:
    if f.stage in FINISHED_STAGES or f.stage == TERMINATED:
        return None
    old = sorted(
        (b for b in f.open_blockers if (today - b.raised_on).days > t.blocker_days),
        key=lambda b: (b.raised_on, b.category),
    )
    if not old:
        return None
    shown = "、".join(
        f"{b.category}问题（{cn(b.raised_on)}提出，已{(today - b.raised_on).days}天）"
        for b in old[:3]
    )
    more = f"等{len(old)}个问题" if len(old) > 3 else ""
    return f"要素保障{shown}{more}超过{t.blocker_days}天仍未解决。"


def _commitment_missed(f: ProjectFacts, t: Thresholds, today: dt.date) -> str | None:
    if not f.unmet_commitments or f.stage == TERMINATED:
        return None
    return "；".join(text.rstrip("。") for text in f.unmet_commitments) + "。"


RULES = [
    (START_OVERDUE, _start_overdue),
    (COMPLETION_OVERDUE, _completion_overdue),
    (BEHIND_SCHEDULE, _behind_schedule),
    (MILESTONE_OVERDUE, _milestone_overdue),
    (MILESTONE_SLIPPED, _milestone_slipped),
    (MISSED_REPORTS, _missed_reports),
    (BLOCKER_OPEN, _blocker_open),
    (COMMITMENT_MISSED, _commitment_missed),
]


def evaluate(facts: ProjectFacts, thresholds: Thresholds, today: dt.date) -> Verdict:
    """Every rule that fires gives one sentence; the colour is red when a fired rule is one of the
    zone's red rules, amber when any rule fired, green otherwise."""
    if facts.stage == TERMINATED:
        return Verdict(GREEN)
    reasons = []
    for rule, check in RULES:
        text = check(facts, thresholds, today)
        if text:
            reasons.append(Reason(rule, RED if rule in thresholds.red_rules else AMBER, text))
    if any(r.colour == RED for r in reasons):
        colour = RED
    elif reasons:
        colour = AMBER
    else:
        colour = GREEN
    reasons.sort(key=lambda r: r.colour != RED)  # red reasons first, rule order kept otherwise
    return Verdict(colour, tuple(reasons))
