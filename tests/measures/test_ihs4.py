"""IHS4: worked examples H1, H2 and H10 of shared/research/instruments.md, input rules and
properties."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput

BANDS = ["mild", "moderate", "severe"]


def counts(nodules: Any, abscesses: Any, tunnels: Any) -> dict[str, Any]:
    return {"nodules": nodules, "abscesses": abscesses, "draining_tunnels": tunnels}


class TestWorkedExamples:
    def test_h1_5_nodules_2_abscesses_1_tunnel_score_13_severe(self) -> None:
        result = measures.score("ihs4", counts(5, 2, 1))
        assert (result.total, result.band) == (13, "severe")
        assert result.details["contributions"] == {
            "nodules": 5,
            "abscesses": 4,
            "draining_tunnels": 4,
        }

    @pytest.mark.parametrize(
        ("lesions", "total", "band"),
        [
            ((3, 0, 0), 3, "mild"),
            ((4, 0, 0), 4, "moderate"),
            ((0, 0, 1), 4, "moderate"),
            ((2, 0, 2), 10, "moderate"),
            ((3, 0, 2), 11, "severe"),
        ],
    )
    def test_h2_band_boundaries(self, lesions: tuple[int, int, int], total: int, band: str) -> None:
        result = measures.score("ihs4", counts(*lesions))
        assert (result.total, result.band) == (total, band)

    def test_h2_one_draining_tunnel_alone_is_at_least_moderate(self) -> None:
        assert measures.score("ihs4", counts(0, 0, 1)).band == "moderate"

    def test_h10_a_reduction_of_exactly_55_percent_achieves_ihs4_55(self) -> None:
        result = measures.compare("ihs4", counts(20, 0, 0), counts(9, 0, 0))
        assert result.evaluable
        assert (result.change, result.responders) == (-11, {"ihs4_55": True})
        assert str(result.percent_change) == "-55.00"

    def test_ihs4_55_is_decided_exactly_not_on_the_rounded_percentage(self) -> None:
        result = measures.compare("ihs4", counts(999, 2, 2), counts(455, 0, 0))
        assert str(result.percent_change) == "-55.00"  # 54.995% rounded for display
        assert result.responders == {"ihs4_55": False}

    def test_h10_a_50_percent_reduction_does_not(self) -> None:
        result = measures.compare("ihs4", counts(20, 0, 0), counts(10, 0, 0))
        assert result.responders == {"ihs4_55": False}

    def test_h10_a_baseline_of_0_is_not_evaluable(self) -> None:
        result = measures.compare("ihs4", counts(0, 0, 0), counts(0, 0, 0))
        assert not result.evaluable and result.responders == {}
        assert result.percent_change is None
        assert "undefined" in (result.reason or "")


class TestMissingAndInvalidInput:
    @pytest.mark.parametrize(
        ("answers", "missing"),
        [
            ({"nodules": 1, "abscesses": 1}, ["draining_tunnels"]),
            (counts(None, 1, 0), ["nodules"]),
            ({}, ["nodules", "abscesses", "draining_tunnels"]),
        ],
    )
    def test_a_missing_count_is_not_computable(
        self, answers: dict[str, Any], missing: list[str]
    ) -> None:
        result = measures.score("ihs4", answers)
        assert not result.computable and result.total is None
        assert result.details["missing"] == missing
        assert missing[0] in (result.reason or "")

    def test_a_comparison_with_a_missing_count_is_not_evaluable(self) -> None:
        result = measures.compare("ihs4", counts(5, 2, 1), {"nodules": 1})
        assert not result.evaluable and result.responders == {}

    @pytest.mark.parametrize(
        ("answers", "field"),
        [
            (counts(-1, 0, 0), "nodules"),
            (counts(0, 1.5, 0), "abscesses"),
            (counts(0, 0, True), "draining_tunnels"),
            (counts(0, 0, "2"), "draining_tunnels"),
            (counts(0, 0, 0) | {"fistulae": 1}, "fistulae"),
        ],
    )
    def test_it_rejects_bad_values_naming_the_field(
        self, answers: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("ihs4", answers)
        assert err.value.field == field

    def test_each_count_takes_up_to_the_project_bound_of_1000(self) -> None:
        assert measures.score("ihs4", counts(250, 40, 30)).total == 250 + 80 + 120
        assert measures.score("ihs4", counts(1000, 1000, 1000)).total == 7000

    @pytest.mark.parametrize("key", ["nodules", "abscesses", "draining_tunnels"])
    def test_a_count_above_the_bound_is_refused_naming_it(self, key: str) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("ihs4", counts(0, 0, 0) | {key: 1_000_000})
        assert err.value.field == key
        assert err.value.allowed == "an integer 0-1000"

    def test_the_bound_is_data_marked_as_a_project_decision(self) -> None:
        definition = measures.get("ihs4").definition
        assert definition.maxima() == dict.fromkeys(WEIGHT, 1000)
        rule = next(r for r in definition.rules if r.id == "count_bound")
        assert rule.status == "product_decision" and "not a clinical claim" in rule.text


COUNT = st.integers(0, 60)
LESIONS = st.builds(counts, COUNT, COUNT, COUNT)
KEYS = st.sampled_from(["nodules", "abscesses", "draining_tunnels"])
WEIGHT = {"nodules": 1, "abscesses": 2, "draining_tunnels": 4}


def ihs4_band(total: int) -> str:
    return "mild" if total <= 3 else "moderate" if total <= 10 else "severe"


class TestProperties:
    @given(LESIONS)
    def test_the_score_is_the_weighted_sum_and_never_negative(
        self, lesions: dict[str, int]
    ) -> None:
        total = measures.score("ihs4", lesions).total
        expected = lesions["nodules"] + 2 * lesions["abscesses"] + 4 * lesions["draining_tunnels"]
        assert total == expected and total >= 0

    @given(LESIONS, KEYS)
    def test_one_more_lesion_raises_the_score_by_its_weight(
        self, lesions: dict[str, int], key: str
    ) -> None:
        before = measures.score("ihs4", lesions).total
        after = measures.score("ihs4", lesions | {key: lesions[key] + 1}).total
        assert before is not None and after is not None and after == before + WEIGHT[key]

    @given(st.integers(0, 200))
    def test_every_score_has_exactly_the_published_band(self, total: int) -> None:
        result = measures.score("ihs4", counts(total, 0, 0))
        assert result.band == ihs4_band(total)

    @given(LESIONS)
    def test_comparing_an_assessment_with_itself_shows_no_response(
        self, lesions: dict[str, int]
    ) -> None:
        result = measures.compare("ihs4", lesions, lesions)
        assert result.change == 0
        if result.baseline.total == 0:
            assert not result.evaluable
        else:
            assert result.responders == {"ihs4_55": False}

    @given(LESIONS, LESIONS)
    def test_ihs4_55_matches_exact_rational_arithmetic(
        self, baseline: dict[str, int], followup: dict[str, int]
    ) -> None:
        result = measures.compare("ihs4", baseline, followup)
        before, after = result.baseline.total, result.followup.total
        assert isinstance(before, int) and isinstance(after, int)
        if before == 0:
            assert not result.evaluable
            return
        assert result.responders["ihs4_55"] is (
            Fraction(before - after, before) >= Fraction(55, 100)
        )


FULL = st.integers(0, 1000)


@given(st.builds(counts, FULL, FULL, FULL), st.builds(counts, FULL, FULL, FULL))
def test_every_count_in_range_scores_and_compares_without_raising(
    baseline: dict[str, int], followup: dict[str, int]
) -> None:
    result = measures.compare("ihs4", baseline, followup)
    assert result.baseline.total is not None and result.baseline.total <= 7000
    assert result.evaluable == (result.baseline.total != 0)
