"""The credit-code check on the enterprise register: property tests over generated codes, and the
Chinese message a clerk sees for a wrong one."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.enterprises.conftest import new_code
from zonedesk.enterprises import services
from zonedesk.enterprises.forms import CreditCodeField
from zonedesk.lib.uscc import ALPHABET, generate_uscc, is_valid_uscc, validate_uscc

seeds = st.integers(min_value=0, max_value=2**32)
regions = st.sampled_from(["140300", "140100", "140405", "110108", "440300"])


@given(seeds, regions)
@settings(max_examples=300)
def test_generated_codes_are_valid_and_keep_their_region(seed, region):
    code = generate_uscc(random.Random(seed), region=region)
    assert validate_uscc(code) == code
    assert code[2:8] == region and len(code) == 18


@given(seeds, st.integers(min_value=0, max_value=17), st.data())
@settings(max_examples=300)
def test_changing_any_one_character_is_caught(seed, position, data):
    code = generate_uscc(random.Random(seed))
    replacement = data.draw(st.sampled_from([c for c in ALPHABET if c != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    # mod-31 over distinct weights detects every single substitution.
    assert not is_valid_uscc(changed)


@given(seeds)
@settings(max_examples=100)
def test_swapping_two_adjacent_different_characters_is_caught(seed):
    code = generate_uscc(random.Random(seed))
    for i in range(16):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert not is_valid_uscc(swapped)


@given(seeds)
@settings(max_examples=100)
def test_the_form_field_accepts_what_people_paste(seed):
    code = generate_uscc(random.Random(seed))
    pasted = " " + code[:6].lower() + "\u3000" + code[6:] + " "
    assert CreditCodeField().clean(pasted) == code


def test_registering_a_firm_with_a_wrong_check_character_names_the_expected_one(world):
    code = new_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        services.enterprise_register(
            by=world.econ,
            zone=world.zone,
            data={},
            org_data={"name": "某某公司", "credit_code": wrong},
        )
    message = exc.value.message_dict["credit_code"][0]
    assert message.startswith("统一社会信用代码有误：校验位应为") and code[17] in message


def test_a_code_registered_in_another_zone_is_refused(world, other_firm):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_register(
            by=world.econ, zone=world.zone, data={},
            org_data={"name": "重复公司", "credit_code": other_firm.organisation.credit_code},
        )  # fmt: skip
    assert "屯留经济技术开发区" in exc.value.message_dict["credit_code"][0]
