"""调度: reporting periods and progress reports (进度填报), lag warnings (预警) and reminders.

A zone reports on its key projects every period (weekly by default, or by 旬 or month); each
project in 新开工/在建 expects one report per period from its implementing unit, which the
responsible department approves or returns. From the reports, the schedule and the milestones
every project gets a colour (red/amber/green) with one sentence per reason.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from zonedesk.projects.models import MONEY, Milestone, Project
from zonedesk.zones.models import Organisation, Zone

from . import periods
from .warnings import DEFAULT_RED_RULES, RULE_LABELS


class PeriodKind(models.TextChoices):
    WEEKLY = periods.WEEKLY, "周报"
    DEKAD = periods.DEKAD, "旬报"
    MONTHLY = periods.MONTHLY, "月报"


WEEKDAYS = [
    (0, "周一"),
    (1, "周二"),
    (2, "周三"),
    (3, "周四"),
    (4, "周五"),
    (5, "周六"),
    (6, "周日"),
]


def default_red_rules() -> list[str]:
    return sorted(DEFAULT_RED_RULES)


class DispatchSettings(models.Model):
    """调度设置: a zone's reporting rhythm and warning thresholds (provincial practice differs,
    so every threshold is data the zone edits, never a constant)."""

    zone = models.OneToOneField(
        Zone, verbose_name="开发区", on_delete=models.CASCADE, related_name="dispatch_settings"
    )
    period_kind = models.CharField(
        "填报周期", max_length=10, choices=PeriodKind.choices, default=PeriodKind.WEEKLY
    )
    deadline_weekday = models.PositiveSmallIntegerField(
        "周报截止日", choices=WEEKDAYS, default=4, help_text="周报的一期以这一天结束，当天截止。"
    )
    deadline_hour = models.PositiveSmallIntegerField(
        "截止时刻（时）", default=17, validators=[MaxValueValidator(23)]
    )
    deadline_days_after = models.PositiveSmallIntegerField(
        "旬报/月报截止（期末后天数）",
        default=0,
        validators=[MaxValueValidator(15)],
        help_text="0 表示期末当天截止。",
    )
    lag_points = models.DecimalField(
        "落后序时进度预警线（百分点）",
        max_digits=5,
        decimal_places=1,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    missed_periods = models.PositiveSmallIntegerField(
        "连续未报预警期数", default=2, validators=[MinValueValidator(1)]
    )
    milestone_grace_days = models.PositiveSmallIntegerField("节点逾期宽限天数", default=0)
    blocker_days = models.PositiveSmallIntegerField(
        "要素保障问题久拖预警天数",
        default=30,
        validators=[MinValueValidator(1)],
        help_text="要素保障问题模块上线后启用。",
    )
    red_rules = models.JSONField("红色预警规则", default=default_red_rules, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "调度设置"
        verbose_name_plural = "调度设置"

    def __str__(self) -> str:
        return f"{self.zone} 调度设置"

    def red_rule_labels(self) -> list[str]:
        return [RULE_LABELS[r] for r in self.red_rules if r in RULE_LABELS]


class ReportingPeriod(models.Model):
    """填报期次: one week, 旬 or month of a zone, closing at its deadline. Whether it is closed is
    derived from the deadline and the clock, never stored, so it cannot go stale."""

    zone = models.ForeignKey(
        Zone, verbose_name="开发区", on_delete=models.CASCADE, related_name="reporting_periods"
    )
    kind = models.CharField("填报周期", max_length=10, choices=PeriodKind.choices)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    deadline = models.DateTimeField("截止时间")

    class Meta:
        verbose_name = "填报期次"
        verbose_name_plural = "填报期次"
        ordering = ["zone_id", "-start"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "start"], name="period_unique_start_per_zone"),
            models.CheckConstraint(
                condition=Q(start__lte=F("end")), name="period_start_before_end"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return periods.period_label(self.kind, self.start, self.end)

    @property
    def is_closed(self) -> bool:
        return timezone.now() >= self.deadline

    def contains(self, day) -> bool:
        return self.start <= day <= self.end


class ProgressReport(models.Model):
    """进度填报: one project's report for one period, from its implementing unit."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        APPROVED = "approved", "已审核"
        RETURNED = "returned", "已退回"

    period = models.ForeignKey(
        ReportingPeriod, verbose_name="期次", on_delete=models.PROTECT, related_name="reports"
    )
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="progress_reports"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    invested_period = models.DecimalField("本期完成投资（万元）", null=True, blank=True, **MONEY)
    invested_year = models.DecimalField("本年累计完成投资（万元）", null=True, blank=True, **MONEY)
    invested_total = models.DecimalField(
        "自开工累计完成投资（万元）", null=True, blank=True, **MONEY
    )
    image_progress = models.CharField("形象进度", max_length=200, blank=True)
    percent_complete = models.DecimalField(
        "工程完成比例（%）",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    problems = models.TextField("存在问题", blank=True)
    next_plan = models.TextField("下期计划", blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退回人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)

    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "进度填报"
        verbose_name_plural = "进度填报"
        ordering = ["-period__start", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "project"], name="report_unique_per_period"),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(
                    invested_period__isnull=False,
                    invested_year__isnull=False,
                    invested_total__isnull=False,
                    percent_complete__isnull=False,
                ),
                name="report_filed_has_figures",
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True)
                | (Q(percent_complete__gte=0) & Q(percent_complete__lte=100)),
                name="report_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(invested_year__isnull=True)
                | Q(invested_total__isnull=True)
                | Q(invested_year__lte=F("invested_total")),
                name="report_year_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="report_return_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"], name="report_project_status_idx")]

    def __str__(self) -> str:
        return f"{self.project}（{self.period}）"

    @property
    def zone(self) -> Zone:
        """The project's zone, so audit rows about a report land in that zone's log."""
        return self.project.zone

    @property
    def is_counted(self) -> bool:
        """Submitted or approved: the figures count for warnings and cumulative checks."""
        return self.status in COUNTED_STATUSES

    @property
    def is_editable(self) -> bool:
        """A draft while the period is open, or a returned report at any time."""
        if self.status == self.Status.RETURNED:
            return True
        return self.status == self.Status.DRAFT and not self.period.is_closed


COUNTED_STATUSES = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.APPROVED)


class ReportMilestone(models.Model):
    """A milestone the report says was reached, with its actual date; written back to the
    project's milestone (through projects.services, so the milestone's history keeps it)."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="milestones_reached"
    )
    milestone = models.ForeignKey(
        Milestone, verbose_name="节点", on_delete=models.CASCADE, related_name="+"
    )
    actual_date = models.DateField("实际完成日期")

    class Meta:
        verbose_name = "本期完成节点"
        verbose_name_plural = "本期完成节点"
        ordering = ["report_id", "actual_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "milestone"], name="report_milestone_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} {self.actual_date}"


def _photo_path(instance: ReportPhoto, filename: str) -> str:
    return f"dispatch/photos/{timezone.localdate():%Y/%m}/{filename}"


class ReportPhoto(models.Model):
    """现场照片: jpg/png, size-limited, re-encoded without EXIF/GPS/XMP metadata."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", upload_to=_photo_path)
    original_name = models.CharField("原文件名", max_length=150, blank=True)
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField("大小（字节）")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["report_id", "id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name


class Colour(models.TextChoices):
    RED = "red", "红色"
    AMBER = "amber", "黄色"
    GREEN = "green", "绿色"


class ProjectWarning(models.Model):
    """预警: a project's current colour and its reasons, one sentence each. Recomputed by the
    services whenever the data behind it change (and when a period closes or a day passes)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="warning")
    colour = models.CharField(
        "预警等级", max_length=10, choices=Colour.choices, default=Colour.GREEN
    )
    reasons = models.JSONField("预警原因", default=list, blank=True)  # [{"rule", "colour", "text"}]
    computed_at = models.DateTimeField("评估时间")

    class Meta:
        verbose_name = "项目预警"
        verbose_name_plural = "项目预警"
        indexes = [models.Index(fields=["colour"], name="warning_colour_idx")]

    def __str__(self) -> str:
        return f"{self.project} {self.get_colour_display()}"

    @property
    def reason_texts(self) -> list[str]:
        return [r["text"] for r in self.reasons]


class WarningChange(models.Model):
    """预警变化记录: when a project's colour changed, to what, why and on whose action."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="warning_changes")
    from_colour = models.CharField("原等级", max_length=10, choices=Colour.choices, blank=True)
    to_colour = models.CharField("新等级", max_length=10, choices=Colour.choices)
    reasons = models.JSONField("原因", default=list, blank=True)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="触发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    triggered_by_name = models.CharField("触发人", max_length=150, blank=True)
    trigger = models.CharField("触发事件", max_length=100, blank=True)

    class Meta:
        verbose_name = "预警变化"
        verbose_name_plural = "预警变化"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.from_colour}→{self.to_colour}"

    @property
    def reason_texts(self) -> list[str]:
        return [r["text"] for r in self.reasons]


class Reminder(models.Model):
    """催报: a reminder to a unit that has not reported for a period, shown in the app and
    e-mailed to the unit's users that have an address."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey(
        Organisation, verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提醒人", on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField("提醒时间", auto_now_add=True)
    message = models.TextField("内容")
    emailed_to = models.JSONField("邮件收件人", default=list, blank=True)

    class Meta:
        verbose_name = "催报提醒"
        verbose_name_plural = "催报提醒"
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.period}"
