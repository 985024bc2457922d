"""Working days on the official calendar with 调休: property tests and the 2026 Spring Festival."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from zonedesk.enterprises.workdays import Calendar, add_working_days, explain, working_days_between

# Years the calendar package knows (its data ends with the latest State Council notice).
known_days = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2026, 10, 31))
limits = st.integers(min_value=0, max_value=40)


@given(known_days, limits)
@settings(max_examples=200, deadline=None)
def test_the_deadline_is_a_working_day_and_exactly_n_working_days_away(start, days):
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    if days:
        assert end > start
        assert chinese_calendar.is_workday(end)


@given(known_days, limits, limits)
@settings(max_examples=150, deadline=None)
def test_more_days_never_end_earlier_and_limits_add_up(start, a, b):
    first = add_working_days(start, a)
    assert add_working_days(start, a + b) >= first
    assert add_working_days(first, b) == add_working_days(start, a + b)


@given(known_days, limits)
@settings(max_examples=150, deadline=None)
def test_every_day_in_between_is_counted_only_when_it_is_a_working_day(start, days):
    end = add_working_days(start, days)
    day = start + dt.timedelta(days=1)
    counted = 0
    while day <= end:
        counted += chinese_calendar.is_workday(day)
        day += dt.timedelta(days=1)
    assert counted == days


def test_spring_festival_2026_is_skipped_and_the_make_up_saturday_counts():
    # Received Thu 12 Feb 2026: Fri 13 (1), Sat 14 调休上班 (2), 15–23 春节, Tue 24 (3), 25 (4), 26 (5).
    assert add_working_days(dt.date(2026, 2, 12), 5) == dt.date(2026, 2, 26)
    assert add_working_days(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 14)
    lines = explain(dt.date(2026, 2, 12), dt.date(2026, 2, 26))
    assert lines[0] == "2026-02-14（星期六）调休上班，计入"
    assert "2026-02-16 春节，不计" in lines


def test_zero_days_is_the_same_day_and_negative_is_refused():
    assert add_working_days(dt.date(2026, 5, 1), 0) == dt.date(2026, 5, 1)
    try:
        add_working_days(dt.date(2026, 5, 1), -1)
    except ValueError as exc:
        assert "不能为负数" in str(exc)
    else:
        raise AssertionError("negative limit accepted")


def test_a_year_the_package_lacks_falls_back_to_weekdays_and_says_so():
    calendar = Calendar()
    # 2027-01-01 is a Friday: without the 2027 notice it counts as a working day, provisionally.
    assert add_working_days(dt.date(2026, 12, 31), 1, calendar) == dt.date(2027, 1, 1)
    assert calendar.guessed_years == {2027}


def test_entered_adjustments_win_over_the_fallback():
    calendar = Calendar(overrides={dt.date(2027, 1, 1): False, dt.date(2027, 1, 2): True})
    assert add_working_days(dt.date(2026, 12, 31), 1, calendar) == dt.date(2027, 1, 2)
    assert calendar.guessed_years == set()


@given(st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2030, 12, 31)), limits)
@settings(max_examples=100, deadline=None)
def test_the_fallback_counts_mondays_to_fridays(start, days):
    end = add_working_days(start, days, Calendar())
    assert working_days_between(start, end, Calendar()) == days
    if days:
        assert end.weekday() < 5
