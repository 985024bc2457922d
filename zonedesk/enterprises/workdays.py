"""Working days (工作日) on the official holiday calendar, with 调休 make-up days: Django-free.

A request answered "within 5 working days" counts the days after it was received that are
working days: Mondays to Fridays that are not public holidays, plus the Saturdays and Sundays the
State Council's yearly notice turns into working days (调休上班). The calendar comes from the
`chinesecalendar` package; years it does not know yet (the notice for next year comes out in
November or December) can be given as explicit overrides (`CalendarDay` rows in the database),
and otherwise fall back to "Monday to Friday" — `Calendar.guessed_years` says which years did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar

__all__ = ["Calendar", "add_working_days", "working_days_between"]

ONE_DAY = dt.timedelta(days=1)


@dataclass
class Calendar:
    """Decides whether a date is a working day (是否工作日).

    `overrides` (date → True for a working day, False for a day off) win over the package; a year
    with neither package data nor an override uses the weekday rule and is recorded in
    `guessed_years`, so a page can say the deadline is provisional.
    """

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    guessed_years: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._override_years = {day.year for day in self.overrides}

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self._override_years:
                self.guessed_years.add(day.year)
            return day.weekday() < 5

    def holiday_name(self, day: dt.date) -> str:
        """The holiday a day off belongs to (春节, 国庆节 …), or "" — for explaining a deadline."""
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return ""
        return _HOLIDAY_NAMES.get(name or "", name or "") if on_holiday or name else ""


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def add_working_days(start: dt.date, days: int, calendar: Calendar | None = None) -> dt.date:
    """The date on which a time limit of `days` working days ends (第N个工作日).

    The day of `start` itself is not counted (时限从次日起算); `days` = 0 returns `start`.
    """
    if days < 0:
        raise ValueError("工作日数不能为负数")
    calendar = calendar or Calendar()
    day = start
    left = days
    while left:
        day += ONE_DAY
        if calendar.is_workday(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, calendar: Calendar | None = None) -> int:
    """Working days in (start, end]: how many working days of a time limit have been used.
    Negative when `end` is before `start`."""
    calendar = calendar or Calendar()
    if end < start:
        return -working_days_between(end, start, calendar)
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        count += calendar.is_workday(day)
    return count


def explain(start: dt.date, end: dt.date, calendar: Calendar | None = None) -> list[str]:
    """The days in (start, end] that are not ordinary weekdays, in words: holidays skipped and
    weekend make-up days counted, e.g. ["2026-02-14（星期六）调休上班，计入", "2026-02-16 春节，不计"]."""
    calendar = calendar or Calendar()
    lines: list[str] = []
    day = start
    weekday_names = "一二三四五六日"
    while day < end:
        day += ONE_DAY
        work = calendar.is_workday(day)
        weekend = day.weekday() >= 5
        if work and weekend:
            lines.append(f"{day.isoformat()}（星期{weekday_names[day.weekday()]}）调休上班，计入")
        elif not work and not weekend:
            name = calendar.holiday_name(day) or "节假日"
            lines.append(f"{day.isoformat()} {name}，不计")
    return lines


def from_rows(rows: Iterable[tuple[dt.date, bool]]) -> Calendar:
    return Calendar(overrides=dict(rows))
