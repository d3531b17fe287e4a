"""5-D Itch Scale: components are validated and stored; no total, because the distribution
mapping and the disability rule are unverified. Worked examples F1-F5 of
shared/research/instruments.md are CONDITIONAL on those rules, so each must stay not computable."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput
from ldnderm.measures.five_d_itch import SITES

NA = "na"


def five_d(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "duration": 3,
        "degree": 4,
        "direction": 4,
        "disability": {"sleep": 3, "leisure_social": 2, "housework_errands": 1, "work_school": NA},
        "distribution": list(SITES[:7]),
    }
    return document | overrides


def assert_formula_not_verified(result: Any) -> None:
    assert not result.computable
    assert result.total is None and result.band is None
    assert (result.reason or "").startswith("formula not verified")


class TestWorkedExamples:
    def test_f1_is_not_scored_but_its_components_are_kept(self) -> None:
        result = measures.score("five-d-itch", five_d())
        assert_formula_not_verified(result)
        assert result.details == {
            "duration": 3,
            "degree": 4,
            "direction": 4,
            "disability": {
                "sleep": 3,
                "leisure_social": 2,
                "housework_errands": 1,
                "work_school": NA,
            },
            "distribution_sites": list(SITES[:7]),
            "distribution_count": 7,
            "unanswered": [],
        }

    def test_f2_minimum_answers_are_not_scored(self) -> None:
        document = {
            "duration": 1,
            "degree": 1,
            "direction": 1,
            "disability": dict.fromkeys(
                ("sleep", "leisure_social", "housework_errands", "work_school"), 1
            ),
            "distribution": [],
        }
        result = measures.score("five-d-itch", document)
        assert_formula_not_verified(result)
        assert result.details["distribution_count"] == 0

    def test_f3_maximum_answers_are_not_scored(self) -> None:
        document = {
            "duration": 5,
            "degree": 5,
            "direction": 5,
            "disability": dict.fromkeys(
                ("sleep", "leisure_social", "housework_errands", "work_school"), 5
            ),
            "distribution": list(SITES),
        }
        result = measures.score("five-d-itch", document)
        assert_formula_not_verified(result)
        assert result.details["distribution_count"] == 16

    @pytest.mark.parametrize("count", [2, 3, 13, 14])
    def test_f4_distribution_counts_are_stored_but_never_mapped(self, count: int) -> None:
        result = measures.score("five-d-itch", five_d(distribution=count))
        assert_formula_not_verified(result)
        assert result.details["distribution_count"] == count
        assert result.details["distribution_sites"] is None
        assert "distribution_score" not in result.details

    def test_f5_all_na_disability_is_not_computable(self) -> None:
        disability = {"sleep": 2, "leisure_social": NA, "housework_errands": NA, "work_school": NA}
        assert_formula_not_verified(measures.score("five-d-itch", five_d(disability=disability)))


class TestComponents:
    def test_unanswered_items_are_listed_with_their_paths(self) -> None:
        document = five_d(degree=None, disability={"sleep": 2})
        del document["distribution"]
        result = measures.score("five-d-itch", document)
        assert_formula_not_verified(result)
        assert result.details["unanswered"] == [
            "degree",
            "disability.leisure_social",
            "disability.housework_errands",
            "disability.work_school",
            "distribution",
        ]

    def test_an_empty_document_is_valid_and_not_computable(self) -> None:
        result = measures.score("five-d-itch", {})
        assert_formula_not_verified(result)
        assert len(result.details["unanswered"]) == 8

    def test_the_unverified_rules_are_recorded_as_such(self) -> None:
        definition = measures.get("five-d-itch").definition
        status = {r.id: r.status for r in definition.rules}
        assert status["distribution_score"] == "unverified"
        assert status["disability_domain"] == "unverified"
        assert definition.recall_period == "the last 2 weeks"

    def test_it_is_listed_as_not_scorable_and_has_no_compare(self) -> None:
        measure = measures.get("five-d-itch")
        assert (measure.scorable, measure.comparable) == (False, False)
        with pytest.raises(InvalidInput):
            measures.compare("five-d-itch", five_d(), five_d())


class TestInput:
    @pytest.mark.parametrize(
        ("document", "field"),
        [
            (five_d(duration=0), "duration"),
            (five_d(degree=6), "degree"),
            (five_d(direction=NA), "direction"),
            (five_d(duration=2.0), "duration"),
            (five_d(disability={"sleep": NA}), "disability.sleep"),
            (five_d(disability={"work_school": 6}), "disability.work_school"),
            (five_d(disability={"leisure_social": "N/A"}), "disability.leisure_social"),
            (five_d(disability={"sleep": 1, "mood": 1}), "disability.mood"),
            (five_d(disability=[1, 1, 1, 1]), "disability"),
            (five_d(distribution=17), "distribution"),
            (five_d(distribution=-1), "distribution"),
            (five_d(distribution=True), "distribution"),
            (five_d(distribution="face"), "distribution"),
            (five_d(distribution=["face", "neck"]), "distribution[1]"),
            (five_d(distribution=["face", "back", "face"]), "distribution[2]"),
            (five_d(itch=3), "itch"),
        ],
    )
    def test_it_rejects_bad_values_naming_the_field_path(
        self, document: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("five-d-itch", document)
        assert err.value.field == field

    def test_the_site_list_names_the_allowed_codes(self) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("five-d-itch", five_d(distribution=["neck"]))
        assert "points_of_contact_with_clothing" in str(err.value)

    def test_there_are_16_distinct_sites(self) -> None:
        assert len(set(SITES)) == 16


LIKERT = st.integers(1, 5)
OPTIONAL_NA = st.one_of(LIKERT, st.just(NA))


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "duration": draw(LIKERT),
        "degree": draw(LIKERT),
        "direction": draw(LIKERT),
        "disability": {
            "sleep": draw(LIKERT),
            "leisure_social": draw(OPTIONAL_NA),
            "housework_errands": draw(OPTIONAL_NA),
            "work_school": draw(OPTIONAL_NA),
        },
        "distribution": draw(
            st.one_of(st.integers(0, 16), st.lists(st.sampled_from(SITES), unique=True))
        ),
    }


class TestProperties:
    @given(documents())
    def test_no_valid_document_ever_gets_a_total(self, document: dict[str, Any]) -> None:
        result = measures.score("five-d-itch", document)
        assert_formula_not_verified(result)
        assert result.details["unanswered"] == []
        assert 0 <= result.details["distribution_count"] <= 16
