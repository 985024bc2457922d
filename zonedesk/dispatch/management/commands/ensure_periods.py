"""Create each zone's current reporting period and re-evaluate warnings that a period closing or a
day passing may have changed. Run it from cron or a systemd timer, e.g. hourly:

    15 * * * *  cd /srv/zonedesk && .venv/bin/python manage.py ensure_periods
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zonedesk.dispatch import services
from zonedesk.zones.models import Zone


class Command(BaseCommand):
    help = "创建各开发区当前填报期次，并按期次截止和日期推移复核项目预警。"

    def handle(self, *args, **options):
        for zone in Zone.objects.filter(parent__isnull=True).order_by("id"):
            period = services.periods_ensure(zone=zone)
            refreshed = services.warnings_refresh(zone=zone)
            self.stdout.write(f"{zone.label}：当前期次 {period.label}，复核预警 {refreshed} 个项目")
