"""The grading rule on crafted inputs: design, size, consistency, direction."""

from __future__ import annotations

from typing import Any

from ldnderm.evidence.grading import grade
from ldnderm.evidence.models import Study
from tests.evidence.conftest import study_doc


def s(sid: str, design: str = "case_series", n: int | None = 3, **over: Any) -> Study:
    return Study.model_validate(study_doc(sid, design=design, n=n, **over))


class TestGrade:
    def test_no_studies_grades_none(self) -> None:
        result = grade([])
        assert result.level == "none"
        assert result.best_design is None and result.direction is None

    def test_reviews_and_registrations_alone_grade_none(self) -> None:
        result = grade([s("r", "review", direction=None), s("t", "trial_registration")])
        assert result.level == "none"
        assert "Not counted" in result.reason

    def test_naloxone_and_unseen_results_do_not_count(self) -> None:
        other = s("nx", agent="naloxone", indirect="naloxone")
        unseen = s("u", direction=None, verification_note="result not seen")
        assert grade([other, unseen]).level == "none"

    def test_a_large_consistent_rct_body_is_high(self) -> None:
        result = grade([s("a", "rct", 60), s("b", "rct", 70)])
        assert (result.level, result.direction) == ("high", "positive")

    def test_fewer_than_100_patients_drops_one_level(self) -> None:
        assert grade([s("a", "rct", 51, direction="null")]).level == "moderate"

    def test_fewer_than_50_patients_drops_two_levels(self) -> None:
        result = grade([s("a", "rct", 34, direction="null")])
        assert (result.level, result.direction) == ("low", "null")
        assert any("fewer than 50" in r for r in result.reasons)

    def test_disagreeing_trials_drop_a_level_and_read_mixed(self) -> None:
        result = grade([s("a", "rct", 15), s("b", "rct", 23, direction="null")])
        assert (result.level, result.direction) == ("very_low", "mixed")

    def test_inconsistency_alone_drops_a_level(self) -> None:
        result = grade([s("a", "rct", 80), s("b", "rct", 80, direction="null")])
        assert result.level == "moderate"

    def test_an_open_trial_starts_low(self) -> None:
        assert grade([s("a", "prospective_open_label", 120)]).level == "low"
        assert grade([s("a", "nonrandomised_trial", 71)]).level == "very_low"

    def test_case_series_and_reports_are_very_low(self) -> None:
        assert grade([s("a"), s("b", "case_report", 1)]).level == "very_low"

    def test_the_best_design_decides_over_weaker_studies(self) -> None:
        result = grade([s("rct", "rct", 34, direction="null"), s("cs"), s("cr", "case_report", 1)])
        assert (result.best_design, result.direction) == ("rct", "null")
        assert any("Weaker studies point elsewhere" in r for r in result.reasons)

    def test_the_floor_is_very_low(self) -> None:
        result = grade([s("a", direction="mixed"), s("b", direction="negative")])
        assert result.level == "very_low"

    def test_reasons_name_the_counted_studies(self) -> None:
        result = grade([s("a", "rct", 200), s("r", "review", direction=None)])
        assert result.counted == ("a",)
