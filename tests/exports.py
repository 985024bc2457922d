"""Reading an exported .xlsx in tests. Every export has the same layout (intake.export.write_xlsx):
the title on row 1, the filters on screen on row 2, the header on row 3, data from row 4."""

from __future__ import annotations

import io

import openpyxl

from zonedesk.accounts.models import AuditEvent

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_of(response):
    """The export's worksheet; the response must be a 200 with the .xlsx content type."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX_TYPE, response["Content-Type"]
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def export_count() -> int:
    """How many exports the audit log has recorded (each export writes one EXPORT row)."""
    return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()


def table_of(sheet) -> tuple[list, dict]:
    """The header (row 3) and the data rows (from row 4) as dicts keyed by their first cell."""
    header = [c.value for c in sheet[3]]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=4, values_only=True)
    }
    return header, rows
