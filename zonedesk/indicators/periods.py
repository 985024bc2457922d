"""Reading a statistical period (统计期) the way the bureau writes it: "2026年1-3月", "1-3月",
"2026年3月", "2026-03", "2026.3", "202603". Django-free."""

from __future__ import annotations

import re

from zonedesk.lib.values import normalize_text

_DASH = "-－—–~～至到"
_RANGE = re.compile(rf"^(?:(?P<y>\d{{4}})年)?1[{_DASH}](?P<m>\d{{1,2}})月(?:份)?(?:累计|止累计)?$")
_MONTH = re.compile(r"^(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?:份)?(?:累计)?$")
_ISO = re.compile(r"^(?P<y>\d{4})[-./年](?P<m>\d{1,2})(?:[-./月]\d{1,2}日?)?月?$")
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$")


class PeriodError(ValueError):
    pass


def parse_period(text: str) -> tuple[int | None, int]:
    """(year or None, month). Raises PeriodError with a Chinese message."""
    shown = str(text or "").strip()
    t = "".join(normalize_text(shown).split())
    for pattern in (_RANGE, _MONTH, _ISO, _COMPACT):
        match = pattern.match(t)
        if match:
            year = int(match.group("y")) if match.group("y") else None
            month = int(match.group("m"))
            if not 1 <= month <= 12:
                raise PeriodError(f"统计期“{shown}”中的月份应在1至12之间。")
            if year is not None and not 2000 <= year <= 2100:
                raise PeriodError(f"统计期“{shown}”中的年份不合理。")
            return year, month
    raise PeriodError(f"无法识别统计期“{shown}”，请写成“2026年1-3月”或“2026-03”。")


def header_period_names(years=range(2020, 2041)) -> tuple[str, ...]:
    """Header texts under which the bureau's sheet gives the cumulative figure ("1-3月",
    "2026年1-3月", "1-3月累计"): the value column's synonyms."""
    names = ["1月"]
    for m in range(2, 13):
        names += [f"1-{m}月", f"1-{m}月累计", f"1-{m}月止累计"]
    for y in years:
        names.append(f"{y}年1月")
        for m in range(2, 13):
            names += [f"{y}年1-{m}月", f"{y}年1-{m}月累计"]
    return tuple(names)
