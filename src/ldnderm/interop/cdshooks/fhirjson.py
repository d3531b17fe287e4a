"""Small readers for FHIR JSON as CDS clients send it (plain dicts, partially filled).

Hook payloads are read leniently: CDS Hooks says order details may still be missing at
order-select, so these helpers return ``None`` or empty tuples instead of raising. Full
validation with fhir.resources happens where a complete resource is required (FHIR import).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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


def medication_index(containers: Iterable[Mapping[str, Any] | None]) -> dict[str, JsonDict]:
    """Medication resources in Bundles (e.g. ``_include``), by ``Medication/id`` and fullUrl."""
    index: dict[str, JsonDict] = {}
    for container in containers:
        if not container or container.get("resourceType") != "Bundle":
            continue
        for entry in container.get("entry") or ():
            if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
                continue
            resource = entry["resource"]
            if resource.get("resourceType") != "Medication":
                continue
            ref = reference_of(resource)
            if ref:
                index[ref] = resource
            if isinstance(entry.get("fullUrl"), str):
                index[entry["fullUrl"]] = resource
    return index


def medication_concept(
    resource: Mapping[str, Any],
    bundle: Mapping[str, Any] | None,
    included: Mapping[str, JsonDict] | None = None,
) -> Any:
    """The medication CodeableConcept of a MedicationRequest or MedicationStatement.

    Follows ``medicationReference`` into ``contained`` resources, into the bundle the resource
    came from and into ``included`` (see :func:`medication_index`); else, when the reference
    has a ``display``, a concept with that text (``"oxycodone 5 mg"`` is still classified).
    Returns ``None`` when none of these names the medicine.
    """
    if isinstance(resource.get("medicationCodeableConcept"), dict):
        return resource["medicationCodeableConcept"]
    ref = resource.get("medicationReference")
    if not isinstance(ref, dict):
        return None
    target = ref.get("reference")
    found: Any = None
    if isinstance(target, str) and target.startswith("#"):
        for contained in resource.get("contained") or ():
            if isinstance(contained, dict) and contained.get("id") == target[1:]:
                found = contained
                break
    elif isinstance(target, str):
        index = dict(medication_index([bundle]))
        index.update(included or {})
        found = index.get(target)
    code = found.get("code") if isinstance(found, dict) else None
    if isinstance(code, dict) and (concept_text(code) or codings(code)):
        return code
    display = ref.get("display")
    if isinstance(display, str) and display.strip():
        return {"text": display.strip()}
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
