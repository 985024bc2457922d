"""经济运行指标: the indicator catalogue, each zone's annual targets (年度目标) by assessor, and the
monthly figures exactly as the statistics bureau published them (DOMAIN.md Part B §5.3)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from zonedesk.zones.models import Zone

FIGURE = {"max_digits": 16, "decimal_places": 4}
RATE = {"max_digits": 8, "decimal_places": 2}


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "月度"
    QUARTERLY = "quarterly", "季度"
    ANNUAL = "annual", "年度"


class Indicator(models.Model):
    """指标: one line of the catalogue. `zone` empty = shipped with zonedesk for every zone; set =
    a zone's own indicator."""

    class Pricing(models.TextChoices):
        NOMINAL = "nominal", "现价（名义）"
        REAL = "real", "可比价（实际）"

    class Kind(models.TextChoices):
        CUMULATIVE = "cumulative", "累计值"
        POINT = "point", "时点值"

    zone = models.ForeignKey(
        Zone,
        verbose_name="开发区",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_indicators",
        help_text="留空表示全省通用指标",
    )
    code = models.CharField("指标代码", max_length=30)
    name = models.CharField("指标名称", max_length=60)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    frequency = models.CharField(
        "频率", max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    pricing = models.CharField(
        "价格口径", max_length=10, choices=Pricing.choices, default=Pricing.NOMINAL
    )
    kind = models.CharField(
        "累计/时点", max_length=12, choices=Kind.choices, default=Kind.CUMULATIVE
    )
    has_level = models.BooleanField("发布绝对值", default=True)
    has_growth = models.BooleanField("发布同比增速", default=True)
    january_reported = models.BooleanField(
        "1月单独发布", default=True, help_text="固定资产投资、规上工业等1月不单独发布，首发为1-2月"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级指标",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    headline = models.BooleanField("跨区对比展示", default=False)
    note = models.CharField("说明", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "经济指标"
        verbose_name_plural = "经济指标"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(zone__isnull=True), name="indicator_shipped_code"
            ),
            models.UniqueConstraint(
                fields=["zone", "code"], condition=Q(zone__isnull=False), name="indicator_zone_code"
            ),
            models.CheckConstraint(
                condition=Q(has_level=True) | Q(has_growth=True), name="indicator_has_a_figure"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shipped(self) -> bool:
        return self.zone_id is None

    def months(self) -> list[int]:
        """The months in which a figure of this indicator is published."""
        if self.frequency == Frequency.ANNUAL:
            return [12]
        if self.frequency == Frequency.QUARTERLY:
            return [3, 6, 9, 12]
        return list(range(1 if self.january_reported else 2, 13))

    @property
    def single_month_allowed(self) -> bool:
        """单月值 = 累计(m) − 累计(m−1) only for a nominal cumulative level series (§5.3)."""
        return (
            self.has_level
            and self.kind == self.Kind.CUMULATIVE
            and self.pricing == self.Pricing.NOMINAL
            and self.frequency == Frequency.MONTHLY
        )


class Assessor(models.TextChoices):
    CITY = "city", "市考核"
    PROVINCE = "province", "省考核"


class Target(models.Model):
    """年度目标: what an assessor expects of a zone on one indicator in one year: a level (in
    the indicator's unit), a growth rate (%), or both; with the weight the assessment scores."""

    zone = models.ForeignKey(Zone, verbose_name="开发区", on_delete=models.CASCADE)
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    assessor = models.CharField("考核主体", max_length=10, choices=Assessor.choices)
    target_value = models.DecimalField("目标值", null=True, blank=True, **FIGURE)
    target_growth = models.DecimalField("目标增速（%）", null=True, blank=True, **RATE)
    weight = models.DecimalField(
        "权重（分）",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    note = models.CharField("备注", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["zone_id", "year", "indicator__sort_order", "assessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "indicator", "year", "assessor"], name="target_unique"
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=False) | Q(target_growth__isnull=False),
                name="target_has_a_figure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.indicator}{self.get_assessor_display()}目标"


class IndicatorValue(models.Model):
    """月度数据: one published figure, 1–m月 cumulative (or the point value), with its 同比 growth
    as given — never recomputed, since the bureau's base is the comparable unit scope (可比口径)."""

    zone = models.ForeignKey(Zone, verbose_name="开发区", on_delete=models.CASCADE)
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="values"
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        "月份（1-m月累计）", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    value = models.DecimalField("本年累计值", null=True, blank=True, **FIGURE)
    growth = models.DecimalField("同比增长（%）", null=True, blank=True, **RATE)
    source = models.CharField("数据来源", max_length=60, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    note = models.CharField("更正说明", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "月度指标值"
        verbose_name_plural = "月度指标值"
        ordering = ["zone_id", "indicator__sort_order", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "indicator", "year", "month"], name="indicator_value_unique"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(growth__isnull=False),
                name="indicator_value_has_a_figure",
            ),
        ]
        indexes = [models.Index(fields=["year", "month"], name="indicator_value_period_idx")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.indicator.kind == Indicator.Kind.POINT or self.month == 1:
            return f"{self.year}年{self.month}月"
        return f"{self.year}年1-{self.month}月"


class ScorecardSettings(models.Model):
    """A zone's thresholds for red/amber/green (thresholds are data the zone edits, never constants)."""

    zone = models.OneToOneField(Zone, on_delete=models.CASCADE, related_name="scorecard_settings")
    amber_points = models.DecimalField(
        "完成率落后序时进度多少个百分点以内为黄色", default=Decimal("5"), **RATE
    )
    growth_amber_points = models.DecimalField(
        "增速低于目标多少个百分点以内为黄色", default=Decimal("2"), **RATE
    )

    class Meta:
        verbose_name = "指标预警阈值"
        verbose_name_plural = "指标预警阈值"

    def __str__(self) -> str:
        return f"{self.zone}指标预警阈值"
