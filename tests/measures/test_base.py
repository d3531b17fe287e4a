"""Change and responder arithmetic shared by the measures: exact for any totals, never raising."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from ldnderm.measures.base import percent_change, reduction_at_least

HUGE = st.integers(-(10**60), 10**60)
TOTAL = st.one_of(HUGE, st.decimals(allow_nan=False, allow_infinity=False, places=2))


def test_percent_change_rounds_half_even_to_hundredths() -> None:
    assert percent_change(4, 2) == Decimal("-50.00")
    assert percent_change(3, 1) == Decimal("-66.67")
    assert percent_change(Decimal("0.1"), Decimal("0.3")) == Decimal("200.00")
    assert percent_change(0, 5) is None


def test_totals_beyond_any_decimal_context_do_not_raise() -> None:
    # 10^32 % needs 35 digits: a quantize in the default 28-digit context raised here.
    assert percent_change(1, 10**30) == Decimal(10**32 - 100)
    assert reduction_at_least(10**40, 1, 55)


@given(TOTAL, TOTAL)
def test_percent_change_is_the_exact_quotient_rounded(baseline: Decimal, followup: Decimal) -> None:
    result = percent_change(baseline, followup)
    if baseline == 0:
        assert result is None
    else:
        exact = (Fraction(followup) - Fraction(baseline)) * 100 / Fraction(baseline)
        assert result is not None
        assert abs(Fraction(result) - exact) <= Fraction(1, 200)


@given(TOTAL, TOTAL, st.integers(0, 100))
def test_reduction_at_least_is_decided_exactly(
    baseline: Decimal, followup: Decimal, percent: int
) -> None:
    exact = (Fraction(baseline) - Fraction(followup)) * 100 >= percent * Fraction(baseline)
    assert reduction_at_least(baseline, followup, percent) == exact
