"""The preview's problem list as .xlsx (导出问题清单): every stored problem, not only the ones the
page lists, formula-looking cells kept as text, the batch page's permission, the audit row."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login
from tests.exports import sheet_of
from tests.intake.helpers import HEADER, xlsx
from zonedesk.accounts.models import AuditEvent
from zonedesk.intake.models import ImportBatch
from zonedesk.intake.views import PROBLEMS_SHOWN

pytestmark = pytest.mark.django_db


def _row(code: str, total: str = "6亿", start: str = "") -> list[object]:
    return [code, "智算中心项目", "产业", total, "", "经济发展部", start, ""]


def _upload(client, rows, name="台账（初稿）.xlsx") -> ImportBatch:
    response = client.post(
        reverse("intake:upload"),
        {"kind": "projects", "file": SimpleUploadedFile(name, xlsx([HEADER, *rows]))},
    )
    assert response.status_code == 302
    return ImportBatch.objects.latest("pk")


def _export(client, batch):
    return client.get(reverse("intake:batch", args=[batch.pk]), {"format": "xlsx"})


def test_the_problem_list_exports_every_problem_as_the_page_shows_them(world):
    client = login(world.econ)
    batch = _upload(client, [_row("YQ-001", "约6亿"), _row("YQ-002", start="2026.13.1")])
    page = client.get(reverse("intake:batch", args=[batch.pk])).content.decode()
    assert 'data-testid="export-xlsx"' in page and "导出问题清单" in page
    response = _export(client, batch)
    assert "%E5%8F%B0%E8%B4%A6" in response["Content-Disposition"]  # 台账…: the file's name
    sheet = sheet_of(response)
    assert sheet["A1"].value == "台账（初稿） 问题清单"
    assert sheet["A2"].value.startswith("筛选条件：导入批次：#")
    assert "表格类型：重点项目；问题共2个" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == ["行号", "列", "单元格内容", "问题"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert rows == [
        [p["row"], p["column"], p["value"] or None, p["reason"]] for p in batch.problems
    ]
    assert rows[0][:3] == [2, "总投资（万元）", "约6亿"]
    assert "金额须为确数，不能含“约”" in rows[0][3]
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:D5"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == world.econ and "台账（初稿） 问题清单（2行）" in event.note


def test_problems_beyond_those_shown_are_in_the_file(world):
    client = login(world.econ)
    count = PROBLEMS_SHOWN + 20
    batch = _upload(client, [_row(f"YQ-{i:04d}", "约6亿") for i in range(count)])
    assert batch.error_count == count
    page = client.get(reverse("intake:batch", args=[batch.pk]))
    assert len(page.context["problems"]) == PROBLEMS_SHOWN
    rows = list(sheet_of(_export(client, batch)).iter_rows(min_row=4, values_only=True))
    assert len(rows) == count
    assert rows[-1][0] == count + 1  # sheet row of the last data row (header on row 1)


def test_a_formula_looking_cell_stays_text(world):
    client = login(world.econ)
    batch = _upload(client, [_row("YQ-001")])
    formula = '=HYPERLINK("x")'
    ImportBatch.objects.filter(pk=batch.pk).update(
        error_count=1,
        problems=[{"row": 2, "column": "项目名称", "value": formula, "reason": "@原因"}],
    )
    sheet = sheet_of(_export(client, batch))
    assert (sheet["C4"].value, sheet["C4"].data_type) == (formula, "s")
    assert (sheet["D4"].value, sheet["D4"].data_type) == ("@原因", "s")


def test_a_problem_of_the_whole_file_says_file(world):
    client = login(world.econ)
    batch = _upload(client, [_row("YQ-001")])
    ImportBatch.objects.filter(pk=batch.pk).update(
        error_count=1, problems=[{"row": 0, "column": "", "value": "", "reason": "文件已损坏"}]
    )
    rows = list(sheet_of(_export(client, batch)).iter_rows(min_row=4, values_only=True))
    assert rows == [("文件", None, None, "文件已损坏")]


def test_a_clean_preview_shows_no_problem_export(world):
    client = login(world.econ)
    batch = _upload(client, [_row("YQ-001")])
    assert batch.error_count == 0
    page = client.get(reverse("intake:batch", args=[batch.pk])).content.decode()
    assert "导出问题清单" not in page


def test_the_leader_may_export_a_clerks_problem_list(world):
    batch = _upload(login(world.econ), [_row("YQ-001", "约6亿")])
    assert sheet_of(_export(login(world.leader), batch)).max_row == 4


@pytest.mark.parametrize("persona", ["invest", "other_staff", "auditor", "viewer"])
def test_who_may_not_see_the_batch_may_not_export_its_problems(world, persona):
    batch = _upload(login(world.econ), [_row("YQ-001", "约6亿")])
    assert _export(login(getattr(world, persona)), batch).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
