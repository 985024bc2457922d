"""The corpus of bad files (tests/data/, written by make_corpus.py): for each, the exact problems
(row, column, value, reason) the preview lists, and that nothing but the preview was written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import override_settings

from tests.intake.helpers import snapshot
from zonedesk.intake import services
from zonedesk.intake.reader import ReadError, read_table
from zonedesk.intake.sheets import PROJECT_COLUMNS

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"
KIND = {"organisations_bad_codes.xlsx": "organisations", "milestones_problems.xlsx": "milestones"}

# file → ((create, update, unchanged) counted among the rows without problems, [problems])
EXPECTED = {
    "archived_record.xlsx": (
        (1, 0, 0),
        [
            (
                2,
                "项目代码",
                "YQ-002",
                "项目“储能电池项目”（YQ-002）已归档，不能通过导入修改。请先在项目页面恢复，或改用新的项目代码。",
            ),
        ],
    ),
    "binary.csv": (
        (0, 0, 0),
        [
            (
                0,
                "",
                "",
                "该文件是二进制文件，不是Excel表格或CSV文本。请上传Excel文件（.xlsx/.xls）或CSV文件。",
            ),
        ],
    ),
    "dates_as_text.xlsx": (
        (2, 0, 0),
        [
            (2, "计划开工", "2025.13.1", "日期不合法：2025年13月"),
            (3, "计划开工", "25/3/1", "无法识别的日期：“25/3/1”，请写作2025-03-01或2025年3月1日"),
            (4, "计划开工", "2025年2月30日", "日期不合法：2025年2月没有30日"),
        ],
    ),
    "duplicate_columns.xlsx": (
        (0, 0, 0),
        [
            (1, "名称", "", "与“项目名称”重复，都对应“项目名称”，请只保留一列。"),
        ],
    ),
    "duplicate_rows.xlsx": (
        (3, 0, 0),
        [
            (4, "", "", "与第2行重复（项目代码YQ-101相同），同一条记录在文件中只能出现一次。"),
            (6, "", "", "与第5行重复（项目名称相同），同一条记录在文件中只能出现一次。"),
        ],
    ),
    "empty.csv": (
        (0, 0, 0),
        [
            (0, "", "", "文件为空。"),
        ],
    ),
    "formulas_cached_over_total.xlsx": (
        (0, 0, 0),
        [
            (2, "年度计划投资（万元）", "3000", "年度计划投资不能大于总投资。"),
        ],
    ),
    "formulas_without_cached_values.xlsx": (
        (0, 0, 0),
        [
            (
                2,
                "年度计划投资（万元）",
                "（公式）",
                "单元格是公式但没有计算结果，请在Excel中打开并保存后再上传，或改填数值。",
            ),
            (
                3,
                "总投资（万元）",
                "（公式）",
                "单元格是公式但没有计算结果，请在Excel中打开并保存后再上传，或改填数值。",
            ),
        ],
    ),
    "fullwidth_and_chinese_numerals.xlsx": (
        (0, 0, 0),
        [
            (2, "计划竣工", "2205年1月1日", "日期不合法：年份2205超出1900–2100年"),
        ],
    ),
    "gbk.csv": (
        (1, 0, 0),
        [
            (3, "责任部门", "招商局", "本开发区没有名为“招商局”的部门。"),
            (3, "包保领导", "张三", "本开发区没有名为“张三”的主要领导或分管领导。"),
        ],
    ),
    "header_only.xlsx": (
        (0, 0, 0),
        [
            (2, "", "", "表头下面没有数据行。"),
        ],
    ),
    "hidden_sheet.xlsx": (
        (0, 0, 0),
        [
            (2, "责任部门", "规划建设部", "本开发区没有名为“规划建设部”的部门。"),
        ],
    ),
    "legacy.xls": (
        (2, 0, 0),
        [
            (4, "总投资（万元）", "abc", "无法识别的金额：“abc”"),
        ],
    ),
    "merged_section_rows.xlsx": (
        (2, 0, 0),
        [
            (6, "责任部门", "财政局", "本开发区没有名为“财政局”的部门。"),
        ],
    ),
    "milestones_problems.xlsx": (
        (1, 0, 0),
        [
            (3, "实际完成日期", "2099-01-01", "实际完成日期不能晚于今天。"),
            (4, "项目代码", "YQ-404", "本开发区没有项目代码为YQ-404的项目。"),
            (5, "项目代码", "YQ-002", "项目“储能电池项目”已归档，不能导入节点。"),
        ],
    ),
    "missing_required_column.xlsx": (
        (0, 0, 0),
        [
            (1, "", "", "缺少必填列：项目名称。"),
        ],
    ),
    "money_as_people_type_it.xlsx": (
        (1, 0, 0),
        [
            (3, "总投资（万元）", "约1.2亿", "金额须为确数，不能含“约”：“约1.2亿”"),
            (4, "总投资（万元）", "1-2亿", "金额不能是范围：“1-2亿”，请填写确数"),
            (5, "总投资（万元）", "300万美元", "不支持外币金额：“300万美元”，请折算为人民币后填写"),
            (6, "总投资（万元）", "-500", "金额不能为负数：“-500”"),
        ],
    ),
    "no_header.xlsx": (
        (0, 0, 0),
        [
            (
                0,
                "",
                "",
                "没有找到表头：前30行中没有一行包含“项目名称”等列名。请确认上传的是正确的表格，或下载模板对照填写。",
            ),
        ],
    ),
    "numbers_as_text_with_units.xlsx": (
        (1, 0, 0),
        [
            (3, "用地面积（亩）", "50吨", "无法识别的数值：“50吨”"),
            (4, "建筑面积（㎡）", "12个", "单位不符：本列单位为平方米，“12个”的单位是个"),
        ],
    ),
    "organisations_bad_codes.xlsx": (
        (1, 0, 1),
        [
            (4, "统一社会信用代码", "91140300MA0K3YUR6X", "校验位应为4，实际为X"),
            (5, "统一社会信用代码", "91140300MA0K3YUR6", "统一社会信用代码应为18位，实际为17位"),
            (
                6,
                "统一社会信用代码",
                "9114030OMA0K3YUR6Y",
                "第8位字符“O”不合法：统一社会信用代码不使用字母I、O、S、V、Z，是否应为数字0",
            ),
            (
                8,
                "单位类型",
                "街道办",
                "“街道办”不是可选值，应为：区属国有企业、企业、事业单位、政府部门、其他。",
            ),
        ],
    ),
    "password_protected.xlsx": (
        (0, 0, 0),
        [
            (
                0,
                "",
                "",
                "该工作簿设置了打开密码，系统无法读取。请在Excel中取消密码（文件→信息→保护工作簿）后另存再上传。",
            ),
        ],
    ),
    "pdf_renamed.xlsx": (
        (0, 0, 0),
        [
            (0, "", "", "该文件是PDF文件，不是Excel表格。请上传Excel文件（.xlsx/.xls）或CSV文件。"),
        ],
    ),
    "rules_broken.xlsx": (
        (0, 0, 0),
        [
            (2, "计划竣工", "2026-01-01", "计划竣工（2026-01-01）不能早于计划开工（2026-05-01）。"),
            (2, "年度计划投资（万元）", "2000", "年度计划投资不能大于总投资。"),
            (3, "行业代码", "12345", "行业代码不能超过4个字符（现为5个）"),
            (4, "项目名称", "", "请填写项目名称。"),
        ],
    ),
    "totals_and_instructions.xlsx": (
        (0, 0, 0),
        [
            (2, "项目类别", "", "请填写项目类别。"),
        ],
    ),
    "truncated.xlsx": (
        (0, 0, 0),
        [
            (0, "", "", "文件不完整或已损坏（压缩结构无法打开），请重新导出或另存后再上传。"),
        ],
    ),
    "two_row_merged_header.xlsx": (
        (1, 0, 0),
        [
            (4, "投资情况（万元）/年度计划投资", "2000", "年度计划投资不能大于总投资。"),
        ],
    ),
    "unknown_choices.xlsx": (
        (0, 0, 0),
        [
            (
                2,
                "项目类别",
                "工业园",
                "“工业园”不是可选值，应为：产业、基础设施、民生、生态、城市更新。",
            ),
            (3, "是否入库", "待定", "无法识别的是/否值：“待定”，请填“是”或“否”"),
        ],
    ),
    "utf8_bom.csv": (
        (1, 0, 0),
        [
            (2, "实际开工", "", "进入“在建”阶段须先填写实际开工。"),
        ],
    ),
    "web_page_saved_as.xls": (
        (0, 0, 0),
        [
            (
                0,
                "",
                "",
                "该文件实为网页（HTML/XML）格式，只是扩展名为.xls。请在Excel中打开后“另存为”.xlsx再上传。",
            ),
        ],
    ),
    "word_document_renamed.xlsx": (
        (0, 0, 0),
        [
            (
                0,
                "",
                "",
                "该文件是Word文档（.docx），不是Excel表格。请上传Excel文件（.xlsx/.xls）或CSV文件。",
            ),
        ],
    ),
    "wrong_unit_in_header.xlsx": (
        (0, 0, 0),
        [
            (1, "总投资（亩）", "", "“总投资”是金额列，表头单位“亩”不是金额单位。"),
        ],
    ),
    "zip_bomb.xlsx": (
        (0, 0, 0),
        [
            (
                0,
                "",
                "",
                "文件解压后异常膨胀（xl/worksheets/sheet1.xml 压缩比超过200倍），疑似压缩炸弹，已拒绝读取。",
            ),
        ],
    ),
}


def test_the_corpus_has_at_least_25_files_and_each_is_covered():
    files = sorted(p.name for p in DATA.iterdir() if p.suffix != ".py" and p.name != "__pycache__")
    assert len(files) >= 25
    assert set(files) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_file_is_explained_and_changes_nothing(world, name):
    world.invest_project.archived_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    world.invest_project.save()
    before = snapshot()
    data = (DATA / name).read_bytes()
    batch = services.import_preview(
        kind=KIND.get(name, "projects"), by=world.leader, file_name=name, data=data
    )
    counts, problems = EXPECTED[name]
    assert [(p["row"], p["column"], p["value"], p["reason"]) for p in batch.problems] == problems
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == counts
    assert batch.error_count == len(problems)
    with pytest.raises(services.ImportRefused):
        services.import_commit(batch=batch, by=world.leader)
    assert snapshot() == before


def test_notes_say_what_was_skipped(world):
    batch = services.import_preview(
        kind="projects",
        by=world.leader,
        file_name="x.xlsx",
        data=(DATA / "merged_section_rows.xlsx").read_bytes(),
    )
    assert batch.notes == [
        "以下列不属于本表，已忽略：序号。",
        "第2行“一、产业项目（2个）”为分组标题行，已跳过。",
        "第5行“二、基础设施项目（1个）”为分组标题行，已跳过。",
    ]
    assert batch.ignored_columns == ["序号"]
    batch = services.import_preview(
        kind="projects",
        by=world.leader,
        file_name="x.xlsx",
        data=(DATA / "hidden_sheet.xlsx").read_bytes(),
    )
    assert batch.notes == ["工作表“旧表”为隐藏工作表，已忽略。"]
    batch = services.import_preview(
        kind="projects",
        by=world.leader,
        file_name="x.xlsx",
        data=(DATA / "totals_and_instructions.xlsx").read_bytes(),
    )
    assert batch.notes == ["第5行起为填报说明，已跳过。", "第3行为合计行，已跳过。"]


def test_cells_merged_down_are_filled_into_every_row():
    table = read_table((DATA / "merged_section_rows.xlsx").read_bytes(), columns=PROJECT_COLUMNS)
    assert [r.values["department"] for r in table.rows] == ["经济发展部", "经济发展部", "财政局"]


def test_a_file_over_the_size_limit_is_refused(world):
    before = snapshot()
    data = b"PK\x03\x04" + b"0" * (20 * 1024 * 1024)
    batch = services.import_preview(
        kind="projects", by=world.leader, file_name="大文件.xlsx", data=data
    )
    assert batch.problems == [
        {
            "row": 0,
            "column": "",
            "value": "",
            "reason": "文件大小为20.0 MB，超过20 MB的上限。请拆分后分批导入。",
        }
    ]
    assert bytes(batch.content) == b""
    assert snapshot() == before


@override_settings(INTAKE_MAX_ROWS=2)
def test_the_row_limit_comes_from_settings(world):
    batch = services.import_preview(
        kind="projects",
        by=world.leader,
        file_name="x.xlsx",
        data=(DATA / "duplicate_rows.xlsx").read_bytes(),
    )
    assert batch.problems[0]["reason"] == "数据超过2行的上限。请拆分后分批导入。"


def test_the_zip_bomb_is_refused_before_it_is_unpacked():
    with pytest.raises(ReadError) as exc:
        read_table((DATA / "zip_bomb.xlsx").read_bytes(), columns=PROJECT_COLUMNS)
    assert "疑似压缩炸弹" in exc.value.message
