"""The certainty rule on crafted inputs: start by design, rate down, direction kept apart."""

from __future__ import annotations

from typing import Any

import pytest

from ldnderm.evidence.grading import grade
from ldnderm.evidence.models import Condition, Study
from tests.evidence.conftest import condition_doc, study_doc


def s(sid: str, design: str = "case_series", n: int | None = 3, **over: Any) -> Study:
    return Study.model_validate(study_doc(sid, design=design, n=n, **over))


def rate(studies: list[Study], rated: list[str] | None = None, **judgements: Any) -> Any:
    """Grade a condition listing ``studies``, rating ``rated`` (default: all) with
    ``judgements`` such as ``imprecision={"down": 2, "reason": "small", "studies": ["a"]}``."""
    ids = [x.id for x in studies]
    certainty = {"question": "q", "key_outcome": "itch", "studies": ids if rated is None else rated}
    certainty.update(judgements)
    condition = Condition.model_validate(condition_doc(studies=ids, certainty=certainty))
    return grade(condition, {x.id: x for x in studies})


def down(n: int, *studies: str) -> dict[str, Any]:
    return {"down": n, "reason": "a reason", "studies": list(studies)}


class TestStart:
    def test_no_rated_study_is_no_evidence_not_a_level(self) -> None:
        result = rate([s("r", "review", direction=None)], rated=[])
        assert (result.level, result.direction, result.best_design) == ("none", None, None)

    def test_a_large_rct_body_starts_high(self) -> None:
        result = rate([s("a", "rct", 60), s("b", "rct", 70)])
        assert (result.level, result.direction, result.best_design) == ("high", "benefit", "rct")

    def test_observational_designs_start_low(self) -> None:
        assert rate([s("a", "prospective_open_label", 120)]).level == "low"
        assert rate([s("a", "nonrandomised_trial", 71)]).level == "low"

    def test_series_and_reports_start_very_low(self) -> None:
        result = rate([s("a"), s("b", "case_report", 1), s("c", "retrospective", 40)])
        assert result.level == "very_low"
        assert result.designs == {"case_series": 2, "case_report": 1}


class TestRatingDown:
    def test_each_domain_steps_down_and_names_its_studies(self) -> None:
        result = rate(
            [s("a", "rct", 400), s("b", "rct", 400)],
            risk_of_bias=down(1, "a"),
            indirectness=down(1, "b"),
        )
        assert result.level == "low"
        assert any(
            r.startswith("Risk of bias, down one level") and "Study a" in r for r in result.reasons
        )
        assert any(
            r.startswith("Indirectness, down one level") and "Study b" in r for r in result.reasons
        )

    def test_levels_never_fall_below_very_low(self) -> None:
        result = rate([s("a", "rct", 30)], imprecision=down(2, "a"), risk_of_bias=down(2, "a"))
        assert result.level == "very_low"

    @pytest.mark.parametrize(("n", "needed"), [(99, 1), (49, 2)])
    def test_small_trials_must_be_rated_down_for_imprecision(self, n: int, needed: int) -> None:
        with pytest.raises(ValueError, match="imprecision"):
            rate([s("a", "rct", n)], imprecision=down(needed - 1, "a") if needed > 1 else {})
        assert rate([s("a", "rct", n)], imprecision=down(needed, "a")).level in {"moderate", "low"}

    def test_a_step_down_without_reason_or_studies_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="reason"):
            rate([s("a")], imprecision={"down": 1})

    def test_a_judgement_may_not_name_another_conditions_study(self) -> None:
        with pytest.raises(ValueError, match="does not list"):
            rate([s("a")], imprecision=down(1, "elsewhere"))

    def test_nothing_rated_cannot_be_rated_down(self) -> None:
        with pytest.raises(ValueError, match="nothing can be rated down"):
            rate([s("r", "review", direction=None)], rated=[], imprecision=down(1, "r"))


class TestWhatCanBeRated:
    @pytest.mark.parametrize(
        "study",
        [
            s("r", "review", direction=None),
            s("t", "trial_registration", direction=None),
            s("nx", agent="naloxone", indirect="naloxone"),
            s("u", direction=None, verification_note="result not seen"),
        ],
    )
    def test_reviews_registrations_other_drugs_and_unseen_results_cannot(
        self, study: Study
    ) -> None:
        with pytest.raises(ValueError, match="cannot be rated"):
            rate([study])


class TestDirectionIsSeparate:
    def test_a_certain_null_reads_no_benefit_not_support(self) -> None:
        result = rate([s("a", "rct", 400, direction="null")])
        assert (result.level, result.direction) == ("high", "no_benefit")

    def test_the_best_design_decides_over_weaker_positive_reports(self) -> None:
        result = rate(
            [s("rct", "rct", 34, direction="null"), s("cs"), s("cr", "case_report", 1)],
            imprecision=down(2, "rct"),
        )
        assert (result.best_design, result.direction, result.level) == ("rct", "no_benefit", "low")

    def test_disagreeing_best_studies_read_mixed(self) -> None:
        result = rate([s("a"), s("b", direction="null")])
        assert result.direction == "mixed"

    def test_a_mixed_study_makes_the_body_mixed(self) -> None:
        assert rate([s("a"), s("b", direction="mixed")]).direction == "mixed"

    def test_harm(self) -> None:
        assert rate([s("a", direction="negative")]).direction == "harm"
