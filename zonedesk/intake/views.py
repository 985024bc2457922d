"""Pages of Excel import (导入): upload, preview, commit, the import log and undo."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk import access

from . import services
from .export import ExportColumn, export_xlsx, template_xlsx, xlsx_response
from .forms import UploadForm
from .selectors import batches_for, can_undo, get_batch_for_user
from .sheets import REGISTRY, get_spec, specs_for

PROBLEMS_SHOWN = 500


def _specs_or_deny(request):
    access.require_business_role(request.user, request)
    specs = specs_for(request.user)
    if not specs or request.user.zone_id is None:
        raise access.deny(request.user, what="无权导入数据", request=request)
    return specs


@require_http_methods(["GET", "POST"])
def upload(request):
    specs = _specs_or_deny(request)
    limits = services.limits()
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        specs=specs,
        max_bytes=limits.max_bytes,
        initial={"kind": request.GET.get("kind")},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(limits.max_bytes + 1)
        batch = services.import_preview(
            kind=form.cleaned_data["kind"], by=request.user, file_name=upload.name, data=data
        )
        return redirect("intake:batch", pk=batch.pk)
    context = {
        "form": form,
        "specs": specs,
        "recent": batches_for(request.user)[:10],
        "max_mb": limits.max_bytes // (1024 * 1024),
    }
    return render(request, "intake/upload.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET"])
def template_download(request, kind: str):
    specs = _specs_or_deny(request)
    spec = get_spec(kind)
    if spec is None:
        raise Http404("未知的表格类型。")
    if spec not in specs:
        raise access.deny(request.user, what=f"无权导入{spec.title}表", request=request)
    return xlsx_response(template_xlsx(spec), f"{spec.title}导入模板.xlsx")


PROBLEM_COLUMNS = [
    ExportColumn("行号", "int"),
    ExportColumn("列"),
    ExportColumn("单元格内容", width=40),
    ExportColumn("问题", width=60),
]


def _problems_xlsx(request, batch, spec):
    """问题清单 as .xlsx so the clerk fixes the sheet against it: every stored problem, not only
    the first PROBLEMS_SHOWN the page lists; a problem of the whole file says 文件 as the page."""
    rows = [
        [p.get("row") or "文件", p.get("column", ""), p.get("value", ""), p.get("reason", "")]
        for p in batch.problems
    ]
    kind = spec.title if spec else batch.kind
    shown = f"问题共{batch.error_count}个"
    if batch.error_count > len(rows):  # the preview stores the first MAX_STORED_PROBLEMS only
        shown += f"（保存了前{len(rows)}个）"
    return export_xlsx(
        request,
        columns=PROBLEM_COLUMNS,
        rows=rows,
        title=f"{PurePath(batch.file_name).stem} 问题清单",  # 台账.xlsx → 台账 问题清单.xlsx
        filters_text=f"导入批次：#{batch.pk}；表格类型：{kind}；{shown}",
        count=len(rows),
    )


@require_http_methods(["GET"])
def batch_detail(request, pk: int):
    batch = get_batch_for_user(request.user, pk, request=request)
    spec = get_spec(batch.kind)
    if request.GET.get("format") == "xlsx":
        return _problems_xlsx(request, batch, spec)
    previous = services.previous_import(batch) if batch.status == batch.Status.PREVIEW else None
    context = {
        "batch": batch,
        "spec": spec,
        "problems": batch.problems[:PROBLEMS_SHOWN],
        "more_problems": max(0, batch.error_count - PROBLEMS_SHOWN),
        "previous": previous,
        "can_commit": batch.status == batch.Status.PREVIEW
        and batch.created_by_id == request.user.pk
        and batch.error_count == 0,
        "can_undo": batch.status == batch.Status.COMMITTED and can_undo(request.user, batch),
        "changes": batch.changes.all()[:200] if batch.status != batch.Status.PREVIEW else [],
    }
    return render(request, "intake/batch.html", context)


@require_POST
def batch_commit(request, pk: int):
    batch = get_batch_for_user(request.user, pk, action="commit", request=request)
    try:
        batch = services.import_commit(batch=batch, by=request.user)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("intake:batch", pk=pk)
    messages.success(
        request,
        f"导入完成：新增{batch.created_count}条，更新{batch.updated_count}条，未变化{batch.unchanged_count}条。",
    )
    return redirect("intake:batch", pk=pk)


@require_POST
def batch_undo(request, pk: int):
    batch = get_batch_for_user(request.user, pk, action="undo", request=request)
    try:
        services.import_undo(batch=batch, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("intake:batch", pk=pk)
    messages.success(
        request,
        "已撤销本次导入：更新过的记录已恢复原值，新增的项目已归档，新增的节点、单位和进度填报已删除。",
    )
    return redirect("intake:batch", pk=pk)


@require_http_methods(["GET"])
def batch_list(request):
    _specs_or_deny(request)
    page = Paginator(batches_for(request.user), 30).get_page(request.GET.get("page"))
    titles = {kind: spec.title for kind, spec in REGISTRY.items()}
    return render(request, "intake/log.html", {"page": page, "titles": titles, "query": ""})


LOG_COLUMNS = [
    ExportColumn("批次"),
    ExportColumn("表格类型"),
    ExportColumn("文件名"),
    ExportColumn("SHA-256", width=20),
    ExportColumn("工作表"),
    ExportColumn("导入人"),
    ExportColumn("上传时间", "datetime"),
    ExportColumn("状态"),
    ExportColumn("数据行数", "int"),
    ExportColumn("新增", "int"),
    ExportColumn("更新", "int"),
    ExportColumn("未变化", "int"),
    ExportColumn("问题", "int"),
    ExportColumn("导入时间", "datetime"),
    ExportColumn("撤销人"),
    ExportColumn("撤销时间", "datetime"),
]


@require_http_methods(["GET"])
def batch_list_export(request):
    """导入记录 as .xlsx: the batches this user sees on the import log."""
    _specs_or_deny(request)
    titles = {kind: spec.title for kind, spec in REGISTRY.items()}
    batches = list(batches_for(request.user))
    rows = [
        [
            f"#{b.pk}",
            titles.get(b.kind, b.kind),
            b.file_name,
            b.sha256,
            b.sheet,
            b.created_by.name,
            b.created_at,
            b.get_status_display(),
            b.rows,
            b.created_count,
            b.updated_count,
            b.unchanged_count,
            b.error_count,
            b.committed_at,
            b.undone_by.name if b.undone_by_id else "",
            b.undone_at,
        ]
        for b in batches
    ]
    return export_xlsx(
        request, columns=LOG_COLUMNS, rows=rows, title="导入记录", count=len(batches)
    )
