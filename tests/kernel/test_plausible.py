"""Input dates lie in the years 1900-2100, at every door (one shared check)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.plausible import FIRST_YEAR, LAST_YEAR, check_year
from ldnderm.kernel.readers import date_value


@pytest.mark.parametrize("day", [date(1900, 1, 1), date(2026, 6, 1), date(2100, 12, 31)])
def test_dates_from_1900_to_2100_pass(day: date) -> None:
    assert check_year(day, "visit_date") == day
    assert date_value(day.isoformat(), "visit_date") == day


@pytest.mark.parametrize("text", ["1899-12-31", "2101-01-01", "1849-05-01", "9999-12-31"])
def test_dates_outside_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        date_value(text, "start")
    assert err.value.field == "start"
    assert err.value.problem == f"year {text[:4]} is out of range"
    assert err.value.allowed == "a date in the years 1900-2100"


def test_a_date_object_is_checked_too() -> None:
    with pytest.raises(InvalidInput):
        date_value(date(1, 1, 1), "as_of")


@given(st.dates())
def test_every_calendar_date_either_passes_or_names_its_year(day: date) -> None:
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        assert check_year(day, "d") == day
    else:
        with pytest.raises(InvalidInput, match=f"year {day.year} "):
            check_year(day, "d")
