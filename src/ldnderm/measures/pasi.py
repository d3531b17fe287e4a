"""Psoriasis Area and Severity Index (Fredriksson & Pettersson 1978).

Input: keys ``head``, ``upper_limbs``, ``trunk`` and ``lower_limbs``, each an object
``{"erythema": 0-4, "induration": 0-4, "desquamation": 0-4}`` plus exactly one of ``"area"``
(the area score, an integer 0-6) or ``"area_percent"`` (the affected share of that region, a
number 0-100, converted to the area score: 0 -> 0; above 0 and below 10 -> 1; 10 to below 30 -> 2;
30 to below 50 -> 3; 50 to below 70 -> 4; 70 to below 90 -> 5; 90-100 -> 6). Giving both, or
neither, is invalid input. A missing (or null) region or sign makes the PASI not computable
(no published missing-data rule; nothing is imputed).

Total 0-72 = sum over regions of weight x (erythema + induration + desquamation) x area score,
with weights head 0.1, upper limbs 0.2, trunk 0.3, lower limbs 0.4. The arithmetic is done in
``Decimal``, so totals are exact tenths and responder cut-offs hold at exactly 50/75/90/100 %.
There is no severity band (no validated banding exists); ``details.rule_of_tens_severe`` says
whether the total exceeds 10 (Finlay 2005). A region whose area score and severity sum disagree
(one is 0, the other not) is listed in ``details.inconsistent``; it still contributes its product.

Compare: ``pasi50``, ``pasi75``, ``pasi90``, ``pasi100`` (reduction from baseline of at least that
percentage, decided exactly); a baseline of 0 is not evaluable. Sources and verification status of
every rule are in ``data/measures/pasi.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from ldnderm.kernel import readers
from ldnderm.kernel.errors import InvalidInput
from ldnderm.measures.base import Measure, reduction_at_least
from ldnderm.measures.model import CompareResult, ScoreResult

REGIONS = ("head", "upper_limbs", "trunk", "lower_limbs")
WEIGHTS: dict[str, Decimal] = {
    "head": Decimal("0.1"),
    "upper_limbs": Decimal("0.2"),
    "trunk": Decimal("0.3"),
    "lower_limbs": Decimal("0.4"),
}
SIGNS = ("erythema", "induration", "desquamation")
REGION_KEYS = (*SIGNS, "area", "area_percent")
AREA_SCORE_FLOORS: tuple[tuple[Decimal, int], ...] = (
    (Decimal(90), 6),
    (Decimal(70), 5),
    (Decimal(50), 4),
    (Decimal(30), 3),
    (Decimal(10), 2),
)
"""Lower bound (inclusive) of the percentage for area scores 2-6; above 0 and below 10 is 1."""
RESPONDERS = ("pasi50", "pasi75", "pasi90", "pasi100")
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Region:
    """One complete, validated region."""

    erythema: int
    induration: int
    desquamation: int
    area: int
    area_percent: Decimal | None

    @property
    def severity_sum(self) -> int:
        return self.erythema + self.induration + self.desquamation

    @property
    def inconsistent(self) -> bool:
        """Affected area without any sign, or signs without affected area."""
        return (self.area == 0) != (self.severity_sum == 0)


class Pasi(Measure):
    id: ClassVar[str] = "pasi"
    comparable: ClassVar[bool] = True

    def score(self, responses: Any) -> ScoreResult:
        regions, missing = read(responses)
        details: dict[str, Any] = {"regions": {}, "missing": missing, "inconsistent": []}
        contributions: list[Decimal] = []
        for name in REGIONS:
            region = regions[name]
            if region is None:
                continue
            contribution = WEIGHTS[name] * region.severity_sum * region.area
            contributions.append(contribution)
            details["regions"][name] = {
                "erythema": region.erythema,
                "induration": region.induration,
                "desquamation": region.desquamation,
                "severity_sum": region.severity_sum,
                "area_percent": region.area_percent,
                "area_score": region.area,
                "weight": WEIGHTS[name],
                "contribution": contribution,
            }
            if region.inconsistent:
                details["inconsistent"].append(name)
        if missing:
            return self.not_computable(
                f"not recorded: {', '.join(missing)}; the PASI needs all three signs and the "
                "area of all four regions (no missing-data rule is published)",
                details,
            )
        total = sum(contributions, Decimal(0)).quantize(ONE_DECIMAL)
        details["rule_of_tens_severe"] = total > self.definition.threshold("rule_of_tens")
        return self.result(total, details)

    def compare(self, baseline: Any, followup: Any) -> CompareResult:
        before, after = self.score(baseline), self.score(followup)
        if not (before.computable and after.computable):
            return self.comparison(before, after)
        assert before.total is not None and after.total is not None
        if before.total == 0:
            return self.comparison(
                before,
                after,
                reason="baseline PASI is 0: the percentage change is undefined, so no "
                "response can be evaluated",
            )
        responders = {
            key: reduction_at_least(before.total, after.total, self.definition.threshold(key))
            for key in RESPONDERS
        }
        return self.comparison(before, after, responders)


def read(responses: Any) -> tuple[dict[str, Region | None], list[str]]:
    """Validate a PASI document. Returns the complete regions (``None`` where something is
    missing) and the field paths that are missing."""
    data = readers.as_object(responses)
    readers.reject_unknown(data, REGIONS)
    regions: dict[str, Region | None] = {}
    missing: list[str] = []
    for name in REGIONS:
        value = readers.get(data, name)
        if value is readers.MISSING:
            regions[name] = None
            missing.append(name)
            continue
        regions[name] = read_region(value, name, missing)
    return regions, missing


def read_region(value: Any, field: str, missing: list[str]) -> Region | None:
    """One region; appends missing sign paths to ``missing`` and then returns ``None``."""
    data = readers.as_object(value, field)
    readers.reject_unknown(data, REGION_KEYS, field)
    signs: dict[str, int] = {}
    for key in SIGNS:
        sign = readers.get(data, key)
        if sign is readers.MISSING:
            missing.append(readers.join(field, key))
        else:
            signs[key] = readers.integer(sign, readers.join(field, key), 0, 4)
    area, percent = readers.get(data, "area"), readers.get(data, "area_percent")
    if (area is readers.MISSING) == (percent is readers.MISSING):
        problem = "gives both" if area is not readers.MISSING else "gives neither"
        raise InvalidInput(
            field,
            f"{problem} area and area_percent",
            'exactly one of "area" (0-6) or "area_percent" (0-100)',
        )
    exact_percent: Decimal | None = None
    if percent is not readers.MISSING:
        exact_percent = readers.decimal(
            percent, readers.join(field, "area_percent"), Decimal(0), Decimal(100)
        )
        area_score = area_score_of(exact_percent)
    else:
        area_score = readers.integer(area, readers.join(field, "area"), 0, 6)
    if len(signs) < len(SIGNS):
        return None
    return Region(
        erythema=signs["erythema"],
        induration=signs["induration"],
        desquamation=signs["desquamation"],
        area=area_score,
        area_percent=exact_percent,
    )


def area_score_of(percent: Decimal) -> int:
    """The 0-6 area score of an affected percentage (0 only for exactly 0 %)."""
    if percent == 0:
        return 0
    for floor, score in AREA_SCORE_FLOORS:
        if percent >= floor:
            return score
    return 1
