"""Compounding arithmetic at its boundaries: whole tablets, rounding, minimum volumes, dates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ldnderm import dosing
from ldnderm.kernel.errors import InvalidInput

DAY = date(2026, 3, 2)


def order(dose: str, days: int, **kw: Any) -> dosing.CompoundingOrder:
    return dosing.compound(Decimal(dose), days, compounded_on=DAY, **kw)


class TestWholeTablets:
    @pytest.mark.parametrize(
        ("dose", "days", "total", "tablets"),
        [
            ("4.5", 30, "135.0", 3),
            ("1.5", 30, "45.0", 1),
            ("5", 20, "100", 2),
            ("5", 21, "105", 3),
            ("0.1", 1, "0.1", 1),
            ("50", 30, "1500", 30),
            ("3", 1, "3", 1),
        ],
    )
    def test_tablets_are_whole_and_rounded_up(
        self, dose: str, days: int, total: str, tablets: int
    ) -> None:
        o = order(dose, days)
        assert (o.total_mg, o.tablets_50mg) == (Decimal(total), tablets)


class TestLiquid:
    def test_default_is_1_mg_per_ml_refrigerated_for_60_days(self) -> None:
        o = order("4.5", 30)
        expected = (Decimal(1), Decimal("135.0"), Decimal(150))
        assert (o.concentration_mg_ml, o.volume_ml, o.batch_volume_ml) == expected
        assert o.beyond_use_date == date(2026, 5, 1) and o.storage == "refrigerated"
        assert "Dispense 135 mL" in o.prescription_text and "4.5 mL (4.5 mg)" in o.prescription_text

    def test_room_temperature_gives_30_days(self) -> None:
        assert order("4.5", 30, storage="room_temperature").beyond_use_date == date(2026, 4, 1)

    def test_volume_rounds_up_to_the_next_0_1_ml(self) -> None:
        o = order("1", 7, concentration_mg_ml=Decimal(3))
        assert o.volume_ml == Decimal("2.4")  # 7 / 3 = 2.333... mL, never short
        assert o.lines[0].dose_volume_ml == Decimal("0.33")

    def test_a_dose_below_the_minimum_volume_warns(self) -> None:
        o = order("0.4", 30)
        assert any("below 0.5 mL" in w for w in o.warnings)
        assert not any("below" in w for w in order("0.5", 30).warnings)

    def test_an_unsourced_concentration_gets_no_beyond_use_date(self) -> None:
        o = order("4.5", 30, concentration_mg_ml=Decimal(5))
        assert o.beyond_use_date is None and any("no stability data" in w for w in o.warnings)

    def test_supply_longer_than_stability_warns(self) -> None:
        assert any("exceeds the 60-day" in w for w in order("4.5", 61).warnings)
        assert not any("exceeds" in w for w in order("4.5", 60).warnings)


class TestCapsules:
    def test_one_capsule_a_day_with_180_day_beyond_use(self) -> None:
        o = order("4.5", 90, form="capsule")
        assert (o.capsules, o.volume_ml, o.beyond_use_date) == (90, None, date(2026, 8, 29))
        assert "microcrystalline cellulose" in o.preparation

    def test_whole_50_mg_doses_point_to_commercial_tablets(self) -> None:
        assert any("commercial 50 mg" in w for w in order("50", 30, form="capsule").warnings)


class TestFromPlan:
    def test_a_plan_supply_follows_its_steps(self) -> None:
        plan = dosing.plan("psoriasis", DAY)
        o = dosing.compound_plan(plan, 60, compounded_on=DAY)
        assert [(ln.dose_mg, ln.days) for ln in o.lines] == [
            (Decimal("1.5"), 14),
            (Decimal("3.0"), 14),
            (Decimal("4.5"), 32),
        ]
        assert (o.total_mg, o.tablets_50mg, o.volume_ml) == (Decimal("207.0"), 5, Decimal("207.0"))
        assert "at bedtime" in o.prescription_text

    def test_a_short_supply_stops_inside_the_first_step(self) -> None:
        o = dosing.compound_plan(dosing.plan("psoriasis", DAY), 10, form="capsule")
        assert [(ln.dose_mg, ln.days) for ln in o.lines] == [(Decimal("1.5"), 10)]


class TestErrors:
    @pytest.mark.parametrize(
        ("doc", "field"),
        [
            ({"days": 30}, "dose_mg"),
            ({"dose_mg": 4.5}, "days"),
            ({"dose_mg": 4.5, "days": 0}, "days"),
            ({"dose_mg": 4.5, "days": 30.5}, "days"),
            ({"dose_mg": 0, "days": 30}, "dose_mg"),
            ({"dose_mg": 4.5, "days": 30, "form": "tablet"}, "form"),
            ({"dose_mg": 4.5, "days": 30, "concentration_mg_ml": 50}, "concentration_mg_ml"),
            (
                {
                    "dose_mg": 4.5,
                    "days": 30,
                    "plan": {"condition": "psoriasis", "start": "2026-03-02"},
                },
                "dose_mg",
            ),
            ({"days": 30, "plan": {"condition": "psoriasis"}}, "start"),
        ],
    )
    def test_compound_from_json_names_the_field(self, doc: dict[str, Any], field: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            dosing.compound_from_json(doc)
        assert caught.value.field == field


class TestClinicianReview:
    def test_a_supply_longer_than_the_beyond_use_period_says_so_in_the_prescription(self) -> None:
        o = order("4.5", 90)
        assert o.beyond_use_date == DAY + timedelta(days=60)
        assert "dispense in parts of at most 60 days' supply" in o.prescription_text
        assert "Discard the first part after" in o.prescription_text
        assert "Dispense in parts" not in order("4.5", 60).prescription_text
        assert "parts" not in order("4.5", 60).prescription_text

    def test_the_batch_volume_is_readable(self) -> None:
        o = order("1", 30, concentration_mg_ml=Decimal(3))
        assert o.batch_volume_ml == Decimal("16.67")
        assert "16.67 mL" in o.preparation

    def test_the_prescription_reads_amount_route_timing_then_duration(self) -> None:
        assert (
            "Take 4.5 mL (4.5 mg) by mouth once daily for 30 days."
            in order("4.5", 30).prescription_text
        )
        assert "for 1 day." in order("4.5", 1, form="capsule").prescription_text

    def test_a_plan_states_its_timing_once(self) -> None:
        plan = dosing.plan("psoriasis", DAY)
        text = dosing.compound_plan(plan, 42, compounded_on=DAY).prescription_text
        assert text.count("bedtime") == 1
        assert "Take by mouth at bedtime (or in the morning, if sleep" in text

    def test_no_sourced_stability_means_no_discard_date_and_says_who_sets_it(self) -> None:
        o = order("4.5", 30, concentration_mg_ml=Decimal(2))
        assert (
            o.beyond_use_date is None and "set by the compounding pharmacy" in o.prescription_text
        )

    def test_a_concentration_for_capsules_is_an_error_naming_the_field(self) -> None:
        with pytest.raises(InvalidInput) as err:
            order("4.5", 30, form="capsule", concentration_mg_ml=Decimal(2))
        assert err.value.field == "concentration_mg_ml"


@pytest.mark.parametrize("day", [date(9999, 12, 31), date(1, 1, 1), date(2101, 1, 1)])
def test_a_compounding_date_outside_1900_2100_is_refused_naming_it(day: date) -> None:
    with pytest.raises(InvalidInput) as err:
        dosing.compound(Decimal("4.5"), 30, compounded_on=day)
    assert err.value.field == "compounded_on"
