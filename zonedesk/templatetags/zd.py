"""Template filters for the way zone staff read figures: 万元 with two decimals, 亿元 for large sums."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def wan(value) -> str:
    """12345.6 → "12,345.60" (万元)."""
    number = _decimal(value)
    return "—" if number is None else f"{number:,.2f}"


@register.filter
def yi(value) -> str:
    """An amount in 万元 shown in 亿元: 142800 → "14.28"."""
    number = _decimal(value)
    return "—" if number is None else f"{number / 10000:,.2f}"


@register.filter
def money(value) -> str:
    """万元 for amounts under 1亿, 亿元 above: 3000 → "3,000.00万元", 142800 → "14.28亿元"."""
    number = _decimal(value)
    if number is None:
        return "—"
    if abs(number) >= 10000:
        return f"{number / 10000:,.2f}亿元"
    return f"{number:,.2f}万元"


@register.filter
def cndate(value) -> str:
    """2026-01-09 → "2026年1月9日"."""
    if not value:
        return "—"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def figure(value) -> str:
    """A figure with thousands separators and at most two decimals, no trailing zeros:
    3125000 → "3,125,000", 8.20 → "8.2", 80000.004 → "80,000"."""
    number = _decimal(value)
    if number is None:
        return "—"
    text = f"{number.quantize(Decimal('0.01')):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
