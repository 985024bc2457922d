"""重点项目库: the key-project register, with funding sources and milestones (节点)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.functional import cached_property

from zonedesk.zones.models import Department, Organisation, Zone

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Stage(models.TextChoices):
    """项目阶段, in the order a project normally moves through them."""

    CONCEIVED = "conceived", "谋划"
    PREPARATION = "preparation", "前期"
    SIGNED = "signed", "签约"
    STARTED = "started", "新开工"
    CONSTRUCTION = "construction", "在建"
    COMPLETED = "completed", "竣工"
    PRODUCING = "producing", "投产"
    FULL_CAPACITY = "full_capacity", "达产"
    SUSPENDED = "suspended", "停缓建"
    TERMINATED = "terminated", "终止"


# The normal path; 停缓建 and 终止 can be entered from any stage (with a reason).
STAGE_ORDER = [
    Stage.CONCEIVED,
    Stage.PREPARATION,
    Stage.SIGNED,
    Stage.STARTED,
    Stage.CONSTRUCTION,
    Stage.COMPLETED,
    Stage.PRODUCING,
    Stage.FULL_CAPACITY,
]

# The date a stage needs before a project may enter it (DOMAIN.md Part B rule 7).
STAGE_DATE_FIELD = {
    Stage.SIGNED: "signed_date",
    Stage.STARTED: "actual_start",
    Stage.CONSTRUCTION: "actual_start",
    Stage.COMPLETED: "actual_completion",
    Stage.PRODUCING: "actual_production",
    Stage.FULL_CAPACITY: "full_capacity_date",
}

# Dates that must not run backwards: 签约 ≤ 开工 ≤ 竣工 ≤ 投产 ≤ 达产, and the same for plans.
DATE_ORDER = [
    ("signed_date", "actual_start", "actual_completion", "actual_production", "full_capacity_date"),
    ("planned_start", "planned_completion", "planned_production"),
]


class Level(models.TextChoices):
    PROVINCE = "province", "省重点"
    CITY = "city", "市重点"
    DISTRICT = "district", "区重点"


class Category(models.TextChoices):
    INDUSTRY = "industry", "产业"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    LIVELIHOOD = "livelihood", "民生"
    ECOLOGY = "ecology", "生态"
    URBAN_RENEWAL = "urban_renewal", "城市更新"


class Nature(models.TextChoices):
    """建设性质."""

    NEW = "new", "新建"
    EXPANSION = "expansion", "扩建"
    RECONSTRUCTION = "reconstruction", "改建"
    PURCHASE = "purchase", "单纯购置"


class Transformation(models.TextChoices):
    """转型项目类型: the five kinds of transformation project on the seed page."""

    NONE = "", "无"
    EQUIPMENT = "equipment", "设备更新"
    TECH = "tech", "技术改造"
    FOUNDATION = "foundation", "基础再造"
    DIGITAL = "digital", "数字赋能"
    GREEN = "green", "绿色低碳"


class Project(models.Model):
    """重点项目: one key project of a zone, from 谋划 to 达产."""

    zone = models.ForeignKey(
        Zone, verbose_name="开发区", on_delete=models.PROTECT, related_name="projects"
    )
    park = models.ForeignKey(
        Zone,
        verbose_name="园区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="park_projects",
    )
    code = models.CharField("项目代码", max_length=40)
    name = models.CharField("项目名称", max_length=150)
    owner = models.ForeignKey(
        Organisation,
        verbose_name="建设单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    level = models.CharField(
        "项目级别", max_length=10, choices=Level.choices, default=Level.DISTRICT
    )
    category = models.CharField("项目类别", max_length=20, choices=Category.choices)
    nature = models.CharField("建设性质", max_length=20, choices=Nature.choices, default=Nature.NEW)
    transformation = models.CharField(
        "转型类型", max_length=20, choices=Transformation.choices, blank=True, default=""
    )
    industry_code = models.CharField("行业代码", max_length=4, blank=True)
    location_code = models.CharField("建设地点区划代码", max_length=12, blank=True)
    total_investment = models.DecimalField("总投资（万元）", **MONEY)
    annual_plan_investment = models.DecimalField("年度计划投资（万元）", default=0, **MONEY)
    land_area_mu = models.DecimalField(
        "用地面积（亩）",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    floor_area_m2 = models.DecimalField(
        "建筑面积（㎡）",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    content = models.TextField("建设内容", blank=True)

    signed_date = models.DateField("签约日期", null=True, blank=True)
    planned_start = models.DateField("计划开工", null=True, blank=True)
    actual_start = models.DateField("实际开工", null=True, blank=True)
    planned_completion = models.DateField("计划竣工", null=True, blank=True)
    actual_completion = models.DateField("实际竣工", null=True, blank=True)
    planned_production = models.DateField("计划投产", null=True, blank=True)
    actual_production = models.DateField("实际投产", null=True, blank=True)
    full_capacity_date = models.DateField("达产日期", null=True, blank=True)

    stage = models.CharField(
        "项目阶段", max_length=20, choices=Stage.choices, default=Stage.CONCEIVED
    )
    stage_note = models.CharField("停缓建/终止原因", max_length=200, blank=True)
    lead_official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="包保领导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    department = models.ForeignKey(
        Department, verbose_name="责任部门", on_delete=models.PROTECT, related_name="projects"
    )
    implementing_unit = models.ForeignKey(
        Organisation,
        verbose_name="实施单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_projects",
    )
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    in_statistics = models.BooleanField("已入库（纳统）", default=False)
    statistics_date = models.DateField("入库日期", null=True, blank=True)

    version = models.PositiveIntegerField("版本", default=1)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "重点项目"
        verbose_name_plural = "重点项目"
        ordering = ["zone_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "code"], name="project_unique_code_per_zone"),
            models.CheckConstraint(
                condition=Q(total_investment__gte=0) & Q(annual_plan_investment__gte=0),
                name="project_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_completion__isnull=True)
                | Q(planned_start__lte=F("planned_completion")),
                name="project_planned_start_before_completion",
            ),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True)
                | Q(actual_completion__isnull=True)
                | Q(actual_start__lte=F("actual_completion")),
                name="project_actual_start_before_completion",
            ),
            models.CheckConstraint(
                condition=Q(in_statistics=False) | Q(statistics_date__isnull=False),
                name="project_statistics_needs_date",
            ),
        ]
        indexes = [
            models.Index(fields=["zone", "stage"], name="project_zone_stage_idx"),
            models.Index(fields=["zone", "department"], name="project_zone_dept_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def validate_constraints(self, exclude=None) -> None:
        """The constraints above are the database's backstop. The same rules are checked, field by
        field and in Chinese, by services.validate_project, which every write goes through; letting
        a ModelForm report them first would show Django's generic "约束…是无效的" instead."""

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def total_investment_yi(self) -> Decimal:
        return self.total_investment / Decimal(10000)


class FundingSource(models.Model):
    """资金来源: one line of a project's funding mix (资金拼盘)."""

    class Kind(models.TextChoices):
        CENTRAL_BUDGET = "central_budget", "中央预算内"
        SPECIAL_BOND = "special_bond", "专项债"
        SELF = "self", "企业自筹"
        BANK_LOAN = "bank_loan", "银行贷款"
        OTHER = "other", "其他"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding")
    kind = models.CharField("资金来源", max_length=20, choices=Kind.choices)
    amount = models.DecimalField("金额（万元）", **MONEY)

    class Meta:
        verbose_name = "资金来源"
        verbose_name_plural = "资金来源"
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"], name="funding_unique_kind_per_project"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}万元"


class MilestoneTemplate(models.Model):
    """节点模板: the usual milestones of a project category, each an offset before the target
    date, so that a schedule can be planned backwards from the deadline (倒排工期)."""

    zone = models.ForeignKey(
        Zone,
        verbose_name="开发区",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="留空表示全区通用模板",
    )
    category = models.CharField("项目类别", max_length=20, choices=Category.choices)
    name = models.CharField("模板名称", max_length=60)

    class Meta:
        verbose_name = "节点模板"
        verbose_name_plural = "节点模板"
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return self.name


class MilestoneTemplateStep(models.Model):
    template = models.ForeignKey(MilestoneTemplate, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField("节点名称", max_length=40)
    order = models.PositiveSmallIntegerField("顺序")
    days_before_target = models.PositiveIntegerField("距目标日期天数")

    class Meta:
        ordering = ["template_id", "order"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """节点: one dated step of a project's schedule, plan against actual."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField("节点名称", max_length=40)
    order = models.PositiveSmallIntegerField("顺序")
    days_before_target = models.PositiveIntegerField("距目标日期天数", null=True, blank=True)
    planned_date = models.DateField("计划完成日期")
    # 基线日期: the planned date as first fixed. A unit may move the plan (with a reason, and the
    # move counted in plan_changes); only the 主要领导 or the 调度办 re-set the baseline, so a
    # milestone quietly pushed back still shows how far it slipped.
    baseline_date = models.DateField("基线日期")
    plan_changes = models.PositiveSmallIntegerField("基线后调整次数", default=0)
    actual_date = models.DateField("实际完成日期", null=True, blank=True)
    responsible_unit = models.ForeignKey(
        Organisation, verbose_name="责任单位", null=True, blank=True, on_delete=models.PROTECT
    )
    note = models.CharField("备注", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "节点"
        verbose_name_plural = "节点"
        ordering = ["project_id", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.baseline_date is None:  # a new milestone's plan is its baseline
            self.baseline_date = self.planned_date
        super().save(*args, **kwargs)

    @cached_property
    def live_evidence(self) -> list[MilestoneEvidence]:
        """印证资料 not removed, oldest first; `selectors.project_milestones` prefetches it."""
        return list(
            self.evidence.filter(removed_at__isnull=True)
            .select_related("uploaded_by")
            .order_by("id")
        )

    @property
    def slip_days(self) -> int:
        """Days the plan now lies after its baseline (较基线推迟天数); negative when brought forward."""
        if self.planned_date is None or self.baseline_date is None:
            return 0
        return (self.planned_date - self.baseline_date).days

    @property
    def plan_change_text(self) -> str:
        """The plan against its baseline in words, e.g. "较基线推迟45天，调整1次"; "" when the plan
        is the baseline and was never moved."""
        days = self.slip_days
        if days > 0:
            text = f"较基线推迟{days}天"
        elif days < 0:
            text = f"较基线提前{-days}天"
        elif self.plan_changes:
            text = "与基线一致"
        else:
            return ""
        return text + (f"，调整{self.plan_changes}次" if self.plan_changes else "")


def _evidence_path(instance: MilestoneEvidence, filename: str) -> str:
    from django.utils import timezone

    return f"projects/evidence/{timezone.localdate():%Y/%m}/{Path(filename).name}"


class MilestoneEvidence(models.Model):
    """印证资料: the document that proves a milestone was reached — a permit, an acceptance
    record, a photo of the site. Removing one keeps the file and records who removed it."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to=_evidence_path)
    original_name = models.CharField("原文件名", max_length=150)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    removed_at = models.DateTimeField("删除时间", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "印证资料"
        verbose_name_plural = "印证资料"
        ordering = ["milestone_id", "id"]

    def __str__(self) -> str:
        return self.original_name
