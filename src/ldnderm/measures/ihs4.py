"""International Hidradenitis Suppurativa Severity Score System (IHS4; Zouboulis et al. 2017).

Input: ``{"nodules", "abscesses", "draining_tunnels"}``, each a count of inflammatory nodules,
abscesses and draining tunnels (fistulae, sinuses) at the visit: an integer 0-1,000 (the
``maximum`` of each item in the data, a project bound: no maximum is published). Unknown keys,
non-integers, booleans, negative counts and counts above the bound are invalid input naming the
key. A missing or ``null`` count makes the IHS4 not computable (no source defines a
missing-count rule; a count is never imputed).

Score = nodules + 2 x abscesses + 4 x draining tunnels (an integer, 0 or more). Bands: ``mild``
3 or less, ``moderate`` 4-10, ``severe`` 11 or more. Compare: ``ihs4_55`` is a reduction of at
least 55% from baseline, decided in exact integer arithmetic; a baseline of 0 is not evaluable
(the percentage is undefined). Sources and verification status of every rule are in
``data/measures/ihs4.yaml``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ldnderm.kernel import readers
from ldnderm.measures.base import Measure, reduction_at_least
from ldnderm.measures.model import CompareResult, ScoreResult

WEIGHTS: dict[str, int] = {"nodules": 1, "abscesses": 2, "draining_tunnels": 4}


class Ihs4(Measure):
    id: ClassVar[str] = "ihs4"
    comparable: ClassVar[bool] = True

    def score(self, responses: Any) -> ScoreResult:
        counts = readers.counts(responses, self.definition.maxima())
        missing = [key for key, count in counts.items() if count is None]
        details: dict[str, Any] = {"counts": counts, "missing": missing}
        if missing:
            return self.not_computable(
                f"missing count ({', '.join(missing)}); the IHS4 needs all three counts",
                details,
            )
        contributions = {key: WEIGHTS[key] * (count or 0) for key, count in counts.items()}
        details["contributions"] = contributions
        return self.result(sum(contributions.values()), details)

    def compare(self, baseline: Any, followup: Any) -> CompareResult:
        before, after = self.score(baseline), self.score(followup)
        if not (before.computable and after.computable):
            return self.comparison(before, after)
        assert isinstance(before.total, int)
        assert isinstance(after.total, int)
        if before.total == 0:
            return self.comparison(
                before,
                after,
                reason="baseline IHS4 is 0, so a percentage reduction is undefined",
            )
        cut = self.definition.threshold("ihs4_55")
        return self.comparison(
            before, after, {"ihs4_55": reduction_at_least(before.total, after.total, cut)}
        )
