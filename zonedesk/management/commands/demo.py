"""`manage.py demo`: load the demo zone (阳泉高新区 and the other zones of the seed page)."""

from __future__ import annotations

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from zonedesk.demo import PASSWORD, build_demo
from zonedesk.zones.models import Zone


class Command(BaseCommand):
    help = "载入演示数据：阳泉高新区等开发区、部门、单位、约60个重点项目及各角色演示账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库已有数据时跳过（make run 使用）"
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if Zone.objects.exists():
            if options["if_empty"]:
                self.stdout.write("数据库已有数据，跳过演示数据。")
                self._print_logins()
                return
            raise CommandError("数据库中已有开发区数据；演示数据只能载入空数据库。")
        call_command("load_codes", "--if-present", stdout=self.stdout)
        build_demo(seed=options["seed"])
        self.stdout.write(self.style.SUCCESS("演示数据已载入。"))
        self._print_logins()

    def _print_logins(self):
        self.stdout.write(
            f"演示账号（密码均为 {PASSWORD}）：\n"
            "  admin 系统管理员 · leader 主要领导 · deputy 分管领导 · invest 投资合作促进部\n"
            "  econ 经济发展部 · unit 项目单位（开创集团） · qiye 企业自报（一企一档）\n"
            "  city 上级查看（全部演示开发区） · auditor 审计员\n"
            f"打开 http://127.0.0.1:{os.environ.get('PORT', '8000')}/ 登录。"
        )
