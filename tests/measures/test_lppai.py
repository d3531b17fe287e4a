"""LPPAI: components are validated and stored; the formula is secondary (one open-source
calculator), so no total is ever computed. Examples L1-L3 of shared/research/instruments.md are
structural or blocked until the formula is verified."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.sources import registry

GRADED = (
    "pruritus",
    "pain",
    "burning",
    "scalp_erythema",
    "perifollicular_erythema",
    "perifollicular_scale",
)


def lppai(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = dict.fromkeys(GRADED, 0)
    return document | {"pull_test": "negative", "spreading": "none"} | overrides


def assert_formula_not_verified(result: Any) -> None:
    assert not result.computable
    assert result.total is None and result.band is None
    assert (result.reason or "").startswith("formula not verified")


class TestWorkedExamples:
    def test_l1_all_clear_is_still_not_computed(self) -> None:
        result = measures.score("lppai", lppai())
        assert_formula_not_verified(result)
        assert result.details == lppai() | {"unanswered": []}

    def test_l3_is_blocked_and_its_components_are_kept(self) -> None:
        document = lppai(
            pruritus=2,
            pain=1,
            burning=0,
            scalp_erythema=2,
            perifollicular_erythema=2,
            perifollicular_scale=1,
            pull_test=True,
            spreading="spreading",
        )
        result = measures.score("lppai", document)
        assert_formula_not_verified(result)
        assert result.details["pull_test"] == "positive"
        assert result.details["spreading"] == "spreading"
        assert result.details["pruritus"] == 2


class TestComponents:
    @pytest.mark.parametrize(
        ("value", "stored"),
        [
            (True, "positive"),
            (False, "negative"),
            ("positive", "positive"),
            ("negative", "negative"),
        ],
    )
    def test_the_pull_test_is_stored_as_a_word(self, value: Any, stored: str) -> None:
        assert measures.score("lppai", lppai(pull_test=value)).details["pull_test"] == stored

    def test_unanswered_components_are_listed(self) -> None:
        document = lppai(pain=None)
        del document["spreading"]
        result = measures.score("lppai", document)
        assert_formula_not_verified(result)
        assert result.details["unanswered"] == ["pain", "spreading"]

    def test_the_candidate_formula_is_recorded_for_reviewers_but_not_verified(self) -> None:
        definition = measures.get("lppai").definition
        rules = {r.id: r for r in definition.rules}
        assert rules["formula"].status == "unverified"  # weak source only
        assert "NOT applied" in rules["formula"].text
        assert rules["recorded_domains"].status == "verified"

    def test_the_citation_is_chiang_2010(self) -> None:
        chiang = measures.get("lppai").definition.citations[0]
        src = registry().get(chiang.sources[0])
        assert (src.doi, src.pmid) == ("10.1016/j.jaad.2009.08.054", "20061052")

    def test_it_is_listed_as_not_scorable_and_has_no_compare(self) -> None:
        measure = measures.get("lppai")
        assert (measure.scorable, measure.comparable) == (False, False)
        with pytest.raises(InvalidInput):
            measures.compare("lppai", lppai(), lppai())


class TestInput:
    @pytest.mark.parametrize(
        ("document", "field"),
        [
            (lppai(pruritus=4), "pruritus"),
            (lppai(pain=-1), "pain"),
            (lppai(burning=1.0), "burning"),
            (lppai(scalp_erythema=True), "scalp_erythema"),
            (lppai(perifollicular_scale="mild"), "perifollicular_scale"),
            (lppai(pull_test="yes"), "pull_test"),
            (lppai(pull_test=1), "pull_test"),
            (lppai(pull_test="Positive"), "pull_test"),
            (lppai(spreading="yes"), "spreading"),
            (lppai(spreading=2), "spreading"),
            (lppai(spreading=True), "spreading"),
            (lppai(scarring=1), "scarring"),
        ],
    )
    def test_it_rejects_bad_values_naming_the_field(
        self, document: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("lppai", document)
        assert err.value.field == field

    def test_a_bad_spreading_value_lists_the_allowed_words(self) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("lppai", lppai(spreading="yes"))
        assert '"none" or "indeterminate" or "spreading"' in str(err.value)

    def test_it_rejects_a_non_object(self) -> None:
        with pytest.raises(InvalidInput):
            measures.score("lppai", [0, 0, 0])


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    document: dict[str, Any] = {key: draw(st.integers(0, 3)) for key in GRADED}
    document["pull_test"] = draw(st.sampled_from([True, False, "positive", "negative"]))
    document["spreading"] = draw(st.sampled_from(["none", "indeterminate", "spreading"]))
    return document


class TestProperties:
    @given(documents())
    def test_no_valid_document_ever_gets_a_total(self, document: dict[str, Any]) -> None:
        result = measures.score("lppai", document)
        assert_formula_not_verified(result)
        assert result.details["unanswered"] == []
