"""Freeze the weekly report of every closed reporting period (run hourly from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zonedesk.reports.services import snapshots_freeze_due


class Command(BaseCommand):
    help = "固化已截止期次的调度周报（建议每小时由 cron 运行一次）。"

    def handle(self, *args, **options):
        count = snapshots_freeze_due()
        self.stdout.write(f"已固化{count}期调度周报。")
