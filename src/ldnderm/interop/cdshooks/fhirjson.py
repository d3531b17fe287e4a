"""Small readers for FHIR JSON as CDS clients send it (plain dicts, partially filled).

Hook payloads are read leniently: CDS Hooks says order details may still be missing at
order-select, so these helpers return ``None`` or empty tuples instead of raising. Full
validation with fhir.resources happens where a complete resource is required (FHIR import).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

JsonDict = dict[str, Any]


def bundle_resources(bundle: Mapping[str, Any] | None) -> Iterator[JsonDict]:
    """The resources of a Bundle (or the resource itself when it is not a Bundle)."""
    if not bundle:
        return
    if bundle.get("resourceType") != "Bundle":
        yield dict(bundle)
        return
    for entry in bundle.get("entry") or ():
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
            yield entry["resource"]


def reference_of(resource: Mapping[str, Any]) -> str | None:
    """``Type/id`` of a resource, or ``None`` when it has no id."""
    rid = resource.get("id")
    kind = resource.get("resourceType")
    return f"{kind}/{rid}" if rid and kind else None


def codings(concept: Any) -> tuple[JsonDict, ...]:
    """The codings of a CodeableConcept (tolerates a missing or malformed concept)."""
    if not isinstance(concept, dict):
        return ()
    return tuple(c for c in concept.get("coding") or () if isinstance(c, dict))


def concept_text(concept: Any) -> str:
    """The best human text of a CodeableConcept: ``text``, else the first coding display."""
    if not isinstance(concept, dict):
        return ""
    if isinstance(concept.get("text"), str) and concept["text"].strip():
        return str(concept["text"]).strip()
    for coding in codings(concept):
        if isinstance(coding.get("display"), str) and coding["display"].strip():
            return str(coding["display"]).strip()
    return ""


def medication_concept(resource: Mapping[str, Any], bundle: Mapping[str, Any] | None) -> Any:
    """The medication CodeableConcept of a MedicationRequest or MedicationStatement.

    Follows ``medicationReference`` into ``contained`` resources and into the bundle the
    resource came from; returns ``None`` when it cannot be resolved.
    """
    if isinstance(resource.get("medicationCodeableConcept"), dict):
        return resource["medicationCodeableConcept"]
    ref = resource.get("medicationReference")
    target = ref.get("reference") if isinstance(ref, dict) else None
    if not isinstance(target, str):
        return None
    if target.startswith("#"):
        for contained in resource.get("contained") or ():
            if isinstance(contained, dict) and contained.get("id") == target[1:]:
                return contained.get("code")
        return None
    for entry in (bundle or {}).get("entry") or ():
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            continue
        candidate = entry["resource"]
        if entry.get("fullUrl") == target or reference_of(candidate) == target:
            return candidate.get("code")
    return None


def parse_date(value: Any) -> date | None:
    """The calendar date of a FHIR date or dateTime string (``None`` when absent or bad)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
