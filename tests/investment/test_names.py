"""The company-name normaliser behind the duplicate guard (防撞单), and contact masking."""

from __future__ import annotations

import unicodedata

from hypothesis import assume, given
from hypothesis import strategies as st

from zonedesk.investment.names import (
    PROVINCES,
    SUFFIXES,
    company_key,
    is_close,
    mask_name,
    mask_phone,
    similarity,
)

# A core name: CJK characters and latin letters/digits that are not legal-form words.
core = st.text(
    alphabet=st.sampled_from(list("鼎恒能源科技宁德时代华为比亚迪晶科锂电储能abcxyz0123")),
    min_size=2,
    max_size=12,
)
suffix = st.sampled_from(["有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "集团", ""])
province = st.sampled_from([p for p in PROVINCES] + ["山西省", "广西壮族自治区", "北京市", ""])


def plain(text: str) -> bool:
    """No legal-form word at the end and no province at the start, so the core survives."""
    return not any(text.endswith(s) for s in SUFFIXES) and not any(
        text.startswith(p) for p in PROVINCES
    )


def test_it_reduces_the_usual_spellings_of_one_investor_to_one_key():
    names = [
        "鼎恒能源科技（山西）有限公司",
        "山西鼎恒能源科技有限公司",
        "鼎恒能源科技股份有限公司",
        "鼎恒能源科技(山西)有限公司",
        "山西省鼎恒能源科技集团有限公司",
        " 鼎恒能源科技 有限公司 ",
    ]
    assert {company_key(n) for n in names} == {"鼎恒能源科技"}


def test_it_folds_full_width_letters_and_case():
    assert company_key("ＡＢＣ科技有限公司") == company_key("abc科技有限公司") == "abc科技"


def test_a_name_that_is_only_a_province_keeps_it():
    assert company_key("山西有限公司") == "山西"


@given(core, suffix, province)
def test_legal_form_and_province_do_not_change_the_key(name, end, start):
    assume(plain(name))
    assert company_key(start + name + end) == company_key(name)


@given(core)
def test_bracketed_regions_are_ignored(name):
    assume(plain(name))
    assert company_key(f"{name}（中国）有限公司") == company_key(f"{name}(江苏)有限公司")


@given(st.text(max_size=40))
def test_it_is_idempotent_and_never_raises(text):
    key = company_key(text)
    assert company_key(key) == key
    assert not any(ch.isspace() for ch in key)


@given(st.text(max_size=30))
def test_full_width_input_gives_the_same_key_as_its_half_width_form(text):
    assert company_key(unicodedata.normalize("NFKC", text)) == company_key(text)


@given(st.text(max_size=20), st.text(max_size=20))
def test_similarity_is_symmetric_and_bounded(a, b):
    ka, kb = company_key(a), company_key(b)
    assert similarity(ka, kb) == similarity(kb, ka)
    assert 0.0 <= similarity(ka, kb) <= 1.0


def test_close_names_are_close_and_different_ones_are_not():
    assert is_close(
        company_key("宁德时代新能源科技股份有限公司"), company_key("宁德时代新能源有限公司")
    )
    assert not is_close(
        company_key("宁德时代新能源科技股份有限公司"), company_key("比亚迪股份有限公司")
    )
    assert similarity("", "abc") == 0.0


def test_contacts_are_masked_enough_to_recognise_not_to_call():
    assert mask_name("王建国") == "王**"
    assert mask_name("") == ""
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0353-2201234") == "035****1234"
    assert mask_phone("12345") == "***45"


@given(st.text(max_size=20), st.text(max_size=20), st.floats(min_value=0.05, max_value=1.0))
def test_the_thresholds_shortcuts_never_change_a_verdict(a, b, threshold):
    ka, kb = company_key(a), company_key(b)
    full = similarity(ka, kb)
    fast = similarity(ka, kb, threshold=threshold)
    assert (full >= threshold) == (fast >= threshold)
    assert fast in (0.0, full)
