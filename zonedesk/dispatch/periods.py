"""Reporting-period arithmetic (填报期次), Django-free: which week, 旬 or month a day belongs to,
how a period is named and when it closes.

- weekly (周报): seven days ending on the zone's deadline weekday, closing that day at the
  deadline hour (a Friday deadline gives Saturday–Friday, due Friday 17:00);
- 旬 (旬报): the 1st–10th, 11th–20th and 21st–last day of a month;
- monthly (月报): a calendar month.
旬 and monthly periods close `days_after` days after their last day, at the deadline hour.
"""

from __future__ import annotations

import calendar
import datetime as dt

WEEKLY = "weekly"
DEKAD = "dekad"
MONTHLY = "monthly"
KINDS = (WEEKLY, DEKAD, MONTHLY)


def period_bounds(kind: str, day: dt.date, *, week_end_weekday: int = 4) -> tuple[dt.date, dt.date]:
    """The first and last day of the period of `kind` that contains `day`."""
    if kind == WEEKLY:
        end = day + dt.timedelta(days=(week_end_weekday - day.weekday()) % 7)
        return end - dt.timedelta(days=6), end
    last = calendar.monthrange(day.year, day.month)[1]
    if kind == DEKAD:
        if day.day <= 10:
            return day.replace(day=1), day.replace(day=10)
        if day.day <= 20:
            return day.replace(day=11), day.replace(day=20)
        return day.replace(day=21), day.replace(day=last)
    if kind == MONTHLY:
        return day.replace(day=1), day.replace(day=last)
    raise ValueError(f"unknown period kind {kind}")


def deadline_date(kind: str, end: dt.date, *, days_after: int = 0) -> dt.date:
    """The day a period closes: a week on its last day, a 旬 or month `days_after` days later."""
    return end if kind == WEEKLY else end + dt.timedelta(days=days_after)


def period_label(kind: str, start: dt.date, end: dt.date) -> str:
    """2026年第47周（11月14日—11月20日）, 2026年11月下旬, 2026年11月; a period clipped by a change
    of rhythm is named by its dates."""
    if kind == WEEKLY and (end - start).days == 6:
        year, week, _ = end.isocalendar()
        return f"{year}年第{week}周（{start.month}月{start.day}日—{end.month}月{end.day}日）"
    if (start, end) == period_bounds(kind, start) and kind == DEKAD:
        part = {1: "上旬", 11: "中旬"}[start.day] if start.day in (1, 11) else "下旬"
        return f"{start.year}年{start.month}月{part}"
    if (start, end) == period_bounds(kind, start) and kind == MONTHLY:
        return f"{start.year}年{start.month}月"
    return f"{start.year}年{start.month}月{start.day}日—{end.month}月{end.day}日"
