"""Itch numerical rating scale: worst itch in the past 24 hours (WI-NRS / PP-NRS style).

Input: ``{"score": 0-10}``, one integer (0 no itch, 10 worst imaginable itch). A missing key or
``null`` is unanswered: the rating is not computable (a single item has nothing to impute from).
Non-integers (``7.5``), booleans, values outside 0-10 and unknown keys are invalid input.

Total 0-10, the rating itself. Bands: Reich et al. 2012, derived for the visual analogue scale
and applied to the integer NRS as a product decision: ``none`` 0, ``mild`` 1-3, ``moderate``
4-6, ``severe`` 7-8, ``very_severe`` 9-10. Compare: ``responder_4pt`` is an improvement
(decrease) of at least 4 points, the WI-NRS responder of the PRIME/PRIME2 prurigo nodularis
trials; ``details.baseline_meets_trial_entry`` says whether the baseline reached those trials'
entry level (7). Weekly averages of daily ratings are trial-specific and not computed here.
Sources and verification status of every rule are in ``data/measures/itch-nrs.yaml``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ldnderm.kernel import readers
from ldnderm.measures.base import Measure
from ldnderm.measures.model import CompareResult, ScoreResult

KEY = "score"


class ItchNrs(Measure):
    id: ClassVar[str] = "itch-nrs"
    comparable: ClassVar[bool] = True

    def score(self, responses: Any) -> ScoreResult:
        rating = read(responses)
        if rating is None:
            return self.not_computable(
                "no itch rating recorded (score is missing); a single-item scale is never imputed"
            )
        return self.result(rating)

    def compare(self, baseline: Any, followup: Any) -> CompareResult:
        before, after = self.score(baseline), self.score(followup)
        if not (before.computable and after.computable):
            return self.comparison(before, after)
        assert isinstance(before.total, int)
        assert isinstance(after.total, int)
        improved = before.total - after.total
        entry = self.definition.threshold("trial_entry")
        return self.comparison(
            before,
            after,
            {"responder_4pt": improved >= self.definition.threshold("responder_4pt")},
            details={"baseline_meets_trial_entry": before.total >= entry},
        )


def read(responses: Any) -> int | None:
    """Validate an itch NRS document; ``None`` when the rating is unanswered."""
    data = readers.as_object(responses)
    readers.reject_unknown(data, (KEY,))
    value = readers.get(data, KEY)
    if value is readers.MISSING:
        return None
    return readers.integer(value, KEY, 0, 10)
