"""IGA PN-Stage: Investigator's Global Assessment of prurigo nodularis, stage (Zeidler 2021).

Input: ``{"nodules": n}``, the clinician's count of prurigo nodules, an integer 0-1,000 (the
item's ``maximum`` in the data, a project bound: no maximum is published). A missing or null
count is not computable.

The scale runs 0 (clear) to 4 (severe). A grade is reported only where its nodule anchor rule in
the data is not ``unverified``; today every anchor was seen only on the manufacturer's pages for
doctors (a weak source), so no count is graded until the instrument paper (Zeidler 2021) is read.
The anchors as recorded:

- 0-5 nodules: IGA PN-S 0 or 1 (the trials' "IGA PN-S 0/1" endpoint). Which of 0 and 1 is not
  verified, so ``total`` is ``None`` while ``computable`` is true; ``band`` is
  ``grade_0_or_1`` and ``details.grade`` is ``"0/1"``.
- 6-19 nodules: grade 2 is where these counts would fall, but its cut-offs are not verified: the
  result is not computable ("formula not verified").
- 20-100 nodules: 3 (moderate). More than 100 nodules: 4 (severe).

``details.iga_pn_s_0_or_1`` says whether the count is 0-5. The bands are kept, with their source,
as the ``nodule-count`` banding of ``data/measures/pn-iga-stage.yaml``; note that they
band the nodule count, not the total. There is no compare: no responder definition for the stage
alone was verified.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ldnderm.kernel import readers
from ldnderm.kernel.version import knowledge_version
from ldnderm.measures.base import Measure
from ldnderm.measures.model import ScoreResult

KEYS = ("nodules",)
ZERO_OR_ONE = "grade_0_or_1"
GRADES: dict[str, int | None] = {ZERO_OR_ONE: None, "moderate": 3, "severe": 4}
"""Band code of the nodule-count banding -> the IGA PN-S grade (None: 0 or 1)."""
RULE_OF_BAND = {ZERO_OR_ONE: "grade_0_or_1", "moderate": "grade_3", "severe": "grade_4"}
"""The rule in ``data/measures/pn-iga-stage.yaml`` behind each band; a band whose rule is
``unverified`` is not computed."""
NOT_VERIFIED = "grade_2_not_verified"


class PnIgaStage(Measure):
    id: ClassVar[str] = "pn-iga-stage"

    def score(self, responses: Any) -> ScoreResult:
        data = readers.as_object(responses)
        readers.reject_unknown(data, KEYS)
        value = readers.get(data, "nodules")
        if value is readers.MISSING:
            return self.not_computable("nodules not recorded")
        nodules = readers.integer(value, "nodules", 0, self.definition.maxima()["nodules"])
        band = self.definition.banding().band_of(nodules)
        details: dict[str, Any] = {"nodules": nodules}
        if band.code == NOT_VERIFIED:
            return self.not_computable(
                f"formula not verified: no verified IGA PN-S grade for {nodules} nodules (the "
                "grade 2 cut-offs are unconfirmed; verified are 0-5 nodules = 0 or 1, 20-100 = 3, "
                "more than 100 = 4)",
                details,
            )
        if not self.definition.usable(RULE_OF_BAND[band.code]):
            return self.not_computable(
                f"anchor not verified: the IGA PN-S anchor for {nodules} nodules was seen only "
                "on the manufacturer's pages (a weak source), not in the instrument's paper, so "
                "no grade is computed",
                details,
            )
        grade = GRADES[band.code]
        details["iga_pn_s_0_or_1"] = band.code == ZERO_OR_ONE
        details["grade"] = "0/1" if grade is None else str(grade)
        # Not Measure.result(): that bands the total, and this banding is of the nodule count.
        return ScoreResult(
            measure=self.id,
            version=self.version,
            computable=True,
            total=grade,
            band=band.code,
            band_label=band.label,
            details=details,
            knowledge_version=knowledge_version(),
        )
