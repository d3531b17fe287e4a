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


class TestAnchorsSeenOnlyOnWeakSourcesAreNotApplied:
    """Worked examples R1-R2 graded 3 nodules as 0/1, 20-100 as 3 and 101 as 4. Those anchors were
    seen only on the manufacturer's pages for doctors, a weak source, so under the source policy
    no count is graded until the instrument paper is read; the count itself is kept."""

    @pytest.mark.parametrize("nodules", [0, 3, 5, 20, 100, 101, 1000])
    def test_no_count_is_graded_while_its_anchor_is_unverified(self, nodules: int) -> None:
        result = stage(nodules)
        assert not result.computable
        assert result.total is None and result.band is None
        assert (result.reason or "").startswith("anchor not verified")
        assert result.details == {"nodules": nodules}


class TestUnverifiedGrade2:
    @pytest.mark.parametrize("nodules", [6, 12, 19])
    def test_6_to_19_nodules_are_not_computable_formula_not_verified(self, nodules: int) -> None:
        result = stage(nodules)
        assert not result.computable
        assert result.total is None and result.band is None
        assert (result.reason or "").startswith("formula not verified")
        assert result.details == {"nodules": nodules}

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


class TestProperties:
    @given(st.integers(min_value=0, max_value=1000))
    def test_no_count_is_ever_graded_while_every_anchor_is_unverified(self, nodules: int) -> None:
        result = stage(nodules)
        assert (result.computable, result.total, result.band) == (False, None, None)
        assert result.details == {"nodules": nodules}
