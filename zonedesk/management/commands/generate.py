"""`manage.py generate`: deterministic large data for benchmarks (bulk inserts)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zonedesk.demo import generate


class Command(BaseCommand):
    help = "生成大批量模拟数据（用于性能测试）：N 个开发区，每区 M 个项目及其节点、资金来源。"

    def add_arguments(self, parser):
        parser.add_argument("--zones", type=int, required=True)
        parser.add_argument("--projects-per-zone", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        made = generate(
            zones=options["zones"],
            projects_per_zone=options["projects_per_zone"],
            seed=options["seed"],
        )
        self.stdout.write(f"已生成 {options['zones']} 个开发区、{made} 个项目。")
