"""Urticaria Control Test (UCT), the 4-item short form with a 4-week recall (Weller et al. 2014).

Input: keys ``q1``..``q4``, each an integer 0-4 (the answer's score, 0 worst control, 4 best).
A missing key or ``null`` is unanswered. Unknown keys, non-integers, booleans and values outside
0-4 are invalid input naming the key.

Total 0-16, the sum of the four item scores; higher is better (16 is full control). Any
unanswered item makes the UCT not computable: no read source defines a missing-item rule, so
none is imputed. Bands: ``poorly_controlled`` below 12, ``well_controlled`` 12 or more. Compare
(follow-up minus baseline): ``mcid`` is an increase of at least 3, ``marked`` an increase of at
least 6 (Kulthanan et al. 2016). Sources, licence and verification status of every rule are in
``data/measures/uct.yaml``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ldnderm.kernel import readers
from ldnderm.measures.base import Measure
from ldnderm.measures.model import CompareResult, ScoreResult

ITEMS = ("q1", "q2", "q3", "q4")


class Uct(Measure):
    id: ClassVar[str] = "uct"
    comparable: ClassVar[bool] = True

    def score(self, responses: Any) -> ScoreResult:
        answers = read(responses)
        unanswered = [key for key in ITEMS if answers[key] is None]
        details: dict[str, Any] = {"item_scores": answers, "unanswered": unanswered}
        if unanswered:
            return self.not_computable(
                f"{len(unanswered)} of 4 questions unanswered ({', '.join(unanswered)}); "
                "the UCT is scored only when all four are answered",
                details,
            )
        return self.result(sum(score or 0 for score in answers.values()), details)

    def compare(self, baseline: Any, followup: Any) -> CompareResult:
        before, after = self.score(baseline), self.score(followup)
        if not (before.computable and after.computable):
            return self.comparison(before, after)
        assert isinstance(before.total, int)
        assert isinstance(after.total, int)
        gained = after.total - before.total  # higher is better
        return self.comparison(
            before,
            after,
            {
                "mcid": gained >= self.definition.threshold("mcid"),
                "marked": gained >= self.definition.threshold("marked"),
            },
        )


def read(responses: Any) -> dict[str, int | None]:
    """Validate a UCT response document; unanswered items map to ``None``."""
    data = readers.as_object(responses)
    readers.reject_unknown(data, ITEMS)
    answers: dict[str, int | None] = {}
    for key in ITEMS:
        value = readers.get(data, key)
        answers[key] = None if value is readers.MISSING else readers.integer(value, key, 0, 4)
    return answers
