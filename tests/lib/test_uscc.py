"""Tests for 统一社会信用代码 validation and generation (zonedesk.lib.uscc)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zonedesk.lib.uscc import (
    ALPHABET,
    UsccError,
    generate_uscc,
    is_valid_uscc,
    normalize_uscc,
    organisation_code_check_char,
    organisation_code_is_valid,
    uscc_check_char,
    validate_uscc,
)

# The standard's worked example and two real codes (DOMAIN.md §6.1).
SAMPLES = ["91350100M000100Y43", "91110108551385082Q", "91440300708461136T"]


def reference_check_char(first17: str) -> str:
    """Independent implementation of GB 32100's formula, written from DOMAIN.md §6.1."""
    weights = [pow(3, i, 31) for i in range(17)]
    assert weights == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, weights, strict=True))
    check = 31 - total % 31
    return ALPHABET[0 if check == 31 else check]


def message(code: str) -> str:
    with pytest.raises(UsccError) as info:
        validate_uscc(code)
    return info.value.message


# --- examples -----------------------------------------------------------------------------------


def test_alphabet_excludes_ambiguous_letters():
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


@pytest.mark.parametrize("code", SAMPLES)
def test_known_good_samples_validate(code):
    assert validate_uscc(code) == code
    assert is_valid_uscc(code)
    assert uscc_check_char(code[:17]) == code[17] == reference_check_char(code[:17])


@pytest.mark.parametrize("code", SAMPLES)
def test_known_good_samples_pass_organisation_code_check(code):
    assert organisation_code_is_valid(code)
    assert organisation_code_is_valid(code[8:17])
    assert organisation_code_check_char(code[8:16]) == code[16]


@pytest.mark.parametrize(
    "typed",
    [
        "91350100m000100y43",
        "  91350100M000100Y43\u3000",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "9135 0100 M000 100Y 43",
        "91350100M000100Y4\u200b3",
        "91350100-M000100Y43",
    ],
)
def test_normalisation_of_typed_codes(typed):
    assert normalize_uscc(typed) == "91350100M000100Y43"
    assert validate_uscc(typed) == "91350100M000100Y43"


def test_normalize_none_is_empty():
    assert normalize_uscc(None) == ""


def test_message_wrong_length():
    assert message("91350100M000100Y4") == "统一社会信用代码应为18位，实际为17位"
    assert message("91350100M000100Y433") == "统一社会信用代码应为18位，实际为19位"


def test_message_empty():
    assert message("   ") == "统一社会信用代码为空"
    assert message(None) == "统一社会信用代码为空"


def test_message_bad_check_character():
    assert message("91350100M000100Y44") == "校验位应为3，实际为4"
    assert message("91110108551385082A") == "校验位应为Q，实际为A"


def test_message_names_excluded_letter_and_position():
    assert message("9135010OM000100Y43") == (
        "第8位字符“O”不合法：统一社会信用代码不使用字母I、O、S、V、Z，是否应为数字0"
    )
    assert message("91350100M0001I0Y43") == (
        "第14位字符“I”不合法：统一社会信用代码不使用字母I、O、S、V、Z，是否应为数字1"
    )
    assert message("91350100M000100V43") == (
        "第16位字符“V”不合法：统一社会信用代码不使用字母I、O、S、V、Z"
    )


def test_message_names_other_illegal_character():
    assert message("91350100M000100Y4*") == "第18位字符“*”不合法：只能是数字或大写字母"
    assert message("91350100M00010公Y43") == "第15位字符“公”不合法：只能是数字或大写字母"


def test_structure_rules():
    # Registration authority 0 does not exist; category 0 does not exist; region is digits.
    assert message("01350100M000100Y43") == "第1位登记管理部门代码“0”不合法，应为1–9、A、N或Y"
    assert message("90350100M000100Y43") == "第2位机构类别代码“0”不合法，应为数字1–9"
    assert message("913501A0M000100Y43") == "第7位“A”不合法：第3–8位是行政区划码，只能是数字"


def test_authorities_a_n_y_are_allowed():
    # stdnum only accepts digits in pos 1; GB 32100 also has A (军队), N (农业), Y (其他).
    for authority in "ANY":
        first17 = authority + "1350100M000100Y4"
        code = first17 + reference_check_char(first17)
        assert validate_uscc(code) == code


def test_check_char_rejects_bad_input():
    with pytest.raises(UsccError):
        uscc_check_char("9135010")
    with pytest.raises(UsccError):
        uscc_check_char("9135010OM000100Y4")


def test_organisation_code_rejects_tampering():
    assert not organisation_code_is_valid("91350100M000100Y53")  # pos 17 changed
    assert not organisation_code_is_valid("12345")
    assert organisation_code_check_char("12345678") == reference_org_check("12345678")


def reference_org_check(body: str) -> str:
    values = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
    remainder = sum(values[c] * w for c, w in zip(body, [3, 7, 9, 10, 5, 8, 4, 2], strict=True))
    check = 11 - remainder % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def test_generate_is_deterministic_and_valid():
    first = [generate_uscc(random.Random(7)) for _ in range(3)]
    assert len(set(first)) == 1
    rng = random.Random(20260109)
    codes = [generate_uscc(rng) for _ in range(200)]
    assert codes == [generate_uscc(r) for r in [random.Random(20260109)] for _ in range(200)]
    assert len(set(codes)) == 200
    for code in codes:
        assert validate_uscc(code) == code
        assert code.startswith("91140300")
        assert organisation_code_is_valid(code)
    # Both organisation-code styles appear: all digits and the newer "MA" prefix.
    assert any(code[8:10] == "MA" for code in codes)
    assert any(code[8:16].isdigit() for code in codes)


def test_generate_with_region_and_kind():
    code = generate_uscc(random.Random(1), region="140405", kind="92")
    assert code[:8] == "92140405"
    assert validate_uscc(code) == code


@pytest.mark.parametrize(
    ("region", "kind"), [("14030", "91"), ("1403A0", "91"), ("140300", "0"), ("140300", "9O")]
)
def test_generate_rejects_bad_parameters(region, kind):
    with pytest.raises(UsccError):
        generate_uscc(random.Random(1), region=region, kind=kind)


# --- properties ---------------------------------------------------------------------------------

seeds = st.integers(min_value=0, max_value=2**64)
regions = st.from_regex(r"[1-6][0-9]{5}", fullmatch=True)
kinds = st.sampled_from(["91", "92", "93", "11", "12", "51", "52", "N2", "Y1"])


@given(seeds, regions, kinds)
def test_generated_codes_always_validate(seed, region, kind):
    code = generate_uscc(random.Random(seed), region=region, kind=kind)
    assert validate_uscc(code) == code
    assert code[:8] == kind + region
    assert code[17] == reference_check_char(code[:17])
    assert code[16] == reference_org_check(code[8:16])


@given(seeds, st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_any_single_substitution_is_rejected(seed, position, replacement):
    code = generate_uscc(random.Random(seed))
    if code[position] == replacement:
        replacement = ALPHABET[(ALPHABET.index(replacement) + 1) % len(ALPHABET)]
    tampered = code[:position] + replacement + code[position + 1 :]
    assert tampered != code
    with pytest.raises(UsccError):
        validate_uscc(tampered)


@given(seeds, st.integers(min_value=0, max_value=17), st.characters(exclude_characters=ALPHABET))
def test_substitution_with_foreign_character_is_rejected(seed, position, replacement):
    code = generate_uscc(random.Random(seed))
    tampered = code[:position] + replacement + code[position + 1 :]
    # Lower-case letters are folded back to upper case and spaces are stripped: still invalid,
    # because either the letter differs or the length changes.
    if normalize_uscc(tampered) == code:
        return
    assert not is_valid_uscc(tampered)


@given(seeds, st.integers(min_value=0, max_value=15))
def test_adjacent_transposition_in_body_is_rejected(seed, position):
    code = generate_uscc(random.Random(seed))
    a, b = code[position], code[position + 1]
    if a == b:
        return
    swapped = code[:position] + b + a + code[position + 2 :]
    assert not is_valid_uscc(swapped)


def test_generate_rejects_non_ascii_region_digits():
    # "\d" would accept Arabic-Indic digits; a region code is ASCII 0-9 only.
    with pytest.raises(UsccError):
        generate_uscc(random.Random(1), region="10000\u0660")
