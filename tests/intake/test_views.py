"""The import pages and the project-list export: scope, flow, query counts, exports."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login, make_project
from tests.intake.helpers import HEADER, xlsx
from zonedesk.accounts.models import AuditEvent
from zonedesk.intake import services
from zonedesk.intake.models import ImportBatch
from zonedesk.projects.models import Project

pytestmark = pytest.mark.django_db

ROWS = [HEADER, ["YQ-001", "智算中心项目", "产业", "6亿", "", "经济发展部", "", ""]]


def upload(client, rows=ROWS, kind="projects", name="台账.xlsx"):
    data = rows if isinstance(rows, bytes) else xlsx(rows)
    return client.post(
        reverse("intake:upload"), {"kind": kind, "file": SimpleUploadedFile(name, data)}
    )


def test_upload_preview_commit_undo_through_the_pages(world):
    client = login(world.econ)
    response = upload(client)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "intake:batch", args=[batch.pk]
    )
    page = client.get(response["Location"])
    assert page.status_code == 200 and "确认导入" in page.content.decode()
    response = client.post(reverse("intake:commit", args=[batch.pk]))
    assert response.status_code == 302
    assert Project.objects.get(code="YQ-001").total_investment == 60000
    response = client.post(reverse("intake:undo", args=[batch.pk]), follow=True)
    assert "已撤销本次导入" in response.content.decode()
    assert Project.objects.get(code="YQ-001").total_investment == 50000


def test_the_preview_page_lists_every_problem(world):
    client = login(world.econ)
    rows = [HEADER, ["YQ-001", "智算中心项目", "产业", "约6亿", "", "经济发展部", "", ""]]
    response = client.get(upload(client, rows)["Location"])
    html = response.content.decode()
    assert "金额须为确数，不能含“约”：“约6亿”" in html
    assert "确认导入" not in html
    assert "整份文件都不会导入" in html


def test_an_oversized_upload_is_refused_on_the_form(world, settings):
    settings.INTAKE_MAX_BYTES = 1000
    response = upload(login(world.econ), b"x" * 2000, name="big.csv")
    assert response.status_code == 400
    assert "超过0 MB的上限" in response.content.decode() or "上限" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "auditor", "admin"])
def test_people_who_cannot_write_cannot_open_the_import_page(world, persona):
    response = login(getattr(world, persona)).get(reverse("intake:upload"))
    assert response.status_code == 403


def test_a_unit_cannot_import_organisations(world):
    client = login(world.unit)
    assert client.get(reverse("intake:template", args=["organisations"])).status_code == 403
    response = upload(client, [["单位名称"], ["某公司"]], kind="organisations")
    assert response.status_code == 400  # not a choice for a unit
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("persona", ["other_staff", "invest", "viewer", "unit", "auditor"])
@pytest.mark.parametrize("view", ["batch", "commit", "undo"])
def test_another_persons_batch_is_refused(world, persona, view):
    batch = services.import_preview(
        kind="projects", by=world.econ, file_name="x.xlsx", data=xlsx(ROWS)
    )
    client = login(getattr(world, persona))
    method = client.get if view == "batch" else client.post
    response = method(reverse(f"intake:{view}", args=[batch.pk]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, actor=getattr(world, persona)
    ).exists()


def test_the_zone_leader_sees_and_may_undo_a_clerks_import_but_not_commit_it(world):
    batch = services.import_preview(
        kind="projects", by=world.econ, file_name="x.xlsx", data=xlsx(ROWS)
    )
    client = login(world.leader)
    assert client.get(reverse("intake:batch", args=[batch.pk])).status_code == 200
    assert client.post(reverse("intake:commit", args=[batch.pk])).status_code == 403
    services.import_commit(batch=batch, by=world.econ)
    client.post(reverse("intake:undo", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE


def test_the_import_log_query_count_does_not_grow(world):
    client = login(world.leader)
    services.import_preview(kind="projects", by=world.leader, file_name="a.xlsx", data=xlsx(ROWS))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("intake:log")).status_code == 200
    for i in range(15):
        services.import_preview(
            kind="projects",
            by=world.econ if i % 2 else world.leader,
            file_name=f"{i}.xlsx",
            data=xlsx(ROWS),
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("intake:log"))
    assert len(response.context["page"]) == 16
    assert len(many) == len(few)


def test_a_clerk_sees_only_their_own_imports_in_the_log(world):
    services.import_preview(
        kind="projects", by=world.leader, file_name="leader.xlsx", data=xlsx(ROWS)
    )
    services.import_preview(kind="projects", by=world.econ, file_name="econ.xlsx", data=xlsx(ROWS))
    response = login(world.econ).get(reverse("intake:log"))
    assert [b.file_name for b in response.context["page"]] == ["econ.xlsx"]


@pytest.mark.parametrize("kind", ["projects", "milestones", "organisations"])
def test_templates_have_notes_drop_downs_and_an_example_row_the_import_skips(world, kind):
    response = login(world.leader).get(reverse("intake:template", args=[kind]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        assert "comments" in " ".join(archive.namelist())
    if kind != "milestones":
        assert "<dataValidation" in sheet
    batch = services.import_preview(kind=kind, by=world.leader, file_name="模板.xlsx", data=content)
    assert batch.problems == [
        {"row": 2, "column": "", "value": "", "reason": "表头下面没有数据行。"}
    ]
    assert any("示例行" in note for note in batch.notes)


# --- export --------------------------------------------------------------------------------------


def _sheet(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return book.active


def test_the_export_carries_the_filters_and_money_in_wan(world):
    client = login(world.econ)
    response = client.get(reverse("projects:export"), {"department": world.invest_dept.pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = _sheet(response)
    assert sheet["A1"].value == "重点项目库"
    assert sheet["A2"].value.startswith("筛选条件：责任部门：投资合作促进部")
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref.startswith("A3:")
    assert [c.value for c in sheet[4]][:2] == ["YQ-002", "储能电池项目"]
    assert sheet["H4"].number_format == "#,##0.00" and sheet["H4"].value == 50000
    assert sheet["A5"].value == "合计（1个项目）"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == world.econ and "责任部门：投资合作促进部" in event.note


def test_text_that_looks_like_a_formula_is_written_as_text(world):
    make_project(
        world.zone, '=HYPERLINK("http://x","点我")', department=world.econ_dept, code="+SUM(1)"
    )
    response = login(world.leader).get(reverse("projects:export"), {"q": "HYPERLINK"})
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = _sheet(response)
    assert sheet["A4"].value == "+SUM(1)" and sheet["A4"].data_type == "s"
    assert sheet["B4"].value.startswith("=HYPERLINK") and sheet["B4"].data_type == "s"


def test_an_export_imports_back_unchanged(world):
    response = login(world.leader).get(reverse("projects:export"))
    batch = services.import_preview(
        kind="projects", by=world.leader, file_name="导出.xlsx", data=response.content
    )
    assert batch.problems == []
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 0, 2)


def test_the_export_query_count_does_not_grow(world):
    client = login(world.leader)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("projects:export"))
    for i in range(20):
        make_project(
            world.zone,
            f"项目{i}",
            department=world.econ_dept,
            unit=world.luda,
            code=f"Q-{i:03d}",
            lead=world.deputy,
            park=world.park,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("projects:export"))
    assert len(many) == len(few)


@pytest.mark.parametrize("persona", ["auditor", "admin"])
def test_auditor_and_admin_cannot_export_business_data(world, persona):
    assert login(getattr(world, persona)).get(reverse("projects:export")).status_code == 403


def test_another_zone_never_appears_in_an_export(world):
    sheet = _sheet(login(world.other_staff).get(reverse("projects:export")))
    codes = [row[0].value for row in sheet.iter_rows(min_row=4)]
    assert codes == ["TL-001", "合计（1个项目）"]
