"""The import log export: the batches a user sees on the log page, and who may export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.conftest import login
from tests.intake.helpers import HEADER, xlsx
from zonedesk.intake import services

pytestmark = pytest.mark.django_db


def _upload(world, user, name):
    rows = [HEADER, ["YQ-001", "智算中心项目", "产业", "6亿", "1.2亿", "经济发展部", "", ""]]
    return services.import_preview(kind="projects", by=user, file_name=name, data=xlsx(rows))


def test_the_leader_exports_every_batch_of_the_zone(world):
    mine = _upload(world, world.leader, "=领导.xlsx")
    services.import_commit(batch=mine, by=world.leader)
    _upload(world, world.econ, "经发.xlsx")
    response = login(world.leader).get(reverse("intake:log_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "导入记录"
    assert [c.value for c in sheet[3]][:8] == [
        "批次", "表格类型", "文件名", "SHA-256", "工作表", "导入人", "上传时间", "状态",
    ]  # fmt: skip
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [(r[2], r[5], r[7], r[9], r[10]) for r in rows] == [
        ("经发.xlsx", "赵经发", "待确认", 0, 0),
        ("=领导.xlsx", "王主任", "已导入", 0, 1),
    ]
    assert sheet["C5"].data_type == "s"
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:P5"


def test_a_clerk_exports_only_their_own_batches(world):
    _upload(world, world.leader, "领导.xlsx")
    _upload(world, world.econ, "经发.xlsx")
    response = login(world.econ).get(reverse("intake:log_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[2].value for row in sheet.iter_rows(min_row=4)] == ["经发.xlsx"]


@pytest.mark.parametrize("persona", ["auditor", "admin", "viewer"])
def test_roles_without_import_cannot_export_the_log(world, persona):
    assert login(getattr(world, persona)).get(reverse("intake:log_export")).status_code == 403


def test_the_log_page_links_to_its_export(world):
    page = login(world.leader).get(reverse("intake:log")).content.decode()
    assert reverse("intake:log_export") in page
