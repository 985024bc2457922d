"""Remind departments of 督办 items and blockers due soon or overdue: in the app, by e-mail and,
where a zone configured one, through its 企业微信/钉钉 group robot. At most once a day per item,
so it is safe to run more often. Run it daily from cron or a systemd timer, e.g.:

    30 8 * * 1-5  cd /srv/zonedesk && .venv/bin/python manage.py send_deadline_reminders
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zonedesk.dispatch import services
from zonedesk.zones.models import Zone


class Command(BaseCommand):
    help = "发送督办事项和要素保障问题的到期提醒（站内、邮件、群机器人）。"

    def handle(self, *args, **options):
        for zone in Zone.objects.filter(parent__isnull=True).order_by("id"):
            sent = services.deadline_reminders_send(zone=zone)
            failed = sum(1 for r in sent if r.webhook_status == "failed")
            note = f"，群机器人推送失败：{sent[0].webhook_error}" if failed else ""
            self.stdout.write(f"{zone.label}：到期提醒 {len(sent)} 条{note}")
