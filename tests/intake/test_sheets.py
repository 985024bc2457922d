"""Milestone and organisation sheets, and the reader's handling of layouts and encodings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.intake.helpers import csv_bytes, snapshot, xlsx
from zonedesk.accounts.audit import history_for
from zonedesk.intake import services
from zonedesk.intake.export import ExportColumn, display_width, write_xlsx
from zonedesk.intake.reader import read_table
from zonedesk.intake.sheets import PROJECT_COLUMNS
from zonedesk.projects.models import Milestone
from zonedesk.zones.models import Organisation

MILESTONES = [
    ["项目代码", "节点名称", "计划完成日期", "实际完成日期", "责任单位"],
    ["YQ-001", "开工", "2026-03-01", "2025-03-15", "开创集团"],
    ["YQ-001", "主体封顶", "2026-09-30", "", "开创集团"],
]


@pytest.mark.django_db
def test_milestones_are_matched_by_project_code_and_name_and_undone(world):
    batch = services.import_preview(
        kind="milestones", by=world.econ, file_name="节点.xlsx", data=xlsx(MILESTONES)
    )
    assert (batch.created_count, batch.updated_count, batch.error_count) == (1, 1, 0)
    services.import_commit(batch=batch, by=world.econ)
    started = Milestone.objects.get(pk=world.milestone.pk)
    assert started.actual_date == dt.date(2025, 3, 15) and started.version == 2
    topped = Milestone.objects.get(name="主体封顶")
    assert topped.order == 2 and topped.responsible_unit == world.kaichuang
    # The project's history shows both, as for edits on the page.
    notes = [e.note for e in history_for(world.project)]
    assert any("新增节点“主体封顶”" in n for n in notes)
    services.import_undo(batch=batch, by=world.econ)
    assert not Milestone.objects.filter(name="主体封顶").exists()
    assert Milestone.objects.get(pk=world.milestone.pk).actual_date is None


@pytest.mark.django_db
def test_a_sheet_that_moves_a_plan_counts_the_change_and_undo_restores_it(world):
    rows = [MILESTONES[0], ["YQ-001", "开工", "2026-04-15", "", ""], MILESTONES[2]]
    batch = services.import_preview(
        kind="milestones", by=world.econ, file_name="节点.xlsx", data=xlsx(rows)
    )
    services.import_commit(batch=batch, by=world.econ)
    moved = Milestone.objects.get(pk=world.milestone.pk)
    assert (moved.baseline_date, moved.planned_date, moved.plan_changes) == (
        dt.date(2026, 3, 1), dt.date(2026, 4, 15), 1,
    )  # fmt: skip
    new = Milestone.objects.get(name="主体封顶")  # a new step's plan is its baseline
    assert (new.baseline_date, new.plan_changes) == (dt.date(2026, 9, 30), 0)
    services.import_undo(batch=batch, by=world.econ)
    back = Milestone.objects.get(pk=world.milestone.pk)
    assert (back.planned_date, back.baseline_date, back.plan_changes) == (
        dt.date(2026, 3, 1), dt.date(2026, 3, 1), 0,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_clerk_cannot_import_milestones_of_another_departments_project(world):
    rows = [MILESTONES[0], ["YQ-002", "开工", "2026-03-01", "", ""]]
    before = snapshot()
    batch = services.import_preview(
        kind="milestones", by=world.econ, file_name="节点.xlsx", data=xlsx(rows)
    )
    assert batch.problems == [
        {
            "row": 2,
            "column": "项目代码",
            "value": "YQ-002",
            "reason": "无权修改项目“储能电池项目”的节点（责任部门：投资合作促进部）。",
        }
    ]
    assert snapshot() == before


ORGS = [
    ["单位名称", "统一社会信用代码", "单位类型", "联系人"],
    ["山西智算科技有限公司", "91140300MA0K3YUR64", "民营企业", "刘工"],
    ["开创集团", "", "国企", "赵总"],
]


@pytest.mark.django_db
def test_organisations_are_matched_by_credit_code_else_by_name(world):
    batch = services.import_commit(
        batch=services.import_preview(
            kind="organisations", by=world.leader, file_name="单位.xlsx", data=xlsx(ORGS)
        ),
        by=world.leader,
    )
    assert (batch.created_count, batch.updated_count) == (1, 1)
    org = Organisation.objects.get(credit_code="91140300MA0K3YUR64")
    assert org.kind == Organisation.Kind.ENTERPRISE and org.zone == world.zone
    assert Organisation.objects.get(pk=world.kaichuang.pk).contact_name == "赵总"
    # The same code under another name is the same organisation (renamed).
    renamed = [ORGS[0], ["山西智算科技股份有限公司", "91140300MA0K3YUR64", "企业", "刘工"]]
    again = services.import_preview(
        kind="organisations", by=world.leader, file_name="单位.xlsx", data=xlsx(renamed)
    )
    assert (again.created_count, again.updated_count) == (0, 1)
    services.import_undo(batch=batch, by=world.leader)
    assert not Organisation.objects.filter(credit_code="91140300MA0K3YUR64").exists()
    assert Organisation.objects.get(pk=world.kaichuang.pk).contact_name == ""


@pytest.mark.django_db
def test_a_credit_code_of_another_zone_is_refused(world):
    world.other_org.credit_code = "91140300MA0K3YUR64"
    world.other_org.save()
    batch = services.import_preview(
        kind="organisations", by=world.leader, file_name="单位.xlsx", data=xlsx(ORGS[:2])
    )
    assert (
        batch.problems[0]["reason"] == "该统一社会信用代码已由屯留经济技术开发区登记为“鼎恒能源”。"
    )


@pytest.mark.django_db
def test_undoing_organisations_used_since_is_refused(world):
    batch = services.import_commit(
        batch=services.import_preview(
            kind="organisations", by=world.leader, file_name="单位.xlsx", data=xlsx(ORGS)
        ),
        by=world.leader,
    )
    world.project.owner = Organisation.objects.get(credit_code="91140300MA0K3YUR64")
    world.project.save()
    with pytest.raises(Exception) as exc:
        services.import_undo(batch=batch, by=world.leader)
    assert "已被项目、节点或用户引用，不能删除" in str(exc.value)


# --- reader ------------------------------------------------------------------------------------


TWO_ROW = [
    ["项目名称", "完成投资（万元）", None, "总投资（亿元）"],
    [None, "本年", "自开工累计", None],
    ["甲", 10, 20, 1.5],
]


def test_a_two_row_header_takes_the_unit_from_the_upper_row():
    table = read_table(xlsx(TWO_ROW), columns=PROJECT_COLUMNS)
    assert table.rows[0].values["total_investment"] == Decimal("15000.00")
    assert table.ignored_columns == ["完成投资（万元）/本年", "完成投资（万元）/自开工累计"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_are_detected(encoding):
    rows = [["项目名称", "总投资（万元）", "责任部门"], ["钙基新材料产业园", "1.2亿", "经济发展部"]]
    delimiter = "\t" if encoding == "utf-16" else ","
    table = read_table(csv_bytes(rows, encoding, delimiter), columns=PROJECT_COLUMNS)
    assert table.rows[0].values == {
        "name": "钙基新材料产业园",
        "total_investment": Decimal("12000.00"),
        "department": "经济发展部",
    }


def test_display_width_counts_cjk_double():
    assert display_width("总投资") == 6 and display_width("ab1") == 3 and display_width("ＡＢ") == 4


MONEY = st.decimals(
    min_value=0, max_value=Decimal("999999999.99"), places=2, allow_nan=False, allow_infinity=False
)
NAMES = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S"]), min_size=1, max_size=30
).filter(
    lambda s: (
        s.strip()
        and not s.strip().startswith(
            ("合计", "总计", "小计", "注", "说明", "示例", "备注", "填报说明", "（示例", "(示例")
        )
    )
)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(NAMES, MONEY), min_size=1, max_size=5))
def test_what_we_export_we_read_back_exactly(rows):
    """Property: any name and any 万元 amount survive export → import unchanged (text stays text,
    even when it starts with = + - @)."""
    content = write_xlsx(
        [ExportColumn("项目名称"), ExportColumn("总投资（万元）", "money")], rows, title="测试"
    )
    table = read_table(content, columns=PROJECT_COLUMNS)
    got = [(r.values["name"], r.values["total_investment"]) for r in table.rows]
    expected = [(" ".join(n.split()), m) for n, m in rows]
    assert [(g[0], g[1]) for g in got] == [
        (e[0], e[1] if e[1] is not None else None) for e in expected
    ]


@settings(max_examples=400, deadline=None)
@given(
    value=st.one_of(
        st.floats(min_value=0, max_value=1e13, allow_nan=False),
        st.integers(min_value=0, max_value=10**13),
        st.decimals(min_value=0, max_value=10**9, places=4).map(float),
    ),
    unit=st.sampled_from([None, "元", "千元", "万元", "百万元", "亿元"]),
)
def test_the_fast_path_for_numeric_money_cells_agrees_with_parse_money(value, unit):
    from decimal import ROUND_HALF_EVEN, Decimal

    from zonedesk.intake.reader import Column, cell_reader
    from zonedesk.lib.values import parse_money

    read = cell_reader(Column("m", "金额", "money", unit="万元"), unit)
    slow = parse_money(value, unit=unit or "万元", max_places=None)
    assert read(value) == slow.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
