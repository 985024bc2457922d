"""Tests for the number parser (中文数字解析): examples, errors and round-trip properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zonedesk.lib.cnnum import NUMBER_RE, NumberParseError, parse_number, to_halfwidth

SMALL = "零一二三四五六七八九"
CAPITAL = "零壹贰叁肆伍陆柒捌玖"


def chinese(n: int, *, capital: bool = False, two: bool = False) -> str:
    """Write 0 <= n < 10**16 in Chinese numerals, e.g. 120000000 → "一亿二千万"."""
    digits = CAPITAL if capital else SMALL
    units = ("", "拾", "佰", "仟") if capital else ("", "十", "百", "千")
    if n == 0:
        return digits[0]

    def below_wan(k: int) -> str:
        out = []
        zero = False
        for power in (3, 2, 1, 0):
            d = (k // 10**power) % 10
            if d == 0:
                zero = bool(out)
                continue
            if zero:
                out.append(digits[0])
                zero = False
            word = "两" if two and d == 2 and power >= 2 else digits[d]
            out.append(word + units[power])
        return "".join(out)

    groups = []
    for big in ("亿", "万", ""):
        size = {"亿": 10**8, "万": 10**4, "": 1}[big]
        groups.append(((n // size) % (10**4 if big != "亿" else 10**8), big))
    out = ""
    pending_zero = False
    for k, big in groups:
        if k == 0:
            pending_zero = bool(out)
            continue
        text = chinese(k, capital=capital, two=two) if k >= 10**4 else below_wan(k)
        if out and (pending_zero or k < 1000):
            out += digits[0]
        out += text + big
        pending_zero = False
    if out.startswith("一十") and not capital:
        out = out[1:]  # 十一, not 一十一
    return out


def grouped(n: int, sep: str = ",") -> str:
    return f"{n:,}".replace(",", sep)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("3200", 3200),
        ("3,200", 3200),
        ("3，200", 3200),
        ("1,234,567.5", Decimal("1234567.5")),
        ("１２３", 123),
        ("１，２００", 1200),
        ("１２．５", Decimal("12.5")),
        ("1.2亿", 120_000_000),
        ("3千万", 30_000_000),
        ("一亿二千万", 120_000_000),
        ("1万2千", 12_000),
        ("二十万", 200_000),
        ("十一", 11),
        ("十", 10),
        ("两千", 2000),
        ("一千零五", 1005),
        ("一千零五十", 1050),
        ("一万零二", 10_002),
        ("一万二", 12_000),
        ("三千五", 3500),
        ("壹仟贰佰叁拾肆", 1234),
        ("伍亿", 500_000_000),
        ("三点五", Decimal("3.5")),
        ("三点五万", 35_000),
        ("二〇二五", 2025),
        ("1.2万亿", 1_200_000_000_000),
        ("5亿3千万", 530_000_000),
        ("百万", 1_000_000),
        ("-3.5", Decimal("-3.5")),
        ("负5", -5),
        ("+7", 7),
        (" 42 ", 42),
    ],
)
def test_examples(text: str, expected: int | Decimal) -> None:
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "万", "3万千", "1.2.3", "3,20", "一千二三", "二万三万", "点五", "-", "5%"],
)
def test_garbage_raises_chinese_message(text: str) -> None:
    with pytest.raises(NumberParseError) as info:
        parse_number(text)
    assert info.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)
    assert isinstance(info.value, ValueError)


def test_not_a_string() -> None:
    with pytest.raises(NumberParseError):
        parse_number(5)  # type: ignore[arg-type]


def test_result_is_tidy() -> None:
    assert str(parse_number("1.2亿")) == "120000000"
    assert str(parse_number("12.50")) == "12.5"


def test_number_re_finds_spans() -> None:
    text = to_halfwidth("总投资１２亿元，新签约3,200万元，三千五百家。")
    assert [m.group(0) for m in NUMBER_RE.finditer(text)] == ["12亿", "3,200万", "三千五百"]


def test_halfwidth_keeps_length() -> None:
    text = "１２．５％，ＡＢ"
    assert to_halfwidth(text) == "12.5%，AB"
    assert len(to_halfwidth(text)) == len(text)


# --- round trips: formatting a value in any supported notation and parsing it gives it back

integers = st.integers(min_value=0, max_value=10**15)


@given(integers)
def test_arabic_round_trip(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(grouped(n)) == n
    assert parse_number(grouped(n, "，")) == n
    assert parse_number(fullwidth(str(n))) == n
    assert parse_number(fullwidth(grouped(n))) == n


@given(integers, st.booleans(), st.booleans())
def test_chinese_round_trip(n: int, capital: bool, two: bool) -> None:
    assert parse_number(chinese(n, capital=capital, two=two)) == n


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["万", "亿"]))
def test_arabic_with_magnitude(n: int, magnitude: str) -> None:
    scale = 10**4 if magnitude == "万" else 10**8
    assert parse_number(f"{n}{magnitude}") == n * scale
    tenths = Decimal(n) / 10
    assert parse_number(f"{tenths}{magnitude}") == tenths * scale


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=9999))
def test_mixed_wan(high: int, low: int) -> None:
    # "12万3456", "12万零45" and "1.2万" style mixes of Arabic digits and Chinese units.
    value = high * 10**4 + low
    text = f"{high}万{low}" if low >= 1000 else f"{high}万零{low}"
    assert parse_number(text) == value
    assert parse_number(f"{chinese(high)}万{low}" if low >= 1000 else text) == value


@given(st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False))
def test_decimals_round_trip(value: Decimal) -> None:
    assert parse_number(str(value)) == value
    assert parse_number(fullwidth(f"{value:f}")) == value


@given(integers, st.sampled_from(["-", "负"]))
def test_sign(n: int, sign: str) -> None:
    assert parse_number(sign + str(n)) == -n
