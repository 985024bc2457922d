"""Writes to the key-project register. Every write runs in a transaction, validates the whole
record, refuses a stale edit (optimistic locking on `version`) and records each field's old and
new value in the audit log with the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, Role
from zonedesk.lib.uploads import CleanFile
from zonedesk.zones.selectors import check_industry_code, check_region_code

from .models import (
    DATE_ORDER,
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    FundingSource,
    Milestone,
    MilestoneEvidence,
    MilestoneTemplate,
    Project,
    Stage,
)

# Fields a project form or the API may set; their changes are kept in the history.
PROJECT_FIELDS = [
    "code", "name", "park", "owner", "level", "category", "nature", "transformation",
    "industry_code", "location_code", "total_investment", "annual_plan_investment",
    "land_area_mu", "floor_area_m2", "content", "signed_date", "planned_start", "actual_start",
    "planned_completion", "actual_completion", "planned_production", "actual_production",
    "full_capacity_date", "stage", "stage_note", "lead_official", "department",
    "implementing_unit", "contact_name", "contact_phone", "in_statistics", "statistics_date",
]  # fmt: skip
MILESTONE_FIELDS = ["name", "planned_date", "actual_date", "responsible_unit", "note"]


class EditConflict(ValidationError):
    """Someone saved the record after this user opened it: refuse, and say what they changed."""

    def __init__(self, *, label: str, events: list[AuditEvent]):
        self.events = events
        lines = []
        for event in events:
            for change in event.changes:
                lines.append(
                    f"{event.actor_name}于{timezone.localtime(event.at):%m-%d %H:%M}将"
                    f"“{change['label']}”由“{change['old']}”改为“{change['new']}”"
                )
        detail = "；".join(lines) or "记录已被他人修改"
        super().__init__(
            f"{label}已被他人修改，本次保存未生效。对方的修改：{detail}。请刷新后重新填写。"
        )


def _rescore(project_ids: list[int], by) -> None:
    """Recompute the lag warnings (预警) of the projects a write touched, in the same transaction,
    so a colour never lags behind the data. Imported here: dispatch builds on projects."""
    from zonedesk.dispatch.services import warnings_recompute

    warnings_recompute(project_ids, by=by, trigger="项目修改")


# --- display helpers --------------------------------------------------------------------------


def display_value(instance: models.Model, field_name: str) -> str:
    """A field's value as a person reads it, for history rows and conflict messages."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field_name)
    if value is None or value == "":
        return "（空）"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _diff(
    before: dict[str, str], instance: models.Model, fields: list[str]
) -> list[dict[str, Any]]:
    changes = []
    for name in fields:
        new = display_value(instance, name)
        if before[name] != new:
            label = str(instance._meta.get_field(name).verbose_name)
            changes.append({"field": name, "label": label, "old": before[name], "new": new})
    return changes


def _snapshot(instance: models.Model, fields: list[str]) -> dict[str, str]:
    return {name: display_value(instance, name) for name in fields}


def _events_since(instance: models.Model, version: int) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=instance._meta.label_lower,
            object_id=str(instance.pk),
            version__gt=version,
        ).order_by("at", "id")
    )


# --- validation -------------------------------------------------------------------------------


@dataclass
class ProjectChecks:
    """What `validate_project` would otherwise look up for each project, fetched once by a bulk
    caller (Excel导入): the zone's codes in use, and the answers of the code-table checks.
    With it the validator issues no query; the caller vouches that the relations it set
    (zone, department, park, units, lead) are real rows — it resolved them from the zone's own
    lists — and the validator still checks that they belong to the project's zone."""

    codes_in_use: dict[str, int]  # project code → pk, every project of the zone
    industry: dict[str, Any] = field(default_factory=dict)  # code → CodeCheck, filled lazily
    region: dict[str, Any] = field(default_factory=dict)

    RELATIONS = ("zone", "department", "park", "owner", "implementing_unit", "lead_official")

    @classmethod
    def for_zone(cls, zone_id: int) -> ProjectChecks:
        return cls(dict(Project.objects.filter(zone_id=zone_id).values_list("code", "pk")))

    def industry_code(self, code: str):
        if code not in self.industry:
            self.industry[code] = check_industry_code(code)
        return self.industry[code]

    def region_code(self, code: str):
        if code not in self.region:
            self.region[code] = check_region_code(code)
        return self.region[code]


def validate_project(project: Project, *, checked: ProjectChecks | None = None) -> None:
    """All the register's rules at once, every message in Chinese naming the field. Bulk
    callers pass `checked` (see ProjectChecks) to validate thousands of rows without a query
    each; the rules and messages are the same."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    try:
        if checked is None:
            project.full_clean(validate_constraints=False)
        else:
            # Relations that are set were resolved from the zone's lists: skip the query that
            # checks each exists. Empty ones are still checked (a required one is reported).
            project.full_clean(
                exclude=[n for n in ProjectChecks.RELATIONS if getattr(project, f"{n}_id")],
                validate_unique=False,
                validate_constraints=False,
            )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                add(field, message)

    label = {f.name: str(f.verbose_name) for f in Project._meta.fields}
    for chain in DATE_ORDER:
        present = [(name, getattr(project, name)) for name in chain if getattr(project, name)]
        for (a, da), (b, db) in zip(present, present[1:], strict=False):
            if da > db:
                add(b, f"{label[b]}（{db}）不能早于{label[a]}（{da}）。")

    date_field = STAGE_DATE_FIELD.get(project.stage)
    if date_field and not getattr(project, date_field):
        add(date_field, f"进入“{project.get_stage_display()}”阶段须先填写{label[date_field]}。")
    if project.stage in (Stage.SUSPENDED, Stage.TERMINATED) and not project.stage_note.strip():
        add("stage_note", f"项目{project.get_stage_display()}须填写原因。")

    if project.in_statistics and not project.statistics_date:
        add("statistics_date", "已入库项目须填写入库日期。")
    if (
        project.total_investment is not None
        and project.annual_plan_investment is not None
        and project.annual_plan_investment > project.total_investment
    ):
        add("annual_plan_investment", "年度计划投资不能大于总投资。")

    if project.industry_code:
        check = (
            check_industry_code(project.industry_code)
            if checked is None
            else checked.industry_code(project.industry_code)
        )
        if not check.ok:
            add("industry_code", check.message)
    if project.location_code:
        check = (
            check_region_code(project.location_code)
            if checked is None
            else checked.region_code(project.location_code)
        )
        if not check.ok:
            add("location_code", check.message)

    zone_id = project.zone_id
    if project.department_id and project.department.zone_id != zone_id:
        add("department", "责任部门必须属于本开发区。")
    if project.park_id and project.park.parent_id != zone_id:
        add("park", "所选园区不属于本开发区。")
    for name in ("owner", "implementing_unit"):
        org = getattr(project, name)
        if org is not None and org.zone_id != zone_id:
            add(name, f"{label[name]}必须是本开发区登记的单位。")
    lead = project.lead_official
    if lead is not None and (
        lead.zone_id != zone_id or lead.role not in (Role.LEADER, Role.DEPUTY)
    ):
        add("lead_official", "包保领导须为本开发区的主要领导或分管领导。")

    if project.code and project.zone_id:
        if checked is None:
            clash = (
                Project.objects.filter(zone_id=zone_id, code=project.code)
                .exclude(pk=project.pk)
                .exists()
            )
        else:
            holder = checked.codes_in_use.get(project.code)
            clash = holder is not None and holder != project.pk
        if clash:
            add("code", f"项目代码 {project.code} 已被本开发区其他项目使用。")

    if errors:
        raise ValidationError(errors)


def _validate_funding(funding: list[tuple[str, Decimal]]) -> None:
    kinds = [kind for kind, _ in funding]
    if len(kinds) != len(set(kinds)):
        raise ValidationError({"funding": ["同一资金来源只能填写一行。"]})
    for kind, amount in funding:
        if kind not in FundingSource.Kind.values:
            raise ValidationError({"funding": [f"未知的资金来源：{kind}。"]})
        if amount is None or amount < 0:
            raise ValidationError({"funding": ["资金来源金额不能为负数。"]})


def _funding_display(project: Project) -> str:
    rows = project.funding.order_by("kind")
    return "；".join(f"{row.get_kind_display()}{row.amount:,.2f}万元" for row in rows) or "（空）"


def _set_funding(project: Project, funding: list[tuple[str, Decimal]]) -> None:
    project.funding.all().delete()
    FundingSource.objects.bulk_create(
        FundingSource(project=project, kind=kind, amount=amount)
        for kind, amount in funding
        if amount
    )


# --- project writes ---------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    by,
    zone,
    data: dict[str, Any],
    funding: list[tuple[str, Decimal]] | None = None,
    template: MilestoneTemplate | None = None,
    request=None,
) -> Project:
    """Register a project; when a template is given, plan its milestones backwards from the
    planned completion (or production) date."""
    project = Project(zone=zone)
    for name, value in data.items():
        if name not in PROJECT_FIELDS:
            raise ValueError(f"unknown project field {name}")
        setattr(project, name, value)
    if not project.code:
        project.code = next_project_code(zone)
    validate_project(project)
    if funding:
        _validate_funding(funding)
    project.save()
    if funding:
        _set_funding(project, funding)
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=project,
        version=project.version,
        note=f"新建项目，总投资{project.total_investment:,.2f}万元",
        request=request,
    )
    if template is not None:
        milestones_plan(project=project, template=template, by=by)
    _rescore([project.pk], by)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    by,
    data: dict[str, Any],
    expected_version: int,
    funding: list[tuple[str, Decimal]] | None = None,
    request=None,
    action: str = AuditEvent.Action.UPDATE,
) -> Project:
    """Save an edit made on `expected_version`; refuse it if the record moved on since."""
    current = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    if current.version != expected_version:
        raise EditConflict(
            label=f"项目“{current.name}”", events=_events_since(current, expected_version)
        )
    if current.archived_at is not None:
        raise ValidationError("已归档的项目不能修改，请先恢复。")
    before = _snapshot(current, PROJECT_FIELDS)
    funding_before = _funding_display(current)
    for name, value in data.items():
        if name not in PROJECT_FIELDS:
            raise ValueError(f"unknown project field {name}")
        setattr(current, name, value)
    validate_project(current)
    changes = _diff(before, current, PROJECT_FIELDS)
    if funding is not None:
        _validate_funding(funding)
        _set_funding(current, funding)
        funding_after = _funding_display(current)
        if funding_after != funding_before:
            changes.append(
                {
                    "field": "funding",
                    "label": "资金来源",
                    "old": funding_before,
                    "new": funding_after,
                }
            )
    if not changes:
        return current
    current.version += 1
    current.save()
    audit_record(
        actor=by,
        action=action,
        target=current,
        changes=changes,
        version=current.version,
        request=request,
    )
    _rescore([current.pk], by)
    return current


def next_stage(project: Project) -> Stage | None:
    if project.stage not in STAGE_ORDER:
        return None
    index = STAGE_ORDER.index(project.stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def project_change_stage(
    *,
    project: Project,
    by,
    stage: str,
    expected_version: int,
    date: dt.date | None = None,
    note: str = "",
    request=None,
) -> Project:
    """Move a project to another stage. The stage's date (e.g. 实际开工 for 新开工) must be given
    here or already be on the record; 停缓建 and 终止 need a reason."""
    if stage not in Stage.values:
        raise ValidationError({"stage": [f"未知的项目阶段：{stage}。"]})
    data: dict[str, Any] = {"stage": stage}
    date_field = STAGE_DATE_FIELD.get(Stage(stage))
    if date is not None:
        if date_field is None:
            raise ValidationError({"stage": [f"“{Stage(stage).label}”阶段不需要填写日期。"]})
        data[date_field] = date
    if stage in (Stage.SUSPENDED, Stage.TERMINATED):
        data["stage_note"] = note
    elif project.stage in (Stage.SUSPENDED, Stage.TERMINATED):
        data["stage_note"] = ""  # resuming clears the old reason; the history keeps it
    return project_update(
        project=project,
        by=by,
        data=data,
        expected_version=expected_version,
        request=request,
        action=AuditEvent.Action.STAGE,
    )


@transaction.atomic
def project_archive(*, project: Project, by, reason: str, request=None) -> Project:
    """Archive instead of delete: the project leaves the lists but keeps its data and history."""
    if not reason.strip():
        raise ValidationError({"reason": ["归档须填写原因。"]})
    current = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    if current.archived_at is not None:
        raise ValidationError("该项目已归档。")
    current.archived_at = timezone.now()
    current.version += 1
    current.save(update_fields=["archived_at", "version", "updated_at"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.ARCHIVE,
        target=current,
        note=reason,
        version=current.version,
        request=request,
        changes=[{"field": "archived_at", "label": "归档", "old": "否", "new": "是"}],
    )
    return current


@transaction.atomic
def project_restore(*, project: Project, by, request=None) -> Project:
    current = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    if current.archived_at is None:
        raise ValidationError("该项目未归档。")
    current.archived_at = None
    current.version += 1
    current.save(update_fields=["archived_at", "version", "updated_at"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.RESTORE,
        target=current,
        version=current.version,
        request=request,
        changes=[{"field": "archived_at", "label": "归档", "old": "是", "new": "否"}],
    )
    _rescore([current.pk], by)
    return current


def next_project_code(zone) -> str:
    """ZD-<year>-<4-digit serial> within the zone, for projects entered without a code."""
    year = timezone.localdate().year
    prefix = f"ZD-{year}-"
    codes = Project.objects.filter(zone=zone, code__startswith=prefix).values_list(
        "code", flat=True
    )
    serials = [int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(serials, default=0) + 1:04d}"


# --- milestones (节点) -------------------------------------------------------------------------


def milestone_target_date(project: Project) -> dt.date | None:
    return project.planned_production or project.planned_completion


def plan_backwards(target: dt.date, steps: list[tuple[str, int]]) -> list[tuple[str, int, dt.date]]:
    """倒排工期: each step's planned date is `days` before the target date."""
    return [(name, days, target - dt.timedelta(days=days)) for name, days in steps]


@transaction.atomic
def milestones_plan(
    *, project: Project, template: MilestoneTemplate, by, target: dt.date | None = None
) -> list[Milestone]:
    """Replace the project's not-yet-reached milestones with the template's, planned backwards."""
    target = target or milestone_target_date(project)
    if target is None:
        raise ValidationError({"planned_completion": ["倒排工期须先填写计划竣工或计划投产日期。"]})
    steps = [(s.name, s.days_before_target) for s in template.steps.all()]
    reached = set(
        project.milestones.filter(actual_date__isnull=False).values_list("name", flat=True)
    )
    # A step the project had already keeps its baseline: re-planning moves the plan, and a move
    # counts as one more change against the baseline, as an edit would.
    replaced = {m.name: m for m in project.milestones.filter(actual_date__isnull=True)}
    project.milestones.filter(actual_date__isnull=True).delete()
    created = []
    for index, (name, days, planned) in enumerate(plan_backwards(target, steps), start=1):
        if name in reached:
            continue
        old = replaced.get(name)
        created.append(
            Milestone(
                project=project,
                name=name,
                order=index,
                days_before_target=days,
                planned_date=planned,
                baseline_date=old.baseline_date if old else planned,
                plan_changes=(old.plan_changes + (old.planned_date != planned)) if old else 0,
                responsible_unit=project.implementing_unit,
            )
        )
    Milestone.objects.bulk_create(created)
    moved = sum(1 for m in created if m.planned_date != m.baseline_date)
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=project,
        note=(
            f"按模板“{template.name}”以{target}为目标倒排工期，生成{len(created)}个节点"
            + (f"，其中{moved}个节点计划与基线不同（基线保留）" if moved else "")
        ),
    )
    _rescore([project.pk], by)
    return created


@transaction.atomic
def milestone_update(
    *,
    milestone: Milestone,
    by,
    data: dict[str, Any],
    expected_version: int,
    reason: str = "",
    request=None,
) -> Milestone:
    """Save an edit of one milestone. Moving its planned date (调整计划) needs a reason, which the
    history keeps, and counts as one more change against the baseline (基线), which stays."""
    current = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=milestone.pk)
    )
    if current.version != expected_version:
        raise EditConflict(
            label=f"节点“{current.name}”", events=_events_since(current, expected_version)
        )
    if current.project.archived_at is not None:
        raise ValidationError("已归档项目的节点不能修改。")
    before = _snapshot(current, MILESTONE_FIELDS)
    planned_before = current.planned_date
    for name, value in data.items():
        if name not in MILESTONE_FIELDS:
            raise ValueError(f"unknown milestone field {name}")
        setattr(current, name, value)
    moved = current.planned_date != planned_before
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_milestone(current)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if moved and not reason:
        errors.setdefault("plan_change_reason", []).append(
            f"修改计划完成日期须填写调整原因（原计划{planned_before:%Y-%m-%d}，"
            f"基线{current.baseline_date:%Y-%m-%d}）。"
        )
    if errors:
        raise ValidationError(errors)
    changes = _diff(before, current, MILESTONE_FIELDS)
    if not changes:
        return current
    if moved:
        current.plan_changes += 1
    current.version += 1
    current.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=current,
        root=current.project,
        zone=current.project.zone,
        changes=changes,
        version=current.version,
        note=(
            f"调整计划（基线{current.baseline_date:%Y-%m-%d}，基线后第{current.plan_changes}次）：{reason}"
            if moved
            else ""
        ),
        request=request,
    )
    _rescore([current.project_id], by)
    return current


@transaction.atomic
def milestone_create(*, project: Project, by, data: dict[str, Any], request=None) -> Milestone:
    if project.archived_at is not None:
        raise ValidationError("已归档项目不能新增节点。")
    order = (project.milestones.aggregate(m=models.Max("order"))["m"] or 0) + 1
    milestone = Milestone(project=project, order=order)
    for name, value in data.items():
        if name not in MILESTONE_FIELDS:
            raise ValueError(f"unknown milestone field {name}")
        setattr(milestone, name, value)
    milestone.baseline_date = milestone.planned_date
    validate_milestone(milestone)
    milestone.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=milestone,
        root=project,
        zone=project.zone,
        version=milestone.version,
        note=f"新增节点“{milestone.name}”，计划{milestone.planned_date}",
        request=request,
    )
    _rescore([project.pk], by)
    return milestone


@transaction.atomic
def milestones_rebaseline(*, project: Project, by, reason: str, request=None) -> int:
    """重定基线: the current plan becomes the baseline for every milestone not yet reached, and
    its count of changes starts again. For the 主要领导 or the 调度办 once a dispatch meeting has
    agreed to the new plan (the caller checks `access.can_rebaseline`); `reason` names that
    decision. Returns how many milestones took a new baseline."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["重定基线须写明依据，如调度会议纪要文号。"]})
    if project.archived_at is not None:
        raise ValidationError("已归档项目不能重定基线。")
    rows = list(
        project.milestones.select_for_update(of=("self",))
        .filter(actual_date__isnull=True)
        .exclude(baseline_date=models.F("planned_date"), plan_changes=0)
        .order_by("order", "id")
    )
    if not rows:
        raise ValidationError("各未完成节点的计划均与基线一致，无需重定基线。")
    for m in rows:
        old = m.baseline_date
        m.baseline_date = m.planned_date
        m.plan_changes = 0
        m.version += 1
        m.save(update_fields=["baseline_date", "plan_changes", "version"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            target=m,
            root=project,
            zone=project.zone,
            changes=[
                {
                    "field": "baseline_date",
                    "label": "基线日期",
                    "old": f"{old:%Y-%m-%d}",
                    "new": f"{m.baseline_date:%Y-%m-%d}",
                }
            ],
            version=m.version,
            note=f"重定基线：{reason}",
            request=request,
        )
    _rescore([project.pk], by)
    return len(rows)


# --- 印证资料 (a milestone's evidence) ------------------------------------------------------------

EVIDENCE_MAX_BYTES = getattr(settings, "MILESTONE_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
EVIDENCE_PER_MILESTONE = 20


@transaction.atomic
def milestone_evidence_add(
    *, milestone: Milestone, by, files: list[CleanFile], request=None
) -> list[MilestoneEvidence]:
    """Attach 印证资料 (already checked by `zonedesk.lib.uploads.clean_upload`) to a milestone;
    the caller checks that `by` may edit the project. One history row names the files."""
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("project__zone")
        .get(pk=milestone.pk)
    )
    project = milestone.project
    if project.archived_at is not None:
        raise ValidationError("已归档项目的节点不能上传印证资料。")
    if not files:
        raise ValidationError("请选择要上传的文件。")
    count = milestone.evidence.filter(removed_at__isnull=True).count()
    if count + len(files) > EVIDENCE_PER_MILESTONE:
        raise ValidationError(
            f"节点“{milestone.name}”最多{EVIDENCE_PER_MILESTONE}份印证资料（已有{count}份）。"
        )
    made = []
    for f in files:
        item = MilestoneEvidence(
            milestone=milestone,
            original_name=f.name,
            content_type=f.content_type,
            size=len(f.content),
            uploaded_by=by,
        )
        item.file.save(
            f"m{milestone.pk}-{timezone.now():%H%M%S%f}.{f.ext}", ContentFile(f.content), save=False
        )
        item.save()
        made.append(item)
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=milestone,
        root=project,
        zone=project.zone,
        note=f"上传印证资料：{'、'.join(f.name for f in files)}"[:300],
        request=request,
    )
    return made


@transaction.atomic
def milestone_evidence_remove(*, evidence: MilestoneEvidence, by, request=None) -> None:
    """Take 印证资料 off a milestone. The file and its row stay, marked removed, for the record."""
    item = (
        MilestoneEvidence.objects.select_for_update(of=("self",))
        .select_related("milestone__project__zone")
        .get(pk=evidence.pk)
    )
    if item.removed_at is not None:
        raise ValidationError(f"印证资料“{item.original_name}”已删除。")
    project = item.milestone.project
    if project.archived_at is not None:
        raise ValidationError("已归档项目的印证资料不能删除。")
    item.removed_at = timezone.now()
    item.removed_by = by
    item.save(update_fields=["removed_at", "removed_by"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=item.milestone,
        root=project,
        zone=project.zone,
        note=f"删除印证资料“{item.original_name}”（文件留存备查）",
        request=request,
    )


def validate_milestone(milestone: Milestone) -> None:
    errors: dict[str, list[str]] = {}
    try:
        # The baseline and its count are the service's to set, never the user's.
        milestone.full_clean(exclude=["project", "order", "baseline_date", "plan_changes"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    today = timezone.localdate()
    if milestone.actual_date and milestone.actual_date > today:
        errors.setdefault("actual_date", []).append("实际完成日期不能晚于今天。")
    unit = milestone.responsible_unit
    if unit is not None and unit.zone_id != milestone.project.zone_id:
        errors.setdefault("responsible_unit", []).append("责任单位必须是本开发区登记的单位。")
    if errors:
        raise ValidationError(errors)
