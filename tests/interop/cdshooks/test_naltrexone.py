from __future__ import annotations

from typing import Any

import pytest

from ldnderm.interop.cdshooks.naltrexone import daily_dose_mg, find_orders, match_concept
from tests.interop.cdshooks import fixtures as f


def _concept(
    text: str | None = None, code: str | None = None, system: str = f.RXNORM
) -> dict[str, Any]:
    concept: dict[str, Any] = {}
    if text:
        concept["text"] = text
    if code:
        concept["coding"] = [{"system": system, "code": code}]
    return concept


class TestMatchConcept:
    @pytest.mark.parametrize(
        ("concept", "expected"),
        [
            (_concept(code="7243"), "rxnorm:7243"),
            (_concept(code="1483744"), "rxnorm:1483744"),
            (_concept(code="637213"), "rxnorm:637213"),
            (_concept(code="N07BB04", system="http://www.whocc.no/atc"), "atc:N07BB04"),
            (_concept("Naltrexone 4.5 mg capsule"), "name"),
            (_concept("low dose naltrexone"), "name"),
            (_concept("LDN 3 mg at night"), "name"),
        ],
    )
    def test_it_recognises_naltrexone(self, concept: dict[str, Any], expected: str) -> None:
        assert match_concept(concept) == expected

    @pytest.mark.parametrize(
        "concept",
        [
            _concept("methylnaltrexone bromide 12 mg/0.6 mL"),
            _concept("naloxone 0.4 mg/mL injection"),
            _concept("nalmefene 18 mg"),
            _concept("ldn-like placeholder"),  # lower-case abbreviation is not LDN
            _concept(code="7052"),  # morphine
            None,
        ],
    )
    def test_it_does_not_flag_look_alikes(self, concept: dict[str, Any] | None) -> None:
        assert match_concept(concept) is None


class TestFindOrders:
    def test_it_finds_the_selected_naltrexone_order(self) -> None:
        drafts = f.bundle(f.other_order(), f.naltrexone_order())
        orders = find_orders(drafts, ["MedicationRequest/smart-MedicationRequest-103"])
        assert [o.reference for o in orders] == ["MedicationRequest/smart-MedicationRequest-103"]
        assert orders[0].selected and orders[0].daily_dose_mg == 4.5

    def test_it_follows_a_medication_reference_into_contained(self) -> None:
        order = f.naltrexone_order(coded=False)
        order.pop("medicationCodeableConcept")
        order["contained"] = [
            {"resourceType": "Medication", "id": "m", "code": {"text": "Naltrexone"}}
        ]
        order["medicationReference"] = {"reference": "#m"}
        assert len(find_orders(f.bundle(order), None)) == 1

    def test_no_naltrexone_gives_no_order(self) -> None:
        assert find_orders(f.bundle(f.other_order()), None) == []


class TestDailyDose:
    def test_twice_daily_doubles(self) -> None:
        order = f.naltrexone_order(dose_mg=1.5)
        order["dosageInstruction"][0]["timing"]["repeat"]["frequency"] = 2
        assert daily_dose_mg(order) == 3.0

    def test_a_dose_in_tablets_is_unknown(self) -> None:
        order = f.naltrexone_order()
        order["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"] = {
            "value": 1,
            "unit": "tablet",
        }
        assert daily_dose_mg(order) is None

    def test_no_timing_is_unknown(self) -> None:
        order = f.naltrexone_order()
        del order["dosageInstruction"][0]["timing"]
        assert daily_dose_mg(order) is None
