"""Tests for the cell value parsers (zonedesk.lib.values)."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl.utils.datetime import from_excel, to_excel

from zonedesk.lib.values import (
    EXCEL_SERIAL_MAX,
    EXCEL_SERIAL_MIN,
    ValueParseError,
    date_to_excel_serial,
    excel_serial_to_date,
    normalize_text,
    parse_bool,
    parse_date,
    parse_date_with_precision,
    parse_decimal,
    parse_money,
    split_header_unit,
)

FULL_WIDTH = str.maketrans("0123456789.,-%", "０１２３４５６７８９．，－％")
CN_DIGITS = "零一二三四五六七八九"


def error(func, *args, **kwargs) -> str:
    with pytest.raises(ValueParseError) as info:
        func(*args, **kwargs)
    return info.value.message


def chinese_integer(n: int) -> str:
    """Write 0 < n < 10**12 in Chinese numerals ("一亿二千万", "一万零一"), for round trips."""
    assert 0 < n < 10**12

    def section(s: int) -> str:
        out, zero = "", False
        for power, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = s // power % 10
            if digit == 0:
                zero = bool(out)
                continue
            if zero:
                out += "零"
                zero = False
            out += CN_DIGITS[digit] + unit
        return out

    parts = [(n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")]
    out, pending_zero = "", False
    for value, unit in parts:
        if value == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or value < 1000):
            out += "零"
        out += section(value) + unit
        pending_zero = False
    # "一十二" is written "十二" at the start.
    return out[1:] if out.startswith("一十") else out


def test_chinese_integer_helper():
    assert chinese_integer(120_000_000) == "一亿二千万"
    assert chinese_integer(10_001) == "一万零一"
    assert chinese_integer(100_000_001) == "一亿零一"
    assert chinese_integer(12) == "十二"
    assert chinese_integer(3_050) == "三千零五十"


# --- normalize_text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１２３４．５", "1234.5"),
        ("\u3000 ＡＢＣ\xa0", "ABC"),
        ("\u200b12\ufeff", "12"),
        ("（万元）", "(万元)"),
        ("８５％", "85%"),
        ("１２００㎡", "1200m2"),
        ("\u22123", "-3"),
        (None, ""),
        (12, "12"),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


# --- parse_money --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "unit", "expected"),
    [
        ("1.2亿", "万元", "12000"),
        ("1.2亿元", "万元", "12000"),
        ("3,000万元", "万元", "3000"),
        ("12000", "万元", "12000"),
        ("一亿二千万", "万元", "12000"),
        ("500元", "万元", "0.05"),
        ("1,234.5", "万元", "1234.5"),
        ("１，２３４．５", "万元", "1234.5"),
        ("￥1,200", "万元", "1200"),
        ("¥ 5万", "万元", "5"),
        ("RMB 3000万元", "万元", "3000"),
        ("人民币壹佰万元整", "万元", "100"),
        ("3千万", "万元", "3000"),
        ("1万2千", "万元", "1.2"),
        ("5千", "万元", "5000"),  # no 万/亿: the header unit applies
        ("5千元", "万元", "0.5"),
        ("12000", "元", "1.2"),
        ("1.5", "亿元", "15000"),
        ("3000万", "亿元", "3000"),  # the cell's own magnitude wins over the header
        ("1.2亿", "元", "12000"),
        ("850", "千元", "85"),
        ("0", "万元", "0"),
        ("12.34元", "万元", "0.001234"),
        (" 1 234 ", "万元", "1234"),
    ],
)
def test_parse_money_text(cell, unit, expected):
    assert parse_money(cell, unit=unit) == Decimal(expected)


@pytest.mark.parametrize(
    ("cell", "unit", "expected"),
    [
        (12000, "万元", "12000"),
        (1234.5, "万元", "1234.5"),
        (0.1 + 0.2, "万元", "0.3"),  # binary float noise beyond Excel's 15 digits
        (1234.56 * 3, "万元", "3703.68"),
        (Decimal("88.80"), "万元", "88.8"),
        (Decimal("1.2E+4"), "万元", "12000"),
        (500, "元", "0.05"),
        (2.5, "亿元", "25000"),
    ],
)
def test_parse_money_excel_numbers(cell, unit, expected):
    assert parse_money(cell, unit=unit) == Decimal(expected)


def test_parse_money_result_is_plain_decimal():
    # No exponent notation leaks out for whole amounts ("1.2E+4" would confuse exporters).
    assert str(parse_money("1.2亿")) == "12000"
    assert str(parse_money("500元")) == "0.05"


@pytest.mark.parametrize("cell", [None, "", "  ", "\u3000", "-", "--", "—", "——", "/", "－"])
def test_parse_money_empty(cell):
    assert parse_money(cell) is None


def test_parse_money_messages():
    assert error(parse_money, "abc") == "无法识别的金额：“abc”"
    assert error(parse_money, "约1.2亿") == "金额须为确数，不能含“约”：“约1.2亿”"
    assert error(parse_money, "近5000万") == "金额须为确数，不能含“近”：“近5000万”"
    assert error(parse_money, "3000多万") == "金额须为确数，不能含“多”：“3000多万”"
    assert error(parse_money, "1亿元左右") == "金额须为确数，不能含“左右”：“1亿元左右”"
    assert error(parse_money, "1000-2000万") == "金额不能是范围：“1000-2000万”，请填写确数"
    assert error(parse_money, "-500") == "金额不能为负数：“-500”"
    assert error(parse_money, "(500)") == "金额不能为负数：“(500)”"
    assert error(parse_money, -3) == "金额不能为负数：“-3”"
    assert error(parse_money, "100万美元") == "不支持外币金额：“100万美元”，请折算为人民币后填写"
    assert error(parse_money, "0.001元") == (
        "金额精度超出：“0.001元”折合0.0000001万元，最多保留6位小数"
    )
    assert error(parse_money, "12", unit="美元") == (
        "不支持的金额单位：“美元”，应为元、千元、万元、百万元或亿元"
    )


@pytest.mark.parametrize(
    "cell",
    ["大约1亿", "1亿余元", "超1亿", "1亿以上", "不到500万", "几百万", "~500", "≈500", "预计2亿"],
)
def test_parse_money_rejects_approximate_words(cell):
    assert "须为确数" in error(parse_money, cell)


@pytest.mark.parametrize(
    "cell", [True, False, dt.date(2025, 1, 1), float("nan"), float("inf"), "元"]
)
def test_parse_money_rejects_non_amounts(cell):
    assert error(parse_money, cell).startswith("无法识别的金额")


def test_parse_money_header_without_unit_means_wan():
    assert parse_money("12", unit=None) == 12
    assert parse_money("500元", unit=None) == Decimal("0.05")


def test_parse_decimal_double_sign_is_not_positive():
    with pytest.raises(ValueParseError):
        parse_decimal("--5", allow_negative=True)


def test_parse_money_max_places():
    assert parse_money("1.23456789", max_places=None) == Decimal("1.23456789")
    assert "最多保留2位小数" in error(parse_money, "1.234", max_places=2)


amounts = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)


@given(amounts)
def test_money_round_trips_in_every_notation(amount):
    yi = amount.scaleb(-4)
    yuan = amount.scaleb(4)
    notations = {
        f"{amount:f}万元": "万元",
        f"{amount:f}": "万元",
        f"{amount:,f}": "万元",
        f"{amount:,f}万元".translate(FULL_WIDTH): "亿元",
        f"{yi:f}亿": "万元",
        f"{yi:f}亿元": "元",
        f"{yi:f}": "亿元",
        f"{yuan:f}元": "亿元",
        f"{yuan:,f}": "元",
        f"￥{amount:,f}万": "元",
    }
    for cell, unit in notations.items():
        assert parse_money(cell, unit=unit) == amount, cell
    assert parse_money(float(amount)) == amount
    assert parse_money(float(yuan), unit="元") == amount


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_money_in_chinese_numerals(yuan):
    text = chinese_integer(yuan)
    assert parse_money(text + "元") == Decimal(yuan).scaleb(-4)
    # Without 元 the cell is absolute only when it names 万 or 亿; otherwise the header unit.
    expected = Decimal(yuan).scaleb(-4) if yuan >= 10**4 else Decimal(yuan)
    assert parse_money(text) == expected


@given(amounts)
def test_negative_amounts_are_always_refused(amount):
    assume(amount > 0)
    for cell in (f"-{amount:f}", f"-{amount:f}万元", -amount, -float(amount)):
        with pytest.raises(ValueParseError):
            parse_money(cell)


# --- parse_decimal ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "kwargs", "expected"),
    [
        ("85%", {}, "85"),
        ("85", {}, "85"),
        ("８５％", {}, "85"),
        ("百分之八十五", {}, "85"),
        ("12.5", {"unit": "%"}, "12.5"),
        ("12.5%", {"unit": "%"}, "12.5"),
        ("-3.5%", {"allow_negative": True}, "-3.5"),
        ("负3.5", {"allow_negative": True}, "-3.5"),
        ("+3.5%", {}, "3.5"),
        ("50亩", {"unit": "亩"}, "50"),
        ("50", {"unit": "亩"}, "50"),
        ("三十亩", {"unit": "亩"}, "30"),
        ("1200㎡", {"unit": "平方米"}, "1200"),
        ("1200m2", {"unit": "㎡"}, "1200"),
        ("1200平米", {"unit": "平方米"}, "1200"),
        ("1200 M²", {"unit": "平方米"}, "1200"),
        ("1000平方米", {"unit": "亩"}, "1.5"),
        ("10公顷", {"unit": "亩"}, "150"),
        ("2平方公里", {"unit": "亩"}, "3000"),
        ("3亩", {"unit": "平方米"}, "2000"),
        ("1.5万平方米", {"unit": "万平方米"}, "1.5"),
        ("1.5", {"unit": "万平方米"}, "1.5"),
        ("一亿五千万平方米", {"unit": "万平方米"}, "15000"),
        ("15000平方米", {"unit": "万平方米"}, "1.5"),
        ("1.5万平方米", {"unit": "平方米"}, "15000"),
        ("12家", {}, "12"),
        ("12个", {"unit": "家"}, "12"),
        ("1.2万人", {"unit": "人"}, "12000"),
        ("3万人", {"unit": "万人"}, "3"),
        ("12.5万元/亩", {"unit": "万元/亩"}, "12.5"),
        (0.85, {}, "0.85"),
        (120, {"unit": "亩"}, "120"),
        (0.1 + 0.2, {}, "0.3"),
    ],
)
def test_parse_decimal(cell, kwargs, expected):
    assert parse_decimal(cell, **kwargs) == Decimal(expected)


@pytest.mark.parametrize("cell", [None, "", "-", "—", "/"])
def test_parse_decimal_empty(cell):
    assert parse_decimal(cell) is None


def test_parse_decimal_messages():
    assert error(parse_decimal, "85%", allow_percent=False) == "此处不接受百分数：“85%”"
    assert error(parse_decimal, "-3") == "数值不能为负数：“-3”"
    assert error(parse_decimal, "约50亩", unit="亩") == "数值须为确数，不能含“约”：“约50亩”"
    assert error(parse_decimal, "1亩", unit="平方米") == (
        "“1亩”无法精确换算为平方米，请直接按平方米填写"
    )
    assert error(parse_decimal, "12个", unit="亩") == "单位不符：本列单位为亩，“12个”的单位是个"
    assert error(parse_decimal, "50平方米", unit="%") == (
        "单位不符：本列单位为%，“50平方米”的单位是平方米"
    )
    assert error(parse_decimal, "85%", unit="亩") == "单位不符：本列单位为亩，“85%”是百分数"
    assert error(parse_decimal, "50亩") == (
        "本列未注明单位，无法确定“50亩”如何换算，请只填数字或在表头注明单位"
    )
    assert error(parse_decimal, "12吨", unit="亩") == "无法识别的数值：“12吨”"
    assert error(parse_decimal, "1.234", max_places=2) == "数值精度超出：“1.234”，最多保留2位小数"
    assert error(parse_decimal, True) == "无法识别的数值：“True”"


quantities = st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2)


@given(quantities)
def test_area_conversions_are_exact(value):
    assert parse_decimal(f"{value:f}公顷", unit="亩") == value * 15
    assert parse_decimal(f"{value:f}平方米", unit="公顷") == value.scaleb(-4)
    mu = parse_decimal(f"{value:f}平方米", unit="亩")
    assert mu * Decimal(2000) / Decimal(3) == value
    assert parse_decimal(f"{value:f}平方米", unit="万平方米") == value.scaleb(-4)
    assert parse_decimal(f"{value:,f}㎡".translate(FULL_WIDTH), unit="平方米") == value


@given(quantities)
def test_mu_to_square_metres_only_when_exact(value):
    exact = (value * 2000) % 3 == 0
    if exact:
        assert parse_decimal(f"{value:f}亩", unit="平方米") * 3 == value * 2000
    else:
        with pytest.raises(ValueParseError):
            parse_decimal(f"{value:f}亩", unit="平方米")


@given(st.decimals(min_value=-1000, max_value=1000, places=2))
def test_percent_round_trip(pct):
    for cell in (f"{pct:f}%", f"{pct:f}", f"{pct:f}%".translate(FULL_WIDTH)):
        assert parse_decimal(cell, allow_negative=True) == pct
    if pct < 0:
        with pytest.raises(ValueParseError):
            parse_decimal(f"{pct:f}%")


# --- parse_date ---------------------------------------------------------------------------------

D = dt.date(2025, 3, 1)


@pytest.mark.parametrize(
    "cell",
    [
        "2025.3.1",
        "2025/3/1",
        "2025-03-01",
        "2025-3-1",
        "2025.03.01",
        "2025年3月1日",
        "2025年03月01日",
        "2025年3月1号",
        "2025 年 3 月 1 日",
        "２０２５年３月１日",
        "２０２５－０３－０１",
        "20250301",
        "二〇二五年三月一日",
        "二○二五年三月一日",
        "2025-03-01 00:00:00",
        "2025-03-01T08:30",
        "45717",
        45717,
        45717.0,
        45717.75,
        Decimal("45717"),
        20250301,
        D,
        dt.datetime(2025, 3, 1, 14, 30),
    ],
)
def test_parse_date_day(cell):
    assert parse_date_with_precision(cell) == (D, "day")
    assert parse_date(cell) == D


@pytest.mark.parametrize(
    "cell", ["2025年3月", "2025-03", "2025.3", "2025/3", "202503", "二〇二五年三月"]
)
def test_parse_date_month(cell):
    assert parse_date_with_precision(cell) == (D, "month")
    assert parse_date(cell) == D


def test_parse_date_special_months():
    assert parse_date_with_precision("2025年元月") == (dt.date(2025, 1, 1), "month")
    assert parse_date("2025.10") == dt.date(2025, 10, 1)
    assert parse_date("二〇二四年十二月三十一日") == dt.date(2024, 12, 31)
    assert parse_date("2024年2月29日") == dt.date(2024, 2, 29)


@pytest.mark.parametrize("cell", [None, "", " ", "-", "—", "/"])
def test_parse_date_empty(cell):
    assert parse_date(cell) is None
    assert parse_date_with_precision(cell) is None


def test_parse_date_messages():
    assert error(parse_date, "2025年13月") == "日期不合法：2025年13月"
    assert error(parse_date, "2025年2月30日") == "日期不合法：2025年2月没有30日"
    assert error(parse_date, "2023-02-29") == "日期不合法：2023年2月没有29日"
    assert error(parse_date, "2025-00-10") == "日期不合法：2025年0月"
    assert error(parse_date, "2205-03-01") == "日期不合法：年份2205超出1900–2100年"
    assert error(parse_date, "abc") == "无法识别的日期：“abc”，请写作2025-03-01或2025年3月1日"
    assert error(parse_date, 1200) == (
        "数字1200不像日期：Excel日期序号应在32874（1990-01-01）到73415（2100-12-31）之间"
    )
    assert error(parse_date, 2025.1) == (
        "数字2025.1无法确定是几月（Excel会把2025.10存成2025.1），请写作2025年10月或2025-10"
    )


@pytest.mark.parametrize(
    "cell",
    ["25.3.1", "3/1/2025", "1/3/2025", "2025-3/1", "2025年", "2025年3月上旬", True, -5, 100000],
)
def test_parse_date_refuses_ambiguous_or_foreign_notations(cell):
    with pytest.raises(ValueParseError):
        parse_date(cell)


def test_excel_serial_1900_leap_year_bug():
    assert excel_serial_to_date(1) == dt.date(1900, 1, 1)
    assert excel_serial_to_date(59) == dt.date(1900, 2, 28)
    assert excel_serial_to_date(61) == dt.date(1900, 3, 1)
    assert error(excel_serial_to_date, 60) == "Excel日期序号60对应不存在的1900年2月29日"
    assert error(excel_serial_to_date, 0) == "Excel日期序号0无效"
    assert date_to_excel_serial(dt.date(1900, 3, 1)) == 61
    assert date_to_excel_serial(dt.date(1900, 2, 28)) == 59


def test_serial_range_constants():
    assert excel_serial_to_date(EXCEL_SERIAL_MIN) == dt.date(1990, 1, 1)
    assert excel_serial_to_date(EXCEL_SERIAL_MAX) == dt.date(2100, 12, 31)
    assert parse_date(EXCEL_SERIAL_MIN) == dt.date(1990, 1, 1)
    assert parse_date(EXCEL_SERIAL_MAX) == dt.date(2100, 12, 31)
    with pytest.raises(ValueParseError):
        parse_date(EXCEL_SERIAL_MIN - 1)
    with pytest.raises(ValueParseError):
        parse_date(EXCEL_SERIAL_MAX + 1)


def test_date1904_system():
    serial = date_to_excel_serial(D, date1904=True)
    assert serial == 45717 - 1462
    assert parse_date(serial, date1904=True) == D
    assert excel_serial_to_date(0, date1904=True) == dt.date(1904, 1, 1)


@given(st.integers(min_value=1, max_value=2_958_465))
def test_serials_agree_with_openpyxl(serial):
    assume(serial != 60)
    expected = from_excel(serial).date()
    assert excel_serial_to_date(serial) == expected
    assert date_to_excel_serial(expected) == serial


def chinese_date(d: dt.date) -> str:
    year = "".join("〇一二三四五六七八九"[int(c)] for c in str(d.year))
    return f"{year}年{chinese_integer(d.month)}月{chinese_integer(d.day)}日"


DATE_NOTATIONS = {
    "dots": lambda d: f"{d.year}.{d.month}.{d.day}",
    "slashes": lambda d: f"{d.year}/{d.month}/{d.day}",
    "iso": lambda d: d.isoformat(),
    "chinese": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "compact": lambda d: d.strftime("%Y%m%d"),
    "compact int": lambda d: int(d.strftime("%Y%m%d")),
    "full width": lambda d: f"{d.year}年{d.month}月{d.day}日".translate(FULL_WIDTH),
    "gongwen": chinese_date,
    "serial": lambda d: int(to_excel(d)),
    "serial float": lambda d: to_excel(d) + 0.5,
    "serial text": lambda d: str(int(to_excel(d))),
    "datetime text": lambda d: f"{d.isoformat()} 00:00:00",
    "date": lambda d: d,
}
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))


@given(dates, st.sampled_from(sorted(DATE_NOTATIONS)))
def test_dates_round_trip_in_every_notation(day, notation):
    cell = DATE_NOTATIONS[notation](day)
    assert parse_date_with_precision(cell) == (day, "day"), cell


@given(dates)
def test_serial_matches_openpyxl(day):
    assert date_to_excel_serial(day) == to_excel(day)
    assert parse_date(date_to_excel_serial(day)) == day


@given(dates)
def test_month_precision_round_trip(day):
    first = day.replace(day=1)
    for cell in (f"{day.year}年{day.month}月", f"{day.year}-{day.month:02d}", f"{day:%Y%m}"):
        assert parse_date_with_precision(cell) == (first, "month"), cell


@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(29, 40))
def test_impossible_days_name_the_reason(year, month, day):
    assume(day > calendar.monthrange(year, month)[1])
    assert (
        error(parse_date, f"{year}年{month}月{day}日")
        == f"日期不合法：{year}年{month}月没有{day}日"
    )
    assert error(parse_date, f"{year}-{month}-{day}") == f"日期不合法：{year}年{month}月没有{day}日"


@given(st.floats(min_value=0, max_value=10**12, allow_nan=False))
def test_numbers_outside_the_serial_range_are_not_dates(number):
    assume(not EXCEL_SERIAL_MIN <= number < EXCEL_SERIAL_MAX + 1)
    assume(not (number.is_integer() and 19000101 <= number <= 21001231))
    with pytest.raises(ValueParseError):
        parse_date(number)


# --- parse_bool ---------------------------------------------------------------------------------

TRUE_CELLS = ["是", "有", "Y", "y", "Yes", "YES", "true", "TRUE", "1", "√", "✓", "✔", "Ｙ"]
TRUE_CELLS += [1, 1.0, True]
FALSE_CELLS = [
    "否",
    "无",
    "N",
    "n",
    "No",
    "false",
    "False",
    "0",
    "×",
    "✗",
    "✘",
    "✕",
    "没有",
    0,
    0.0,
    False,
]


@pytest.mark.parametrize("cell", TRUE_CELLS)
def test_parse_bool_true(cell):
    assert parse_bool(cell) is True


@pytest.mark.parametrize("cell", FALSE_CELLS)
def test_parse_bool_false(cell):
    assert parse_bool(cell) is False


@pytest.mark.parametrize("cell", [None, "", " ", "-", "—", "/"])
def test_parse_bool_empty(cell):
    assert parse_bool(cell) is None


def test_parse_bool_message():
    assert error(parse_bool, "maybe") == "无法识别的是/否值：“maybe”，请填“是”或“否”"
    for cell in ("x", "2", 2, "是否", "对", "已入库", 0.5):
        with pytest.raises(ValueParseError):
            parse_bool(cell)


ACCEPTED_BOOL_TEXT = {normalize_text(c).casefold() for c in TRUE_CELLS + FALSE_CELLS}


@given(st.text(max_size=6))
def test_parse_bool_refuses_everything_else(text):
    key = "".join(normalize_text(text).split()).casefold()
    assume(key not in ACCEPTED_BOOL_TEXT and key.strip("-—–―/") != "")
    with pytest.raises(ValueParseError):
        parse_bool(text)


# --- split_header_unit --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("总投资(万元)", ("总投资", "万元")),
        ("总投资（亿元）", ("总投资", "亿元")),
        ("用地面积/亩", ("用地面积", "亩")),
        ("总 投 资\n（万元）", ("总投资", "万元")),
        ("总投资 （ 万元 ）", ("总投资", "万元")),
        ("总投资【万元】", ("总投资", "万元")),
        ("总投资(单位：万元)", ("总投资", "万元")),
        ("计划总投资：（亿元）", ("计划总投资", "亿元")),
        ("建筑面积(㎡)", ("建筑面积", "平方米")),
        ("建筑面积（m2）", ("建筑面积", "平方米")),
        ("建筑面积(万平方米)", ("建筑面积", "万平方米")),
        ("完成率（％）", ("完成率", "%")),
        ("亩均税收（万元/亩）", ("亩均税收", "万元/亩")),
        ("亩均税收/万元/亩", ("亩均税收", "万元/亩")),
        ("从业人员(人)", ("从业人员", "人")),
        ("综合能耗(吨标煤)", ("综合能耗", "吨标煤")),
        ("Total investment (万元)", ("Total investment", "万元")),
        ("项目名称", ("项目名称", None)),
        ("项 目 名 称", ("项目名称", None)),
        ("开工时间(计划)", ("开工时间(计划)", None)),
        ("建设单位（全称）", ("建设单位(全称)", None)),
        ("是否入库/纳统", ("是否入库/纳统", None)),
    ],
)
def test_split_header_unit(header, expected):
    assert split_header_unit(header) == expected


def test_header_unit_feeds_the_parsers():
    name, unit = split_header_unit("总投资（亿元）")
    assert parse_money("1.5", unit=unit) == Decimal("15000")
    name, unit = split_header_unit("用地面积(公顷)")
    assert parse_decimal("15亩", unit=unit) == 1
