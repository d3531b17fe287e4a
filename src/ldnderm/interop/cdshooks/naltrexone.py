"""Recognising naltrexone among the draft orders of an order-select or order-sign hook.

The code list is data (``data/interop/naltrexone.yaml``, read by
:func:`ldnderm.kernel.codes.naltrexone`), with a source for every code. A MedicationRequest is a
naltrexone order when one of its medication codings is a listed RxNorm or ATC code, or when its
medication text names naltrexone as a whole word (``methylnaltrexone`` is another drug) or says
``LDN`` in capitals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ldnderm.interop.cdshooks.fhirjson import (
    JsonDict,
    bundle_resources,
    codings,
    concept_text,
    medication_concept,
    reference_of,
)
from ldnderm.kernel.codes import ATC, RXNORM, naltrexone

_PERIOD_DAYS = {"h": 1 / 24, "d": 1.0, "wk": 7.0, "mo": 30.0}
_MG = {"mg", "milligram", "milligrams"}


@dataclass(frozen=True)
class NaltrexoneOrder:
    """A draft order recognised as naltrexone.

    Attributes
    ----------
    reference:
        ``MedicationRequest/<id>`` when the draft has an id (needed for a delete suggestion).
    label:
        What the order says, for card text (e.g. ``"naltrexone 4.5 mg capsule"``).
    matched_by:
        ``"rxnorm:7243"``, ``"atc:N07BB04"`` or ``"name"``.
    daily_dose_mg:
        Planned mg per day from the first dosage instruction, when its dose is in mg and its
        timing gives a frequency; ``None`` otherwise (screening then assumes standard dose).
    selected:
        The order is in ``context.selections`` (order-select) or the hook is order-sign.
    """

    reference: str | None
    label: str
    matched_by: str
    daily_dose_mg: float | None
    selected: bool
    resource: JsonDict


def match_concept(concept: Any) -> str | None:
    """How a medication CodeableConcept is naltrexone (``"rxnorm:7243"``...), or ``None``."""
    codes = naltrexone()
    for coding in codings(concept):
        system, code = coding.get("system"), str(coding.get("code", ""))
        if system == RXNORM and code in codes.rxnorm:
            return f"rxnorm:{code}"
        if system == ATC and code.upper() in codes.atc:
            return f"atc:{code.upper()}"
    texts = [concept_text(concept)] if isinstance(concept, dict) else []
    texts += [str(c.get("display", "")) for c in codings(concept)]
    for text in texts:
        if codes.names_text(text):
            return "name"
    return None


def find_orders(
    draft_orders: Mapping[str, Any], selections: list[str] | None = None
) -> list[NaltrexoneOrder]:
    """Every naltrexone MedicationRequest in ``draftOrders``, in bundle order.

    ``selections`` (order-select) marks which orders were just selected; ``None`` (order-sign)
    marks all of them selected.
    """
    found: list[NaltrexoneOrder] = []
    for resource in bundle_resources(draft_orders):
        if resource.get("resourceType") != "MedicationRequest":
            continue
        concept = medication_concept(resource, draft_orders)
        matched = match_concept(concept)
        if matched is None:
            continue
        ref = reference_of(resource)
        found.append(
            NaltrexoneOrder(
                reference=ref,
                label=concept_text(concept) or "naltrexone",
                matched_by=matched,
                daily_dose_mg=daily_dose_mg(resource),
                selected=selections is None or (ref is not None and ref in selections),
                resource=resource,
            )
        )
    return found


def daily_dose_mg(request: Mapping[str, Any]) -> float | None:
    """Planned mg/day of a MedicationRequest's first dosage instruction, when it says so."""
    instructions = request.get("dosageInstruction") or ()
    if not instructions or not isinstance(instructions[0], dict):
        return None
    first = instructions[0]
    dose = None
    for rate in first.get("doseAndRate") or ():
        if isinstance(rate, dict) and isinstance(rate.get("doseQuantity"), dict):
            dose = rate["doseQuantity"]
            break
    if dose is None or not isinstance(dose.get("value"), int | float):
        return None
    unit = str(dose.get("code") or dose.get("unit") or "").strip().lower()
    if unit not in _MG:
        return None
    repeat = (first.get("timing") or {}).get("repeat") or {}
    frequency = repeat.get("frequency", 1)
    period = repeat.get("period")
    per_days = _PERIOD_DAYS.get(str(repeat.get("periodUnit", "")))
    if not isinstance(period, int | float) or per_days is None or period <= 0:
        return None
    if not isinstance(frequency, int) or frequency < 1:
        return None
    return round(float(dose["value"]) * frequency / (period * per_days), 4)
