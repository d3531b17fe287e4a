"""IGA PN-Stage: worked examples R1-R2 of shared/research/instruments.md, the verified nodule
anchors, the unverified grade 2 gap, input rules and properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput


def stage(nodules: Any) -> Any:
    return measures.score("pn-iga-stage", {"nodules": nodules})


class TestWorkedExamples:
    def test_r1_three_nodules_is_iga_0_or_1_without_claiming_which(self) -> None:
        result = stage(3)
        assert result.computable
        assert result.total is None
        assert result.band == "grade_0_or_1"
        assert result.details == {"nodules": 3, "iga_pn_s_0_or_1": True, "grade": "0/1"}

    @pytest.mark.parametrize(
        ("nodules", "grade", "band"),
        [(20, 3, "moderate"), (100, 3, "moderate"), (101, 4, "severe")],
    )
    def test_r2_20_and_100_nodules_are_3_and_101_is_4(
        self, nodules: int, grade: int, band: str
    ) -> None:
        result = stage(nodules)
        assert (result.computable, result.total, result.band) == (True, grade, band)
        assert result.details["grade"] == str(grade)
        assert result.details["iga_pn_s_0_or_1"] is False


class TestUnverifiedGrade2:
    @pytest.mark.parametrize("nodules", [6, 12, 19])
    def test_6_to_19_nodules_are_not_computable_formula_not_verified(self, nodules: int) -> None:
        result = stage(nodules)
        assert not result.computable
        assert result.total is None and result.band is None
        assert (result.reason or "").startswith("formula not verified")
        assert result.details == {"nodules": nodules, "iga_pn_s_0_or_1": False}

    def test_the_grade_2_rule_is_recorded_as_unverified(self) -> None:
        rules = {r.id: r for r in measures.get("pn-iga-stage").definition.rules}
        assert rules["grade_2"].status == "unverified"
        assert rules["grade_0_vs_1"].status == "unverified"
        # weak (manufacturer) sources only: unverified under the tier policy
        assert rules["grade_3"].status == rules["grade_4"].status == "unverified"


class TestInput:
    @pytest.mark.parametrize(
        ("document", "field"),
        [
            ({"nodules": -1}, "nodules"),
            ({"nodules": 2.5}, "nodules"),
            ({"nodules": 3.0}, "nodules"),
            ({"nodules": True}, "nodules"),
            ({"nodules": "5"}, "nodules"),
            ({"nodules": 3, "lesions": 3}, "lesions"),
        ],
    )
    def test_it_rejects_bad_values_naming_the_field(
        self, document: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("pn-iga-stage", document)
        assert err.value.field == field

    @pytest.mark.parametrize("document", [{}, {"nodules": None}])
    def test_a_missing_count_is_not_computable(self, document: dict[str, Any]) -> None:
        result = measures.score("pn-iga-stage", document)
        assert not result.computable
        assert "nodules" in (result.reason or "")

    def test_it_has_no_compare(self) -> None:
        assert measures.get("pn-iga-stage").comparable is False
        with pytest.raises(InvalidInput):
            measures.compare("pn-iga-stage", {"nodules": 50}, {"nodules": 3})


def expected(nodules: int) -> tuple[bool, int | None, str | None]:
    """The verified anchors, written out independently of the YAML banding."""
    if nodules <= 5:
        return True, None, "grade_0_or_1"
    if nodules <= 19:
        return False, None, None
    if nodules <= 100:
        return True, 3, "moderate"
    return True, 4, "severe"


class TestProperties:
    @pytest.mark.parametrize("nodules", [0, 1, 5, 6, 19, 20, 99, 100, 101, 10_000])
    def test_band_boundaries_are_exact(self, nodules: int) -> None:
        result = stage(nodules)
        assert (result.computable, result.total, result.band) == expected(nodules)

    @given(st.integers(0, 100_000))
    def test_every_count_gets_exactly_the_verified_anchor(self, nodules: int) -> None:
        result = stage(nodules)
        assert (result.computable, result.total, result.band) == expected(nodules)
        assert result.details["iga_pn_s_0_or_1"] is (nodules <= 5)

    @given(st.integers(0, 1000), st.integers(0, 1000))
    def test_more_nodules_never_give_a_lower_grade(self, a: int, b: int) -> None:
        low, high = stage(min(a, b)), stage(max(a, b))
        if low.total is not None and high.computable:
            assert high.total is not None and high.total >= low.total
