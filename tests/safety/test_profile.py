"""Reading a profile: strict validation naming the field, defaults, derived values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ldnderm.kernel.errors import InvalidInput
from ldnderm.safety import read_profile


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ([], ""),
        ({"colour": "blue"}, "colour"),
        ({"age": "40"}, "age"),
        ({"age": 131}, "age"),
        ({"age": 40, "birth_date": "1986-01-01"}, "age"),
        ({"birth_date": "2030-01-01", "as_of": "2026-01-01"}, "birth_date"),
        ({"as_of": "2026-02-30"}, "as_of"),
        ({"sex": "F"}, "sex"),
        ({"pregnant": "yes"}, "pregnant"),
        ({"hepatic": "cirrhosis"}, "hepatic"),
        ({"renal": 3}, "renal"),
        ({"planned_dose_mg": 0}, "planned_dose_mg"),
        ({"planned_dose_mg": True}, "planned_dose_mg"),
        ({"medications": {}}, "medications"),
        ({"medications": [{}]}, "medications[0]"),
        ({"medications": [{"name": "x", "dose": 3}]}, "medications[0].dose"),
        ({"medications": [{"name": "x"}, {"rxnorm": "12a"}]}, "medications[1].rxnorm"),
        ({"medications": [{"atc": "opioid"}]}, "medications[0].atc"),
        (
            {"medications": [{"name": "x", "start": "2026-02-01", "end": "2026-01-01"}]},
            "medications[0].end",
        ),
        ({"medications": [{"name": "x", "prn": 1}]}, "medications[0].prn"),
        ({"conditions": [{"code": "E03.9", "system": "icd9"}]}, "conditions[0].system"),
        ({"conditions": [""]}, "conditions[0]"),
        ({"allergies": [3]}, "allergies[0]"),
        ({"planned_procedures": [{"description": "x"}]}, "planned_procedures[0].date"),
        ({"labs": {"urine_opioid_screen": "pos"}}, "labs.urine_opioid_screen"),
        ({"labs": {"tsh": 2}}, "labs.tsh"),
    ],
)
def test_invalid_input_names_the_field(doc: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_profile(doc)
    assert caught.value.field == field


def test_defaults_are_the_cautious_unknowns() -> None:
    p = read_profile({})
    assert (p.sex, p.pregnant, p.hepatic, p.renal, p.dose_band) == (
        "unknown",
        None,
        None,
        None,
        "unknown",
    )
    assert p.opioid_use_disorder_history is None
    assert p.stated == frozenset()
    assert isinstance(p.as_of, date)


def test_stated_keys_are_recorded_and_null_reads_as_not_stated() -> None:
    p = read_profile({"medications": [], "hepatic": "normal", "pregnant": None})
    assert p.stated == {"medications", "hepatic"}
    assert "pregnant" in p.unstated() and "medications" not in p.unstated()


def test_age_comes_from_birth_date_on_the_evaluation_date() -> None:
    p = read_profile({"as_of": "2026-03-01", "birth_date": "2008-03-01"})
    assert p.age_years == 18


def test_dose_band_boundary_is_6_mg() -> None:
    assert read_profile({"planned_dose_mg": 6}).dose_band == "low"
    assert read_profile({"planned_dose_mg": 6.25}).dose_band == "standard"
    assert read_profile({"planned_dose_mg": "4.5"}).planned_dose_mg == Decimal("4.5")


def test_atc_codes_are_upper_cased_and_icd_codes_too() -> None:
    p = read_profile(
        {
            "medications": [{"atc": "n02aa05"}],
            "conditions": [{"code": "e03.9", "system": "icd10cm"}],
        }
    )
    assert p.medications[0].atc == "N02AA05" and p.conditions[0].code == "E03.9"
