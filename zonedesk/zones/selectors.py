"""Reads over zones, organisations and the code tables."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import Industry, Region

INDUSTRY_FORM = re.compile(r"^\d{4}$")
REGION_FORM = re.compile(r"^\d{6}(\d{6})?$")


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    label: str = ""
    message: str = ""
    form_only: bool = False  # True when the code table is not loaded and only the form was checked


def code_tables_loaded() -> dict[str, bool]:
    return {"industry": Industry.objects.exists(), "region": Region.objects.exists()}


def check_industry_code(code: str) -> CodeCheck:
    """An industry code must be a GB/T 4754-2017 小类 (4 digits); 大类 and 门类 are derived."""
    if not INDUSTRY_FORM.match(code):
        return CodeCheck(False, message="行业代码应为4位数字的国民经济行业分类小类代码，如 3841。")
    if not Industry.objects.exists():
        return CodeCheck(True, form_only=True)
    row = Industry.objects.filter(code=code, level=4).first()
    if row is None:
        return CodeCheck(False, message=f"行业代码 {code} 不是 GB/T 4754-2017 中的小类代码。")
    return CodeCheck(True, label=row.name)


def check_region_code(code: str) -> CodeCheck:
    """The first six digits must be a GB/T 2260 code (a 12-digit 统计用区划代码 extends one)."""
    if not REGION_FORM.match(code):
        return CodeCheck(False, message="行政区划代码应为6位数字（或12位统计用区划代码）。")
    if not Region.objects.exists():
        return CodeCheck(True, form_only=True)
    row = Region.objects.filter(code=code[:6]).first()
    if row is None:
        return CodeCheck(False, message=f"行政区划代码 {code[:6]} 不在 GB/T 2260 代码表中。")
    return CodeCheck(True, label=row.name)


def industry_choices() -> list[tuple[str, str]]:
    return list(
        Industry.objects.filter(level=4).order_by("code").values_list("code", "name").iterator()
    )
