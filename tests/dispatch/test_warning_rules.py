"""The warning rules as pure functions of plain values (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from zonedesk.dispatch import warnings as rules
from zonedesk.dispatch.warnings import OpenMilestone, ProjectFacts, Thresholds, evaluate
from zonedesk.projects.models import Stage

TODAY = dt.date(2026, 11, 22)


def test_the_stage_sets_match_the_project_register():
    values = set(Stage.values)
    assert (
        rules.NOT_STARTED_STAGES
        | rules.ACTIVE_STAGES
        | rules.FINISHED_STAGES
        | {rules.TERMINATED, "suspended"}
        == values
    )
    assert rules.ACTIVE_STAGES == {Stage.STARTED, Stage.CONSTRUCTION}


def test_schedule_share_is_days_elapsed_over_days_in_the_year():
    assert rules.schedule_share(dt.date(2026, 12, 31)) == 100
    assert rules.schedule_share(dt.date(2026, 1, 1)) == Decimal(100) / 365
    assert rules.schedule_share(dt.date(2028, 12, 31)) == 100  # leap year: 366 of 366
    assert rules.pct(rules.schedule_share(dt.date(2026, 11, 30))) == "91.5"  # 334 / 365


def test_completion_rate_and_the_gap_in_points():
    assert rules.completion_rate(Decimal(6000), Decimal(12000)) == 50
    assert rules.completion_rate(Decimal(6000), Decimal(0)) is None
    gap = rules.schedule_gap(Decimal(12000), Decimal(12000), dt.date(2026, 12, 31))
    assert gap == 0


def test_a_project_on_schedule_is_green():
    facts = ProjectFacts(
        stage="construction",
        annual_plan_investment=Decimal(12000),
        invested_this_year=Decimal(11000),
    )
    assert evaluate(facts, Thresholds(), TODAY) == rules.Verdict("green")


def test_planned_start_passed_without_a_start_is_red_by_default():
    facts = ProjectFacts(stage="signed", planned_start=dt.date(2026, 11, 1))
    verdict = evaluate(facts, Thresholds(), TODAY)
    assert verdict.colour == "red"
    assert [r.text for r in verdict.reasons] == ["计划于2026年11月1日开工，已逾期21天仍未开工。"]


def test_planned_completion_passed_without_completion():
    facts = ProjectFacts(
        stage="construction",
        planned_completion=dt.date(2026, 11, 20),
        actual_start=dt.date(2025, 1, 1),
    )
    verdict = evaluate(facts, Thresholds(), TODAY)
    assert verdict.reasons[0].text == "计划于2026年11月20日竣工，已逾期2天仍未竣工。"
    done = ProjectFacts(
        stage="completed",
        planned_completion=dt.date(2026, 11, 20),
        actual_completion=dt.date(2026, 11, 19),
    )
    assert evaluate(done, Thresholds(), TODAY).colour == "green"


def test_behind_schedule_by_more_than_the_threshold():
    # 22 November: 326 / 365 = 89.3% of the year; 6000 / 12000 = 50% done → 39.3 points behind.
    facts = ProjectFacts(
        stage="construction",
        annual_plan_investment=Decimal(12000),
        invested_this_year=Decimal(6000),
    )
    verdict = evaluate(facts, Thresholds(lag_points=Decimal(10)), TODAY)
    assert verdict.colour == "red"
    assert (
        verdict.reasons[0].text
        == "年度投资完成率50.0%，落后序时进度（89.3%）39.3个百分点，超过预警线10.0个百分点。"
    )
    assert evaluate(facts, Thresholds(lag_points=Decimal(40)), TODAY).colour == "green"
    no_plan = ProjectFacts(stage="construction", annual_plan_investment=Decimal(0))
    assert evaluate(no_plan, Thresholds(), TODAY).colour == "green"


def test_overdue_milestones_in_one_sentence_with_grace_days():
    facts = ProjectFacts(
        stage="construction",
        open_milestones=(
            OpenMilestone("主体封顶", dt.date(2026, 11, 12)),
            OpenMilestone("桩基施工", dt.date(2026, 10, 1)),
            OpenMilestone("竣工验收", dt.date(2026, 12, 30)),
        ),
    )
    verdict = evaluate(facts, Thresholds(), TODAY)
    assert verdict.colour == "amber"
    assert verdict.reasons[0].text == (
        "节点“桩基施工”（计划2026年10月1日，逾期52天）、“主体封顶”（计划2026年11月12日，逾期10天）逾期未完成。"
    )
    relaxed = evaluate(facts, Thresholds(milestone_grace_days=15), TODAY)
    assert "主体封顶" not in relaxed.reasons[0].text


def test_a_plan_moved_past_its_baseline_warns_until_the_baseline_is_reset():
    moved = OpenMilestone("主体封顶", dt.date(2027, 1, 31), baseline_date=dt.date(2026, 12, 1))
    facts = ProjectFacts(stage="construction", open_milestones=(moved,))
    verdict = evaluate(facts, Thresholds(), TODAY)
    assert [(r.rule, r.colour) for r in verdict.reasons] == [("milestone_slipped", "amber")]
    assert verdict.reasons[0].text == (
        "节点“主体封顶”（基线2026年12月1日，现计划2027年1月31日，推迟61天）计划较基线推迟，尚未重定基线。"
    )
    # Within the grace days, brought forward, or re-baselined: no warning.
    assert not evaluate(facts, Thresholds(milestone_grace_days=61), TODAY).reasons
    earlier = OpenMilestone("主体封顶", dt.date(2026, 12, 1), baseline_date=dt.date(2027, 1, 31))
    rebaselined = OpenMilestone(
        "主体封顶", dt.date(2027, 1, 31), baseline_date=dt.date(2027, 1, 31)
    )
    for m in (earlier, rebaselined):
        assert not evaluate(
            ProjectFacts(stage="construction", open_milestones=(m,)), Thresholds(), TODAY
        ).reasons
    # A finished project no longer warns about its plan.
    assert not evaluate(
        ProjectFacts(stage="completed", open_milestones=(moved,)), Thresholds(), TODAY
    ).reasons


def test_a_moved_milestone_that_is_also_overdue_gives_both_sentences():
    m = OpenMilestone("桩基施工", dt.date(2026, 11, 1), baseline_date=dt.date(2026, 10, 1))
    verdict = evaluate(
        ProjectFacts(stage="construction", open_milestones=(m,)), Thresholds(), TODAY
    )
    assert [r.rule for r in verdict.reasons] == ["milestone_overdue", "milestone_slipped"]
    assert "逾期21天" in verdict.reasons[0].text and "推迟31天" in verdict.reasons[1].text


def test_no_report_for_n_periods():
    facts = ProjectFacts(
        stage="construction",
        missed_periods=3,
        last_missed_label="2026年第47周（11月14日—11月20日）",
    )
    verdict = evaluate(facts, Thresholds(missed_periods=2), TODAY)
    assert verdict.colour == "amber"
    assert (
        verdict.reasons[0].text
        == "已连续3期未报送进度（最近一期：2026年第47周（11月14日—11月20日））。"
    )
    assert evaluate(facts, Thresholds(missed_periods=4), TODAY).colour == "green"


def test_the_zone_decides_which_rules_are_red():
    facts = ProjectFacts(stage="signed", planned_start=dt.date(2026, 11, 1))
    assert evaluate(facts, Thresholds(red_rules=frozenset()), TODAY).colour == "amber"
    missed = ProjectFacts(stage="construction", missed_periods=5)
    assert (
        evaluate(missed, Thresholds(red_rules=frozenset({rules.MISSED_REPORTS})), TODAY).colour
        == "red"
    )


def test_a_terminated_project_has_no_warning():
    facts = ProjectFacts(
        stage="terminated",
        planned_start=dt.date(2026, 1, 1),
        planned_completion=dt.date(2026, 2, 1),
    )
    assert evaluate(facts, Thresholds(), TODAY).colour == "green"


# --- properties -------------------------------------------------------------------------------

days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))
optional_days = st.none() | days
money = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
# Any text a user may type as a name, 。 included, but not the quotes the sentences put around
# names: then a quoted name in a sentence is unambiguous and can be taken out before counting.
names = st.text(alphabet=st.characters(blacklist_characters="“”"), min_size=1, max_size=6)
facts_strategy = st.builds(
    ProjectFacts,
    stage=st.sampled_from(Stage.values),
    planned_start=optional_days,
    actual_start=optional_days,
    planned_completion=optional_days,
    actual_completion=optional_days,
    annual_plan_investment=money,
    invested_this_year=money,
    open_milestones=st.lists(
        st.builds(OpenMilestone, names, days, st.none() | days),
        max_size=5,
    ).map(tuple),
    missed_periods=st.integers(0, 30),
)
thresholds_strategy = st.builds(
    Thresholds,
    lag_points=st.decimals(
        min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False
    ),
    missed_periods=st.integers(1, 10),
    milestone_grace_days=st.integers(0, 60),
    red_rules=st.frozensets(st.sampled_from([r for r, _ in rules.RULES])),
)


@given(facts_strategy, thresholds_strategy, days)
def test_the_colour_follows_from_the_reasons(facts, thresholds, today):
    verdict = evaluate(facts, thresholds, today)
    assert (verdict.colour == "green") == (not verdict.reasons)
    assert (verdict.colour == "red") == any(r.rule in thresholds.red_rules for r in verdict.reasons)
    assert len({r.rule for r in verdict.reasons}) == len(verdict.reasons)  # one sentence per rule
    for reason in verdict.reasons:
        # A milestone's name is the user's text and may hold a 。 of its own; the sentence is
        # what is left once the quoted names are taken out.
        text = reason.text
        for m in facts.open_milestones:
            text = text.replace(f"“{m.name}”", "“”")
        assert text.endswith("。") and text.count("。") == 1, reason.text


@given(facts_strategy, thresholds_strategy, days, st.decimals(min_value=0, max_value=50, places=1))
def test_a_higher_threshold_never_adds_a_reason(facts, thresholds, today, extra):
    strict = {r.rule for r in evaluate(facts, thresholds, today).reasons}
    lenient = Thresholds(
        lag_points=thresholds.lag_points + extra,
        missed_periods=thresholds.missed_periods + int(extra),
        milestone_grace_days=thresholds.milestone_grace_days + int(extra),
        red_rules=thresholds.red_rules,
    )
    assert {r.rule for r in evaluate(facts, lenient, today).reasons} <= strict


@given(facts_strategy, thresholds_strategy, days, money)
def test_more_investment_never_puts_a_project_behind_schedule(facts, thresholds, today, more):
    before = {r.rule for r in evaluate(facts, thresholds, today).reasons}
    richer = ProjectFacts(
        **{**facts.__dict__, "invested_this_year": facts.invested_this_year + more}
    )
    after = {r.rule for r in evaluate(richer, thresholds, today).reasons}
    assert rules.BEHIND_SCHEDULE not in after - before


@given(days)
def test_schedule_share_grows_through_the_year_to_100(day):
    share = rules.schedule_share(day)
    assert 0 < share <= 100
    if (day.month, day.day) != (12, 31):
        assert rules.schedule_share(day + dt.timedelta(days=1)) > share


# --- the blocker rule (要素保障问题久拖未决) -----------------------------------------------------


def test_a_blocker_older_than_the_threshold_warns_amber_with_its_age():
    today = dt.date(2026, 6, 30)
    facts = rules.ProjectFacts(
        stage="construction",
        open_blockers=(
            rules.OpenBlocker("用地", dt.date(2026, 5, 1)),
            rules.OpenBlocker("电力", dt.date(2026, 6, 20)),
        ),
    )
    verdict = rules.evaluate(facts, rules.Thresholds(blocker_days=30), today)
    assert verdict.colour == rules.AMBER
    [reason] = verdict.reasons
    assert reason.rule == rules.BLOCKER_OPEN
    assert reason.text == "要素保障用地问题（2026年5月1日提出，已60天）超过30天仍未解决。"


def test_a_blocker_exactly_at_the_threshold_does_not_warn_and_finished_projects_never_do():
    today = dt.date(2026, 6, 30)
    at_limit = rules.ProjectFacts(
        stage="construction", open_blockers=(rules.OpenBlocker("用地", dt.date(2026, 5, 31)),)
    )
    assert rules.evaluate(at_limit, rules.Thresholds(blocker_days=30), today).colour == rules.GREEN
    finished = rules.ProjectFacts(
        stage="producing", open_blockers=(rules.OpenBlocker("用地", dt.date(2025, 1, 1)),)
    )
    assert rules.evaluate(finished, rules.Thresholds(blocker_days=30), today).colour == rules.GREEN


def test_many_old_blockers_are_summarised():
    today = dt.date(2026, 6, 30)
    old = tuple(rules.OpenBlocker(c, dt.date(2026, 1, i + 1)) for i, c in enumerate("ABCDE"))
    verdict = rules.evaluate(
        rules.ProjectFacts(stage="construction", open_blockers=old),
        rules.Thresholds(blocker_days=10, red_rules=frozenset({rules.BLOCKER_OPEN})),
        today,
    )
    assert verdict.colour == rules.RED and "等5个问题" in verdict.reasons[0].text


def test_missed_investment_commitments_make_one_amber_sentence():
    facts = ProjectFacts(
        stage="signed",
        unmet_commitments=(
            "签约承诺2026年3月1日开工，至今未开工。",
            "签约承诺2026年6月1日投产，至今未投产",
        ),
    )
    verdict = evaluate(facts, Thresholds(), dt.date(2026, 7, 1))
    assert verdict.colour == rules.AMBER
    assert [r.as_dict() for r in verdict.reasons] == [
        {
            "rule": "commitment_missed",
            "colour": "amber",
            "text": "签约承诺2026年3月1日开工，至今未开工；签约承诺2026年6月1日投产，至今未投产。",
        }
    ]
    red = Thresholds(red_rules=frozenset({rules.COMMITMENT_MISSED}))
    assert evaluate(facts, red, dt.date(2026, 7, 1)).colour == rules.RED
    assert (
        evaluate(ProjectFacts(stage="signed"), Thresholds(), dt.date(2026, 7, 1)).colour == "green"
    )
