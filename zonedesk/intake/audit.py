"""The audit log as .xlsx (审计日志导出), for the 审计员 who reads it on /accounts/audit/.

The filters are the page's own form (`accounts.views.AuditFilterForm`) applied the same way;
the export itself is audited (action 导出), so exporting the log leaves a row in the log.
"""

from __future__ import annotations

from django.views.decorators.http import require_http_methods

from zonedesk import access
from zonedesk.accounts.models import Role
from zonedesk.accounts.selectors import audit_events_for
from zonedesk.accounts.views import AuditFilterForm

from .export import ExportColumn, export_xlsx, filters_text

AUDIT_COLUMNS = [
    ExportColumn("时间", "datetime"),
    ExportColumn("操作人"),
    ExportColumn("动作"),
    ExportColumn("开发区"),
    ExportColumn("对象类型"),
    ExportColumn("对象"),
    ExportColumn("版本", "int"),
    ExportColumn("变更内容", width=60),
    ExportColumn("说明", width=40),
    ExportColumn("IP"),
]
MAX_ROWS = 200_000


@require_http_methods(["GET"])
def audit_export(request):
    user = request.user
    if user.role != Role.AUDITOR and not user.is_superuser:
        raise access.deny(user, what="只有审计员可以导出审计日志", request=request)
    form = AuditFilterForm(request.GET)
    events = list(audit_events_for(user, form)[:MAX_ROWS])
    rows = [
        [
            e.at,
            e.actor_name or "—",
            e.get_action_display(),
            e.zone.name if e.zone_id else "",
            e.object_type,
            e.object_label,
            e.version,
            "\n".join(
                f"{c.get('label', '')}：{c.get('old', '')} → {c.get('new', '')}" for c in e.changes
            ),
            e.note,
            e.ip or "",
        ]
        for e in events
    ]
    return export_xlsx(
        request,
        columns=AUDIT_COLUMNS,
        rows=rows,
        title="审计日志",
        filters_text=(filters_text(form) or "全部")
        + (
            f"（仅含最近{MAX_ROWS:,}条，请缩小日期范围分次导出）" if len(events) == MAX_ROWS else ""
        ),
        count=len(events),
    )
