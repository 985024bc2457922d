"""The audit log export: the 审计员's filters, scope, injection safety, and who may export."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.exports import sheet_of
from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(world):
    audit_record(
        actor=world.econ,
        action=AuditEvent.Action.UPDATE,
        target=world.project,
        changes=[
            {
                "field": "total_investment",
                "label": "总投资（万元）",
                "old": "50,000.00",
                "new": "52,000.00",
            }
        ],
        version=2,
        note="=cmd|' /C calc'!A0",
    )
    audit_record(actor=world.leader, action=AuditEvent.Action.CREATE, target=world.invest_project)
    audit_record(
        actor=world.other_staff, action=AuditEvent.Action.UPDATE, target=world.other_project
    )


def test_the_auditor_exports_the_log_with_the_filters_on_screen(world, events):
    response = login(world.auditor).get(
        reverse("intake:audit_export"), {"action": "update", "q": "赵"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = sheet_of(response)
    assert sheet["A1"].value == "审计日志"
    assert sheet["A2"].value.startswith("筛选条件：动作：修改；操作人/对象：赵；")
    assert [c.value for c in sheet[3]] == [
        "时间", "操作人", "动作", "开发区", "对象类型", "对象", "版本", "变更内容", "说明", "IP",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:J4"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert len(rows) == 1
    assert rows[0][1:9] == [
        "赵经发", "修改", "阳泉高新技术产业开发区", "projects.project", "智算中心项目", 2,
        "总投资（万元）：50,000.00 → 52,000.00", "=cmd|' /C calc'!A0",
    ]  # fmt: skip
    assert sheet["A4"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["I4"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_another_zones_events_are_not_exported_and_the_export_is_itself_audited(world, events):
    sheet = sheet_of(login(world.auditor).get(reverse("intake:audit_export")))
    objects = {row[5].value for row in sheet.iter_rows(min_row=4)}
    assert {"智算中心项目", "储能电池项目"} <= objects
    assert "飞轮储能项目" not in objects
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == world.auditor and event.note.startswith("导出审计日志")


def test_a_bad_date_filter_exports_everything_in_scope_rather_than_failing(world, events):
    response = login(world.auditor).get(reverse("intake:audit_export"), {"start": "2026-13-40"})
    sheet = sheet_of(response)
    assert sheet["A2"].value.startswith("筛选条件：全部；")


@pytest.mark.parametrize("persona", ["leader", "econ", "unit", "admin", "viewer"])
def test_only_the_auditor_may_export_the_log(world, events, persona):
    user = getattr(world, persona)
    response = login(user).get(reverse("intake:audit_export"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, actor=user).exists()


def test_anonymous_users_are_sent_to_sign_in(client, world):
    response = client.get(reverse("intake:audit_export"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_audit_page_links_to_the_export_with_its_filters(world, events):
    page = login(world.auditor).get(reverse("accounts:audit"), {"action": "update"})
    assert f"{reverse('intake:audit_export')}?action=update" in page.content.decode()


def test_a_capped_export_says_so(world, events, monkeypatch):
    from zonedesk.intake import audit

    monkeypatch.setattr(audit, "MAX_ROWS", 2)
    sheet = sheet_of(login(world.auditor).get(reverse("intake:audit_export")))
    assert sheet["A2"].value.startswith("筛选条件：全部（仅含最近2条，请缩小日期范围分次导出）；")
    assert len(list(sheet.iter_rows(min_row=4))) == 2
