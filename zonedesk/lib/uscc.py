"""Unified social credit code (统一社会信用代码, GB 32100-2015): validation and generation.

Layout of the 18 characters (DOMAIN.md §6.1):

- pos 1   登记管理部门代码 (registration authority: 1–9, A, N, Y; 9 = 市场监管)
- pos 2   机构类别代码 (entity category; under 9: 1 企业, 2 个体工商户, 3 农民专业合作社)
- pos 3–8 登记管理机关行政区划码 (GB/T 2260 code of the registering authority, frozen at issue)
- pos 9–17 主体标识码 (GB 11714 organisation code, its own check character at pos 17)
- pos 18  校验码 (mod-31 check character)

The check character is computed by ``stdnum.cn.uscc`` (python-stdnum); this module adds the
Chinese error messages users see, the stricter structural rules of GB 32100 and a generator for
demo data. The GB 11714 inner check is *not* enforced on input, because the standard only makes
it binding for codes issued through the organisation-code system and real-world data contains
codes that fail it; generated codes always pass it.
"""

from __future__ import annotations

import random
import re
import unicodedata

from stdnum.cn import uscc as _stdnum_uscc

__all__ = [
    "ALPHABET",
    "UsccError",
    "generate_uscc",
    "is_valid_uscc",
    "normalize_uscc",
    "organisation_code_check_char",
    "organisation_code_is_valid",
    "uscc_check_char",
    "validate_uscc",
]

#: The 31 characters GB 32100 allows, in check-value order (I, O, S, V, Z are never used).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_EXCLUDED_LETTERS = "IOSVZ"
# Registration authority codes defined by GB 32100 (pos 1).
_AUTHORITY_CODES = "123456789ANY"
# Letters look-alike hints: people type the letter where a digit was meant.
_LOOKALIKE = {"O": "0", "I": "1", "Z": "2", "S": "5"}

# GB 11714 organisation code (pos 9–17): weights over the 8 body characters, mod 11.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}

# Copy-paste artefacts inside a code: ordinary/ideographic/no-break spaces, zero-width
# characters and the hyphen of the old "12345678-9" organisation-code notation.
_SEPARATORS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\-]+")


class UsccError(ValueError):
    """Invalid unified social credit code (统一社会信用代码错误); ``.message`` is in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalize_uscc(value: object) -> str:
    """Normalise a typed code (规范化代码): full-width → half-width, uppercase, no separators.

    ``None`` becomes ``""``. Nothing is validated here.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SEPARATORS.sub("", text).upper()


def uscc_check_char(first17: str) -> str:
    """Return the mod-31 check character (校验码) for the first 17 characters.

    Raises :class:`UsccError` when ``first17`` is not 17 characters from :data:`ALPHABET`,
    because stdnum would otherwise silently compute a check over a shorter string.
    """
    body = normalize_uscc(first17)
    if len(body) != 17:
        raise UsccError(f"计算校验位需要前17位，实际为{len(body)}位")
    _check_characters(body)
    return _stdnum_uscc.calc_check_digit(body)


def validate_uscc(value: object) -> str:
    """Validate a unified social credit code (校验统一社会信用代码); return it normalised.

    Checks, in this order, so the message names the first thing a person should fix:
    length, illegal characters (with position), registration authority / category / region
    structure, then the check character.
    """
    code = normalize_uscc(value)
    if not code:
        raise UsccError("统一社会信用代码为空")
    if len(code) != 18:
        raise UsccError(f"统一社会信用代码应为18位，实际为{len(code)}位")
    _check_characters(code)
    if code[0] not in _AUTHORITY_CODES:
        raise UsccError(f"第1位登记管理部门代码“{code[0]}”不合法，应为1–9、A、N或Y")
    if code[1] == "0" or not code[1].isdigit():
        raise UsccError(f"第2位机构类别代码“{code[1]}”不合法，应为数字1–9")
    for pos in range(2, 8):
        if not code[pos].isdigit():
            raise UsccError(f"第{pos + 1}位“{code[pos]}”不合法：第3–8位是行政区划码，只能是数字")
    expected = _stdnum_uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise UsccError(f"校验位应为{expected}，实际为{code[17]}")
    return code


def is_valid_uscc(value: object) -> bool:
    """Return whether ``value`` is a valid code (是否为有效代码), without a message."""
    try:
        validate_uscc(value)
    except UsccError:
        return False
    return True


def organisation_code_check_char(body8: str) -> str:
    """Return the GB 11714 check character (组织机构代码校验码) for 8 body characters."""
    body = normalize_uscc(body8)
    if len(body) != 8 or any(c not in _ORG_VALUES for c in body):
        raise UsccError("组织机构代码本体应为8位数字或大写字母")
    remainder = sum(_ORG_VALUES[c] * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    return {10: "X", 11: "0"}.get(check, str(check))


def organisation_code_is_valid(code: object) -> bool:
    """Whether pos 9–17 of a USCC pass the GB 11714 inner check (主体标识码校验).

    Accepts a full 18-character USCC or the bare 9-character organisation code.
    """
    text = normalize_uscc(code)
    if len(text) == 18:
        text = text[8:17]
    if len(text) != 9:
        return False
    try:
        return organisation_code_check_char(text[:8]) == text[8]
    except UsccError:
        return False


def generate_uscc(rng: random.Random, *, region: str = "140300", kind: str = "91") -> str:
    """Generate a valid code (生成有效代码) for demo data, deterministic for a seeded ``rng``.

    ``kind`` is pos 1–2 (``"91"`` = 市场监管登记的企业), ``region`` the 6-digit registering
    authority's division code. The organisation-code part passes the GB 11714 inner check;
    about a third use the post-2015 "MA" prefix seen on newly registered firms. Codes are
    random, not unique: callers that need uniqueness must de-duplicate.
    """
    kind = normalize_uscc(kind)
    region = normalize_uscc(region)
    if len(kind) != 2 or kind[0] not in _AUTHORITY_CODES or kind[1] not in "123456789":
        raise UsccError(f"机构类型代码“{kind}”不合法")
    if not re.fullmatch(r"[1-9][0-9]{5}", region):
        raise UsccError(f"行政区划码“{region}”应为6位数字")
    # Body characters come from the USCC alphabet so the code never contains I/O/S/V/Z; the
    # inner check character is a digit or X, both of which USCC allows.
    if rng.random() < 1 / 3:
        body = "MA" + "".join(rng.choice(ALPHABET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    org = body + organisation_code_check_char(body)
    first17 = kind + region + org
    return first17 + uscc_check_char(first17)


def _check_characters(code: str) -> None:
    """Raise naming the first character outside the USCC alphabet and its 1-based position."""
    for pos, char in enumerate(code, start=1):
        if char in ALPHABET:
            continue
        if char in _EXCLUDED_LETTERS:
            hint = f"，是否应为数字{_LOOKALIKE[char]}" if char in _LOOKALIKE else ""
            raise UsccError(
                f"第{pos}位字符“{char}”不合法：统一社会信用代码不使用字母I、O、S、V、Z{hint}"
            )
        raise UsccError(f"第{pos}位字符“{char}”不合法：只能是数字或大写字母")
