"""Numbers as people write them in Chinese documents (中文数字): Arabic with thousands
separators, full-width digits, Chinese numerals (小写 and 大写) and their mixes such as "1.2亿",
"3千万", "一亿二千万", "1万2千", "二十万", "三点五", "一万二" (colloquial for 12000).

`parse_number` reads one complete numeric string. It knows no units of measure; callers such as
`zonedesk.lib.values` and `zonedesk.lib.facts` strip and apply those.

The scanning helpers (`NUMBER_PATTERN`, `NUMBER_RE`, `to_halfwidth`) let an extractor find numeral
spans in running text without a per-character Python loop.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = [
    "BIG_UNITS",
    "CN_DIGIT_CHARS",
    "CN_NUMERAL_CHARS",
    "DIGITS",
    "NUMBER_PATTERN",
    "NUMBER_RE",
    "SMALL_UNITS",
    "NumberParseError",
    "parse_number",
    "to_halfwidth",
]

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}

CN_DIGIT_CHARS = "".join(DIGITS)
CN_NUMERAL_CHARS = CN_DIGIT_CHARS + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
_ZERO_CHARS = frozenset("零〇○")

# One token of a complete numeric string: an Arabic decimal, a Chinese digit, a small unit
# (十百千), a big unit (万亿), or the Chinese decimal point 点.
_TOKEN = re.compile(rf"(\d+(?:\.\d+)?)|([{CN_DIGIT_CHARS}])|([十拾百佰千仟])|([万萬亿億])|(点)")
# A thousands separator: only between a digit and an exact group of three digits.
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_PLAIN = re.compile(r"\d+(?:\.\d+)?", re.ASCII)
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")

# A numeral span in running text (数字片段): Arabic (with valid thousands groups and decimals)
# and Chinese numerals in any mix, "点" only between Chinese digits. Callers run it on text
# passed through `to_halfwidth` so full-width digits match too.
# Atomic (?>…): a run of digits is one token, never re-split while backtracking; without it a
# long digit run with no unit after it (an ID, a phone number) backtracks exponentially.
_ARABIC = r"(?>\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?)"
NUMBER_PATTERN = (
    rf"(?:{_ARABIC}|[{CN_NUMERAL_CHARS}])"
    rf"(?:{_ARABIC}|[{CN_NUMERAL_CHARS}]|点(?=[{CN_DIGIT_CHARS}])){{0,40}}"  # bounded: see above
)
NUMBER_RE = re.compile(NUMBER_PATTERN)

# Full-width digits and the few symbols around numbers, mapped one character to one character
# so offsets in the translated text are offsets in the original.
_HALFWIDTH = str.maketrans(
    {chr(0xFF10 + i): chr(0x30 + i) for i in range(10)}
    | {"．": ".", "％": "%", "＋": "+", "－": "-", "／": "/"}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
)


class NumberParseError(ValueError):
    """The text is not a number (无法识别的数字); `.message` says why in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Runs of the characters above: translating only those is much faster than str.translate over
# a whole Chinese text, which looks every character up in the table.
_FULLWIDTH_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _HALFWIDTH) + "]+")


class _Bad:
    """Builds the "not a number" error only when it is raised (parsing is on a hot path)."""

    __slots__ = ("shown",)

    def __init__(self, shown: str) -> None:
        self.shown = shown

    def __call__(self) -> NumberParseError:
        return NumberParseError(f"无法识别的数字：“{self.shown}”")


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and %./+- as ASCII (全角转半角), keeping every offset."""
    if _FULLWIDTH_RE.search(text) is None:
        return text
    return _FULLWIDTH_RE.sub(lambda m: m.group(0).translate(_HALFWIDTH), text)


def _normalise(text: str) -> str:
    text = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    return _THOUSANDS.sub("", text)


def _tidy(value: Decimal) -> Decimal:
    """Drop a meaningless fraction ("120000000.0" → 120000000), keep real decimals."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize() if value.as_tuple().exponent < 0 else value


def parse_number(text: str) -> Decimal:
    """The exact value of a complete numeric string (解析数字), e.g. "一亿二千万" → 120000000.

    Accepts an optional sign (-, +, 负), Arabic numbers with thousands separators and decimals,
    full-width digits, Chinese numerals (小写/大写) and mixes ("1.2亿", "3千万", "1万2千"), digit
    runs ("二〇二五"), the decimal point 点 ("三点五"), and the colloquial dropped last unit
    ("一万二" = 12000, "三千五" = 3500, but "一万零二" = 10002). Raises NumberParseError.
    """
    if not isinstance(text, str):
        raise NumberParseError(f"不是数字：{text!r}")
    if _PLAIN.fullmatch(text):
        return _tidy(Decimal(text))  # the common case, without the token machinery
    shown = text.strip()
    body = _normalise(text)
    if not body:
        raise NumberParseError("数字为空")
    bad = _Bad(shown)
    sign = 1
    if body[0] in "-负−":
        sign, body = -1, body[1:]
    elif body[0] == "+":
        body = body[1:]
    if not body:
        raise bad()

    total = Decimal(0)  # finished 亿 groups, already multiplied out
    section = Decimal(0)  # the 万 part of the current 亿 group
    small = Decimal(0)  # the part below 万 of the current group
    current: Decimal | None = None  # a coefficient waiting for its unit
    current_single = False  # current is one digit (for "一万二" = 12000)
    digit_run = False  # current is a run of Chinese digits (二〇二五)
    last_small = 10**5  # small units must fall: 千 before 百 before 十
    wan_used = False  # 万 already closed in this 亿 group
    last_unit = 0  # value of the unit just passed, 0 at the start
    after_zero = False  # a 零 placeholder since the last unit
    fraction: list[str] | None = None  # digits after 点
    seen_unit = False
    pos = 0
    for match in _TOKEN.finditer(body):
        if match.start() != pos:
            raise bad()
        pos = match.end()
        arabic, digit, small_unit, big_unit, point = match.groups()
        if fraction is not None and digit is None and big_unit is None and small_unit is None:
            raise bad()
        if arabic is not None:
            if current is not None or fraction is not None:
                raise bad()
            try:
                current = Decimal(arabic)
            except InvalidOperation as exc:  # pragma: no cover - the regex admits decimals only
                raise bad() from exc
            current_single = len(arabic) == 1
            digit_run = False
        elif digit is not None:
            value = DIGITS[digit]
            if fraction is not None:
                fraction.append(str(value))
            elif current is not None and digit_run and not seen_unit:
                current = current * 10 + value  # 二〇二五 style
                current_single = False
            elif current is not None:
                raise bad()
            elif digit in _ZERO_CHARS and seen_unit:
                after_zero = True  # 一千零五: a placeholder, not a coefficient
            else:
                current, current_single, digit_run = Decimal(value), True, True
        elif point is not None:
            if current is None or not digit_run or fraction is not None:
                raise bad()
            fraction = []
        else:
            if fraction is not None:
                if not fraction:
                    raise bad()
                current = Decimal(f"{int(current)}.{''.join(fraction)}")
                fraction = None
            if small_unit is not None:
                unit = SMALL_UNITS[small_unit]
                if unit >= last_small:
                    raise NumberParseError(f"数位顺序不对：“{shown}”")
                if current is None:
                    # A bare 十/百/千 only opens a number (百万, 十一) or follows a placeholder
                    # or a big unit for 十 (一万零十); "3万千" is not a number.
                    if seen_unit and not (unit == 10 and (after_zero or last_unit >= 10**4)):
                        raise bad()
                    current = Decimal(1)
                small += current * unit
                last_small = unit
            else:
                unit = BIG_UNITS[big_unit]
                group = small + (current if current is not None else 0)
                if unit == 10**8:
                    group += section
                    if group == 0 and current is None:
                        raise bad()
                    total = (total + group) * unit
                    section = Decimal(0)
                    wan_used = False
                else:
                    if group == 0 and current is None:
                        raise bad()
                    if wan_used:
                        raise NumberParseError(f"数位顺序不对：“{shown}”")
                    section = group * unit
                    wan_used = True
                small = Decimal(0)
                last_small = 10**5
            current, current_single, digit_run, after_zero = None, False, False, False
            last_unit, seen_unit = unit, True
    if pos != len(body):
        raise bad()
    if fraction is not None:
        if not fraction:
            raise bad()
        current = Decimal(f"{int(current)}.{''.join(fraction)}")
    if current is not None and current_single and last_unit > 10 and not after_zero:
        current *= last_unit // 10  # 一万二 = 12000, 三千五 = 3500, 1亿5 = 150000000
    result = total + section + small + (current if current is not None else 0)
    return sign * _tidy(result)
