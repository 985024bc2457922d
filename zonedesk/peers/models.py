"""对标情报: documents read for numbers, the figures saved from them with their provenance,
the peer zones those figures describe, and changes suggested to key projects."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zonedesk.projects.models import Project
from zonedesk.zones.models import Zone

MONEY = {"max_digits": 18, "decimal_places": 4}
PROJECT_FIGURE = {"max_digits": 14, "decimal_places": 2}  # as the register stores them


class SourceDocument(models.Model):
    """来源文档: a pasted text or an uploaded file, kept whole so every saved figure can show
    the sentence it came from. One row per zone and content (the same file read twice is one)."""

    class Origin(models.TextChoices):
        PASTE = "paste", "粘贴文本"
        UPLOAD = "upload", "上传文件"

    zone = models.ForeignKey(Zone, verbose_name="开发区", on_delete=models.PROTECT)
    name = models.CharField("文档名称", max_length=200)
    origin = models.CharField("来源", max_length=10, choices=Origin.choices)
    sha256 = models.CharField("内容摘要", max_length=64)
    text = models.TextField("全文")
    published_on = models.DateField("发布日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="读取人", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField("读取时间", auto_now_add=True)

    class Meta:
        verbose_name = "来源文档"
        verbose_name_plural = "来源文档"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "sha256"], name="peers_document_once_per_zone")
        ]

    def __str__(self) -> str:
        return self.name


class PeerZone(models.Model):
    """对标区域: a zone that a zone compares itself with (周边和同类区域). Usually not managed
    in zonedesk; when it is, `linked_zone` points at it."""

    observer = models.ForeignKey(
        Zone, verbose_name="关注方", on_delete=models.PROTECT, related_name="peer_zones"
    )
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Zone.Kind.choices, default="other")
    region = models.CharField("所在地区", max_length=60, blank=True)
    linked_zone = models.ForeignKey(
        Zone,
        verbose_name="本系统中的开发区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "对标区域"
        verbose_name_plural = "对标区域"
        ordering = ["observer_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["observer", "name"], name="peers_peer_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Figure(models.Model):
    """对标数据: one figure of a zone (the observer itself or a peer) for a year or a month,
    saved from a fact in a document; a target (目标值) or an actual value (完成值)."""

    class Kind(models.TextChoices):
        VALUE = "value", "完成值"
        TARGET = "target", "目标值"

    observer = models.ForeignKey(
        Zone, verbose_name="关注方", on_delete=models.PROTECT, related_name="peer_figures"
    )
    peer = models.ForeignKey(
        PeerZone,
        verbose_name="对标区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figures",
    )
    measure = models.CharField("指标", max_length=60)
    kind = models.CharField("数值类型", max_length=10, choices=Kind.choices, default=Kind.VALUE)
    fact_kind = models.CharField("类别", max_length=10)
    value = models.DecimalField("数值", **MONEY)
    unit = models.CharField("单位", max_length=20)
    approx = models.BooleanField("约数", default=False)
    year = models.PositiveSmallIntegerField("年份")
    month = models.PositiveSmallIntegerField("月份", null=True, blank=True)
    document = models.ForeignKey(
        SourceDocument, verbose_name="来源文档", on_delete=models.PROTECT, related_name="figures"
    )
    fact_text = models.CharField("原文片段", max_length=100)
    char_start = models.PositiveIntegerField("原文位置")
    sentence = models.TextField("所在句子")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="保存人", on_delete=models.PROTECT
    )
    saved_at = models.DateTimeField("保存时间", auto_now_add=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = "对标数据"
        verbose_name_plural = "对标数据"
        ordering = ["measure", "-year", "-month", "-id"]
        indexes = [models.Index(fields=["observer", "measure", "year"])]

    def __str__(self) -> str:
        return f"{self.zone_label} {self.measure} {self.period_label}"

    @property
    def zone_label(self) -> str:
        return self.peer.name if self.peer_id else self.observer.label

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年"


class SuggestedChange(models.Model):
    """建议修改: a figure read from a document that may correct a field of a key project or of an
    investment lead (招商项目). Whoever may edit the record accepts it (the record is updated
    through its own module's service, with history and the optimistic lock) or rejects it with a
    reason; nothing is overwritten silently."""

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        ACCEPTED = "accepted", "已采纳"
        REJECTED = "rejected", "未采纳"

    PROJECT_FIELDS = {
        "total_investment": "总投资（万元）",
        "annual_plan_investment": "年度计划投资（万元）",
        "land_area_mu": "用地面积（亩）",
        "floor_area_m2": "建筑面积（㎡）",
    }
    LEAD_FIELDS = {
        "intended_investment": "意向投资额（万元）",
        "land_need_mu": "用地需求（亩）",
    }
    FIELDS = PROJECT_FIELDS | LEAD_FIELDS

    project = models.ForeignKey(
        Project,
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    lead = models.ForeignKey(
        "investment.Lead",
        verbose_name="招商项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    field = models.CharField("字段", max_length=40, choices=list(FIELDS.items()))
    proposed = models.DecimalField("建议值", **PROJECT_FIGURE)
    current_then = models.DecimalField("提出时的值", null=True, blank=True, **PROJECT_FIGURE)
    document = models.ForeignKey(
        SourceDocument,
        verbose_name="来源文档",
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    fact_text = models.CharField("原文片段", max_length=100)
    char_start = models.PositiveIntegerField("原文位置")
    sentence = models.TextField("所在句子")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggested_at = models.DateTimeField("提出时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "建议修改"
        verbose_name_plural = "建议修改"
        ordering = ["-suggested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False, lead__isnull=True)
                | models.Q(project__isnull=True, lead__isnull=False),
                name="peers_suggestion_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target.name}：{self.get_field_display()} → {self.proposed}"

    @property
    def target(self):
        """The record the suggestion is about: the key project or the lead."""
        return self.project if self.project_id else self.lead
