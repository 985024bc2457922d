"""The figure filters staff read numbers through."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zonedesk.templatetags.zd import figure, money, wan


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("3125000"), "3,125,000"),
        (Decimal("8.20"), "8.2"),
        (80000.004, "80,000"),
        (Decimal("0.5"), "0.5"),
        (Decimal("-1234.56"), "-1,234.56"),
        (None, "—"),
        ("abc", "—"),
    ],
)
def test_figure(value, shown):
    assert figure(value) == shown


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_figure_reads_back_as_the_number(number):
    assert Decimal(figure(number).replace(",", "")) == number


def test_money_switches_to_yi_above_ten_thousand_wan():
    assert money(Decimal("3000")) == "3,000.00万元"
    assert money(Decimal("142800")) == "14.28亿元"
    assert wan(Decimal("12345.6")) == "12,345.60"
