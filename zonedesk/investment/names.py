"""Company names as the duplicate guard (防撞单) compares them. Django-free.

"鼎恒能源科技（山西）有限公司", "山西鼎恒能源科技有限公司" and "鼎恒能源科技股份有限公司" are the
same investor to a zone's staff: `company_key` reduces each to "鼎恒能源科技" by folding full-width
characters (NFKC), dropping bracketed parts (a region or 普通合伙), a leading province or
municipality name, and the legal-form words at the end (有限责任公司, 股份有限公司, 集团 …).
`similarity` compares two keys with difflib's ratio; `is_close` applies the threshold.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆",
    "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门",
    "台湾",
)  # fmt: skip
# A province name may carry its administrative suffix: 山西省, 广西壮族自治区, 北京市.
PROVINCE_PREFIX = re.compile(
    r"^(?:"
    + "|".join(sorted(PROVINCES, key=len, reverse=True))
    + r")(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?"
)
# Legal-form words, longest first; stripped repeatedly from the end ("集团股份有限公司").
SUFFIXES = (
    "股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "股份公司", "集团公司", "总公司",
    "分公司", "公司", "集团", "股份", "有限",
)  # fmt: skip
BRACKETS = re.compile(r"[(\[【（][^)\]】）]*[)\]】）]")
NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)

DEFAULT_THRESHOLD = 0.85


def company_key(name: str) -> str:
    """The comparable core of a company name; "" for a name that is nothing but legal forms."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name or "").casefold())
    text = BRACKETS.sub("", text)
    text = NOT_WORD.sub("", text)
    previous = None
    while previous != text:
        previous = text
        for suffix in SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                break
        stripped = PROVINCE_PREFIX.sub("", text)
        # Keep a name that is only a province ("山西有限公司" stays "山西").
        if stripped:
            text = stripped
    return text


def similarity(a: str, b: str, *, threshold: float = 0.0) -> float:
    """0…1 between two keys (already normalised). With a threshold, pairs that cannot reach it
    (by length or by the characters they share, difflib's cheap upper bounds) return 0 early."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if threshold and 2 * min(len(a), len(b)) / (len(a) + len(b)) < threshold:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if threshold and matcher.quick_ratio() < threshold:
        return 0.0
    return matcher.ratio()


def is_close(a: str, b: str, threshold: float = DEFAULT_THRESHOLD) -> bool:
    return similarity(a, b, threshold=threshold) >= threshold


def mask_name(name: str) -> str:
    """王建国 → 王**: enough to recognise a contact on a list, not to call them."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 7:
        return phone[:3] + "****" + phone[-4:]
    return "*" * (len(phone) - 2) + phone[-2:]
