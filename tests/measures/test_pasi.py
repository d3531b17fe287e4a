"""PASI: worked examples P1-P8 of shared/research/instruments.md, input rules and properties."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldnderm import measures
from ldnderm.kernel.errors import InvalidInput
from ldnderm.kernel.sources import registry

REGIONS = ("head", "upper_limbs", "trunk", "lower_limbs")
SIGNS = ("erythema", "induration", "desquamation")
WEIGHT_TENTHS = {"head": 1, "upper_limbs": 2, "trunk": 3, "lower_limbs": 4}


def region(e: Any = 0, i: Any = 0, d: Any = 0, area: Any = 0) -> dict[str, Any]:
    return {"erythema": e, "induration": i, "desquamation": d, "area": area}


def pasi(**regions: dict[str, Any]) -> dict[str, Any]:
    """A PASI document: every region clear unless given."""
    return {name: regions.get(name, region()) for name in REGIONS}


# Documents with known totals, built from the formula by hand (tenths: weight x signs x area).
PASI_20 = pasi(lower_limbs=region(4, 3, 3, 5))  # 0.4 x 10 x 5
PASI_12 = pasi(lower_limbs=region(2, 2, 2, 5))  # 0.4 x 6 x 5
PASI_10 = pasi(lower_limbs=region(2, 2, 1, 5))  # 0.4 x 5 x 5
PASI_10_1 = PASI_10 | {"head": region(1, 0, 0, 1)}
PASI_5 = pasi(upper_limbs=region(2, 2, 1, 5))  # 0.2 x 5 x 5
PASI_5_1 = PASI_5 | {"head": region(1, 0, 0, 1)}
PASI_2 = pasi(upper_limbs=region(2, 2, 1, 2))  # 0.2 x 5 x 2
PASI_2_1 = PASI_2 | {"head": region(1, 0, 0, 1)}
PASI_0_1 = pasi(head=region(1, 0, 0, 1))
PASI_0 = pasi()


def total(document: dict[str, Any]) -> Decimal:
    result = measures.score("pasi", document)
    assert result.computable and isinstance(result.total, Decimal)
    return result.total


class TestWorkedExamples:
    def test_p1_mixed_regions_total_23_0(self) -> None:
        document = {
            "head": region(2, 1, 1, 2),
            "upper_limbs": region(2, 2, 2, 3),
            "trunk": region(3, 2, 2, 2),
            "lower_limbs": region(3, 3, 3, 4),
        }
        result = measures.score("pasi", document)
        assert result.total == Decimal("23.0")
        assert result.band is None
        contributions = {k: v["contribution"] for k, v in result.details["regions"].items()}
        assert contributions == {
            "head": Decimal("0.8"),
            "upper_limbs": Decimal("3.6"),
            "trunk": Decimal("4.2"),
            "lower_limbs": Decimal("14.4"),
        }
        assert result.details["regions"]["lower_limbs"]["severity_sum"] == 9
        assert result.details["regions"]["lower_limbs"]["area_score"] == 4

    def test_p2_everything_at_maximum_is_72(self) -> None:
        document = {name: region(4, 4, 4, 6) for name in REGIONS}
        assert total(document) == 72

    def test_p3_head_only_five_percent_is_0_3(self) -> None:
        document = pasi(head={"erythema": 1, "induration": 1, "desquamation": 1, "area_percent": 5})
        result = measures.score("pasi", document)
        assert result.total == Decimal("0.3")
        assert result.details["regions"]["head"]["area_score"] == 1

    @pytest.mark.parametrize(
        ("percent", "area_score"),
        [
            (0, 0),
            (0.5, 1),
            (9.9, 1),
            (10, 2),
            (29.9, 2),
            (30, 3),
            (49.9, 3),
            (50, 4),
            (69.9, 4),
            (70, 5),
            (89.9, 5),
            (90, 6),
            (100, 6),
            (0.01, 1),
            (10.0, 2),
            (99.99, 6),
        ],
    )
    def test_p4_area_percent_converts_by_the_published_table(
        self, percent: float, area_score: int
    ) -> None:
        document = pasi(
            trunk={"erythema": 1, "induration": 0, "desquamation": 0, "area_percent": percent}
        )
        result = measures.score("pasi", document)
        assert result.details["regions"]["trunk"]["area_score"] == area_score
        assert result.total == Decimal("0.3") * area_score

    def test_p5_20_to_5_is_exactly_pasi75(self) -> None:
        assert (total(PASI_20), total(PASI_5)) == (Decimal("20.0"), Decimal("5.0"))
        result = measures.compare("pasi", PASI_20, PASI_5)
        assert result.evaluable
        assert result.change == Decimal("-15.0")
        assert result.percent_change == Decimal("-75.00")
        assert result.responders == {
            "pasi50": True,
            "pasi75": True,
            "pasi90": False,
            "pasi100": False,
        }

    def test_p5_20_to_5_1_misses_pasi75(self) -> None:
        result = measures.compare("pasi", PASI_20, PASI_5_1)
        assert result.percent_change == Decimal("-74.50")
        assert result.responders["pasi50"] and not result.responders["pasi75"]

    def test_p5_20_to_2_is_pasi90_and_20_to_0_is_pasi100(self) -> None:
        assert measures.compare("pasi", PASI_20, PASI_2).responders == {
            "pasi50": True,
            "pasi75": True,
            "pasi90": True,
            "pasi100": False,
        }
        assert measures.compare("pasi", PASI_20, PASI_0).responders == {
            "pasi50": True,
            "pasi75": True,
            "pasi90": True,
            "pasi100": True,
        }

    @pytest.mark.parametrize(
        ("followup", "key", "met"),
        [
            (PASI_10, "pasi50", True),
            (PASI_10_1, "pasi50", False),
            (PASI_5, "pasi75", True),
            (PASI_5_1, "pasi75", False),
            (PASI_2, "pasi90", True),
            (PASI_2_1, "pasi90", False),
            (PASI_0, "pasi100", True),
            (PASI_0_1, "pasi100", False),
        ],
    )
    def test_p5_responder_cut_offs_hold_at_exactly_the_boundary(
        self, followup: dict[str, Any], key: str, met: bool
    ) -> None:
        assert measures.compare("pasi", PASI_20, followup).responders[key] is met

    def test_p6_a_worsening_is_no_response(self) -> None:
        result = measures.compare("pasi", PASI_10, PASI_12)
        assert result.evaluable
        assert result.percent_change == Decimal("20.00")
        assert not any(result.responders.values())

    def test_p6_baseline_0_is_not_evaluable(self) -> None:
        result = measures.compare("pasi", PASI_0, PASI_0)
        assert not result.evaluable
        assert result.responders == {}
        assert result.percent_change is None
        assert "baseline PASI is 0" in (result.reason or "")

    def test_p7_rule_of_tens_needs_more_than_10(self) -> None:
        assert total(PASI_10) == Decimal("10.0")
        assert measures.score("pasi", PASI_10).details["rule_of_tens_severe"] is False
        assert total(PASI_10_1) == Decimal("10.1")
        assert measures.score("pasi", PASI_10_1).details["rule_of_tens_severe"] is True

    def test_p8_area_without_signs_contributes_0_and_is_flagged(self) -> None:
        result = measures.score("pasi", pasi(trunk=region(0, 0, 0, 3)))
        assert result.total == 0
        assert result.details["regions"]["trunk"]["contribution"] == 0
        assert result.details["inconsistent"] == ["trunk"]

    def test_p8_signs_without_area_are_flagged_too(self) -> None:
        result = measures.score("pasi", pasi(head=region(2, 1, 0, 0)))
        assert result.total == 0
        assert result.details["inconsistent"] == ["head"]

    def test_a_clear_region_is_consistent(self) -> None:
        assert measures.score("pasi", PASI_5).details["inconsistent"] == []


class TestMissingData:
    def test_it_is_not_computable_without_a_region_and_names_it(self) -> None:
        document = pasi()
        del document["lower_limbs"]
        result = measures.score("pasi", document)
        assert not result.computable
        assert result.total is None
        assert "lower_limbs" in (result.reason or "")
        assert result.details["missing"] == ["lower_limbs"]

    def test_a_null_region_reads_as_missing(self) -> None:
        result = measures.score("pasi", pasi() | {"head": None})
        assert not result.computable
        assert result.details["missing"] == ["head"]

    def test_a_missing_sign_makes_it_not_computable_naming_the_path(self) -> None:
        trunk = region(1, 1, 1, 2)
        del trunk["induration"]
        result = measures.score("pasi", pasi(trunk=trunk))
        assert not result.computable
        assert "trunk.induration" in (result.reason or "")

    def test_a_missing_region_is_not_computable_and_its_compare_not_evaluable(self) -> None:
        document = pasi()
        del document["head"]
        result = measures.compare("pasi", PASI_20, document)
        assert not result.evaluable
        assert result.reason == "follow-up score is not computable"


class TestInput:
    @pytest.mark.parametrize(
        ("document", "field"),
        [
            (pasi(trunk=region(5, 0, 0, 1)), "trunk.erythema"),
            (pasi(head=region(0, -1, 0, 1)), "head.induration"),
            (pasi(upper_limbs=region(0, 0, True, 1)), "upper_limbs.desquamation"),
            (pasi(lower_limbs=region(1, 1, 1, 7)), "lower_limbs.area"),
            (pasi(lower_limbs=region(1, 1, 1) | {"area": 2.0}), "lower_limbs.area"),
            (pasi(head=region(1.0, 0, 0, 1)), "head.erythema"),
            (
                pasi(
                    head={"erythema": 1, "induration": 0, "desquamation": 0, "area_percent": 100.5}
                ),
                "head.area_percent",
            ),
            (
                pasi(head={"erythema": 1, "induration": 0, "desquamation": 0, "area_percent": -1}),
                "head.area_percent",
            ),
            (
                pasi(head={"erythema": 1, "induration": 0, "desquamation": 0, "area_percent": "5"}),
                "head.area_percent",
            ),
            (
                pasi(
                    head={"erythema": 1, "induration": 0, "desquamation": 0, "area_percent": True}
                ),
                "head.area_percent",
            ),
            (pasi(trunk=region(1, 1, 1, 2) | {"area_percent": 15}), "trunk"),
            (pasi(trunk={"erythema": 1, "induration": 1, "desquamation": 1}), "trunk"),
            (pasi(trunk=region(1, 1, 1, 2) | {"itch": 3}), "trunk.itch"),
            (pasi() | {"neck": region()}, "neck"),
            (pasi() | {"trunk": [1, 1, 1, 2]}, "trunk"),
        ],
    )
    def test_it_rejects_bad_values_naming_the_field_path(
        self, document: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("pasi", document)
        assert err.value.field == field

    def test_both_area_forms_are_rejected_with_the_allowed_values(self) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("pasi", pasi(trunk=region(1, 1, 1, 2) | {"area_percent": 15}))
        assert "area_percent" in str(err.value) and "exactly one" in str(err.value)

    def test_it_rejects_a_non_object(self) -> None:
        with pytest.raises(InvalidInput) as err:
            measures.score("pasi", [region()] * 4)
        assert err.value.field == ""

    def test_area_percent_is_exact_so_0_1_stays_a_tenth(self) -> None:
        document = pasi(
            head={"erythema": 4, "induration": 4, "desquamation": 4, "area_percent": 0.1}
        )
        result = measures.score("pasi", document)
        assert result.details["regions"]["head"]["area_percent"] == Decimal("0.1")
        assert result.total == Decimal("1.2")

    def test_the_definition_cites_the_rule_of_tens(self) -> None:
        definition = measures.get("pasi").definition
        dois = {registry().get(i).doi for c in definition.citations for i in c.sources}
        assert "10.1111/j.1365-2133.2005.06502.x" in dois
        assert definition.bandings == []


@st.composite
def regions(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {k: draw(st.integers(0, 4)) for k in SIGNS}
    if draw(st.booleans()):
        doc["area"] = draw(st.integers(0, 6))
    else:
        doc["area_percent"] = draw(
            st.one_of(
                st.integers(0, 100),
                st.floats(0, 100, allow_nan=False, allow_infinity=False),
            )
        )
    return doc


DOCUMENTS = st.fixed_dictionaries({name: regions() for name in REGIONS})


def tenths(document: dict[str, Any]) -> int:
    """The PASI in integer tenths, computed independently of the module."""
    out = 0
    for name, reg in document.items():
        if "area" in reg:
            area = reg["area"]
        else:
            pct = Decimal(repr(reg["area_percent"]))
            area = (
                0
                if pct == 0
                else 1
                if pct < 10
                else 2
                if pct < 30
                else 3
                if pct < 50
                else 4
                if pct < 70
                else 5
                if pct < 90
                else 6
            )
        out += WEIGHT_TENTHS[name] * sum(reg[k] for k in SIGNS) * area
    return out


class TestProperties:
    @given(DOCUMENTS)
    def test_total_lies_in_0_to_72_with_exactly_one_decimal(self, document: dict[str, Any]) -> None:
        value = total(document)
        assert 0 <= value <= 72
        assert value.as_tuple().exponent == -1
        assert value * 10 == tenths(document)

    @given(DOCUMENTS, st.sampled_from(REGIONS), st.sampled_from(SIGNS))
    def test_raising_one_sign_never_lowers_the_total(
        self, document: dict[str, Any], name: str, sign: str
    ) -> None:
        if document[name][sign] == 4:
            return
        raised = document | {name: document[name] | {sign: document[name][sign] + 1}}
        assert total(raised) >= total(document)

    @given(DOCUMENTS, st.sampled_from(REGIONS))
    def test_raising_the_area_never_lowers_the_total(
        self, document: dict[str, Any], name: str
    ) -> None:
        reg = document[name]
        if "area" in reg:
            if reg["area"] == 6:
                return
            raised = reg | {"area": reg["area"] + 1}
        else:
            raised = reg | {"area_percent": min(100, reg["area_percent"] + 10)}
        assert total(document | {name: raised}) >= total(document)

    @given(DOCUMENTS)
    def test_comparing_an_assessment_with_itself_shows_no_response(
        self, document: dict[str, Any]
    ) -> None:
        result = measures.compare("pasi", document, document)
        assert result.change == 0
        assert not any(result.responders.values())
        assert result.evaluable is (total(document) > 0)

    @given(DOCUMENTS, DOCUMENTS)
    def test_responders_match_exact_integer_arithmetic(
        self, baseline: dict[str, Any], followup: dict[str, Any]
    ) -> None:
        before, after = tenths(baseline), tenths(followup)
        result = measures.compare("pasi", baseline, followup)
        if before == 0:
            assert not result.evaluable
            return
        assert result.responders == {
            f"pasi{p}": (before - after) * 100 >= p * before for p in (50, 75, 90, 100)
        }
