"""Cell value parsers (单元格取值解析) for values "as people type them".

Used by the Excel/CSV import pipeline. Every parser takes whatever a spreadsheet reader hands
over (``None``, ``str``, ``int``, ``float``, ``Decimal``, ``bool``, ``date``/``datetime``) and
returns a clean Python value, ``None`` for an empty cell, or raises :class:`ValueParseError`
whose ``.message`` is a Chinese sentence fit to show next to the offending cell.

Decisions worth knowing (see also each function):

- Empty markers: ``""``, whitespace, ``-``, ``--``, ``—``, ``——``, ``–``, ``/`` mean "no value".
- Floats from Excel are converted through ``repr`` and then cut to 15 significant digits, the
  precision Excel itself keeps and displays; this removes binary noise such as
  ``0.30000000000000004`` without touching anything a person could have typed.
- Money is returned in 万元, exact. Approximate words (约, 近, 多, 余, 左右 …), ranges, foreign
  currencies and negative amounts are refused: a ledger value must be an exact RMB figure.
- Nothing is rounded silently; a value finer than the allowed precision is refused instead.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from typing import Literal

from zonedesk.lib.cnnum import parse_number

__all__ = [
    "AREA_UNITS",
    "COUNT_UNITS",
    "EXCEL_SERIAL_MAX",
    "EXCEL_SERIAL_MIN",
    "MONEY_UNITS",
    "SERIAL_RANGE",
    "TEXT_YEAR_RANGE",
    "DatePrecision",
    "ValueParseError",
    "date_to_excel_serial",
    "excel_serial_to_date",
    "normalize_text",
    "parse_bool",
    "parse_date",
    "parse_date_with_precision",
    "parse_decimal",
    "parse_money",
    "split_header_unit",
]


class ValueParseError(ValueError):
    """A cell value that cannot be read (无法解析的单元格值); ``.message`` is in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------
# Text normalisation (文本规范化)
# ---------------------------------------------------------------------------------------------

# Invisible characters that survive copy-paste from web pages and Word (zero-width space,
# joiners, BOM, soft hyphen); NFKC keeps them, so they are dropped explicitly.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Dash-like characters NFKC leaves alone but people mean as a minus/hyphen.
_HYPHENS = str.maketrans({"\u2212": "-", "\u2010": "-", "\u2011": "-"})
_WHITESPACE = re.compile(r"\s+")
# A cell made only of these (after removing spaces) is a deliberate "no value".
_BLANK = re.compile(r"[-—–―/]*")
# Excel reads about 15 significant decimal digits; anything beyond is float noise.
_EXCEL_DIGITS = 15


def normalize_text(value: object) -> str:
    """Normalise a cell to text (文本规范化): NFKC, invisible characters dropped, stripped.

    NFKC folds full-width digits, letters and punctuation to half-width (``１２`` → ``12``,
    ``（`` → ``(``, ``％`` → ``%``, ``￥`` → ``¥``, ``㎡`` → ``m2``) and turns the ideographic
    space U+3000 and no-break space into ordinary spaces, which ``strip`` then removes.
    Meant for values that will be parsed; do not use it on names or free text that is stored
    for display, because it also rewrites ``（）`` to ``()``.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).translate(_HYPHENS)
    return text.strip()


def _compact(text: str) -> str:
    """Remove all whitespace: people type "1 234" or "2025 年 3 月"."""
    return _WHITESPACE.sub("", text)


def _is_blank(compact: str) -> bool:
    return _BLANK.fullmatch(compact) is not None


# ---------------------------------------------------------------------------------------------
# Decimal helpers
# ---------------------------------------------------------------------------------------------


def _shift(value: Decimal, places: int) -> Decimal:
    """Multiply by 10**places exactly (a wide context, so no digits are lost)."""
    with localcontext() as ctx:
        ctx.prec = 100
        return value.scaleb(places)


def _tidy(value: Decimal) -> Decimal:
    """Canonical exact form: no trailing zeros, no exponent notation, no negative zero."""
    with localcontext() as ctx:
        ctx.prec = 100
        if value.is_zero():
            return Decimal(0)
        value = value.normalize()
        if value.as_tuple().exponent > 0:  # 1.2E+4 → 12000
            value = value.quantize(Decimal(1))
        return value


def _decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite values only reach here
    return max(0, -exponent)


def _from_number(value: int | float | Decimal, what: str) -> Decimal:
    """Exact Decimal for a number object from a spreadsheet reader."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueParseError(f"无法识别的{what}：“{value}”")
        number = Decimal(repr(value))
        digits = len(number.as_tuple().digits)
        if digits > _EXCEL_DIGITS:
            # Float noise beyond Excel's 15 digits, e.g. 0.1+0.2 = 0.30000000000000004.
            with localcontext() as ctx:
                ctx.prec = 100
                quantum = Decimal(1).scaleb(number.adjusted() - _EXCEL_DIGITS + 1)
                number = number.quantize(quantum, rounding=ROUND_HALF_EVEN)
        return number
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueParseError(f"无法识别的{what}：“{value}”")
        return value
    return Decimal(value)


def _fraction_to_decimal(value: Fraction) -> Decimal | None:
    """Exact decimal for a fraction, or None when it does not terminate (e.g. 1/3)."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return None
    places = max(twos, fives)
    return Decimal(f"{value.numerator * 10**places // value.denominator}E-{places}")


def _parse_number(text: str, shown: str, what: str) -> Decimal:
    """Delegate to cnnum, translating its errors into a Chinese message naming the cell."""
    try:
        number = parse_number(text)
    except (ValueError, ArithmeticError) as exc:
        raise ValueParseError(f"无法识别的{what}：“{shown}”") from exc
    if not isinstance(number, Decimal) or not number.is_finite():
        raise ValueParseError(f"无法识别的{what}：“{shown}”")
    return number


# Words that make a figure approximate or open-ended. Longest first so the message names
# "大约" rather than "约".
_APPROX_WORDS = (
    "不少于",
    "大约",
    "大概",
    "将近",
    "接近",
    "左右",
    "上下",
    "超过",
    "以上",
    "以下",
    "不足",
    "不到",
    "至少",
    "最多",
    "估计",
    "预计",
    "约",
    "近",
    "多",
    "余",
    "逾",
    "超",
    "几",
    "≈",
    "~",
    "±",
)
_APPROX = re.compile("|".join(re.escape(w) for w in _APPROX_WORDS))
_NUM_CHAR = r"[\d.一二三四五六七八九十百千万亿两零〇壹贰叁肆伍陆柒捌玖拾佰仟萬億]"
_RANGE = re.compile(rf"{_NUM_CHAR}(?:-|~|至|到|—|–){_NUM_CHAR}")


def _reject_inexact(text: str, shown: str, what: str) -> None:
    """Refuse ranges and approximate words: a ledger figure must be a single exact number."""
    if _RANGE.search(text):
        raise ValueParseError(f"{what}不能是范围：“{shown}”，请填写确数")
    match = _APPROX.search(text)
    if match:
        raise ValueParseError(f"{what}须为确数，不能含“{match.group()}”：“{shown}”")


# ---------------------------------------------------------------------------------------------
# Money (金额)
# ---------------------------------------------------------------------------------------------

#: Money units (金额单位) and their power of ten in 元.
MONEY_UNITS: dict[str, int] = {
    "元": 0,
    "千元": 3,
    "万元": 4,
    "百万元": 6,
    "亿元": 8,
    "万": 4,
    "亿": 8,
}
_FOREIGN = re.compile(
    r"美元|美金|欧元|港元|港币|日元|英镑|澳元|韩元|卢布|USD|US\$|EUR|HKD|JPY|GBP|\$|€|£",
    re.IGNORECASE,
)
_CURRENCY_PREFIXES = ("人民币", "RMB", "CNY", "¥")
# A cell containing 万 or 亿 states its own magnitude ("1.2亿", "3千万", "1万2千"), so it is an
# absolute amount in 元 whatever the column header says.
_BIG_MAGNITUDE = re.compile(r"[万亿萬億]")


def _money_unit_exponent(unit: str | None) -> int:
    # A header without a unit means 万元, the unit money is entered in by convention.
    key = "万元" if unit is None else _compact(normalize_text(unit))
    if key not in MONEY_UNITS:
        raise ValueParseError(f"不支持的金额单位：“{unit}”，应为元、千元、万元、百万元或亿元")
    return MONEY_UNITS[key]


def parse_money(
    value: object, *, unit: str | None = "万元", max_places: int | None = 6
) -> Decimal | None:
    """Parse an amount of money (金额) and return it in 万元, exact.

    ``unit`` is the column header's unit (元, 千元, 万元, 百万元, 亿元; ``None`` = 万元, so the
    result of :func:`split_header_unit` can be passed straight in), applied to bare numbers
    and to Excel numbers. A cell that carries its own unit overrides it: a trailing 元
    ("500元", "3,000万元", "1.2亿元") or a 万/亿 magnitude ("1.2亿", "3千万", "一亿二千万")
    makes the cell an absolute amount. 十/百/千 alone do not: "5千" in a 万元 column is
    5000万元. Accepted decorations: ¥/￥/RMB/CNY/人民币, a trailing 整, thousands separators,
    full-width digits, Chinese and 大写 numerals. ``max_places`` (default 6, i.e. one 分)
    refuses finer amounts instead of rounding them; pass ``None`` to allow any precision.
    """
    exponent = _money_unit_exponent(unit)
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, dt.date):
        raise ValueParseError(f"无法识别的金额：“{value}”")
    if isinstance(value, int | float | Decimal):
        number = _from_number(value, "金额")
        shown = f"{number:f}"
    else:
        shown = normalize_text(value)
        text = _compact(shown)
        if _is_blank(text):
            return None
        if _FOREIGN.search(text):
            raise ValueParseError(f"不支持外币金额：“{shown}”，请折算为人民币后填写")
        _reject_inexact(text, shown, "金额")
        text = _strip_currency(text)
        if text.startswith(("-", "负")) or (text.startswith("(") and text.endswith(")")):
            raise ValueParseError(f"金额不能为负数：“{shown}”")
        absolute = False
        if text.endswith(("元", "圆")):
            text = text[:-1]
            absolute = True
        if not text:
            raise ValueParseError(f"无法识别的金额：“{shown}”")
        if _BIG_MAGNITUDE.search(text):
            absolute = True
        number = _parse_number(text, shown, "金额")
        if absolute:
            exponent = 0
    if number < 0:
        raise ValueParseError(f"金额不能为负数：“{shown}”")
    amount = _tidy(_shift(number, exponent - 4))
    if max_places is not None and _decimal_places(amount) > max_places:
        raise ValueParseError(
            f"金额精度超出：“{shown}”折合{amount:f}万元，最多保留{max_places}位小数"
        )
    return amount


def _strip_currency(text: str) -> str:
    """Drop currency markers around the figure: "¥1,200", "人民币壹佰万元整", "1亿元人民币"."""
    if text.endswith("整"):  # 大写 amounts close with 整 ("…万元整")
        text = text[:-1]
    if text.endswith("人民币"):
        text = text[: -len("人民币")]
    changed = True
    while changed:
        changed = False
        for prefix in _CURRENCY_PREFIXES:
            if text.upper().startswith(prefix):
                text = text[len(prefix) :]
                changed = True
    return text


# ---------------------------------------------------------------------------------------------
# Plain numbers: areas, counts, percents (数值：面积、个数、百分数)
# ---------------------------------------------------------------------------------------------

#: Area units (面积单位) in square metres, exact: 1公顷 = 15亩, so 1亩 = 2000/3 ㎡ (≈666.67).
AREA_UNITS: dict[str, Fraction] = {
    "平方米": Fraction(1),
    "亩": Fraction(2000, 3),
    "公顷": Fraction(10000),
    "平方公里": Fraction(1_000_000),
}
# Spellings (after NFKC and lower-casing, so "㎡" and "m²" arrive as "m2") → canonical unit.
_UNIT_SYNONYMS: dict[str, str] = {
    "平方米": "平方米",
    "平米": "平方米",
    "平方": "平方米",
    "m2": "平方米",
    "sqm": "平方米",
    "亩": "亩",
    "公顷": "公顷",
    "ha": "公顷",
    "hm2": "公顷",
    "平方公里": "平方公里",
    "平方千米": "平方公里",
    "km2": "平方公里",
    "%": "%",
}
#: Counting words (量词) that only say "how many" and are interchangeable ("12个" = "12家").
COUNT_UNITS = frozenset("个家人户项件名套台次宗辆座栋")
_MAGNITUDE_PREFIXES = {"万": 4, "亿": 8}


def _canonical_unit(unit: str) -> str:
    """Canonical spelling of a unit: area synonyms folded ("㎡", "m2", "平米" → "平方米")."""
    key = _compact(normalize_text(unit)).lower()
    if key in _UNIT_SYNONYMS:
        return _UNIT_SYNONYMS[key]
    if key[:1] in _MAGNITUDE_PREFIXES and key[1:] in _UNIT_SYNONYMS:
        return key[0] + _UNIT_SYNONYMS[key[1:]]
    return _compact(normalize_text(unit))


def _expected_unit(unit: str | None) -> tuple[str | None, int, str | None]:
    """Split the column unit into (base unit, power of ten, literal suffix to strip).

    "万平方米" becomes ("平方米", 4): the cell's own 万 is then read by parse_number, so
    "一亿五千万平方米" is not mis-split as "一亿五千" × 万平方米.
    """
    if unit is None:
        return None, 0, None
    key = _compact(normalize_text(unit)).lower()
    if not key:
        return None, 0, None
    if key in _UNIT_SYNONYMS:
        return _UNIT_SYNONYMS[key], 0, None
    if key in COUNT_UNITS:
        return key, 0, None
    head, rest = key[:1], key[1:]
    if head in _MAGNITUDE_PREFIXES and (rest in _UNIT_SYNONYMS or rest in COUNT_UNITS):
        return _UNIT_SYNONYMS.get(rest, rest), _MAGNITUDE_PREFIXES[head], None
    # Any other unit ("吨标煤", "万元/亩", "kWh") is only recognised literally.
    return key, 0, key


_CELL_UNITS = sorted(set(_UNIT_SYNONYMS) - {"%"} | COUNT_UNITS, key=len, reverse=True)


def parse_decimal(
    value: object,
    *,
    allow_percent: bool = True,
    unit: str | None = None,
    allow_negative: bool = False,
    max_places: int | None = None,
) -> Decimal | None:
    """Parse a plain quantity (数值): an area, a count or a percentage; exact Decimal.

    Percentages give the number of percent: "85%" → 85, "百分之八十五" → 85, "85" → 85.
    An Excel cell *formatted* as a percentage arrives as 0.85; this function cannot see the
    format, so the caller must scale such cells (or pass their displayed text).

    ``unit`` is the column's unit. A cell may repeat it ("50亩") or use a synonym ("㎡",
    "m2", "平米" for 平方米; "ha" for 公顷; "km2" for 平方公里). A different area unit is
    converted when the result is an exact decimal: 公顷→亩 (×15), 平方米→亩 (×3/2000),
    平方公里→平方米; 亩→平方米 (×2000/3) is refused unless exact, because 1亩 is 666.666…㎡.
    A unit with a 万/亿 prefix ("万平方米", "万亩") works as expected ("3" or "3万平方米" →
    3). Counting words (个/家/人/项 …) are interchangeable and accepted even without
    ``unit``. Negative numbers need ``allow_negative=True`` (growth rates); areas and counts
    are never negative.
    """
    base, scale, literal = _expected_unit(unit)
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, dt.date):
        raise ValueParseError(f"无法识别的数值：“{value}”")
    if isinstance(value, int | float | Decimal):
        number = _from_number(value, "数值")
        shown = f"{number:f}"
    else:
        shown = normalize_text(value)
        text = _compact(shown)
        if _is_blank(text):
            return None
        _reject_inexact(text, shown, "数值")
        number = _parse_quantity_text(text, shown, allow_percent, base, scale, literal)
    if number < 0 and not allow_negative:
        raise ValueParseError(f"数值不能为负数：“{shown}”")
    number = _tidy(number)
    if max_places is not None and _decimal_places(number) > max_places:
        raise ValueParseError(f"数值精度超出：“{shown}”，最多保留{max_places}位小数")
    return number


def _parse_quantity_text(
    text: str, shown: str, allow_percent: bool, base: str | None, scale: int, literal: str | None
) -> Decimal:
    """The text branch of parse_decimal: sign, percent sign, unit suffix, conversion."""
    # The sign is handled here rather than left to parse_number, so "-3.5%", "负3.5%" and
    # "+3.5%" (growth rates) behave the same whatever cnnum accepts.
    negative = text.startswith(("-", "负"))
    if negative or text.startswith("+"):
        text = text[1:]
    number = _parse_unsigned_quantity(text, shown, allow_percent, base, scale, literal)
    if number < 0:  # a second sign ("--5", "-负5") would otherwise flip back to positive
        raise ValueParseError(f"无法识别的数值：“{shown}”")
    return -number if negative else number


def _parse_unsigned_quantity(
    text: str, shown: str, allow_percent: bool, base: str | None, scale: int, literal: str | None
) -> Decimal:
    """Percent sign, unit suffix and conversion of an unsigned quantity."""
    if text.endswith("%") or text.startswith("百分之"):
        if not allow_percent:
            raise ValueParseError(f"此处不接受百分数：“{shown}”")
        if base not in (None, "%"):
            raise ValueParseError(f"单位不符：本列单位为{base}，“{shown}”是百分数")
        body = text[:-1] if text.endswith("%") else text[len("百分之") :]
        return _parse_number(body, shown, "数值")

    lowered = text.lower()
    if literal and lowered.endswith(literal) and len(lowered) > len(literal):
        return _parse_number(text[: -len(literal)], shown, "数值")
    cell_unit = None
    for candidate in _CELL_UNITS:
        if lowered.endswith(candidate) and len(lowered) > len(candidate):
            cell_unit = candidate
            text = text[: -len(candidate)]
            break
    number = _parse_number(text, shown, "数值")
    if cell_unit is None:
        return number  # already in the column's unit
    if cell_unit in COUNT_UNITS:
        if base is None or base in COUNT_UNITS:
            return _shift(number, -scale)
        raise ValueParseError(
            f"单位不符：本列单位为{_unit_label(base, scale)}，“{shown}”的单位是{cell_unit}"
        )
    canonical = _UNIT_SYNONYMS[cell_unit]
    if base is None:
        raise ValueParseError(
            f"本列未注明单位，无法确定“{shown}”如何换算，请只填数字或在表头注明单位"
        )
    if canonical == base:
        return _shift(number, -scale)
    if canonical in AREA_UNITS and base in AREA_UNITS:
        converted = _fraction_to_decimal(
            Fraction(number) * AREA_UNITS[canonical] / AREA_UNITS[base]
        )
        if converted is None:
            raise ValueParseError(
                f"“{shown}”无法精确换算为{_unit_label(base, scale)}，请直接按{_unit_label(base, scale)}填写"
            )
        return _shift(converted, -scale)
    raise ValueParseError(
        f"单位不符：本列单位为{_unit_label(base, scale)}，“{shown}”的单位是{canonical}"
    )


def _unit_label(base: str, scale: int) -> str:
    prefix = {4: "万", 8: "亿"}.get(scale, "")
    return prefix + base


# ---------------------------------------------------------------------------------------------
# Dates (日期)
# ---------------------------------------------------------------------------------------------

DatePrecision = Literal["day", "month"]

# Excel's 1900 date system counts from 1899-12-31 = 0 but, copying Lotus 1-2-3, treats 1900 as
# a leap year: serial 60 is the non-existent 1900-02-29 and every later serial is one day ahead,
# hence the 1899-12-30 epoch from serial 61 on.
_EPOCH_1900 = dt.date(1899, 12, 30)
_EPOCH_1900_EARLY = dt.date(1899, 12, 31)
_EPOCH_1904 = dt.date(1904, 1, 1)
#: Serial numbers accepted as dates (1990-01-01 … 2100-12-31); outside this a number is far more
#: likely an amount or a count than a date.
SERIAL_RANGE = (dt.date(1990, 1, 1), dt.date(2100, 12, 31))
EXCEL_SERIAL_MIN = 32874
EXCEL_SERIAL_MAX = 73415
#: Years accepted in written dates; catches typos such as 2205 or 1025.
TEXT_YEAR_RANGE = (1900, 2100)


def excel_serial_to_date(serial: int, *, date1904: bool = False) -> dt.date:
    """Date for an Excel serial day number (Excel日期序号), 1900 or 1904 date system."""
    try:
        if date1904:
            if serial < 0:
                raise ValueParseError(f"Excel日期序号{serial}无效")
            return _EPOCH_1904 + dt.timedelta(days=serial)
        if serial < 1:
            raise ValueParseError(f"Excel日期序号{serial}无效")
        if serial == 60:
            raise ValueParseError("Excel日期序号60对应不存在的1900年2月29日")
        if serial < 60:
            return _EPOCH_1900_EARLY + dt.timedelta(days=serial)
        return _EPOCH_1900 + dt.timedelta(days=serial)
    except OverflowError as exc:
        raise ValueParseError(f"Excel日期序号{serial}超出范围") from exc


def date_to_excel_serial(value: dt.date, *, date1904: bool = False) -> int:
    """Excel serial day number for a date (inverse of :func:`excel_serial_to_date`)."""
    if date1904:
        return (value - _EPOCH_1904).days
    if value < dt.date(1900, 3, 1):
        return (value - _EPOCH_1900_EARLY).days
    return (value - _EPOCH_1900).days


_TIME_SUFFIX = re.compile(r"(?P<date>.+?)(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
_DATE_CN = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2}|元)月(?:(?P<d>\d{1,2})[日号]?)?")
_DATE_SEP = re.compile(r"(?P<y>\d{4})(?P<sep>[-./])(?P<m>\d{1,2})(?:(?P=sep)(?P<d>\d{1,2}))?")
_DATE_DIGITS = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?")
_DATE_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")
# 公文 style "二〇二五年三月一日"; ○ (U+25CB) and 0 are common stand-ins for 〇.
_DATE_CN_NUMERALS = re.compile(
    r"(?P<y>[〇○零0一二三四五六七八九]{4})年(?P<m>元|[一二三四五六七八九十]{1,2})月"
    r"(?:(?P<d>[一二三四五六七八九十]{1,3})[日号]?)?"
)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "0": 0}
_DATE_HINT = "，请写作2025-03-01或2025年3月1日"


def parse_date(value: object, *, date1904: bool = False) -> dt.date | None:
    """Parse a date (日期); a month-only value ("2025年3月") gives the 1st of the month.

    See :func:`parse_date_with_precision` for the accepted notations.
    """
    parsed = parse_date_with_precision(value, date1904=date1904)
    return None if parsed is None else parsed[0]


def parse_date_with_precision(
    value: object, *, date1904: bool = False
) -> tuple[dt.date, DatePrecision] | None:
    """Parse a date (日期) and say whether the cell gave a day or only a month (精度).

    Accepted: ``date``/``datetime`` objects (time dropped); "2025-03-01", "2025/3/1",
    "2025.3.1" (one separator throughout); "2025年3月1日" / "…1号"; "20250301"; "二〇二五年
    三月一日"; month-only "2025年3月", "2025-03", "2025.3", "202503", "2025年元月"; a trailing
    time ("2025-03-01 00:00:00"); Excel serial numbers between 1990-01-01 and 2100-12-31
    (``date1904`` for workbooks using the 1904 system), also as 5-digit text; 8-digit numbers
    as YYYYMMDD. A number like 2025.1 is refused: Excel stores "2025.10" as 2025.1 too, so the
    month cannot be known. Two-digit years and day-first orders are refused as ambiguous.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    if isinstance(value, bool):
        raise ValueParseError(f"无法识别的日期：“{value}”{_DATE_HINT}")
    if isinstance(value, int | float | Decimal):
        return _date_from_number(_from_number(value, "日期"), date1904)

    shown = normalize_text(value)
    text = shown
    timed = _TIME_SUFFIX.fullmatch(text)
    if timed:
        text = timed.group("date")
    text = _compact(text)
    if _is_blank(text):
        return None
    for pattern in (_DATE_CN, _DATE_SEP, _DATE_DIGITS):
        match = pattern.fullmatch(text)
        if match:
            day = match.group("d")
            month = 1 if match.group("m") == "元" else int(match.group("m"))  # 元月 = January
            return _build_date(int(match.group("y")), month, None if day is None else int(day))
    match = _DATE_CN_NUMERALS.fullmatch(text)
    if match:
        year = int("".join(str(_CN_DIGITS[c]) for c in match.group("y")))
        month = 1 if match.group("m") == "元" else _small_cn_number(match.group("m"), shown)
        day = match.group("d")
        return _build_date(year, month, None if day is None else _small_cn_number(day, shown))
    if _DATE_SERIAL_TEXT.fullmatch(text):
        return _date_from_number(Decimal(text), date1904)
    raise ValueParseError(f"无法识别的日期：“{shown}”{_DATE_HINT}")


def _date_from_number(number: Decimal, date1904: bool) -> tuple[dt.date, DatePrecision]:
    """Excel serial (whole part = day, fraction = time of day) or an 8-digit YYYYMMDD."""
    shown = str(_tidy(number))
    if number == number.to_integral_value() and 19000101 <= number <= 21001231:
        match = _DATE_DIGITS.fullmatch(shown)
        if match:
            return _build_date(int(match["y"]), int(match["m"]), int(match["d"]))
    if number != number.to_integral_value() and 1900 <= number < 2101:
        raise ValueParseError(
            f"数字{shown}无法确定是几月（Excel会把2025.10存成2025.1），请写作2025年10月或2025-10"
        )
    low = date_to_excel_serial(SERIAL_RANGE[0], date1904=date1904)
    high = date_to_excel_serial(SERIAL_RANGE[1], date1904=date1904)
    serial = int(number)  # truncates the time-of-day fraction
    if number < 0 or not low <= serial <= high:
        raise ValueParseError(
            f"数字{shown}不像日期：Excel日期序号应在{low}（{SERIAL_RANGE[0]:%Y-%m-%d}）"
            f"到{high}（{SERIAL_RANGE[1]:%Y-%m-%d}）之间"
        )
    return excel_serial_to_date(serial, date1904=date1904), "day"


def _small_cn_number(text: str, shown: str) -> int:
    """Chinese numeral 1–39 as used for months and days: 三, 十, 十二, 二十, 三十一."""
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")}
    if "十" not in text:
        if len(text) == 1 and text in digits:
            return digits[text]
    else:
        tens, _, units = text.partition("十")
        if len(tens) <= 1 and len(units) <= 1 and all(c in digits for c in tens + units):
            return (digits[tens] if tens else 1) * 10 + (digits[units] if units else 0)
    raise ValueParseError(f"无法识别的日期：“{shown}”{_DATE_HINT}")


def _build_date(year: int, month: int, day: int | None) -> tuple[dt.date, DatePrecision]:
    """Validated date, with a message naming exactly what does not exist."""
    low, high = TEXT_YEAR_RANGE
    if not low <= year <= high:
        raise ValueParseError(f"日期不合法：年份{year}超出{low}–{high}年")
    if not 1 <= month <= 12:
        raise ValueParseError(f"日期不合法：{year}年{month}月")
    if day is None:
        return dt.date(year, month, 1), "month"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueParseError(f"日期不合法：{year}年{month}月没有{day}日")
    return dt.date(year, month, day), "day"


# ---------------------------------------------------------------------------------------------
# Yes/no (是/否)
# ---------------------------------------------------------------------------------------------

_TRUE_WORDS = frozenset({"是", "有", "y", "yes", "true", "1", "√", "✓", "✔"})
_FALSE_WORDS = frozenset({"否", "无", "没有", "n", "no", "false", "0", "×", "✗", "✘", "✕"})


def parse_bool(value: object) -> bool | None:
    """Parse a yes/no cell (是/否): 是/否, 有/无, Y/N, yes/no, true/false, 1/0, √/×, ✓/✗.

    Case-insensitive; empty cells and dash markers give ``None``; anything else is refused
    rather than guessed (e.g. "x" could be a tick or a cross depending on who typed it).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    shown = normalize_text(value)
    key = _compact(shown).casefold()
    if _is_blank(key):
        return None
    if key in _TRUE_WORDS:
        return True
    if key in _FALSE_WORDS:
        return False
    raise ValueParseError(f"无法识别的是/否值：“{shown}”，请填“是”或“否”")


# ---------------------------------------------------------------------------------------------
# Column headers (表头)
# ---------------------------------------------------------------------------------------------

# One unit word, optionally with a magnitude prefix: 万元, 亿元, 百万元, 万平方米, 万千瓦时 …
_UNIT_WORD = (
    r"(?:百万|千万|万|亿|千|百)?"
    r"(?:元|美元|亩|平方米|平米|m2|公顷|ha|hm2|平方公里|平方千米|km2|%|‰|个|家|人次|人|户|项|"
    r"件|名|套|台|次|宗|辆|座|栋|吨标准煤|吨标煤|吨|千瓦时|kwh|度|立方米|m3|米|公里|km|"
    r"年|月|天|日|小时)"
)
_UNIT_TEXT = re.compile(rf"(?:单位:?)?(?P<unit>{_UNIT_WORD}(?:/{_UNIT_WORD})?)", re.IGNORECASE)
_BRACKETED = re.compile(
    r"(?P<name>.*?)[(\[【〔〖]\s*(?P<inner>[^()\[\]【】〔〕〖〗]*?)\s*[)\]】〕〗]"
)
_NON_ASCII_GAP = re.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")


def _clean_header(text: str) -> str:
    """Collapse whitespace; drop it next to CJK characters ("总 投 资" → "总投资")."""
    text = _WHITESPACE.sub(" ", normalize_text(text)).strip()
    return _NON_ASCII_GAP.sub("", text)


def split_header_unit(header: str) -> tuple[str, str | None]:
    """Split a column header (表头) into its name and unit (单位).

    "总投资(万元)" / "总投资（亿元）" / "总投资【万元】" / "用地面积/亩" / "总 投 资\\n（万元）" /
    "总投资(单位：万元)" all work. Only a recognised unit is split off, so "开工时间(计划)"
    stays whole rather than colliding with a "开工时间" column. Area spellings are made
    canonical ("㎡" → "平方米"); other units are returned as written (after NFKC).
    """
    text = _clean_header(header)
    match = _BRACKETED.fullmatch(text)
    if match:
        unit = _match_unit(match.group("inner"))
        if unit is not None:
            return _clean_name(match.group("name")), unit
    # "用地面积/亩": split at the first slash whose remainder is a unit ("亩均税收/万元/亩").
    for index, char in enumerate(text):
        if char == "/" and index > 0:
            unit = _match_unit(text[index + 1 :])
            if unit is not None:
                return _clean_name(text[:index]), unit
    return text, None


def _match_unit(text: str) -> str | None:
    match = _UNIT_TEXT.fullmatch(_compact(text))
    if not match:
        return None
    return "/".join(_canonical_unit(part) for part in match.group("unit").split("/"))


def _clean_name(name: str) -> str:
    # "总投资:(万元)" and "总投资 (万元)" leave a trailing separator or space behind.
    return name.strip().rstrip(":：-_").strip()
