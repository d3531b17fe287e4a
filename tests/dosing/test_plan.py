"""Titration plans: dated steps, targets, visits and the errors that name the field."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldnderm import dosing
from ldnderm.kernel.errors import InvalidInput, NotFound

START = date(2026, 3, 2)


def doses(plan: dosing.Plan) -> list[Decimal]:
    return [s.dose_mg for s in plan.steps]


class TestSteps:
    def test_ldn_rises_by_1_5_mg_every_14_days_to_4_5_mg(self) -> None:
        plan = dosing.plan("hailey-hailey-disease", START)
        assert doses(plan) == [Decimal("1.5"), Decimal("3.0"), Decimal("4.5")]
        assert [(s.start, s.end) for s in plan.steps] == [
            (START, date(2026, 3, 15)),
            (date(2026, 3, 16), date(2026, 3, 29)),
            (date(2026, 3, 30), None),
        ]
        assert (
            plan.timing == "bedtime"
            and plan.alternative_timing
            and "morning" in plan.alternative_timing
        )

    def test_lichen_planopilaris_targets_3_mg_from_the_literature(self) -> None:
        plan = dosing.plan("lichen-planopilaris", START)
        assert doses(plan) == [Decimal("1.5"), Decimal("3.0")] and plan.target_mg == 3

    def test_pruritus_uses_50_mg_in_one_step(self) -> None:
        plan = dosing.plan("prurigo-nodularis", START)
        assert doses(plan) == [Decimal(50)] and plan.steps[0].end is None

    def test_a_target_between_steps_ends_on_the_target(self) -> None:
        plan = dosing.plan("psoriasis", START, target_mg=Decimal(4))
        assert doses(plan) == [Decimal("1.5"), Decimal("3.0"), Decimal(4)]

    def test_the_lowest_target_is_a_single_step(self) -> None:
        assert doses(dosing.plan("psoriasis", START, target_mg=Decimal("1.5"))) == [Decimal("1.5")]

    def test_steps_cross_month_and_year_ends_by_calendar_days(self) -> None:
        plan = dosing.plan("psoriasis", date(2026, 12, 25))
        assert plan.steps[1].start == date(2027, 1, 8) and plan.steps[0].end == date(2027, 1, 7)

    def test_steps_tile_the_calendar_without_gaps(self) -> None:
        plan = dosing.plan("psoriasis", date(2026, 3, 20))  # spans the March DST change in Europe
        for a, b in zip(plan.steps, plan.steps[1:], strict=False):
            assert a.end is not None and a.end + timedelta(days=1) == b.start


class TestMonitoring:
    def test_visits_have_dates_from_weeks_and_carry_the_measures(self) -> None:
        plan = dosing.plan("lichen-planopilaris", START)
        assert [v.week for v in plan.visits] == [0, 4, 12, 26, 52]
        assert plan.visits[2].date == START + timedelta(weeks=12)
        assert all(v.measures == plan.measures for v in plan.visits)
        assert plan.measures and plan.measures_from in ("knowledge base", "dosing protocols")

    def test_every_plan_cites_its_sources(self) -> None:
        plan = dosing.plan("prurigo-nodularis", START)
        assert any(s.pmid == "10495371" for s in plan.sources)


class TestErrors:
    def test_a_target_outside_the_protocol_range_names_target_mg(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            dosing.plan("psoriasis", START, target_mg=Decimal("12.5"))
        assert caught.value.field == "target_mg"

    def test_a_condition_without_dosing_evidence_needs_a_protocol(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            dosing.plan("hidradenitis-suppurativa", START)
        assert caught.value.field == "protocol"
        assert dosing.plan("hidradenitis-suppurativa", START, protocol="ldn-titration").steps

    def test_unknown_protocol_and_condition(self) -> None:
        with pytest.raises(NotFound):
            dosing.plan("psoriasis", START, protocol="bihari")
        with pytest.raises(NotFound):
            dosing.plan("not-a-condition-at-all", START)

    @pytest.mark.parametrize(
        ("doc", "field"),
        [
            ({"start": "2026-03-02"}, "condition"),
            ({"condition": "psoriasis", "start": "03/02/2026"}, "start"),
            ({"condition": "psoriasis", "start": "2026-03-02", "target_mg": "lots"}, "target_mg"),
            ({"condition": "psoriasis", "start": "2026-03-02", "dose": 3}, "dose"),
        ],
    )
    def test_plan_from_json_names_the_field(self, doc: dict[str, object], field: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            dosing.plan_from_json(doc)
        assert caught.value.field == field


class TestClinicianReview:
    @pytest.mark.parametrize("start", [date(2026, 3, 29), date(2026, 10, 25), date(2026, 1, 31)])
    @pytest.mark.parametrize("target", ["1.5", "2", "3", "4", "4.5", "5", "6"])
    def test_steps_are_contiguous_and_rise_to_the_target(self, start: date, target: str) -> None:
        plan = dosing.plan("psoriasis", start, target_mg=Decimal(target))
        steps = plan.steps
        assert steps[0].start == start and steps[-1].end is None
        for before, after in pairwise(steps):
            assert before.end is not None and after.start == before.end + timedelta(days=1)
            assert after.dose_mg > before.dose_mg
        assert steps[-1].dose_mg == Decimal(target)

    def test_excoriation_disorder_gets_its_sourced_default(self) -> None:
        # The default was keyed "excoriation-disorder", which the evidence base resolves to
        # skin-picking-disorder, so the sourced 4.5 mg default (Yan 2025) was never reached.
        plan = dosing.plan("excoriation-disorder", START)
        assert (plan.condition, plan.target_mg) == ("skin-picking-disorder", Decimal("4.5"))
        assert any("Yan" in s.label for s in plan.sources)

    def test_every_condition_default_is_reachable_through_the_evidence_base(self) -> None:
        from ldnderm import evidence
        from ldnderm.dosing.data import protocols

        defaults = protocols().conditions
        for key, default in defaults.items():
            resolved = evidence.condition(key).id
            if resolved != key:  # an alias: its default must not differ from the resolved one
                other = defaults[resolved]
                assert (other.protocol, other.target_mg) == (default.protocol, default.target_mg)

    def test_no_default_does_not_claim_no_evidence_when_doses_were_studied(self) -> None:
        with pytest.raises(InvalidInput) as err:
            dosing.plan("uremic-pruritus", START)
        assert "no naltrexone dosing evidence" not in str(err.value)
        assert "50 mg" in str(err.value)
        with pytest.raises(InvalidInput, match="no naltrexone dosing evidence was found"):
            dosing.plan("hidradenitis-suppurativa", START)

    def test_a_protocol_other_than_the_conditions_default_is_flagged(self) -> None:
        assert dosing.plan("psoriasis", START).warnings == []
        plan = dosing.plan("psoriasis", START, protocol="sdn-50mg")
        assert plan.warnings and "not the default protocol for psoriasis" in plan.warnings[0]

    def test_50_mg_for_pruritus_is_one_step_not_a_titration(self) -> None:
        plan = dosing.plan("prurigo-nodularis", date(2026, 3, 29))
        assert [(s.dose_mg, s.end) for s in plan.steps] == [(Decimal(50), None)]


@pytest.mark.parametrize(
    ("condition", "target"), [("prurigo-nodularis", None), ("prurigo-nodularis", "150")]
)
def test_every_plan_of_50_mg_or_more_asks_for_baseline_and_periodic_liver_tests(
    condition: str, target: str | None
) -> None:
    request = {"condition": condition, "start": "2026-03-02"}
    if target:
        request["target_mg"] = target
    p = dosing.plan_from_json(request)
    assert p.target_mg >= 50
    assert "baseline" in p.labs and "periodically" in p.labs
    assert {"lee-elston-2019", "livertox"} <= {s.id for s in p.sources}


class TestStartYears:
    @pytest.mark.parametrize("start", [date(1899, 12, 31), date(2101, 1, 1), date(9999, 12, 30)])
    def test_a_start_outside_1900_2100_is_refused_naming_it(self, start: date) -> None:
        with pytest.raises(InvalidInput) as err:
            dosing.plan("hailey-hailey-disease", start)
        assert err.value.field == "start" and f"year {start.year}" in err.value.problem

    def test_the_last_start_allowed_still_plans_every_visit(self) -> None:
        plan = dosing.plan("hailey-hailey-disease", date(2100, 12, 31))
        assert plan.visits[-1].date.year == 2101

    @given(st.dates(), st.sampled_from(["hailey-hailey-disease", "psoriasis", "prurigo-nodularis"]))
    def test_any_date_from_0001_to_9999_plans_or_names_the_start(
        self, start: date, condition: str
    ) -> None:
        request = {"condition": condition, "start": start.isoformat()}
        if 1900 <= start.year <= 2100:
            assert dosing.plan_from_json(request).steps[0].start == start
        else:
            with pytest.raises(InvalidInput) as err:
                dosing.plan_from_json(request)
            assert err.value.field == "start"
