"""The import pipeline (导入流程): upload → read → map headers → parse and validate every row →
preview → commit (one transaction) → undo.

`import_preview` reads and checks the file and stores an `ImportBatch` with the plan's counts and
every problem; nothing else is written. `import_commit` reads the stored file again inside one
transaction, re-checks every row against the database as it is now (rows are locked), and writes
only when there is no problem at all. `import_undo` puts back every record the import touched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zonedesk.accounts.models import User

from .models import ImportBatch, ImportChange
from .reader import Limits, Problem, ReadError, Table, read_table
from .sheets import Context, RowError, RowPlan, SheetSpec, get_spec

MAX_STORED_PROBLEMS = 2000


def limits() -> Limits:
    """Upload limits, from settings when set there (INTAKE_MAX_BYTES, INTAKE_MAX_ROWS, …)."""
    default = Limits()
    return Limits(
        max_bytes=getattr(settings, "INTAKE_MAX_BYTES", default.max_bytes),
        max_rows=getattr(settings, "INTAKE_MAX_ROWS", default.max_rows),
        max_cells=getattr(settings, "INTAKE_MAX_CELLS", default.max_cells),
        max_unzipped_bytes=getattr(
            settings, "INTAKE_MAX_UNZIPPED_BYTES", default.max_unzipped_bytes
        ),
        max_ratio=getattr(settings, "INTAKE_MAX_ZIP_RATIO", default.max_ratio),
    )


@dataclass
class Plan:
    table: Table | None
    plans: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for p in self.plans if p.action == action)


def plan_import(
    spec: SheetSpec,
    data: bytes,
    *,
    user: User,
    zone,
    filename: str = "",
    lock: bool = False,
    batch=None,
) -> Plan:
    """Read the file and decide, row by row, what an import would do. Writes nothing."""
    try:
        table = read_table(data, columns=spec.columns, filename=filename, limits=limits())
    except ReadError as exc:
        return Plan(None, problems=[Problem(0, "", "", exc.message)])
    ctx = Context(user=user, zone=zone, headers=table.columns, lock=lock, batch=batch)
    plan = Plan(table, problems=list(table.problems))
    if table.problems:
        # A missing column or a wrong unit makes every row's reading doubtful: stop here.
        plan.problems.extend(p for r in table.rows for p in r.problems)
        return plan
    rows = table.rows
    spec.prepare(ctx, rows)
    seen: dict[tuple, int] = {}
    keyed = []
    for row in rows:
        if row.problems:
            plan.problems.extend(row.problems)
            continue
        key = spec.key(ctx, row)
        if key in seen:
            plan.problems.append(
                Problem(
                    row.number,
                    "",
                    "",
                    f"与第{seen[key]}行重复（{spec.key_label(key)}相同），同一条记录在文件中只能出现一次。",
                )
            )
            continue
        seen[key] = row.number
        keyed.append((row, key))
    existing = spec.existing(ctx, [key for _, key in keyed])
    for row, key in keyed:
        try:
            plan.plans.append(spec.build(ctx, row, existing.get(key)))
        except RowError as exc:
            plan.problems.extend(exc.problems)
    plan.problems.sort(key=lambda p: p.row)
    return plan


def _fill(batch: ImportBatch, plan: Plan) -> None:
    table = plan.table
    batch.sheet = table.sheet if table else ""
    batch.rows = len(table.rows) if table else 0
    batch.created_count = plan.count("create")
    batch.updated_count = plan.count("update")
    batch.unchanged_count = plan.count("unchanged")
    batch.error_count = len(plan.problems)
    batch.problems = [p.as_dict() for p in plan.problems[:MAX_STORED_PROBLEMS]]
    batch.notes = table.notes if table else []
    batch.ignored_columns = table.ignored_columns if table else []


def import_preview(*, kind: str, by: User, file_name: str, data: bytes) -> ImportBatch:
    """Check an uploaded file and record the preview; nothing but the batch is written."""
    spec = get_spec(kind)
    if spec is None:
        raise ValidationError("未知的表格类型。")
    if not spec.can_import(by) or by.zone_id is None:
        raise PermissionDenied(f"您的角色不能导入{spec.title}表。")
    batch = ImportBatch(
        kind=kind,
        zone_id=by.zone_id,
        created_by=by,
        file_name=file_name[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    plan = plan_import(spec, data, user=by, zone=by.zone, filename=file_name)
    _fill(batch, plan)
    # A file over the size limit is not kept.
    batch.content = data if len(data) <= limits().max_bytes else b""
    batch.save()
    return batch


def previous_import(batch: ImportBatch) -> ImportBatch | None:
    """The last committed import of the same file into the same zone, if any."""
    return (
        ImportBatch.objects.filter(
            zone_id=batch.zone_id,
            kind=batch.kind,
            sha256=batch.sha256,
            status=ImportBatch.Status.COMMITTED,
        )
        .exclude(pk=batch.pk)
        .order_by("-committed_at")
        .first()
    )


class ImportRefused(ValidationError):
    """The commit found problems (the database changed since the preview, or the file has errors)."""


def import_commit(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Write the whole file in one transaction, or nothing. The file is read and every row
    checked again with the matched records locked, since the database may have moved on."""
    spec = get_spec(batch.kind)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("zone").get(pk=batch.pk)
        if batch.status != ImportBatch.Status.PREVIEW:
            raise ValidationError("该批次已经导入或撤销，不能再次确认。请重新上传文件。")
        if batch.created_by_id != by.pk:
            raise PermissionDenied("只能确认自己上传的文件。")
        plan = plan_import(
            spec,
            bytes(batch.content),
            user=by,
            zone=batch.zone,
            filename=batch.file_name,
            lock=True,
            batch=batch,
        )
        if not plan.problems:
            ctx = Context(
                user=by, zone=batch.zone, headers=plan.table.columns, lock=True, batch=batch
            )
            changes = spec.save(ctx, plan.plans)
            ImportChange.objects.bulk_create(changes, batch_size=1000)
            _fill(batch, plan)
            batch.status = ImportBatch.Status.COMMITTED
            batch.committed_at = timezone.now()
            batch.save()
            return batch
    _fill(batch, plan)
    batch.save(update_fields=[
        "sheet", "rows", "created_count", "updated_count", "unchanged_count", "error_count",
        "problems", "notes", "ignored_columns",
    ])  # fmt: skip
    raise ImportRefused(
        f"文件中有{len(plan.problems)}个问题（数据可能在预览后被他人修改），未导入任何数据。请查看问题清单。"
    )


def import_undo(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Put back every record the import touched: updated records get their previous values,
    created projects are archived (projects are never deleted), created milestones and
    organisations are deleted. Refused as a whole when any of them was changed since."""
    spec = get_spec(batch.kind)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("zone").get(pk=batch.pk)
        if batch.status != ImportBatch.Status.COMMITTED:
            raise ValidationError("只有已导入的批次才能撤销。")
        changes = list(batch.changes.order_by("id"))
        conflicts = spec.undo_conflicts(changes)
        if conflicts:
            shown = "；".join(conflicts[:10]) + ("……" if len(conflicts) > 10 else "")
            raise ValidationError(
                f"无法撤销：{shown}。撤销会覆盖这些后来的修改，请先与修改人核对。"
            )
        ctx = Context(user=by, zone=batch.zone, headers={}, lock=True, batch=batch)
        spec.undo(ctx, changes)
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_at = timezone.now()
        batch.undone_by = by
        batch.save(update_fields=["status", "undone_at", "undone_by"])
    return batch
