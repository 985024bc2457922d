"""The sheets zonedesk imports (可导入的表格), each a small declarative spec.

A spec lists its columns (with the synonyms real ledgers use and how cells are read), says how a
row finds its record (the natural key), and supplies the hooks the pipeline in `services.py`
calls: `prepare` (fetch lookups once), `key`, `existing` (fetch matching records in one query),
`build` (resolve names, check scope, validate with the owning app's rules, diff), `save` and
`undo`. A module that wants its own sheet (progress reports, leads, ledgers) writes one subclass
and calls `register(...)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Q
from django.utils import timezone

from zonedesk import access
from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent, Role, User
from zonedesk.projects import services as project_services
from zonedesk.projects.models import (
    Category,
    Level,
    Milestone,
    Nature,
    Project,
    Stage,
    Transformation,
)
from zonedesk.projects.services import ProjectChecks, display_value, validate_project
from zonedesk.projects.signals import projects_bulk_changed
from zonedesk.zones.models import Department, Organisation, Zone

from .bulk import audit_bulk, audit_event
from .reader import Column, Problem, Row, cell_text, choice_lookup, normalize_name


class RowError(Exception):
    """A row that cannot be imported; carries its problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.reason for p in problems))
        self.problems = problems


@dataclass
class Context:
    """What one import run knows: who, where, the column headers as written, and lookups."""

    user: User
    zone: Zone
    headers: dict[str, str]  # column key → header as written in the file
    lock: bool = False  # commit: lock the matched rows (select_for_update)
    batch: Any = None
    lookups: dict[str, Any] = field(default_factory=dict)

    def problem(self, row: Row, key: str, reason: str, *, label: str = "") -> Problem:
        return Problem(
            row.number, self.headers.get(key, label or key), cell_text(row.raw.get(key)), reason
        )


@dataclass
class RowPlan:
    """What one row will do: create, update or nothing."""

    row: Row
    action: str  # "create" | "update" | "unchanged"
    instance: models.Model
    existing: models.Model | None = None
    changes: list[dict[str, str]] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def note_changes(self, names, before: dict[str, str], labels: dict[str, str]) -> None:
        """For a row that updates `existing`: every field among `names` whose display value
        moved from `before` goes into `changes` (for the preview and the history), with the
        stored values before and after (for undo); a row that moves nothing is "unchanged"."""
        for name in names:
            new = display_value(self.instance, name)
            if before[name] != new:
                self.changes.append(
                    {"field": name, "label": labels[name], "old": before[name], "new": new}
                )
        if not self.changes:
            self.action = "unchanged"
            return
        changed = [c["field"] for c in self.changes]
        self.before = {n: stored_value(self.existing, n) for n in changed}
        self.after = {n: stored_value(self.instance, n) for n in changed}


# --- helpers ---------------------------------------------------------------------------------------


def project_of_row(ctx: Context, row: Row) -> Project:
    """The project a row names, by 项目代码 or else by 项目名称, from `ctx.lookups["by_code"]` and
    `["by_name"]` (the zone's projects, loaded once); a Chinese refusal when it names none or
    several."""
    code = row.values.get("project_code")
    if code:
        project = ctx.lookups["by_code"].get(code)
        if project is None:
            raise RowError(
                [ctx.problem(row, "project_code", f"本开发区没有项目代码为{code}的项目。")]
            )
    else:
        name = row.values.get("project_name")
        if not name:
            raise RowError(
                [ctx.problem(row, "project_code", "请填写项目代码或项目名称。", label="项目代码")]
            )
        found = ctx.lookups["by_name"].get(normalize_name(name), [])
        if not found:
            raise RowError([ctx.problem(row, "project_name", f"本开发区没有名为“{name}”的项目。")])
        if len(found) > 1:
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "project_name",
                        f"本开发区有{len(found)}个项目名为“{name}”，请填写项目代码。",
                    )
                ]
            )
        project = found[0]
    return project


def stored_value(instance: models.Model, name: str) -> Any:
    """A field's value as JSON: ids for relations, ISO dates, decimal strings."""
    f = instance._meta.get_field(name)
    value = getattr(instance, f.attname)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def restore_value(model: type[models.Model], name: str, value: Any) -> Any:
    f = model._meta.get_field(name)
    if value is None:
        return None
    if isinstance(f, models.DecimalField):
        return Decimal(value)
    if isinstance(f, models.DateField):
        return dt.date.fromisoformat(value)
    return value


# Django's own "required" messages (validate_project passes them on as plain text).
BLANK_MESSAGES = {
    "此字段不能为空。",
    "这个字段不能为空。",
    "该字段不能为空。",
    "This field cannot be blank.",
    "This field cannot be null.",
    "这个值不能为 null。",
}


def errors_to_problems(
    ctx: Context, row: Row, exc: ValidationError, labels: dict[str, str], column_of: dict[str, str]
) -> list[Problem]:
    """A service's ValidationError as problems on the columns the fields came from. Django's
    generic "this field cannot be blank" becomes "请填写<列名>。", as on the forms."""
    problems = []
    if hasattr(exc, "error_dict"):
        items = [(name, errors) for name, errors in exc.error_dict.items()]
    else:
        items = [("__all__", exc.error_list)]
    for name, errors in items:
        key = column_of.get(name, name)
        label = labels.get(name, "")
        for error in errors:
            if label and (
                error.code in ("blank", "null", "required")
                or " ".join(error.messages) in BLANK_MESSAGES
            ):
                message = f"请填写{label}。"
            else:
                message = " ".join(error.messages)
                if name != "__all__" and label and label not in message and key not in ctx.headers:
                    message = f"{label}：{message}"
            problems.append(ctx.problem(row, key, message, label=label))
    return problems


class SheetSpec:
    """Base class of an importable sheet."""

    kind: ClassVar[str]
    title: ClassVar[str]
    model: ClassVar[type[models.Model]]
    columns: ClassVar[list[Column]]
    key_help: ClassVar[str]  # the natural key, as the upload page explains it
    instructions: ClassVar[list[str]] = []

    def can_import(self, user: User) -> bool:
        return user.role in access.PROJECT_CREATORS

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        """Fetch once what `build` looks up by name."""

    def key(self, ctx: Context, row: Row) -> tuple:
        raise NotImplementedError

    def key_label(self, key: tuple) -> str:
        return "、".join(str(part) for part in key if part)

    def existing(self, ctx: Context, keys: list[tuple]) -> dict[tuple, models.Model]:
        raise NotImplementedError

    def build(self, ctx: Context, row: Row, current: models.Model | None) -> RowPlan:
        raise NotImplementedError

    def save(self, ctx: Context, plans: list[RowPlan]) -> list[Any]:
        """Write the planned rows; return unsaved ImportChange rows."""
        raise NotImplementedError

    def finish(self, ctx: Context) -> None:
        """Called once after every `save` of a commit (a commit may save in chunks): work
        that should run once for the whole file, such as recomputing warnings."""

    def undo_conflicts(self, changes: list[Any]) -> list[str]:
        """Records changed by somebody after the import, which an undo would overwrite."""
        raise NotImplementedError

    def undo(self, ctx: Context, changes: list[Any]) -> None:
        raise NotImplementedError

    # A spec that can write its preview's plan down (`plan_dump`) and read it back at commit
    # (`plan_load`) lets the commit skip reading and checking the file again when the database
    # has not changed since the preview (see services.import_commit).
    stores_plan: ClassVar[bool] = False

    def plan_dump(self, plans: list[RowPlan]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def plan_load(self, ctx: Context, items: list[dict[str, Any]]) -> list[RowPlan] | None:
        """The plans written by `plan_dump`, with the records to update locked; None when a
        record moved on (the caller then plans again)."""
        raise NotImplementedError


REGISTRY: dict[str, SheetSpec] = {}


def register(spec: SheetSpec) -> SheetSpec:
    REGISTRY[spec.kind] = spec
    return spec


def get_spec(kind: str) -> SheetSpec | None:
    return REGISTRY.get(kind)


def specs_for(user: User) -> list[SheetSpec]:
    return [spec for spec in REGISTRY.values() if spec.can_import(user)]


def _labels(model: type[models.Model]) -> dict[str, str]:
    return {f.name: str(f.verbose_name) for f in model._meta.fields}


# --- 重点项目 ---------------------------------------------------------------------------------------

STAGE_SYNONYMS = {
    "新开工": Stage.STARTED,
    "开工": Stage.STARTED,
    "续建": Stage.CONSTRUCTION,
    "在建": Stage.CONSTRUCTION,
    "储备": Stage.PREPARATION,
    "前期": Stage.PREPARATION,
    "建成投产": Stage.PRODUCING,
    "竣工投产": Stage.PRODUCING,
    "达产达效": Stage.FULL_CAPACITY,
    "停建": Stage.SUSPENDED,
    "缓建": Stage.SUSPENDED,
}
LEVEL_SYNONYMS = {
    "省级": Level.PROVINCE,
    "省级重点": Level.PROVINCE,
    "省": Level.PROVINCE,
    "市级": Level.CITY,
    "市级重点": Level.CITY,
    "市": Level.CITY,
    "区级": Level.DISTRICT,
    "区级重点": Level.DISTRICT,
    "区": Level.DISTRICT,
    "县级重点": Level.DISTRICT,
}
CATEGORY_SYNONYMS = {
    "产业项目": Category.INDUSTRY,
    "工业": Category.INDUSTRY,
    "基础设施项目": Category.INFRASTRUCTURE,
    "基建": Category.INFRASTRUCTURE,
    "民生项目": Category.LIVELIHOOD,
    "社会民生": Category.LIVELIHOOD,
    "生态环保": Category.ECOLOGY,
    "生态项目": Category.ECOLOGY,
}
NATURE_SYNONYMS = {"购置": Nature.PURCHASE, "新建项目": Nature.NEW, "改扩建": Nature.EXPANSION}

CHOICE_FIELDS = {
    "level": (Level.choices, LEVEL_SYNONYMS),
    "category": (Category.choices, CATEGORY_SYNONYMS),
    "nature": (Nature.choices, NATURE_SYNONYMS),
    "transformation": ([c for c in Transformation.choices if c[0]], {"无": ""}),
    "stage": (Stage.choices, STAGE_SYNONYMS),
}

# Fields a 项目单位填报员 may not change (the project form disables them for a unit).
UNIT_LOCKED = ("department", "lead_official", "implementing_unit", "owner", "level", "code")


def _labels_of(choices) -> tuple[str, ...]:
    return tuple(label for value, label in choices if value)


PROJECT_COLUMNS = [
    Column(
        "code",
        "项目代码",
        "code",
        ("项目编码", "项目编号", "代码", "编号", "统计项目代码", "项目代码（统一代码）"),
        max_length=40,
        note="本开发区内唯一。留空则按系统规则自动编号；再次导入时以项目代码匹配已有项目。",
        example="YQ-2026-001",
        width=16,
    ),
    Column(
        "name",
        "项目名称",
        "text",
        ("名称", "项目", "建设项目名称", "项目全称"),
        required=True,
        max_length=150,
        note="必填。没有项目代码时按“项目名称”匹配本开发区已有项目。",
        example="示例：智算中心二期项目",
        width=30,
    ),
    Column("park", "所属园区", "text", ("园区", "所在园区"), example="高新区新能源产业园"),
    Column(
        "level",
        "项目级别",
        "choice",
        ("级别", "重点级别"),
        choices=_labels_of(Level.choices),
        example="市重点",
    ),
    Column(
        "category",
        "项目类别",
        "choice",
        ("类别", "项目类型", "类型"),
        choices=_labels_of(Category.choices),
        note="新增项目必填。",
        example="产业",
    ),
    Column(
        "nature",
        "建设性质",
        "choice",
        ("性质",),
        choices=_labels_of(Nature.choices),
        example="新建",
    ),
    Column(
        "transformation",
        "转型类型",
        "choice",
        ("转型项目类型",),
        choices=_labels_of(Transformation.choices),
    ),
    Column(
        "industry_code",
        "行业代码",
        "code",
        ("国民经济行业代码", "行业分类代码", "行业小类代码"),
        max_length=4,
        note="GB/T 4754-2017 小类，4位数字，如 6450。",
        example="6450",
    ),
    Column(
        "location_code",
        "建设地点区划代码",
        "code",
        ("区划代码", "建设地点代码", "统计用区划代码", "行政区划代码"),
        max_length=12,
        note="6位或12位统计用区划代码。",
        example="140302",
    ),
    Column(
        "total_investment",
        "总投资",
        "money",
        ("计划总投资", "项目总投资", "总投资额", "估算总投资"),
        unit="万元",
        note="新增项目必填。可填“1.2亿”“3,000万元”；表头可写（亿元）。",
        example=Decimal("150000"),
        width=14,
    ),
    Column(
        "annual_plan_investment",
        "年度计划投资",
        "money",
        ("本年计划投资", "年度投资计划", "年计划投资", "计划投资"),
        unit="万元",
        example=Decimal("30000"),
        width=14,
    ),
    Column(
        "land_area_mu", "用地面积", "area", ("占地面积", "用地"), unit="亩", example=Decimal("120")
    ),
    Column(
        "floor_area_m2",
        "建筑面积",
        "area",
        ("总建筑面积",),
        unit="平方米",
        example=Decimal("160000"),
    ),
    Column(
        "content",
        "建设内容",
        "text",
        ("建设规模及内容", "主要建设内容", "建设规模和内容", "建设内容及规模"),
        width=40,
        example="新建数据中心机房及配套设施",
    ),
    Column("signed_date", "签约日期", "date", ("签约时间",)),
    Column(
        "planned_start", "计划开工", "date", ("计划开工日期", "计划开工时间", "开工时间（计划）")
    ),
    Column(
        "actual_start", "实际开工", "date", ("实际开工日期", "实际开工时间", "开工日期", "开工时间")
    ),
    Column(
        "planned_completion", "计划竣工", "date", ("计划竣工日期", "计划竣工时间", "计划完工时间")
    ),
    Column("actual_completion", "实际竣工", "date", ("实际竣工日期", "竣工日期", "竣工时间")),
    Column("planned_production", "计划投产", "date", ("计划投产日期", "计划投产时间")),
    Column("actual_production", "实际投产", "date", ("实际投产日期", "投产日期", "投产时间")),
    Column("full_capacity_date", "达产日期", "date", ("达产时间",)),
    Column(
        "stage",
        "项目阶段",
        "choice",
        ("阶段", "项目状态", "建设阶段", "项目进展阶段"),
        choices=_labels_of(Stage.choices),
        note="进入签约、开工、竣工、投产、达产阶段须填写对应日期。",
        example="在建",
    ),
    Column("stage_note", "停缓建/终止原因", "text", ("停缓建原因", "终止原因"), max_length=200),
    Column(
        "lead_official",
        "包保领导",
        "text",
        ("责任领导", "挂包领导", "分管领导", "包联领导"),
        note="本开发区主要领导或分管领导的姓名。",
        example="王主任",
    ),
    Column(
        "department",
        "责任部门",
        "text",
        ("责任单位（部门）", "牵头部门", "主管部门"),
        note="新增项目必填；部门人员导入时默认本部门。",
        example="经济发展部",
    ),
    Column(
        "owner",
        "建设单位",
        "text",
        ("项目业主", "业主单位", "项目单位"),
        note="须已在本开发区登记（可先导入单位表）。",
        example="开创集团",
    ),
    Column("implementing_unit", "实施单位", "text", ("责任单位", "实施主体"), example="开创集团"),
    Column("contact_name", "联系人", "text", ("项目联系人",), max_length=30),
    Column("contact_phone", "联系电话", "text", ("联系方式", "手机", "电话"), max_length=30),
    Column(
        "in_statistics",
        "是否入库",
        "bool",
        ("已入库", "入库", "是否纳统", "已入库（纳统）"),
        choices=("是", "否"),
        example="否",
    ),
    Column("statistics_date", "入库日期", "date", ("入库时间", "纳统日期")),
]


class ProjectSheet(SheetSpec):
    """重点项目库: one row per project. Matched by 项目代码, else by 项目名称 within the zone."""

    kind = "projects"
    title = "重点项目"
    model = Project
    columns = PROJECT_COLUMNS
    key_help = (
        "按“项目代码”匹配本开发区已有项目；没有项目代码时按“项目名称”匹配。匹配到即更新，否则新增。"
    )
    instructions = [
        "第一行可以是标题，表头可以占两行；列的顺序不限，系统不认识的列会被忽略并列出。",
        "金额默认单位为万元；表头写明“（亿元）”“（元）”时按表头单位换算。单元格可写“1.2亿”“3,000万元”。",
        "日期可写 2025-03-01、2025/3/1、2025.3.1、2025年3月1日 或 2025年3月（记为当月1日）。",
        "空白单元格不会清空系统中已有的值。",
        "以“合计”开头的行和表格下方的“填报说明”会被自动跳过。",
    ]

    def can_import(self, user: User) -> bool:
        return user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF, Role.UNIT)

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        zone = ctx.zone
        ctx.lookups["department"] = {
            normalize_name(d.name): d for d in Department.objects.filter(zone=zone)
        }
        parks = list(Zone.objects.filter(parent=zone))
        ctx.lookups["park"] = {normalize_name(p.name): p for p in parks} | {
            normalize_name(p.short_name): p for p in parks if p.short_name
        }
        orgs = list(Organisation.objects.filter(zone=zone))
        ctx.lookups["org"] = {normalize_name(o.name): o for o in orgs} | {
            o.credit_code: o for o in orgs if o.credit_code
        }
        leads = User.objects.filter(zone=zone, role__in=[Role.LEADER, Role.DEPUTY], is_active=True)
        table: dict[str, list[User]] = {}
        for user in leads:
            for name in {normalize_name(user.name), normalize_name(user.username)}:
                table.setdefault(name, []).append(user)
        ctx.lookups["lead"] = table
        ctx.lookups["choices"] = {
            name: choice_lookup(*spec) for name, spec in CHOICE_FIELDS.items()
        }
        if ctx.user.role == Role.DEPUTY:
            ctx.lookups["supervised"] = set(
                ctx.user.supervised_departments.values_list("id", flat=True)
            )
        ctx.lookups["next_code"] = None
        # Everything validate_project would query per row, fetched once.
        ctx.lookups["checks"] = ProjectChecks.for_zone(zone.pk)

    def key(self, ctx: Context, row: Row) -> tuple:
        code = row.values.get("code")
        if code:
            return ("code", code)
        return ("name", normalize_name(row.values.get("name") or ""))

    def key_label(self, key: tuple) -> str:
        return f"项目代码{key[1]}" if key[0] == "code" else "项目名称"

    def existing(self, ctx: Context, keys: list[tuple]) -> dict[tuple, models.Model]:
        codes = [k[1] for k in keys if k[0] == "code"]
        qs = Project.objects.filter(zone=ctx.zone).select_related(
            "park", "owner", "department", "implementing_unit", "lead_official"
        )
        if ctx.lock:
            qs = qs.select_for_update(of=("self",))
        found: dict[tuple, models.Model] = {}
        for chunk in _chunks(codes, 500):
            for project in qs.filter(code__in=chunk):
                found[("code", project.code)] = project
        names = {k[1] for k in keys if k[0] == "name"}
        if names:
            # Names are compared normalised, so fetch the zone's live names once.
            by_name: dict[str, list[Project]] = {}
            for project in qs.filter(archived_at__isnull=True):
                by_name.setdefault(normalize_name(project.name), []).append(project)
            for name in names:
                if name in by_name:
                    matches = by_name[name]
                    found[("name", name)] = matches[0] if len(matches) == 1 else matches  # type: ignore[assignment]
        return found

    def _resolve(self, ctx: Context, row: Row, data: dict[str, Any]) -> list[Problem]:
        problems = []
        values = row.values
        for name, (choices, _syn) in CHOICE_FIELDS.items():
            text = values.get(name)
            if text is None:
                continue
            value = ctx.lookups["choices"][name].get(normalize_name(text))
            if value is None:
                allowed = "、".join(_labels_of(choices))
                problems.append(ctx.problem(row, name, f"“{text}”不是可选值，应为：{allowed}。"))
            else:
                data[name] = value
        for name in ("department", "park"):
            text = values.get(name)
            if text is None:
                continue
            found = ctx.lookups[name].get(normalize_name(text))
            if found is None:
                what = "部门" if name == "department" else "园区"
                problems.append(ctx.problem(row, name, f"本开发区没有名为“{text}”的{what}。"))
            else:
                data[name] = found
        for name in ("owner", "implementing_unit"):
            text = values.get(name)
            if text is None:
                continue
            found = ctx.lookups["org"].get(normalize_name(text)) or ctx.lookups["org"].get(
                text.upper()
            )
            if found is None:
                problems.append(
                    ctx.problem(
                        row,
                        name,
                        f"单位“{text}”未在本开发区登记，请先导入单位表或在系统管理中添加。",
                    )
                )
            else:
                data[name] = found
        text = values.get("lead_official")
        if text is not None:
            found = ctx.lookups["lead"].get(normalize_name(text), [])
            if len(found) == 1:
                data["lead_official"] = found[0]
            elif not found:
                problems.append(
                    ctx.problem(
                        row, "lead_official", f"本开发区没有名为“{text}”的主要领导或分管领导。"
                    )
                )
            else:
                problems.append(
                    ctx.problem(
                        row,
                        "lead_official",
                        f"本开发区有{len(found)}位领导名为“{text}”，请改填用户名。",
                    )
                )
        for name in ("code", "name", "industry_code", "location_code", "total_investment", "annual_plan_investment", "land_area_mu", "floor_area_m2", "content", "signed_date", "planned_start", "actual_start", "planned_completion", "actual_completion", "planned_production", "actual_production", "full_capacity_date", "stage_note", "contact_name", "contact_phone", "in_statistics", "statistics_date"):  # fmt: skip
            if values.get(name) is not None:
                data[name] = values[name]
        return problems

    def build(self, ctx: Context, row: Row, current: models.Model | None) -> RowPlan:
        user = ctx.user
        if isinstance(current, list):
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "name",
                        f"本开发区有{len(current)}个项目名为“{row.values.get('name')}”，请填写项目代码以区分。",
                    )
                ]
            )
        data: dict[str, Any] = {}
        problems = self._resolve(ctx, row, data)
        if problems:
            raise RowError(problems)
        if current is not None:
            if current.archived_at is not None:
                raise RowError(
                    [
                        ctx.problem(
                            row,
                            "code" if "code" in row.values and row.values.get("code") else "name",
                            f"项目“{current.name}”（{current.code}）已归档，不能通过导入修改。请先在项目页面恢复，或改用新的项目代码。",
                        )
                    ]
                )
            if not _can_edit(ctx, current):
                raise RowError(
                    [
                        ctx.problem(
                            row,
                            "name",
                            f"无权修改项目“{current.name}”（责任部门：{current.department.name}）。",
                        )
                    ]
                )
            if user.role == Role.UNIT:
                for name in UNIT_LOCKED:
                    if name in data and _value_id(data[name]) != _value_id(getattr(current, name)):
                        label = _labels(Project)[name]
                        raise RowError([ctx.problem(row, name, f"项目单位填报员不能修改{label}。")])
                    data.pop(name, None)
            instance = _copy(current)
        else:
            if not access.can_create_project(user):
                raise RowError(
                    [
                        ctx.problem(
                            row,
                            "name",
                            "您的角色不能新增项目，只能更新本单位已有项目的数据（请填写项目代码）。",
                        )
                    ]
                )
            if user.role == Role.STAFF:
                dept = data.get("department")
                if dept is not None and dept.pk != user.department_id:
                    raise RowError(
                        [
                            ctx.problem(
                                row,
                                "department",
                                f"部门人员只能登记本部门（{user.department.name}）的项目。",
                            )
                        ]
                    )
                data["department"] = user.department
            instance = Project(zone=ctx.zone, stage=Stage.CONCEIVED)
        if (
            user.role == Role.STAFF
            and "department" in data
            and data["department"].pk != user.department_id
        ):
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "department",
                        f"部门人员只能把项目划给本部门（{user.department.name}）。",
                    )
                ]
            )

        before = {}
        if current is not None:
            before = {name: display_value(current, name) for name in data}
        for name, value in data.items():
            setattr(instance, name, value)
        if not instance.code:
            instance.code = self._next_code(ctx)
        try:
            validate_project(instance, checked=ctx.lookups["checks"])
        except ValidationError as exc:
            raise RowError(errors_to_problems(ctx, row, exc, _labels(Project), {})) from exc
        plan = RowPlan(row, "create" if current is None else "update", instance, current, data=data)
        if current is not None:
            plan.note_changes(data, before, _labels(Project))
        return plan

    def _next_code(self, ctx: Context) -> str:
        current = ctx.lookups.get("next_code")
        if current is None:
            current = project_services.next_project_code(ctx.zone)
        else:
            prefix, _, serial = current.rpartition("-")
            current = f"{prefix}-{int(serial) + 1:04d}"
        ctx.lookups["next_code"] = current
        return current

    def save(self, ctx: Context, plans: list[RowPlan]) -> list[Any]:
        """Bulk insert the new projects, bulk update the changed ones (only the changed
        columns, version bumped), one audit row per project written in batches, and the
        warnings of every touched project recomputed once at the end."""
        from .models import ImportChange

        batch = ctx.batch
        note = f"Excel导入（批次#{batch.pk}，{batch.file_name}"
        now = timezone.now()
        changes: list[ImportChange] = []
        events = []
        creates = [p for p in plans if p.action == "create"]
        Project.objects.bulk_create([p.instance for p in creates], batch_size=1000)
        for plan in creates:
            project = plan.instance
            events.append(
                audit_event(
                    actor=ctx.user,
                    action=AuditEvent.Action.CREATE,
                    target=project,
                    zone=ctx.zone,
                    version=project.version,
                    note=f"{note}第{plan.row.number}行）新建项目，总投资{project.total_investment:,.2f}万元",
                    at=now,
                )
            )
            changes.append(
                ImportChange(
                    batch=batch,
                    row=plan.row.number,
                    model="projects.project",
                    object_id=project.pk,
                    label=str(project)[:200],
                    action=ImportChange.Action.CREATE,
                    version_after=project.version,
                )
            )
        updates = [p for p in plans if p.action == "update"]
        columns = {"version", "updated_at"}
        for plan in updates:
            project = plan.instance
            project.version = plan.existing.version + 1
            project.updated_at = now
            columns.update(plan.after)
            events.append(
                audit_event(
                    actor=ctx.user,
                    action=AuditEvent.Action.UPDATE,
                    target=project,
                    zone=ctx.zone,
                    changes=plan.changes,
                    version=project.version,
                    note=f"{note}第{plan.row.number}行）",
                    at=now,
                )
            )
            changes.append(
                ImportChange(
                    batch=batch,
                    row=plan.row.number,
                    model="projects.project",
                    object_id=project.pk,
                    label=str(project)[:200],
                    action=ImportChange.Action.UPDATE,
                    before=plan.before,
                    after=plan.after,
                    version_after=project.version,
                )
            )
        if updates:
            Project.objects.bulk_update(
                [p.instance for p in updates], sorted(columns), batch_size=500
            )
        audit_bulk(events)
        ctx.lookups.setdefault("touched", set()).update(p.instance.pk for p in creates + updates)
        return changes

    def finish(self, ctx: Context) -> None:
        """The lag warnings of every project the file created or changed, once."""
        from zonedesk.dispatch.services import warnings_recompute

        touched = sorted(ctx.lookups.get("touched", ()))
        warnings_recompute(touched, by=ctx.user, trigger="Excel导入")
        # bulk_update sends no post_save: tell the modules that follow project saves.
        projects_bulk_changed.send(sender=Project, project_ids=touched, by=ctx.user)

    stores_plan = True

    def plan_dump(self, plans: list[RowPlan]) -> list[dict[str, Any]]:
        items = []
        for plan in plans:
            if plan.action == "create":
                names = set(plan.data) | {"code"}
                items.append(
                    {
                        "r": plan.row.number,
                        "a": "create",
                        "f": {n: stored_value(plan.instance, n) for n in sorted(names)},
                    }
                )
            elif plan.action == "update":
                items.append(
                    {
                        "r": plan.row.number,
                        "a": "update",
                        "pk": plan.existing.pk,
                        "v": plan.existing.version,
                        "c": plan.changes,
                        "b": plan.before,
                        "f": plan.after,
                    }
                )
        return items

    def plan_load(self, ctx: Context, items: list[dict[str, Any]]) -> list[RowPlan] | None:
        ids = [item["pk"] for item in items if item["a"] == "update"]
        current: dict[int, Project] = {}
        for chunk in _chunks(ids, 500):
            current.update(
                Project.objects.select_for_update(of=("self",)).filter(zone=ctx.zone).in_bulk(chunk)
            )
        plans = []
        for item in items:
            row = Row(item["r"], {}, {})
            if item["a"] == "create":
                instance = Project(zone=ctx.zone, stage=Stage.CONCEIVED)
                _restore(instance, item["f"])
                plans.append(RowPlan(row, "create", instance))
                continue
            existing = current.get(item["pk"])
            if existing is None or existing.version != item["v"]:
                return None
            instance = _copy(existing)
            _restore(instance, item["f"])
            plans.append(
                RowPlan(
                    row,
                    "update",
                    instance,
                    existing,
                    changes=item["c"],
                    before=item["b"],
                    after=item["f"],
                )
            )
        return plans

    def undo_conflicts(self, changes: list[Any]) -> list[str]:
        ids = [c.object_id for c in changes]
        current = {}
        for chunk in _chunks(ids, 500):
            current.update(Project.objects.select_for_update(of=("self",)).in_bulk(chunk))
        problems = []
        for change in changes:
            project = current.get(change.object_id)
            if project is None:
                continue
            if project.version != change.version_after:
                problems.append(f"项目“{project.name}”（{project.code}）在导入后又被修改过")
        return problems

    def undo(self, ctx: Context, changes: list[Any]) -> None:
        batch = ctx.batch
        projects = {}
        for chunk in _chunks([c.object_id for c in changes], 500):
            projects.update(
                Project.objects.select_related(
                    "park", "owner", "department", "implementing_unit", "lead_official"
                ).in_bulk(chunk)
            )
        labels = _labels(Project)
        for change in reversed(changes):
            project = projects.get(change.object_id)
            if project is None:
                continue
            if change.action == "create":
                if project.archived_at is None:
                    project_services.project_archive(
                        project=project,
                        by=ctx.user,
                        reason=f"撤销导入批次#{batch.pk}（{batch.file_name}）",
                    )
                continue
            before_display = {name: display_value(project, name) for name in change.before}
            for name, value in change.before.items():
                setattr(
                    project,
                    project._meta.get_field(name).attname,
                    restore_value(Project, name, value),
                )
            for name in change.before:
                f = project._meta.get_field(name)
                if f.is_relation:
                    project._state.fields_cache.pop(name, None)
            diff = []
            for name in change.before:
                new = display_value(project, name)
                if new != before_display[name]:
                    diff.append(
                        {
                            "field": name,
                            "label": labels[name],
                            "old": before_display[name],
                            "new": new,
                        }
                    )
            project.version += 1
            project.save()
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.UPDATE,
                target=project,
                changes=diff,
                version=project.version,
                note=f"撤销导入批次#{batch.pk}（{batch.file_name}）",
            )


def _can_edit(ctx: Context, project: Project) -> bool:
    return access.can_edit_project(ctx.user, project)


def _restore(instance: models.Model, values: dict[str, Any]) -> None:
    """Set stored (JSON) field values back on an instance, relations by id."""
    model = type(instance)
    for name, value in values.items():
        setattr(instance, model._meta.get_field(name).attname, restore_value(model, name, value))
        instance._state.fields_cache.pop(name, None)


def _value_id(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _copy(instance: models.Model) -> models.Model:
    """A detached copy with the same field values and loaded relations (not shared caches)."""
    model = type(instance)
    copy = model(**{f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields})
    copy._state.adding = False
    copy._state.db = instance._state.db
    for name, value in instance._state.fields_cache.items():
        copy._state.fields_cache[name] = value
    return copy


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- 项目节点 ----------------------------------------------------------------------------------------

MILESTONE_COLUMNS = [
    Column(
        "project_code",
        "项目代码",
        "code",
        ("项目编码", "项目编号"),
        max_length=40,
        note="节点所属项目的代码；留空时按项目名称匹配。",
        example="YQ-2026-001",
        width=16,
    ),
    Column(
        "project_name",
        "项目名称",
        "text",
        ("项目",),
        max_length=150,
        example="示例：智算中心二期项目",
        width=28,
    ),
    Column(
        "name",
        "节点名称",
        "text",
        ("节点", "里程碑", "关键节点", "形象进度节点"),
        required=True,
        max_length=40,
        note="必填。同一项目内按节点名称匹配已有节点。",
        example="主体封顶",
    ),
    Column(
        "planned_date",
        "计划完成日期",
        "date",
        ("计划完成时间", "计划日期", "计划完成"),
        note="新增节点必填。",
        example=dt.date(2026, 9, 30),
    ),
    Column("actual_date", "实际完成日期", "date", ("实际完成时间", "完成日期", "实际完成")),
    Column("responsible_unit", "责任单位", "text", ("责任主体",), example="开创集团"),
    Column("note", "备注", "text", ("说明情况",), max_length=200),
]


class MilestoneSheet(SheetSpec):
    """项目节点: matched by 项目代码 (else 项目名称) + 节点名称."""

    kind = "milestones"
    title = "项目节点"
    model = Milestone
    columns = MILESTONE_COLUMNS
    key_help = "按“项目代码 + 节点名称”匹配已有节点（没有项目代码时按项目名称找项目）。匹配到即更新，否则在该项目下新增节点。"
    instructions = [
        "项目须已在重点项目库中登记；节点按项目代码和节点名称对应。",
        "实际完成日期不能晚于今天。空白单元格不会清空已有的值。",
    ]

    def can_import(self, user: User) -> bool:
        return user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF, Role.UNIT)

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        codes = {r.values.get("project_code") for r in rows if r.values.get("project_code")}
        names = {
            normalize_name(r.values.get("project_name"))
            for r in rows
            if not r.values.get("project_code") and r.values.get("project_name")
        }
        qs = Project.objects.filter(zone=ctx.zone).select_related("department", "zone")
        by_code: dict[str, Project] = {}
        for chunk in _chunks(sorted(codes), 500):
            by_code.update({p.code: p for p in qs.filter(code__in=chunk)})
        by_name: dict[str, list[Project]] = {}
        if names:
            for project in qs.filter(archived_at__isnull=True):
                by_name.setdefault(normalize_name(project.name), []).append(project)
        ctx.lookups["by_code"] = by_code
        ctx.lookups["by_name"] = by_name
        orgs = Organisation.objects.filter(zone=ctx.zone)
        ctx.lookups["org"] = {normalize_name(o.name): o for o in orgs}

    def _project(self, ctx: Context, row: Row) -> Project:
        project = project_of_row(ctx, row)
        if project.archived_at is not None:
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "project_code",
                        f"项目“{project.name}”已归档，不能导入节点。",
                        label="项目代码",
                    )
                ]
            )
        if not access.can_edit_project(ctx.user, project):
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "project_code",
                        f"无权修改项目“{project.name}”的节点（责任部门：{project.department.name}）。",
                        label="项目代码",
                    )
                ]
            )
        return project

    def key(self, ctx: Context, row: Row) -> tuple:
        project = row.values.get("project_code") or normalize_name(
            row.values.get("project_name") or ""
        )
        return (project, normalize_name(row.values.get("name") or ""))

    def key_label(self, key: tuple) -> str:
        return "项目和节点名称"

    def existing(self, ctx: Context, keys: list[tuple]) -> dict[tuple, models.Model]:
        projects = list(ctx.lookups["by_code"].values()) + [
            p for ps in ctx.lookups["by_name"].values() for p in ps
        ]
        qs = Milestone.objects.filter(project__in=[p.pk for p in projects]).select_related(
            "project", "responsible_unit"
        )
        if ctx.lock:
            qs = qs.select_for_update(of=("self",))
        found: dict[tuple, Any] = {}
        for milestone in qs:
            for key in {
                (milestone.project.code, normalize_name(milestone.name)),
                (normalize_name(milestone.project.name), normalize_name(milestone.name)),
            }:
                if key in found and found[key].pk != milestone.pk:
                    found[key] = (
                        [found[key], milestone]
                        if not isinstance(found[key], list)
                        else [*found[key], milestone]
                    )
                else:
                    found[key] = milestone
        return found

    def build(self, ctx: Context, row: Row, current: models.Model | None) -> RowPlan:
        project = self._project(ctx, row)
        if isinstance(current, list):
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "name",
                        f"项目“{project.name}”有{len(current)}个名为“{row.values.get('name')}”的节点，无法确定更新哪一个。",
                    )
                ]
            )
        data: dict[str, Any] = {}
        for name in ("name", "planned_date", "actual_date", "note"):
            if row.values.get(name) is not None:
                data[name] = row.values[name]
        text = row.values.get("responsible_unit")
        if text is not None:
            org = ctx.lookups["org"].get(normalize_name(text))
            if org is None:
                raise RowError(
                    [ctx.problem(row, "responsible_unit", f"单位“{text}”未在本开发区登记。")]
                )
            data["responsible_unit"] = org
        if current is not None:
            if data.get("planned_date", current.planned_date) != current.planned_date:
                # A moved plan counts against the baseline as an edit on the page does; the
                # batch and row in the history are its reason. Undo restores the count.
                data["plan_changes"] = current.plan_changes + 1
            instance = _copy(current)
            before = {name: display_value(current, name) for name in data}
        else:
            instance = Milestone(project=project, order=0)
            before = {}
        for name, value in data.items():
            setattr(instance, name, value)
        instance.project = project
        if current is None:
            instance.baseline_date = instance.planned_date
        try:
            project_services.validate_milestone(instance)
        except ValidationError as exc:
            raise RowError(
                errors_to_problems(
                    ctx, row, exc, _labels(Milestone), {"planned_date": "planned_date"}
                )
            ) from exc
        plan = RowPlan(row, "create" if current is None else "update", instance, current, data=data)
        if current is not None:
            plan.note_changes(data, before, _labels(Milestone))
        return plan

    def save(self, ctx: Context, plans: list[RowPlan]) -> list[Any]:
        from .models import ImportChange

        batch = ctx.batch
        note = f"Excel导入（批次#{batch.pk}，{batch.file_name}"
        creates = [p for p in plans if p.action == "create"]
        project_ids = {p.instance.project_id for p in creates}
        orders = dict(
            Milestone.objects.filter(project_id__in=project_ids)
            .values("project_id")
            .annotate(m=Max("order"))
            .values_list("project_id", "m")
        )
        for plan in creates:
            pid = plan.instance.project_id
            orders[pid] = (orders.get(pid) or 0) + 1
            plan.instance.order = orders[pid]
        Milestone.objects.bulk_create([p.instance for p in creates])
        changes = []
        for plan in creates:
            m = plan.instance
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.CREATE,
                target=m,
                root=m.project,
                zone=m.project.zone,
                version=m.version,
                note=f"{note}第{plan.row.number}行）新增节点“{m.name}”，计划{m.planned_date}",
            )
            changes.append(
                ImportChange(
                    batch=batch,
                    row=plan.row.number,
                    model="projects.milestone",
                    object_id=m.pk,
                    label=f"{m.project.name} · {m.name}"[:200],
                    action=ImportChange.Action.CREATE,
                    version_after=m.version,
                )
            )
        for plan in plans:
            if plan.action != "update":
                continue
            m = plan.instance
            m.version = plan.existing.version + 1
            m.save()
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.UPDATE,
                target=m,
                root=m.project,
                zone=m.project.zone,
                changes=plan.changes,
                version=m.version,
                note=f"{note}第{plan.row.number}行）",
            )
            changes.append(
                ImportChange(
                    batch=batch,
                    row=plan.row.number,
                    model="projects.milestone",
                    object_id=m.pk,
                    label=f"{m.project.name} · {m.name}"[:200],
                    action=ImportChange.Action.UPDATE,
                    before=plan.before,
                    after=plan.after,
                    version_after=m.version,
                )
            )
        return changes

    def undo_conflicts(self, changes: list[Any]) -> list[str]:
        current = Milestone.objects.select_for_update(of=("self",)).in_bulk(
            [c.object_id for c in changes]
        )
        return [
            f"节点“{change.label}”在导入后又被修改过"
            for change in changes
            if change.object_id in current
            and current[change.object_id].version != change.version_after
        ]

    def undo(self, ctx: Context, changes: list[Any]) -> None:
        batch = ctx.batch
        current = Milestone.objects.select_related("project__zone", "responsible_unit").in_bulk(
            [c.object_id for c in changes]
        )
        labels = _labels(Milestone)
        for change in reversed(changes):
            m = current.get(change.object_id)
            if m is None:
                continue
            if change.action == "create":
                project = m.project
                audit_record(
                    actor=ctx.user,
                    action=AuditEvent.Action.UPDATE,
                    target=project,
                    zone=project.zone,
                    note=f"撤销导入批次#{batch.pk}：删除导入时新增的节点“{m.name}”",
                    changes=[
                        {"field": "milestones", "label": "节点", "old": m.name, "new": "（已删除）"}
                    ],
                )
                m.delete()
                continue
            before_display = {name: display_value(m, name) for name in change.before}
            for name, value in change.before.items():
                setattr(m, m._meta.get_field(name).attname, restore_value(Milestone, name, value))
                m._state.fields_cache.pop(name, None)
            diff = [
                {
                    "field": name,
                    "label": labels[name],
                    "old": before_display[name],
                    "new": display_value(m, name),
                }
                for name in change.before
                if display_value(m, name) != before_display[name]
            ]
            m.version += 1
            m.save()
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.UPDATE,
                target=m,
                root=m.project,
                zone=m.project.zone,
                changes=diff,
                version=m.version,
                note=f"撤销导入批次#{batch.pk}（{batch.file_name}）",
            )


# --- 单位 --------------------------------------------------------------------------------------------

ORGANISATION_COLUMNS = [
    Column(
        "name",
        "单位名称",
        "text",
        ("名称", "企业名称", "单位", "单位全称", "企业全称"),
        required=True,
        max_length=120,
        note="必填。本开发区内不能重名。",
        example="示例：山西智算科技有限公司",
        width=30,
    ),
    Column(
        "credit_code",
        "统一社会信用代码",
        "uscc",
        ("信用代码", "社会信用代码", "统一信用代码", "组织机构代码"),
        note="18位，系统会校验校验位。有代码时按代码匹配已有单位。",
        example="91140300MA0K3YUR64",
        width=22,
    ),
    Column(
        "kind",
        "单位类型",
        "choice",
        ("类型", "单位性质", "企业类型"),
        choices=_labels_of(Organisation.Kind.choices),
        example="企业",
    ),
    Column("contact_name", "联系人", "text", (), max_length=30),
    Column("contact_phone", "联系电话", "text", ("联系方式", "电话", "手机"), max_length=30),
]
KIND_SYNONYMS = {
    "国有企业": Organisation.Kind.ZONE_COMPANY,
    "国企": Organisation.Kind.ZONE_COMPANY,
    "民营企业": Organisation.Kind.ENTERPRISE,
    "私营企业": Organisation.Kind.ENTERPRISE,
    "外资企业": Organisation.Kind.ENTERPRISE,
    "机关": Organisation.Kind.GOVERNMENT,
    "行政机关": Organisation.Kind.GOVERNMENT,
}
ORGANISATION_FIELDS = ["name", "credit_code", "kind", "contact_name", "contact_phone"]


class OrganisationSheet(SheetSpec):
    """单位（实施单位、建设单位、企业）: matched by 统一社会信用代码, else by 单位名称 within the zone."""

    kind = "organisations"
    title = "单位"
    model = Organisation
    columns = ORGANISATION_COLUMNS
    key_help = "有统一社会信用代码时按代码匹配已有单位，否则按“单位名称”匹配本开发区的单位。"
    instructions = ["统一社会信用代码须为18位且校验位正确；同一代码只能登记一次。"]

    def can_import(self, user: User) -> bool:
        return user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF)

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        ctx.lookups["kind"] = choice_lookup(Organisation.Kind.choices, KIND_SYNONYMS)
        codes = [r.values["credit_code"] for r in rows if r.values.get("credit_code")]
        elsewhere = {}
        for chunk in _chunks(codes, 500):
            for org in (
                Organisation.objects.filter(credit_code__in=chunk)
                .exclude(zone=ctx.zone)
                .select_related("zone")
            ):
                elsewhere[org.credit_code] = org
        ctx.lookups["elsewhere"] = elsewhere

    def key(self, ctx: Context, row: Row) -> tuple:
        code = row.values.get("credit_code")
        return ("code", code) if code else ("name", normalize_name(row.values.get("name") or ""))

    def key_label(self, key: tuple) -> str:
        return f"统一社会信用代码{key[1]}" if key[0] == "code" else "单位名称"

    def existing(self, ctx: Context, keys: list[tuple]) -> dict[tuple, models.Model]:
        qs = Organisation.objects.filter(zone=ctx.zone)
        if ctx.lock:
            qs = qs.select_for_update(of=("self",))
        found: dict[tuple, Any] = {}
        by_name = {}
        for org in qs:
            by_name[normalize_name(org.name)] = org
            if org.credit_code:
                found[("code", org.credit_code)] = org
        ctx.lookups["by_name"] = by_name
        for key in keys:
            if key[0] == "name" and key[1] in by_name:
                found[key] = by_name[key[1]]
        return found

    def build(self, ctx: Context, row: Row, current: models.Model | None) -> RowPlan:
        values = row.values
        code = values.get("credit_code")
        name = values.get("name")
        by_name = ctx.lookups["by_name"].get(normalize_name(name or ""))
        if code and code in ctx.lookups["elsewhere"]:
            other = ctx.lookups["elsewhere"][code]
            raise RowError(
                [
                    ctx.problem(
                        row,
                        "credit_code",
                        f"该统一社会信用代码已由{other.zone.name}登记为“{other.name}”。",
                    )
                ]
            )
        if current is None and code and by_name is not None:
            if by_name.credit_code and by_name.credit_code != code:
                raise RowError(
                    [
                        ctx.problem(
                            row,
                            "name",
                            f"本开发区已有同名单位，其统一社会信用代码为{by_name.credit_code}，与本行不符。",
                        )
                    ]
                )
            current = by_name  # the same organisation, now with its code
        if current is not None and by_name is not None and by_name.pk != current.pk:
            raise RowError([ctx.problem(row, "name", f"本开发区已有另一个名为“{name}”的单位。")])
        data: dict[str, Any] = {}
        for field_name in ("name", "credit_code", "contact_name", "contact_phone"):
            if values.get(field_name) is not None:
                data[field_name] = values[field_name]
        text = values.get("kind")
        if text is not None:
            kind = ctx.lookups["kind"].get(normalize_name(text))
            if kind is None:
                allowed = "、".join(_labels_of(Organisation.Kind.choices))
                raise RowError([ctx.problem(row, "kind", f"“{text}”不是可选值，应为：{allowed}。")])
            data["kind"] = kind
        if current is not None:
            instance = _copy(current)
            before = {n: display_value(current, n) for n in data}
        else:
            instance = Organisation(zone=ctx.zone)
            before = {}
        for field_name, value in data.items():
            setattr(instance, field_name, value)
        try:
            instance.full_clean(validate_constraints=False, validate_unique=False)
        except ValidationError as exc:
            raise RowError(errors_to_problems(ctx, row, exc, _labels(Organisation), {})) from exc
        plan = RowPlan(row, "create" if current is None else "update", instance, current, data=data)
        if current is not None:
            plan.note_changes(data, before, _labels(Organisation))
        return plan

    def save(self, ctx: Context, plans: list[RowPlan]) -> list[Any]:
        from .models import ImportChange

        batch = ctx.batch
        note = f"Excel导入（批次#{batch.pk}，{batch.file_name}"
        creates = [p for p in plans if p.action == "create"]
        Organisation.objects.bulk_create([p.instance for p in creates])
        changes = []
        for plan in creates:
            org = plan.instance
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.CREATE,
                target=org,
                zone=ctx.zone,
                note=f"{note}第{plan.row.number}行）新增单位",
            )
            changes.append(
                ImportChange(
                    batch=batch,
                    row=plan.row.number,
                    model="zones.organisation",
                    object_id=org.pk,
                    label=org.name[:200],
                    action=ImportChange.Action.CREATE,
                    after={n: stored_value(org, n) for n in ORGANISATION_FIELDS},
                )
            )
        for plan in plans:
            if plan.action != "update":
                continue
            org = plan.instance
            org.save(update_fields=list(plan.after))
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.UPDATE,
                target=org,
                zone=ctx.zone,
                changes=plan.changes,
                note=f"{note}第{plan.row.number}行）",
            )
            changes.append(
                ImportChange(
                    batch=batch,
                    row=plan.row.number,
                    model="zones.organisation",
                    object_id=org.pk,
                    label=org.name[:200],
                    action=ImportChange.Action.UPDATE,
                    before=plan.before,
                    after=plan.after,
                )
            )
        return changes

    def undo_conflicts(self, changes: list[Any]) -> list[str]:
        current = Organisation.objects.select_for_update(of=("self",)).in_bulk(
            [c.object_id for c in changes]
        )
        problems = []
        created = [c.object_id for c in changes if c.action == "create"]
        used = set(
            Project.objects.filter(Q(owner_id__in=created) | Q(implementing_unit_id__in=created))
            .values_list("owner_id", "implementing_unit_id")
            .distinct()
        )
        used_ids = {i for pair in used for i in pair if i}
        used_ids |= set(
            Milestone.objects.filter(responsible_unit_id__in=created).values_list(
                "responsible_unit_id", flat=True
            )
        )
        used_ids |= set(
            User.objects.filter(organisation_id__in=created).values_list(
                "organisation_id", flat=True
            )
        )
        for change in changes:
            org = current.get(change.object_id)
            if org is None:
                continue
            if any(stored_value(org, n) != v for n, v in change.after.items()):
                problems.append(f"单位“{org.name}”在导入后又被修改过")
            elif change.action == "create" and org.pk in used_ids:
                problems.append(f"单位“{org.name}”已被项目、节点或用户引用，不能删除")
        return problems

    def undo(self, ctx: Context, changes: list[Any]) -> None:
        batch = ctx.batch
        current = Organisation.objects.in_bulk([c.object_id for c in changes])
        labels = _labels(Organisation)
        for change in reversed(changes):
            org = current.get(change.object_id)
            if org is None:
                continue
            if change.action == "create":
                audit_record(
                    actor=ctx.user,
                    action=AuditEvent.Action.UPDATE,
                    target=org,
                    zone=ctx.zone,
                    note=f"撤销导入批次#{batch.pk}：删除导入时新增的单位",
                    changes=[
                        {"field": "deleted", "label": "单位", "old": org.name, "new": "（已删除）"}
                    ],
                )
                org.delete()
                continue
            before_display = {n: display_value(org, n) for n in change.before}
            for name, value in change.before.items():
                setattr(org, name, value)
            diff = [
                {
                    "field": n,
                    "label": labels[n],
                    "old": before_display[n],
                    "new": display_value(org, n),
                }
                for n in change.before
                if display_value(org, n) != before_display[n]
            ]
            org.save(update_fields=list(change.before))
            audit_record(
                actor=ctx.user,
                action=AuditEvent.Action.UPDATE,
                target=org,
                zone=ctx.zone,
                changes=diff,
                note=f"撤销导入批次#{batch.pk}（{batch.file_name}）",
            )


register(ProjectSheet())
register(MilestoneSheet())
register(OrganisationSheet())

__all__ = [
    "REGISTRY",
    "Context",
    "RowError",
    "RowPlan",
    "SheetSpec",
    "get_spec",
    "register",
    "specs_for",
]
