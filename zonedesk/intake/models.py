"""The import log (导入记录): one batch per uploaded file, one change row per record it touched."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zonedesk.zones.models import Zone


class ImportBatch(models.Model):
    """导入批次: one uploaded file, from preview to commit (and perhaps undo)."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "待确认"
        COMMITTED = "committed", "已导入"
        UNDONE = "undone", "已撤销"

    kind = models.CharField("表格类型", max_length=30)
    zone = models.ForeignKey(
        Zone, verbose_name="开发区", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    file_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveIntegerField("文件大小（字节）")
    content = models.BinaryField("文件内容", editable=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PREVIEW)
    sheet = models.CharField("工作表", max_length=100, blank=True)
    rows = models.PositiveIntegerField("数据行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("未变化", default=0)
    error_count = models.PositiveIntegerField("问题", default=0)
    problems = models.JSONField("问题清单", default=list, blank=True)
    notes = models.JSONField("说明", default=list, blank=True)
    ignored_columns = models.JSONField("忽略的列", default=list, blank=True)
    # The preview's plan (zlib-compressed JSON, for sheets that store one) and the digest of
    # the zone's data it was made against: an unchanged digest at commit means the plan holds.
    plan = models.BinaryField("预览方案", null=True, blank=True, editable=False)
    fingerprint = models.CharField("数据指纹", max_length=64, blank=True)
    # The plan relied on a deadline not having passed (a unit's report for an open period).
    plan_valid_until = models.DateTimeField("方案有效期至", null=True, blank=True)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["zone", "created_at"], name="intake_batch_zone_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def kind_title(self) -> str:
        from .sheets import get_spec

        spec = get_spec(self.kind)
        return spec.title if spec else self.kind


class ImportChange(models.Model):
    """One record an import created or updated, with what it held before (for undo)."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "更新"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    row = models.PositiveIntegerField("行号")
    model = models.CharField("对象类型", max_length=40)
    object_id = models.PositiveBigIntegerField("对象编号")
    label = models.CharField("对象", max_length=200)
    action = models.CharField("动作", max_length=10, choices=Action.choices)
    # Field → value before the import, as stored (ids for relations, ISO dates, decimal strings).
    before = models.JSONField("导入前", default=dict, blank=True)
    # Field → value the import wrote, to refuse an undo over somebody's later edit.
    after = models.JSONField("导入后", default=dict, blank=True)
    version_after = models.PositiveIntegerField("导入后版本", null=True, blank=True)

    class Meta:
        verbose_name = "导入变更"
        verbose_name_plural = "导入变更"
        ordering = ["batch_id", "id"]
        indexes = [models.Index(fields=["model", "object_id"], name="intake_change_object_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.label}"

    @property
    def changed_fields(self) -> str:
        """The labels of the fields an update changed, e.g. "总投资（万元）、计划竣工"."""
        from django.apps import apps

        model = apps.get_model(self.model)
        names = []
        for name in self.before:
            try:
                names.append(str(model._meta.get_field(name).verbose_name))
            except LookupError:
                names.append(name)
        return "、".join(names)
