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
        help_text="未解决的要素保障问题自提出起超过该天数，项目预警。",
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


# --- 要素保障 (blockers), 调度会 (dispatch meetings) and 督办 (issue 3 §3–§4) -----------------------


class BlockerCategory(models.TextChoices):
    LAND = "land", "用地"
    PLANNING = "planning", "规划"
    EIA_ENERGY = "eia_energy", "环评/能评"
    PERMIT = "permit", "施工许可"
    FUNDS = "funds", "资金"
    POWER = "power", "电力"
    WATER = "water", "用水"
    GAS = "gas", "燃气"
    ROAD = "road", "道路"
    EXPROPRIATION = "expropriation", "征收拆迁"
    LABOUR = "labour", "用工"
    OTHER = "other", "其他"


class BlockerLevel(models.IntegerChoices):
    """The escalation ladder: 部门 → 分管领导 → 主要领导 → 上报市级."""

    DEPARTMENT = 1, "部门"
    DEPUTY = 2, "分管领导"
    LEADER = 3, "主要领导"
    CITY = 4, "上报市级"


class Blocker(models.Model):
    """要素保障问题: what stops a project, who clears it, by when, and how high it has gone."""

    class Status(models.TextChoices):
        OPEN = "open", "待解决"
        IN_PROGRESS = "in_progress", "推进中"
        RESOLVED = "resolved", "已解决"
        CLOSED = "closed", "已关闭"

    zone = models.ForeignKey(
        Zone, verbose_name="开发区", on_delete=models.PROTECT, related_name="blockers"
    )
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="blockers"
    )
    category = models.CharField("问题类别", max_length=20, choices=BlockerCategory.choices)
    description = models.TextField("问题描述")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField("提出时间", default=timezone.now, db_index=True)
    department = models.ForeignKey(
        "zones.Department",
        verbose_name="责任部门",
        on_delete=models.PROTECT,
        related_name="blockers",
    )
    lead_official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="牵头领导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_blockers",
    )
    deadline = models.DateField("解决时限")
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    level = models.PositiveSmallIntegerField(
        "协调层级", choices=BlockerLevel.choices, default=BlockerLevel.DEPARTMENT
    )
    level_since = models.DateTimeField("进入本层级时间", default=timezone.now)
    resolution_note = models.TextField("解决情况", blank=True)
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "要素保障问题"
        verbose_name_plural = "要素保障问题"
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["zone", "status"], name="blocker_zone_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(resolution_note=""),
                name="blocker_resolved_has_note",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="blocker_level_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name}：{self.get_category_display()}问题"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_BLOCKER_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.deadline < (today or timezone.localdate())

    def overdue_days(self, today=None) -> int:
        return max(0, ((today or timezone.localdate()) - self.deadline).days)

    def age_days(self, now=None) -> int:
        return ((now or timezone.now()) - self.raised_at).days

    @property
    def next_level(self) -> int | None:
        return self.level + 1 if self.level < BlockerLevel.CITY else None

    @property
    def next_level_label(self) -> str:
        return BlockerLevel(self.next_level).label if self.next_level else ""


OPEN_BLOCKER_STATUSES = (Blocker.Status.OPEN, Blocker.Status.IN_PROGRESS)


class BlockerEvent(models.Model):
    """One step in a blocker's history (提出、推进、升级、解决、关闭、重新打开), never edited."""

    class Kind(models.TextChoices):
        RAISE = "raise", "提出"
        EDIT = "edit", "修改"
        PROGRESS = "progress", "开始推进"
        ESCALATE = "escalate", "升级"
        RESOLVE = "resolve", "解决"
        CLOSE = "close", "关闭"
        REOPEN = "reopen", "重新打开"
        REMIND = "remind", "提醒"

    blocker = models.ForeignKey(Blocker, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=10, choices=Kind.choices)
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12, blank=True)
    from_level = models.PositiveSmallIntegerField("原层级", null=True, blank=True)
    to_level = models.PositiveSmallIntegerField("新层级", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    by_name = models.CharField("操作人", max_length=150, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "要素保障问题记录"
        verbose_name_plural = "要素保障问题记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.blocker_id} {self.get_kind_display()}"


class MeetingKind(models.TextChoices):
    SMALL = "small", "小调度"
    LARGE = "large", "大调度"


class MeetingSchedule(models.Model):
    """调度会安排: a zone's meeting rhythm — 小调度 weekly (分管领导), 大调度 every other week
    (主要领导) — plus who confirms 督办 and where deadline reminders go."""

    class WebhookKind(models.TextChoices):
        NONE = "", "不推送"
        WECOM = "wecom", "企业微信群机器人"
        DINGTALK = "dingtalk", "钉钉群机器人"

    zone = models.OneToOneField(
        Zone, verbose_name="开发区", on_delete=models.CASCADE, related_name="meeting_schedule"
    )
    small_weekday = models.PositiveSmallIntegerField("小调度（周几）", choices=WEEKDAYS, default=0)
    large_weekday = models.PositiveSmallIntegerField("大调度（周几）", choices=WEEKDAYS, default=0)
    large_week_parity = models.PositiveSmallIntegerField(
        "大调度所在周",
        choices=[(0, "双周（ISO周次为偶数）"), (1, "单周（ISO周次为奇数）")],
        default=0,
    )
    small_skips_large_weeks = models.BooleanField(
        "大调度当周不开小调度", default=True, help_text="即“单周小调度、双周大调度”。"
    )
    small_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="小调度主持（分管领导）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    large_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="大调度主持（主要领导）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    office_department = models.ForeignKey(
        "zones.Department",
        verbose_name="会议办公室（确认督办办结）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    remind_days_before = models.PositiveSmallIntegerField(
        "督办到期前提醒天数", default=2, validators=[MaxValueValidator(30)]
    )
    webhook_kind = models.CharField(
        "群机器人", max_length=10, choices=WebhookKind.choices, blank=True, default=""
    )
    webhook_url = models.URLField("群机器人 Webhook 地址", max_length=500, blank=True)
    webhook_secret = models.CharField(
        "钉钉加签密钥", max_length=100, blank=True, help_text="钉钉机器人开启“加签”时填写。"
    )
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "调度会安排"
        verbose_name_plural = "调度会安排"

    def __str__(self) -> str:
        return f"{self.zone} 调度会安排"


class Meeting(models.Model):
    """调度会: one 小调度 or 大调度 of a zone. Dates come from the zone's rhythm (`slot`) and
    can be moved (`date`); the number (调度〔年〕N号) is given when the minutes are first saved."""

    class Status(models.TextChoices):
        PLANNED = "planned", "待召开"
        HELD = "held", "已召开"
        CANCELLED = "cancelled", "已取消"

    zone = models.ForeignKey(
        Zone, verbose_name="开发区", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField("会议类型", max_length=10, choices=MeetingKind.choices)
    slot = models.DateField("排定日期", null=True, blank=True)
    date = models.DateField("会议日期", db_index=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="主持人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attendees = models.TextField("参会人员", blank=True)
    location = models.CharField("地点", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PLANNED)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    number = models.PositiveIntegerField("会议编号", null=True, blank=True)
    summary = models.TextField("会议纪要", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "调度会"
        verbose_name_plural = "调度会"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "kind", "slot"],
                name="meeting_unique_slot",
                condition=Q(slot__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["zone", "year", "number"],
                name="meeting_unique_number",
                condition=Q(number__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def number_label(self) -> str:
        return f"调度〔{self.year}〕{self.number}号" if self.number else ""

    @property
    def title(self) -> str:
        label = f"{self.date.year}年{self.date.month}月{self.date.day}日{self.get_kind_display()}会"
        return f"{label}（{self.number_label}）" if self.number else label


class AgendaItem(models.Model):
    """议程事项: built from the data (red/amber projects, blockers, open 督办, and sources other
    apps register) or added by hand; dropped items stay so a rebuild does not bring them back."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField("顺序", default=0)
    kind = models.CharField("类别", max_length=20)
    key = models.CharField("来源标识", max_length=60, blank=True)
    title = models.CharField("事项", max_length=200)
    reason = models.CharField("上会原因", max_length=300, blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    colour = models.CharField(max_length=10, blank=True)
    manual = models.BooleanField("手工添加", default=False)
    dropped = models.BooleanField("已撤下", default=False)
    discussion = models.TextField("讨论情况", blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "议程事项"
        verbose_name_plural = "议程事项"
        ordering = ["meeting_id", "dropped", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "key"], name="agenda_unique_key", condition=~Q(key="")
            )
        ]

    def __str__(self) -> str:
        return self.title


class SupervisionItem(models.Model):
    """督办事项: one decision of a dispatch meeting, numbered 调度〔年〕N号-M, assigned to a
    department with a deadline; the department reports back, the meeting office confirms."""

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        REPORTED = "reported", "已报办结"
        DONE = "done", "已办结"

    meeting = models.ForeignKey(
        Meeting, verbose_name="调度会", on_delete=models.PROTECT, related_name="supervision_items"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name="议程事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="supervision_items")
    seq = models.PositiveSmallIntegerField("序号")
    number = models.CharField("督办编号", max_length=40)
    content = models.TextField("议定事项")
    department = models.ForeignKey(
        "zones.Department",
        verbose_name="承办部门",
        on_delete=models.PROTECT,
        related_name="supervision_items",
    )
    deadline = models.DateField("办结时限")
    project = models.ForeignKey(
        Project,
        verbose_name="相关项目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervision_items",
    )
    blocker = models.ForeignKey(
        Blocker,
        verbose_name="相关要素保障问题",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervision_items",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("下达时间", default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认办结时间", null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "seq"], name="supervision_unique_seq"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(confirmed_at__isnull=False),
                name="supervision_done_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.DONE

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.deadline < (today or timezone.localdate())

    def overdue_days(self, today=None) -> int:
        return max(0, ((today or timezone.localdate()) - self.deadline).days)


class SupervisionFeedback(models.Model):
    """督办反馈: the assignee's progress note; `requests_completion` asks the office to confirm.
    Office decisions (确认办结 / 退回) are feedback entries too, so the thread is the history."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "进展反馈"
        REPORT_DONE = "report_done", "申请办结"
        CONFIRM = "confirm", "确认办结"
        RETURN = "return", "退回续办"

    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="feedback")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.PROGRESS)
    text = models.TextField("内容")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "督办反馈"
        verbose_name_plural = "督办反馈"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item} {self.get_kind_display()}"


class DeadlineReminder(models.Model):
    """到期提醒: a reminder about a 督办 item or a blocker near or past its deadline, shown in the
    app to the department, e-mailed to its users and optionally pushed to the zone's group robot.
    A failed push is recorded here and never shown to the user as an error."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "zones.Department", verbose_name="部门", on_delete=models.CASCADE, related_name="+"
    )
    supervision = models.ForeignKey(
        SupervisionItem, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    blocker = models.ForeignKey(
        Blocker, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    on_day = models.DateField("提醒日期")
    message = models.TextField("内容")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提醒人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField("提醒时间", default=timezone.now)
    emailed_to = models.JSONField("邮件收件人", default=list, blank=True)
    webhook_status = models.CharField("群机器人推送", max_length=10, blank=True)  # ""/ok/failed
    webhook_error = models.CharField("推送失败原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "到期提醒"
        verbose_name_plural = "到期提醒"
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervision", "on_day"],
                name="reminder_once_a_day_supervision",
                condition=Q(supervision__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["blocker", "on_day"],
                name="reminder_once_a_day_blocker",
                condition=Q(blocker__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.message[:40]
