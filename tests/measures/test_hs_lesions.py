"""HS lesion counts: HiSCR50/75/90/100 and flare, worked examples H3-H9 and H11 of
shared/research/instruments.md, input rules and properties."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput

HISCR = {"hiscr50": 50, "hiscr75": 75, "hiscr90": 90, "hiscr100": 100}


def lesions(abscesses: Any, nodules: Any, tunnels: Any) -> dict[str, Any]:
    return {"abscesses": abscesses, "nodules": nodules, "draining_tunnels": tunnels}


def hiscr(baseline: dict[str, Any], followup: dict[str, Any]) -> dict[str, bool]:
    result = measures.compare("hs-lesions", baseline, followup)
    assert result.evaluable, result.reason
    return {k: v for k, v in result.responders.items() if k.startswith("hiscr")}


class TestWorkedExamples:
    def test_h3_a_62_5_percent_an_reduction_without_worsening_is_hiscr50(self) -> None:
        result = measures.compare("hs-lesions", lesions(3, 5, 2), lesions(1, 2, 2))
        assert (result.baseline.total, result.followup.total) == (8, 3)
        assert str(result.percent_change) == "-62.50"
        assert result.responders["hiscr50"] is True
        assert result.responders["hiscr75"] is False

    def test_h4_a_37_5_percent_reduction_is_not(self) -> None:
        assert hiscr(lesions(3, 5, 2), lesions(2, 3, 2))["hiscr50"] is False

    def test_h5_more_draining_tunnels_is_not_a_response_despite_the_an_reduction(self) -> None:
        result = measures.compare("hs-lesions", lesions(3, 5, 2), lesions(1, 2, 3))
        assert result.details["draining_tunnels_increased"] is True
        assert not any(v for k, v in result.responders.items() if k.startswith("hiscr"))

    def test_h6_more_abscesses_is_not_a_response_despite_halving_the_an_count(self) -> None:
        result = measures.compare("hs-lesions", lesions(5, 15, 0), lesions(8, 2, 0))
        assert (result.baseline.total, result.followup.total) == (20, 10)
        assert result.details["abscesses_increased"] is True
        assert result.responders["hiscr50"] is False

    def test_h7_an_80_percent_reduction_achieves_hiscr75(self) -> None:
        assert hiscr(lesions(4, 6, 3), lesions(1, 1, 3)) == {
            "hiscr50": True,
            "hiscr75": True,
            "hiscr90": False,
            "hiscr100": False,
        }

    def test_h8_exactly_50_percent_is_a_response(self) -> None:
        assert hiscr(lesions(2, 6, 1), lesions(1, 3, 1))["hiscr50"] is True

    @pytest.mark.parametrize("baseline", [lesions(1, 1, 0), lesions(0, 0, 4)])
    def test_h9_a_baseline_an_count_below_3_is_not_evaluable(
        self, baseline: dict[str, int]
    ) -> None:
        result = measures.compare("hs-lesions", baseline, lesions(0, 0, 0))
        assert not result.evaluable and result.responders == {}
        assert "3 or more" in (result.reason or "")

    def test_h11_an_increase_of_25_percent_and_2_is_a_flare(self) -> None:
        result = measures.compare("hs-lesions", lesions(3, 5, 0), lesions(4, 6, 0))
        assert result.responders["flare"] is True

    def test_h11_25_percent_but_only_1_more_is_no_flare(self) -> None:
        result = measures.compare("hs-lesions", lesions(2, 2, 0), lesions(2, 3, 0))
        assert result.responders["flare"] is False


class TestResponders:
    def test_hiscr100_needs_an_an_count_of_0(self) -> None:
        assert hiscr(lesions(3, 7, 2), lesions(0, 0, 2)) == dict.fromkeys(HISCR, True)
        assert hiscr(lesions(3, 7, 2), lesions(0, 1, 2))["hiscr100"] is False

    def test_an_increase_of_2_but_below_25_percent_is_no_flare(self) -> None:
        result = measures.compare("hs-lesions", lesions(5, 5, 0), lesions(6, 6, 0))  # +20%
        assert result.responders["flare"] is False


class TestScoreReportsTheAnCount:
    def test_it_is_a_compare_only_measure(self) -> None:
        measure = measures.get("hs-lesions")
        assert (measure.scorable, measure.comparable) == (False, True)
        assert measure.describe()["scorable"] is False

    def test_score_validates_and_reports_the_an_count_without_a_band(self) -> None:
        result = measures.score("hs-lesions", lesions(3, 5, 2))
        assert (result.total, result.band) == (8, None)
        assert result.details == {
            "abscesses": 3,
            "nodules": 5,
            "draining_tunnels": 2,
            "an_count": 8,
        }


class TestMissingAndInvalidInput:
    def test_a_missing_count_is_not_computable(self) -> None:
        result = measures.score("hs-lesions", {"abscesses": 1, "nodules": 4})
        assert not result.computable and result.details["missing"] == ["draining_tunnels"]

    def test_a_comparison_with_a_missing_count_is_not_evaluable(self) -> None:
        result = measures.compare(
            "hs-lesions", lesions(3, 5, 2), {"abscesses": 0, "nodules": 0, "draining_tunnels": None}
        )
        assert not result.evaluable and result.responders == {}

    @pytest.mark.parametrize(
        ("answers", "field"),
        [
            (lesions(-1, 0, 0), "abscesses"),
            (lesions(0, 2.5, 0), "nodules"),
            (lesions(0, 0, False), "draining_tunnels"),
            (lesions(0, 0, 0) | {"an_count": 0}, "an_count"),
            (lesions(1001, 0, 0), "abscesses"),
            (lesions(0, 10**6, 0), "nodules"),
            (lesions(0, 0, 1001), "draining_tunnels"),
        ],
    )
    def test_it_rejects_bad_values_naming_the_field(
        self, answers: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.compare("hs-lesions", lesions(3, 5, 2), answers)
        assert err.value.field == field


def test_each_count_is_bounded_by_the_data_and_1000_is_accepted() -> None:
    from ldnderm.measures.hs_lesions import KEYS

    assert measures.get("hs-lesions").definition.maxima() == dict.fromkeys(KEYS, 1000)
    assert measures.score("hs-lesions", lesions(1000, 1000, 1000)).total == 2000


COUNT = st.integers(0, 40)
LESIONS = st.builds(lesions, COUNT, COUNT, COUNT)
KEYS = st.sampled_from(["abscesses", "nodules", "draining_tunnels"])


class TestProperties:
    @given(LESIONS)
    def test_the_an_count_is_abscesses_plus_nodules(self, counts: dict[str, int]) -> None:
        total = measures.score("hs-lesions", counts).total
        assert total == counts["abscesses"] + counts["nodules"] and total >= 0

    @given(LESIONS, KEYS)
    def test_one_more_lesion_never_lowers_the_an_count(
        self, counts: dict[str, int], key: str
    ) -> None:
        before = measures.score("hs-lesions", counts).total
        after = measures.score("hs-lesions", counts | {key: counts[key] + 1}).total
        assert before is not None and after is not None
        assert after - before == (0 if key == "draining_tunnels" else 1)

    @given(LESIONS)
    def test_comparing_an_assessment_with_itself_shows_no_response(
        self, counts: dict[str, int]
    ) -> None:
        result = measures.compare("hs-lesions", counts, counts)
        assert result.change == 0
        if counts["abscesses"] + counts["nodules"] < 3:
            assert not result.evaluable
        else:
            assert result.responders == dict.fromkeys([*HISCR, "flare"], False)

    @given(LESIONS, LESIONS)
    def test_responders_match_exact_rational_arithmetic(
        self, baseline: dict[str, int], followup: dict[str, int]
    ) -> None:
        result = measures.compare("hs-lesions", baseline, followup)
        before = baseline["abscesses"] + baseline["nodules"]
        after = followup["abscesses"] + followup["nodules"]
        if before < 3:
            assert not result.evaluable
            return
        no_worse = (
            followup["abscesses"] <= baseline["abscesses"]
            and followup["draining_tunnels"] <= baseline["draining_tunnels"]
        )
        reduction = Fraction(before - after, before)
        for name, percent in HISCR.items():
            assert result.responders[name] is (no_worse and reduction >= Fraction(percent, 100))
        flare = -reduction >= Fraction(25, 100) and after - before >= 2
        assert result.responders["flare"] is flare

    @given(LESIONS, LESIONS)
    def test_hiscr_levels_are_nested_and_never_coincide_with_a_flare(
        self, baseline: dict[str, int], followup: dict[str, int]
    ) -> None:
        result = measures.compare("hs-lesions", baseline, followup)
        if not result.evaluable:
            return
        met = [result.responders[name] for name in HISCR]
        assert met == sorted(met, reverse=True)  # 100 implies 90 implies 75 implies 50
        assert not (result.responders["hiscr50"] and result.responders["flare"])
