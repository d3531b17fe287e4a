"""Clinician wording: doses as "1.5 mg", names instead of ids, dates that cannot be misread, and
the pages that use them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ldnderm.web.core.templatetags.clinical_text import (
    condition_name,
    day,
    measure_name,
    mg,
    protocol_name,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1.50"), "1.5 mg"),
        (3, "3 mg"),
        ("4.50", "4.5 mg"),
        (Decimal("0.25"), "0.25 mg"),
        (None, ""),
        ("n/a", "n/a"),
        (Decimal("NaN"), "NaN"),
    ],
)
def test_doses_read_as_milligrams_without_trailing_zeros(value: object, text: str) -> None:
    assert mg(value) == text


def test_ids_become_names_and_unknown_ids_stay_as_given() -> None:
    assert measure_name("dlqi") == "Dermatology Life Quality Index (DLQI)"
    assert condition_name("psoriasis") == "Psoriasis"
    assert protocol_name("ldn-titration") == "Low-dose naltrexone, titrated"
    assert measure_name("nope") == "nope"


def test_dates_read_day_month_year() -> None:
    assert day(dt.date(2026, 2, 3)) == "3 Feb 2026"
    assert day("2026-12-01") == "1 Dec 2026"
    late = dt.datetime(2026, 2, 3, 23, 30, tzinfo=dt.UTC)
    with timezone.override("Europe/Berlin"):
        assert day(late) == "4 Feb 2026"  # already the next day at the clinic
    assert day("soon") == "soon" and day(None) == ""
