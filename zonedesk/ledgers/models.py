"""问题整改台账: campaigns (专项行动) and their rectification items, from 排查 through 整改 to
销号, with every step kept (DOMAIN.md Part B §7 and rule 11)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from zonedesk.zones.models import Department, Organisation, Zone


class Source(models.TextChoices):
    """问题来源."""

    SELF = "self", "自查"
    ASSIGNED = "assigned", "上级交办"
    INSPECTION = "inspection", "督察"
    TOUR = "tour", "巡视"
    AUDIT = "audit", "审计"


class Campaign(models.Model):
    """专项行动: a campaign of finding and fixing problems (e.g. the "5+2" environmental actions)."""

    zone = models.ForeignKey(
        Zone, verbose_name="开发区", on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField("专项行动名称", max_length=100)
    theme = models.CharField("领域", max_length=30, blank=True, help_text="如：生态环境、建设领域")
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.SELF)
    lead_department = models.ForeignKey(
        Department, verbose_name="牵头部门", on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    publicity_required = models.BooleanField("销号前须公示", default=False)
    publicity_days = models.PositiveSmallIntegerField(
        "公示期（天）", default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    description = models.TextField("说明", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"
        ordering = ["zone_id", "-start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="campaign_unique_name_per_zone"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__lte=F("end")),
                name="campaign_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    """整改状态, in the order an item moves through them."""

    PENDING = "pending", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    APPLIED = "applied", "申请销号"
    CHECKING = "checking", "核查中"
    PUBLICITY = "publicity", "公示中"
    CLOSED = "closed", "已销号"


OPEN_STATUSES = (Status.PENDING, Status.IN_PROGRESS)  # not yet reported as fixed
UNCLOSED = (Status.PENDING, Status.IN_PROGRESS, Status.APPLIED, Status.CHECKING, Status.PUBLICITY)


class DeadlineClass(models.TextChoices):
    """整改时限类别."""

    IMMEDIATE = "immediate", "立行立改"
    SHORT = "short", "短期"
    MEDIUM = "medium", "中期"
    LONG = "long", "长期"


class LedgerItem(models.Model):
    """整改事项: one problem found, who fixes it by when, and where it stands. The three lists of
    practice (问题清单, 任务清单, 责任清单) are its fields."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="专项行动", on_delete=models.PROTECT, related_name="items"
    )
    zone = models.ForeignKey(
        Zone, verbose_name="开发区", on_delete=models.PROTECT, related_name="ledger_items"
    )
    number = models.CharField("编号", max_length=30)
    problem = models.TextField("问题描述")
    place = models.CharField("点位/企业", max_length=120)
    enterprise = models.ForeignKey(
        Organisation,
        verbose_name="涉及企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_items",
    )
    category = models.CharField("问题类别", max_length=30)
    source = models.CharField("问题来源", max_length=12, choices=Source.choices)
    found_on = models.DateField("发现日期")
    responsible_department = models.ForeignKey(
        Department, verbose_name="责任部门", on_delete=models.PROTECT, related_name="+"
    )
    responsible_unit = models.ForeignKey(
        Organisation,
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="负责整改的企业或区属公司（如有）",
    )
    responsible_person = models.CharField("责任人", max_length=30)
    supervising_department = models.ForeignKey(
        Department,
        verbose_name="督办部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    measures = models.TextField("整改措施")
    deadline_class = models.CharField("时限类别", max_length=10, choices=DeadlineClass.choices)
    deadline = models.DateField("整改时限")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    progress = models.TextField("整改进展", blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请销号人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核查人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    publicity_until = models.DateField("公示截止", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    last_failure = models.CharField("最近一次核查未通过原因", max_length=300, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重新挂账次数", default=0)
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["campaign_id", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="ledger_item_unique_number"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
                name="ledger_item_closed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["zone", "status"], name="ledger_item_zone_status_idx"),
            models.Index(fields=["zone", "deadline"], name="ledger_item_zone_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.problem[:30]}"

    @property
    def is_overdue(self) -> bool:
        """Past its deadline and not yet reported as fixed."""
        return self.status in OPEN_STATUSES and self.deadline < timezone.localdate()


class ItemEvent(models.Model):
    """履历: one step of an item's life (created, started, applied, check passed/failed,
    publicity, closed, reopened), kept for ever."""

    class Kind(models.TextChoices):
        CREATED = "created", "登记"
        STARTED = "started", "开始整改"
        PROGRESS = "progress", "更新进展"
        APPLIED = "applied", "申请销号"
        CHECK_STARTED = "check_started", "开始核查"
        CHECK_PASSED = "check_passed", "核查通过"
        CHECK_FAILED = "check_failed", "核查未通过（继续挂账）"
        PUBLICITY = "publicity", "公示"
        CLOSED = "closed", "销号"
        REOPENED = "reopened", "重新挂账"
        EDITED = "edited", "修改"

    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("环节", max_length=15, choices=Kind.choices)
    from_status = models.CharField("原状态", max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=Status.choices)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_unit = models.CharField("操作人单位", max_length=120, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改履历"
        verbose_name_plural = "整改履历"
        ordering = ["item_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


def _evidence_path(instance: Evidence, filename: str) -> str:
    return f"ledgers/evidence/{timezone.localdate():%Y/%m}/{Path(filename).name}"


class Evidence(models.Model):
    """佐证材料: photos, PDFs or office files proving the rectification (size/type limited)."""

    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to=_evidence_path)
    original_name = models.CharField("原文件名", max_length=150)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["item_id", "id"]

    def __str__(self) -> str:
        return self.original_name
