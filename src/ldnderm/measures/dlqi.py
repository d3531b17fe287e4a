"""Dermatology Life Quality Index (Finlay & Khan 1994).

Input: keys ``q1``..``q10``. ``q1``, ``q2``: 0-3. ``q3``-``q6``, ``q8``-``q10``: 0-3 or
``"not_relevant"`` (scored 0). ``q7``: ``"yes"`` (prevented work or study, scored 3),
``"not_relevant"`` (0), or 0-2: the follow-up score after answering "no". A missing key or
``null`` is unanswered.

Total 0-30, the sum of the ten item scores. One unanswered item scores 0; two or more make the
questionnaire not computable (never imputed). Bands: Hongbo et al. 2005. Compare: ``mcid`` is an
improvement (decrease) of at least 4 points (Basra et al. 2015). Sources and verification status
of every rule are in ``data/measures/dlqi.yaml``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ldnderm.kernel import readers
from ldnderm.measures.base import Measure
from ldnderm.measures.model import CompareResult, ScoreResult

ITEMS = tuple(f"q{i}" for i in range(1, 11))
NOT_RELEVANT_ALLOWED = frozenset({"q3", "q4", "q5", "q6", "q8", "q9", "q10"})
SUBSCALES: dict[str, tuple[str, ...]] = {
    "symptoms_and_feelings": ("q1", "q2"),
    "daily_activities": ("q3", "q4"),
    "leisure": ("q5", "q6"),
    "work_and_school": ("q7",),
    "personal_relationships": ("q8", "q9"),
    "treatment": ("q10",),
}


class Dlqi(Measure):
    id: ClassVar[str] = "dlqi"
    comparable: ClassVar[bool] = True

    def score(self, responses: Any) -> ScoreResult:
        answers = read(responses)
        unanswered = [key for key in ITEMS if answers[key] is None]
        item_scores = {key: item_score(key, answers[key]) for key in ITEMS}
        details: dict[str, Any] = {
            "item_scores": item_scores,
            "unanswered": unanswered,
            "not_relevant": [k for k in ITEMS if answers[k] == "not_relevant"],
        }
        if len(unanswered) >= 2:
            return self.not_computable(
                f"{len(unanswered)} questions unanswered ({', '.join(unanswered)}); "
                "the DLQI is not scored when two or more are unanswered",
                details,
            )
        if self.definition.usable("subscales"):
            details["subscales"] = {
                name: None
                if any(item_scores[k] is None for k in keys)
                else sum(item_scores[k] or 0 for k in keys)
                for name, keys in SUBSCALES.items()
            }
        total = sum(score or 0 for score in item_scores.values())  # one unanswered item scores 0
        return self.result(total, details)

    def compare(self, baseline: Any, followup: Any) -> CompareResult:
        before, after = self.score(baseline), self.score(followup)
        if not (before.computable and after.computable):
            return self.comparison(before, after)
        assert before.total is not None and after.total is not None
        improved = before.total - after.total
        return self.comparison(
            before, after, {"mcid": improved >= self.definition.threshold("mcid")}
        )


def read(responses: Any) -> dict[str, int | str | None]:
    """Validate a DLQI response document; unanswered items map to ``None``."""
    data = readers.as_object(responses)
    readers.reject_unknown(data, ITEMS)
    answers: dict[str, int | str | None] = {}
    for key in ITEMS:
        value = readers.get(data, key)
        if value is readers.MISSING:
            answers[key] = None
        elif key == "q7":
            answers[key] = readers.choice_or_integer(value, key, ("yes", "not_relevant"), 0, 2)
        elif key in NOT_RELEVANT_ALLOWED:
            answers[key] = readers.choice_or_integer(value, key, ("not_relevant",), 0, 3)
        else:
            answers[key] = readers.integer(value, key, 0, 3)
    return answers


def item_score(key: str, answer: int | str | None) -> int | None:
    """The 0-3 score of one answer; ``None`` when unanswered."""
    if answer is None:
        return None
    if answer == "not_relevant":
        return 0
    if answer == "yes":  # only q7 admits "yes": prevented from working or studying
        return 3
    assert isinstance(answer, int)
    return answer
