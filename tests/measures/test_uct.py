"""UCT: worked examples T1-T4 of shared/research/instruments.md, input rules, licence and
properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.sources import registry


def items(q1: Any, q2: Any, q3: Any, q4: Any) -> dict[str, Any]:
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}


def with_total(total: int) -> dict[str, Any]:
    """Four answers adding up to ``total`` (0-16), at most 4 each."""
    return items(*(min(4, max(0, total - 4 * i)) for i in range(4)))


class TestWorkedExamples:
    def test_t1_a_total_of_12_is_well_controlled(self) -> None:
        result = measures.score("uct", items(4, 3, 3, 2))
        assert (result.total, result.band) == (12, "well_controlled")

    def test_t2_a_total_of_11_is_poorly_controlled(self) -> None:
        result = measures.score("uct", items(3, 3, 3, 2))
        assert (result.total, result.band) == (11, "poorly_controlled")

    def test_t3_an_increase_of_3_meets_the_mcid(self) -> None:
        result = measures.compare("uct", with_total(6), with_total(9))
        assert (result.change, result.responders) == (3, {"mcid": True, "marked": False})

    def test_t3_an_increase_of_6_is_a_marked_response_into_control(self) -> None:
        result = measures.compare("uct", with_total(6), with_total(12))
        assert (result.change, result.responders) == (6, {"mcid": True, "marked": True})
        assert result.followup.band == "well_controlled"

    @pytest.mark.parametrize(("after", "mcid", "marked"), [(8, False, False), (11, True, False)])
    def test_t3_one_point_short_of_each_threshold_is_not_met(
        self, after: int, mcid: bool, marked: bool
    ) -> None:
        result = measures.compare("uct", with_total(6), with_total(after))
        assert result.responders == {"mcid": mcid, "marked": marked}

    @pytest.mark.parametrize("answers", [{"q1": 4, "q2": 4, "q3": 4}, items(4, 4, None, 4)])
    def test_t4_one_item_missing_is_not_computable(self, answers: dict[str, Any]) -> None:
        result = measures.score("uct", answers)
        assert not result.computable
        assert result.total is None and result.band is None
        assert result.details["unanswered"] == ["q4"] or result.details["unanswered"] == ["q3"]
        assert "all four" in (result.reason or "")

    def test_t4_a_comparison_with_a_missing_item_is_not_evaluable(self) -> None:
        result = measures.compare("uct", {"q1": 1, "q2": 1, "q3": 1}, with_total(12))
        assert not result.evaluable and result.responders == {}
        assert "baseline" in (result.reason or "")


class TestInvalidInput:
    @pytest.mark.parametrize(
        ("answers", "field"),
        [
            ({"q1": 5}, "q1"),
            ({"q2": -1}, "q2"),
            ({"q3": 2.0}, "q3"),
            ({"q4": True}, "q4"),
            ({"q4": "very well"}, "q4"),
            ({"q5": 0}, "q5"),
        ],
    )
    def test_it_rejects_bad_values_naming_the_field(
        self, answers: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("uct", items(2, 2, 2, 2) | answers)
        assert err.value.field == field

    def test_it_rejects_a_list_of_answers(self) -> None:
        with pytest.raises(InvalidInput):
            measures.score("uct", [4, 4, 4, 4])


class TestDefinition:
    def test_higher_is_better(self) -> None:
        assert measures.get("uct").definition.higher_is == "better"

    def test_it_carries_the_moxie_copyright_and_licence_terms(self) -> None:
        definition = measures.get("uct").definition
        assert "Moxie GmbH" in (definition.copyright or "")
        assert "clinical trials" in definition.licence and "routine" in definition.licence

    def test_it_cites_weller_2014(self) -> None:
        weller = next(
            c for c in measures.get("uct").definition.citations if c.label == "Weller 2014"
        )
        src = registry().get(weller.sources[0])
        assert (src.pmid, src.doi) == ("24522090", "10.1016/j.jaci.2013.12.1076")


ANSWER = st.integers(0, 4)
ANSWERS = st.builds(items, ANSWER, ANSWER, ANSWER, ANSWER)


class TestProperties:
    @given(ANSWERS)
    def test_the_total_lies_in_0_to_16(self, answers: dict[str, Any]) -> None:
        total = measures.score("uct", answers).total
        assert total is not None and 0 <= total <= 16

    @given(ANSWERS, st.sampled_from(["q1", "q2", "q3", "q4"]))
    def test_raising_one_item_raises_the_total_by_1(
        self, answers: dict[str, Any], key: str
    ) -> None:
        if answers[key] == 4:
            return
        before = measures.score("uct", answers).total
        after = measures.score("uct", answers | {key: answers[key] + 1}).total
        assert before is not None and after is not None and after == before + 1

    @given(st.integers(0, 16))
    def test_every_total_has_exactly_the_published_band(self, total: int) -> None:
        result = measures.score("uct", with_total(total))
        assert result.total == total
        assert result.band == ("well_controlled" if total >= 12 else "poorly_controlled")

    @given(ANSWERS)
    def test_comparing_answers_with_themselves_shows_no_response(
        self, answers: dict[str, Any]
    ) -> None:
        result = measures.compare("uct", answers, answers)
        assert result.change == 0
        assert result.responders == {"mcid": False, "marked": False}

    @given(ANSWERS, ANSWERS)
    def test_responses_are_exactly_increases_of_3_and_6(
        self, baseline: dict[str, Any], followup: dict[str, Any]
    ) -> None:
        result = measures.compare("uct", baseline, followup)
        gained = sum(followup.values()) - sum(baseline.values())
        assert result.change == gained
        assert result.responders == {"mcid": gained >= 3, "marked": gained >= 6}
