"""`manage.py extract_facts --jsonl PATH [PATH ...]`: numeric facts of .txt, .docx and text PDFs,
one JSON object per line (the Django-free extractor in zonedesk.lib.facts does the work)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from zonedesk.lib.facts import main


class Command(BaseCommand):
    help = "从报告、新闻等文本中抽取带单位的数据事实，每行输出一个 JSON（.txt、.docx、带文字层的 PDF）。"

    def add_arguments(self, parser):
        parser.add_argument("--jsonl", action="store_true", help="每行输出一个事实（JSON Lines）")
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, **options):
        argv = (["--jsonl"] if options["jsonl"] else []) + list(options["paths"])
        # The extractor writes its own line endings; Django's wrappers would add a second one.
        out, err = _Raw(self.stdout), _Raw(self.stderr)
        if main(argv, out=out, err=err):
            raise CommandError("部分文件未能读取，见上方说明。", returncode=1)


class _Raw:
    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()
