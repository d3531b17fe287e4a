"""Hidradenitis suppurativa lesion counts for HiSCR and flare (compare only; Kimball et al. 2016).

Input: ``{"abscesses", "nodules", "draining_tunnels"}``, counts of abscesses, inflammatory
nodules and draining tunnels (fistulae) at the visit, each an integer 0-1,000 (the ``maximum``
of each item in the data, a project bound: no maximum is published). Unknown keys, non-integers,
booleans, negative counts and counts above the bound are invalid input naming the key.
A missing or ``null`` count makes the assessment not computable (never imputed).

This is a responder measure (``scorable`` is false: it has no published score or band of its
own). :meth:`HsLesions.score` still validates one assessment and reports the AN count
(abscesses + inflammatory nodules) as ``total``, with no band, and the three counts in
``details``; ``change`` and ``percent_change`` of a comparison are therefore those of the AN
count.

Compare, evaluable only when the baseline AN count is 3 or more (the HiSCR validation
population; with a lower baseline every responder is not evaluable):

* ``hiscr50``, ``hiscr75``, ``hiscr90``, ``hiscr100``: an AN-count reduction of at least that
  percentage, decided exactly, **and** no increase in abscesses **and** no increase in draining
  tunnels, each relative to baseline;
* ``flare``: an AN-count increase of at least 25% **and** of at least 2.

Sources and verification status of every rule are in ``data/measures/hs-lesions.yaml``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ldnderm.kernel import readers
from ldnderm.measures.base import Measure, reduction_at_least
from ldnderm.measures.model import CompareResult, ScoreResult

KEYS = ("abscesses", "nodules", "draining_tunnels")
HISCR = ("hiscr50", "hiscr75", "hiscr90", "hiscr100")
"""HiSCR responders; each one's AN-reduction percentage is a threshold in the YAML."""


class HsLesions(Measure):
    id: ClassVar[str] = "hs-lesions"
    comparable: ClassVar[bool] = True
    scorable: ClassVar[bool] = False

    def score(self, responses: Any) -> ScoreResult:
        counts = readers.counts(responses, self.definition.maxima())
        missing = [key for key, count in counts.items() if count is None]
        details: dict[str, Any] = dict(counts)
        if missing:
            details["missing"] = missing
            return self.not_computable(
                f"missing count ({', '.join(missing)}); HS lesion assessments need all three",
                details,
            )
        an_count = (counts["abscesses"] or 0) + (counts["nodules"] or 0)
        details["an_count"] = an_count
        return self.result(an_count, details)

    def compare(self, baseline: Any, followup: Any) -> CompareResult:
        before, after = self.score(baseline), self.score(followup)
        if not (before.computable and after.computable):
            return self.comparison(before, after)
        assert isinstance(before.total, int)
        assert isinstance(after.total, int)
        details = {
            "abscesses_increased": after.details["abscesses"] > before.details["abscesses"],
            "draining_tunnels_increased": (
                after.details["draining_tunnels"] > before.details["draining_tunnels"]
            ),
        }
        minimum = self.definition.threshold("baseline_an_min")
        if before.total < minimum:
            return self.comparison(
                before,
                after,
                reason=(
                    f"baseline AN count is {before.total}; HiSCR and flare are evaluable only "
                    f"from a baseline AN count of {minimum} or more"
                ),
                details=details,
            )
        no_worsening = not (details["abscesses_increased"] or details["draining_tunnels_increased"])
        responders = {
            name: no_worsening
            and reduction_at_least(before.total, after.total, self.definition.threshold(name))
            for name in HISCR
        }
        responders["flare"] = is_flare(
            before.total,
            after.total,
            self.definition.threshold("flare_percent"),
            self.definition.threshold("flare_absolute"),
        )
        return self.comparison(before, after, responders, details=details)


def is_flare(baseline: int, followup: int, percent: Decimal, absolute: Decimal) -> bool:
    """An AN-count increase of at least ``percent`` % and of at least ``absolute``, decided
    exactly: ``(followup - baseline) x 100 >= percent x baseline`` and
    ``followup - baseline >= absolute``."""
    increase = followup - baseline
    return increase * 100 >= percent * baseline and increase >= absolute
