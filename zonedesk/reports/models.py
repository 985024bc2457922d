"""调度周报: the frozen weekly dispatch report of a closed reporting period.

A report of a past period must read the same when it is generated again months later, although
projects move on (stages change, reports are returned and re-filed, warnings are recomputed).
So when a period has closed, its report is computed once and kept here as the plain data the
renderers (page, .docx, .xlsx, JSON) consume; later requests read the snapshot, never the live
tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zonedesk.dispatch.models import ReportingPeriod
from zonedesk.zones.models import Zone


class ReportSnapshot(models.Model):
    """周报快照: the weekly report of one closed period, as it was when the period closed."""

    zone = models.ForeignKey(
        Zone, verbose_name="开发区", on_delete=models.CASCADE, related_name="report_snapshots"
    )
    period = models.OneToOneField(
        ReportingPeriod,
        verbose_name="期次",
        on_delete=models.PROTECT,
        related_name="report_snapshot",
    )
    data = models.JSONField("周报数据")
    format_version = models.PositiveSmallIntegerField("数据格式版本", default=1)
    frozen_at = models.DateTimeField("固化时间")
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="固化人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    trigger = models.CharField("固化方式", max_length=60, blank=True)

    class Meta:
        verbose_name = "周报快照"
        verbose_name_plural = "周报快照"
        ordering = ["zone_id", "-period__start"]

    def __str__(self) -> str:
        return f"{self.zone} {self.period}"
