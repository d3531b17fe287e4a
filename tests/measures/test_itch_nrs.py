"""Itch NRS: worked examples N1-N4 of shared/research/instruments.md, input rules and properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.sources import registry

BANDS = ["none", "mild", "moderate", "severe", "very_severe"]


def nrs(score: Any) -> dict[str, Any]:
    return {"score": score}


def reich_band(score: int) -> str:
    """Reich 2012 VAS categories read on the integer NRS: 0 | 1-3 | 4-6 | 7-8 | 9-10."""
    for upper, band in ((0, "none"), (3, "mild"), (6, "moderate"), (8, "severe")):
        if score <= upper:
            return band
    return "very_severe"


class TestWorkedExamples:
    def test_n1_a_4_point_improvement_is_a_response(self) -> None:
        result = measures.compare("itch-nrs", nrs(8), nrs(4))
        assert (result.change, result.responders) == (-4, {"responder_4pt": True})
        assert (result.baseline.band, result.followup.band) == ("severe", "moderate")

    def test_n2_a_3_point_improvement_is_not(self) -> None:
        result = measures.compare("itch-nrs", nrs(8), nrs(5))
        assert (result.change, result.responders) == (-3, {"responder_4pt": False})

    def test_n3_a_baseline_of_3_cannot_respond_and_is_below_trial_entry(self) -> None:
        result = measures.compare("itch-nrs", nrs(3), nrs(0))
        assert result.evaluable
        assert (result.change, result.responders) == (-3, {"responder_4pt": False})
        assert result.details["baseline_meets_trial_entry"] is False

    def test_n1_baseline_8_meets_the_trial_entry_level(self) -> None:
        result = measures.compare("itch-nrs", nrs(8), nrs(4))
        assert result.details["baseline_meets_trial_entry"] is True

    def test_n4_a_9_is_very_severe(self) -> None:
        result = measures.score("itch-nrs", nrs(9))
        assert (result.total, result.band) == (9, "very_severe")


class TestBands:
    @pytest.mark.parametrize(
        ("score", "band"),
        [
            (0, "none"),
            (1, "mild"),
            (3, "mild"),
            (4, "moderate"),
            (6, "moderate"),
            (7, "severe"),
            (8, "severe"),
            (9, "very_severe"),
            (10, "very_severe"),
        ],
    )
    def test_it_bands_by_reich_2012_on_the_integer_scale(self, score: int, band: str) -> None:
        assert measures.score("itch-nrs", nrs(score)).band == band

    def test_the_banding_is_labelled_as_derived_for_the_vas(self) -> None:
        definition = measures.get("itch-nrs").definition
        banding = definition.banding()
        assert "Reich 2012" in banding.label and "VAS" in banding.label
        assert "NRS" in banding.label
        reich = next(c for c in definition.citations if c.label == banding.source)
        assert registry().get(reich.sources[0]).doi == "10.2340/00015555-1265"


class TestMissingAndInvalidInput:
    @pytest.mark.parametrize("answers", [{}, {"score": None}])
    def test_an_unanswered_rating_is_not_computable(self, answers: dict[str, Any]) -> None:
        result = measures.score("itch-nrs", answers)
        assert not result.computable
        assert result.total is None and result.band is None and result.reason

    def test_a_comparison_with_an_unanswered_rating_is_not_evaluable(self) -> None:
        result = measures.compare("itch-nrs", nrs(8), {})
        assert not result.evaluable and result.responders == {}
        assert "follow-up" in (result.reason or "")

    @pytest.mark.parametrize(
        ("answers", "field"),
        [
            (nrs(11), "score"),
            (nrs(-1), "score"),
            (nrs(7.5), "score"),
            (nrs(7.0), "score"),
            (nrs(True), "score"),
            (nrs("7"), "score"),
            ({"score": 3, "worst": 5}, "worst"),
        ],
    )
    def test_it_rejects_bad_values_naming_the_field(
        self, answers: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("itch-nrs", answers)
        assert err.value.field == field

    def test_it_rejects_a_bare_number(self) -> None:
        with pytest.raises(InvalidInput):
            measures.score("itch-nrs", 7)


SCORES = st.integers(0, 10)


class TestProperties:
    @given(SCORES)
    def test_the_total_is_the_rating_within_0_to_10(self, score: int) -> None:
        assert measures.score("itch-nrs", nrs(score)).total == score

    @given(st.integers(0, 9))
    def test_a_higher_rating_never_falls_in_a_milder_band(self, score: int) -> None:
        lower = measures.score("itch-nrs", nrs(score)).band
        higher = measures.score("itch-nrs", nrs(score + 1)).band
        assert lower is not None and higher is not None
        assert BANDS.index(higher) >= BANDS.index(lower)

    @given(SCORES)
    def test_every_rating_has_exactly_the_published_band(self, score: int) -> None:
        assert measures.score("itch-nrs", nrs(score)).band == reich_band(score)

    @given(SCORES)
    def test_comparing_a_rating_with_itself_shows_no_response(self, score: int) -> None:
        result = measures.compare("itch-nrs", nrs(score), nrs(score))
        assert result.change == 0
        assert result.responders == {"responder_4pt": False}

    @given(SCORES, SCORES)
    def test_a_response_is_exactly_a_decrease_of_4_or_more(self, before: int, after: int) -> None:
        result = measures.compare("itch-nrs", nrs(before), nrs(after))
        assert result.change == after - before
        assert result.responders["responder_4pt"] is (before - after >= 4)
