"""Building sheets for the import tests."""

from __future__ import annotations

import csv
import io

import openpyxl

from zonedesk.accounts.models import AuditEvent
from zonedesk.intake.models import ImportBatch, ImportChange
from zonedesk.projects.models import Milestone, Project
from zonedesk.zones.models import Organisation

HEADER = [
    "项目代码",
    "项目名称",
    "项目类别",
    "总投资（万元）",
    "年度计划投资（万元）",
    "责任部门",
    "计划开工",
    "计划竣工",
]


def xlsx(rows: list[list[object]], *, title: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目"
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def snapshot() -> dict:
    """Everything an import could write, to assert that a refused file changed nothing."""
    return {
        "projects": sorted(
            Project.objects.values_list(
                "id", "code", "name", "total_investment", "version", "archived_at"
            )
        ),
        "milestones": sorted(
            Milestone.objects.values_list("id", "name", "planned_date", "version")
        ),
        "orgs": sorted(Organisation.objects.values_list("id", "name", "credit_code")),
        "audit": AuditEvent.objects.exclude(
            action__in=[AuditEvent.Action.DENIED, AuditEvent.Action.EXPORT]
        ).count(),
        "changes": ImportChange.objects.count(),
        "committed": ImportBatch.objects.exclude(status=ImportBatch.Status.PREVIEW).count(),
    }
