"""The import pipeline (导入流程): upload → read → map headers → parse and validate every row →
preview → commit (one transaction) → undo.

`import_preview` reads and checks the file and stores an `ImportBatch` with the plan's counts and
every problem (and, for sheets that can, the plan itself and a fingerprint of the zone's data);
nothing else is written. `import_commit` writes in one transaction: when the fingerprint is
unchanged it writes the stored plan (locking and version-checking the records it updates);
when anything changed it reads the stored file again and re-checks every row against the
database as it is now (rows are locked), and writes only when there is no problem at all.
`import_undo` puts back every record the import touched.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zonedesk.accounts.models import User

from .bulk import fingerprint
from .models import ImportBatch, ImportChange
from .reader import Limits, Problem, ReadError, Table, read_table
from .sheets import Context, RowError, RowPlan, SheetSpec, get_spec

MAX_STORED_PROBLEMS = 2000
COMMIT_CHUNK = 5000


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
    counts: Counter = field(default_factory=Counter)  # action → rows
    # With `dump`, each row's plan is written down (spec.plan_dump) as soon as it is built and
    # the record it built is let go: a preview of 200,000 rows never holds 200,000 instances.
    items: list[dict] | None = None
    valid_until: object = None  # a deadline the plan relied on (ctx.lookups["valid_until"])

    def count(self, action: str) -> int:
        return self.counts[action]


def plan_import(
    spec: SheetSpec,
    data: bytes,
    *,
    user: User,
    zone,
    filename: str = "",
    lock: bool = False,
    batch=None,
    dump: bool = False,
) -> Plan:
    """Read the file and decide, row by row, what an import would do. Writes nothing."""
    try:
        table = read_table(data, columns=spec.columns, filename=filename, limits=limits())
    except ReadError as exc:
        return Plan(None, problems=[Problem(0, "", "", exc.message)])
    ctx = Context(user=user, zone=zone, headers=table.columns, lock=lock, batch=batch)
    plan = Plan(table, problems=list(table.problems), items=[] if dump else None)
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
            built = spec.build(ctx, row, existing.get(key))
        except RowError as exc:
            plan.problems.extend(exc.problems)
            continue
        plan.counts[built.action] += 1
        if plan.items is None:
            plan.plans.append(built)
        elif not plan.problems:  # once a row is refused the plan will not be kept
            plan.items.extend(spec.plan_dump([built]))
    plan.problems.sort(key=lambda p: p.row)
    plan.valid_until = ctx.lookups.get("valid_until")
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
    # The fingerprint is taken before the checks read anything (no transaction, so a long
    # preview holds no lock): a write that lands while the file is checked is missing from it,
    # so the commit finds a different fingerprint and plans again rather than trust this plan.
    batch.fingerprint = fingerprint(by.zone, by)
    plan = plan_import(spec, data, user=by, zone=by.zone, filename=file_name, dump=spec.stores_plan)
    _fill(batch, plan)
    if spec.stores_plan and not plan.problems and plan.table is not None:
        batch.plan = dump_plan(plan.items)
        batch.plan_valid_until = plan.valid_until
    # A file over the size limit is not kept.
    batch.content = data if len(data) <= limits().max_bytes else b""
    batch.save()
    return batch


def dump_plan(items: list[dict]) -> bytes:
    return zlib.compress(json.dumps(items, ensure_ascii=False).encode(), 1)


def load_plan(data: bytes) -> list[dict]:
    return json.loads(zlib.decompress(bytes(data)))


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
    """Write the whole file in one transaction, or nothing. When nothing in the zone changed
    since the preview (same fingerprint) the preview's stored plan is written as it is, with
    the records it updates locked and their versions checked; otherwise the file is read and
    every row checked again with the matched records locked."""
    spec = get_spec(batch.kind)
    try:
        return _commit(spec, batch, by)
    except IntegrityError as exc:
        # A concurrent write the checks could not see (a code taken, a unit deleted).
        raise ImportRefused(
            "导入时数据库拒绝写入（数据可能刚被他人修改），未导入任何数据。请重新上传文件预览后再确认。"
        ) from exc


def _commit(spec: SheetSpec, batch: ImportBatch, by: User) -> ImportBatch:
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(of=("self",))
            .select_related("zone")
            .get(pk=batch.pk)
        )
        if batch.status != ImportBatch.Status.PREVIEW:
            raise ValidationError("该批次已经导入或撤销，不能再次确认。请重新上传文件。")
        if batch.created_by_id != by.pk:
            raise PermissionDenied("只能确认自己上传的文件。")
        if (
            spec.stores_plan
            and batch.plan
            and (batch.plan_valid_until is None or timezone.now() < batch.plan_valid_until)
            and batch.fingerprint == fingerprint(batch.zone, by)
        ):
            if _write_stored_plan(spec, batch, by):
                batch.status = ImportBatch.Status.COMMITTED
                batch.committed_at = timezone.now()
                batch.plan = None
                batch.save(update_fields=["status", "committed_at", "plan"])
                return batch
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
            spec.finish(ctx)
            _fill(batch, plan)
            batch.status = ImportBatch.Status.COMMITTED
            batch.committed_at = timezone.now()
            batch.plan = None
            batch.save()
            return batch
    _fill(batch, plan)
    batch.plan = None  # the preview's plan no longer holds
    batch.save(update_fields=[
        "sheet", "rows", "created_count", "updated_count", "unchanged_count", "error_count",
        "problems", "notes", "ignored_columns", "plan",
    ])  # fmt: skip
    raise ImportRefused(
        f"文件中有{len(plan.problems)}个问题（数据可能在预览后被他人修改），未导入任何数据。请查看问题清单。"
    )


class _Stale(Exception):
    """A record the stored plan updates has moved on since the preview."""


def _write_stored_plan(spec: SheetSpec, batch: ImportBatch, by: User) -> bool:
    """Write the preview's plan in chunks of COMMIT_CHUNK rows (so only one chunk's records
    are in memory at a time), inside a savepoint; False, with nothing written, when a record
    it updates has moved on (the caller then plans again)."""
    ctx = Context(user=by, zone=batch.zone, headers={}, lock=True, batch=batch)
    items = load_plan(batch.plan)
    try:
        with transaction.atomic():
            for start in range(0, len(items), COMMIT_CHUNK):
                plans = spec.plan_load(ctx, items[start : start + COMMIT_CHUNK])
                if plans is None:
                    raise _Stale
                ImportChange.objects.bulk_create(spec.save(ctx, plans), batch_size=1000)
                items[start : start + COMMIT_CHUNK] = [None] * len(plans)
                del plans
            spec.finish(ctx)
    except _Stale:
        return False
    return True


def import_undo(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Put back every record the import touched: updated records get their previous values,
    created projects are archived (projects are never deleted), created milestones and
    organisations are deleted. Refused as a whole when any of them was changed since."""
    spec = get_spec(batch.kind)
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(of=("self",))
            .select_related("zone")
            .get(pk=batch.pk)
        )
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
