"""Load the public code tables (GB/T 2260 regions, GB/T 4754-2017 industries) from CSV files.

The files live outside this repository (../shared/data by default, REFERENCE_DATA_DIR or --dir
to override); see docs/reference-data.md for their provenance.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zonedesk.zones.models import Industry, Region

INDUSTRY_FILE = "industry-gbt4754-2017.csv"
REGION_FILE = "regions-gbt2260-history.csv"


class Command(BaseCommand):
    help = "载入国家标准代码表：行政区划（GB/T 2260）与国民经济行业分类（GB/T 4754-2017）。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="代码表所在目录")
        parser.add_argument("--if-present", action="store_true", help="目录不存在时跳过而不报错")

    def handle(self, *args, **options):
        folder = Path(options["dir"] or settings.REFERENCE_DATA_DIR)
        if not (folder / INDUSTRY_FILE).exists() or not (folder / REGION_FILE).exists():
            if options["if_present"]:
                self.stdout.write(f"未找到代码表目录 {folder}，跳过；代码将只做格式检查。")
                return
            raise CommandError(f"在 {folder} 中找不到 {INDUSTRY_FILE} 或 {REGION_FILE}。")
        industries = load_industries(folder / INDUSTRY_FILE)
        regions = load_regions(folder / REGION_FILE)
        self.stdout.write(f"已载入行业分类 {industries} 条、行政区划 {regions} 条。")


@transaction.atomic
def load_industries(path: Path) -> int:
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            rows.append(
                Industry(
                    code=row["code"],
                    name=row["name"],
                    level=int(row["level"]),
                    parent_code=row["parent_code"] or "",
                    section=row["section"],
                )
            )
    Industry.objects.all().delete()
    Industry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def load_regions(path: Path) -> int:
    rows: dict[str, Region] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["代码"].strip()
            in_use = row["状态"].strip() == "在用"
            # A code may have been retired and later reused: the row in use wins.
            if code in rows and rows[code].in_use and not in_use:
                continue
            rows[code] = Region(
                code=code,
                name=row["名称"].strip(),
                level=row["级别"].strip(),
                province=row["一级行政区"].strip(),
                in_use=in_use,
                valid_from=int(row["启用时间"]) if row["启用时间"].strip() else None,
                valid_to=int(row["变更/弃用时间"]) if row["变更/弃用时间"].strip() else None,
                replaced_by=row["新代码"].strip(),
            )
    Region.objects.all().delete()
    Region.objects.bulk_create(rows.values(), batch_size=1000)
    return len(rows)
